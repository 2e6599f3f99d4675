// SPDX-License-Identifier: GPL-2.0
/*
 * Whole netlink messages on arbitrary bytes: the extended-ack parser
 * (NLMSG_ERROR and NLMSG_DONE, echoed requests, TLVs) and the walk over an
 * events datagram. Messages of family 0x20 count as tppgate's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define FAMILY 0x20

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(const struct tppgate_event_info *ev, void *ctx)
{
	(void)ctx;
	if (!tppgate_event_name(ev->event))
		abort();
	/* A device's state may be newer than the library: no name is fine. */
	if (ev->has_device && ev->device.class > 0xffffff)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[TPPGATE_ERRMSG_LEN];
	size_t i;
	void *buf;
	int err;

	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	memset(msg, 'x', sizeof(msg));
	tppgate_decode_extack(buf, size, &err, msg, sizeof(msg), NULL);
	/* Always a terminated, printable string. */
	for (i = 0; i < sizeof(msg) && msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f)
			abort();
	if (i == sizeof(msg))
		abort();

	tppgate_decode_events(buf, size, FAMILY, on_event, NULL);
	free(buf);
	return 0;
}
