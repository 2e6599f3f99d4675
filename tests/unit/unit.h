/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UNIT_H
#define UNIT_H

#include <stddef.h>

#include "tap.h"

void test_bdf(void);
void test_names(void);
void test_decode(void);
void test_output(void);
void test_cli(void);
void test_nl(void);
void test_policy(void);
void test_policy_json(void);
void test_sign(void);
void test_tppctl_policy(void);
void test_parity(void);
void test_daemon(void);
void test_grant(void);
void test_cluster(void);

int unit_run_in(const char *dir, char *const argv[]);
int unit_sha256sum(const void *data, size_t len, unsigned char out[32]);

#endif /* UNIT_H */
