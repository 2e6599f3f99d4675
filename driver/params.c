// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters that shape the gate. Each is checked by its setter,
 * which the module loader runs before the module's init: a bad value fails
 * the load before anything is registered, let alone a device held. All are
 * read-only after load (0444), so none can weaken the gate later.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "params.h"

static int choice_set(const char *val, const struct kernel_param *kp)
{
	const struct tppgate_param_choice *c = kp->arg;
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		if (sysfs_streq(val, c->names[i])) {
			*c->value = i;
			return 0;
		}
	}
	pr_err("%s=%s: expected %s or %s\n", kp->name, val, c->names[0],
	       c->names[c->n - 1]);
	return -EINVAL;
}

static int choice_get(char *buf, const struct kernel_param *kp)
{
	const struct tppgate_param_choice *c = kp->arg;

	return sysfs_emit(buf, "%s\n", c->names[*c->value]);
}

const struct kernel_param_ops tppgate_param_choice_ops = {
	.set = choice_set,
	.get = choice_get,
};

static const char * const boot_names[] = {
	[TPPGATE_BOOT_KEEP] = "keep",
	[TPPGATE_BOOT_QUARANTINE] = "quarantine",
};

static_assert(ARRAY_SIZE(boot_names) == __TPPGATE_BOOT_MAX);

static unsigned int boot_mode = TPPGATE_BOOT_KEEP;
static struct tppgate_param_choice boot_choice = {
	.names = boot_names, .n = ARRAY_SIZE(boot_names), .value = &boot_mode,
};
module_param_cb(boot, &tppgate_param_choice_ops, &boot_choice, 0444);
MODULE_PARM_DESC(boot, "Accelerators bound when the module loads: keep (default) or quarantine");

static bool gate_boot_vga;
module_param(gate_boot_vga, bool, 0444);
MODULE_PARM_DESC(gate_boot_vga, "Gate the boot VGA device too (default: leave its console alone; its TPP counts either way)");

static bool manual;
module_param(manual, bool, 0444);
MODULE_PARM_DESC(manual, "Allow DEVICE_ADMIT/DEVICE_QUARANTINE by hand, overriding the policy (logged)");

/**
 * tppgate_params_boot_mode() - the boot= parameter
 *
 * Return: what the module does at load with accelerators already bound.
 */
enum tppgate_boot_mode tppgate_params_boot_mode(void)
{
	return boot_mode;
}

/**
 * tppgate_params_gate_boot_vga() - the gate_boot_vga= parameter
 *
 * Return: true if the boot VGA device is gated like any other.
 */
bool tppgate_params_gate_boot_vga(void)
{
	return gate_boot_vga;
}

/**
 * tppgate_params_manual() - the manual= parameter
 *
 * Return: true if admission by hand is allowed.
 */
bool tppgate_params_manual(void)
{
	return manual;
}
