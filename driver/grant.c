// SPDX-License-Identifier: GPL-2.0
/*
 * The grant: the TPP that the daemon reserved for this host in the cluster
 * ledger, for a lease. Under a policy with grant_required it limits
 * admission, in three phases:
 *
 *   held     a grant for the policy in force,       cap min(node cap, grant)
 *            its lease not over
 *   lapsed   no grant for this policy, or its       nothing new is admitted;
 *            lease over, for less than the           running devices keep
 *            policy's offline grace                  their place under
 *                                                    min(node cap, the last
 *                                                    grant), if any
 *   offline  lapsed for the offline grace or        cap offline_cap: devices
 *            longer                                  above it go over the cap
 *
 * A grant is lapsed since the end of its lease, or, for a policy never
 * granted, since the policy was loaded: a daemon that never answers is a
 * daemon that died. Everything runs on CLOCK_BOOTTIME, so a wall-clock step
 * changes nothing and time asleep counts.
 *
 * The daemon's ledger lease is longer than the grant's lease (see
 * Documentation/daemon.rst), so a host that loses the ledger stops
 * admitting before its share can be handed to another host.
 */

#include <linux/ktime.h>
#include <linux/netlink.h>
#include <linux/spinlock.h>

#include "decide.h"
#include "grant.h"
#include "policy.h"

/*
 * Protects the fields below. Writers also hold the gate's mutex, which
 * orders them against policy changes; readers (status) take only this.
 */
static DEFINE_SPINLOCK(lock);
static bool has_grant;		/* for the policy in force */
static bool granted_once;	/* grant_tpp is the last grant, of any policy */
static u64 grant_tpp;
static u64 grant_serial;
static ktime_t lease_end;
static ktime_t lapsed_since;	/* when no grant was ever received */

/**
 * tppgate_grant_reset() - a new policy is in force
 * @now: CLOCK_BOOTTIME
 *
 * A grant is computed for one policy: the daemon must grant again, and
 * until it does the new policy's grace runs from now.
 *
 * Context: the gate's mutex held.
 */
void tppgate_grant_reset(ktime_t now)
{
	spin_lock(&lock);
	has_grant = false;
	lapsed_since = now;
	spin_unlock(&lock);
}

/**
 * tppgate_grant_set() - take a grant from the daemon
 * @p: the policy in force
 * @tpp: TPP granted to this host
 * @lease: seconds it holds, 1..TPPGATE_GRANT_LEASE_MAX (checked by netlink)
 * @serial: the policy serial the daemon computed it for
 * @now: CLOCK_BOOTTIME
 * @extack: where to say why it was refused
 *
 * Context: the gate's mutex held.
 * Return: 0; -ESTALE if @serial is not @p's (the grant in force is left as
 * it was).
 */
int tppgate_grant_set(const struct tppgate_policy *p, u64 tpp, u32 lease,
		      u64 serial, ktime_t now, struct netlink_ext_ack *extack)
{
	if (serial != p->serial) {
		NL_SET_ERR_MSG_MOD(extack,
				   "grant computed for another policy serial: read the policy again");
		return -ESTALE;
	}
	spin_lock(&lock);
	has_grant = true;
	granted_once = true;
	grant_tpp = tpp;
	grant_serial = serial;
	lease_end = ktime_add(now, ktime_set(lease, 0));
	spin_unlock(&lock);
	return 0;
}

/* Context: lock held. */
static ktime_t lapsed_at(void)
{
	return has_grant ? lease_end : lapsed_since;
}

/* Context: lock held. */
static enum tppgate_grant_phase phase_locked(const struct tppgate_policy *p,
					     ktime_t now)
{
	if (!p->grant_required)
		return TPPGATE_GRANT_UNUSED;
	if (has_grant && ktime_before(now, lease_end))
		return TPPGATE_GRANT_HELD;
	if (ktime_before(now, ktime_add(lapsed_at(), ktime_set(p->offline_grace, 0))))
		return TPPGATE_GRANT_LAPSED;
	return TPPGATE_GRANT_OFFLINE;
}

/**
 * tppgate_grant_phase() - where the grant stands now
 * @p: the policy in force
 * @now: CLOCK_BOOTTIME
 *
 * Return: enum tppgate_grant_phase.
 */
enum tppgate_grant_phase tppgate_grant_phase(const struct tppgate_policy *p,
					     ktime_t now)
{
	enum tppgate_grant_phase phase;

	spin_lock(&lock);
	phase = phase_locked(p, now);
	spin_unlock(&lock);
	return phase;
}

/* Context: lock held. */
static void limit_locked(const struct tppgate_policy *p, ktime_t now,
			 struct tppgate_limit *limit)
{
	limit->capped = p->has_node_cap;
	limit->cap = p->node_cap;
	limit->frozen = false;
	switch (phase_locked(p, now)) {
	case TPPGATE_GRANT_UNUSED:
		break;
	case TPPGATE_GRANT_LAPSED:
		/* What ran under the last grant may go on; never more. */
		limit->frozen = true;
		if (!granted_once)
			break;
		fallthrough;
	case TPPGATE_GRANT_HELD:
		if (!limit->capped || grant_tpp < limit->cap)
			limit->cap = grant_tpp;
		limit->capped = true;
		break;
	case TPPGATE_GRANT_OFFLINE:
		limit->frozen = true;
		limit->capped = true;
		limit->cap = p->offline_cap;
		break;
	}
}

/**
 * tppgate_grant_limit() - the cap admission uses now
 * @p: the policy in force
 * @now: CLOCK_BOOTTIME
 * @limit: its cap and frozen fields are filled in
 */
void tppgate_grant_limit(const struct tppgate_policy *p, ktime_t now,
			 struct tppgate_limit *limit)
{
	spin_lock(&lock);
	limit_locked(p, now, limit);
	spin_unlock(&lock);
}

/**
 * tppgate_grant_next_change() - when the phase changes next by itself
 * @p: the policy in force
 * @now: CLOCK_BOOTTIME
 * @when: set to that time, CLOCK_BOOTTIME
 *
 * Return: true if it will (a lease or a grace still running).
 */
bool tppgate_grant_next_change(const struct tppgate_policy *p, ktime_t now,
			       ktime_t *when)
{
	bool ret = true;

	spin_lock(&lock);
	switch (phase_locked(p, now)) {
	case TPPGATE_GRANT_HELD:
		*when = lease_end;
		break;
	case TPPGATE_GRANT_LAPSED:
		*when = ktime_add(lapsed_at(), ktime_set(p->offline_grace, 0));
		break;
	default:
		ret = false;
		break;
	}
	spin_unlock(&lock);
	return ret;
}

/**
 * tppgate_grant_status() - the grant as STATUS_GET reports it
 * @p: the policy in force
 * @now: CLOCK_BOOTTIME
 * @st: filled in
 */
void tppgate_grant_status(const struct tppgate_policy *p, ktime_t now,
			  struct tppgate_grant_status *st)
{
	struct tppgate_limit limit;

	spin_lock(&lock);
	st->phase = phase_locked(p, now);
	st->has_grant = has_grant;
	st->tpp = grant_tpp;
	st->serial = grant_serial;
	st->lease_left_ms = 0;
	if (has_grant && ktime_before(now, lease_end))
		st->lease_left_ms = ktime_to_ms(ktime_sub(lease_end, now));
	st->offline_secs = 0;
	if (st->phase == TPPGATE_GRANT_LAPSED || st->phase == TPPGATE_GRANT_OFFLINE)
		st->offline_secs = ktime_divns(ktime_sub(now, lapsed_at()), NSEC_PER_SEC);
	limit_locked(p, now, &limit);
	spin_unlock(&lock);
	st->capped = limit.capped;
	st->cap = limit.cap;
}
