// SPDX-License-Identifier: GPL-2.0
/*
 * Which PCI devices are accelerators by the module's own rules: the fixed
 * class list, plus the class codes and vendor:device ids that the
 * administrator adds at load time. The parameters are checked by their
 * setters, before the module's init runs.
 *
 * A PCI bridge (base class 0x06) is never an accelerator: holding one would
 * cut off every device behind it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "accel.h"

#define MAX_EXTRA 32

/*
 * Base class and subclass (class >> 8). Display controllers are here because
 * datacenter GPUs enumerate as VGA (RTX 4090), 3D (H100, A100) or "other"
 * display (MI210); 0x1200 is what MI300 and Gaudi use.
 */
static const u16 default_classes[] = {
	PCI_CLASS_DISPLAY_VGA,
	PCI_CLASS_DISPLAY_3D,
	PCI_CLASS_DISPLAY_OTHER,
	PCI_CLASS_PROCESSOR_CO,
	0x1200,	/* PCI_CLASS_ACCELERATOR_PROCESSING, absent from 6.1 headers */
};

struct accel_id {
	u16 vendor;
	u16 device;
};

/* Written by the setters while the module loads, read-only afterwards. */
static u16 extra_classes[MAX_EXTRA];
static unsigned int n_extra_classes;
static struct accel_id extra_ids[MAX_EXTRA];
static unsigned int n_extra_ids;

/**
 * tppgate_accel_bridge_class() - is this class code a PCI bridge's?
 * @class: base class and subclass (base << 8 | sub)
 *
 * Return: true for base class 0x06, which is never gated.
 */
bool tppgate_accel_bridge_class(u16 class)
{
	return class >> 8 == PCI_BASE_CLASS_BRIDGE;
}

static int parse_class(char *tok, void *item)
{
	u16 *class = item;

	if (kstrtou16(tok, 0, class))
		return -EINVAL;
	if (tppgate_accel_bridge_class(*class)) {
		pr_err("classes: 0x%04x is a PCI bridge class, which is never gated\n", *class);
		return -EINVAL;
	}
	return 0;
}

static int parse_id(char *tok, void *item)
{
	struct accel_id *id = item;
	char *colon = strchr(tok, ':');

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (kstrtou16(tok, 16, &id->vendor) || kstrtou16(colon + 1, 16, &id->device))
		return -EINVAL;
	return 0;
}

/*
 * Parse a comma-separated list into @n items of @size bytes at @out; the
 * list replaces the previous one only when all of it parses.
 */
static int parse_list(const char *name, const char *val, void *out, size_t size,
		      unsigned int *n, int (*parse)(char *tok, void *item))
{
	char *buf, *cur, *tok, *items;
	unsigned int count = 0;
	int ret = 0;

	buf = kstrdup(val, GFP_KERNEL);
	items = kcalloc(MAX_EXTRA, size, GFP_KERNEL);
	if (!buf || !items) {
		ret = -ENOMEM;
		goto out;
	}
	cur = strim(buf);
	while ((tok = strsep(&cur, ",")) != NULL) {
		char shown[16];

		if (!*tok)
			continue;
		if (count == MAX_EXTRA) {
			pr_err("%s: more than %d entries\n", name, MAX_EXTRA);
			ret = -E2BIG;
			goto out;
		}
		/* The parsers cut the token; say what was given. */
		strscpy(shown, tok, sizeof(shown));
		ret = parse(tok, items + count * size);
		if (ret) {
			pr_err("%s: '%s' is not valid\n", name, shown);
			goto out;
		}
		count++;
	}
	memcpy(out, items, count * size);
	*n = count;
out:
	kfree(items);
	kfree(buf);
	return ret;
}

static int classes_set(const char *val, const struct kernel_param *kp)
{
	return parse_list("classes", val, extra_classes, sizeof(extra_classes[0]),
			  &n_extra_classes, parse_class);
}

static int classes_get(char *buf, const struct kernel_param *kp)
{
	int len = 0;
	unsigned int i;

	for (i = 0; i < n_extra_classes; i++)
		len += sysfs_emit_at(buf, len, "%s0x%04x", i ? "," : "",
				     extra_classes[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static int ids_set(const char *val, const struct kernel_param *kp)
{
	return parse_list("ids", val, extra_ids, sizeof(extra_ids[0]),
			  &n_extra_ids, parse_id);
}

static int ids_get(char *buf, const struct kernel_param *kp)
{
	int len = 0;
	unsigned int i;

	for (i = 0; i < n_extra_ids; i++)
		len += sysfs_emit_at(buf, len, "%s%04x:%04x", i ? "," : "",
				     extra_ids[i].vendor, extra_ids[i].device);
	return len + sysfs_emit_at(buf, len, "\n");
}

static const struct kernel_param_ops classes_ops = {
	.set = classes_set,
	.get = classes_get,
};

static const struct kernel_param_ops ids_ops = {
	.set = ids_set,
	.get = ids_get,
};

module_param_cb(classes, &classes_ops, NULL, 0444);
MODULE_PARM_DESC(classes, "Extra accelerator class codes (base<<8|sub), e.g. 0x00ff; never a bridge (0x06xx)");
module_param_cb(ids, &ids_ops, NULL, 0444);
MODULE_PARM_DESC(ids, "Extra accelerators as vendor:device hex pairs, comma-separated");

/**
 * tppgate_accel_match() - is this PCI device an accelerator?
 * @pdev: the device
 *
 * Context: any; reads only data fixed at module load.
 * Return: true if its class or its vendor:device makes it one.
 */
bool tppgate_accel_match(const struct pci_dev *pdev)
{
	u16 class = pdev->class >> 8;
	unsigned int i;

	if (tppgate_accel_bridge_class(class))
		return false;
	for (i = 0; i < ARRAY_SIZE(default_classes); i++)
		if (class == default_classes[i])
			return true;
	for (i = 0; i < n_extra_classes; i++)
		if (class == extra_classes[i])
			return true;
	for (i = 0; i < n_extra_ids; i++)
		if (pdev->vendor == extra_ids[i].vendor &&
		    pdev->device == extra_ids[i].device)
			return true;
	return false;
}
