// SPDX-License-Identifier: GPL-2.0
/*
 * Every change of a device's state is logged here with a stable prefix and
 * handed to the listeners on a notifier chain (the netlink multicast group).
 * The chain keeps the state machine in gate.c ignorant of netlink. What an
 * event reports comes from its caller: this file reads no state of its own.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/pci.h>

#include "event.h"

static BLOCKING_NOTIFIER_HEAD(event_chain);

static const char * const event_names[] = {
	[TPPGATE_EVENT_UNSPEC] = "unspec",
	[TPPGATE_EVENT_DEVICE_ADDED] = "added",
	[TPPGATE_EVENT_DEVICE_QUARANTINED] = "quarantined",
	[TPPGATE_EVENT_DEVICE_ADMITTED] = "admitted",
	[TPPGATE_EVENT_DEVICE_RELEASED] = "released",
	[TPPGATE_EVENT_DEVICE_REMOVED] = "removed",
	[TPPGATE_EVENT_DEVICE_OVER_CAP] = "over-cap",
	[TPPGATE_EVENT_POLICY_LOADED] = "policy-loaded",
	[TPPGATE_EVENT_POLICY_EXPIRED] = "policy-expired",
	[TPPGATE_EVENT_GRANT_CHANGED] = "grant-changed",
	[TPPGATE_EVENT_LEASE_LAPSED] = "lease-lapsed",
	[TPPGATE_EVENT_OFFLINE_CAP] = "offline-cap",
};

static const char * const state_names[] = {
	[TPPGATE_STATE_QUARANTINED] = "quarantined",
	[TPPGATE_STATE_ADMITTED] = "admitted",
	[TPPGATE_STATE_UNMANAGED_BOUND] = "unmanaged-bound",
	[TPPGATE_STATE_UNMANAGED] = "unmanaged",
	[TPPGATE_STATE_OVER_CAP] = "over-cap",
};

static const char * const reason_names[] = {
	[TPPGATE_REASON_NONE] = "none",
	[TPPGATE_REASON_NO_POLICY] = "no-policy",
	[TPPGATE_REASON_MANUAL] = "manual",
	[TPPGATE_REASON_BOOT_VGA] = "boot-vga",
	[TPPGATE_REASON_BOUND_AT_LOAD] = "bound-at-load",
	[TPPGATE_REASON_CLAIM_FAILED] = "claim-failed",
	[TPPGATE_REASON_POLICY] = "policy",
	[TPPGATE_REASON_EXEMPT] = "exempt",
	[TPPGATE_REASON_DENIED] = "denied",
	[TPPGATE_REASON_UNKNOWN_DEVICE] = "unknown-device",
	[TPPGATE_REASON_OVER_CAP] = "over-cap",
	[TPPGATE_REASON_EXPIRED] = "expired",
	[TPPGATE_REASON_FOLLOWS_PF] = "follows-pf",
	[TPPGATE_REASON_NO_GRANT] = "no-grant",
};

static_assert(ARRAY_SIZE(event_names) == __TPPGATE_EVENT_MAX);
static_assert(ARRAY_SIZE(state_names) == __TPPGATE_STATE_MAX);
static_assert(ARRAY_SIZE(reason_names) == __TPPGATE_REASON_MAX);

/**
 * tppgate_event_name() - the log name of an event
 * @event: the event
 *
 * Return: a static string, "?" for a value out of range.
 */
const char *tppgate_event_name(enum tppgate_event event)
{
	return (unsigned int)event < ARRAY_SIZE(event_names) ?
	       event_names[event] : "?";
}

/**
 * tppgate_state_name() - the name of a state, as tppctl prints it
 * @state: the state
 *
 * Return: a static string, "?" for a value out of range.
 */
const char *tppgate_state_name(enum tppgate_state state)
{
	return (unsigned int)state < ARRAY_SIZE(state_names) ?
	       state_names[state] : "?";
}

/**
 * tppgate_reason_name() - the name of a reason, as tppctl prints it
 * @reason: the reason
 *
 * Return: a static string, "?" for a value out of range.
 */
const char *tppgate_reason_name(enum tppgate_reason reason)
{
	return (unsigned int)reason < ARRAY_SIZE(reason_names) ?
	       reason_names[reason] : "?";
}

/**
 * tppgate_event_register() - listen to device events
 * @nb: the listener; called in process context with the event info
 *
 * Return: 0.
 */
int tppgate_event_register(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&event_chain, nb);
}

/**
 * tppgate_event_unregister() - stop listening
 * @nb: a listener passed to tppgate_event_register()
 */
void tppgate_event_unregister(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&event_chain, nb);
}

/**
 * tppgate_event_device() - announce a change of a device's state
 * @event: what changed
 * @pdev: the device
 * @dev: its state after the change, or NULL once the gate forgot it
 *
 * Context: process context; may sleep.
 */
void tppgate_event_device(enum tppgate_event event, struct pci_dev *pdev,
			  const struct tppgate_dev_info *dev)
{
	struct tppgate_event_info info = {
		.event = event, .pdev = pdev, .dev = dev,
	};

	if (!dev)
		pr_info("%s: %s\n", pci_name(pdev), tppgate_event_name(event));
	else
		pr_info("%s: %s; state %s, reason %s\n", pci_name(pdev),
			tppgate_event_name(event), tppgate_state_name(dev->state),
			tppgate_reason_name(dev->reason));
	blocking_notifier_call_chain(&event_chain, event, &info);
}

/**
 * tppgate_event_host() - announce a change that is about the host, not a device
 * @event: a policy event (loaded, expired) or a grant event (changed, lease
 *	lapsed, offline cap)
 *
 * Context: process context; may sleep.
 */
void tppgate_event_host(enum tppgate_event event)
{
	struct tppgate_event_info info = { .event = event };

	pr_info("%s\n", tppgate_event_name(event));
	blocking_notifier_call_chain(&event_chain, event, &info);
}
