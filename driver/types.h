/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types that several units pass between them. A header with no .c: it
 * creates no dependency between units.
 */
#ifndef _TPPGATE_TYPES_H
#define _TPPGATE_TYPES_H

#include <linux/types.h>
#include <linux/tppgate.h>

struct pci_dev;

/**
 * struct tppgate_dev_info - a snapshot of what the gate knows of a device
 * @state: enum tppgate_state
 * @reason: enum tppgate_reason
 * @tpp: the device's TPP, 0 while no policy assigns one
 * @flags: TPPGATE_DEVICE_F_*
 */
struct tppgate_dev_info {
	enum tppgate_state state;
	enum tppgate_reason reason;
	u64 tpp;
	u32 flags;
};

/**
 * struct tppgate_decision - one device, before and after a decision
 * @pdev: the device
 * @state: its state now; on return, the state it should have
 * @reason: its reason now; on return, the reason it should have
 * @seq: admission order of a running device (0 if never admitted)
 * @tpp: on return, the TPP the policy assigns it
 * @manual: an administrator decided its state; the decision keeps it
 */
struct tppgate_decision {
	struct pci_dev *pdev;
	enum tppgate_state state;
	enum tppgate_reason reason;
	u64 seq;
	u64 tpp;
	bool manual;
};

#endif /* _TPPGATE_TYPES_H */
