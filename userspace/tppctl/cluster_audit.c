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

void audit_close_rev(struct audit *a)
{
	uint64_t sum, cap;

	if (!a->rev)
		return;
	sum = audit_sum(a);
	/* No policy, or one without a cluster cap: nothing may be held. */
	cap = a->has_cap ? a->cap : 0;
	a->revisions++;
	if (sum > a->max_sum)
		a->max_sum = sum;
	if (sum > cap) {
		if (a->raised) {
			if (!a->violations++) {
				a->first_violation = a->rev;
				a->first_violation_sum = sum;
				a->first_violation_cap = cap;
				snprintf(a->first_violation_key,
					 sizeof(a->first_violation_key), "%s",
					 a->raised_key);
			}
		} else {
			a->over_revisions++;
			a->last_over = a->rev;
		}
	}
	a->raised = false;
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
	size_t i;
	int ret = begin(a, rev);

	if (ret)
		return ret;
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
		a->n++;
	}
	if (deleted)
		tpp = 0;
	if (tpp > a->node[i].tpp) {
		a->raised = true;
		snprintf(a->raised_key, sizeof(a->raised_key), "%s", key);
		a->raised_to = tpp;
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
