/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_NETLINK_H
#define _TPPGATE_NETLINK_H

int tppgate_netlink_init(void);
void tppgate_netlink_uninit(void);

#endif /* _TPPGATE_NETLINK_H */
