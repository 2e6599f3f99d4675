// SPDX-License-Identifier: GPL-2.0
/*
 * Admission, as a pure function of the policy and the devices: no locks, no
 * side effects, so the same policy and devices always give the same answer.
 *
 * Devices already running keep their place in admission order: the earliest
 * admitted are kept while they fit, so when a cap drops, the devices that go
 * over it are the most recently admitted. Quarantined devices are then
 * admitted in PCI address order (the order of @d) while they fit.
 *
 * What runs is what counts. Over-cap devices run until they are revoked
 * (never, with revoke mode never), so their TPP leaves no room for new
 * admissions, though it does not push out devices admitted before them.
 * Decisions an administrator made by hand (reason manual) stand, and a
 * device the gate does not manage (unmanaged-bound) uses its share too.
 */

#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/sort.h>

#include "decide.h"
#include "policy.h"

struct verdict {
	bool allowed;
	bool counted;
	enum tppgate_reason reason;
	u64 tpp;
};

static struct verdict judge(const struct tppgate_policy *p, bool expired,
			    struct pci_dev *pdev)
{
	const struct tppgate_policy_entry *e = tppgate_policy_lookup(p, pdev);
	struct verdict v = { .tpp = e ? e->tpp : 0 };
	u32 action = e ? e->action : p->default_action;

	if (expired) {
		v.reason = TPPGATE_REASON_EXPIRED;
		return v;
	}
	if (action == TPPGATE_ACTION_EXEMPT) {
		v.allowed = true;
		v.tpp = 0;
		v.reason = TPPGATE_REASON_EXEMPT;
		return v;
	}
	/* Tier 3 gets nothing above the control thresholds. */
	if (action == TPPGATE_ACTION_DENY || p->tier == 3) {
		v.reason = e ? TPPGATE_REASON_DENIED : TPPGATE_REASON_UNKNOWN_DEVICE;
		return v;
	}
	v.allowed = true;
	v.counted = true;
	v.reason = TPPGATE_REASON_POLICY;
	return v;
}

static bool running(enum tppgate_state s)
{
	return s == TPPGATE_STATE_ADMITTED || s == TPPGATE_STATE_OVER_CAP;
}

static bool fits(const struct tppgate_policy *p, u64 used, u64 tpp)
{
	return !p->has_node_cap || (used + tpp >= used && used + tpp <= p->node_cap);
}

static int by_seq(const void *a, const void *b)
{
	const struct tppgate_decision *x = *(const struct tppgate_decision * const *)a;
	const struct tppgate_decision *y = *(const struct tppgate_decision * const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * tppgate_decide() - decide what state each device should be in
 * @p: the policy in force
 * @expired: @p has passed its not-after
 * @d: the devices in PCI address order; states and reasons are updated
 * @n: how many
 * @order: scratch space for @n pointers
 *
 * Context: any; does not sleep.
 */
void tppgate_decide(const struct tppgate_policy *p, bool expired,
		    struct tppgate_decision *d, size_t n,
		    struct tppgate_decision **order)
{
	struct verdict v;
	u64 used = 0, over = 0;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		v = judge(p, expired, d[i].pdev);
		d[i].tpp = v.tpp;
		if (d[i].state == TPPGATE_STATE_UNMANAGED_BOUND ||
		    (running(d[i].state) && d[i].reason == TPPGATE_REASON_MANUAL))
			used += v.tpp;
		else if (running(d[i].state))
			order[m++] = &d[i];
	}

	/* Running devices, oldest admission first. */
	sort(order, m, sizeof(*order), by_seq, NULL);
	for (i = 0; i < m; i++) {
		v = judge(p, expired, order[i]->pdev);
		if (v.allowed && (!v.counted || fits(p, used, v.tpp))) {
			used += v.counted ? v.tpp : 0;
			order[i]->state = TPPGATE_STATE_ADMITTED;
			order[i]->reason = v.reason;
		} else {
			order[i]->state = TPPGATE_STATE_OVER_CAP;
			order[i]->reason = v.allowed ? TPPGATE_REASON_OVER_CAP : v.reason;
			over += v.tpp;
		}
	}
	/* Until they are revoked, over-cap devices still use their share. */
	used += over;

	for (i = 0; i < n; i++) {
		if (d[i].state != TPPGATE_STATE_QUARANTINED ||
		    d[i].reason == TPPGATE_REASON_MANUAL)
			continue;
		v = judge(p, expired, d[i].pdev);
		if (v.allowed && (!v.counted || fits(p, used, v.tpp))) {
			used += v.counted ? v.tpp : 0;
			d[i].state = TPPGATE_STATE_ADMITTED;
			d[i].reason = v.reason;
		} else {
			d[i].reason = v.allowed ? TPPGATE_REASON_OVER_CAP : v.reason;
		}
	}
}
