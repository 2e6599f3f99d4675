// SPDX-License-Identifier: GPL-2.0
/*
 * The gate: the transitions between quarantine and admission, carried out
 * one at a time as the policy in force decides (decide.c).
 *
 * Holding a device is two steps: driver_override names the quarantine
 * driver, so no other driver matches, and the quarantine driver binds.
 * Admitting undoes both and lets the driver core probe again.
 *
 * Locking. The quarantine driver's probe and remove, and the bus notifier's
 * BOUND_DRIVER, run under device_lock(); the notifier's ADD and DEL run
 * under the PCI rescan lock on the rescan, hot-add and removal paths. The
 * transitions call device_release_driver() and device_attach(), which take
 * device_lock(). So the transitions are serialized by gate_mutex, which
 * those callbacks never take: they use only the registry's spinlock, and
 * leave anything that needs the mutex to the gate's workqueue.
 *
 * Work. Deferred transitions run on an ordered workqueue of the gate's own,
 * because a GPU driver's probe or remove can take long and must not hold up
 * the system workqueue. Alarms (timer.c) queue work on it. Teardown closes
 * the registry under gate_mutex, after which no work item arms an alarm or
 * queues work; then the alarms are cancelled and the queue destroyed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vgaarb.h>
#include <linux/workqueue.h>

#include "accel.h"
#include "compat.h"
#include "decide.h"
#include "event.h"
#include "fault.h"
#include "gate.h"
#include "grant.h"
#include "params.h"
#include "policy.h"
#include "registry.h"
#include "timer.h"

/* Retries of an evaluation that ran out of memory back off up to this. */
#define EVAL_BACKOFF_MIN_MS	10
#define EVAL_BACKOFF_MAX_MS	10000

/*
 * Serializes every transition (sweep, admit, quarantine, policy changes,
 * expiry, revocation, teardown) and protects what follows. Taken only in
 * process context holding neither device_lock nor the rescan lock.
 */
static DEFINE_MUTEX(gate_mutex);

/*
 * The policy in force: replaced under gate_mutex, read under RCU by the bus
 * notifier (which classes and ids are accelerators) and by netlink.
 */
static struct tppgate_policy __rcu *gate_policy;
/* Written under gate_mutex; read locklessly for status. */
static bool gate_expired;
/* The sweep at module load is done: boot= no longer applies. */
static bool gate_loaded;
static unsigned int eval_backoff_ms;
/* The grant's phase last announced, enum tppgate_grant_phase. */
static enum tppgate_grant_phase grant_phase;
/* Bit 0: the next evaluation sweeps the bus first. */
static unsigned long sweep_wanted;

/* Set at init, destroyed at uninit; nothing queues work outside that span. */
static struct workqueue_struct *gate_wq;

static void eval_fn(struct work_struct *work);
static void reclaim_fn(struct work_struct *work);
static void expiry_fn(struct work_struct *work);
static void revoke_fn(struct work_struct *work);
static void grant_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(eval_work, eval_fn);
static DECLARE_DELAYED_WORK(reclaim_work, reclaim_fn);
static DECLARE_WORK(expiry_work, expiry_fn);
static DECLARE_WORK(revoke_work, revoke_fn);
static DECLARE_WORK(grant_work, grant_fn);

/* Not-after on the wall clock, and its elapsed-time bound. */
static struct tppgate_alarm expiry_real;
static struct tppgate_alarm expiry_boot;
/* The earliest revoke deadline of an over-cap device. */
static struct tppgate_alarm revoke_alarm;
/* The end of the grant's lease, then of the offline grace. */
static struct tppgate_alarm grant_alarm;

static struct tppgate_policy *policy_locked(void)
{
	return rcu_dereference_protected(gate_policy, lockdep_is_held(&gate_mutex));
}

/**
 * tppgate_gate_is_accel() - is this device gated?
 * @pdev: the device
 *
 * An SR-IOV virtual function is gated when its physical function is. A PCI
 * bridge never is: holding it would cut off everything behind it.
 *
 * Context: any; takes rcu_read_lock().
 * Return: true if the module's parameters or the policy in force make
 * @pdev an accelerator.
 */
bool tppgate_gate_is_accel(struct pci_dev *pdev)
{
	const struct tppgate_policy *p;
	bool ret;

	if (pdev->is_virtfn)
		pdev = pci_physfn(pdev);
	if (tppgate_accel_bridge_class(pdev->class >> 8))
		return false;
	if (tppgate_accel_match(pdev))
		return true;
	rcu_read_lock();
	p = rcu_dereference(gate_policy);
	ret = p && tppgate_policy_is_accel(p, pdev);
	rcu_read_unlock();
	return ret;
}

/**
 * tppgate_gate_announce() - send an event with the device's state as it is
 * @event: what happened
 * @pdev: the device
 *
 * Context: process context; may sleep.
 */
void tppgate_gate_announce(enum tppgate_event event, struct pci_dev *pdev)
{
	struct tppgate_dev_info info;

	tppgate_event_device(event, pdev,
			     tppgate_registry_get(pdev, &info) ? NULL : &info);
}

static bool is_boot_vga(struct pci_dev *pdev)
{
	return pdev == vga_default_device();
}

/*
 * Is @pdev still on the bus? A removal in flight holds the rescan lock
 * until it is done, so this waits for it. Never called with the rescan lock
 * held, nor across a probe.
 */
static bool on_bus(struct pci_dev *pdev)
{
	struct pci_dev *found;
	bool ret;

	pci_lock_rescan_remove();
	found = pci_get_domain_bus_and_slot(pci_domain_nr(pdev->bus),
					    pdev->bus->number, pdev->devfn);
	ret = found == pdev;
	pci_dev_put(found);
	pci_unlock_rescan_remove();
	return ret;
}

/**
 * tppgate_gate_hold() - bind the quarantine driver to a device
 * @pdev: the device, tracked and already marked quarantined
 *
 * Whatever else holds it is unbound first. The override goes first, so
 * nothing else can match once the old driver is gone. A failure changes
 * the reason only: an administrator's intent, if any, stays.
 *
 * Context: tppgate_gate_lock() held.
 * Return: 0; -ENODEV if the device left the bus meanwhile; -EBUSY or
 * another errno from the driver core if the quarantine driver did not bind
 * (the device's reason is then claim-failed).
 */
int tppgate_gate_hold(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	int ret;

	ret = compat_set_driver_override(pdev, TPPGATE_DRIVER_NAME);
	if (ret)
		goto err_claim;
	if (dev->driver && !tppgate_registry_held(pdev))
		device_release_driver(dev);
	if (tppgate_fault_fail_claim(pdev)) {
		ret = -EBUSY;
		goto err_claim;
	}
	ret = device_attach(dev);
	if (ret < 0)
		goto err_claim;
	if (!tppgate_registry_held(pdev)) {
		ret = -EBUSY;
		goto err_claim;
	}
	return 0;

err_claim:
	/* A device on its way out cannot be claimed; the notifier forgets it. */
	if (!on_bus(pdev))
		return -ENODEV;
	pr_err("%s: quarantine driver did not bind (%d)\n", pci_name(pdev), ret);
	tppgate_registry_set(pdev, TPPGATE_STATE_QUARANTINED,
			     TPPGATE_REASON_CLAIM_FAILED);
	tppgate_gate_announce(TPPGATE_EVENT_DEVICE_QUARANTINED, pdev);
	return ret;
}

/**
 * tppgate_gate_release() - hand a device back to the driver core
 * @pdev: the device, tracked and already marked admitted
 *
 * No override, quarantine driver gone, probe again. The caller has moved
 * the device out of the quarantined state, so the quarantine driver refuses
 * it from now on.
 *
 * Context: tppgate_gate_lock() held.
 */
void tppgate_gate_release(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	int ret;

	ret = compat_set_driver_override(pdev, "");
	if (ret)
		pr_warn("%s: driver_override not cleared (%d)\n", pci_name(pdev), ret);
	if (tppgate_registry_held(pdev))
		device_release_driver(dev);
	ret = device_attach(dev);
	if (ret < 0)
		pr_info("%s: driver probe after admission failed (%d)\n", pci_name(pdev), ret);
}

/*
 * Start tracking an accelerator a sweep found. boot= says what happens at
 * module load to one a driver holds; later, such a device became an
 * accelerator through a policy while it ran, and is treated as running:
 * counted if it fits, over the cap (and revoked by the policy's rule) if not.
 * Context: gate_mutex held.
 * Return: 0, or the errno of tppgate_registry_track().
 */
static int adopt(struct pci_dev *pdev)
{
	u32 flags = pdev->is_virtfn ? TPPGATE_DEVICE_F_VF : 0;
	bool bound = READ_ONCE(pdev->dev.driver);
	int ret;

	if (is_boot_vga(pdev)) {
		flags |= TPPGATE_DEVICE_F_BOOT_VGA;
		if (!tppgate_params_gate_boot_vga())
			return tppgate_registry_track(pdev, TPPGATE_STATE_UNMANAGED,
						      TPPGATE_REASON_BOOT_VGA, flags);
	}
	if (bound && gate_loaded) {
		ret = tppgate_registry_track(pdev, TPPGATE_STATE_ADMITTED,
					     TPPGATE_REASON_POLICY, flags);
		if (!ret)
			tppgate_gate_announce(TPPGATE_EVENT_DEVICE_ADDED, pdev);
		return ret;
	}
	if (bound && tppgate_params_boot_mode() == TPPGATE_BOOT_KEEP)
		return tppgate_registry_track(pdev, TPPGATE_STATE_UNMANAGED_BOUND,
					      TPPGATE_REASON_BOUND_AT_LOAD, flags);
	/* Held from now on because nothing admits it: the policy decides. */
	ret = tppgate_registry_track(pdev, TPPGATE_STATE_QUARANTINED,
				     TPPGATE_REASON_NO_POLICY, flags);
	if (!ret)
		tppgate_gate_hold(pdev);
	return ret;
}

/*
 * The next accelerator on the bus that the gate does not know, referenced.
 * Under the rescan lock no device is half added or half removed, so the
 * sweep never takes one that the bus notifier is about to announce or has
 * just forgotten. Only a short look: the lock is not held across a probe.
 */
static struct pci_dev *next_stranger(void)
{
	struct pci_dev *pdev = NULL;

	pci_lock_rescan_remove();
	for_each_pci_dev(pdev) {
		if (pdev->match_driver && tppgate_gate_is_accel(pdev) &&
		    !tppgate_registry_known(pdev))
			break;
	}
	pci_unlock_rescan_remove();
	return pdev;
}

/* Context: gate_mutex held. */
static void sweep(void)
{
	struct pci_dev *pdev;
	int ret;

	while ((pdev = next_stranger())) {
		ret = adopt(pdev);
		pci_dev_put(pdev);
		/* Out of memory, or unloading: a later sweep finds the rest. */
		if (ret)
			break;
	}
}

/**
 * tppgate_gate_sweep() - hold every accelerator present at module load
 *
 * Called once the bus notifier is in place, so no device slips between the
 * two; the registry ignores a device seen by both. boot= applies here only.
 *
 * Context: process context; takes device_lock() through the driver core.
 */
void tppgate_gate_sweep(void)
{
	mutex_lock(&gate_mutex);
	sweep();
	gate_loaded = true;
	mutex_unlock(&gate_mutex);
}

static void schedule_revoke(void);

/* Carry out one decision. Context: gate_mutex held. */
static void apply(const struct tppgate_decision *d)
{
	int old = tppgate_registry_record(d);

	if (old < 0 || old == d->state)
		return;
	tppgate_registry_set(d->pdev, d->state, d->reason);
	if (d->state == TPPGATE_STATE_ADMITTED) {
		if (old == TPPGATE_STATE_QUARANTINED)
			tppgate_gate_release(d->pdev);
		tppgate_gate_announce(TPPGATE_EVENT_DEVICE_ADMITTED, d->pdev);
	} else if (d->state == TPPGATE_STATE_OVER_CAP) {
		tppgate_gate_announce(TPPGATE_EVENT_DEVICE_OVER_CAP, d->pdev);
	}
}

static void retry_later(void)
{
	eval_backoff_ms = clamp(eval_backoff_ms * 2, EVAL_BACKOFF_MIN_MS,
				EVAL_BACKOFF_MAX_MS);
	pr_warn_ratelimited("out of memory deciding admission; retrying in %u ms\n",
			    eval_backoff_ms);
	queue_delayed_work(gate_wq, &eval_work, msecs_to_jiffies(eval_backoff_ms));
}

static void limit_of(const struct tppgate_policy *p, struct tppgate_limit *limit)
{
	tppgate_grant_limit(p, ktime_get_boottime(), limit);
	limit->expired = gate_expired;
}

/**
 * tppgate_gate_evaluate() - bring every device in line with the policy
 *
 * Context: tppgate_gate_lock() held.
 */
void tppgate_gate_evaluate(void)
{
	struct tppgate_policy *p = policy_locked();
	struct tppgate_decision *d, **scratch;
	struct tppgate_limit limit;
	bool more;
	ssize_t n, i;

	if (!p || tppgate_registry_closing())
		return;
	n = tppgate_registry_snapshot(&d, &more);
	if (n < 0) {
		retry_later();
		return;
	}
	if (tppgate_fault_fail_evaluate())
		scratch = NULL;
	else
		scratch = kcalloc(n + 1, sizeof(*scratch), GFP_KERNEL);
	if (scratch) {
		limit_of(p, &limit);
		tppgate_decide(p, &limit, d, n, scratch);
		for (i = 0; i < n; i++)
			apply(&d[i]);
	}
	for (i = 0; i < n; i++)
		pci_dev_put(d[i].pdev);
	kfree(d);
	if (!scratch) {
		retry_later();
		return;
	}
	kfree(scratch);
	eval_backoff_ms = 0;
	if (more)
		mod_delayed_work(gate_wq, &eval_work, 0);
	/* Also for devices a previous policy left over the cap. */
	schedule_revoke();
}

static void eval_fn(struct work_struct *work)
{
	mutex_lock(&gate_mutex);
	if (!tppgate_registry_closing()) {
		if (test_and_clear_bit(0, &sweep_wanted) && gate_loaded)
			sweep();
		tppgate_gate_evaluate();
	}
	mutex_unlock(&gate_mutex);
}

/**
 * tppgate_gate_kick() - re-evaluate soon
 * @sweep: look for accelerators the gate does not know first
 *
 * For what the bus notifier sees: a device added or gone (whose share may
 * admit another), or one bound while the gate did not know it yet (@sweep).
 *
 * Context: any; queues work.
 */
void tppgate_gate_kick(bool sweep)
{
	if (sweep)
		set_bit(0, &sweep_wanted);
	mod_delayed_work(gate_wq, &eval_work, 0);
}

/* Take back quarantined devices that the quarantine driver does not hold. */
static void reclaim_fn(struct work_struct *work)
{
	struct tppgate_decision *d;
	bool more;
	ssize_t n, i;

	mutex_lock(&gate_mutex);
	n = tppgate_registry_snapshot(&d, &more);
	if (n < 0 && !tppgate_registry_closing()) {
		pr_warn_ratelimited("out of memory taking devices back; retrying\n");
		queue_delayed_work(gate_wq, &reclaim_work,
				   msecs_to_jiffies(EVAL_BACKOFF_MAX_MS));
	} else if (more) {
		mod_delayed_work(gate_wq, &reclaim_work, 0);
	}
	for (i = 0; i < n; i++) {
		if (d[i].state == TPPGATE_STATE_QUARANTINED &&
		    !tppgate_registry_held(d[i].pdev) &&
		    !tppgate_registry_closing()) {
			pr_notice("%s: bound to another driver while quarantined; taking it back\n",
				  pci_name(d[i].pdev));
			tppgate_gate_hold(d[i].pdev);
		}
		pci_dev_put(d[i].pdev);
	}
	if (n >= 0)
		kfree(d);
	mutex_unlock(&gate_mutex);
}

/**
 * tppgate_gate_reclaim() - take back quarantined devices another driver bound
 *
 * Context: any; queues work.
 */
void tppgate_gate_reclaim(void)
{
	mod_delayed_work(gate_wq, &reclaim_work, 0);
}

/* Context: gate_mutex held. */
static void arm_expiry(const struct tppgate_policy *p)
{
	tppgate_alarm_arm(&expiry_real, ktime_set((s64)p->not_after, 0));
	tppgate_alarm_arm(&expiry_boot, p->boot_expiry);
}

static void expiry_fn(struct work_struct *work)
{
	struct tppgate_policy *p;

	mutex_lock(&gate_mutex);
	p = policy_locked();
	if (!p || tppgate_registry_closing() || gate_expired)
		goto out;
	if (!tppgate_policy_past_expiry(p, ktime_get_real_seconds(),
					ktime_get_boottime())) {
		/* The clock went past not-after and back again. */
		arm_expiry(p);
		goto out;
	}
	WRITE_ONCE(gate_expired, true);
	tppgate_event_host(TPPGATE_EVENT_POLICY_EXPIRED);
	tppgate_gate_evaluate();
out:
	mutex_unlock(&gate_mutex);
}

/* Arm the revoke alarm for the earliest over-cap deadline. gate_mutex held. */
static void schedule_revoke(void)
{
	struct tppgate_policy *p = policy_locked();
	ktime_t due;

	if (p && p->revoke_mode == TPPGATE_REVOKE_DEADLINE &&
	    tppgate_registry_next_revoke(p->revoke_deadline, &due))
		tppgate_alarm_arm(&revoke_alarm, due);
}

/* Quarantine over-cap devices past their deadline, newest admission first. */
static void revoke_fn(struct work_struct *work)
{
	struct tppgate_policy *p;
	struct pci_dev *pdev;

	mutex_lock(&gate_mutex);
	p = policy_locked();
	if (!p || tppgate_registry_closing() ||
	    p->revoke_mode != TPPGATE_REVOKE_DEADLINE)
		goto out;
	while ((pdev = tppgate_registry_take_revocable(p->revoke_deadline,
						       ktime_get_boottime()))) {
		pr_notice("%s: revoking: over the cap past the deadline\n", pci_name(pdev));
		tppgate_gate_hold(pdev);
		pci_dev_put(pdev);
	}
	/* The room they leave may admit others; this also re-arms the alarm. */
	tppgate_gate_evaluate();
out:
	mutex_unlock(&gate_mutex);
}

/*
 * Announce where the grant went since last time, and arm the alarm for
 * where it goes next by itself. @changed: GRANT_SET changed the TPP.
 * Context: gate_mutex held.
 */
static void follow_grant(const struct tppgate_policy *p, bool changed)
{
	ktime_t now = ktime_get_boottime(), when;
	enum tppgate_grant_phase phase = tppgate_grant_phase(p, now);

	if (phase != grant_phase) {
		if (phase == TPPGATE_GRANT_LAPSED)
			tppgate_event_host(TPPGATE_EVENT_LEASE_LAPSED);
		else if (phase == TPPGATE_GRANT_OFFLINE)
			tppgate_event_host(TPPGATE_EVENT_OFFLINE_CAP);
		else if (phase == TPPGATE_GRANT_HELD)
			changed = true;
		grant_phase = phase;
	}
	if (changed)
		tppgate_event_host(TPPGATE_EVENT_GRANT_CHANGED);
	if (tppgate_grant_next_change(p, now, &when))
		tppgate_alarm_arm(&grant_alarm, when);
}

static void grant_fn(struct work_struct *work)
{
	struct tppgate_policy *p;

	mutex_lock(&gate_mutex);
	p = policy_locked();
	if (p && !tppgate_registry_closing()) {
		tppgate_gate_evaluate();
		follow_grant(p, false);
	}
	mutex_unlock(&gate_mutex);
}

/**
 * tppgate_gate_set_grant() - take the TPP the daemon reserved for this host
 * @tpp: TPP granted
 * @lease: seconds the grant holds (1..TPPGATE_GRANT_LEASE_MAX)
 * @serial: the policy serial the daemon computed it for
 * @extack: where to say why it was refused
 *
 * Under a policy with grant_required, admission then uses min(node cap,
 * @tpp) until the lease ends; devices above a lower grant go over the cap.
 * A renewal after a lapse restores the grant.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -ENOENT if no policy is in force; -ESTALE if @serial is not
 * the policy in force; -ESHUTDOWN while the module unloads. On error the
 * grant in force is left as it was.
 */
int tppgate_gate_set_grant(u64 tpp, u32 lease, u64 serial,
			   struct netlink_ext_ack *extack)
{
	struct tppgate_grant_status before;
	struct tppgate_policy *p;
	int ret;

	mutex_lock(&gate_mutex);
	p = policy_locked();
	if (tppgate_registry_closing()) {
		NL_SET_ERR_MSG_MOD(extack, "module is unloading");
		ret = -ESHUTDOWN;
		goto out;
	}
	if (!p) {
		NL_SET_ERR_MSG_MOD(extack, "no policy loaded");
		ret = -ENOENT;
		goto out;
	}
	tppgate_grant_status(p, ktime_get_boottime(), &before);
	ret = tppgate_grant_set(p, tpp, lease, serial, ktime_get_boottime(), extack);
	if (ret)
		goto out;
	tppgate_gate_evaluate();
	follow_grant(p, !before.has_grant || before.tpp != tpp);
out:
	mutex_unlock(&gate_mutex);
	return ret;
}

/**
 * tppgate_gate_lock() - serialize with every transition of the gate
 *
 * For the commands built on the gate's transitions (manual.c).
 *
 * Context: process context, holding neither device_lock() nor the PCI
 * rescan lock.
 */
void tppgate_gate_lock(void)
{
	mutex_lock(&gate_mutex);
}

/**
 * tppgate_gate_unlock() - end what tppgate_gate_lock() began
 */
void tppgate_gate_unlock(void)
{
	mutex_unlock(&gate_mutex);
}

/**
 * tppgate_gate_set_policy() - put a verified, parsed policy in force
 * @p: the policy; on success the gate owns it
 * @extack: where to say why it was refused
 *
 * Devices are re-evaluated at once: some may be admitted, some go over the
 * cap. New accelerator classes or ids in @p bring devices under the gate.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -ESTALE if @p's serial is not above the one in force;
 * -EAGAIN or -EKEYEXPIRED outside its validity; -ESHUTDOWN while the
 * module unloads. On error the policy in force is untouched and the caller
 * still owns @p.
 */
int tppgate_gate_set_policy(struct tppgate_policy *p,
			    struct netlink_ext_ack *extack)
{
	time64_t now = ktime_get_real_seconds();
	struct tppgate_policy *old;
	u64 start;
	int ret;

	mutex_lock(&gate_mutex);
	old = policy_locked();
	if (tppgate_registry_closing()) {
		NL_SET_ERR_MSG_MOD(extack, "module is unloading");
		ret = -ESHUTDOWN;
		goto out;
	}
	if (old && p->serial <= old->serial) {
		NL_SET_ERR_MSG_MOD(extack,
				   "serial is not greater than the policy in force (rollback)");
		ret = -ESTALE;
		goto out;
	}
	ret = tppgate_policy_check_time(p, now, extack);
	if (ret)
		goto out;

	tppgate_policy_start_clock(p, now, ktime_get_boottime());
	start = ktime_get_ns();
	rcu_assign_pointer(gate_policy, p);
	WRITE_ONCE(gate_expired, false);
	tppgate_grant_reset(ktime_get_boottime());
	grant_phase = tppgate_grant_phase(p, ktime_get_boottime());
	sweep();
	tppgate_gate_evaluate();
	WRITE_ONCE(p->apply_ns, ktime_get_ns() - start);
	arm_expiry(p);
	follow_grant(p, false);
	pr_info("policy %llu from '%s' in force (%s, tier %u)\n", p->serial,
		p->issuer, p->region, p->tier);
	tppgate_event_host(TPPGATE_EVENT_POLICY_LOADED);
out:
	mutex_unlock(&gate_mutex);
	/*
	 * Callers are netlink handlers, and the family is unregistered before
	 * tppgate_gate_uninit() runs its rcu_barrier(): this callback is
	 * queued before that barrier or never.
	 */
	if (!ret) {
		tppgate_fault_delay_release();
		tppgate_fault_call_rcu();
		tppgate_policy_free_rcu(old);
	}
	return ret;
}

/**
 * tppgate_gate_policy() - the policy in force
 *
 * Context: the caller holds rcu_read_lock() for as long as it uses it.
 * Return: the policy, or NULL if none was loaded.
 */
const struct tppgate_policy *tppgate_gate_policy(void)
{
	return rcu_dereference(gate_policy);
}

/**
 * tppgate_gate_policy_expired() - has the policy in force expired?
 *
 * Return: true once not-after passed on the wall clock, or its elapsed-time
 * bound did.
 */
bool tppgate_gate_policy_expired(void)
{
	return READ_ONCE(gate_expired);
}

/**
 * tppgate_gate_init() - set up the gate's workqueue and alarms
 *
 * Nothing is held yet: tppgate_gate_sweep() does that once the bus notifier
 * is in place.
 *
 * Return: 0, or -ENOMEM.
 */
int tppgate_gate_init(void)
{
	gate_wq = alloc_ordered_workqueue("tppgate", 0);
	if (!gate_wq)
		return -ENOMEM;
	tppgate_alarm_init(&expiry_real, CLOCK_REALTIME, gate_wq, &expiry_work);
	tppgate_alarm_init(&expiry_boot, CLOCK_BOOTTIME, gate_wq, &expiry_work);
	tppgate_alarm_init(&revoke_alarm, CLOCK_BOOTTIME, gate_wq, &revoke_work);
	tppgate_alarm_init(&grant_alarm, CLOCK_BOOTTIME, gate_wq, &grant_work);
	return 0;
}

/**
 * tppgate_gate_uninit() - stop gating and give every held device back
 *
 * Held devices go back to the driver core, which probes their real drivers;
 * admitted and unmanaged devices keep what they have.
 *
 * Context: after the netlink family and the bus notifier are gone, so that
 * nothing else queues work, arms an alarm or publishes a policy.
 */
void tppgate_gate_uninit(void)
{
	struct tppgate_policy *policy;
	struct pci_dev *pdev;

	mutex_lock(&gate_mutex);
	tppgate_registry_close();
	mutex_unlock(&gate_mutex);

	/* Work that runs from now on sees the registry closed and does nothing. */
	tppgate_alarm_cancel(&expiry_real);
	tppgate_alarm_cancel(&expiry_boot);
	tppgate_alarm_cancel(&revoke_alarm);
	tppgate_alarm_cancel(&grant_alarm);
	/* destroy_workqueue() drains what is queued, not what waits on a timer. */
	cancel_delayed_work_sync(&eval_work);
	cancel_delayed_work_sync(&reclaim_work);
	destroy_workqueue(gate_wq);

	mutex_lock(&gate_mutex);
	while ((pdev = tppgate_registry_take_held())) {
		tppgate_gate_release(pdev);
		tppgate_gate_announce(TPPGATE_EVENT_DEVICE_RELEASED, pdev);
		pci_dev_put(pdev);
	}
	mutex_unlock(&gate_mutex);

	tppgate_registry_clear();

	policy = rcu_replace_pointer(gate_policy, NULL, true);
	synchronize_rcu();
	tppgate_policy_free(policy);
	/* Earlier policies may still wait for call_rcu() into this module. */
	rcu_barrier();
	tppgate_fault_barrier_done();
}
