// SPDX-License-Identifier: GPL-2.0
/*
 * The policy blob decoder on arbitrary bytes. Beyond not crashing: what it
 * accepts must pass the codec's own validation, encode again, and decode
 * to the same policy; and looking up an attribute by offset must be safe
 * anywhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libtppgate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[TPPGATE_POLICY_MAX];
	struct tppgate_policy_src p, q;
	char err[256];
	size_t len, off;
	void *buf;
	int ret;

	/* An exact-size heap copy: ASan catches any read past the end. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (off = 0; off <= size; off += 1 + size / 8)
		tppgate_policy_attr_at(buf, size, off);

	memset(err, 'x', sizeof(err));
	ret = tppgate_policy_decode(buf, size, &p, err, sizeof(err));
	if (ret && !memchr(err, '\0', sizeof(err)))
		abort();	/* a failure always says why, terminated */
	if (!ret) {
		if (tppgate_policy_validate(&p, NULL, 0))
			abort();
		if (tppgate_policy_encode(&p, out, sizeof(out), &len, NULL, 0))
			abort();
		if (tppgate_policy_decode(out, len, &q, NULL, 0) ||
		    !tppgate_policy_equal(&p, &q))
			abort();
		tppgate_policy_free(&q);
	}
	tppgate_policy_free(&p);
	free(buf);
	return 0;
}
