// SPDX-License-Identifier: GPL-2.0
/*
 * tppedu: test driver for QEMU's "edu" PCI device (1234:11e8).
 *
 * It stands in for an accelerator's real driver in the tppgate tests. It
 * enables the device, maps BAR0 and proves that MMIO really works: the
 * identification register must read 0xRRrr00ed and the liveness register
 * must return the bitwise inverse of what was written. Only then does it
 * bind, and the identification register is exposed read-only in sysfs as
 * "edu_ident". A device that tppgate keeps in quarantine therefore never
 * shows "edu_ident". The attribute reads the register each time, so it shows
 * 0xffffffff if the device stops decoding behind the driver's back.
 *
 * With dynamic_ids_only=1 the driver matches nothing by itself and binds only
 * through new_id or driver_override: the tests use it to prove that new_id
 * cannot take a device that tppgate holds.
 */

#include <linux/device.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_REG_IDENT		0x00
#define EDU_REG_LIVENESS	0x04

#define EDU_IDENT_MAGIC_MASK	0x0000ffff
#define EDU_IDENT_MAGIC		0x000000ed
#define EDU_LIVENESS_PATTERN	0x5a0ff0a5U

static bool dynamic_ids_only;
module_param(dynamic_ids_only, bool, 0444);
MODULE_PARM_DESC(dynamic_ids_only,
		 "Match no device by itself: bind only through new_id or driver_override");

struct tppedu {
	void __iomem *mmio;
};

static ssize_t edu_ident_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct tppedu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "0x%08x\n", ioread32(edu->mmio + EDU_REG_IDENT));
}
static DEVICE_ATTR_RO(edu_ident);

static struct attribute *tppedu_attrs[] = {
	&dev_attr_edu_ident.attr,
	NULL
};
ATTRIBUTE_GROUPS(tppedu);

static int tppedu_check_mmio(struct pci_dev *pdev, struct tppedu *edu)
{
	u32 ident, back;

	ident = ioread32(edu->mmio + EDU_REG_IDENT);
	if ((ident & EDU_IDENT_MAGIC_MASK) != EDU_IDENT_MAGIC) {
		pci_err(pdev, "bad identification 0x%08x\n", ident);
		return -ENODEV;
	}

	iowrite32(EDU_LIVENESS_PATTERN, edu->mmio + EDU_REG_LIVENESS);
	back = ioread32(edu->mmio + EDU_REG_LIVENESS);
	if (back != ~EDU_LIVENESS_PATTERN) {
		pci_err(pdev, "liveness check failed: wrote 0x%08x, read 0x%08x\n",
			EDU_LIVENESS_PATTERN, back);
		return -EIO;
	}

	pci_info(pdev, "edu ident 0x%08x (version %u.%u)\n", ident,
		 ident >> 24, (ident >> 16) & 0xff);
	return 0;
}

static int tppedu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct tppedu *edu;
	int ret;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;

	ret = pci_enable_device(pdev);
	if (ret) {
		pci_err(pdev, "cannot enable device: %d\n", ret);
		return ret;
	}

	edu->mmio = pci_iomap(pdev, 0, 0);
	if (!edu->mmio) {
		pci_err(pdev, "cannot map BAR0\n");
		ret = -ENOMEM;
		goto err_disable;
	}

	ret = tppedu_check_mmio(pdev, edu);
	if (ret)
		goto err_unmap;

	pci_set_drvdata(pdev, edu);
	return 0;

err_unmap:
	pci_iounmap(pdev, edu->mmio);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void tppedu_remove(struct pci_dev *pdev)
{
	struct tppedu *edu = pci_get_drvdata(pdev);

	pci_iounmap(pdev, edu->mmio);
	pci_disable_device(pdev);
}

static const struct pci_device_id tppedu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, tppedu_ids);

static struct pci_driver tppedu_driver = {
	.name = "tppedu",
	.id_table = tppedu_ids,
	.probe = tppedu_probe,
	.remove = tppedu_remove,
	/* PCI copies this into .driver.dev_groups at registration. */
	.dev_groups = tppedu_groups,
};

static int __init tppedu_init(void)
{
	if (dynamic_ids_only)
		tppedu_driver.id_table = NULL;
	return pci_register_driver(&tppedu_driver);
}
module_init(tppedu_init);

static void __exit tppedu_exit(void)
{
	pci_unregister_driver(&tppedu_driver);
}
module_exit(tppedu_exit);

MODULE_DESCRIPTION("Test driver for QEMU's edu device, used by the tppgate tests");
MODULE_LICENSE("GPL");
