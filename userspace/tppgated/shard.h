/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sharded etcd ledger's arithmetic (pure; Documentation/cluster.rst,
 * "Shards"). With [etcd] shards = S > 1 the cluster cap C is split into S
 * sub-caps. Shard t's sub-cap is stored as a weight w_t (parts of
 * SHARD_WEIGHT) under /tppgate/<cluster>/caps/<t>, never as TPP, so
 *
 *	K_t = floor(C * w_t / SHARD_WEIGHT),  sum_t w_t <= SHARD_WEIGHT
 *
 * gives sum_t K_t <= C for every cap C, including right after a push
 * lowered it: no sub-cap key has to be rewritten for that to hold.
 */
#ifndef TPPGATED_SHARD_H
#define TPPGATED_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHARD_WEIGHT	1000000ULL
#define SHARDS_MAX	100	/* a bootstrap writes them all in one txn */
#define SHARD_DONORS	32	/* shards lowered by one rebalance */

/* The shard of @host among @shards: FNV-1a of the name, modulo. */
unsigned int shard_of(const char *host, unsigned int shards);
/* K = floor(cap * w / SHARD_WEIGHT), without overflow. */
uint64_t shard_subcap(uint64_t cap, uint64_t w);
/* The least weight whose sub-cap under @cap is at least @tpp. */
uint64_t shard_weight_for(uint64_t cap, uint64_t tpp);
/*
 * Max-min fair shares of @cap over @n demands: every demand up to an
 * equal level, the level as high as @cap allows. Sum of @out <= @cap.
 */
void shard_maxmin(uint64_t cap, const uint64_t *demand, size_t n,
		  uint64_t *out);

/**
 * struct shard_view - every shard at one revision, for a rebalance
 * @w: weights; @held: the sum of shares in the shard; @demand: the sum
 *	of what its hosts want (max of "want" and "tpp" per host)
 */
struct shard_view {
	uint64_t w[SHARDS_MAX], held[SHARDS_MAX], demand[SHARDS_MAX];
};

/*
 * The deterministic rebalance for shard @me under cap @cap: @me's
 * sub-cap is raised towards its max-min fair share of @cap over the
 * shards' demands, first from unassigned weight, then from shards above
 * their own fair share, each lowered to no less than max(fair, held) --
 * never below what it holds (@ignore_held: the test-only broken rule).
 * Writes the new weights to @w_out, sets bit t of @lowered for each
 * shard lowered. Return: true if anything changes.
 */
bool shard_rebalance(uint64_t cap, unsigned int shards, unsigned int me,
		     const struct shard_view *v, bool ignore_held,
		     uint64_t *w_out, uint8_t *lowered);

#endif /* TPPGATED_SHARD_H */
