/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builders of the messages the kernel sends, with libnl's own attribute
 * helpers, for the decoder tests and the stand-in kernel of test_nl.c.
 * An attribute list can be copied and bent (wrong type, missing, too long)
 * to make the malformed cases.
 */
#ifndef MSGS_H
#define MSGS_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/msg.h>

enum attr_kind { A_NONE, A_U16, A_U32, A_U64, A_STR, A_RAW };

struct attr {
	int type;
	enum attr_kind kind;
	uint64_t v;
	const char *s;		/* A_STR, A_RAW */
	size_t len;		/* A_RAW */
};

#define DEVICE_ATTRS 12
extern const struct attr good_device[DEVICE_ATTRS];
/* The last four are the grant: a module of the first ABI sends none. */
#define STATUS_ATTRS 15
extern const struct attr good_status[STATUS_ATTRS];

/* Puts @n attributes, skipping A_NONE ones. */
int put_attrs(struct nl_msg *m, const struct attr *a, size_t n);
/* Puts them nested in @type. */
int put_nest(struct nl_msg *m, int type, const struct attr *a, size_t n);

/* A message with attributes only (no genl header), for the decoders. */
struct nl_msg *attrs_msg(void);
const void *msg_attrs(struct nl_msg *m, size_t *len);

/* A generic netlink message as the kernel would send it. */
struct nl_msg *genl_msg(uint16_t family, uint8_t cmd, int flags,
			uint32_t seq, uint32_t port);

/* An NLMSG_ERROR into @buf (at least 256 bytes, 4-aligned). */
size_t error_msg(void *buf, int error, uint32_t seq, uint16_t flags,
		 size_t echo_payload, const char *text);
/* The same, with NLMSGERR_ATTR_OFFS = @offs (error_msg() says 20). */
size_t error_msg_offs(void *buf, int error, uint32_t seq, uint16_t flags,
		      size_t echo_payload, const char *text, uint32_t offs);
/* An NLMSG_DONE carrying @error and, if @text, an extack message. */
size_t done_msg(void *buf, int error, uint32_t seq, const char *text);

#endif /* MSGS_H */
