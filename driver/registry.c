// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: every accelerator the gate tracks and what state it is in,
 * kept in PCI address order (the order admission uses).
 *
 * Everything here runs under one spinlock and never sleeps with it held,
 * because the bus notifier and the quarantine driver's probe and remove
 * read and write it under device_lock() and the rescan lock, where the
 * gate's mutex would invert the lock order. Entries never leave this file:
 * callers get copies.
 *
 * Two facts are kept apart from the state: whether the quarantine driver
 * holds the device right now (set by its probe and remove), and whether an
 * administrator decided the state by hand. A failed claim changes neither
 * the state nor the administrator's intent, only the reason.
 */

#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "registry.h"

struct entry {
	struct list_head node;		/* in entries, by PCI address */
	struct pci_dev *pdev;		/* referenced */
	enum tppgate_state state;
	enum tppgate_reason reason;
	u64 tpp;
	u64 seq;			/* admission order */
	ktime_t over_cap_at;		/* CLOCK_BOOTTIME, while over-cap */
	u32 flags;			/* TPPGATE_DEVICE_F_* facts */
	bool manual;			/* state decided by an administrator */
	bool held;			/* the quarantine driver is bound */
};

/* Protects entries, every entry's fields, closing and last_seq. */
static DEFINE_SPINLOCK(lock);
static LIST_HEAD(entries);
static bool closing;
static u64 last_seq;

static u64 address_key(const struct pci_dev *pdev)
{
	return ((u64)pci_domain_nr(pdev->bus) << 16) |
	       (pdev->bus->number << 8) | pdev->devfn;
}

/* Context: lock held. */
static struct entry *find(const struct pci_dev *pdev)
{
	struct entry *e;

	list_for_each_entry(e, &entries, node)
		if (e->pdev == pdev)
			return e;
	return NULL;
}

/* Context: lock held. */
static void insert_sorted(struct entry *new)
{
	u64 key = address_key(new->pdev);
	struct entry *e;

	list_for_each_entry(e, &entries, node) {
		if (address_key(e->pdev) > key) {
			list_add_tail(&new->node, &e->node);
			return;
		}
	}
	list_add_tail(&new->node, &entries);
}

static bool running(enum tppgate_state state)
{
	return state == TPPGATE_STATE_ADMITTED || state == TPPGATE_STATE_OVER_CAP;
}

/* Must match what tppgate_decide() adds up. */
static bool counted(const struct entry *e)
{
	if (e->reason == TPPGATE_REASON_EXEMPT ||
	    e->reason == TPPGATE_REASON_FOLLOWS_PF)
		return false;
	return running(e->state) || e->state == TPPGATE_STATE_UNMANAGED_BOUND ||
	       (e->state == TPPGATE_STATE_UNMANAGED &&
		(e->flags & TPPGATE_DEVICE_F_BOOT_VGA));
}

/* Context: lock held. */
static void set_state(struct entry *e, enum tppgate_state state,
		      enum tppgate_reason reason)
{
	if (!running(e->state) && state == TPPGATE_STATE_ADMITTED)
		e->seq = ++last_seq;
	if (state == TPPGATE_STATE_OVER_CAP && e->state != TPPGATE_STATE_OVER_CAP)
		e->over_cap_at = ktime_get_boottime();
	e->state = state;
	e->reason = reason;
}

/**
 * tppgate_registry_track() - start tracking an accelerator
 * @pdev: the device
 * @state: its first state
 * @reason: why
 * @flags: TPPGATE_DEVICE_F_* facts about it
 *
 * A device tracked as admitted (running already) takes the next admission
 * number.
 *
 * Context: process context; allocates.
 * Return: 0; -EEXIST if already tracked; -ESHUTDOWN after
 * tppgate_registry_close(); -ENOMEM.
 */
int tppgate_registry_track(struct pci_dev *pdev, enum tppgate_state state,
			   enum tppgate_reason reason, u32 flags)
{
	struct entry *e;
	int ret = 0;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pdev = pci_dev_get(pdev);
	e->state = TPPGATE_STATE_QUARANTINED;
	e->flags = flags;

	spin_lock(&lock);
	if (closing) {
		ret = -ESHUTDOWN;
	} else if (find(pdev)) {
		ret = -EEXIST;
	} else {
		set_state(e, state, reason);
		insert_sorted(e);
	}
	spin_unlock(&lock);

	if (ret) {
		pci_dev_put(e->pdev);
		kfree(e);
	}
	return ret;
}

/**
 * tppgate_registry_known() - is @pdev tracked?
 * @pdev: the device
 *
 * Return: true if it is.
 */
bool tppgate_registry_known(struct pci_dev *pdev)
{
	bool known;

	spin_lock(&lock);
	known = find(pdev);
	spin_unlock(&lock);
	return known;
}

/**
 * tppgate_registry_set() - change a device's state
 * @pdev: the device
 * @state: its new state
 * @reason: why
 *
 * Entering the admitted state from outside the running states takes the
 * next admission number; entering over-cap starts its revoke clock, on
 * CLOCK_BOOTTIME so that time asleep counts.
 */
void tppgate_registry_set(struct pci_dev *pdev, enum tppgate_state state,
			  enum tppgate_reason reason)
{
	struct entry *e;

	spin_lock(&lock);
	e = find(pdev);
	if (e)
		set_state(e, state, reason);
	spin_unlock(&lock);
}

/**
 * tppgate_registry_set_manual() - record an administrator's decision
 * @pdev: the device
 * @state: TPPGATE_STATE_ADMITTED or TPPGATE_STATE_QUARANTINED
 *
 * The intent stays until the next manual command, whatever happens to the
 * reason (a failed claim, say): decisions by the policy leave the device
 * alone.
 */
void tppgate_registry_set_manual(struct pci_dev *pdev, enum tppgate_state state)
{
	struct entry *e;

	spin_lock(&lock);
	e = find(pdev);
	if (e) {
		set_state(e, state, TPPGATE_REASON_MANUAL);
		e->manual = true;
	}
	spin_unlock(&lock);
}

/**
 * tppgate_registry_set_held() - note that the quarantine driver bound or let go
 * @pdev: the device
 * @held: bound (probe) or not (remove)
 *
 * Context: the quarantine driver's probe and remove, under device_lock().
 * Return: true if @pdev is tracked.
 */
bool tppgate_registry_set_held(struct pci_dev *pdev, bool held)
{
	struct entry *e;

	spin_lock(&lock);
	e = find(pdev);
	if (e)
		e->held = held;
	spin_unlock(&lock);
	return e;
}

/**
 * tppgate_registry_held() - does the quarantine driver hold @pdev?
 * @pdev: the device
 *
 * Context: any. The answer may change as soon as it is returned unless the
 * caller serializes binding (the gate's mutex does, for its own changes).
 * Return: true if it does.
 */
bool tppgate_registry_held(struct pci_dev *pdev)
{
	struct entry *e;
	bool held;

	spin_lock(&lock);
	e = find(pdev);
	held = e && e->held;
	spin_unlock(&lock);
	return held;
}

/**
 * tppgate_registry_record() - note a decision's TPP and, if the state stays,
 * its reason
 * @d: the decision
 *
 * A decision about a device whose state was decided by hand meanwhile is
 * dropped, as is one about a device that left: the caller applies nothing.
 *
 * Return: the device's state before, or -ENOENT if it is no longer tracked
 * or an administrator decided about it since the snapshot.
 */
int tppgate_registry_record(const struct tppgate_decision *d)
{
	struct entry *e;
	int ret = -ENOENT;

	spin_lock(&lock);
	e = find(d->pdev);
	if (e && e->manual != d->manual)
		e = NULL;
	if (e) {
		ret = e->state;
		e->tpp = d->tpp;
		if (e->state == d->state)
			e->reason = d->reason;
	}
	spin_unlock(&lock);
	return ret;
}

/**
 * tppgate_registry_gated_state() - the state of a device that commands may
 * change
 * @pdev: the device
 * @state: set on success
 * @extack: where to explain a refusal, or NULL
 *
 * Return: 0; -ESHUTDOWN while unloading; -EOPNOTSUPP if @pdev is not a
 * tracked accelerator or is the ungated boot VGA device.
 */
int tppgate_registry_gated_state(struct pci_dev *pdev,
				 enum tppgate_state *state,
				 struct netlink_ext_ack *extack)
{
	struct entry *e;
	int ret = 0;

	spin_lock(&lock);
	e = find(pdev);
	if (closing) {
		NL_SET_ERR_MSG_MOD(extack, "module is unloading");
		ret = -ESHUTDOWN;
	} else if (!e) {
		NL_SET_ERR_MSG_MOD(extack, "device is not an accelerator");
		ret = -EOPNOTSUPP;
	} else if (e->state == TPPGATE_STATE_UNMANAGED) {
		NL_SET_ERR_MSG_MOD(extack,
				   "boot VGA device is not gated (gate_boot_vga=0)");
		ret = -EOPNOTSUPP;
	} else {
		*state = e->state;
	}
	spin_unlock(&lock);
	return ret;
}

static void fill_info(const struct entry *e, struct tppgate_dev_info *info)
{
	info->state = e->state;
	info->reason = e->reason;
	info->tpp = e->tpp;
	info->flags = e->flags;
	if (e->held)
		info->flags |= TPPGATE_DEVICE_F_HELD;
	if (e->manual)
		info->flags |= TPPGATE_DEVICE_F_MANUAL;
	if (counted(e))
		info->flags |= TPPGATE_DEVICE_F_COUNTED;
}

/**
 * tppgate_registry_get() - what the gate knows of one device
 * @pdev: the device
 * @info: filled in on success
 *
 * Context: any context that may take a spinlock.
 * Return: 0, or -ENOENT if @pdev is not tracked.
 */
int tppgate_registry_get(struct pci_dev *pdev, struct tppgate_dev_info *info)
{
	struct entry *e;
	int ret = -ENOENT;

	spin_lock(&lock);
	e = find(pdev);
	if (e) {
		fill_info(e, info);
		ret = 0;
	}
	spin_unlock(&lock);
	return ret;
}

/**
 * tppgate_registry_get_nth() - walk the tracked devices in address order
 * @idx: position in the list
 * @info: filled in when a device is returned
 *
 * Devices added or removed between calls shift the positions; a dump that
 * races with hotplug may miss or repeat one device, as netlink dumps do.
 *
 * Return: the device, referenced (release with pci_dev_put()), or NULL past
 * the end.
 */
struct pci_dev *tppgate_registry_get_nth(unsigned long idx,
					 struct tppgate_dev_info *info)
{
	struct pci_dev *pdev = NULL;
	struct entry *e;

	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		if (idx--)
			continue;
		fill_info(e, info);
		pdev = pci_dev_get(e->pdev);
		break;
	}
	spin_unlock(&lock);
	return pdev;
}

/**
 * tppgate_registry_counts() - count the tracked devices per state
 * @counts: filled in
 */
void tppgate_registry_counts(struct tppgate_counts *counts)
{
	struct entry *e;

	memset(counts, 0, sizeof(*counts));
	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		counts->n[e->state]++;
		if (counted(e))
			counts->counted_tpp += e->tpp;
	}
	spin_unlock(&lock);
}

/**
 * tppgate_registry_should_hold() - may the quarantine driver bind @pdev?
 * @pdev: the device being probed
 *
 * Context: called from probe, under device_lock().
 * Return: true if @pdev is tracked and meant to be quarantined.
 */
bool tppgate_registry_should_hold(struct pci_dev *pdev)
{
	struct entry *e;
	bool hold;

	spin_lock(&lock);
	e = find(pdev);
	hold = e && e->state == TPPGATE_STATE_QUARANTINED;
	spin_unlock(&lock);
	return hold;
}

/**
 * tppgate_registry_snapshot() - copy the tracked devices for a decision
 * @out: set to an array (kfree() it) of devices, each referenced
 * @more: set if devices were added faster than the copy could take them
 *
 * Return: how many devices, in address order, or -ENOMEM.
 */
ssize_t tppgate_registry_snapshot(struct tppgate_decision **out, bool *more)
{
	struct tppgate_decision *d;
	size_t n = 0, cap = 4;	/* room for a few hot-adds racing with us */
	struct entry *e;

	spin_lock(&lock);
	list_for_each_entry(e, &entries, node)
		cap++;
	spin_unlock(&lock);

	d = kcalloc(cap, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	*more = false;
	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		if (n == cap) {
			*more = true;
			break;
		}
		d[n].pdev = pci_dev_get(e->pdev);
		d[n].state = e->state;
		d[n].reason = e->reason;
		d[n].seq = e->seq;
		d[n].manual = e->manual;
		n++;
	}
	spin_unlock(&lock);
	*out = d;
	return n;
}

static bool revocable(const struct entry *e)
{
	return e->state == TPPGATE_STATE_OVER_CAP && !e->manual;
}

static ktime_t due_at(const struct entry *e, u32 deadline)
{
	return ktime_add(e->over_cap_at, ktime_set(deadline, 0));
}

/**
 * tppgate_registry_next_revoke() - when is the next over-cap device due?
 * @deadline: seconds a device may stay over the cap
 * @due: set to the earliest deadline, CLOCK_BOOTTIME
 *
 * Return: true if any device is over the cap (and @due is set).
 */
bool tppgate_registry_next_revoke(u32 deadline, ktime_t *due)
{
	struct entry *e;
	bool any = false;

	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		if (!revocable(e))
			continue;
		if (!any || ktime_before(due_at(e, deadline), *due))
			*due = due_at(e, deadline);
		any = true;
	}
	spin_unlock(&lock);
	return any;
}

/**
 * tppgate_registry_take_revocable() - the next device to revoke
 * @deadline: seconds a device may stay over the cap
 * @now: CLOCK_BOOTTIME
 *
 * Picks the most recently admitted over-cap device whose deadline passed
 * and marks it quarantined, so the quarantine driver will take it.
 *
 * Return: the device, referenced, or NULL if none is due.
 */
struct pci_dev *tppgate_registry_take_revocable(u32 deadline, ktime_t now)
{
	struct entry *e, *pick = NULL;
	struct pci_dev *pdev = NULL;

	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		if (!revocable(e) || ktime_before(now, due_at(e, deadline)))
			continue;
		if (!pick || e->seq > pick->seq)
			pick = e;
	}
	if (pick) {
		pick->state = TPPGATE_STATE_QUARANTINED;
		pdev = pci_dev_get(pick->pdev);
	}
	spin_unlock(&lock);
	return pdev;
}

/**
 * tppgate_registry_take_held() - the next device to let go at unload
 *
 * Marks it unmanaged, so the quarantine driver refuses it from now on.
 *
 * Return: a quarantined device, referenced, or NULL when none is left.
 */
struct pci_dev *tppgate_registry_take_held(void)
{
	struct pci_dev *pdev = NULL;
	struct entry *e;

	spin_lock(&lock);
	list_for_each_entry(e, &entries, node) {
		if (e->state == TPPGATE_STATE_QUARANTINED) {
			e->state = TPPGATE_STATE_UNMANAGED;
			e->reason = TPPGATE_REASON_NONE;
			pdev = pci_dev_get(e->pdev);
			break;
		}
	}
	spin_unlock(&lock);
	return pdev;
}

/**
 * tppgate_registry_remove() - forget a device that left the bus
 * @pdev: the device
 */
void tppgate_registry_remove(struct pci_dev *pdev)
{
	struct entry *e;

	spin_lock(&lock);
	e = find(pdev);
	if (e)
		list_del(&e->node);
	spin_unlock(&lock);
	if (e) {
		pci_dev_put(e->pdev);
		kfree(e);
	}
}

/**
 * tppgate_registry_close() - refuse new devices and commands from now on
 */
void tppgate_registry_close(void)
{
	spin_lock(&lock);
	closing = true;
	spin_unlock(&lock);
}

/**
 * tppgate_registry_closing() - has tppgate_registry_close() been called?
 *
 * Return: true while the module unloads.
 */
bool tppgate_registry_closing(void)
{
	bool ret;

	spin_lock(&lock);
	ret = closing;
	spin_unlock(&lock);
	return ret;
}

/**
 * tppgate_registry_clear() - forget every device
 *
 * Context: after tppgate_registry_close() and the bus notifier is gone.
 */
void tppgate_registry_clear(void)
{
	struct entry *e, *tmp;
	LIST_HEAD(list);

	spin_lock(&lock);
	list_splice_init(&entries, &list);
	spin_unlock(&lock);
	list_for_each_entry_safe(e, tmp, &list, node) {
		pci_dev_put(e->pdev);
		kfree(e);
	}
}
