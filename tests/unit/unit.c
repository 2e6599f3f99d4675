// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libtppgate and tppctl, one TAP stream. No kernel
 * module needed: the netlink tests stand in for the kernel themselves.
 */
#include "unit.h"

int main(void)
{
	test_bdf();
	test_names();
	test_decode();
	test_output();
	test_cli();
	test_nl();
	test_policy();
	test_policy_json();
	test_sign();
	test_tppctl_policy();
	return tap_done();
}
