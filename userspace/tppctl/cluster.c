// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl cluster status: every host's share, its lease and the policy
 * serial it has in force, their sum against the cap of the stored policy.
 * tppctl cluster audit: replays every revision under the cluster prefix
 * from --from to --until (default: now) and proves that no share was ever
 * raised above the cap, or names the first revision where one was; with
 * shards, also that no shard went over its sub-cap and that the sub-caps
 * never summed past the cap (see cluster.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"
#include "cluster.h"

static int policy_of(const char *b64, bool *has_cap, uint64_t *cap,
		     uint64_t *serial)
{
	struct tppgate_policy_src p;
	const void *blob, *sig;
	size_t len, blen, slen;
	uint8_t *file;
	char msg[128];
	int ret;

	*has_cap = false;
	*cap = *serial = 0;
	ret = etcd_unb64(b64 ? b64 : "", &file, &len);
	if (ret)
		return ret;
	ret = tppgate_file_split(file, len, &blob, &blen, &sig, &slen);
	if (!ret)
		ret = tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg));
	if (!ret) {
		*has_cap = p.has_cluster_cap;
		*cap = p.cluster_cap;
		*serial = p.serial;
		tppgate_policy_free(&p);
	}
	free(file);
	return ret;
}

static const char *unb64_key(const char *b64, char *buf, size_t len)
{
	uint8_t *k;
	size_t n;

	if (!b64 || etcd_unb64(b64, &k, &n)) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf, len, "%s", (char *)k);
	free(k);
	return buf;
}

static uint64_t node_value(json_t *kv, uint64_t *serial)
{
	const char *v = json_string_value(json_object_get(kv, "value"));
	uint8_t *val;
	size_t n;
	uint64_t t;

	*serial = 0;
	if (!v || etcd_unb64(v, &val, &n))
		return 0;
	t = tppctl_node_tpp((char *)val, n, serial);
	free(val);
	return t;
}

enum key_kind { K_OTHER, K_POLICY, K_NODE, K_CAP };

/*
 * What @k is: the policy, a host's key (flat: *@shard = -1; sharded,
 * /tppgate/<cluster>/shards/<t>/<host>: t, and *@host its name) or shard
 * t's caps key /tppgate/<cluster>/caps/<t>.
 */
static enum key_kind classify(const struct tppctl_etcd *te, const char *k,
			      int *shard, const char **host)
{
	size_t pl = strlen(te->prefix);
	unsigned long t;
	char *end;

	*shard = -1;
	*host = NULL;
	if (!strcmp(k, te->policy))
		return K_POLICY;
	if (!strncmp(k, te->nodes, strlen(te->nodes))) {
		*host = k + strlen(te->nodes);
		return K_NODE;
	}
	if (strncmp(k, te->prefix, pl))
		return K_OTHER;
	k += pl;
	if (!strncmp(k, "caps/", 5) && k[5] >= '0' && k[5] <= '9') {
		t = strtoul(k + 5, &end, 10);
		if (*end || t >= SHARDS_MAX)
			return K_OTHER;
		*shard = (int)t;
		return K_CAP;
	}
	if (!strncmp(k, "shards/", 7) && k[7] >= '0' && k[7] <= '9') {
		t = strtoul(k + 7, &end, 10);
		if (*end != '/' || !end[1] || t >= SHARDS_MAX)
			return K_OTHER;
		*shard = (int)t;
		*host = end + 1;
		return K_NODE;
	}
	return K_OTHER;
}

/* A caps key's weight; 0 if it is not one. */
static uint64_t cap_weight(json_t *kv, uint64_t *ok_rev)
{
	const char *v = json_string_value(json_object_get(kv, "value"));
	json_t *j, *w;
	uint8_t *val;
	uint64_t r = 0;
	size_t n;

	*ok_rev = 0;
	if (!v || etcd_unb64(v, &val, &n))
		return 0;
	j = json_loadb((char *)val, n, 0, NULL);
	w = json_object_get(j, "w");
	if (json_is_integer(w) && json_integer_value(w) > 0)
		r = (uint64_t)json_integer_value(w);
	*ok_rev = etcd_u64(j, "ok");
	json_decref(j);
	free(val);
	return r;
}

static const char *const common_usage =
	"  --config FILE       tppgated.conf with the [etcd] section (default /etc/tppgate/tppgated.conf)\n"
	"  --endpoints URLS    etcd endpoints, comma-separated (over the config)\n"
	"  --cluster NAME      the cluster (over the config)\n";

static int cluster_status(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const char *config = NULL, *endpoints = NULL, *cluster = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--config", "FILE", &config, NULL },
		{ NULL, "--endpoints", "URLS", &endpoints, NULL },
		{ NULL, "--cluster", "NAME", &cluster, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	char usage[1024], err[TPPGATED_ERR_LEN], key[200];
	struct tppctl_etcd te;
	struct tppctl_parsed a;
	json_t *r = NULL, *kv, *hosts, *shards, *pol = json_null();
	uint64_t sum = 0, cap = 0, pserial = 0, rev, policy_rev = 0;
	uint64_t w[SHARDS_MAX] = { 0 }, held[SHARDS_MAX] = { 0 }, ok_rev[SHARDS_MAX] = { 0 };
	bool has_w[SHARDS_MAX] = { false };
	const char *host;
	int shard;
	bool has_cap = false;
	size_t i;
	int ret;

	snprintf(usage, sizeof(usage),
		 "usage: tppctl cluster status [-j] [--config FILE] [--endpoints URLS] [--cluster NAME]\n%s",
		 common_usage);
	ret = tppctl_parse_opts(argc, argv, "cluster status", opts, 0, 0, usage,
				&a, ctx->err);
	if (ret || a.help)
		return ret;
	ret = tppctl_etcd_open(ctx, "cluster status", config, endpoints, cluster, &te);
	if (ret)
		return ret;
	ret = etcd_post(te.e, "/v3/kv/range",
			json_pack("{s:o, s:o}", "key", etcd_b64s(te.prefix),
				  "range_end", etcd_prefix_end(te.prefix)),
			&r, err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: cluster status: %s\n", err);
		etcd_close(te.e);
		return ret;
	}
	rev = etcd_u64(json_object_get(r, "header"), "revision");
	hosts = json_array();
	json_array_foreach(json_object_get(r, "kvs"), i, kv) {
		const char *k = unb64_key(json_string_value(json_object_get(kv, "key")),
					  key, sizeof(key));
		uint64_t lease = etcd_u64(kv, "lease"), ttl = 0, serial, tpp;
		char id[24];

		enum key_kind kind = classify(&te, k, &shard, &host);

		if (kind == K_POLICY) {
			policy_of(json_string_value(json_object_get(kv, "value")),
				  &has_cap, &cap, &pserial);
			pol = json_pack("{s:o, s:o, s:o}", "serial", tppctl_u64_json(pserial),
					"cluster_cap", has_cap ? tppctl_u64_json(cap) : json_null(),
					"revision", tppctl_u64_json(etcd_u64(kv, "mod_revision")));
			policy_rev = etcd_u64(kv, "mod_revision");
			continue;
		}
		if (kind == K_CAP) {
			w[shard] = cap_weight(kv, &ok_rev[shard]);
			has_w[shard] = true;
			continue;
		}
		if (kind != K_NODE)
			continue;
		tpp = node_value(kv, &serial);
		sum += tpp;
		if (shard >= 0)
			held[shard] += tpp;
		if (lease) {
			json_t *t = NULL;

			if (!etcd_post(te.e, "/v3/lease/timetolive",
				       json_pack("{s:o}", "ID", etcd_u64_json(lease)),
				       &t, err, sizeof(err)))
				ttl = etcd_u64(t, "TTL");
			json_decref(t);
		}
		snprintf(id, sizeof(id), "%" PRIx64, lease);
		json_array_append_new(hosts, json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:i}",
			"host", host, "tpp", tppctl_u64_json(tpp),
			"serial", tppctl_u64_json(serial), "lease", id,
			"lease_ttl", tppctl_u64_json(ttl),
			"revision", tppctl_u64_json(etcd_u64(kv, "mod_revision")),
			"shard", shard));
	}
	json_decref(r);
	etcd_close(te.e);
	shards = json_array();
	for (i = 0; i < SHARDS_MAX; i++) {
		if (!has_w[i] && !held[i])
			continue;
		json_array_append_new(shards, json_pack("{s:i, s:o, s:o, s:o, s:b}",
			"shard", (int)i, "weight", tppctl_u64_json(w[i]),
			"sub_cap", tppctl_u64_json(has_cap ? shard_subcap(cap, w[i]) : 0),
			"held", tppctl_u64_json(held[i]),
			"certified", has_w[i] && ok_rev[i] == policy_rev));
	}
	if (ctx->json || a.json)
		return tppctl_print_json(ctx, json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:o}",
			"cluster", te.cluster, "revision", tppctl_u64_json(rev),
			"policy", pol, "sum", tppctl_u64_json(sum),
			"over_cap", has_cap ? sum > cap : sum > 0, "hosts", hosts,
			"shards", shards));
	fprintf(ctx->out, "cluster %s at revision %" PRIu64 "\n", te.cluster, rev);
	if (json_is_object(pol) && has_cap)
		fprintf(ctx->out, "policy serial %" PRIu64 ", cluster cap %" PRIu64 "\n",
			pserial, cap);
	else if (json_is_object(pol))
		fprintf(ctx->out, "policy serial %" PRIu64 ", no cluster cap\n", pserial);
	else
		fprintf(ctx->out, "no policy pushed\n");
	if (has_cap)
		fprintf(ctx->out, "sum %" PRIu64 " of cap %" PRIu64 "%s\n", sum, cap,
			sum > cap ? " (OVER)" : "");
	json_array_foreach(shards, i, kv)
		fprintf(ctx->out, "shard %" JSON_INTEGER_FORMAT ": sum %" JSON_INTEGER_FORMAT
			" of sub-cap %" JSON_INTEGER_FORMAT " (weight %" JSON_INTEGER_FORMAT "%s)\n",
			json_integer_value(json_object_get(kv, "shard")),
			json_integer_value(json_object_get(kv, "held")),
			json_integer_value(json_object_get(kv, "sub_cap")),
			json_integer_value(json_object_get(kv, "weight")),
			json_is_true(json_object_get(kv, "certified")) ? "" : ", not certified");
	json_decref(shards);
	fprintf(ctx->out, "%-24s %10s %8s %18s %6s\n", "HOST", "TPP", "SERIAL",
		"LEASE", "TTL");
	json_array_foreach(hosts, i, kv)
		fprintf(ctx->out, "%-24s %10" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT " %18s %6" JSON_INTEGER_FORMAT "\n",
			json_string_value(json_object_get(kv, "host")),
			json_integer_value(json_object_get(kv, "tpp")),
			json_integer_value(json_object_get(kv, "serial")),
			json_string_value(json_object_get(kv, "lease")),
			json_integer_value(json_object_get(kv, "lease_ttl")));
	json_decref(hosts);
	json_decref(pol);
	return 0;
}

struct replay {
	struct audit a;
	struct tppctl_etcd *te;
	uint64_t until, last;
	int err;
	char msg[256];
};

/* @at: the revision to file the change under (0: its own mod_revision). */
static void apply_kv(struct replay *rp, json_t *kv, bool deleted, uint64_t at)
{
	char key[200];
	const char *k = unb64_key(json_string_value(json_object_get(kv, "key")),
				  key, sizeof(key));
	uint64_t rev = at ? at : etcd_u64(kv, "mod_revision"), serial, cap;
	const char *host;
	bool has_cap;
	int ret = 0, shard;

	enum key_kind kind = classify(rp->te, k, &shard, &host);

	if (kind == K_POLICY) {
		policy_of(json_string_value(json_object_get(kv, "value")),
			  &has_cap, &cap, &serial);
		ret = audit_policy(&rp->a, rev, deleted, has_cap, cap, serial);
	} else if (kind == K_NODE) {
		ret = audit_shard_node(&rp->a, rev, k, shard, deleted,
				       deleted ? 0 : node_value(kv, &serial));
	} else if (kind == K_CAP) {
		ret = audit_weight(&rp->a, rev, (unsigned int)shard, deleted,
				   deleted ? 0 : cap_weight(kv, &serial));
	}
	if (ret && !rp->err) {
		rp->err = ret;
		snprintf(rp->msg, sizeof(rp->msg), "revision %" PRIu64 " out of order", rev);
	}
}

static int on_event(json_t *msg, void *arg)
{
	struct replay *rp = arg;
	json_t *res = json_object_get(msg, "result"), *ev;
	size_t i;

	if (!res) {
		rp->err = -EPROTO;
		snprintf(rp->msg, sizeof(rp->msg), "watch: %s",
			 json_string_value(json_object_get(json_object_get(msg, "error"),
							   "message")) ?: "an error");
		return 1;
	}
	if (etcd_u64(res, "compact_revision")) {
		rp->err = -ENODATA;
		snprintf(rp->msg, sizeof(rp->msg),
			 "revisions up to %" PRIu64 " were compacted: audit from a later one",
			 etcd_u64(res, "compact_revision"));
		return 1;
	}
	json_array_foreach(json_object_get(res, "events"), i, ev) {
		json_t *kv = json_object_get(ev, "kv");
		uint64_t rev = etcd_u64(kv, "mod_revision");

		if (rev > rp->until)
			return 1;
		/* Deletions are the only events with a "type" (PUT is 0). */
		apply_kv(rp, kv, json_is_string(json_object_get(ev, "type")), 0);
		rp->last = rev;
	}
	return rp->last >= rp->until || rp->err;
}

static int cluster_audit(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const char *config = NULL, *endpoints = NULL, *cluster = NULL;
	const char *from_s = NULL, *until_s = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--config", "FILE", &config, NULL },
		{ NULL, "--endpoints", "URLS", &endpoints, NULL },
		{ NULL, "--cluster", "NAME", &cluster, NULL },
		{ NULL, "--from", "REV", &from_s, NULL },
		{ NULL, "--until", "REV", &until_s, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	char usage[1024], err[TPPGATED_ERR_LEN];
	struct tppctl_etcd te;
	struct tppctl_parsed a;
	struct replay rp;
	uint64_t from = 1, now;
	json_t *r = NULL, *kv;
	char *end;
	size_t i;
	int ret;

	snprintf(usage, sizeof(usage),
		 "usage: tppctl cluster audit [-j] [--from REV] [--until REV] [--config FILE] [--endpoints URLS] [--cluster NAME]\n"
		 "  Replays every revision from REV (default 1) to --until (default: now)\n"
		 "  and proves that no share was raised over the cap, or names where one was.\n%s",
		 common_usage);
	ret = tppctl_parse_opts(argc, argv, "cluster audit", opts, 0, 0, usage,
				&a, ctx->err);
	if (ret || a.help)
		return ret;
	memset(&rp, 0, sizeof(rp));
	if (from_s) {
		errno = 0;
		from = strtoull(from_s, &end, 10);
		if (errno || *end || !from || from_s[0] == '-') {
			fprintf(ctx->err, "tppctl: cluster audit: --from: '%.32s' is not a revision (1 or more)\n",
				from_s);
			return -TPPCTL_EUSAGE;
		}
	}
	if (until_s) {
		errno = 0;
		rp.until = strtoull(until_s, &end, 10);
		if (errno || *end || !rp.until || until_s[0] == '-' || rp.until < from) {
			fprintf(ctx->err, "tppctl: cluster audit: --until: '%.32s' is not a revision at or after --from\n",
				until_s);
			return -TPPCTL_EUSAGE;
		}
	}
	ret = tppctl_etcd_open(ctx, "cluster audit", config, endpoints, cluster, &te);
	if (ret)
		return ret;
	rp.te = &te;
	audit_init(&rp.a);
	/* The state before @from, then every change from it on. */
	ret = etcd_post(te.e, "/v3/kv/range",
			from > 1 ? json_pack("{s:o, s:o, s:o}", "key", etcd_b64s(te.prefix),
					     "range_end", etcd_prefix_end(te.prefix),
					     "revision", etcd_u64_json(from - 1)) :
				   json_pack("{s:o, s:o, s:b}", "key", etcd_b64s(te.prefix),
					     "range_end", etcd_prefix_end(te.prefix),
					     "count_only", 1),
			&r, err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: cluster audit: %s\n", err);
		goto out;
	}
	now = etcd_u64(json_object_get(r, "header"), "revision");
	if (!rp.until)
		rp.until = now;
	if (rp.until > now) {
		fprintf(ctx->err, "tppctl: cluster audit: --until %" PRIu64 " is after the current revision %" PRIu64 "\n",
			rp.until, now);
		ret = -EINVAL;
		goto out;
	}
	if (from > 1) {
		json_array_foreach(json_object_get(r, "kvs"), i, kv)
			apply_kv(&rp, kv, false, from - 1);
		audit_close_rev(&rp.a);
		/* The starting state is not one of the audited revisions. */
		rp.a.revisions = rp.a.max_sum = rp.a.over_revisions = rp.a.violations = 0;
		rp.a.last_over = 0;
	}
	json_decref(r);
	r = NULL;
	/*
	 * The whole keyspace is watched, not only the prefix: every revision
	 * then shows up, so the replay knows when it reached --until even
	 * when the last writes were elsewhere.
	 */
	if (from <= rp.until) {
		char zero = '\0';

		ret = etcd_stream(te.e, "/v3/watch",
				  json_pack("{s:{s:o, s:o, s:o}}", "create_request",
					    "key", etcd_b64(&zero, 1),
					    "range_end", etcd_b64(&zero, 1),
					    "start_revision", etcd_u64_json(from)),
				  on_event, &rp, NULL, err, sizeof(err));
		if (!ret && rp.err) {
			ret = rp.err;
			snprintf(err, sizeof(err), "%s", rp.msg);
		}
		if (!ret && rp.last < rp.until) {
			ret = -EIO;
			snprintf(err, sizeof(err), "the watch ended at revision %" PRIu64 " before %" PRIu64,
				 rp.last, rp.until);
		}
		if (ret) {
			fprintf(ctx->err, "tppctl: cluster audit: %s\n", err);
			goto out;
		}
	}
	audit_close_rev(&rp.a);
	if (ctx->json || a.json) {
		tppctl_print_json(ctx, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			"cluster", te.cluster, "from", tppctl_u64_json(from),
			"until", tppctl_u64_json(rp.until),
			"revisions", tppctl_u64_json(rp.a.revisions),
			"max_sum", tppctl_u64_json(rp.a.max_sum),
			"violations", tppctl_u64_json(rp.a.violations),
			"first_violation", rp.a.violations ?
				json_pack("{s:o, s:o, s:o, s:s, s:s}",
					  "revision", tppctl_u64_json(rp.a.first_violation),
					  "sum", tppctl_u64_json(rp.a.first_violation_sum),
					  "cap", tppctl_u64_json(rp.a.first_violation_cap),
					  "raised", rp.a.first_violation_key,
					  "what", rp.a.first_violation_what) : json_null(),
			"over_after_lowering", tppctl_u64_json(rp.a.over_revisions),
			"last_over", tppctl_u64_json(rp.a.last_over)));
	} else {
		fprintf(ctx->out, "cluster %s, revisions %" PRIu64 "..%" PRIu64 ": %" PRIu64
			" changed the ledger, highest sum %" PRIu64 "\n",
			te.cluster, from, rp.until, rp.a.revisions, rp.a.max_sum);
		if (rp.a.over_revisions)
			fprintf(ctx->out, "over the cap with no share raised (a lowered cap converging): %" PRIu64
				" revisions, the last %" PRIu64 "\n",
				rp.a.over_revisions, rp.a.last_over);
		if (rp.a.violations && rp.a.first_violation_what[0])
			fprintf(ctx->out, "VIOLATION at revision %" PRIu64 ": %s (sum %" PRIu64
				", cap %" PRIu64 "; %" PRIu64 " revisions in all)\n",
				rp.a.first_violation, rp.a.first_violation_what,
				rp.a.first_violation_sum, rp.a.first_violation_cap,
				rp.a.violations);
		else if (rp.a.violations)
			fprintf(ctx->out, "VIOLATION at revision %" PRIu64 ": %s raised, sum %" PRIu64
				" over cap %" PRIu64 " (%" PRIu64 " revisions in all)\n",
				rp.a.first_violation, rp.a.first_violation_key,
				rp.a.first_violation_sum, rp.a.first_violation_cap,
				rp.a.violations);
		else
			fprintf(ctx->out, "the cap held: no share was raised over it\n");
	}
	ret = rp.a.violations ? -EDOM : 0;
out:
	json_decref(r);
	audit_free(&rp.a);
	etcd_close(te.e);
	return ret;
}

int cluster_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl cluster status [-j] [OPTIONS]\n"
		"       tppctl cluster audit [-j] [--from REV] [--until REV] [OPTIONS]\n";

	if (argc >= 2 && !strcmp(argv[1], "status"))
		return cluster_status(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "audit"))
		return cluster_audit(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fprintf(ctx->out, "%s", usage);
		return 0;
	}
	fprintf(ctx->err, "%s", usage);
	return -TPPCTL_EUSAGE;
}
