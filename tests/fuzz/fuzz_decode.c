// SPDX-License-Identifier: GPL-2.0
/*
 * The attribute decoders on arbitrary bytes, taken as the attribute stream
 * of a reply (what follows the genl header). The same bytes go through the
 * device, status and event decoders. What they accept must be within range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_device(const struct tppgate_device_info *d)
{
	char norm[TPPGATE_BDF_LEN];
	size_t i;

	/* States and reasons newer than the library are kept as numbers. */
	if (d->class > 0xffffff)
		abort();
	if (tppgate_bdf_normalize(d->bdf, norm, sizeof(norm)) ||
	    strcmp(norm, d->bdf))
		abort();
	for (i = 0; d->driver[i]; i++)
		if ((unsigned char)d->driver[i] < 0x20 ||
		    (unsigned char)d->driver[i] >= 0x7f)
			abort();
	if (i >= sizeof(d->driver))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tppgate_device_info dev;
	struct tppgate_status_info st;
	struct tppgate_event_info ev;
	void *buf;

	/* An exact-size heap copy: ASan catches any read past the end. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	if (!tppgate_decode_device_attrs(buf, size, &dev))
		check_device(&dev);
	if (!tppgate_decode_status_attrs(buf, size, &st) &&
	    (!tppgate_boot_mode_name(st.boot_mode) ||
	     strnlen(st.version, sizeof(st.version)) == sizeof(st.version)))
		abort();
	if (!tppgate_decode_event_attrs(buf, size, &ev)) {
		if (!tppgate_event_name(ev.event) ||
		    ev.has_device != tppgate_event_is_device(ev.event))
			abort();
		if (ev.has_device)
			check_device(&ev.device);
	}
	free(buf);
	return 0;
}
