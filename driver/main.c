// SPDX-License-Identifier: GPL-2.0
/*
 * tppgate: keep every accelerator PCI device in quarantine until admitted.
 *
 * Subsystems come up in dependency order and go down in reverse. The trust
 * anchors come first, so no policy can be checked against a half-built
 * keyring; the gate comes last because its sweep starts holding devices at once: the
 * quarantine driver must be there to bind them, and the netlink family to
 * announce them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "accel.h"
#include "gate.h"
#include "keys.h"
#include "netlink.h"
#include "quarantine.h"
#include "version.h"

static int __init tppgate_init(void)
{
	int ret;

	ret = tppgate_keys_init();
	if (ret)
		return ret;
	ret = tppgate_accel_init();
	if (ret)
		goto err_uninit_keys;
	ret = tppgate_quarantine_init();
	if (ret)
		goto err_uninit_accel;
	ret = tppgate_netlink_init();
	if (ret)
		goto err_unregister_driver;
	ret = tppgate_gate_init();
	if (ret)
		goto err_unregister_family;

	pr_info("version %s loaded\n", TPPGATE_VERSION);
	return 0;

err_unregister_family:
	tppgate_netlink_uninit();
err_unregister_driver:
	tppgate_quarantine_uninit();
err_uninit_accel:
	tppgate_accel_uninit();
err_uninit_keys:
	tppgate_keys_uninit();
	return ret;
}

static void __exit tppgate_exit(void)
{
	tppgate_gate_uninit();
	tppgate_netlink_uninit();
	tppgate_quarantine_uninit();
	tppgate_accel_uninit();
	tppgate_keys_uninit();
	pr_info("unloaded\n");
}

module_init(tppgate_init);
module_exit(tppgate_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Quarantine for accelerator PCI devices, admitted by compute cap");
MODULE_AUTHOR("The tppgate developers");
MODULE_VERSION(TPPGATE_VERSION);
