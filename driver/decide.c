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
 * What runs, or may run, is what counts. Over-cap devices run until they
 * are revoked (never, with revoke mode never), so their TPP leaves no room
 * for new admissions, though it does not push out devices admitted before
 * them. Decisions an administrator made by hand stand, and the devices the
 * gate does not manage use their share too: unmanaged-bound ones, and the
 * ungated boot VGA device, which anything may bind at any time.
 *
 * An SR-IOV virtual function follows its physical function: it runs, at 0
 * TPP, while the PF runs, because the PF's TPP is the whole device's.
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

static struct verdict judge(const struct tppgate_policy *p,
			    const struct tppgate_limit *limit, struct pci_dev *pdev)
{
	const struct tppgate_policy_entry *e = tppgate_policy_lookup(p, pdev);
	struct verdict v = { .tpp = e ? e->tpp : 0 };
	u32 action = e ? e->action : p->default_action;

	if (limit->expired) {
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

static bool fits(const struct tppgate_limit *limit, u64 used, u64 tpp)
{
	return !limit->capped || (used + tpp >= used && used + tpp <= limit->cap);
}

/* What a device the gate does not decide about adds to the TPP in use. */
static u64 unmanaged_share(const struct tppgate_policy *p,
			   const struct tppgate_decision *d)
{
	const struct tppgate_policy_entry *e = tppgate_policy_lookup(p, d->pdev);
	u32 action = e ? e->action : p->default_action;

	if (action == TPPGATE_ACTION_EXEMPT)
		return 0;
	return e ? e->tpp : 0;
}

static bool is_vf(const struct tppgate_decision *d)
{
	return d->pdev->is_virtfn;
}

/* The decision about @vf's physical function, if it is among @d. */
static const struct tppgate_decision *pf_of(const struct tppgate_decision *vf,
					    const struct tppgate_decision *d,
					    size_t n)
{
	struct pci_dev *pf = pci_physfn(vf->pdev);
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].pdev == pf)
			return &d[i];
	return NULL;
}

static void follow_pf(struct tppgate_decision *vf,
		      const struct tppgate_decision *d, size_t n)
{
	const struct tppgate_decision *pf = pf_of(vf, d, n);
	bool pf_runs = pf && (running(pf->state) ||
			      pf->state == TPPGATE_STATE_UNMANAGED_BOUND ||
			      pf->state == TPPGATE_STATE_UNMANAGED);

	vf->tpp = 0;
	vf->reason = TPPGATE_REASON_FOLLOWS_PF;
	if (pf_runs)
		vf->state = TPPGATE_STATE_ADMITTED;
	else if (running(vf->state))
		vf->state = TPPGATE_STATE_OVER_CAP;
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
 * @limit: the cap to admit under, and whether @p has expired
 * @d: the devices in PCI address order; states and reasons are updated
 * @n: how many
 * @order: scratch space for @n pointers
 *
 * Devices an administrator decided about (@d[i].manual) keep their state.
 *
 * Context: any; does not sleep.
 */
void tppgate_decide(const struct tppgate_policy *p,
		    const struct tppgate_limit *limit,
		    struct tppgate_decision *d, size_t n,
		    struct tppgate_decision **order)
{
	struct verdict v;
	u64 used = 0, over = 0;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (is_vf(&d[i]))
			continue;
		v = judge(p, limit, d[i].pdev);
		d[i].tpp = v.tpp;
		if (d[i].state == TPPGATE_STATE_UNMANAGED ||
		    d[i].state == TPPGATE_STATE_UNMANAGED_BOUND) {
			d[i].tpp = unmanaged_share(p, &d[i]);
			used += d[i].tpp;
		} else if (running(d[i].state) && d[i].manual) {
			used += v.tpp;
		} else if (running(d[i].state)) {
			order[m++] = &d[i];
		}
	}

	/* Running devices, oldest admission first. */
	sort(order, m, sizeof(*order), by_seq, NULL);
	for (i = 0; i < m; i++) {
		v = judge(p, limit, order[i]->pdev);
		if (v.allowed && (!v.counted || fits(limit, used, v.tpp))) {
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
		if (d[i].state != TPPGATE_STATE_QUARANTINED || d[i].manual ||
		    is_vf(&d[i]))
			continue;
		v = judge(p, limit, d[i].pdev);
		if (v.allowed && limit->frozen) {
			d[i].reason = TPPGATE_REASON_NO_GRANT;
		} else if (v.allowed && (!v.counted || fits(limit, used, v.tpp))) {
			used += v.counted ? v.tpp : 0;
			d[i].state = TPPGATE_STATE_ADMITTED;
			d[i].reason = v.reason;
		} else {
			d[i].reason = v.allowed ? TPPGATE_REASON_OVER_CAP : v.reason;
		}
	}

	/* Last, when every PF's fate is known. */
	for (i = 0; i < n; i++)
		if (is_vf(&d[i]) && !d[i].manual)
			follow_pf(&d[i], d, n);
}
