/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_MANUAL_H
#define _TPPGATE_MANUAL_H

struct netlink_ext_ack;
struct pci_dev;

int tppgate_manual_admit(struct pci_dev *pdev, struct netlink_ext_ack *extack);
int tppgate_manual_quarantine(struct pci_dev *pdev, struct netlink_ext_ack *extack);

#endif /* _TPPGATE_MANUAL_H */
