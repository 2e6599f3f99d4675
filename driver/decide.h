/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_DECIDE_H
#define _TPPGATE_DECIDE_H

#include <linux/types.h>

#include "types.h"

struct tppgate_policy;

/**
 * struct tppgate_limit - the cap admission works under
 * @capped: @cap applies; without it every allowed device fits
 * @cap: TPP that may run on this host
 * @frozen: nothing new is admitted (the grant lapsed); running devices are
 *	still judged against @cap
 * @expired: the policy in force has passed its not-after
 */
struct tppgate_limit {
	bool capped;
	u64 cap;
	bool frozen;
	bool expired;
};

void tppgate_decide(const struct tppgate_policy *p,
		    const struct tppgate_limit *limit,
		    struct tppgate_decision *d, size_t n,
		    struct tppgate_decision **scratch);

#endif /* _TPPGATE_DECIDE_H */
