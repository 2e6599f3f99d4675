// SPDX-License-Identifier: GPL-2.0
/*
 * The quarantine driver. Binding it is what holds a device: while a driver is
 * bound, sysfs "enable" answers -EBUSY and no other driver can probe; the
 * driver_override that the gate sets makes this the only driver that
 * matches. It never enables the device, turns off decoding and bus
 * mastering (a disabled device may still decode: pci_disable_device() only
 * clears mastering), and claims the BARs exclusively so sysfs resourceN mmap
 * fails.
 *
 * A held device does no I/O, so it never stands in the way of error
 * recovery or power management for the devices beside it: it votes for
 * recovery, and after a reset or a resume it is put back as it was, held
 * and not decoding.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>
#include <linux/pm.h>
#include <linux/slab.h>
#include <linux/vgaarb.h>

#include "registry.h"
#include "quarantine.h"

#define QUARANTINE_COMMAND_BITS \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)

struct quarantine {
	u16 saved_command;
	bool regions_held;
};

/* The boot VGA device is held only if asked; keep its console alive. */
static void stop_decoding(struct pci_dev *pdev, u16 command)
{
	if (pdev != vga_default_device())
		pci_write_config_word(pdev, PCI_COMMAND,
				      command & ~QUARANTINE_COMMAND_BITS);
}

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
	stop_decoding(pdev, q->saved_command);
	/* What error recovery and resume restore: the held configuration. */
	pci_save_state(pdev);

	/* Not fatal: a firmware framebuffer may already own a BAR. */
	ret = pci_request_regions_exclusive(pdev, TPPGATE_DRIVER_NAME);
	if (ret)
		pr_info("%s: BARs not claimed (%d); mmap is not blocked\n", pci_name(pdev), ret);
	q->regions_held = !ret;

	pci_set_drvdata(pdev, q);
	tppgate_registry_set_held(pdev, true);
	return 0;
}

static void quarantine_remove(struct pci_dev *pdev)
{
	struct quarantine *q = pci_get_drvdata(pdev);

	tppgate_registry_set_held(pdev, false);
	if (q->regions_held)
		pci_release_regions(pdev);
	/* A device that is gone answers nothing; writing to it only stalls. */
	if (!pci_dev_is_disconnected(pdev))
		pci_write_config_word(pdev, PCI_COMMAND, q->saved_command);
	pci_set_drvdata(pdev, NULL);
	kfree(q);
}

static pci_ers_result_t quarantine_error_detected(struct pci_dev *pdev,
						  pci_channel_state_t state)
{
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	/* Nothing of ours is in flight: let the others recover. */
	return state == pci_channel_io_frozen ? PCI_ERS_RESULT_NEED_RESET :
						PCI_ERS_RESULT_CAN_RECOVER;
}

static pci_ers_result_t quarantine_mmio_enabled(struct pci_dev *pdev)
{
	return PCI_ERS_RESULT_RECOVERED;
}

/* A reset lost the configuration: put back the held one, not decoding. */
static pci_ers_result_t quarantine_slot_reset(struct pci_dev *pdev)
{
	u16 command;

	pci_restore_state(pdev);
	pci_read_config_word(pdev, PCI_COMMAND, &command);
	stop_decoding(pdev, command);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static const struct pci_error_handlers quarantine_err_handler = {
	.error_detected = quarantine_error_detected,
	.mmio_enabled = quarantine_mmio_enabled,
	.slot_reset = quarantine_slot_reset,
};

/* Firmware may turn decoding back on across a sleep; turn it off again. */
static int quarantine_resume(struct device *dev)
{
	struct pci_dev *pdev = to_pci_dev(dev);
	u16 command;

	pci_read_config_word(pdev, PCI_COMMAND, &command);
	stop_decoding(pdev, command);
	return 0;
}

static const struct dev_pm_ops quarantine_pm = {
	.resume = quarantine_resume,
	.restore = quarantine_resume,
	.thaw = quarantine_resume,
};

static struct pci_driver quarantine_driver = {
	.name = TPPGATE_DRIVER_NAME,
	.id_table = NULL,	/* matches only through driver_override */
	.probe = quarantine_probe,
	.remove = quarantine_remove,
	.err_handler = &quarantine_err_handler,
	.driver = {
		/* No bind/unbind files: root cannot just unbind the quarantine. */
		.suppress_bind_attrs = true,
		/* A hot-added device is held when its add returns, not later. */
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
		.pm = &quarantine_pm,
	},
};

/**
 * tppgate_quarantine_init() - register the quarantine driver
 *
 * Return: 0, or an errno from pci_register_driver().
 */
int tppgate_quarantine_init(void)
{
	return pci_register_driver(&quarantine_driver);
}

/**
 * tppgate_quarantine_uninit() - unregister it, releasing what it still holds
 */
void tppgate_quarantine_uninit(void)
{
	pci_unregister_driver(&quarantine_driver);
}
