// SPDX-License-Identifier: LGPL-2.1
/*
 * PCI addresses as people type them, turned into the kernel's own form.
 *
 * The parser is deliberately strict and does not use strtoul(): that would
 * accept leading blanks, signs and "0x", and a gate that admits hardware
 * should not guess which device was meant.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libtppgate.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A run of hex digits. Runs are read whole (up to 8 digits, so they fit the
 * value) and their width is checked by the caller, so that "001:04.0" is
 * rejected rather than read as bus 1.
 */
struct field {
	uint32_t val;
	unsigned int width;
};

static int hexfield(const char **s, struct field *f)
{
	const char *p = *s;

	f->val = 0;
	f->width = 0;
	while (hexval(*p) >= 0) {
		if (++f->width > 8)
			return -EINVAL;
		f->val = f->val << 4 | (uint32_t)hexval(*p);
		p++;
	}
	if (!f->width)
		return -EINVAL;
	*s = p;
	return 0;
}

static int expect(const char **s, char c)
{
	if (**s != c)
		return -EINVAL;
	(*s)++;
	return 0;
}

/* Splits "[D:]B:D.F" into fields; widths and ranges are checked later. */
static int split(const char *p, struct field *dom, struct field *bus,
		 struct field *dev, struct field *fn)
{
	struct field a, b;
	int err;

	err = hexfield(&p, &a);
	if (!err)
		err = expect(&p, ':');
	if (!err)
		err = hexfield(&p, &b);
	if (err)
		return err;
	if (*p == ':') {
		p++;
		*dom = a;
		*bus = b;
		err = hexfield(&p, dev);
		if (err)
			return err;
	} else {
		*dom = (struct field){ .val = 0, .width = 1 };
		*bus = a;
		*dev = b;
	}
	err = expect(&p, '.');
	if (!err)
		err = hexfield(&p, fn);
	if (!err && *p != '\0')
		err = -EINVAL;
	return err;
}

int tppgate_bdf_parse(const char *s, struct tppgate_bdf *out)
{
	struct field dom, bus, dev, fn;
	int err;

	if (!s || strnlen(s, TPPGATE_BDF_LEN) > TPPGATE_BDF_MAX)
		return -EINVAL;
	err = split(s, &dom, &bus, &dev, &fn);
	if (err)
		return err;
	if (bus.width > 2 || dev.width > 2 || fn.width > 1)
		return -EINVAL;
	if (dev.val > 0x1f || fn.val > 7)
		return -ERANGE;

	out->domain = dom.val;
	out->bus = (uint8_t)bus.val;
	out->dev = (uint8_t)dev.val;
	out->fn = (uint8_t)fn.val;
	return 0;
}

int tppgate_bdf_format(const struct tppgate_bdf *bdf, char *buf, size_t len)
{
	int n;

	if (len < TPPGATE_BDF_LEN)
		return -ENOSPC;
	if (bdf->dev > 0x1f || bdf->fn > 7)
		return -ERANGE;
	/* The kernel's pci_name(): "%04x:%02x:%02x.%d". */
	n = snprintf(buf, len, "%04x:%02x:%02x.%u", bdf->domain, bdf->bus,
		     bdf->dev, bdf->fn);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

int tppgate_bdf_normalize(const char *s, char *buf, size_t len)
{
	struct tppgate_bdf bdf;
	int err;

	err = tppgate_bdf_parse(s, &bdf);
	if (err)
		return err;
	return tppgate_bdf_format(&bdf, buf, len);
}
