// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI bus notifier: how the gate sees devices come, bind and go.
 *
 * A new device is caught at BUS_NOTIFY_ADD_DEVICE, which PCI delivers before
 * any driver can match it (pci_device_add() clears match_driver until
 * pci_bus_add_device()): naming the quarantine driver as its override then
 * means it is held the moment it can bind.
 *
 * Context: the notifier chain's rwsem. BOUND_DRIVER runs with the device's
 * device_lock() held (the driver core calls it from probe); ADD and DEL do
 * not take it, but run under the PCI rescan lock on the rescan, hot-add,
 * removal and SR-IOV paths. So nothing here takes the gate's mutex or binds
 * or unbinds a driver: whatever needs that goes to the gate's workqueue.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/notifier.h>
#include <linux/pci.h>

#include "compat.h"
#include "gate.h"
#include "notifier.h"
#include "registry.h"

static void device_added(struct pci_dev *pdev)
{
	u32 flags = TPPGATE_DEVICE_F_HOTPLUG;
	int ret;

	if (!tppgate_gate_is_accel(pdev))
		return;
	if (pdev->is_virtfn)
		flags |= TPPGATE_DEVICE_F_VF;
	ret = tppgate_registry_track(pdev, TPPGATE_STATE_QUARANTINED,
				     TPPGATE_REASON_NO_POLICY, flags);
	if (ret == -ESHUTDOWN || ret == -EEXIST)
		return;
	/* Even untracked, the override keeps other drivers off (fail closed). */
	if (compat_set_driver_override(pdev, TPPGATE_DRIVER_NAME)) {
		pr_err("%s: could not quarantine: driver_override not set\n", pci_name(pdev));
		tppgate_registry_set(pdev, TPPGATE_STATE_QUARANTINED,
				     TPPGATE_REASON_CLAIM_FAILED);
	}
	if (ret)
		return;
	tppgate_gate_announce(TPPGATE_EVENT_DEVICE_ADDED, pdev);
	/* The policy decides once the quarantine driver holds it. */
	tppgate_gate_kick(false);
}

/*
 * The quarantine driver bound (announce it: whoever asked, the gate or the
 * driver core for a hot-added device, it is held now); or another driver
 * bound a device the gate holds quarantined, possible only if setting its
 * override failed or through the 6.1 override race; or a driver bound an
 * accelerator the gate has not seen, because a policy made it one while it
 * was being added.
 */
static void device_bound(struct pci_dev *pdev)
{
	struct tppgate_dev_info info;

	if (tppgate_registry_get(pdev, &info)) {
		if (tppgate_gate_is_accel(pdev))
			tppgate_gate_kick(true);
		return;
	}
	if (info.flags & TPPGATE_DEVICE_F_HELD)
		tppgate_gate_announce(TPPGATE_EVENT_DEVICE_QUARANTINED, pdev);
	else if (info.state == TPPGATE_STATE_QUARANTINED)
		tppgate_gate_reclaim();
}

/* The share of a device that left may admit another. */
static void device_removed(struct pci_dev *pdev)
{
	if (!tppgate_registry_known(pdev))
		return;
	tppgate_gate_announce(TPPGATE_EVENT_DEVICE_REMOVED, pdev);
	tppgate_registry_remove(pdev);
	tppgate_gate_kick(false);
}

static int bus_notify(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		device_added(pdev);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		device_bound(pdev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		device_removed(pdev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block bus_nb = {
	.notifier_call = bus_notify,
};

/**
 * tppgate_notifier_init() - watch the PCI bus, then hold what is there
 *
 * The notifier goes first so that no device slips between the sweep and
 * the notifier.
 *
 * Context: after tppgate_gate_init().
 * Return: 0, or an errno from bus_register_notifier().
 */
int tppgate_notifier_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &bus_nb);
	if (ret)
		return ret;
	tppgate_gate_sweep();
	return 0;
}

/**
 * tppgate_notifier_uninit() - stop watching the bus
 *
 * Returns once no callback runs: none queues gate work after this.
 */
void tppgate_notifier_uninit(void)
{
	bus_unregister_notifier(&pci_bus_type, &bus_nb);
}
