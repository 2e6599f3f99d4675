/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_REGISTRY_H
#define _TPPGATE_REGISTRY_H

#include <linux/types.h>
#include <linux/tppgate.h>

struct netlink_ext_ack;
struct pci_dev;
struct tppgate_decision;

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
 * struct tppgate_counts - how many tracked devices are in each state
 * @n: indexed by enum tppgate_state
 * @admitted_tpp: TPP of the admitted, over-cap and unmanaged-bound devices
 */
struct tppgate_counts {
	u32 n[__TPPGATE_STATE_MAX];
	u64 admitted_tpp;
};

int tppgate_registry_track(struct pci_dev *pdev, enum tppgate_state state,
			   enum tppgate_reason reason, u32 flags);
bool tppgate_registry_known(struct pci_dev *pdev);
void tppgate_registry_set(struct pci_dev *pdev, enum tppgate_state state,
			  enum tppgate_reason reason);
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
bool tppgate_registry_next_revoke(u32 deadline, unsigned long *due);
struct pci_dev *tppgate_registry_take_revocable(u32 deadline);
struct pci_dev *tppgate_registry_take_held(void);
void tppgate_registry_remove(struct pci_dev *pdev);
void tppgate_registry_close(void);
bool tppgate_registry_closing(void);
void tppgate_registry_clear(void);

#endif /* _TPPGATE_REGISTRY_H */
