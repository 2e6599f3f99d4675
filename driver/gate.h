/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_GATE_H
#define _TPPGATE_GATE_H

#include <linux/types.h>
#include <linux/tppgate.h>

struct pci_dev;
struct netlink_ext_ack;
struct tppgate_policy;

int tppgate_gate_init(void);
void tppgate_gate_uninit(void);

int tppgate_gate_admit(struct pci_dev *pdev, struct netlink_ext_ack *extack);
int tppgate_gate_quarantine(struct pci_dev *pdev, struct netlink_ext_ack *extack);
enum tppgate_boot_mode tppgate_gate_boot_mode(void);
bool tppgate_gate_boot_vga_gated(void);
bool tppgate_gate_manual(void);

int tppgate_gate_set_policy(struct tppgate_policy *p,
			    struct netlink_ext_ack *extack);
const struct tppgate_policy *tppgate_gate_policy(void);
bool tppgate_gate_policy_expired(void);

#endif /* _TPPGATE_GATE_H */
