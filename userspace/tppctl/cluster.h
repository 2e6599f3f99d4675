/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tppctl push and tppctl cluster: the cluster ledger in etcd (see
 * Documentation/cluster.rst). The auditor's bookkeeping (cluster_audit.c)
 * is pure, so it is unit-tested apart from etcd.
 */
#ifndef TPPCTL_CLUSTER_H
#define TPPCTL_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "etcd.h"
#include "shard.h"
#include "tppgated.h"

struct tppctl_etcd {
	struct etcd *e;
	char cluster[ETCD_CLUSTER_MAX];
	char prefix[128], nodes[160], policy[160];
};

int tppctl_etcd_open(struct tppctl_ctx *ctx, const char *cmd,
		     const char *config, const char *endpoints,
		     const char *cluster, struct tppctl_etcd *te);

/* The share in a node key's value, {"tpp": N, "serial": S}; 0 otherwise. */
uint64_t tppctl_node_tpp(const char *text, size_t len, uint64_t *serial);

/*
 * The auditor: fed every change under the cluster prefix in revision
 * order, it checks after each revision that no share was raised while
 * the sum of shares exceeds the cap of the policy in force at that
 * revision. A sum over the cap with no share raised is the cap having
 * been lowered (hosts then shrink): reported, not a violation.
 *
 * Sharded ([etcd] shards > 1; see shard.h) it also checks, at every
 * revision: that no share was raised in a shard holding more than its
 * sub-cap K_t = floor(C * w_t / SHARD_WEIGHT) (no caps key: 0); that no
 * revision writing weights leaves them summing past SHARD_WEIGHT (the
 * sub-caps could then sum past the cap); and that no weight was lowered
 * under what its shard holds.
 */
struct audit_node {
	char *key;
	int shard;			/* -1: the flat nodes/ layout */
	uint64_t tpp;
};

struct audit {
	struct audit_node *node;
	size_t n, alloc;
	bool has_cap;
	uint64_t cap, serial;
	uint64_t rev;			/* the revision being gathered */
	uint64_t last_rev;		/* the last one closed */
	bool raised;			/* a share grew in @rev */
	char raised_key[160];
	uint64_t raised_to;
	/* Sharded: the weights, and what @rev did to them. */
	uint64_t w[SHARDS_MAX];
	bool has_w[SHARDS_MAX];
	uint8_t raised_in[(SHARDS_MAX + 7) / 8], lowered[(SHARDS_MAX + 7) / 8];
	bool w_written;
	/* Results: */
	uint64_t revisions, max_sum, violations, first_violation;
	uint64_t first_violation_sum, first_violation_cap;
	char first_violation_key[160];
	char first_violation_what[192];	/* "" for a share raised over the cap */
	uint64_t over_revisions;	/* over the cap after a lowering */
	uint64_t last_over;		/* the last such revision */
};

void audit_init(struct audit *a);
void audit_free(struct audit *a);
/* A change at @rev (>= the previous one) of @key under @nodes or @policy. */
int audit_node(struct audit *a, uint64_t rev, const char *key, bool deleted,
	       uint64_t tpp);
/* The same for a key of shard @shard (-1: flat). */
int audit_shard_node(struct audit *a, uint64_t rev, const char *key,
		     int shard, bool deleted, uint64_t tpp);
/* Shard @shard's weight (its caps key) at @rev. */
int audit_weight(struct audit *a, uint64_t rev, unsigned int shard,
		 bool deleted, uint64_t w);
int audit_policy(struct audit *a, uint64_t rev, bool deleted, bool has_cap,
		 uint64_t cap, uint64_t serial);
/* Closes the revision being gathered (call once at the end too). */
void audit_close_rev(struct audit *a);
uint64_t audit_sum(const struct audit *a);

#endif /* TPPCTL_CLUSTER_H */
