// SPDX-License-Identifier: GPL-2.0
/*
 * The etcd ledger: every host of a cluster keeps its share under
 * /tppgate/<cluster>/nodes/<host>, attached to its own lease; the cap is
 * the cluster cap of the signed policy stored at /tppgate/<cluster>/policy.
 *
 * Why the sum never exceeds the cap (Documentation/cluster.rst has the
 * whole argument): a share only grows through one transaction whose
 * guard (ledger_etcd_guard(), in ledger_snap.c) bounds, when etcd applies
 * it, every other host's share so that they sum to at most the cap less
 * ours, and compares that the policy key is still the one the cap was
 * read from. etcd applies transactions one at a time and evaluates
 * compares when it applies them. Shrinking is a plain put: it can only
 * lower the sum. Lease expiry deletes keys: it too only lowers it.
 *
 * Threads: the daemon's loop calls reserve() (its own connection); the
 * keep-alive thread renews the lease on a second connection with a short
 * timeout, so a slow transaction never starves it; the watch thread
 * follows the policy key on a third and hands new policies to the loop
 * through a pipe. Shared fields are under @mu.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger_etcd_int.h"

/*
 * The kernel grant ends this long before our own reckoning of the lease's
 * end (time the keep-alive was SENT + TTL; etcd counts from when it got
 * it, so it is later still). It covers the clocks' rate difference and
 * the kernel's rounding of its lease to whole jiffies.
 */
#define ETCD_MARGIN_MS		1000
#define ETCD_KEEPALIVE_TIMEOUT	1000
uint64_t ledger_etcd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void wake(struct ledger *l)
{
	(void)!write(l->pipe[1], "x", 1);
}

/* Sleeps @ms in steps, so that close() is not held up. */
static void nap(struct ledger *l, uint64_t ms)
{
	while (ms && !l->stop) {
		uint64_t step = ms > 100 ? 100 : ms;

		usleep((useconds_t)step * 1000);
		ms -= step;
	}
}

/* The cluster cap of a .tpp; -ENODATA when it sets none. */
int ledger_etcd_policy_cap(const uint8_t *file, size_t len, uint64_t *cap,
			   uint64_t *serial)
{
	struct tppgate_policy_src p;
	const void *blob, *sig;
	size_t blen, slen;
	char msg[128];
	int ret;

	ret = tppgate_file_split(file, len, &blob, &blen, &sig, &slen);
	if (ret)
		return ret;
	ret = tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg));
	if (!ret) {
		*serial = p.serial;
		if (p.has_cluster_cap)
			*cap = p.cluster_cap;
		else
			ret = -ENODATA;
	}
	tppgate_policy_free(&p);
	return ret;
}

/* ---- the keep-alive thread ---- */

static void *keepalive_main(void *arg)
{
	struct ledger *l = arg;
	char err[256];

	while (!l->stop) {
		uint64_t id, t0, ttl;
		json_t *r = NULL;
		int ret;

		pthread_mutex_lock(&l->mu);
		id = l->lease_lost ? 0 : l->lease_id;
		pthread_mutex_unlock(&l->mu);
		if (!id) {
			nap(l, 100);
			continue;
		}
		t0 = ledger_etcd_now_ms();
		ret = etcd_post(l->ka, "/v3/lease/keepalive",
				json_pack("{s:o}", "ID", etcd_u64_json(id)), &r,
				err, sizeof(err));
		ttl = ret ? 0 : etcd_u64(json_object_get(r, "result"), "TTL");
		json_decref(r);
		pthread_mutex_lock(&l->mu);
		if (l->lease_id != id) {
			pthread_mutex_unlock(&l->mu);
			continue;
		}
		if (!ret && ttl) {
			l->deadline_ms = t0 + ttl * 1000;
			l->ka_error[0] = '\0';
		} else if (!ret || ret == -ENOENT) {
			/* 200 without a TTL: the lease is gone (expired, revoked). */
			l->lease_lost = true;
			l->deadline_ms = 0;
			snprintf(l->ka_error, sizeof(l->ka_error),
				 "lease %llx expired", (unsigned long long)id);
		} else {
			snprintf(l->ka_error, sizeof(l->ka_error), "%s", err);
		}
		pthread_mutex_unlock(&l->mu);
		if (!ret && ttl) {
			nap(l, ttl * 1000 / 3);
		} else if (!ret || ret == -ENOENT) {
			log_warn("ledger etcd: lease %llx is gone; reserving again",
				 (unsigned long long)id);
			wake(l);
		} else {
			log_debug("ledger etcd: keep-alive: %s", err);
			nap(l, 300);
		}
	}
	return NULL;
}

/* ---- the watch thread ---- */

static void deliver(struct ledger *l, const char *b64, uint64_t rev)
{
	uint64_t cap = 0, serial = 0;
	uint8_t *file;
	size_t len;

	if (!b64 || etcd_unb64(b64, &file, &len))
		return;
	ledger_etcd_policy_cap(file, len, &cap, &serial);
	pthread_mutex_lock(&l->mu);
	free(l->pending);
	l->pending = file;
	l->pending_len = len;
	l->watch_rev = rev;
	l->policy_seen_rev = rev;
	l->pushed_serial = serial;
	pthread_mutex_unlock(&l->mu);
	log_info("ledger etcd: policy serial %llu at revision %llu",
		 (unsigned long long)serial, (unsigned long long)rev);
	wake(l);
}

static int on_watch(json_t *msg, void *arg)
{
	struct ledger *l = arg;
	json_t *res = json_object_get(msg, "result"), *ev;
	size_t i;

	if (!res)
		return 1;	/* an error: reconnect */
	if (json_is_true(json_object_get(res, "canceled")) ||
	    etcd_u64(res, "compact_revision")) {
		/* Our revision was compacted: start over from a fresh read. */
		pthread_mutex_lock(&l->mu);
		l->watch_rev = 0;
		pthread_mutex_unlock(&l->mu);
		return 1;
	}
	json_array_foreach(json_object_get(res, "events"), i, ev) {
		json_t *kv = json_object_get(ev, "kv");
		uint64_t rev = etcd_u64(kv, "mod_revision");

		if (!json_is_string(json_object_get(ev, "type")))
			deliver(l, json_string_value(json_object_get(kv, "value")),
				rev);
		else {
			/* A deleted policy: the kernel keeps what it has. */
			pthread_mutex_lock(&l->mu);
			l->watch_rev = rev;
			pthread_mutex_unlock(&l->mu);
		}
	}
	return 0;
}

static void *watch_main(void *arg)
{
	struct ledger *l = arg;
	char err[256];

	while (!l->stop) {
		uint64_t rev;
		json_t *r = NULL, *req;
		int ret;

		pthread_mutex_lock(&l->mu);
		rev = l->watch_rev;
		pthread_mutex_unlock(&l->mu);
		if (!rev) {
			json_t *kv;

			ret = etcd_post(l->watch, "/v3/kv/range",
					json_pack("{s:o}", "key", etcd_b64s(l->policy_key)),
					&r, err, sizeof(err));
			if (ret) {
				log_debug("ledger etcd: reading the policy: %s", err);
				nap(l, 1000);
				continue;
			}
			kv = json_array_get(json_object_get(r, "kvs"), 0);
			rev = etcd_u64(json_object_get(r, "header"), "revision");
			if (kv)
				deliver(l, json_string_value(json_object_get(kv, "value")),
					etcd_u64(kv, "mod_revision"));
			json_decref(r);
			pthread_mutex_lock(&l->mu);
			l->watch_rev = rev;
			pthread_mutex_unlock(&l->mu);
		}
		/* Resume after the last revision seen: nothing is missed. */
		req = json_pack("{s:{s:o, s:o}}", "create_request",
				"key", etcd_b64s(l->policy_key),
				"start_revision", etcd_u64_json(rev + 1));
		ret = etcd_stream(l->watch, "/v3/watch", req, on_watch, l,
				  &l->stop, err, sizeof(err));
		if (ret && !l->stop)
			log_debug("ledger etcd: watch: %s", err);
		nap(l, 500);
	}
	return NULL;
}

/* ---- the loop's side ---- */

static int grant_lease(struct ledger *l, char *err, size_t errlen)
{
	uint64_t t0 = ledger_etcd_now_ms(), id, ttl;
	json_t *r = NULL;
	int ret;

	ret = etcd_post(l->main, "/v3/lease/grant",
			json_pack("{s:I}", "TTL", (json_int_t)l->cfg.ledger_lease),
			&r, err, errlen);
	if (ret)
		return ret;
	id = etcd_u64(r, "ID");
	ttl = etcd_u64(r, "TTL");
	json_decref(r);
	if (!id || !ttl) {
		snprintf(err, errlen, "lease grant: no ID or TTL in the answer");
		return -EPROTO;
	}
	pthread_mutex_lock(&l->mu);
	l->lease_id = id;
	l->lease_lost = false;
	l->deadline_ms = t0 + ttl * 1000;
	pthread_mutex_unlock(&l->mu);
	log_info("ledger etcd: lease %llx, TTL %llu s", (unsigned long long)id,
		 (unsigned long long)ttl);
	return 0;
}

/* @shared: the library mode (ledger.h); NULL for the daemon's. */
static int open_ledger(struct ledger **lp, const struct tppgated_config *cfg,
		       struct etcd *shared, char *err, size_t errlen)
{
	struct ledger *l;
	const char *ug;
	int ret;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	l->pipe[0] = l->pipe[1] = -1;
	pthread_mutex_init(&l->mu, NULL);
	if (cfg->host[0])
		snprintf(l->host, sizeof(l->host), "%s", cfg->host);
	else if (gethostname(l->host, sizeof(l->host) - 1) || !etcd_name_ok(l->host))
		snprintf(l->host, sizeof(l->host), "localhost");
	snprintf(l->prefix, sizeof(l->prefix), "/tppgate/%s/", cfg->etcd.cluster);
	snprintf(l->nodes, sizeof(l->nodes), "%snodes/", l->prefix);
	if (cfg->etcd.shards > 1) {
		/* Sharded: our node key lives in our shard (ledger_shard.c). */
		l->shard = shard_of(l->host, cfg->etcd.shards);
		snprintf(l->shards_prefix, sizeof(l->shards_prefix), "%sshards/",
			 l->prefix);
		snprintf(l->caps, sizeof(l->caps), "%scaps/", l->prefix);
		snprintf(l->nodes, sizeof(l->nodes), "%s%u/", l->shards_prefix,
			 l->shard);
	}
	snprintf(l->mykey, sizeof(l->mykey), "%s%s", l->nodes, l->host);
	snprintf(l->policy_key, sizeof(l->policy_key), "%spolicy", l->prefix);
	ug = getenv("TPPGATED_ETCD_UNGUARDED");
	if (ug && !strcmp(ug, "1"))
		l->unguarded = UNGUARDED_ALL;
	else if (ug && !strcmp(ug, "shards"))
		l->unguarded = UNGUARDED_SHARDS;
	if (l->unguarded == UNGUARDED_ALL)
		log_err("ledger etcd: TPPGATED_ETCD_UNGUARDED=1: increases are NOT guarded (test-only switch; the cap can be exceeded)");
	if (l->unguarded == UNGUARDED_SHARDS)
		log_err("ledger etcd: TPPGATED_ETCD_UNGUARDED=shards: rebalances lower sub-caps below holdings (test-only switch; the cap can be exceeded)");
	if (shared) {
		/* Library mode: the caller renews the lease; no threads. */
		l->main = shared;
		l->shared_main = true;
		if (grant_lease(l, err, errlen))
			log_warn("ledger etcd: %s; will retry", err);
		*lp = l;
		return 0;
	}
	ret = etcd_open(&l->main, &cfg->etcd, 0, err, errlen);
	if (!ret)
		ret = etcd_open(&l->ka, &cfg->etcd,
				cfg->etcd.timeout_ms < ETCD_KEEPALIVE_TIMEOUT ?
				cfg->etcd.timeout_ms : ETCD_KEEPALIVE_TIMEOUT,
				err, errlen);
	if (!ret)
		ret = etcd_open(&l->watch, &cfg->etcd, 0, err, errlen);
	if (!ret && pipe2(l->pipe, O_NONBLOCK | O_CLOEXEC))
		ret = -errno;
	if (ret)
		goto fail;
	/* No lease yet is not fatal: etcd may come later; reserve() retries. */
	if (grant_lease(l, err, errlen))
		log_warn("ledger etcd: %s; will retry", err);
	ret = -pthread_create(&l->ka_thread, NULL, keepalive_main, l);
	if (ret)
		goto fail;
	l->ka_started = true;
	ret = -pthread_create(&l->watch_thread, NULL, watch_main, l);
	if (ret)
		goto fail;
	l->watch_started = true;
	log_notice("ledger etcd: host %s, cluster %s, shard %u of %u, endpoints %s",
		   l->host, cfg->etcd.cluster, l->shard, cfg->etcd.shards,
		   cfg->etcd.endpoints);
	*lp = l;
	return 0;
fail:
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
	l->stop = 1;
	if (l->ka_started)
		pthread_join(l->ka_thread, NULL);
	etcd_close(l->main);
	etcd_close(l->ka);
	etcd_close(l->watch);
	if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
	}
	free(l);
	return ret;
}

static int etcd_open_ledger(struct ledger **lp,
			    const struct tppgated_config *cfg, char *err,
			    size_t errlen)
{
	return open_ledger(lp, cfg, NULL, err, errlen);
}

int ledger_etcd_open_lib(struct ledger **lp, const struct tppgated_config *cfg,
			 struct etcd *shared, char *err, size_t errlen)
{
	return shared ? open_ledger(lp, cfg, shared, err, errlen) : -EINVAL;
}

uint64_t ledger_etcd_lease(struct ledger *l)
{
	uint64_t id;

	pthread_mutex_lock(&l->mu);
	id = l->lease_lost ? 0 : l->lease_id;
	pthread_mutex_unlock(&l->mu);
	return id;
}

void ledger_etcd_renewed(struct ledger *l, uint64_t id, uint64_t sent_ms,
			 uint64_t ttl_s)
{
	pthread_mutex_lock(&l->mu);
	if (l->lease_id == id && ttl_s) {
		l->deadline_ms = sent_ms + ttl_s * 1000;
	} else if (l->lease_id == id) {
		l->lease_lost = true;
		l->deadline_ms = 0;
	}
	pthread_mutex_unlock(&l->mu);
}

void ledger_etcd_policy_seen(struct ledger *l, uint64_t rev)
{
	pthread_mutex_lock(&l->mu);
	l->policy_seen_rev = rev;
	pthread_mutex_unlock(&l->mu);
}

static json_t *range_prefix(struct ledger *l)
{
	return json_pack("{s:o, s:o}", "key", etcd_b64s(l->prefix),
			 "range_end", etcd_prefix_end(l->prefix));
}

json_t *ledger_etcd_put_mine(struct ledger *l, uint64_t lease, uint64_t tpp,
			     uint64_t want, uint64_t serial)
{
	char val[160];

	/*
	 * The share first, in TPP_WIDTH characters: the others' bounds
	 * guards compare it byte-wise. Sharded, hosts publish their demand
	 * too: the rebalance reads it.
	 */
	if (l->cfg.etcd.shards > 1)
		snprintf(val, sizeof(val), "{\"tpp\": %*llu, \"want\": %llu, \"serial\": %llu}",
			 TPP_WIDTH, (unsigned long long)tpp, (unsigned long long)want,
			 (unsigned long long)serial);
	else
		snprintf(val, sizeof(val), "{\"tpp\": %*llu, \"serial\": %llu}",
			 TPP_WIDTH, (unsigned long long)tpp, (unsigned long long)serial);
	return json_pack("{s:o, s:o, s:o}", "key", etcd_b64s(l->mykey),
			 "value", etcd_b64s(val), "lease", etcd_u64_json(lease));
}

bool ledger_etcd_unchanged(const struct ledger *l, const struct snap *s,
			   uint64_t hold, uint64_t lease,
			   const struct ledger_req *req)
{
	return !l->unguarded && s->mine_rev && hold == s->mine &&
	       s->mine_lease == lease && s->mine_serial == req->serial &&
	       s->mine_want == (l->cfg.etcd.shards > 1 ? req->want : 0);
}

json_t *ledger_etcd_success(struct ledger *l, uint64_t lease, uint64_t hold,
			    const struct ledger_req *req, bool same)
{
	if (same)
		return json_array();
	return json_pack("[{s:o}]", "request_put",
			 ledger_etcd_put_mine(l, lease, hold, req->want, req->serial));
}

void ledger_etcd_cache(struct ledger *l, const struct snap *s, uint64_t hold,
		       uint64_t lease, const struct ledger_req *req, bool same,
		       uint64_t rev)
{
	l->cache = *s;
	l->cache.mine = hold;
	if (!same) {
		l->cache.mine_rev = rev;
		l->cache.mine_lease = lease;
		l->cache.mine_serial = req->serial;
		l->cache.mine_want = l->cfg.etcd.shards > 1 ? req->want : 0;
	}
	l->have_cache = true;
}

/* How much we may hold, from a snapshot (pure). */
static uint64_t target(const struct snap *s, const struct ledger_req *req,
		       uint64_t *cap, bool *capped)
{
	uint64_t c, want = req->want;

	*capped = ledger_etcd_eff_cap(s, req, cap);
	if (!s->has_policy)
		return want < s->mine ? want : s->mine;
	if (!*capped)
		return want;
	c = *cap;
	if (s->others <= c)
		return want < c - s->others ? want : c - s->others;
	/*
	 * Over the cap (it was lowered): everyone above an equal share
	 * shrinks to it, so the sum falls under the cap once all did, with
	 * no host needing to see the others' moves.
	 */
	c /= s->n ? s->n : 1;
	if (want < c)
		c = want;
	return c < s->mine ? c : s->mine;
}

/* A fresh lease: what the cache says of our key is void. */
int ledger_etcd_renew_lease(struct ledger *l, uint64_t *lease, char *err,
			    size_t errlen)
{
	int ret;

	l->have_cache = false;
	ret = grant_lease(l, err, errlen);
	if (ret)
		return ret;
	pthread_mutex_lock(&l->mu);
	*lease = l->lease_id;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

bool ledger_etcd_lease_gone(int ret, const char *err)
{
	return ret == -ENOENT || (ret == -EINVAL && strstr(err, "lease"));
}

/* The attempts of one reserve in the flat layout. */
static int flat_attempts(struct ledger *l, const struct ledger_req *req,
			 bool use_cache, uint64_t *leasep,
			 struct etcd_outcome *o, char *err, size_t errlen)
{
	uint64_t lease = *leasep, cap = 0, hold = 0;
	json_t *r = NULL, *range = NULL, *cmp;
	struct snap s;
	bool capped = false, same, done = false, bounds = false;
	int ret = 0, i;

	for (i = 0; i < ETCD_ATTEMPTS && !done; i++) {
		bool from_cache = use_cache, grow;

		use_cache = false;
		if (from_cache) {
			/*
			 * The last snapshot, with our own write in it: a stale
			 * one only fails a compare, which brings a fresh one.
			 */
			s = l->cache;
		} else {
			if (!range) {
				ret = etcd_post(l->main, "/v3/kv/range", range_prefix(l),
						&r, err, errlen);
				if (ret)
					break;
				range = r;
			}
			ret = ledger_etcd_read_snap(l, range,
					etcd_u64(json_object_get(r, "header"), "revision"),
					&s);
			json_decref(r);
			r = NULL;
			range = NULL;
			if (ret) {
				snprintf(err, errlen, "a key or value is not base64");
				break;
			}
		}
		hold = target(&s, req, &cap, &capped);
		/* Denials come only from what etcd says now, not from a cache. */
		if (from_cache && capped && hold < req->want)
			continue;
		grow = hold > s.mine && capped && l->unguarded != UNGUARDED_ALL;
		same = !grow && ledger_etcd_unchanged(l, &s, hold, lease, req);
		/*
		 * Growing: the guard over every other key and the policy.
		 * Otherwise only our own key must be as we saw it: it cannot
		 * have expired and been recreated from 0 without a guard.
		 */
		cmp = grow ? ledger_etcd_guard(l, &s, cap, hold, &bounds) :
		      l->unguarded == UNGUARDED_ALL ? json_array() :
		      json_pack("[{s:o, s:s, s:s, s:o}]", "key", etcd_b64s(l->mykey),
				"target", "MOD", "result", "EQUAL",
				"mod_revision", etcd_u64_json(s.mine_rev));
		ret = etcd_post(l->main, "/v3/kv/txn",
				json_pack("{s:o, s:o, s:[{s:o}]}",
					  "compare", cmp,
					  "success", ledger_etcd_success(l, lease, hold, req, same),
					  "failure", "request_range", range_prefix(l)),
				&r, err, errlen);
		if (ledger_etcd_lease_gone(ret, err)) {
			ret = ledger_etcd_renew_lease(l, &lease, err, errlen);
			if (ret)
				break;
			continue;
		}
		if (ret == -ETIMEDOUT || ret == -EIO || ret == -EAGAIN) {
			/* Ambiguous: our value is absolute; read and decide again. */
			l->have_cache = false;
			continue;
		}
		if (ret)
			break;
		if (json_is_true(json_object_get(r, "succeeded"))) {
			uint64_t w = etcd_u64(json_object_get(r, "header"), "revision");

			done = true;
			ledger_etcd_cache(l, &s, hold, lease, req, same, w);
			/*
			 * A commit at w under the MOD guard saw no other key
			 * move since rev; under the bounds guard they may have.
			 */
			if (grow && !bounds)
				l->cache.rev = w;
			json_decref(r);
			r = NULL;
			break;
		}
		/* Someone moved first: the failure branch is our next snapshot. */
		if (grow)
			l->conflicts++;
		l->have_cache = false;
		range = json_object_get(json_array_get(json_object_get(r, "responses"), 0),
					"response_range");
		if (range) {
			json_t *hdr = json_object_get(r, "header");

			/* read_snap() wants the revision from the txn's header. */
			json_incref(range);
			json_object_set(range, "header", hdr);
			json_decref(r);
			r = range;
		} else {
			json_decref(r);
			r = NULL;
		}
	}
	json_decref(r);
	*leasep = lease;
	if (!done) {
		if (!ret) {
			snprintf(err, errlen, "no agreement after %d attempts", ETCD_ATTEMPTS);
			ret = -EAGAIN;
		}
		return ret;
	}
	o->s = s;
	o->hold = hold;
	o->cap = cap;
	o->capped = capped;
	o->settling = false;
	return 0;
}

static int etcd_reserve(struct ledger *l, const struct ledger_req *req,
			struct ledger_res *res, char *err, size_t errlen)
{
	uint64_t t0 = ledger_etcd_now_ms(), lease, deadline;
	struct etcd_outcome o;
	bool lost, use_cache;
	int ret = 0;

	l->attempts++;
	pthread_mutex_lock(&l->mu);
	lost = l->lease_lost || !l->lease_id;
	use_cache = l->have_cache && l->cache.policy_rev == l->policy_seen_rev;
	pthread_mutex_unlock(&l->mu);
	if (lost) {
		ret = ledger_etcd_renew_lease(l, &lease, err, errlen);
		if (ret)
			return ret;
		use_cache = false;
	}
	pthread_mutex_lock(&l->mu);
	lease = l->lease_id;
	pthread_mutex_unlock(&l->mu);
	if (l->cfg.etcd.shards > 1)
		ret = ledger_shard_attempts(l, req, use_cache, &lease, &o, err,
					    errlen);
	else
		ret = flat_attempts(l, req, use_cache, &lease, &o, err, errlen);
	if (ret)
		return ret;
	l->reserved = o.hold;
	l->others = o.s.others;
	l->cap = o.cap;
	l->has_cap = o.capped;
	l->policy_rev = o.s.policy_rev;
	l->revision = o.s.rev;
	l->serial = req->serial;
	pthread_mutex_lock(&l->mu);
	deadline = l->deadline_ms;
	pthread_mutex_unlock(&l->mu);
	/* What is left of the lease, counted from before we started. */
	if (!deadline || deadline < t0 + ETCD_MARGIN_MS +
	    (uint64_t)l->cfg.grant_lease * 1000) {
		snprintf(err, errlen,
			 "the etcd lease has less than the grant's %u s + %u ms left (keep-alive: %s)",
			 l->cfg.grant_lease, ETCD_MARGIN_MS,
			 l->ka_error[0] ? l->ka_error : "late");
		return -ETIMEDOUT;
	}
	res->held = o.hold;
	res->others = o.s.others;
	res->settling = o.settling;
	res->lease_s = (uint32_t)((deadline - ETCD_MARGIN_MS - t0) / 1000);
	return 0;
}

static int etcd_note_serial(struct ledger *l, uint64_t serial)
{
	(void)l;
	(void)serial;
	return 0;
}

static json_t *etcd_status(struct ledger *l)
{
	uint64_t now = ledger_etcd_now_ms(), dl, lease, pushed;
	char id[24], err[256];
	json_t *j;

	pthread_mutex_lock(&l->mu);
	dl = l->deadline_ms;
	lease = l->lease_id;
	pushed = l->pushed_serial;
	snprintf(err, sizeof(err), "%s", l->ka_error);
	pthread_mutex_unlock(&l->mu);
	snprintf(id, sizeof(id), "%llx", (unsigned long long)lease);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:s}",
			 "backend", "etcd", "host", l->host,
			 "cluster", l->cfg.etcd.cluster,
			 "endpoint", etcd_endpoint(l->main),
			 "key", l->mykey, "lease", id,
			 "lease_left_ms", (json_int_t)(dl > now ? dl - now : 0),
			 "reserved", (json_int_t)l->reserved,
			 "others", (json_int_t)l->others,
			 "cluster_cap", l->has_cap ? json_integer((json_int_t)l->cap) : json_null(),
			 "policy_revision", (json_int_t)l->policy_rev,
			 "pushed_serial", (json_int_t)pushed,
			 "revision", (json_int_t)l->revision,
			 "attempts", (json_int_t)l->attempts,
			 "conflicts", (json_int_t)l->conflicts,
			 "keepalive_error", err);
	if (j && l->cfg.etcd.shards > 1)
		json_object_set_new(j, "sharded", ledger_shard_status(l));
	return j;
}

static int etcd_fd(struct ledger *l)
{
	return l->pipe[0];
}

static int etcd_dispatch(struct ledger *l)
{
	char buf[64];
	int ch = 0;

	while (read(l->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&l->mu);
	if (l->pending)
		ch |= LEDGER_CHANGE_POLICY;
	if (l->lease_lost)
		ch |= LEDGER_CHANGE_RESERVE;
	pthread_mutex_unlock(&l->mu);
	return ch;
}

static int etcd_take_policy(struct ledger *l, uint8_t **file, size_t *len)
{
	pthread_mutex_lock(&l->mu);
	*file = l->pending;
	*len = l->pending_len;
	l->pending = NULL;
	pthread_mutex_unlock(&l->mu);
	return *file ? 0 : -ENOENT;
}

/* The share is not released: the kernel may use it until its lease ends. */
static void etcd_close_ledger(struct ledger *l)
{
	l->stop = 1;
	if (l->ka_started)
		pthread_join(l->ka_thread, NULL);
	if (l->watch_started)
		pthread_join(l->watch_thread, NULL);
	if (!l->shared_main)
		etcd_close(l->main);
	etcd_close(l->ka);
	etcd_close(l->watch);
	if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
	}
	free(l->pending);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

const struct ledger_ops ledger_etcd_ops = {
	.name = "etcd",
	.open = etcd_open_ledger,
	.reserve = etcd_reserve,
	.note_serial = etcd_note_serial,
	.status = etcd_status,
	.fd = etcd_fd,
	.dispatch = etcd_dispatch,
	.take_policy = etcd_take_policy,
	.close = etcd_close_ledger,
};
