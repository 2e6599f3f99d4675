// SPDX-License-Identifier: GPL-2.0
/*
 * The BDF parser on arbitrary bytes. Beyond not crashing: whatever it
 * accepts must normalize to a string that fits TPPGATE_BDF_MAX, parses back
 * to the same address, and normalizes to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libtppgate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], out[TPPGATE_BDF_LEN], again[TPPGATE_BDF_LEN];
	struct tppgate_bdf a, b;
	size_t n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;

	memcpy(in, data, n);
	in[n] = '\0';
	if (tppgate_bdf_normalize(in, out, sizeof(out)))
		return 0;
	if (strlen(out) > TPPGATE_BDF_MAX)
		abort();
	if (tppgate_bdf_parse(in, &a) || tppgate_bdf_parse(out, &b))
		abort();
	if (a.domain != b.domain || a.bus != b.bus || a.dev != b.dev ||
	    a.fn != b.fn || a.dev > 0x1f || a.fn > 7)
		abort();
	if (tppgate_bdf_normalize(out, again, sizeof(again)) ||
	    strcmp(out, again))
		abort();
	return 0;
}
