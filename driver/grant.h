/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_GRANT_H
#define _TPPGATE_GRANT_H

#include <linux/ktime.h>
#include <linux/types.h>

struct netlink_ext_ack;
struct tppgate_limit;
struct tppgate_policy;

/**
 * enum tppgate_grant_phase - where the grant stands
 * @TPPGATE_GRANT_UNUSED: the policy requires no grant
 * @TPPGATE_GRANT_HELD: a grant for the policy in force, within its lease
 * @TPPGATE_GRANT_LAPSED: none, or its lease is over, for less than the
 *	policy's offline grace: nothing new is admitted
 * @TPPGATE_GRANT_OFFLINE: lapsed for the offline grace or longer: the
 *	policy's offline cap applies
 */
enum tppgate_grant_phase {
	TPPGATE_GRANT_UNUSED,
	TPPGATE_GRANT_HELD,
	TPPGATE_GRANT_LAPSED,
	TPPGATE_GRANT_OFFLINE,
};

/**
 * struct tppgate_grant_status - the grant as STATUS_GET reports it
 * @phase: enum tppgate_grant_phase
 * @has_grant: a grant for the policy in force was received
 * @tpp: the TPP it grants
 * @serial: the policy serial it was computed for
 * @lease_left_ms: until its lease ends, 0 once over
 * @offline_secs: how long the grant has been lapsed (phases lapsed and
 *	offline)
 * @capped: @cap applies
 * @cap: the cap admission uses now
 */
struct tppgate_grant_status {
	enum tppgate_grant_phase phase;
	bool has_grant;
	u64 tpp;
	u64 serial;
	u64 lease_left_ms;
	u64 offline_secs;
	bool capped;
	u64 cap;
};

void tppgate_grant_reset(ktime_t now);
int tppgate_grant_set(const struct tppgate_policy *p, u64 tpp, u32 lease,
		      u64 serial, ktime_t now, struct netlink_ext_ack *extack);
enum tppgate_grant_phase tppgate_grant_phase(const struct tppgate_policy *p,
					     ktime_t now);
void tppgate_grant_limit(const struct tppgate_policy *p, ktime_t now,
			 struct tppgate_limit *limit);
bool tppgate_grant_next_change(const struct tppgate_policy *p, ktime_t now,
			       ktime_t *when);
void tppgate_grant_status(const struct tppgate_policy *p, ktime_t now,
			  struct tppgate_grant_status *st);

#endif /* _TPPGATE_GRANT_H */
