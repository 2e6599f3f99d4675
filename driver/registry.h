/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_REGISTRY_H
#define _TPPGATE_REGISTRY_H

#include <linux/ktime.h>
#include <linux/types.h>

#include "types.h"

struct netlink_ext_ack;
struct pci_dev;

/**
 * struct tppgate_counts - how many tracked devices are in each state
 * @n: indexed by enum tppgate_state
 * @counted_tpp: TPP counted against the cap: admitted, over-cap and
 *	unmanaged-bound devices, and the ungated boot VGA device
 */
struct tppgate_counts {
	u32 n[__TPPGATE_STATE_MAX];
	u64 counted_tpp;
};

int tppgate_registry_track(struct pci_dev *pdev, enum tppgate_state state,
			   enum tppgate_reason reason, u32 flags);
bool tppgate_registry_known(struct pci_dev *pdev);
void tppgate_registry_set(struct pci_dev *pdev, enum tppgate_state state,
			  enum tppgate_reason reason);
void tppgate_registry_set_manual(struct pci_dev *pdev, enum tppgate_state state);
bool tppgate_registry_set_held(struct pci_dev *pdev, bool held);
bool tppgate_registry_held(struct pci_dev *pdev);
int tppgate_registry_record(const struct tppgate_decision *d);
int tppgate_registry_gated_state(struct pci_dev *pdev,
				 enum tppgate_state *state,
				 struct netlink_ext_ack *extack);
int tppgate_registry_get(struct pci_dev *pdev, struct tppgate_dev_info *info);
struct pci_dev *tppgate_registry_get_nth(unsigned long idx,
					 struct tppgate_dev_info *info);
void tppgate_registry_counts(struct tppgate_counts *counts);
bool tppgate_registry_should_hold(struct pci_dev *pdev);
ssize_t tppgate_registry_snapshot(struct tppgate_decision **out, bool *more);
bool tppgate_registry_next_revoke(u32 deadline, ktime_t *due);
struct pci_dev *tppgate_registry_take_revocable(u32 deadline, ktime_t now);
struct pci_dev *tppgate_registry_take_held(void);
void tppgate_registry_remove(struct pci_dev *pdev);
void tppgate_registry_close(void);
bool tppgate_registry_closing(void);
void tppgate_registry_clear(void);

#endif /* _TPPGATE_REGISTRY_H */
