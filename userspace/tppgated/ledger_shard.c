// SPDX-License-Identifier: GPL-2.0
/*
 * The sharded etcd ledger ([etcd] shards = S > 1; Documentation/cluster.rst,
 * "Shards", has the whole argument).
 *
 *   /tppgate/<cluster>/caps/<t>            {"w": W, "ok": P}, no lease
 *   /tppgate/<cluster>/shards/<t>/<host>   {"tpp": N, "want": D, "serial": S}
 *
 * Shard t's sub-cap is K_t = floor(C * w_t / SHARD_WEIGHT) under the cap C
 * of the policy in force, and the weights never sum past SHARD_WEIGHT, so
 * the sub-caps never sum past C, whatever C is. Shard t is *certified*
 * under the policy at mod_revision P when its caps key says "ok": P: it
 * was checked to hold no more than K_t under that policy, and it has held
 * no more since. A share grows only when every shard is certified under
 * the policy in force, through the flat ledger's guard applied to its own
 * shard (the other keys of the shard, the policy, and its own caps key).
 * Then every shard holds at most its sub-cap, and the sum at most C.
 *
 * Four transactions change caps keys, each from a snapshot at R:
 * - bootstrap: the caps range, every shard and the flat nodes/ range are
 *   empty; all S keys at SHARD_WEIGHT / S, certified;
 * - certify (by a host of the shard): its shard held no more than K_t at
 *   R and no key of it was written since (MOD < R+1 over the shard);
 * - fix (from a read of the whole prefix, rate-limited, run only by the
 *   host whose key sorts first in its shard: its fixer): certifies any
 *   shard under its sub-cap, and rebalances weights towards our shard by
 *   shard_rebalance(), lowering a shard only down to what it holds at R,
 *   with the MOD < R+1 compare over that shard's keys;
 * - every one also compares the policy key and (but bootstrap) that no
 *   caps key was written since R, or its own caps key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_etcd_int.h"

#define FIX_MIN_MS	1000
#define FIX_MAX_MS	8000

enum act { A_WRITE, A_GROW, A_BOOT, A_CERT, A_FIX, A_NOCAPS, A_LAYOUT };

bool ledger_shard_cap_value(const char *text, size_t len, uint64_t *w,
			    uint64_t *ok_rev)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	json_t *jw = json_object_get(j, "w");
	bool good = json_is_integer(jw) && json_integer_value(jw) >= 0 &&
		    (uint64_t)json_integer_value(jw) <= SHARD_WEIGHT;

	*w = good ? (uint64_t)json_integer_value(jw) : 0;
	*ok_rev = etcd_u64(j, "ok");
	json_decref(j);
	return good;
}

static json_t *range_of(const char *prefix)
{
	return json_pack("{s:o, s:o}", "key", etcd_b64s(prefix),
			 "range_end", etcd_prefix_end(prefix));
}

/* MOD of @key (or of every key under it, @range) against @rev. */
static json_t *cmp_mod(const char *key, bool range, const char *result,
		       uint64_t rev)
{
	json_t *c = json_pack("{s:o, s:s, s:s, s:o}", "key", etcd_b64s(key),
			      "target", "MOD", "result", result,
			      "mod_revision", etcd_u64_json(rev));

	if (range)
		json_object_set_new(c, "range_end", etcd_prefix_end(key));
	return c;
}

static void cap_key(const struct ledger *l, unsigned int t, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%s%u", l->caps, t);
}

static json_t *cap_put(const struct ledger *l, unsigned int t, uint64_t w,
		       uint64_t ok_rev)
{
	char key[200], val[96];

	cap_key(l, t, key, sizeof(key));
	snprintf(val, sizeof(val), "{\"w\": %llu, \"ok\": %llu}",
		 (unsigned long long)w, (unsigned long long)ok_rev);
	return json_pack("{s:{s:o, s:o}}", "request_put", "key", etcd_b64s(key),
			 "value", etcd_b64s(val));
}

static void shard_path(const struct ledger *l, unsigned int t, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s%u/", l->shards_prefix, t);
}

/* What a reserve reads: the policy, every caps key, our shard. */
static json_t *snap_ranges(struct ledger *l)
{
	return json_pack("[{s:{s:o}}, {s:o}, {s:o}]",
			 "request_range", "key", etcd_b64s(l->policy_key),
			 "request_range", range_of(l->caps),
			 "request_range", range_of(l->nodes));
}

/* A snapshot from a transaction's answer whose responses are snap_ranges(). */
static int parse_snap(struct ledger *l, json_t *r, struct snap *s)
{
	json_t *all = json_array(), *resp, *kv;
	size_t i, j;
	int ret;

	json_array_foreach(json_object_get(r, "responses"), i, resp)
		json_array_foreach(json_object_get(json_object_get(resp, "response_range"),
						   "kvs"), j, kv)
			json_array_append(all, kv);
	resp = json_pack("{s:o}", "kvs", all);
	ret = ledger_etcd_read_snap(l, resp,
				    etcd_u64(json_object_get(r, "header"), "revision"), s);
	json_decref(resp);
	return ret;
}

/* POSTs a transaction whose failure branch is the next snapshot. */
static int txn(struct ledger *l, json_t *cmp, json_t *success, bool *ok,
	       json_t **r, char *err, size_t errlen)
{
	int ret;

	*r = NULL;
	ret = etcd_post(l->main, "/v3/kv/txn",
			json_pack("{s:o, s:o, s:o}", "compare", cmp ? cmp : json_array(),
				  "success", success, "failure", snap_ranges(l)),
			r, err, errlen);
	*ok = !ret && json_is_true(json_object_get(*r, "succeeded"));
	return ret;
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* What to do from snapshot @s (pure). @hold: the share to write. */
static enum act decide(const struct ledger *l, const struct snap *s,
		       const struct ledger_req *req, bool may_fix, bool booted,
		       uint64_t *hold, uint64_t *cap, bool *capped)
{
	unsigned int t, me = l->shard;
	uint64_t k, want = req->want;
	bool fixer;

	*capped = ledger_etcd_eff_cap(s, req, cap);
	*hold = want < s->mine ? want : s->mine;
	if (!s->has_policy)
		return A_WRITE;
	if (!*capped) {
		*hold = want;
		return A_WRITE;
	}
	if (!s->caps_n)
		return booted ? A_NOCAPS : A_BOOT;
	if (s->caps_bad || s->caps_n != l->cfg.etcd.shards)
		return A_LAYOUT;
	k = shard_subcap(*cap, s->w[me]);
	if (s->ok_rev[me] != s->policy_rev) {
		if (s->others + s->mine <= k)
			return A_CERT;
		/*
		 * Our shard holds more than its sub-cap (the cap was lowered):
		 * everyone in it above an equal share of the sub-cap shrinks.
		 */
		*hold = min3(want, s->mine, k / (s->n ? s->n : 1));
		return A_WRITE;
	}
	/* Only the shard's first host (by name) reads everything to fix. */
	fixer = !s->before;
	for (t = 0; t < l->cfg.etcd.shards; t++)
		if (s->ok_rev[t] != s->policy_rev)
			return may_fix && fixer ? A_FIX : A_WRITE;
	*hold = s->others < k ? k - s->others : 0;
	if (want < *hold)
		*hold = want;
	/*
	 * The shard wants more than its sub-cap: its fixer asks for more;
	 * so does the first of its hosts (by name) short of its demand, if
	 * we are that one: the fixer may hold all it wants and renew from
	 * its cache, never reading the others' demand.
	 */
	if (s->others_want + want > k && may_fix &&
	    (fixer || (*hold < want && !s->short_before)))
		return A_FIX;
	return *hold > s->mine ? A_GROW : A_WRITE;
}

static int bootstrap(struct ledger *l, const struct snap *s, json_t **r,
		     char *err, size_t errlen)
{
	json_t *cmp, *puts = json_array();
	char flat[200];
	unsigned int t;
	bool ok;

	snprintf(flat, sizeof(flat), "%snodes/", l->prefix);
	cmp = json_pack("[o, o, o, o]", cmp_mod(l->caps, true, "LESS", 1),
			cmp_mod(l->shards_prefix, true, "LESS", 1),
			cmp_mod(flat, true, "LESS", 1),
			cmp_mod(l->policy_key, false, "EQUAL", s->policy_rev));
	for (t = 0; t < l->cfg.etcd.shards; t++)
		json_array_append_new(puts, cap_put(l, t, SHARD_WEIGHT / l->cfg.etcd.shards,
						    s->policy_rev));
	return txn(l, cmp, puts, &ok, r, err, errlen);
}

static int certify(struct ledger *l, const struct snap *s, json_t **r,
		   char *err, size_t errlen)
{
	char key[200];
	bool ok;
	int ret;

	cap_key(l, l->shard, key, sizeof(key));
	ret = txn(l, json_pack("[o, o, o]", cmp_mod(l->nodes, true, "LESS", s->rev + 1),
			       cmp_mod(key, false, "EQUAL", s->cap_rev[l->shard]),
			       cmp_mod(l->policy_key, false, "EQUAL", s->policy_rev)),
		  json_pack("[o]", cap_put(l, l->shard, s->w[l->shard], s->policy_rev)),
		  &ok, r, err, errlen);
	if (!ret && ok)
		l->certified++;
	return ret;
}

/* One host's key under the shards prefix: its shard, share and demand. */
static int full_node(struct ledger *l, const char *key, const uint8_t *val,
		     size_t vlen, struct shard_view *v)
{
	const char *p = key + strlen(l->shards_prefix);
	unsigned long t;
	char *end;
	json_t *j;
	uint64_t tpp, want;

	t = strtoul(p, &end, 10);
	if (*p < '0' || *p > '9' || *end != '/' || t >= l->cfg.etcd.shards)
		return -EINVAL;
	j = val ? json_loadb((const char *)val, vlen, 0, NULL) : NULL;
	tpp = ledger_etcd_value_tpp(val ? (const char *)val : "", val ? vlen : 0);
	want = etcd_u64(j, "want");
	json_decref(j);
	v->held[t] += tpp;
	if (strcmp(key, l->mykey))
		v->demand[t] += want > tpp ? want : tpp;
	return 0;
}

/*
 * From one read of the whole prefix: certify every shard under its
 * sub-cap, rebalance towards ours. Return: 1 if a caps key changed, 2 if
 * someone moved first, 0 if there was nothing to do, or an error.
 */
static int fix(struct ledger *l, const struct ledger_req *req, char *err,
	       size_t errlen)
{
	uint64_t rev, cap = 0, neww[SHARDS_MAX];
	uint8_t lowered[(SHARDS_MAX + 7) / 8];
	bool touch[SHARDS_MAX] = { false }, cmpn[SHARDS_MAX] = { false }, any = false, ok;
	struct shard_view v;
	unsigned int t, shards = l->cfg.etcd.shards;
	json_t *r = NULL, *kv, *cmp, *puts;
	struct snap s;
	size_t i;
	int ret;

	ret = etcd_post(l->main, "/v3/kv/range", range_of(l->prefix), &r, err, errlen);
	if (ret)
		return ret;
	rev = etcd_u64(json_object_get(r, "header"), "revision");
	ret = ledger_etcd_read_snap(l, r, rev, &s);
	memset(&v, 0, sizeof(v));
	json_array_foreach(json_object_get(r, "kvs"), i, kv) {
		uint8_t *key = NULL, *val = NULL;
		size_t klen, vlen = 0;
		const char *b = json_string_value(json_object_get(kv, "value"));

		if (ret || etcd_unb64(json_string_value(json_object_get(kv, "key")) ?: "",
				      &key, &klen))
			break;
		if (!b || !etcd_unb64(b, &val, &vlen)) {
			if (!strncmp((char *)key, l->shards_prefix, strlen(l->shards_prefix)))
				ret = full_node(l, (char *)key, val, vlen, &v);
		}
		free(key);
		free(val);
	}
	json_decref(r);
	if (ret || !s.has_policy || s.caps_bad || s.caps_n != shards ||
	    !ledger_etcd_eff_cap(&s, req, &cap))
		return ret == -EINVAL ? 0 : ret;
	v.demand[l->shard] += req->want;
	memcpy(v.w, s.w, sizeof(v.w));
	shard_rebalance(cap, shards, l->shard, &v, l->unguarded == UNGUARDED_SHARDS,
			neww, lowered);
	cmp = json_pack("[o, o]", cmp_mod(l->caps, true, "LESS", rev + 1),
			cmp_mod(l->policy_key, false, "EQUAL", s.policy_rev));
	puts = json_array();
	for (t = 0; t < shards; t++) {
		bool cert = s.ok_rev[t] != s.policy_rev &&
			    v.held[t] <= shard_subcap(cap, neww[t]);

		touch[t] = cert || neww[t] != s.w[t];
		/* A lowered shard, or one certified now: its keys as at R. */
		cmpn[t] = cert || (lowered[t / 8] & (1 << (t % 8)) &&
				   l->unguarded != UNGUARDED_SHARDS);
		if (cmpn[t]) {
			char sp[200];

			shard_path(l, t, sp, sizeof(sp));
			json_array_append_new(cmp, cmp_mod(sp, true, "LESS", rev + 1));
		}
		if (touch[t]) {
			json_array_append_new(puts, cap_put(l, t, neww[t],
							    cert ? s.policy_rev : s.ok_rev[t]));
			any = true;
		}
	}
	if (!any) {
		json_decref(cmp);
		json_decref(puts);
		return 0;
	}
	ret = txn(l, cmp, puts, &ok, &r, err, errlen);
	json_decref(r);
	if (ret)
		return ret;
	if (ok)
		l->rebalances++;
	return ok ? 1 : 2;
}

int ledger_shard_attempts(struct ledger *l, const struct ledger_req *req,
			  bool use_cache, uint64_t *leasep,
			  struct etcd_outcome *o, char *err, size_t errlen)
{
	uint64_t lease = *leasep, now = ledger_etcd_now_ms();
	bool may_fix = now >= l->fix_after_ms, booted = false, lost = false;
	bool bounds = false;
	json_t *r = NULL, *cmp;
	enum act a = A_WRITE;
	struct snap *s = &o->s;
	int ret = 0, i;

	for (i = 0; i < ETCD_ATTEMPTS; i++) {
		bool from_cache = use_cache, ok, same;

		use_cache = false;
		if (from_cache) {
			*s = l->cache;
		} else {
			if (!r) {
				ret = txn(l, NULL, snap_ranges(l), &ok, &r, err, errlen);
				if (ret)
					break;
			}
			ret = parse_snap(l, r, s);
			json_decref(r);
			r = NULL;
			if (ret) {
				snprintf(err, errlen, "a key or value is not base64");
				break;
			}
		}
		a = decide(l, s, req, may_fix, booted, &o->hold, &o->cap, &o->capped);
		/* From the cache only a write or a growth, and never a denial. */
		if (from_cache && ((a != A_WRITE && a != A_GROW) ||
				   (o->capped && o->hold < req->want)))
			continue;
		if (a == A_NOCAPS || a == A_LAYOUT)
			break;
		if (a == A_BOOT) {
			booted = true;
			ret = bootstrap(l, s, &r, err, errlen);
		} else if (a == A_CERT) {
			ret = certify(l, s, &r, err, errlen);
		} else if (a == A_FIX) {
			may_fix = false;
			ret = fix(l, req, err, errlen);
			lost = ret == 2;
			if (ret >= 0) {
				l->fix_backoff_ms = ret || !l->fix_backoff_ms ? FIX_MIN_MS :
						    l->fix_backoff_ms * 2 > FIX_MAX_MS ?
						    FIX_MAX_MS : l->fix_backoff_ms * 2;
				l->fix_after_ms = now + l->fix_backoff_ms;
				ret = 0;
			}
		}
		if (a == A_BOOT || a == A_CERT || a == A_FIX) {
			l->have_cache = false;
			if (ret)
				break;
			if (r && json_is_true(json_object_get(r, "succeeded"))) {
				json_decref(r);
				r = NULL;	/* read afresh */
			}
			continue;
		}
		/*
		 * A_GROW: the flat guard over our shard, the policy, and our
		 * shard's caps key (its weight as we read it); every shard
		 * was certified under this policy, and stays so until it
		 * changes. A_WRITE: only our own key as we saw it.
		 */
		if (l->unguarded == UNGUARDED_ALL) {
			cmp = json_array();
		} else if (a == A_GROW) {
			char key[200];

			cap_key(l, l->shard, key, sizeof(key));
			cmp = ledger_etcd_guard(l, s, shard_subcap(o->cap, s->w[l->shard]),
						o->hold, &bounds);
			json_array_append_new(cmp, cmp_mod(key, false, "EQUAL",
							   s->cap_rev[l->shard]));
		} else {
			cmp = json_pack("[o]", cmp_mod(l->mykey, false, "EQUAL", s->mine_rev));
		}
		same = a != A_GROW &&
		       ledger_etcd_unchanged(l, s, o->hold, lease, req);
		ret = txn(l, cmp, ledger_etcd_success(l, lease, o->hold, req, same),
			  &ok, &r, err, errlen);
		if (ledger_etcd_lease_gone(ret, err)) {
			ret = ledger_etcd_renew_lease(l, &lease, err, errlen);
			if (ret)
				break;
			continue;
		}
		if (ret == -ETIMEDOUT || ret == -EIO || ret == -EAGAIN) {
			/* Ambiguous: our value is absolute; read and decide again. */
			l->have_cache = false;
			json_decref(r);
			r = NULL;
			continue;
		}
		if (ret)
			break;
		if (ok) {
			uint64_t w = etcd_u64(json_object_get(r, "header"), "revision");
			unsigned int t;

			/*
			 * Short while a shard is not certified, or after a
			 * fix that lost to a concurrent write: settling.
			 */
			o->settling = lost;
			for (t = 0; t < l->cfg.etcd.shards; t++)
				o->settling |= s->ok_rev[t] != s->policy_rev;
			o->settling &= o->capped && o->hold < req->want;
			json_decref(r);
			ledger_etcd_cache(l, s, o->hold, lease, req, same, w);
			if (a == A_GROW && !bounds)
				l->cache.rev = w;
			*leasep = lease;
			return 0;
		}
		if (a == A_GROW)
			l->conflicts++;
		l->have_cache = false;
	}
	json_decref(r);
	*leasep = lease;
	if (!ret && a == A_NOCAPS) {
		snprintf(err, errlen, "%s holds node keys but no sub-caps under %s: nothing can grow",
			 l->shards_prefix, l->caps);
		return -EUCLEAN;
	}
	if (!ret && a == A_LAYOUT) {
		snprintf(err, errlen, "the sub-caps under %s are not [etcd] shards = %u",
			 l->caps, l->cfg.etcd.shards);
		return -EINVAL;
	}
	if (!ret) {
		snprintf(err, errlen, "no agreement after %d attempts", ETCD_ATTEMPTS);
		ret = -EAGAIN;
	}
	return ret;
}

json_t *ledger_shard_status(struct ledger *l)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "shard", (json_int_t)l->shard,
			 "shards", (json_int_t)l->cfg.etcd.shards,
			 "rebalances", (json_int_t)l->rebalances,
			 "certified", (json_int_t)l->certified);
}
