// SPDX-License-Identifier: GPL-2.0
/*
 * The auditor's bookkeeping (pure; see cluster.h). A revision is checked
 * once all of its changes are in, because one transaction may change
 * several keys in one revision.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"
#include "cluster.h"

uint64_t tppctl_node_tpp(const char *text, size_t len, uint64_t *serial)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	json_t *t = json_object_get(j, "tpp"), *s = json_object_get(j, "serial");
	uint64_t v = 0;

	if (json_is_integer(t) && json_integer_value(t) > 0)
		v = (uint64_t)json_integer_value(t);
	if (serial)
		*serial = json_is_integer(s) && json_integer_value(s) > 0 ?
			  (uint64_t)json_integer_value(s) : 0;
	json_decref(j);
	return v;
}

void audit_init(struct audit *a)
{
	memset(a, 0, sizeof(*a));
}

void audit_free(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->node[i].key);
	free(a->node);
	memset(a, 0, sizeof(*a));
}

uint64_t audit_sum(const struct audit *a)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < a->n; i++)
		s += a->node[i].tpp;
	return s;
}

static void violation(struct audit *a, uint64_t sum, uint64_t cap,
		      const char *what)
{
	if (a->violations++)
		return;
	a->first_violation = a->rev;
	a->first_violation_sum = sum;
	a->first_violation_cap = cap;
	snprintf(a->first_violation_key, sizeof(a->first_violation_key), "%s",
		 a->raised_key);
	snprintf(a->first_violation_what, sizeof(a->first_violation_what), "%s",
		 what);
}

static bool bit(const uint8_t *m, unsigned int t)
{
	return m[t / 8] & (1 << (t % 8));
}

/* The shard-level checks; true if the revision broke one. */
static bool check_shards(struct audit *a, uint64_t sum, uint64_t cap,
			 bool *over)
{
	uint64_t held[SHARDS_MAX] = { 0 }, wsum = 0;
	bool any = false, bad = false;
	char what[192];
	unsigned int t;
	size_t i;

	for (t = 0; t < SHARDS_MAX; t++) {
		any |= a->has_w[t];
		wsum += a->has_w[t] ? a->w[t] : 0;
	}
	for (i = 0; i < a->n; i++) {
		if (a->node[i].shard < 0)
			continue;
		any = true;
		held[a->node[i].shard] += a->node[i].tpp;
	}
	if (!any)
		return false;
	if (a->w_written && wsum > SHARD_WEIGHT) {
		snprintf(what, sizeof(what), "the weights sum to %llu of %llu: the sub-caps can exceed the cap",
			 (unsigned long long)wsum, (unsigned long long)SHARD_WEIGHT);
		violation(a, sum, cap, what);
		bad = true;
	}
	for (t = 0; t < SHARDS_MAX && !bad; t++) {
		uint64_t k = a->has_w[t] ? shard_subcap(cap, a->w[t]) : 0;

		if (held[t] <= k)
			continue;
		*over = true;
		if (bit(a->raised_in, t)) {
			snprintf(what, sizeof(what), "shard %u: a share raised to %llu while it holds %llu, over its sub-cap %llu",
				 t, (unsigned long long)a->raised_to,
				 (unsigned long long)held[t], (unsigned long long)k);
		} else if (bit(a->lowered, t)) {
			snprintf(what, sizeof(what), "shard %u: its sub-cap lowered to %llu under the %llu it holds",
				 t, (unsigned long long)k, (unsigned long long)held[t]);
		} else {
			continue;
		}
		violation(a, sum, cap, what);
		bad = true;
	}
	return bad;
}

void audit_close_rev(struct audit *a)
{
	uint64_t sum, cap;
	bool over = false, bad = false;

	if (!a->rev)
		return;
	sum = audit_sum(a);
	/* No policy, or one without a cluster cap: nothing may be held. */
	cap = a->has_cap ? a->cap : 0;
	a->revisions++;
	if (sum > a->max_sum)
		a->max_sum = sum;
	if (sum > cap) {
		over = true;
		if (a->raised) {
			violation(a, sum, cap, "");
			bad = true;
		}
	}
	if (!bad)
		bad = check_shards(a, sum, cap, &over);
	if (over && !bad) {
		a->over_revisions++;
		a->last_over = a->rev;
	}
	a->raised = false;
	a->w_written = false;
	memset(a->raised_in, 0, sizeof(a->raised_in));
	memset(a->lowered, 0, sizeof(a->lowered));
	a->last_rev = a->rev;
	a->rev = 0;
}

static int begin(struct audit *a, uint64_t rev)
{
	if ((a->rev && rev < a->rev) || rev < a->last_rev)
		return -EINVAL;
	if (a->rev != rev) {
		audit_close_rev(a);
		a->rev = rev;
	}
	return 0;
}

int audit_node(struct audit *a, uint64_t rev, const char *key, bool deleted,
	       uint64_t tpp)
{
	return audit_shard_node(a, rev, key, -1, deleted, tpp);
}

int audit_weight(struct audit *a, uint64_t rev, unsigned int shard,
		 bool deleted, uint64_t w)
{
	int ret = begin(a, rev);

	if (ret)
		return ret;
	if (shard >= SHARDS_MAX)
		return -EINVAL;
	if (deleted)
		w = 0;
	if (a->has_w[shard] && w < a->w[shard])
		a->lowered[shard / 8] |= 1 << (shard % 8);
	a->w[shard] = w;
	a->has_w[shard] = !deleted;
	a->w_written = true;
	return 0;
}

int audit_shard_node(struct audit *a, uint64_t rev, const char *key,
		     int shard, bool deleted, uint64_t tpp)
{
	size_t i;
	int ret = begin(a, rev);

	if (ret)
		return ret;
	if (shard >= SHARDS_MAX)
		return -EINVAL;
	for (i = 0; i < a->n && strcmp(a->node[i].key, key); i++)
		;
	if (i == a->n) {
		if (deleted)
			return 0;
		if (a->n == a->alloc) {
			size_t na = a->alloc ? a->alloc * 2 : 16;
			struct audit_node *nn = realloc(a->node, na * sizeof(*nn));

			if (!nn)
				return -ENOMEM;
			a->node = nn;
			a->alloc = na;
		}
		a->node[i].key = strdup(key);
		if (!a->node[i].key)
			return -ENOMEM;
		a->node[i].tpp = 0;
		a->node[i].shard = shard;
		a->n++;
	}
	if (deleted)
		tpp = 0;
	if (tpp > a->node[i].tpp) {
		a->raised = true;
		snprintf(a->raised_key, sizeof(a->raised_key), "%s", key);
		a->raised_to = tpp;
		if (shard >= 0)
			a->raised_in[shard / 8] |= 1 << (shard % 8);
	}
	a->node[i].tpp = tpp;
	if (deleted) {
		free(a->node[i].key);
		a->node[i] = a->node[--a->n];
	}
	return 0;
}

int audit_policy(struct audit *a, uint64_t rev, bool deleted, bool has_cap,
		 uint64_t cap, uint64_t serial)
{
	int ret = begin(a, rev);

	if (ret)
		return ret;
	a->has_cap = !deleted && has_cap;
	a->cap = cap;
	a->serial = deleted ? 0 : serial;
	return 0;
}
