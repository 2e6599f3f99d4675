// SPDX-License-Identifier: GPL-2.0
/* PCI addresses typed by people, normalized to the kernel's form. */
#include <errno.h>
#include <string.h>

#include "libtppgate.h"
#include "unit.h"

static void normalizes(const char *in, const char *want)
{
	char buf[TPPGATE_BDF_LEN];
	int err;

	memset(buf, 'x', sizeof(buf));
	err = tppgate_bdf_normalize(in, buf, sizeof(buf));
	if (is_int(err, 0, "bdf '%s' is accepted", in))
		is_str(buf, want, "bdf '%s' normalizes to %s", in, want);
}

static void rejects(const char *in, int want, const char *why)
{
	char buf[TPPGATE_BDF_LEN];

	is_int(tppgate_bdf_normalize(in, buf, sizeof(buf)), want,
	       "bdf '%s' is rejected (%s)", in ? in : "NULL", why);
}

static void valid(void)
{
	normalizes("0000:00:04.0", "0000:00:04.0");
	normalizes("00:04.0", "0000:00:04.0");
	normalizes("0000:AB:1F.7", "0000:ab:1f.7");
	normalizes("0000:aB:0c.3", "0000:ab:0c.3");
	normalizes("0:4.0", "0000:00:04.0");
	normalizes("1:2:3.4", "0001:02:03.4");
	normalizes("00:1f.7", "0000:00:1f.7");
	normalizes("ff:00.0", "0000:ff:00.0");
	normalizes("10000:00:00.0", "10000:00:00.0");
	/* The longest the kernel can print: exactly TPPGATE_BDF_MAX. */
	normalizes("ffffffff:ff:1f.7", "ffffffff:ff:1f.7");
	normalizes("0000ffff:01:00.1", "ffff:01:00.1");
}

static void invalid(void)
{
	rejects(NULL, -EINVAL, "null");
	rejects("", -EINVAL, "empty");
	rejects("0000:00:04", -EINVAL, "no function");
	rejects("0000:00:04.", -EINVAL, "empty function");
	rejects("0000:00.04.0", -EINVAL, "dot for colon");
	rejects("0000:00:04:0", -EINVAL, "colon for dot");
	rejects(" 00:04.0", -EINVAL, "leading blank");
	rejects("00:04.0 ", -EINVAL, "trailing blank");
	rejects("00:04.0\n", -EINVAL, "trailing newline");
	rejects("0x0:04.0", -EINVAL, "0x prefix");
	rejects("+0:04.0", -EINVAL, "sign");
	rejects("-1:00:04.0", -EINVAL, "negative");
	rejects("000:04.0", -EINVAL, "three-digit bus");
	rejects("0000:000:04.0", -EINVAL, "three-digit bus with domain");
	rejects("0000:00:004.0", -EINVAL, "three-digit device");
	rejects("0000:00:04.00", -EINVAL, "two-digit function");
	rejects("0000:00:04.0.0", -EINVAL, "two dots");
	rejects("a:b:c:d.0", -EINVAL, "four fields");
	rejects(":00:04.0", -EINVAL, "empty domain");
	rejects("00::04.0", -EINVAL, "empty bus");
	rejects("g0:04.0", -EINVAL, "not hex");
	rejects("000000000:00:04.0", -EINVAL, "nine-digit domain");
	rejects("0000:00:04.0000000", -EINVAL, "longer than TPPGATE_BDF_MAX");
	rejects("0000:00:04.0\x01", -EINVAL, "control character");
	rejects("not-a-bdf", -EINVAL, "garbage");
}

static void out_of_range(void)
{
	rejects("00:20.0", -ERANGE, "device 0x20");
	rejects("00:ff.0", -ERANGE, "device 0xff");
	rejects("00:04.8", -ERANGE, "function 8");
	rejects("00:04.f", -ERANGE, "function f");
	rejects("0000:00:1f.8", -ERANGE, "function 8 at device 1f");
}

static void parse_and_format(void)
{
	struct tppgate_bdf b = { 0 };
	char buf[TPPGATE_BDF_LEN];

	is_int(tppgate_bdf_parse("0002:3a:1e.6", &b), 0, "parse 0002:3a:1e.6");
	ok(b.domain == 2 && b.bus == 0x3a && b.dev == 0x1e && b.fn == 6,
	   "fields of 0002:3a:1e.6 are 2, 3a, 1e, 6");
	is_int(tppgate_bdf_format(&b, buf, sizeof(buf) - 1), -ENOSPC,
	       "format refuses a buffer shorter than TPPGATE_BDF_LEN");
	is_int(tppgate_bdf_format(&b, buf, sizeof(buf)), 0,
	       "format into TPPGATE_BDF_LEN bytes");
	is_str(buf, "0002:3a:1e.6", "format gives the kernel's form");
	b.dev = 0x20;
	is_int(tppgate_bdf_format(&b, buf, sizeof(buf)), -ERANGE,
	       "format refuses device 0x20");
	b.dev = 0;
	b.fn = 8;
	is_int(tppgate_bdf_format(&b, buf, sizeof(buf)), -ERANGE,
	       "format refuses function 8");
}

void test_bdf(void)
{
	valid();
	invalid();
	out_of_range();
	parse_and_format();
}
