/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_LOAD_H
#define _TPPGATE_LOAD_H

struct netlink_ext_ack;
struct nlattr;

int tppgate_load_policy(const struct nlattr *blob, const struct nlattr *sig,
			struct netlink_ext_ack *extack);

#endif /* _TPPGATE_LOAD_H */
