// SPDX-License-Identifier: GPL-2.0
void test_daemon(void);
void test_daemon(void)
{
}
