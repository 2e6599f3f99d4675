// SPDX-License-Identifier: GPL-2.0
/*
 * The gate: the transitions between quarantine and admission, and the
 * policy that decides them.
 *
 * Devices present at load are swept once; devices added later are caught by
 * a PCI bus notifier at BUS_NOTIFY_ADD_DEVICE, which PCI delivers before any
 * driver can match (pci_device_add() clears match_driver until
 * pci_bus_add_device()). Holding a device is two steps: driver_override names
 * the quarantine driver, so no other driver matches, and the quarantine
 * driver binds. Admitting undoes both and lets the driver core probe again.
 *
 * Locking. The bus notifier and the quarantine driver's probe run under
 * device_lock() and often under pci_rescan_remove_lock; the transitions call
 * device_release_driver() and device_attach(), which take device_lock(). So
 * the transitions are serialized by gate_mutex, which those callbacks never
 * take; they use only the registry's spinlock. Work that a callback needs
 * done under gate_mutex (deciding about a hot-added device) goes to a work
 * item.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/moduleparam.h>
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
#include "gate.h"
#include "policy.h"
#include "quarantine.h"
#include "registry.h"

static char *boot_param = "keep";
module_param_named(boot, boot_param, charp, 0444);
MODULE_PARM_DESC(boot, "Accelerators bound before load: keep (default) or quarantine");

static bool gate_boot_vga;
module_param(gate_boot_vga, bool, 0444);
MODULE_PARM_DESC(gate_boot_vga, "Gate the boot VGA device too (default: leave its console alone)");

static bool manual;
module_param(manual, bool, 0444);
MODULE_PARM_DESC(manual, "Allow DEVICE_ADMIT/DEVICE_QUARANTINE by hand, overriding the policy (logged)");

static enum tppgate_boot_mode boot_mode;

/*
 * Serializes every transition (sweep, admit, quarantine, policy changes,
 * revocation, teardown) and protects gate_policy's writers. Taken only in
 * process context holding neither device_lock nor the rescan lock, because
 * the transitions take both.
 */
static DEFINE_MUTEX(gate_mutex);

/*
 * The policy in force: replaced under gate_mutex, read under RCU by the
 * bus notifier (which classes and ids are accelerators) and by netlink.
 */
static struct tppgate_policy __rcu *gate_policy;

/* Written under gate_mutex; read locklessly for status. */
static bool gate_expired;

static void eval_fn(struct work_struct *work);
static void reclaim_fn(struct work_struct *work);
static void expiry_fn(struct work_struct *work);
static void revoke_fn(struct work_struct *work);
static DECLARE_WORK(eval_work, eval_fn);
static DECLARE_WORK(reclaim_work, reclaim_fn);
static DECLARE_DELAYED_WORK(expiry_work, expiry_fn);
static DECLARE_DELAYED_WORK(revoke_work, revoke_fn);

static struct tppgate_policy *policy_locked(void)
{
	return rcu_dereference_protected(gate_policy, lockdep_is_held(&gate_mutex));
}

static bool is_accel(const struct pci_dev *pdev)
{
	const struct tppgate_policy *p;
	bool ret;

	if (tppgate_accel_match(pdev))
		return true;
	rcu_read_lock();
	p = rcu_dereference(gate_policy);
	ret = p && tppgate_policy_is_accel(p, pdev);
	rcu_read_unlock();
	return ret;
}

static bool is_boot_vga(struct pci_dev *pdev)
{
	return pdev == vga_default_device();
}

/*
 * Bind the quarantine driver to @pdev, unbinding whatever else holds it.
 * The override goes first, so nothing else can match once the old driver
 * is gone. Context: gate_mutex held.
 */
static int hold(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	int ret;

	ret = compat_set_driver_override(pdev, TPPGATE_DRIVER_NAME);
	if (ret)
		goto err_claim;
	if (dev->driver && !tppgate_quarantine_holds(pdev))
		device_release_driver(dev);
	ret = device_attach(dev);
	if (ret < 0)
		goto err_claim;
	if (!tppgate_quarantine_holds(pdev)) {
		ret = -EBUSY;
		goto err_claim;
	}
	return 0;

err_claim:
	pr_err("%s: quarantine driver did not bind (%d)\n", pci_name(pdev), ret);
	tppgate_registry_set(pdev, TPPGATE_STATE_QUARANTINED,
			     TPPGATE_REASON_CLAIM_FAILED);
	tppgate_event_device(TPPGATE_EVENT_DEVICE_QUARANTINED, pdev);
	return ret;
}

/*
 * Hand @pdev back to the driver core: no override, quarantine driver gone,
 * probe again. The caller has already moved the device out of the
 * quarantined state, so the quarantine driver refuses it from now on.
 * Context: gate_mutex held.
 */
static void release(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	int ret;

	ret = compat_set_driver_override(pdev, "");
	if (ret)
		pr_warn("%s: driver_override not cleared (%d)\n", pci_name(pdev), ret);
	if (tppgate_quarantine_holds(pdev))
		device_release_driver(dev);
	ret = device_attach(dev);
	if (ret < 0)
		pr_info("%s: driver probe after admission failed (%d)\n", pci_name(pdev), ret);
}

/* Decide and apply the state of an accelerator found by a sweep. */
static void adopt(struct pci_dev *pdev)
{
	if (is_boot_vga(pdev) && !gate_boot_vga) {
		tppgate_registry_track(pdev, TPPGATE_STATE_UNMANAGED,
				       TPPGATE_REASON_BOOT_VGA,
				       TPPGATE_DEVICE_F_BOOT_VGA);
		return;
	}
	if (pdev->dev.driver && boot_mode == TPPGATE_BOOT_KEEP) {
		tppgate_registry_track(pdev, TPPGATE_STATE_UNMANAGED_BOUND,
				       TPPGATE_REASON_BOUND_AT_LOAD, 0);
		return;
	}
	/* Held from now on because nothing admits it: the policy decides. */
	if (tppgate_registry_track(pdev, TPPGATE_STATE_QUARANTINED,
				   TPPGATE_REASON_NO_POLICY,
				   is_boot_vga(pdev) ? TPPGATE_DEVICE_F_BOOT_VGA : 0))
		return;
	hold(pdev);
}

/* Context: gate_mutex held. */
static void sweep(void)
{
	struct pci_dev *pdev = NULL;

	for_each_pci_dev(pdev)
		if (is_accel(pdev) && !tppgate_registry_known(pdev))
			adopt(pdev);
}

/*
 * A new device: name the quarantine driver as its override before
 * pci_bus_add_device() lets any driver match. It binds right after this
 * notifier returns, synchronously.
 */
static void device_added(struct pci_dev *pdev)
{
	int ret;

	if (!is_accel(pdev))
		return;
	ret = tppgate_registry_track(pdev, TPPGATE_STATE_QUARANTINED,
				     TPPGATE_REASON_NO_POLICY,
				     TPPGATE_DEVICE_F_HOTPLUG);
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
	tppgate_event_device(TPPGATE_EVENT_DEVICE_ADDED, pdev);
	/* The policy decides once the quarantine driver holds it. */
	if (rcu_access_pointer(gate_policy))
		schedule_work(&eval_work);
}

/*
 * Another driver bound a device the gate holds quarantined: possible only if
 * setting its driver_override failed, or through the 6.1 override race. The
 * notifier runs under device_lock(), so the unbind happens in a work item.
 */
static void device_bound(struct pci_dev *pdev)
{
	struct tppgate_dev_info info;

	if (tppgate_quarantine_holds(pdev) || tppgate_registry_get(pdev, &info) ||
	    info.state != TPPGATE_STATE_QUARANTINED)
		return;
	schedule_work(&reclaim_work);
}

static void device_removed(struct pci_dev *pdev)
{
	if (!tppgate_registry_known(pdev))
		return;
	tppgate_event_device(TPPGATE_EVENT_DEVICE_REMOVED, pdev);
	tppgate_registry_remove(pdev);
}

static int gate_bus_notify(struct notifier_block *nb, unsigned long action,
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

static struct notifier_block gate_nb = {
	.notifier_call = gate_bus_notify,
};

/**
 * tppgate_gate_admit() - release a quarantined accelerator to its driver
 * @pdev: the device, referenced by the caller
 * @extack: where to explain a refusal, or NULL
 *
 * Only with manual=1: this overrides the policy, and the policy leaves a
 * device admitted by hand alone until it is quarantined by hand. Admitting
 * an admitted device does nothing; admitting an unmanaged-bound device
 * leaves its driver in place and counts it as admitted.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -EACCES unless manual=1; -EOPNOTSUPP if @pdev is not a gated
 * accelerator; -ESHUTDOWN while the module unloads.
 */
int tppgate_gate_admit(struct pci_dev *pdev, struct netlink_ext_ack *extack)
{
	enum tppgate_state state;
	int ret;

	if (!manual) {
		NL_SET_ERR_MSG_MOD(extack, "admission by hand is off (load with manual=1)");
		return -EACCES;
	}
	mutex_lock(&gate_mutex);
	ret = tppgate_registry_gated_state(pdev, &state, extack);
	if (ret || state == TPPGATE_STATE_ADMITTED)
		goto out;

	pr_notice("%s: admitted by hand (manual override)\n", pci_name(pdev));
	tppgate_registry_set(pdev, TPPGATE_STATE_ADMITTED, TPPGATE_REASON_MANUAL);
	if (state == TPPGATE_STATE_QUARANTINED)
		release(pdev);
	tppgate_event_device(TPPGATE_EVENT_DEVICE_ADMITTED, pdev);
out:
	mutex_unlock(&gate_mutex);
	return ret;
}

/**
 * tppgate_gate_quarantine() - take an accelerator back from its driver
 * @pdev: the device, referenced by the caller
 * @extack: where to explain a refusal, or NULL
 *
 * Only with manual=1. The device's driver is unbound (its remove() runs,
 * which for a busy GPU may take a while) and the quarantine driver binds in
 * its place. The policy does not admit it again until it is admitted by hand.
 *
 * Context: process context; takes device_lock() through the driver core.
 * Return: 0; -EACCES unless manual=1; -EOPNOTSUPP if @pdev is not a gated
 * accelerator; -ESHUTDOWN while the module unloads; -EBUSY or another errno
 * from the driver core if the quarantine driver could not bind (the device
 * then has no driver).
 */
int tppgate_gate_quarantine(struct pci_dev *pdev, struct netlink_ext_ack *extack)
{
	enum tppgate_state state;
	int ret;

	if (!manual) {
		NL_SET_ERR_MSG_MOD(extack, "quarantine by hand is off (load with manual=1)");
		return -EACCES;
	}
	mutex_lock(&gate_mutex);
	ret = tppgate_registry_gated_state(pdev, &state, extack);
	if (ret)
		goto out;
	pr_notice("%s: quarantined by hand (manual override)\n", pci_name(pdev));
	/* Even if already held: from now on the policy leaves it alone. */
	tppgate_registry_set(pdev, TPPGATE_STATE_QUARANTINED, TPPGATE_REASON_MANUAL);
	if (state == TPPGATE_STATE_QUARANTINED && tppgate_quarantine_holds(pdev))
		goto out;
	ret = hold(pdev);
	if (ret)
		NL_SET_ERR_MSG_MOD(extack, "quarantine driver could not bind");
out:
	mutex_unlock(&gate_mutex);
	return ret;
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
			release(d->pdev);
		tppgate_event_device(TPPGATE_EVENT_DEVICE_ADMITTED, d->pdev);
	} else if (d->state == TPPGATE_STATE_OVER_CAP) {
		tppgate_event_device(TPPGATE_EVENT_DEVICE_OVER_CAP, d->pdev);
	}
}

/* Bring every device in line with the policy. Context: gate_mutex held. */
static void evaluate(void)
{
	struct tppgate_policy *p = policy_locked();
	struct tppgate_decision *d, **scratch;
	bool more;
	ssize_t n, i;

	if (!p || tppgate_registry_closing())
		return;
	n = tppgate_registry_snapshot(&d, &more);
	if (n < 0)
		goto err_retry;
	if (more)
		schedule_work(&eval_work);
	scratch = kcalloc(n + 1, sizeof(*scratch), GFP_KERNEL);
	if (scratch) {
		tppgate_decide(p, gate_expired, d, n, scratch);
		for (i = 0; i < n; i++)
			apply(&d[i]);
		kfree(scratch);
	}
	for (i = 0; i < n; i++)
		pci_dev_put(d[i].pdev);
	kfree(d);
	if (scratch) {
		/* Also for devices a previous policy left over the cap. */
		schedule_revoke();
		return;
	}

err_retry:
	pr_warn("out of memory deciding admission; retrying\n");
	schedule_work(&eval_work);
}

static void eval_fn(struct work_struct *work)
{
	mutex_lock(&gate_mutex);
	evaluate();
	mutex_unlock(&gate_mutex);
}

/* Take back quarantined devices that the quarantine driver does not hold. */
static void reclaim_fn(struct work_struct *work)
{
	struct tppgate_decision *d;
	bool more;
	ssize_t n, i;

	mutex_lock(&gate_mutex);
	n = tppgate_registry_snapshot(&d, &more);
	for (i = 0; i < n; i++) {
		if (d[i].state == TPPGATE_STATE_QUARANTINED &&
		    !tppgate_quarantine_holds(d[i].pdev) &&
		    !tppgate_registry_closing()) {
			pr_notice("%s: bound to another driver while quarantined; taking it back\n",
				  pci_name(d[i].pdev));
			hold(d[i].pdev);
		}
		pci_dev_put(d[i].pdev);
	}
	if (n >= 0)
		kfree(d);
	mutex_unlock(&gate_mutex);
}

/* Long waits are re-armed hourly, so a clock change cannot stretch one. */
#define EXPIRY_RECHECK_SECS 3600

static void schedule_expiry(const struct tppgate_policy *p)
{
	time64_t left = (time64_t)p->not_after - ktime_get_real_seconds();

	left = clamp_t(time64_t, left, 0, EXPIRY_RECHECK_SECS);
	mod_delayed_work(system_wq, &expiry_work, left * HZ);
}

static void expiry_fn(struct work_struct *work)
{
	struct tppgate_policy *p;

	mutex_lock(&gate_mutex);
	p = policy_locked();
	if (!p || tppgate_registry_closing() || gate_expired)
		goto out;
	if (tppgate_policy_check_time(p, ktime_get_real_seconds(), NULL) !=
	    -EKEYEXPIRED) {
		schedule_expiry(p);
		goto out;
	}
	WRITE_ONCE(gate_expired, true);
	tppgate_event_policy(TPPGATE_EVENT_POLICY_EXPIRED);
	evaluate();
out:
	mutex_unlock(&gate_mutex);
}

/* Arm revoke_work for the earliest over-cap deadline. gate_mutex held. */
static void schedule_revoke(void)
{
	struct tppgate_policy *p = policy_locked();
	unsigned long due;

	if (p && p->revoke_mode == TPPGATE_REVOKE_DEADLINE &&
	    tppgate_registry_next_revoke(p->revoke_deadline, &due))
		mod_delayed_work(system_wq, &revoke_work,
				 time_after(due, jiffies) ? due - jiffies : 0);
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
	while ((pdev = tppgate_registry_take_revocable(p->revoke_deadline))) {
		pr_notice("%s: revoking: over the cap past the deadline\n", pci_name(pdev));
		hold(pdev);
		pci_dev_put(pdev);
	}
	/* The room they leave may admit others; this also re-arms the timer. */
	evaluate();
out:
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

	p->loaded_at = now;
	start = ktime_get_ns();
	rcu_assign_pointer(gate_policy, p);
	WRITE_ONCE(gate_expired, false);
	sweep();
	evaluate();
	WRITE_ONCE(p->apply_ns, ktime_get_ns() - start);
	schedule_expiry(p);
	pr_info("policy %llu from '%s' in force (%s, tier %u)\n", p->serial,
		p->issuer, p->region, p->tier);
	tppgate_event_policy(TPPGATE_EVENT_POLICY_LOADED);
out:
	mutex_unlock(&gate_mutex);
	if (!ret)
		tppgate_policy_free_rcu(old);
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
 * Return: true once the expiry timer has seen not-after pass.
 */
bool tppgate_gate_policy_expired(void)
{
	return READ_ONCE(gate_expired);
}

/**
 * tppgate_gate_manual() - the manual= parameter
 *
 * Return: true if admission by hand is allowed.
 */
bool tppgate_gate_manual(void)
{
	return manual;
}

/**
 * tppgate_gate_boot_mode() - the boot= parameter
 *
 * Return: what the module did at load with accelerators already bound.
 */
enum tppgate_boot_mode tppgate_gate_boot_mode(void)
{
	return boot_mode;
}

/**
 * tppgate_gate_boot_vga_gated() - the gate_boot_vga= parameter
 *
 * Return: true if the boot VGA device is gated like any other.
 */
bool tppgate_gate_boot_vga_gated(void)
{
	return gate_boot_vga;
}

static int parse_boot_mode(void)
{
	if (sysfs_streq(boot_param, "keep"))
		boot_mode = TPPGATE_BOOT_KEEP;
	else if (sysfs_streq(boot_param, "quarantine"))
		boot_mode = TPPGATE_BOOT_QUARANTINE;
	else
		return -EINVAL;
	return 0;
}

/**
 * tppgate_gate_init() - start gating: catch new devices, then sweep
 *
 * The notifier goes first so that no device slips between the sweep and
 * the notifier; the registry ignores a device seen by both.
 *
 * Return: 0; -EINVAL for a bad boot= parameter; an errno from
 * bus_register_notifier().
 */
int tppgate_gate_init(void)
{
	int ret;

	ret = parse_boot_mode();
	if (ret) {
		pr_err("boot=%s: expected keep or quarantine\n", boot_param);
		return ret;
	}
	ret = bus_register_notifier(&pci_bus_type, &gate_nb);
	if (ret)
		return ret;
	mutex_lock(&gate_mutex);
	sweep();
	mutex_unlock(&gate_mutex);
	return 0;
}

/**
 * tppgate_gate_uninit() - stop gating and give every held device back
 *
 * Held devices go back to the driver core, which probes their real drivers;
 * admitted and unmanaged devices keep what they have.
 */
void tppgate_gate_uninit(void)
{
	struct tppgate_policy *policy;
	struct pci_dev *pdev;

	mutex_lock(&gate_mutex);
	tppgate_registry_close();
	mutex_unlock(&gate_mutex);

	/*
	 * No notifier may queue work once the work is cancelled; devices that
	 * leave the bus meanwhile stay referenced until the registry is cleared.
	 */
	bus_unregister_notifier(&pci_bus_type, &gate_nb);
	/* The work functions see the registry closed and do nothing more. */
	cancel_work_sync(&eval_work);
	cancel_work_sync(&reclaim_work);
	cancel_delayed_work_sync(&expiry_work);
	cancel_delayed_work_sync(&revoke_work);

	mutex_lock(&gate_mutex);
	while ((pdev = tppgate_registry_take_held())) {
		release(pdev);
		tppgate_event_device(TPPGATE_EVENT_DEVICE_RELEASED, pdev);
		pci_dev_put(pdev);
	}
	mutex_unlock(&gate_mutex);

	tppgate_registry_clear();

	policy = rcu_replace_pointer(gate_policy, NULL, true);
	synchronize_rcu();
	tppgate_policy_free(policy);
	/* Earlier policies may still wait for call_rcu() into this module. */
	rcu_barrier();
}
