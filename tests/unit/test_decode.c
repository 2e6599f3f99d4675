// SPDX-License-Identifier: GPL-2.0
/*
 * The decoders, fed with attributes built by libnl as the kernel would
 * send them, then bent: missing, wrong size, out of range, truncated,
 * oversized, misaligned. Malformed input must be rejected, never crash
 * (ASan and UBSan watch).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "decode.h"
#include "msgs.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Decodes a device nested in TPPGATE_A_DEVICE, built from @a. */
static int decode_device(const struct attr *a, size_t n,
			 struct tppgate_device_info *out)
{
	struct nl_msg *m = attrs_msg();
	const void *p;
	size_t len;
	int err = -ENOMEM;

	if (m && !put_nest(m, TPPGATE_A_DEVICE, a, n)) {
		p = msg_attrs(m, &len);
		err = tppgate_decode_device_attrs(p, len, out);
	}
	nlmsg_free(m);
	return err;
}

static void device_copy(struct attr *a)
{
	memcpy(a, good_device, sizeof(good_device));
}

static struct attr *find(struct attr *a, size_t n, int type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].type == type)
			return &a[i];
	abort();
}

static void device_good(void)
{
	struct tppgate_device_info d;
	struct attr a[DEVICE_ATTRS];

	memset(&d, 0xa5, sizeof(d));
	if (!is_int(decode_device(good_device, DEVICE_ATTRS, &d), 0,
		    "a full device decodes"))
		return;
	is_str(d.bdf, "0000:00:04.0", "bdf");
	ok(d.vendor == 0x1234 && d.device == 0x11e8, "vendor and device ids");
	ok(d.subsys_vendor == 0x1af4 && d.subsys_device == 0x1100,
	   "subsystem ids");
	is_int(d.class, 0x00ff00, "class");
	is_int(d.state, TPPGATE_STATE_QUARANTINED, "state");
	is_int(d.reason, TPPGATE_REASON_NO_POLICY, "reason");
	ok(d.tpp == 1234567890123ULL, "64-bit tpp after a pad attribute");
	is_int(d.flags, TPPGATE_DEVICE_F_HELD, "flags");
	is_str(d.driver, "tppgate", "driver");

	/* A newer kernel's state and reason are kept, not refused. */
	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_STATE)->v = TPPGATE_STATE_MAX + 1;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_REASON)->v = UINT32_MAX;
	if (is_int(decode_device(a, DEVICE_ATTRS, &d), 0,
		   "a state and reason newer than this library decode"))
		ok(d.state == TPPGATE_STATE_MAX + 1 && d.reason == UINT32_MAX,
		   "and keep their values");

	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_DRIVER)->kind = A_NONE;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_SUBSYS_VENDOR)->kind = A_NONE;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_SUBSYS_DEVICE)->kind = A_NONE;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_TPP)->kind = A_NONE;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_FLAGS)->kind = A_NONE;
	memset(&d, 0xa5, sizeof(d));
	is_int(decode_device(a, DEVICE_ATTRS, &d), 0,
	       "a device with only the required attributes decodes");
	ok(!d.driver[0] && !d.tpp && !d.flags && !d.subsys_vendor &&
	   !d.subsys_device, "absent optional attributes read as 0 / none");

	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_FLAGS)->v = 0x80000001;
	is_int(decode_device(a, DEVICE_ATTRS, &d), 0, "unknown flag bits decode");
	is_int(d.flags, 0x80000001, "unknown flag bits are kept");

	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_STATE)->v = TPPGATE_STATE_MAX;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_REASON)->v = TPPGATE_REASON_MAX;
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_CLASS)->v = 0xffffff;
	is_int(decode_device(a, DEVICE_ATTRS, &d), 0,
	       "the largest state, reason and class decode");

	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_PAD)->type =
		TPPGATE_DEVICE_A_MAX + 1;
	is_int(decode_device(a, DEVICE_ATTRS, &d), 0,
	       "an attribute newer than this library is ignored");

	device_copy(a);
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_BDF)->s = "ffffffff:ff:1f.7";
	find(a, DEVICE_ATTRS, TPPGATE_DEVICE_A_DRIVER)->s =
		"a-driver-name-of-exactly-sixty-three-characters-xxxxxxxxxxxxxxx";
	is_int(decode_device(a, DEVICE_ATTRS, &d), 0,
	       "the longest bdf and a 63-byte driver name decode");
	is_str(d.bdf, "ffffffff:ff:1f.7", "longest bdf is intact");
}

static const int required[] = {
	TPPGATE_DEVICE_A_BDF, TPPGATE_DEVICE_A_VENDOR, TPPGATE_DEVICE_A_DEVICE,
	TPPGATE_DEVICE_A_CLASS, TPPGATE_DEVICE_A_STATE, TPPGATE_DEVICE_A_REASON,
};

/* Sets attribute @type of a fresh copy to @kind/@v, expects -EINVAL. */
static void bent(int type, enum attr_kind kind, uint64_t v, const char *s,
		 size_t len, const char *why)
{
	struct tppgate_device_info d;
	struct attr a[DEVICE_ATTRS], *x;

	device_copy(a);
	x = find(a, DEVICE_ATTRS, type);
	x->kind = kind;
	x->v = v;
	x->s = s;
	x->len = len;
	is_int(decode_device(a, DEVICE_ATTRS, &d), -EINVAL,
	       "device rejected: %s", why);
}

static void device_bad(void)
{
	struct tppgate_device_info d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(required); i++)
		bent(required[i], A_NONE, 0, NULL, 0, "a required attribute is missing");

	bent(TPPGATE_DEVICE_A_VENDOR, A_U32, 0x1234, NULL, 0, "vendor as u32 (oversized)");
	bent(TPPGATE_DEVICE_A_STATE, A_U16, 0, NULL, 0, "state as u16 (truncated)");
	bent(TPPGATE_DEVICE_A_TPP, A_U32, 5, NULL, 0, "tpp as u32 (truncated)");
	bent(TPPGATE_DEVICE_A_CLASS, A_U64, 0, NULL, 0, "class as u64 (oversized)");
	bent(TPPGATE_DEVICE_A_VENDOR, A_STR, 0, "0x1234", 0, "vendor as a string");
	bent(TPPGATE_DEVICE_A_CLASS, A_U32, 0x1000000, NULL, 0,
	     "class wider than 24 bits");
	bent(TPPGATE_DEVICE_A_BDF, A_RAW, 0, "0000:00:04.0", 12,
	     "bdf without its NUL");
	bent(TPPGATE_DEVICE_A_BDF, A_STR, 0, "", 0, "empty bdf");
	bent(TPPGATE_DEVICE_A_BDF, A_STR, 0, "0000:00:0A.0", 0,
	     "bdf not in the kernel's lower-case form");
	bent(TPPGATE_DEVICE_A_BDF, A_STR, 0, "00:04.0", 0,
	     "bdf without a domain");
	bent(TPPGATE_DEVICE_A_BDF, A_STR, 0, "0000:00:04.000000", 0,
	     "bdf longer than TPPGATE_BDF_MAX");
	bent(TPPGATE_DEVICE_A_BDF, A_U32, 0, NULL, 0, "bdf as a u32");
	bent(TPPGATE_DEVICE_A_DRIVER, A_STR, 0,
	     "a-driver-name-of-exactly-sixty-four-characters-xxxxxxxxxxxxxxxxx", 0,
	     "driver name of 64 bytes");
	bent(TPPGATE_DEVICE_A_DRIVER, A_STR, 0, "evil\x1b[2J", 0,
	     "driver name with an escape sequence");
	bent(TPPGATE_DEVICE_A_DRIVER, A_STR, 0, "caf\xc3\xa9", 0,
	     "driver name that is not ASCII");

	/* Garbage that is not even a device. */
	{
		struct nl_msg *m = attrs_msg();
		const void *p;
		size_t len;

		nla_put_u32(m, TPPGATE_A_EVENT, 1);
		p = msg_attrs(m, &len);
		is_int(tppgate_decode_device_attrs(p, len, &d), -EINVAL,
		       "a stream without TPPGATE_A_DEVICE is rejected");
		is_int(tppgate_decode_device_attrs(p, 0, &d), -EINVAL,
		       "an empty stream is rejected");
		nlmsg_free(m);
	}
	{
		struct nl_msg *m = attrs_msg();
		const void *p;
		size_t len;

		put_nest(m, TPPGATE_A_DEVICE, NULL, 0);
		p = msg_attrs(m, &len);
		is_int(tppgate_decode_device_attrs(p, len, &d), -EINVAL,
		       "an empty TPPGATE_A_DEVICE nest is rejected");
		nlmsg_free(m);
	}
}

/* Every strict prefix of a valid device message must be rejected. */
static void device_truncated(void)
{
	struct nl_msg *m = attrs_msg();
	struct tppgate_device_info d;
	unsigned int accepted = 0;
	const void *p;
	size_t len, i;
	void *buf;

	put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	p = msg_attrs(m, &len);
	buf = malloc(len);
	for (i = 0; i < len; i++) {
		/* A copy of exactly @i bytes, so ASan sees any overread. */
		void *cut = malloc(i ? i : 1);

		memcpy(cut, p, i);
		if (tppgate_decode_device_attrs(cut, i, &d) == 0)
			accepted++;
		free(cut);
	}
	is_int(accepted, 0, "all %zu truncations of a device are rejected", len);

	/* A nest length that runs past the end of the buffer. */
	memcpy(buf, p, len);
	((struct nlattr *)buf)->nla_len = (uint16_t)(len + 4);
	is_int(tppgate_decode_device_attrs(buf, len, &d), -EINVAL,
	       "a nest longer than the stream is rejected");
	((struct nlattr *)buf)->nla_len = 2;
	is_int(tppgate_decode_device_attrs(buf, len, &d), -EINVAL,
	       "an attribute shorter than its header is rejected");
	free(buf);

	/* Trailing garbage after a valid device. */
	buf = calloc(1, len + 8);
	memcpy(buf, p, len);
	is_int(tppgate_decode_device_attrs(buf, len + 2, &d), -EINVAL,
	       "two stray bytes after the device are rejected");
	free(buf);

	buf = calloc(1, TPPGATE_DECODE_MAX + 8);
	memcpy(buf, p, len);
	is_int(tppgate_decode_device_attrs(buf, TPPGATE_DECODE_MAX + 4, &d),
	       -EMSGSIZE, "a stream over TPPGATE_DECODE_MAX is rejected");
	free(buf);

	buf = malloc(len + 4);
	memcpy((char *)buf + 1, p, len);
	is_int(tppgate_decode_device_attrs((char *)buf + 1, len, &d), -EINVAL,
	       "a misaligned stream is rejected");
	free(buf);
	nlmsg_free(m);
}

static int decode_status(const struct attr *a, size_t n,
			 struct tppgate_status_info *out)
{
	struct nl_msg *m = attrs_msg();
	const void *p;
	size_t len;
	int err;

	put_nest(m, TPPGATE_A_STATUS, a, n);
	p = msg_attrs(m, &len);
	err = tppgate_decode_status_attrs(p, len, out);
	nlmsg_free(m);
	return err;
}

static void status(void)
{
	struct tppgate_status_info s;
	struct attr a[STATUS_ATTRS];
	size_t i;

	if (is_int(decode_status(good_status, STATUS_ATTRS, &s), 0,
		   "a full status decodes")) {
		is_str(s.version, "0.1.0", "status version");
		is_int(s.boot_mode, TPPGATE_BOOT_QUARANTINE, "status boot mode");
		is_int(s.flags, TPPGATE_STATUS_F_MANUAL, "status flags");
		ok(s.n_quarantined == 3 && s.n_admitted == 1 &&
		   s.n_unmanaged_bound == 0 && s.n_unmanaged == 1 &&
		   s.n_over_cap == 2, "status counts");
		ok(s.admitted_tpp == 4800 && s.has_node_cap &&
		   s.node_cap == 6000 && s.has_policy && s.policy_serial == 7,
		   "status tpp, cap and policy serial");
		ok(s.has_grant && s.grant == 5000 && s.grant_serial == 7 &&
		   s.lease_left_ms == 45500 && s.has_effective_cap &&
		   s.effective_cap == 5000 && !s.has_offline,
		   "status grant, its serial, lease left and effective cap");
	}
	memcpy(a, good_status, sizeof(a));
	a[STATUS_ATTRS - 1].type = TPPGATE_STATUS_A_OFFLINE_SECS;
	a[STATUS_ATTRS - 1].v = 90;
	if (is_int(decode_status(a, STATUS_ATTRS, &s), 0,
		   "a status with the lease lapsed decodes"))
		ok(s.has_offline && s.offline_secs == 90 &&
		   !s.has_effective_cap, "offline for 90 s, no cap");
	for (i = STATUS_ATTRS - 4; i < STATUS_ATTRS - 1; i++) {
		memcpy(a, good_status, sizeof(a));
		a[i].kind = A_NONE;
		is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
		       "a grant without attribute %d is rejected", a[i].type);
	}
	memcpy(a, good_status, sizeof(a));
	a[STATUS_ATTRS - 2].kind = A_U32;
	is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
	       "status with lease left as u32 is rejected");

	/* A module of the first ABI: no over-cap count, cap or policy. */
	memcpy(a, good_status, sizeof(a));
	for (i = 7; i < STATUS_ATTRS; i++)
		a[i].kind = A_NONE;
	a[2].kind = A_NONE;
	memset(&s, 0xa5, sizeof(s));
	is_int(decode_status(a, STATUS_ATTRS, &s), 0,
	       "a status without the optional attributes decodes");
	ok(!s.has_node_cap && !s.has_policy && !s.n_over_cap &&
	   !s.admitted_tpp && !s.flags && !s.has_grant && !s.grant &&
	   !s.has_offline && !s.has_effective_cap,
	   "absent optional status fields are 0");

	for (i = 0; i < 7; i++) {
		if (i == 2)
			continue;	/* flags are optional */
		memcpy(a, good_status, sizeof(a));
		a[i].kind = A_NONE;
		is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
		       "status without required attribute %d is rejected",
		       a[i].type);
	}
	memcpy(a, good_status, sizeof(a));
	a[1].v = __TPPGATE_BOOT_MAX;
	is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
	       "status with boot mode out of range is rejected");
	memcpy(a, good_status, sizeof(a));
	a[9].kind = A_U32;
	is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
	       "status with node cap as u32 is rejected");
	memcpy(a, good_status, sizeof(a));
	a[0].s = "a version string that is far too long for the status buffer, really";
	is_int(decode_status(a, STATUS_ATTRS, &s), -EINVAL,
	       "status with a version of 64+ bytes is rejected");
}

struct event_case {
	int has_event;
	uint32_t event;
	int with_device;
	int with_policy;
	int with_status;
};

static int decode_event(const struct event_case *c,
			struct tppgate_event_info *ev)
{
	static const struct attr serial[] = {
		{ TPPGATE_POLICY_A_SERIAL, A_U64, 42, NULL, 0 },
		{ TPPGATE_POLICY_A_ISSUER, A_STR, 0, "test", 0 },
	};
	struct nl_msg *m = attrs_msg();
	const void *p;
	size_t len;
	int err;

	if (c->has_event)
		nla_put_u32(m, TPPGATE_A_EVENT, c->event);
	if (c->with_device)
		put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	if (c->with_policy)
		put_nest(m, TPPGATE_A_POLICY_INFO, serial, 2);
	if (c->with_status)
		put_nest(m, TPPGATE_A_STATUS, good_status, STATUS_ATTRS);
	p = msg_attrs(m, &len);
	err = tppgate_decode_event_attrs(p, len, ev);
	nlmsg_free(m);
	return err;
}

static void events(void)
{
	static const struct event_case admitted = { 1, TPPGATE_EVENT_DEVICE_ADMITTED, 1, 0, 0 },
		no_dev = { 1, TPPGATE_EVENT_DEVICE_ADDED, 0, 0, 0 },
		loaded = { 1, TPPGATE_EVENT_POLICY_LOADED, 0, 1, 0 },
		expired = { 1, TPPGATE_EVENT_POLICY_EXPIRED, 0, 0, 0 },
		unspec = { 1, TPPGATE_EVENT_UNSPEC, 1, 0, 0 },
		future = { 1, TPPGATE_EVENT_MAX + 1, 1, 0, 0 },
		none = { 0, 0, 1, 0, 0 },
		granted = { 1, TPPGATE_EVENT_GRANT_CHANGED, 0, 0, 1 },
		lapsed = { 1, TPPGATE_EVENT_LEASE_LAPSED, 0, 0, 0 },
		offline = { 1, TPPGATE_EVENT_OFFLINE_CAP, 0, 0, 0 };
	struct tppgate_event_info ev;

	if (is_int(decode_event(&granted, &ev), 0, "grant-changed decodes"))
		ok(!ev.has_device && ev.has_status && ev.status.has_grant &&
		   ev.status.grant == 5000 && ev.status.lease_left_ms == 45500,
		   "grant-changed carries the status with the grant");
	is_int(decode_event(&lapsed, &ev), -EINVAL,
	       "lease-lapsed without the status is rejected");
	is_int(decode_event(&offline, &ev), -EINVAL,
	       "offline-cap without the status is rejected");

	if (is_int(decode_event(&admitted, &ev), 0, "a device event decodes"))
		ok(ev.event == TPPGATE_EVENT_DEVICE_ADMITTED && ev.has_device &&
		   !strcmp(ev.device.bdf, "0000:00:04.0") &&
		   !ev.has_policy_serial, "device event fields");
	is_int(decode_event(&no_dev, &ev), -EINVAL,
	       "a device event without its device is rejected");
	if (is_int(decode_event(&loaded, &ev), 0, "policy-loaded decodes"))
		ok(!ev.has_device && ev.has_policy_serial &&
		   ev.policy_serial == 42, "policy-loaded carries serial 42");
	if (is_int(decode_event(&expired, &ev), 0,
		   "policy-expired without policy info decodes"))
		ok(!ev.has_device && !ev.has_policy_serial,
		   "policy-expired without info has no serial");
	is_int(decode_event(&unspec, &ev), -EINVAL, "event UNSPEC is rejected");
	is_int(decode_event(&future, &ev), -EINVAL,
	       "an event past TPPGATE_EVENT_MAX is rejected");
	is_int(decode_event(&none, &ev), -EINVAL,
	       "a message without TPPGATE_A_EVENT is rejected");
}

static void extack(void)
{
	uint32_t buf[128];
	char msg[TPPGATE_ERRMSG_LEN], small[8];
	uint32_t offs = 1;
	size_t len;
	int err;

	len = error_msg(buf, -EPERM, 1, NLM_F_CAPPED, 0, "tppgate: nope");
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), &offs),
	       0, "capped error with TLVs decodes");
	is_int(offs, 20, "and its NLMSGERR_ATTR_OFFS");
	is_int(err, -EPERM, "capped error carries -EPERM");
	is_str(msg, "tppgate: nope", "capped error message");

	/* The echoed request of 21 bytes: the TLVs start 3 bytes later. */
	len = error_msg(buf, -EINVAL, 1, 0, 5, "bad attribute");
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), 0,
	       "uncapped error with an odd-sized echo decodes");
	is_int(err, -EINVAL, "uncapped error carries -EINVAL");
	is_str(msg, "bad attribute", "message after the echoed request");

	len = error_msg(buf, -ENODEV, 1, NLM_F_CAPPED, 0, NULL);
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), 0,
	       "error without TLVs decodes");
	ok(err == -ENODEV && !msg[0], "error without TLVs has no message");

	len = error_msg(buf, 0, 1, NLM_F_CAPPED, 0, "a warning");
	tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL);
	ok(err == 0 && !strcmp(msg, "a warning"), "an ack can carry a warning");

	len = done_msg(buf, -EIO, 1, "dump failed");
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), 0,
	       "NLMSG_DONE with TLVs decodes");
	ok(err == -EIO && !strcmp(msg, "dump failed"),
	   "NLMSG_DONE carries -EIO and its message");

	len = error_msg(buf, -EINVAL, 1, NLM_F_CAPPED, 0, "esc\x1b[31m\x7f!");
	tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL);
	is_str(msg, "esc?[31m?!", "control bytes in the message become '?'");

	len = error_msg(buf, -EINVAL, 1, NLM_F_CAPPED, 0, "a long message");
	tppgate_decode_extack(buf, len, &err, small, sizeof(small), NULL);
	is_str(small, "a long ", "the message is cut to the buffer");

	/* Malformed. */
	len = error_msg(buf, -EINVAL, 1, 0, 5, "x");
	((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->msg.nlmsg_len = 4096;
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), -EINVAL,
	       "an echo longer than the message is rejected");
	len = error_msg(buf, -EINVAL, 1, NLM_F_CAPPED, 0, "x");
	is_int(tppgate_decode_extack(buf, len - 4, &err, msg, sizeof(msg), NULL),
	       -EINVAL, "nlmsg_len past the buffer is rejected");
	len = error_msg(buf, -EINVAL, 1, NLM_F_CAPPED, 0, "abc");
	((unsigned char *)buf)[len - 1] = 'x';	/* the NUL and padding */
	((unsigned char *)buf)[len - 2] = 'x';
	((unsigned char *)buf)[len - 3] = 'x';
	((unsigned char *)buf)[len - 4] = 'x';
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), -EINVAL,
	       "a message TLV without NUL is rejected");
	len = error_msg(buf, -EINVAL, 1, NLM_F_CAPPED, 0, NULL);
	((struct nlmsghdr *)buf)->nlmsg_len = NLMSG_HDRLEN + 8;
	is_int(tppgate_decode_extack(buf, NLMSG_HDRLEN + 8, &err, msg,
				     sizeof(msg), NULL), -EINVAL,
	       "an error shorter than struct nlmsgerr is rejected");
	((struct nlmsghdr *)buf)->nlmsg_type = 0x20;
	is_int(tppgate_decode_extack(buf, len, &err, msg, sizeof(msg), NULL), -EINVAL,
	       "a message that is neither error nor done is rejected");
}

struct ev_count {
	unsigned int n;
	int stop_at;
	char bdf[TPPGATE_BDF_LEN];
	enum tppgate_event last;
};

static int count_event(const struct tppgate_event_info *ev, void *arg)
{
	struct ev_count *c = arg;

	c->n++;
	c->last = ev->event;
	if (ev->has_device)
		memcpy(c->bdf, ev->device.bdf, sizeof(c->bdf));
	return c->stop_at && (int)c->n == c->stop_at ? -ECANCELED : 0;
}

/* Appends a whole message to a datagram buffer. */
static size_t append(unsigned char *dg, size_t off, struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);

	memcpy(dg + off, nlh, nlh->nlmsg_len);
	off += NLMSG_ALIGN(nlh->nlmsg_len);
	nlmsg_free(m);
	return off;
}

static struct nl_msg *event_msg(uint16_t family, uint8_t cmd, uint32_t event,
				uint32_t state)
{
	struct nl_msg *m = genl_msg(family, cmd, 0, 0, 0);
	struct attr a[DEVICE_ATTRS];

	memcpy(a, good_device, sizeof(a));
	/* 99 marks a malformed device: a class wider than 24 bits. */
	if (state == 99)
		a[5].v = 0x1000000;
	else
		a[6].v = state;
	nla_put_u32(m, TPPGATE_A_EVENT, event);
	put_nest(m, TPPGATE_A_DEVICE, a, DEVICE_ATTRS);
	return m;
}

static void event_datagrams(void)
{
	static uint32_t dgw[1024];
	unsigned char *dg = (unsigned char *)dgw;
	struct ev_count c = { 0 };
	size_t len = 0;
	int err;

	len = append(dg, len, event_msg(0x20, TPPGATE_CMD_EVENT,
					TPPGATE_EVENT_DEVICE_ADDED, 0));
	len = append(dg, len, event_msg(0x21, TPPGATE_CMD_EVENT,
					TPPGATE_EVENT_DEVICE_ADDED, 0));
	len = append(dg, len, event_msg(0x20, TPPGATE_CMD_DEVICE_GET,
					TPPGATE_EVENT_DEVICE_ADDED, 0));
	len = append(dg, len, event_msg(0x20, TPPGATE_CMD_EVENT,
					TPPGATE_EVENT_DEVICE_ADMITTED, 99));
	len = append(dg, len, event_msg(0x20, TPPGATE_CMD_EVENT,
					TPPGATE_EVENT_DEVICE_QUARANTINED, 0));

	err = tppgate_decode_events(dg, len, 0x20, count_event, &c);
	is_int(err, -EBADMSG, "a datagram with a malformed event says -EBADMSG");
	is_int(c.n, 2, "the two good events of family 0x20 are delivered");
	is_int(c.last, TPPGATE_EVENT_DEVICE_QUARANTINED,
	       "the event after the malformed one is delivered");

	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	is_int(tppgate_decode_events(dg, len, 0x20, count_event, &c),
	       -ECANCELED, "a callback error stops the walk and is returned");
	is_int(c.n, 1, "no event after the callback's error");

	memset(&c, 0, sizeof(c));
	is_int(tppgate_decode_events(dg, len - 8, 0x20, count_event, &c),
	       -EBADMSG, "a truncated datagram is -EBADMSG");

	memset(&c, 0, sizeof(c));
	is_int(tppgate_decode_events(dg, 0, 0x20, count_event, &c), 0,
	       "an empty datagram is fine");
	is_int(c.n, 0, "and delivers nothing");
}

void test_decode(void)
{
	device_good();
	device_bad();
	device_truncated();
	status();
	events();
	extack();
	event_datagrams();
}
