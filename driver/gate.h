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

void tppgate_gate_sweep(void);
bool tppgate_gate_is_accel(struct pci_dev *pdev);
void tppgate_gate_kick(bool sweep);
void tppgate_gate_reclaim(void);
void tppgate_gate_announce(enum tppgate_event event, struct pci_dev *pdev);

void tppgate_gate_lock(void);
void tppgate_gate_unlock(void);
int tppgate_gate_hold(struct pci_dev *pdev);
void tppgate_gate_release(struct pci_dev *pdev);
void tppgate_gate_evaluate(void);

int tppgate_gate_set_grant(u64 tpp, u32 lease, u64 serial,
			   struct netlink_ext_ack *extack);
int tppgate_gate_set_policy(struct tppgate_policy *p,
			    struct netlink_ext_ack *extack);
const struct tppgate_policy *tppgate_gate_policy(void);
bool tppgate_gate_policy_expired(void);

#endif /* _TPPGATE_GATE_H */
