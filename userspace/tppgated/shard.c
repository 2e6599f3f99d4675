// SPDX-License-Identifier: GPL-2.0
/* The sharded ledger's arithmetic (pure; see shard.h). */
#include <stdlib.h>
#include <string.h>

#include "shard.h"

unsigned int shard_of(const char *host, unsigned int shards)
{
	uint32_t h = 2166136261u;

	for (; *host; host++)
		h = (h ^ (uint8_t)*host) * 16777619u;
	return shards ? h % shards : 0;
}

uint64_t shard_subcap(uint64_t cap, uint64_t w)
{
	if (w > SHARD_WEIGHT)
		w = SHARD_WEIGHT;
	return (uint64_t)((unsigned __int128)cap * w / SHARD_WEIGHT);
}

uint64_t shard_weight_for(uint64_t cap, uint64_t tpp)
{
	unsigned __int128 w;

	if (!tpp)
		return 0;
	if (!cap || tpp >= cap)
		return SHARD_WEIGHT;
	w = ((unsigned __int128)tpp * SHARD_WEIGHT + cap - 1) / cap;
	return w > SHARD_WEIGHT ? SHARD_WEIGHT : (uint64_t)w;
}

void shard_maxmin(uint64_t cap, const uint64_t *demand, size_t n,
		  uint64_t *out)
{
	uint64_t left = cap;
	size_t open = 0, i;

	for (i = 0; i < n; i++) {
		out[i] = 0;
		if (demand[i])
			open++;
	}
	/* Each round: an equal level over the unsatisfied; the satisfied leave. */
	while (open && left) {
		uint64_t level = left / open, given = 0;
		size_t still = 0;

		if (!level)
			level = 1;
		for (i = 0; i < n && given < left; i++) {
			uint64_t need = demand[i] - out[i], g;

			if (!need)
				continue;
			g = need < level ? need : level;
			if (g > left - given)
				g = left - given;
			out[i] += g;
			given += g;
			if (out[i] < demand[i])
				still++;
		}
		left -= given;
		open = still;
	}
}

bool shard_rebalance(uint64_t cap, unsigned int shards, unsigned int me,
		     const struct shard_view *v, bool ignore_held,
		     uint64_t *w_out, uint8_t *lowered)
{
	uint64_t fair[SHARDS_MAX], sum = 0, need, goal;
	unsigned int t, donors = 0;

	memset(lowered, 0, (SHARDS_MAX + 7) / 8);
	memcpy(w_out, v->w, shards * sizeof(*w_out));
	if (!cap || shards > SHARDS_MAX || me >= shards)
		return false;
	shard_maxmin(cap, v->demand, shards, fair);
	goal = shard_weight_for(cap, fair[me]);
	if (goal <= v->w[me])
		return false;
	need = goal - v->w[me];
	for (t = 0; t < shards; t++)
		sum += v->w[t];
	/* Unassigned weight first: it lowers no one. */
	if (sum < SHARD_WEIGHT) {
		uint64_t g = SHARD_WEIGHT - sum < need ? SHARD_WEIGHT - sum : need;

		w_out[me] += g;
		need -= g;
	}
	for (t = 0; t < shards && need && donors < SHARD_DONORS; t++) {
		uint64_t floor_tpp, keep, g;

		if (t == me)
			continue;
		floor_tpp = fair[t];
		if (!ignore_held && v->held[t] > floor_tpp)
			floor_tpp = v->held[t];
		keep = shard_weight_for(cap, floor_tpp);
		if (v->w[t] <= keep)
			continue;
		g = v->w[t] - keep < need ? v->w[t] - keep : need;
		w_out[t] -= g;
		w_out[me] += g;
		need -= g;
		lowered[t / 8] |= 1 << (t % 8);
		donors++;
	}
	return w_out[me] != v->w[me];
}
