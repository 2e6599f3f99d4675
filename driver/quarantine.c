// SPDX-License-Identifier: GPL-2.0
/*
 * The quarantine driver. Binding it is what holds a device: while a driver is
 * bound, sysfs "enable" answers -EBUSY and no other driver can probe; the
 * driver_override that gate.c sets makes this the only driver that matches.
 * It never enables the device, turns off decoding and bus mastering (a
 * disabled device may still decode: pci_disable_device() only clears
 * mastering), and claims the BARs exclusively so sysfs resourceN mmap fails.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vgaarb.h>

#include "event.h"
#include "registry.h"
#include "quarantine.h"

#define QUARANTINE_COMMAND_BITS \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)

struct quarantine {
	u16 saved_command;
	bool regions_held;
};

static int quarantine_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct quarantine *q;
	int ret;

	/* new_id can offer us anything: take only what the gate holds. */
	if (!tppgate_registry_should_hold(pdev))
		return -ENODEV;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;

	pci_read_config_word(pdev, PCI_COMMAND, &q->saved_command);
	/* The boot VGA device is held only if asked; keep its console alive. */
	if (pdev != vga_default_device())
		pci_write_config_word(pdev, PCI_COMMAND,
				      q->saved_command & ~QUARANTINE_COMMAND_BITS);

	/* Not fatal: a firmware framebuffer may already own a BAR. */
	ret = pci_request_regions_exclusive(pdev, TPPGATE_DRIVER_NAME);
	if (ret)
		pr_info("%s: BARs not claimed (%d); mmap is not blocked\n", pci_name(pdev), ret);
	q->regions_held = !ret;

	pci_set_drvdata(pdev, q);
	tppgate_event_device(TPPGATE_EVENT_DEVICE_QUARANTINED, pdev);
	return 0;
}

static void quarantine_remove(struct pci_dev *pdev)
{
	struct quarantine *q = pci_get_drvdata(pdev);

	if (q->regions_held)
		pci_release_regions(pdev);
	pci_write_config_word(pdev, PCI_COMMAND, q->saved_command);
	pci_set_drvdata(pdev, NULL);
	kfree(q);
}

static struct pci_driver quarantine_driver = {
	.name = TPPGATE_DRIVER_NAME,
	.id_table = NULL,	/* matches only through driver_override */
	.probe = quarantine_probe,
	.remove = quarantine_remove,
	.driver = {
		/* No bind/unbind files: root cannot just unbind the quarantine. */
		.suppress_bind_attrs = true,
		/* A hot-added device is held when its add returns, not later. */
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
};

/**
 * tppgate_quarantine_holds() - is the quarantine driver bound to @pdev?
 * @pdev: the device
 *
 * Context: any. The answer may change as soon as it is returned unless the
 * caller serializes binding (gate_mutex does, for the gate's own changes).
 * Return: true if bound.
 */
bool tppgate_quarantine_holds(struct pci_dev *pdev)
{
	return READ_ONCE(pdev->dev.driver) == &quarantine_driver.driver;
}

int tppgate_quarantine_init(void)
{
	return pci_register_driver(&quarantine_driver);
}

void tppgate_quarantine_uninit(void)
{
	pci_unregister_driver(&quarantine_driver);
}
