// SPDX-License-Identifier: GPL-2.0
/*
 * Admission and quarantine by hand (manual=1): an administrator's override
 * of the policy, logged. The intent is recorded apart from the reason, so
 * the policy leaves the device as the administrator put it, even when the
 * quarantine driver could not bind; the share it frees or takes is
 * re-evaluated at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netlink.h>
#include <linux/pci.h>

#include "gate.h"
#include "manual.h"
#include "params.h"
#include "registry.h"

/**
 * tppgate_manual_admit() - release a quarantined accelerator to its driver
 * @pdev: the device, referenced by the caller
 * @extack: where to explain a refusal, or NULL
 *
 * Only with manual=1: this overrides the policy, and the policy leaves a
 * device admitted by hand alone until it is quarantined by hand. Admitting
 * an unmanaged-bound device leaves its driver in place and counts it as
 * admitted. The others are re-evaluated: the device's share may push one
 * over the cap.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -EACCES unless manual=1; -EOPNOTSUPP if @pdev is not a gated
 * accelerator; -ESHUTDOWN while the module unloads.
 */
int tppgate_manual_admit(struct pci_dev *pdev, struct netlink_ext_ack *extack)
{
	enum tppgate_state state;
	int ret;

	if (!tppgate_params_manual()) {
		NL_SET_ERR_MSG_MOD(extack, "admission by hand is off (load with manual=1)");
		return -EACCES;
	}
	tppgate_gate_lock();
	ret = tppgate_registry_gated_state(pdev, &state, extack);
	if (ret)
		goto out;
	pr_notice("%s: admitted by hand (manual override)\n", pci_name(pdev));
	tppgate_registry_set_manual(pdev, TPPGATE_STATE_ADMITTED);
	if (state == TPPGATE_STATE_QUARANTINED)
		tppgate_gate_release(pdev);
	if (state != TPPGATE_STATE_ADMITTED)
		tppgate_gate_announce(TPPGATE_EVENT_DEVICE_ADMITTED, pdev);
	tppgate_gate_evaluate();
out:
	tppgate_gate_unlock();
	return ret;
}

/**
 * tppgate_manual_quarantine() - take an accelerator back from its driver
 * @pdev: the device, referenced by the caller
 * @extack: where to explain a refusal, or NULL
 *
 * Only with manual=1. The device's driver is unbound (its remove() runs,
 * which for a busy GPU may take a while) and the quarantine driver binds in
 * its place. The policy does not admit it again until it is admitted by
 * hand, even if the quarantine driver could not bind. The share it frees
 * goes to the next device that fits.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -EACCES unless manual=1; -EOPNOTSUPP if @pdev is not a gated
 * accelerator; -ESHUTDOWN while the module unloads; -EBUSY or another errno
 * from the driver core if the quarantine driver could not bind (the device
 * then has no driver).
 */
int tppgate_manual_quarantine(struct pci_dev *pdev, struct netlink_ext_ack *extack)
{
	enum tppgate_state state;
	int ret;

	if (!tppgate_params_manual()) {
		NL_SET_ERR_MSG_MOD(extack, "quarantine by hand is off (load with manual=1)");
		return -EACCES;
	}
	tppgate_gate_lock();
	ret = tppgate_registry_gated_state(pdev, &state, extack);
	if (ret)
		goto out;
	pr_notice("%s: quarantined by hand (manual override)\n", pci_name(pdev));
	tppgate_registry_set_manual(pdev, TPPGATE_STATE_QUARANTINED);
	if (!tppgate_registry_held(pdev)) {
		ret = tppgate_gate_hold(pdev);
		if (ret)
			NL_SET_ERR_MSG_MOD(extack, "quarantine driver could not bind");
	}
	tppgate_gate_evaluate();
out:
	tppgate_gate_unlock();
	return ret;
}
