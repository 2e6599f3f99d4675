/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ledger: where the hosts of a cluster reserve their TPP, so that the
 * sum never exceeds the cluster cap. A backend is an operation table; the
 * daemon only ever calls these. "local" keeps one host's reservation in a
 * file; "etcd" (ledger_etcd.c) keeps every host's under a cluster prefix.
 *
 * Reservations are absolute: reserve() asks for the host's whole share
 * (more, the same to renew, less to release) and the backend answers how
 * much it holds now, never more than asked. A reservation lasts
 * @lease_s seconds from the call unless renewed; the daemon makes its
 * kernel grant shorter, so a host that loses the ledger stops using its
 * share before anyone else can get it.
 */
#ifndef TPPGATED_LEDGER_H
#define TPPGATED_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "tppgated.h"

struct ledger;

/**
 * struct ledger_req - one reservation
 * @want: the host's whole share
 * @has_cluster_cap: the policy sets a cluster cap, @cluster_cap
 * @cluster_id: the policy's cluster ("" if none)
 * @serial: the policy the share was computed under
 */
struct ledger_req {
	uint64_t want;
	bool has_cluster_cap;
	uint64_t cluster_cap;
	const char *cluster_id;
	uint64_t serial;
};

/**
 * struct ledger_res - what the ledger holds for this host afterwards
 * @held: at most @want
 * @others: TPP held by other hosts (0 for local)
 * @lease_s: the reservation lasts this long from the call
 * @settling: @held is short of the request while the ledger settles
 *	after a new policy (etcd, sharded: not every shard is certified
 *	under it yet); asking again before the next renewal may bring more
 */
struct ledger_res {
	uint64_t held;
	uint64_t others;
	uint32_t lease_s;
	bool settling;
};

enum ledger_change {
	LEDGER_CHANGE_REPLAN = 1 << 0,
	LEDGER_CHANGE_RESERVE = 1 << 1,	/* the reservation was lost: renew now */
	LEDGER_CHANGE_POLICY = 1 << 2,	/* take_policy() has one */
};

struct ledger_ops {
	const char *name;
	int (*open)(struct ledger **lp, const struct tppgated_config *cfg,
		    char *err, size_t errlen);
	int (*reserve)(struct ledger *l, const struct ledger_req *req,
		       struct ledger_res *res, char *err, size_t errlen);
	/* Records the highest policy serial seen (rollback detection). */
	int (*note_serial)(struct ledger *l, uint64_t serial);
	/* A JSON object for `tppctl daemon status`. */
	json_t *(*status)(struct ledger *l);
	/*
	 * A descriptor for the loop, or -1; dispatch() runs when it is ready
	 * and answers what changed (enum ledger_change bits).
	 */
	int (*fd)(struct ledger *l);
	int (*dispatch)(struct ledger *l);
	/*
	 * Optional: a signed policy (.tpp) the ledger brought (etcd's
	 * pushed policy), malloc'd, once; -ENOENT when there is none. The
	 * daemon hands it to the kernel, which checks its signature.
	 */
	int (*take_policy)(struct ledger *l, uint8_t **file, size_t *len);
	void (*close)(struct ledger *l);
};

const struct ledger_ops *ledger_find(const char *name);
extern const struct ledger_ops ledger_local_ops;
extern const struct ledger_ops ledger_etcd_ops;

/*
 * The etcd ledger as a library, for a process that simulates many hosts
 * (make bench-scale): every instance reserves on @shared, one connection
 * the caller owns (used by one thread at a time), and starts no thread of
 * its own. The caller renews each lease, ledger_etcd_lease() (0: none)
 * and ledger_etcd_renewed() with when the keep-alive was SENT (ms of
 * CLOCK_BOOTTIME) and the TTL etcd answered (0: the lease is gone); it
 * reports the policy's
 * mod_revision it saw, ledger_etcd_policy_seen() (the snapshot cache is
 * used only under it). ops->reserve, ->status and ->close work as usual.
 * The daemon does not use this: its keep-alive keeps its own thread and
 * connection (Documentation/cluster.rst, the timing rule).
 */
struct etcd;
int ledger_etcd_open_lib(struct ledger **lp, const struct tppgated_config *cfg,
			 struct etcd *shared, char *err, size_t errlen);
uint64_t ledger_etcd_lease(struct ledger *l);
void ledger_etcd_renewed(struct ledger *l, uint64_t id, uint64_t sent_ms,
			 uint64_t ttl_s);
void ledger_etcd_policy_seen(struct ledger *l, uint64_t rev);

/*
 * state.c: the local ledger's state file, written whole or not at all
 * (write a temporary file, fsync, rename over, fsync the directory).
 */
struct ledger_state {
	uint64_t seq;		/* bumped on every write */
	char host[64];
	uint64_t reserved;
	uint64_t expires;	/* UTC seconds */
	uint64_t serial;	/* the policy it was reserved under */
	uint64_t serial_seen;	/* the highest serial ever seen */
	bool has_cluster_cap;
	uint64_t cluster_cap;
};

#define LEDGER_STATE_FILE	"ledger.json"
#define LEDGER_STATE_MAX	4096

/* Pure: a state to its text and back. -EINVAL for anything malformed. */
char *ledger_state_format(const struct ledger_state *s);
int ledger_state_parse(const char *buf, size_t len, struct ledger_state *s,
		       char *err, size_t errlen);
/* I/O. read: -ENOENT when there is no state yet. */
int ledger_state_write(const char *dir, const struct ledger_state *s);
int ledger_state_read(const char *dir, struct ledger_state *s, char *err,
		      size_t errlen);

#endif /* TPPGATED_LEDGER_H */
