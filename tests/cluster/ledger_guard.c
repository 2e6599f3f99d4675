// SPDX-License-Identifier: GPL-2.0
/*
 * ledger-guard: what the bounds guard of an increase lets through and
 * what it stops, with two hosts of tppgated's etcd ledger (library mode,
 * one connection) under a pushed policy of cap CAP:
 *
 *   B takes CAP/10, A takes CAP/10, B grows to CAP/5;
 *   A grows to 3 CAP/10 from its snapshot, stale by B's growth   -> a1
 *   B asks for 8 CAP/10 (it gets what A leaves)                  -> b
 *   A asks for 4 CAP/10 from its snapshot, stale by B's growth,
 *   now past what A's guard allows B                             -> a2
 *
 * and prints, for the test to judge, the share each call got and the
 * HTTP requests it took: "a1 HELD REQS", "b HELD REQS", "a2 HELD REQS".
 *
 * "uneven", with a third host C, where one share is far above the others
 * (so no bound common to all the others fits, and each gets its own):
 *
 *   B takes 3 CAP/5, C takes CAP/20, A takes CAP/20, C grows to CAP/10;
 *   A grows to 3 CAP/20 from its snapshot, stale by C's growth       -> u1
 *   C asks 3 CAP/10 from its snapshot, stale by A's growth past the
 *   bound C's guard gives A; it gets what is left                    -> c2
 *
 * "many", 20 hosts M0..M19, more than a guard lists one by one, so the
 * bound is one for all the others (at most what the cap leaves them, in
 * equal parts), or failing that the MOD guard:
 *
 *   M1..M19 take CAP/25 each, then M0; M2 grows to 9 CAP/200;
 *   M0 grows to CAP/20 from its snapshot, stale by M2's growth       -> m1
 *   M1 grows to CAP/5;
 *   M0 asks CAP/10 from its snapshot, stale by M1's growth past the
 *   common bound; it gets what is left                               -> m2
 *
 *   ledger-guard CONF CAP [uneven | many]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcd.h"
#include "ledger_sim.h"

static int ask(struct ledger *l, const char *name, uint64_t want,
	       bool print)
{
	struct ledger_req req = { .cluster_id = "", .want = want };
	struct ledger_res res;
	uint64_t r0 = etcd_requests();
	char err[512] = "";

	if (ledger_etcd_ops.reserve(l, &req, &res, err, sizeof(err))) {
		fprintf(stderr, "ledger-guard: %s: %s\n", name, err);
		return 1;
	}
	if (print)
		printf("%s %llu %llu\n", name, (unsigned long long)res.held,
		       (unsigned long long)(etcd_requests() - r0));
	return 0;
}

#define MANY 20

/* The "many" steps: see the top of the file. */
static int run_many(struct tppgated_config *c, struct etcd *e, uint64_t cap)
{
	struct ledger *m[MANY] = { NULL };
	char err[512] = "";
	uint64_t rev;
	int i, ret = 1;

	for (i = 0; i < MANY; i++) {
		snprintf(c->host, sizeof(c->host), "guard-m%02d", i);
		if (ledger_etcd_open_lib(&m[i], c, e, err, sizeof(err))) {
			fprintf(stderr, "ledger-guard: %s\n", err);
			goto out;
		}
	}
	if (sim_policy_rev(e, c->etcd.cluster, &rev, err, sizeof(err))) {
		fprintf(stderr, "ledger-guard: %s\n", err);
		goto out;
	}
	for (i = 0; i < MANY; i++)
		ledger_etcd_policy_seen(m[i], rev);
	for (i = 1; i < MANY; i++)
		if (ask(m[i], "mi", cap / 25, false))
			goto out;
	if (!ask(m[0], "m0", cap / 25, false) && !ask(m[2], "m2", 9 * cap / 200, false) &&
	    !ask(m[0], "m1", cap / 20, true) && !ask(m[1], "m1", cap / 5, false) &&
	    !ask(m[0], "m2", cap / 10, true))
		ret = 0;
out:
	for (i = 0; i < MANY; i++)
		if (m[i])
			ledger_etcd_ops.close(m[i]);
	etcd_close(e);
	return ret;
}

int main(int argc, char **argv)
{
	struct tppgated_config c;
	struct ledger *a = NULL, *b = NULL, *c3 = NULL;
	struct etcd *e;
	char err[512];
	uint64_t cap, rev;
	int ret = 1;

	bool uneven = argc == 4 && !strcmp(argv[3], "uneven");
	bool many = argc == 4 && !strcmp(argv[3], "many");

	if (argc != 3 && !uneven && !many) {
		fprintf(stderr, "usage: ledger-guard CONF CAP [uneven | many]\n");
		return 2;
	}
	if (tppgated_config_load(argv[1], false, &c, err, sizeof(err))) {
		fprintf(stderr, "ledger-guard: %s\n", err);
		return 1;
	}
	tppgated_log_level(3);
	cap = strtoull(argv[2], NULL, 10);
	if (etcd_open(&e, &c.etcd, 0, err, sizeof(err))) {
		fprintf(stderr, "ledger-guard: %s\n", err);
		return 1;
	}
	if (many)
		return run_many(&c, e, cap);
	snprintf(c.host, sizeof(c.host), "guard-a");
	if (ledger_etcd_open_lib(&a, &c, e, err, sizeof(err)))
		goto out;
	snprintf(c.host, sizeof(c.host), "guard-b");
	if (ledger_etcd_open_lib(&b, &c, e, err, sizeof(err)))
		goto out;
	snprintf(c.host, sizeof(c.host), "guard-c");
	if (ledger_etcd_open_lib(&c3, &c, e, err, sizeof(err)))
		goto out;
	if (sim_policy_rev(e, c.etcd.cluster, &rev, err, sizeof(err)))
		goto out;
	/* As a daemon's watch would: its snapshot cache is used under it. */
	ledger_etcd_policy_seen(a, rev);
	ledger_etcd_policy_seen(b, rev);
	ledger_etcd_policy_seen(c3, rev);
	if (uneven) {
		if (!ask(b, "b0", 3 * cap / 5, false) && !ask(c3, "c0", cap / 20, false) &&
		    !ask(a, "a0", cap / 20, false) && !ask(c3, "c1", cap / 10, false) &&
		    !ask(a, "u1", 3 * cap / 20, true) && !ask(c3, "c2", 3 * cap / 10, true))
			ret = 0;
		goto out_close;
	}
	if (ask(b, "b0", cap / 10, false) || ask(a, "a0", cap / 10, false) ||
	    ask(b, "b1", cap / 5, false) || ask(a, "a1", 3 * cap / 10, true) ||
	    ask(b, "b", 8 * cap / 10, true) || ask(a, "a2", 4 * cap / 10, true))
		goto out_close;
	ret = 0;
	goto out_close;
out:
	fprintf(stderr, "ledger-guard: %s\n", err);
out_close:
	if (a)
		ledger_etcd_ops.close(a);
	if (b)
		ledger_etcd_ops.close(b);
	if (c3)
		ledger_etcd_ops.close(c3);
	etcd_close(e);
	return ret;
}
