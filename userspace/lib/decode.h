/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * Pure decoders: bytes the kernel sent in, plain structs out. No I/O, no
 * allocation, so they can be unit-tested with hand-built attributes and
 * fuzzed with raw bytes.
 *
 * Buffers must be 4-byte aligned, as netlink messages always are; anything
 * else is rejected with -EINVAL. Lengths above TPPGATE_DECODE_MAX are
 * rejected with -EMSGSIZE. Malformed input gives -EINVAL and leaves *out in
 * an unspecified state.
 */
#ifndef TPPGATE_DECODE_H
#define TPPGATE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "libtppgate.h"

struct nlattr;

/* Largest message or attribute stream the decoders look at. */
#define TPPGATE_DECODE_MAX	(64 * 1024)

/* The attributes nested in TPPGATE_A_DEVICE. */
int tppgate_decode_device_nest(const struct nlattr *nest,
			       struct tppgate_device_info *out);

/* The attribute streams of whole replies (after the genl header). */
int tppgate_decode_device_attrs(const void *attrs, size_t len,
				struct tppgate_device_info *out);
int tppgate_decode_status_attrs(const void *attrs, size_t len,
				struct tppgate_status_info *out);
int tppgate_decode_event_attrs(const void *attrs, size_t len,
			       struct tppgate_event_info *out);
/* A POLICY_GET or POLICY_SET reply: TPPGATE_A_POLICY_INFO. */
int tppgate_decode_policy_info_attrs(const void *attrs, size_t len,
				     struct tppgate_policy_info *out);

/*
 * One NLMSG_ERROR or NLMSG_DONE message: *@errp gets the error it carries
 * (0 for an ack) and @msg the NLMSGERR_ATTR_MSG string, "" if none, cut to
 * @msglen and with non-printable bytes replaced by '?'. If @offp, it gets
 * NLMSGERR_ATTR_OFFS (where in the request the bad attribute is, from its
 * nlmsghdr), or 0 if the kernel pointed nowhere.
 */
int tppgate_decode_extack(const void *buf, size_t len, int *errp,
			  char *msg, size_t msglen, uint32_t *offp);

/*
 * A datagram from the events socket: calls @cb for every TPPGATE_CMD_EVENT
 * message of family @family in it. Messages of other types or commands are
 * ignored. Returns 0, -EBADMSG if something malformed was skipped, or the
 * first negative value @cb returned.
 */
int tppgate_decode_events(const void *buf, size_t len, uint16_t family,
			  tppgate_event_cb cb, void *ctx);

#endif /* TPPGATE_DECODE_H */
