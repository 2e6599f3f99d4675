/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_DECIDE_H
#define _TPPGATE_DECIDE_H

#include <linux/types.h>
#include <linux/tppgate.h>

struct pci_dev;
struct tppgate_policy;

/**
 * struct tppgate_decision - one device, before and after a decision
 * @pdev: the device
 * @state: its state now; on return, the state it should have
 * @reason: its reason now; on return, the reason it should have
 * @seq: admission order of a running device (0 if never admitted)
 * @tpp: on return, the TPP the policy assigns it
 */
struct tppgate_decision {
	struct pci_dev *pdev;
	enum tppgate_state state;
	enum tppgate_reason reason;
	u64 seq;
	u64 tpp;
};

void tppgate_decide(const struct tppgate_policy *p, bool expired,
		    struct tppgate_decision *d, size_t n,
		    struct tppgate_decision **scratch);

#endif /* _TPPGATE_DECIDE_H */
