/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_KEYS_H
#define _TPPGATE_KEYS_H

#include <linux/types.h>

struct netlink_ext_ack;

/* Concatenated DER certificates, embedded at build time (certs-to-c). */
extern const u8 tppgate_certs[];
extern const size_t tppgate_certs_len;

int tppgate_keys_init(void);
void tppgate_keys_uninit(void);
int tppgate_keys_verify(const void *data, size_t len, const void *sig,
			size_t sig_len, struct netlink_ext_ack *extack);

#endif /* _TPPGATE_KEYS_H */
