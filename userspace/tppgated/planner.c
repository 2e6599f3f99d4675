// SPDX-License-Identifier: GPL-2.0
/*
 * The demand planner: how much TPP this host should hold, from the
 * kernel's own view of its devices. Pure.
 *
 * What runs counts first (the kernel marks it counted), whatever the
 * reason: the ledger must cover every TPP enabled on the host. Then the
 * devices the kernel holds only for lack of cap or grant are taken in
 * the kernel's order (PCI address), each if it fits under the node cap,
 * as the kernel's first-fit admission would with an unlimited grant.
 * Granting exactly that sum admits exactly those devices: each fits at
 * its turn under the smaller cap too, and every device skipped under the
 * node cap is skipped under a smaller one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tppgated.h"

static bool waiting(const struct tppgate_device_info *d)
{
	if (d->state != TPPGATE_STATE_QUARANTINED)
		return false;
	/* Held by hand, or a VF that follows its PF: a grant changes nothing. */
	if (d->flags & (TPPGATE_DEVICE_F_MANUAL | TPPGATE_DEVICE_F_VF))
		return false;
	return d->reason == TPPGATE_REASON_OVER_CAP ||
	       d->reason == TPPGATE_REASON_NO_GRANT;
}

static int by_bdf(const void *a, const void *b)
{
	const struct tppgate_device_info *x = *(const void *const *)a;
	const struct tppgate_device_info *y = *(const void *const *)b;
	struct tppgate_bdf p = { 0 }, q = { 0 };
	uint64_t kx, ky;

	tppgate_bdf_parse(x->bdf, &p);
	tppgate_bdf_parse(y->bdf, &q);
	kx = (uint64_t)p.domain << 16 | (unsigned int)p.bus << 8 |
	     (unsigned int)p.dev << 3 | p.fn;
	ky = (uint64_t)q.domain << 16 | (unsigned int)q.bus << 8 |
	     (unsigned int)q.dev << 3 | q.fn;
	return kx < ky ? -1 : kx > ky;
}

int tppgated_plan(const struct tppgate_device_info *devs, size_t n,
		  bool has_cap, uint64_t node_cap, struct tppgated_plan *out)
{
	const struct tppgate_device_info **order;
	uint64_t used = 0;
	size_t i, m = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (!(devs[i].flags & TPPGATE_DEVICE_F_COUNTED))
			continue;
		if (used + devs[i].tpp < used)
			return -EINVAL;
		used += devs[i].tpp;
	}
	out->counted = used;
	order = calloc(n ? n : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (waiting(&devs[i]))
			order[m++] = &devs[i];
	qsort(order, m, sizeof(*order), by_bdf);
	for (i = 0; i < m; i++) {
		uint64_t tpp = order[i]->tpp;

		if (used + tpp >= used && (!has_cap || used + tpp <= node_cap)) {
			used += tpp;
			out->waiting += tpp;
			out->n_waiting++;
		} else {
			out->n_left_out++;
		}
	}
	free(order);
	out->demand = has_cap && used > node_cap ? node_cap : used;
	return 0;
}
