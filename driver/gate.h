/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_GATE_H
#define _TPPGATE_GATE_H

#include <linux/types.h>
#include <linux/tppgate.h>

struct pci_dev;
struct netlink_ext_ack;
struct tppgate_policy;

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

int tppgate_gate_init(void);
void tppgate_gate_uninit(void);

int tppgate_gate_admit(struct pci_dev *pdev, struct netlink_ext_ack *extack);
int tppgate_gate_quarantine(struct pci_dev *pdev, struct netlink_ext_ack *extack);

int tppgate_gate_get(struct pci_dev *pdev, struct tppgate_dev_info *info);
struct pci_dev *tppgate_gate_get_nth(unsigned long idx,
				     struct tppgate_dev_info *info);
void tppgate_gate_counts(struct tppgate_counts *counts);
enum tppgate_boot_mode tppgate_gate_boot_mode(void);
bool tppgate_gate_boot_vga_gated(void);

bool tppgate_gate_should_hold(struct pci_dev *pdev);

int tppgate_gate_set_policy(struct tppgate_policy *p,
			    struct netlink_ext_ack *extack);
const struct tppgate_policy *tppgate_gate_policy(void);
bool tppgate_gate_policy_expired(void);
bool tppgate_gate_manual(void);

#endif /* _TPPGATE_GATE_H */
