// SPDX-License-Identifier: GPL-2.0
/*
 * The .tpp splitter on arbitrary bytes. What it accepts must be exactly
 * blob, signature and trailer, within bounds, and join back to the same
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libtppgate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[TPPGATE_FILE_MAX];
	const void *blob, *sig;
	size_t bl, sl, len;
	uint8_t *buf;

	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!tppgate_file_split(buf, size, &blob, &bl, &sig, &sl)) {
		if (!tppgate_file_is_signed(buf, size) || blob != buf ||
		    sig != buf + bl || !bl || !sl ||
		    bl > TPPGATE_POLICY_MAX || sl > TPPGATE_SIGNATURE_MAX ||
		    bl + sl + TPPGATE_TRAILER_LEN != size)
			abort();
		if (tppgate_file_join(blob, bl, sig, sl, out, sizeof(out), &len) ||
		    len != size || memcmp(out, buf, size))
			abort();
	}
	free(buf);
	return 0;
}
