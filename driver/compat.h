/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels tppgate supports lives here,
 * included where needed; the rest of the module sees only these helpers.
 * Features are detected from the target's headers (see Kbuild), never from
 * LINUX_VERSION_CODE, because Debian backports change APIs inside a series.
 */
#ifndef _TPPGATE_COMPAT_H
#define _TPPGATE_COMPAT_H

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/string.h>

#ifdef TPPGATE_HAVE_PCI_DEV_DRIVER_OVERRIDE
/* 6.1: a string owned by struct pci_dev, replaced under device_lock(). */
static inline int compat_set_driver_override(struct pci_dev *pdev,
					     const char *name)
{
	return driver_set_override(&pdev->dev, &pdev->driver_override,
				   name, strlen(name));
}
#else
/* 6.12.91+: the generic override in struct device, under a spinlock. */
static inline int compat_set_driver_override(struct pci_dev *pdev,
					     const char *name)
{
	return device_set_driver_override(&pdev->dev, name);
}
#endif

#endif /* _TPPGATE_COMPAT_H */
