/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The etcd ledger's insides, shared by ledger_etcd.c (the flat layout,
 * leases, the watch) and ledger_shard.c (the sharded layout).
 */
#ifndef TPPGATED_LEDGER_ETCD_INT_H
#define TPPGATED_LEDGER_ETCD_INT_H

#include <pthread.h>

#include "ledger.h"
#include "shard.h"

#define ETCD_ATTEMPTS		64
/*
 * A node key's value starts with its share right-aligned in TPP_WIDTH
 * characters (spaces before the digits: still JSON), so etcd's byte-wise
 * VALUE compare orders shares as numbers. An increase then bounds the
 * other keys' shares instead of forbidding any write to them (see
 * ledger_etcd_guard()): all by one bound, or each by its own for up to
 * GUARD_KEYS others (a compare each: at 100 keys they cost etcd more
 * than the retries they save, Documentation/cluster.rst).
 */
#define TPP_WIDTH		20
#define GUARD_KEYS		16
#define GUARD_KEY_LEN		64	/* a key's name after the nodes prefix */

/**
 * struct snap - the keys a reserve decides from, at one revision
 * @rev: the revision
 * @policy_rev: the policy key's mod_revision, 0 if absent
 * @has_cap, @cap: its cluster cap
 * @mine, @others: our share and the sum of everyone else's (sharded: in
 *	our shard only)
 * @mine_rev: our key's mod_revision, 0 if absent
 * @mine_lease, @mine_serial, @mine_want: its lease and the serial and
 *	demand in its value (a renewal that changes none of them writes
 *	nothing)
 * @n: node keys, ours included (sharded: in our shard)
 * Sharded only:
 * @caps_n: sub-cap keys; @caps_bad: one is not a shard of our layout
 * @w, @cap_rev, @ok_rev: each shard's weight, its key's mod_revision and
 *	the policy revision it was certified under (see ledger_shard.c)
 * @wsum: the sum of the weights
 * @before: node keys of our shard sorting before ours (0: we are the
 *	shard's fixer, see ledger_shard.c)
 * @short_before: those of them whose demand is above their share (0 and
 *	short ourselves: we may fix too)
 * @others_want: the sum of the other hosts' demands in our shard
 * @fixed: each other key's value has its share in the fixed-width form
 *	(then an increase may use a bounds guard)
 * @m_other, @max_other: how many other keys there are, the largest share
 * @listed: all of them are in @other_key (the name after the nodes
 *	prefix) and @other_tpp, @n_other of them, at most GUARD_KEYS
 */
struct snap {
	uint64_t rev, policy_rev, cap, mine, mine_rev, others, serial;
	uint64_t mine_lease, mine_serial, mine_want;
	bool has_policy, has_cap;
	unsigned int n;
	unsigned int caps_n;
	bool caps_bad;
	uint64_t wsum, others_want;
	unsigned int before, short_before;
	uint64_t w[SHARDS_MAX], cap_rev[SHARDS_MAX];
	uint64_t ok_rev[SHARDS_MAX];
	bool fixed, listed;
	unsigned int m_other, n_other;
	uint64_t max_other;
	char other_key[GUARD_KEYS][GUARD_KEY_LEN];
	uint64_t other_tpp[GUARD_KEYS];
};

enum etcd_unguarded {
	UNGUARDED_NO,
	UNGUARDED_ALL,		/* "1": increases put without the guard */
	UNGUARDED_SHARDS,	/* "shards": rebalances ignore holdings */
};

struct ledger {
	struct tppgated_config cfg;
	char host[64];
	char prefix[128];	/* /tppgate/<cluster>/ */
	char nodes[192];	/* /tppgate/<cluster>/nodes/ or .../shards/<s>/ */
	char mykey[256];
	char policy_key[160];
	/* Sharded (cfg.etcd.shards > 1): */
	unsigned int shard;
	char shards_prefix[160];	/* /tppgate/<cluster>/shards/ */
	char caps[160];			/* /tppgate/<cluster>/caps/ */
	uint64_t fix_after_ms, fix_backoff_ms;
	uint64_t rebalances, certified;

	struct etcd *main, *ka, *watch;
	bool shared_main;	/* library mode: @main is the caller's */
	enum etcd_unguarded unguarded;	/* TPPGATED_ETCD_UNGUARDED: tests only */

	pthread_mutex_t mu;
	pthread_t ka_thread, watch_thread;
	bool ka_started, watch_started;
	volatile int stop;
	int pipe[2];

	/* Under @mu: */
	uint64_t lease_id;
	uint64_t deadline_ms;	/* CLOCK_BOOTTIME; 0: no lease we can count on */
	bool lease_lost;
	uint8_t *pending;	/* a policy the watch brought, for the loop */
	size_t pending_len;
	uint64_t watch_rev;	/* last revision of the policy key seen */
	uint64_t pushed_serial;
	uint64_t policy_seen_rev;	/* the policy's mod_revision the watch saw */
	char ka_error[256];

	/* The loop's own: */
	uint64_t reserved, others, cap, policy_rev, revision;
	bool has_cap;
	uint64_t serial, attempts, conflicts;
	struct snap cache;	/* the last snapshot, our own write in it */
	bool have_cache;
};

/* What one attempt loop settled on, for etcd_reserve()'s epilogue. */
struct etcd_outcome {
	struct snap s;
	uint64_t hold, cap;
	bool capped, settling;
};

uint64_t ledger_etcd_now_ms(void);
int ledger_etcd_policy_cap(const uint8_t *file, size_t len, uint64_t *cap,
			   uint64_t *serial);
/* ledger_snap.c. A node key's share: {"tpp": N, ...}; anything else is 0. */
uint64_t ledger_etcd_value_tpp(const char *text, size_t len);
/* Its "want" (sharded layout; 0 if none). */
uint64_t ledger_etcd_value_want(const char *text, size_t len);
/* The cap the host's increases answer to; false: none (uncapped). */
bool ledger_etcd_eff_cap(const struct snap *s, const struct ledger_req *req,
			 uint64_t *cap);
json_t *ledger_etcd_put_mine(struct ledger *l, uint64_t lease, uint64_t tpp,
			     uint64_t want, uint64_t serial);
/*
 * A write of @hold that would change nothing in our key (a renewal): the
 * transaction then only compares, because a write would fail every other
 * host's guard.
 */
bool ledger_etcd_unchanged(const struct ledger *l, const struct snap *s,
			   uint64_t hold, uint64_t lease,
			   const struct ledger_req *req);
/* The transaction's success branch: our put, or nothing if @same. */
json_t *ledger_etcd_success(struct ledger *l, uint64_t lease, uint64_t hold,
			    const struct ledger_req *req, bool same);
/* After a commit at @rev: @s with our write in it, for the next call. */
void ledger_etcd_cache(struct ledger *l, const struct snap *s, uint64_t hold,
		       uint64_t lease, const struct ledger_req *req, bool same,
		       uint64_t rev);
int ledger_etcd_renew_lease(struct ledger *l, uint64_t *lease, char *err,
			    size_t errlen);
bool ledger_etcd_lease_gone(int ret, const char *err);
/*
 * The compare list of an increase to @hold under @limit (the cap, or our
 * shard's sub-cap), from @s; *@bounds says which guard it is (a commit
 * under the bounds guard does not mean the others' keys are as in @s).
 */
json_t *ledger_etcd_guard(struct ledger *l, const struct snap *s,
			  uint64_t limit, uint64_t hold, bool *bounds);
/* @range: a range answer (its "kvs"); the snapshot at @rev. */
int ledger_etcd_read_snap(struct ledger *l, json_t *range, uint64_t rev,
			  struct snap *s);
/* A sub-cap key's value {"w": W, "ok": P}; false if it is not one. */
bool ledger_shard_cap_value(const char *text, size_t len, uint64_t *w,
			    uint64_t *ok_rev);
/* ledger_shard.c: the attempts of one reserve in the sharded layout. */
int ledger_shard_attempts(struct ledger *l, const struct ledger_req *req,
			  bool use_cache, uint64_t *lease,
			  struct etcd_outcome *o, char *err, size_t errlen);
json_t *ledger_shard_status(struct ledger *l);

#endif /* TPPGATED_LEDGER_ETCD_INT_H */
