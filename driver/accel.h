/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_ACCEL_H
#define _TPPGATE_ACCEL_H

#include <linux/types.h>

struct pci_dev;

bool tppgate_accel_match(const struct pci_dev *pdev);
bool tppgate_accel_bridge_class(u16 class);

#endif /* _TPPGATE_ACCEL_H */
