// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "libtppgate.h"
#include "msgs.h"

const struct attr good_device[DEVICE_ATTRS] = {
	{ TPPGATE_DEVICE_A_BDF, A_STR, 0, "0000:00:04.0", 0 },
	{ TPPGATE_DEVICE_A_VENDOR, A_U16, 0x1234, NULL, 0 },
	{ TPPGATE_DEVICE_A_DEVICE, A_U16, 0x11e8, NULL, 0 },
	{ TPPGATE_DEVICE_A_SUBSYS_VENDOR, A_U16, 0x1af4, NULL, 0 },
	{ TPPGATE_DEVICE_A_SUBSYS_DEVICE, A_U16, 0x1100, NULL, 0 },
	{ TPPGATE_DEVICE_A_CLASS, A_U32, 0x00ff00, NULL, 0 },
	{ TPPGATE_DEVICE_A_STATE, A_U32, TPPGATE_STATE_QUARANTINED, NULL, 0 },
	{ TPPGATE_DEVICE_A_REASON, A_U32, TPPGATE_REASON_NO_POLICY, NULL, 0 },
	/* nla_put_u64_64bit() pads like this where the u64 is misaligned. */
	{ TPPGATE_DEVICE_A_PAD, A_RAW, 0, "", 0 },
	{ TPPGATE_DEVICE_A_TPP, A_U64, 1234567890123ULL, NULL, 0 },
	{ TPPGATE_DEVICE_A_FLAGS, A_U32, TPPGATE_DEVICE_F_HELD, NULL, 0 },
	{ TPPGATE_DEVICE_A_DRIVER, A_STR, 0, "tppgate", 0 },
};

const struct attr good_status[STATUS_ATTRS] = {
	{ TPPGATE_STATUS_A_VERSION, A_STR, 0, "0.1.0", 0 },
	{ TPPGATE_STATUS_A_BOOT_MODE, A_U32, TPPGATE_BOOT_QUARANTINE, NULL, 0 },
	{ TPPGATE_STATUS_A_FLAGS, A_U32, TPPGATE_STATUS_F_MANUAL, NULL, 0 },
	{ TPPGATE_STATUS_A_N_QUARANTINED, A_U32, 3, NULL, 0 },
	{ TPPGATE_STATUS_A_N_ADMITTED, A_U32, 1, NULL, 0 },
	{ TPPGATE_STATUS_A_N_UNMANAGED_BOUND, A_U32, 0, NULL, 0 },
	{ TPPGATE_STATUS_A_N_UNMANAGED, A_U32, 1, NULL, 0 },
	{ TPPGATE_STATUS_A_N_OVER_CAP, A_U32, 2, NULL, 0 },
	{ TPPGATE_STATUS_A_ADMITTED_TPP, A_U64, 4800, NULL, 0 },
	{ TPPGATE_STATUS_A_NODE_CAP, A_U64, 6000, NULL, 0 },
	{ TPPGATE_STATUS_A_POLICY_SERIAL, A_U64, 7, NULL, 0 },
	{ TPPGATE_STATUS_A_GRANT, A_U64, 5000, NULL, 0 },
	{ TPPGATE_STATUS_A_GRANT_SERIAL, A_U64, 7, NULL, 0 },
	{ TPPGATE_STATUS_A_LEASE_LEFT_MS, A_U64, 45500, NULL, 0 },
	{ TPPGATE_STATUS_A_EFFECTIVE_CAP, A_U64, 5000, NULL, 0 },
};

int put_attrs(struct nl_msg *m, const struct attr *a, size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		switch (a[i].kind) {
		case A_NONE:
			break;
		case A_U16:
			err = nla_put_u16(m, a[i].type, (uint16_t)a[i].v);
			break;
		case A_U32:
			err = nla_put_u32(m, a[i].type, (uint32_t)a[i].v);
			break;
		case A_U64:
			err = nla_put_u64(m, a[i].type, a[i].v);
			break;
		case A_STR:
			err = nla_put_string(m, a[i].type, a[i].s);
			break;
		case A_RAW:
			err = nla_put(m, a[i].type, (int)a[i].len, a[i].s);
			break;
		}
	}
	return err;
}

int put_nest(struct nl_msg *m, int type, const struct attr *a, size_t n)
{
	struct nlattr *nest = nla_nest_start(m, type);

	if (!nest || put_attrs(m, a, n))
		return -1;
	/* Like the kernel, keep a nest even when it is empty. */
	if (nla_nest_end_keep_empty(m, nest) < 0)
		return -1;
	return 0;
}

struct nl_msg *attrs_msg(void)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !nlmsg_put(m, 0, 0, 0, 0, 0)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

const void *msg_attrs(struct nl_msg *m, size_t *len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);

	*len = (size_t)nlmsg_datalen(nlh);
	return nlmsg_data(nlh);
}

struct nl_msg *genl_msg(uint16_t family, uint8_t cmd, int flags,
			uint32_t seq, uint32_t port)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, port, seq, family, 0, flags, cmd,
			      TPPGATE_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

static size_t put_tlv(unsigned char *p, uint16_t type, const void *data,
		      size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			      .nla_type = type };

	memcpy(p, &nla, sizeof(nla));
	memcpy(p + NLA_HDRLEN, data, len);
	return NLA_ALIGN(NLA_HDRLEN + len);
}

size_t error_msg(void *buf, int error, uint32_t seq, uint16_t flags,
		 size_t echo_payload, const char *text)
{
	return error_msg_offs(buf, error, seq, flags, echo_payload, text, 20);
}

size_t error_msg_offs(void *buf, int error, uint32_t seq, uint16_t flags,
		      size_t echo_payload, const char *text, uint32_t offs)
{
	struct nlmsghdr *nlh = buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	unsigned char *p = buf;
	size_t off;

	memset(buf, 0, 256);
	e->error = error;
	e->msg.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + echo_payload);
	e->msg.nlmsg_type = 0x1234;
	e->msg.nlmsg_seq = seq;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(flags & NLM_F_CAPPED)) {
		memset(p + off, 0xaa, echo_payload);
		off += echo_payload;
	}
	off = NLMSG_ALIGN(off);
	if (text) {
		flags |= NLM_F_ACK_TLVS;
		off += put_tlv(p + off, NLMSGERR_ATTR_OFFS, &offs, sizeof(offs));
		off += put_tlv(p + off, NLMSGERR_ATTR_MSG, text,
			       strlen(text) + 1);
	}
	nlh->nlmsg_len = (uint32_t)off;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return off;
}

size_t done_msg(void *buf, int error, uint32_t seq, const char *text)
{
	struct nlmsghdr *nlh = buf;
	unsigned char *p = buf;
	size_t off = NLMSG_HDRLEN;

	memset(buf, 0, 256);
	memcpy(p + off, &error, sizeof(error));
	off += sizeof(error);
	nlh->nlmsg_flags = NLM_F_MULTI;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		off += put_tlv(p + off, NLMSGERR_ATTR_MSG, text,
			       strlen(text) + 1);
	}
	nlh->nlmsg_len = (uint32_t)off;
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_seq = seq;
	return off;
}
