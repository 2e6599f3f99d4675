/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_NOTIFIER_H
#define _TPPGATE_NOTIFIER_H

int tppgate_notifier_init(void);
void tppgate_notifier_uninit(void);

#endif /* _TPPGATE_NOTIFIER_H */
