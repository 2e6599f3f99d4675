// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster ledger's pure parts: the [etcd] configuration and its rules,
 * endpoint lists, the base64 and 64-bit helpers of the gateway client, and
 * the auditor's bookkeeping (tppctl cluster audit).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"
#include "cluster.h"
#include "unit.h"

static int parse(const char *text, struct tppgated_config *c, char *err)
{
	return tppgated_config_parse(text, "t.conf", c, err, TPPGATED_ERR_LEN);
}

#define ETCD_OK "[grant]\nlease = 4\nretry = 1\n[ledger]\nbackend = etcd\nlease = 10\n" \
		"[etcd]\nendpoints = http://127.0.0.1:2379, https://10.0.0.2:2379\n" \
		"cluster = rack-7\ntimeout = 1000\n"

static void config(void)
{
	struct tppgated_config c, before;
	char err[TPPGATED_ERR_LEN];

	is_int(parse(ETCD_OK "cacert = /ca.pem\ncert = /c.pem\nkey = /k.pem\n"
		     "user = node17\npassword_file = /pw\n", &c, err), 0,
	       "etcd config: every key");
	ok(!strcmp(c.ledger, "etcd") && !strcmp(c.etcd.cluster, "rack-7") &&
	   !strcmp(c.etcd.cacert, "/ca.pem") && !strcmp(c.etcd.user, "node17") &&
	   !strcmp(c.etcd.password_file, "/pw") && c.etcd.timeout_ms == 1000 &&
	   strstr(c.etcd.endpoints, "https://10.0.0.2:2379"),
	   "etcd config: every key is taken");
	before = c;
	is_int(parse("[ledger]\nbackend = etcd\n[etcd]\nendpoints = http://a:1\n",
		     &c, err), -EINVAL, "etcd config: no cluster is an error");
	is_str(err, "t.conf: [ledger] backend = etcd needs [etcd] endpoints and cluster",
	       "etcd config: and says what is missing");
	ok(!memcmp(&c, &before, sizeof(c)), "etcd config: a refused file changes nothing");
	is_int(parse(ETCD_OK "endpoints = 127.0.0.1:2379\n", &c, err), -EINVAL,
	       "etcd config: an endpoint without a scheme");
	is_str(err, "t.conf:11: endpoint '127.0.0.1:2379' is not http(s)://HOST:PORT",
	       "etcd config: named, with its line");
	is_int(parse(ETCD_OK "endpoints = http://a:1,,http://b:2\n", &c, err), -EINVAL,
	       "etcd config: an empty endpoint in the list");
	is_int(parse(ETCD_OK "cluster = a/b\n", &c, err), -EINVAL,
	       "etcd config: a cluster name with a slash (it would escape the prefix)");
	is_int(parse(ETCD_OK "cluster = ..\n", &c, err), -EINVAL,
	       "etcd config: the cluster name ..");
	is_int(parse(ETCD_OK "cert = /c.pem\n", &c, err), -EINVAL,
	       "etcd config: cert without key");
	is_int(parse(ETCD_OK "user = u\n", &c, err), -EINVAL,
	       "etcd config: user without password_file");
	is_int(parse(ETCD_OK "cacert = ca.pem\n", &c, err), -EINVAL,
	       "etcd config: a relative path");
	is_int(parse(ETCD_OK "timeout = 50\n", &c, err), -EINVAL,
	       "etcd config: a timeout under 100 ms");
	is_int(parse(ETCD_OK "bogus = 1\n", &c, err), -EINVAL,
	       "etcd config: an unknown key in [etcd]");
	is_str(err, "t.conf:11: unknown key 'bogus' in [etcd]", "etcd config: named");
	is_int(parse("[grant]\nlease = 4\n[ledger]\nbackend = etcd\nlease = 9\n"
		     "[etcd]\nendpoints = http://a:1\ncluster = c\ntimeout = 1000\n",
		     &c, err), -EINVAL, "etcd config: a ledger lease under 10 s");
	/* 5 + 1 + 1 > 2/3 of 10: a grant could outlive the lease. */
	is_int(parse("[grant]\nlease = 5\n[ledger]\nbackend = etcd\nlease = 10\n"
		     "[etcd]\nendpoints = http://a:1\ncluster = c\ntimeout = 1000\n",
		     &c, err), -EINVAL, "etcd config: the timing rule (grant 5 s, lease 10 s)");
	is_int(parse("[grant]\nlease = 4\nretry = 1\n[ledger]\nbackend = etcd\nlease = 10\n"
		     "[etcd]\nendpoints = http://a:1\ncluster = c\ntimeout = 1000\n",
		     &c, err), 0, "etcd config: grant 4 s under a 10 s lease fits");
	is_int(parse("[ledger]\nbackend = etcd\n[etcd]\nendpoints = http://a:1\ncluster = c\n",
		     &c, err), 0, "etcd config: the default leases (60 s, 120 s) fit");
}

static void helpers(void)
{
	char urls[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX], err[256];
	json_t *j = json_pack("{s:s, s:I, s:s}", "a", "2324035602284682508",
			      "b", (json_int_t)7, "c", "x");
	uint8_t *out;
	size_t len;

	is_int(etcd_parse_endpoints(" http://a:1 ,https://b:2", urls, 8, err, sizeof(err)),
	       2, "endpoints: two, spaces trimmed");
	is_str(urls[1], "https://b:2", "endpoints: the second");
	is_int(etcd_parse_endpoints("http://a:1/", urls, 8, err, sizeof(err)), -EINVAL,
	       "endpoints: a trailing slash is refused (paths are appended)");
	is_int(etcd_parse_endpoints("http://a:1,http://a:2,http://a:3", urls, 2, err,
				    sizeof(err)), -EINVAL, "endpoints: more than the maximum");
	/* Lease ids are about 2^61: a double would round this one. */
	ok(etcd_u64(j, "a") == 2324035602284682508ULL, "u64: a lease id as a string, exact");
	ok(etcd_u64(j, "b") == 7 && etcd_u64(j, "c") == 0 && etcd_u64(j, "none") == 0,
	   "u64: a number; not a number and absent are 0");
	json_decref(j);
	j = etcd_b64s("/tppgate/c1/nodes/h1");
	is_str(json_string_value(j), "L3RwcGdhdGUvYzEvbm9kZXMvaDE=", "base64 of a key");
	is_int(etcd_unb64(json_string_value(j), &out, &len), 0, "base64 decodes");
	ok(len == 20 && !memcmp(out, "/tppgate/c1/nodes/h1", 20), "base64: round trip");
	free(out);
	json_decref(j);
	is_int(etcd_unb64("abc", &out, &len), -EPROTO, "base64: a length not a multiple of 4");
	j = etcd_prefix_end("/tppgate/c1/nodes/");
	is_int(etcd_unb64(json_string_value(j), &out, &len), 0, "range end decodes");
	is_str((char *)out, "/tppgate/c1/nodes0", "range end: the last byte plus one");
	free(out);
	json_decref(j);
	ok(tppctl_node_tpp("{\"tpp\": 700, \"serial\": 3}", 25, NULL) == 700,
	   "node value: its share");
	ok(tppctl_node_tpp("garbage", 7, NULL) == 0 &&
	   tppctl_node_tpp("{\"tpp\": -5}", 11, NULL) == 0,
	   "node value: garbage and negative count as 0");
}

static void audit(void)
{
	struct audit a;

	audit_init(&a);
	audit_policy(&a, 2, false, true, 1000, 1);
	audit_node(&a, 3, "/n/a", false, 600);
	audit_node(&a, 4, "/n/b", false, 400);
	/* One revision (a txn) may carry several changes: checked together. */
	audit_node(&a, 5, "/n/a", false, 300);
	audit_node(&a, 5, "/n/b", false, 700);
	audit_close_rev(&a);
	ok(a.revisions == 4 && a.max_sum == 1000 && !a.violations && !a.over_revisions,
	   "audit: up to the cap, no violation");
	audit_policy(&a, 6, false, true, 500, 2);
	audit_node(&a, 7, "/n/a", false, 200);
	audit_node(&a, 8, "/n/b", true, 0);
	audit_close_rev(&a);
	ok(!a.violations && a.over_revisions == 2 && a.last_over == 7,
	   "audit: over a lowered cap while shares shrink is not a violation");
	audit_node(&a, 9, "/n/c", false, 301);
	audit_close_rev(&a);
	ok(a.violations == 1 && a.first_violation == 9 &&
	   a.first_violation_sum == 501 && a.first_violation_cap == 500 &&
	   !strcmp(a.first_violation_key, "/n/c"),
	   "audit: a share raised over the cap is named with its revision");
	is_int(audit_node(&a, 8, "/n/c", false, 1), -EINVAL,
	       "audit: a revision out of order is refused");
	audit_free(&a);

	audit_init(&a);
	audit_node(&a, 3, "/n/a", false, 1);
	audit_close_rev(&a);
	ok(a.violations == 1, "audit: a share without any policy in etcd is a violation");
	audit_free(&a);
}

/* The sharded ledger's arithmetic (shard.c), with hand-computed values. */
static void shards(void)
{
	uint64_t d[4] = { 100, 500, 0, 700 }, f[4], w[4];
	struct shard_view v;
	uint8_t low[(SHARDS_MAX + 7) / 8];
	struct tppgated_config c;
	char err[TPPGATED_ERR_LEN];

	is_int(parse(ETCD_OK "shards = 16\n", &c, err), 0, "etcd config: shards = 16");
	ok(c.etcd.shards == 16, "etcd config: shards taken");
	is_int(parse(ETCD_OK, &c, err), 0, "etcd config: no shards key");
	ok(c.etcd.shards == 1, "etcd config: one shard by default (the flat layout)");
	is_int(parse(ETCD_OK "shards = 0\n", &c, err), -EINVAL, "etcd config: shards = 0 is refused");
	is_int(parse(ETCD_OK "shards = 101\n", &c, err), -EINVAL,
	       "etcd config: more shards than a bootstrap can write is refused");
	/* 3 shards of 333333 under a cap of 1000: 333 each, 999 in all. */
	ok(shard_subcap(1000, 333333) == 333 && shard_subcap(1000, SHARD_WEIGHT) == 1000,
	   "sub-cap: floor(C * w / 1e6)");
	ok(shard_subcap(UINT64_MAX, SHARD_WEIGHT) == UINT64_MAX,
	   "sub-cap: no overflow at the largest cap");
	/* 333 of 1000 needs 333000; 334 needs 334000. */
	ok(shard_weight_for(1000, 333) == 333000 && shard_weight_for(1000, 0) == 0 &&
	   shard_weight_for(1000, 5000) == SHARD_WEIGHT && shard_weight_for(3, 1) == 333334,
	   "weight for a sub-cap: the least that gives it");
	ok(shard_subcap(3, shard_weight_for(3, 1)) == 1, "weight for a sub-cap: round trip");
	/* 1000 over demands 100, 500, 0, 700: 100, then 450 each for the two left. */
	shard_maxmin(1000, d, 4, f);
	ok(f[0] == 100 && f[1] == 450 && f[2] == 0 && f[3] == 450, "max-min: 100, 450, 0, 450");
	shard_maxmin(2000, d, 4, f);
	ok(f[0] == 100 && f[1] == 500 && f[2] == 0 && f[3] == 700,
	   "max-min: enough for all: every demand");
	ok(shard_of("h1", 4) == shard_of("h1", 4) && shard_of("h1", 1) == 0,
	   "shard of a host: deterministic; one shard is shard 0");
	/*
	 * Cap 1000 in 4 shards of 250. Shard 0 wants 1000; shard 1 holds
	 * 200 and wants 200; shards 2 and 3 are idle. Fair: 800, 200, 0, 0.
	 */
	memset(&v, 0, sizeof(v));
	v.w[0] = v.w[1] = v.w[2] = v.w[3] = 250000;
	v.held[0] = 250;
	v.held[1] = 200;
	v.demand[0] = 1000;
	v.demand[1] = 200;
	ok(shard_rebalance(1000, 4, 0, &v, false, w, low), "rebalance: shard 0 gains");
	ok(w[0] == 800000 && w[1] == 200000 && w[2] == 0 && w[3] == 0,
	   "rebalance: 800 to shard 0, shard 1 keeps its 200, the idle give all");
	ok(low[0] == 0x0e, "rebalance: shards 1, 2, 3 lowered (their keys are compared)");
	/* Shard 1 holds 240, over its fair 200: lowered to 240, not under. */
	v.held[1] = 240;
	shard_rebalance(1000, 4, 0, &v, false, w, low);
	ok(w[0] == 760000 && w[1] == 240000,
	   "rebalance: a shard is never lowered under what it holds");
	shard_rebalance(1000, 4, 0, &v, true, w, low);
	ok(w[1] == 200000, "rebalance: the test-only broken rule does lower it");
	v.w[0] = 760000;
	v.w[1] = 240000;
	v.w[2] = v.w[3] = 0;
	ok(!shard_rebalance(1000, 4, 0, &v, false, w, low), "rebalance: nothing to move");
	/* Unassigned weight goes first, lowering no one. */
	v.w[0] = 100000;
	ok(shard_rebalance(1000, 4, 0, &v, false, w, low) && w[0] == 760000 &&
	   w[1] == 240000 && !low[0], "rebalance: unassigned weight first, no one lowered");
}

static void audit_shards(void)
{
	struct audit a;

	audit_init(&a);
	audit_policy(&a, 2, false, true, 1000, 1);
	audit_weight(&a, 3, 0, false, 500000);
	audit_weight(&a, 3, 1, false, 500000);
	audit_shard_node(&a, 4, "/s/0/a", 0, false, 500);
	audit_shard_node(&a, 5, "/s/1/b", 1, false, 400);
	audit_close_rev(&a);
	ok(!a.violations && a.max_sum == 900, "audit shards: each shard under its sub-cap");
	/* A rebalance: 100 moved from shard 1 (holding 400) to shard 0. */
	audit_weight(&a, 6, 0, false, 400000);
	audit_weight(&a, 6, 1, false, 600000);
	audit_close_rev(&a);
	ok(a.violations == 1 && a.first_violation == 6 &&
	   strstr(a.first_violation_what, "shard 0: its sub-cap lowered to 400 under the 500"),
	   "audit shards: a sub-cap lowered under its shard's holding is named");
	audit_free(&a);

	audit_init(&a);
	audit_policy(&a, 2, false, true, 1000, 1);
	audit_weight(&a, 3, 0, false, 300000);
	audit_weight(&a, 3, 1, false, 700000);
	audit_shard_node(&a, 4, "/s/0/a", 0, false, 301);
	audit_close_rev(&a);
	ok(a.violations == 1 && a.first_violation == 4 &&
	   strstr(a.first_violation_what, "shard 0: a share raised to 301") &&
	   a.first_violation_sum == 301,
	   "audit shards: a share raised over its sub-cap, the sum under the cap");
	audit_free(&a);

	audit_init(&a);
	audit_policy(&a, 2, false, true, 1000, 1);
	audit_weight(&a, 3, 0, false, 600000);
	audit_weight(&a, 3, 1, false, 500000);
	audit_close_rev(&a);
	ok(a.violations == 1 && strstr(a.first_violation_what, "the weights sum to 1100000"),
	   "audit shards: weights summing past the whole");
	audit_free(&a);

	/* A lowered cap: shard 0 over its new sub-cap, shrinking: not a violation. */
	audit_init(&a);
	audit_policy(&a, 2, false, true, 1000, 1);
	audit_weight(&a, 3, 0, false, 500000);
	audit_weight(&a, 3, 1, false, 500000);
	audit_shard_node(&a, 4, "/s/0/a", 0, false, 500);
	audit_policy(&a, 5, false, true, 600, 2);
	audit_shard_node(&a, 6, "/s/0/a", 0, false, 300);
	audit_close_rev(&a);
	ok(!a.violations && a.over_revisions == 1 && a.last_over == 5,
	   "audit shards: a shard over a lowered sub-cap while it shrinks is not a violation");
	audit_free(&a);
}

void test_cluster(void)
{
	config();
	helpers();
	audit();
	shards();
	audit_shards();
}
