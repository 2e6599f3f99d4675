/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_ACCEL_H
#define _TPPGATE_ACCEL_H

#include <linux/types.h>

struct pci_dev;

int tppgate_accel_init(void);
void tppgate_accel_uninit(void);
bool tppgate_accel_match(const struct pci_dev *pdev);

#endif /* _TPPGATE_ACCEL_H */
