/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_QUARANTINE_H
#define _TPPGATE_QUARANTINE_H

#include <linux/types.h>

struct pci_dev;

int tppgate_quarantine_init(void);
void tppgate_quarantine_uninit(void);
bool tppgate_quarantine_holds(struct pci_dev *pdev);

#endif /* _TPPGATE_QUARANTINE_H */
