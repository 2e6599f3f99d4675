/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * Helpers shared by the policy files of the library (policy.c,
 * policy_json.c); not part of its API.
 */
#ifndef TPPGATE_POLICY_INT_H
#define TPPGATE_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "libtppgate.h"

#define TPPGATE_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Formats into @err (if any) and returns @ret. */
int tppgate_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
	TPPGATE_PRINTF(4, 5);
/* @n bytes of valid UTF-8 without control characters (C0, DEL, C1). */
bool tppgate_text_ok(const char *s, size_t n);
/* Orders catalog entries as the kernel does; 0 means a duplicate. */
int tppgate_catalog_key_cmp(const struct tppgate_catalog_item *x,
			    const struct tppgate_catalog_item *y);
/* "10de:2330" or "10de:2330 subsystem 10de:16c1". */
void tppgate_catalog_key_text(const struct tppgate_catalog_item *e,
			      char *buf, size_t len);

#endif /* TPPGATE_POLICY_INT_H */
