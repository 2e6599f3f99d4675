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

void test_cluster(void)
{
	config();
	helpers();
	audit();
}
