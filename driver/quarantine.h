/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_QUARANTINE_H
#define _TPPGATE_QUARANTINE_H

int tppgate_quarantine_init(void);
void tppgate_quarantine_uninit(void);

#endif /* _TPPGATE_QUARANTINE_H */
