// SPDX-License-Identifier: GPL-2.0
/*
 * Which PCI devices are accelerators: the fixed class list, plus the class
 * codes and vendor:device ids that the administrator adds at load time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
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

static ushort extra_classes[MAX_EXTRA];
static unsigned int n_extra_classes;
module_param_array_named(classes, extra_classes, ushort, &n_extra_classes, 0444);
MODULE_PARM_DESC(classes, "Extra accelerator class codes (base<<8|sub), e.g. 0x00ff");

static char *ids_param = "";
module_param_named(ids, ids_param, charp, 0444);
MODULE_PARM_DESC(ids, "Extra accelerators as vendor:device hex pairs, comma-separated");

struct accel_id {
	u16 vendor;
	u16 device;
};

/* Written once by tppgate_accel_init() before any reader exists. */
static struct accel_id extra_ids[MAX_EXTRA];
static unsigned int n_extra_ids;

static int parse_id(char *tok, struct accel_id *id)
{
	char *colon = strchr(tok, ':');

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (kstrtou16(tok, 16, &id->vendor) || kstrtou16(colon + 1, 16, &id->device))
		return -EINVAL;
	return 0;
}

static int parse_ids(const char *param)
{
	char *buf, *cur, *tok;
	int ret = 0;

	buf = kstrdup(param, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while ((tok = strsep(&cur, ",")) != NULL) {
		char shown[16];

		if (!*tok)
			continue;
		if (n_extra_ids == MAX_EXTRA) {
			pr_err("ids: more than %d entries\n", MAX_EXTRA);
			ret = -E2BIG;
			break;
		}
		/* parse_id() cuts the token at the colon; say what was given. */
		strscpy(shown, tok, sizeof(shown));
		if (parse_id(tok, &extra_ids[n_extra_ids])) {
			pr_err("ids: '%s' is not vendor:device in hex\n", shown);
			ret = -EINVAL;
			break;
		}
		n_extra_ids++;
	}
	kfree(buf);
	return ret;
}

int tppgate_accel_init(void)
{
	return parse_ids(ids_param);
}

void tppgate_accel_uninit(void)
{
	n_extra_ids = 0;
}

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
