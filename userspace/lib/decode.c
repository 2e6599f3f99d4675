// SPDX-License-Identifier: LGPL-2.1
/*
 * Decoding of what the tppgate family sends. Only pure functions here.
 *
 * libnl's nla_parse() checks minimum and maximum lengths against the policy
 * and that NLA_STRING ends in a NUL, but it silently ignores bytes left over
 * after the last attribute. stream_ok() closes that gap, so a truncated
 * stream is an error rather than a shorter message. Attributes newer than
 * this library (type above the maximum) are ignored, so that an older tppctl
 * keeps working with a newer module; values it cannot represent (an unknown
 * state, say) are errors.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>

#include "decode.h"
#include "policy_int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct nla_policy top_policy[TPPGATE_A_MAX + 1] = {
	[TPPGATE_A_DEVICE] = { .type = NLA_NESTED },
	[TPPGATE_A_STATUS] = { .type = NLA_NESTED },
	[TPPGATE_A_EVENT] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
	[TPPGATE_A_POLICY_INFO] = { .type = NLA_NESTED },
};

#define U8_POLICY { .type = NLA_U8, .maxlen = sizeof(uint8_t) }

#define U16_POLICY { .type = NLA_U16, .maxlen = sizeof(uint16_t) }
#define U32_POLICY { .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define U64_POLICY { .type = NLA_U64, .maxlen = sizeof(uint64_t) }

/* NLA_STRING in libnl means "ends in NUL"; maxlen counts the NUL. */
static const struct nla_policy device_policy[TPPGATE_DEVICE_A_MAX + 1] = {
	[TPPGATE_DEVICE_A_BDF] = { .type = NLA_STRING,
				   .maxlen = TPPGATE_BDF_LEN },
	[TPPGATE_DEVICE_A_VENDOR] = U16_POLICY,
	[TPPGATE_DEVICE_A_DEVICE] = U16_POLICY,
	[TPPGATE_DEVICE_A_SUBSYS_VENDOR] = U16_POLICY,
	[TPPGATE_DEVICE_A_SUBSYS_DEVICE] = U16_POLICY,
	[TPPGATE_DEVICE_A_CLASS] = U32_POLICY,
	[TPPGATE_DEVICE_A_STATE] = U32_POLICY,
	[TPPGATE_DEVICE_A_REASON] = U32_POLICY,
	[TPPGATE_DEVICE_A_TPP] = U64_POLICY,
	[TPPGATE_DEVICE_A_FLAGS] = U32_POLICY,
	[TPPGATE_DEVICE_A_DRIVER] = { .type = NLA_STRING,
				      .maxlen = TPPGATE_DRIVER_LEN },
	/* TPPGATE_DEVICE_A_PAD: alignment filler for the u64, ignored. */
};

static const struct nla_policy status_policy[TPPGATE_STATUS_A_MAX + 1] = {
	[TPPGATE_STATUS_A_VERSION] = { .type = NLA_STRING,
				       .maxlen = TPPGATE_VERSION_LEN },
	[TPPGATE_STATUS_A_BOOT_MODE] = U32_POLICY,
	[TPPGATE_STATUS_A_FLAGS] = U32_POLICY,
	[TPPGATE_STATUS_A_N_QUARANTINED] = U32_POLICY,
	[TPPGATE_STATUS_A_N_ADMITTED] = U32_POLICY,
	[TPPGATE_STATUS_A_N_UNMANAGED_BOUND] = U32_POLICY,
	[TPPGATE_STATUS_A_N_UNMANAGED] = U32_POLICY,
	[TPPGATE_STATUS_A_N_OVER_CAP] = U32_POLICY,
	[TPPGATE_STATUS_A_ADMITTED_TPP] = U64_POLICY,
	[TPPGATE_STATUS_A_NODE_CAP] = U64_POLICY,
	[TPPGATE_STATUS_A_POLICY_SERIAL] = U64_POLICY,
	[TPPGATE_STATUS_A_GRANT] = U64_POLICY,
	[TPPGATE_STATUS_A_GRANT_SERIAL] = U64_POLICY,
	[TPPGATE_STATUS_A_LEASE_LEFT_MS] = U64_POLICY,
	[TPPGATE_STATUS_A_OFFLINE_SECS] = U64_POLICY,
	[TPPGATE_STATUS_A_EFFECTIVE_CAP] = U64_POLICY,
};

/* Of a policy event's TPPGATE_A_POLICY_INFO, only the serial is used. */
static const struct nla_policy policy_info_policy[TPPGATE_POLICY_A_MAX + 1] = {
	[TPPGATE_POLICY_A_SERIAL] = U64_POLICY,
};

/*
 * All of TPPGATE_A_POLICY_INFO, for POLICY_GET. The kernel pads its u64s
 * with TPPGATE_POLICY_A_PAD, which has no entry and is ignored.
 */
static const struct nla_policy info_policy[TPPGATE_POLICY_A_MAX + 1] = {
	[TPPGATE_POLICY_A_FORMAT] = U32_POLICY,
	[TPPGATE_POLICY_A_SERIAL] = U64_POLICY,
	[TPPGATE_POLICY_A_ISSUER] = { .type = NLA_STRING,
				      .maxlen = TPPGATE_ISSUER_MAX + 1 },
	[TPPGATE_POLICY_A_NOT_BEFORE] = U64_POLICY,
	[TPPGATE_POLICY_A_NOT_AFTER] = U64_POLICY,
	[TPPGATE_POLICY_A_REGION] = { .type = NLA_STRING, .maxlen = 3 },
	[TPPGATE_POLICY_A_TIER] = U8_POLICY,
	[TPPGATE_POLICY_A_HOST] = { .type = NLA_NESTED },
	[TPPGATE_POLICY_A_NODE_CAP] = U64_POLICY,
	[TPPGATE_POLICY_A_CLUSTER_ID] = { .type = NLA_STRING,
					  .maxlen = TPPGATE_CLUSTER_ID_MAX + 1 },
	[TPPGATE_POLICY_A_CLUSTER_CAP] = U64_POLICY,
	[TPPGATE_POLICY_A_GRANT_REQUIRED] = U8_POLICY,
	[TPPGATE_POLICY_A_OFFLINE_GRACE] = U32_POLICY,
	[TPPGATE_POLICY_A_OFFLINE_CAP] = U64_POLICY,
	[TPPGATE_POLICY_A_REVOKE_MODE] = U32_POLICY,
	[TPPGATE_POLICY_A_REVOKE_DEADLINE] = U32_POLICY,
	[TPPGATE_POLICY_A_CLASSES] = { .maxlen = TPPGATE_CLASSES_MAX * 2 },
	[TPPGATE_POLICY_A_DEFAULT_ACTION] = U32_POLICY,
	[TPPGATE_POLICY_A_INFO_N_ENTRIES] = U32_POLICY,
	[TPPGATE_POLICY_A_INFO_SHA256] = { .minlen = TPPGATE_SHA256_LEN,
					   .maxlen = TPPGATE_SHA256_LEN },
	[TPPGATE_POLICY_A_INFO_LOADED_AT] = U64_POLICY,
	[TPPGATE_POLICY_A_INFO_VERIFY_NS] = U64_POLICY,
	[TPPGATE_POLICY_A_INFO_PARSE_NS] = U64_POLICY,
	[TPPGATE_POLICY_A_INFO_APPLY_NS] = U64_POLICY,
	[TPPGATE_POLICY_A_INFO_EXPIRED] = U8_POLICY,
};

static const struct nla_policy host_policy[TPPGATE_HOST_A_MAX + 1] = {
	[TPPGATE_HOST_A_KIND] = U32_POLICY,
	[TPPGATE_HOST_A_HASH] = { .minlen = TPPGATE_SHA256_LEN,
				  .maxlen = TPPGATE_SHA256_LEN },
};

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = U32_POLICY,
};

static bool aligned(const void *p)
{
	return ((uintptr_t)p & (NLA_ALIGNTO - 1)) == 0;
}

/*
 * Every byte of the stream belongs to a well-formed attribute; only the
 * padding of the last one may be missing.
 */
static int stream_ok(const void *attrs, size_t len)
{
	const unsigned char *p = attrs;
	size_t rem = len;

	if (len > TPPGATE_DECODE_MAX)
		return -EMSGSIZE;
	if (len && !aligned(attrs))
		return -EINVAL;
	while (rem) {
		struct nlattr nla;
		size_t step;

		if (rem < NLA_HDRLEN)
			return -EINVAL;
		memcpy(&nla, p, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || nla.nla_len > rem)
			return -EINVAL;
		step = NLA_ALIGN(nla.nla_len);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	return 0;
}

static int parse(struct nlattr **tb, int max, const void *attrs, size_t len,
		 const struct nla_policy *policy)
{
	int err;

	err = stream_ok(attrs, len);
	if (err)
		return err;
	/* nla_parse() takes a non-const head but only reads through it. */
	if (nla_parse(tb, max, (struct nlattr *)attrs, (int)len, policy) < 0)
		return -EINVAL;
	return 0;
}

static int parse_nest(struct nlattr **tb, int max, const struct nlattr *nest,
		      const struct nla_policy *policy)
{
	return parse(tb, max, nla_data(nest), (size_t)nla_len(nest), policy);
}

static bool all_present(struct nlattr **tb, const int *req, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!tb[req[i]])
			return false;
	return true;
}

/*
 * Copies a policy-checked NLA_STRING. Driver names and versions are plain
 * ASCII; anything else (escape sequences, invalid UTF-8 that JSON cannot
 * carry) is rejected rather than printed.
 */
static int get_str(const struct nlattr *nla, char *buf, size_t len)
{
	const char *s = nla_data(nla);
	size_t i, n = strnlen(s, (size_t)nla_len(nla));

	if (n >= len)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

static int get_bdf(const struct nlattr *nla, char *buf)
{
	char norm[TPPGATE_BDF_LEN];
	int err;

	err = get_str(nla, buf, TPPGATE_BDF_LEN);
	if (err)
		return err;
	/* The ABI promises the kernel's own form; anything else is garbage. */
	if (tppgate_bdf_normalize(buf, norm, sizeof(norm)) || strcmp(buf, norm))
		return -EINVAL;
	return 0;
}

static const int device_required[] = {
	TPPGATE_DEVICE_A_BDF, TPPGATE_DEVICE_A_VENDOR, TPPGATE_DEVICE_A_DEVICE,
	TPPGATE_DEVICE_A_CLASS, TPPGATE_DEVICE_A_STATE, TPPGATE_DEVICE_A_REASON,
};

static uint16_t get_u16_or0(struct nlattr *nla)
{
	return nla ? nla_get_u16(nla) : 0;
}

int tppgate_decode_device_nest(const struct nlattr *nest,
			       struct tppgate_device_info *out)
{
	struct nlattr *tb[TPPGATE_DEVICE_A_MAX + 1] = { NULL };
	uint32_t state, reason, class;
	int err;

	err = parse_nest(tb, TPPGATE_DEVICE_A_MAX, nest, device_policy);
	if (err)
		return err;
	if (!all_present(tb, device_required, ARRAY_SIZE(device_required)))
		return -EINVAL;

	state = nla_get_u32(tb[TPPGATE_DEVICE_A_STATE]);
	reason = nla_get_u32(tb[TPPGATE_DEVICE_A_REASON]);
	class = nla_get_u32(tb[TPPGATE_DEVICE_A_CLASS]);
	/*
	 * A newer kernel may append states and reasons (the ABI only grows);
	 * keep them as numbers, which the output shows as unknown.
	 */
	if (class > 0xffffff)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	err = get_bdf(tb[TPPGATE_DEVICE_A_BDF], out->bdf);
	if (!err && tb[TPPGATE_DEVICE_A_DRIVER])
		err = get_str(tb[TPPGATE_DEVICE_A_DRIVER], out->driver,
			      sizeof(out->driver));
	if (err)
		return err;
	out->vendor = nla_get_u16(tb[TPPGATE_DEVICE_A_VENDOR]);
	out->device = nla_get_u16(tb[TPPGATE_DEVICE_A_DEVICE]);
	out->subsys_vendor = get_u16_or0(tb[TPPGATE_DEVICE_A_SUBSYS_VENDOR]);
	out->subsys_device = get_u16_or0(tb[TPPGATE_DEVICE_A_SUBSYS_DEVICE]);
	out->class = class;
	out->state = (enum tppgate_state)state;
	out->reason = (enum tppgate_reason)reason;
	if (tb[TPPGATE_DEVICE_A_TPP])
		out->tpp = nla_get_u64(tb[TPPGATE_DEVICE_A_TPP]);
	if (tb[TPPGATE_DEVICE_A_FLAGS])
		out->flags = nla_get_u32(tb[TPPGATE_DEVICE_A_FLAGS]);
	return 0;
}

int tppgate_decode_device_attrs(const void *attrs, size_t len,
				struct tppgate_device_info *out)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1] = { NULL };
	int err;

	err = parse(tb, TPPGATE_A_MAX, attrs, len, top_policy);
	if (err)
		return err;
	if (!tb[TPPGATE_A_DEVICE])
		return -EINVAL;
	return tppgate_decode_device_nest(tb[TPPGATE_A_DEVICE], out);
}

static const int status_required[] = {
	TPPGATE_STATUS_A_VERSION, TPPGATE_STATUS_A_BOOT_MODE,
	TPPGATE_STATUS_A_N_QUARANTINED, TPPGATE_STATUS_A_N_ADMITTED,
	TPPGATE_STATUS_A_N_UNMANAGED_BOUND, TPPGATE_STATUS_A_N_UNMANAGED,
};

/*
 * A grant comes whole: its TPP, the serial it was computed for and what is
 * left of its lease. One without the others is malformed.
 */
static int decode_grant(struct nlattr **tb, struct tppgate_status_info *out)
{
	struct nlattr *g = tb[TPPGATE_STATUS_A_GRANT];
	struct nlattr *gs = tb[TPPGATE_STATUS_A_GRANT_SERIAL];
	struct nlattr *left = tb[TPPGATE_STATUS_A_LEASE_LEFT_MS];

	if (!g != !gs || !g != !left)
		return -EINVAL;
	if (g) {
		out->has_grant = true;
		out->grant = nla_get_u64(g);
		out->grant_serial = nla_get_u64(gs);
		out->lease_left_ms = nla_get_u64(left);
	}
	if (tb[TPPGATE_STATUS_A_OFFLINE_SECS]) {
		out->has_offline = true;
		out->offline_secs = nla_get_u64(tb[TPPGATE_STATUS_A_OFFLINE_SECS]);
	}
	if (tb[TPPGATE_STATUS_A_EFFECTIVE_CAP]) {
		out->has_effective_cap = true;
		out->effective_cap =
			nla_get_u64(tb[TPPGATE_STATUS_A_EFFECTIVE_CAP]);
	}
	return 0;
}

static int decode_status_nest(const struct nlattr *nest,
			      struct tppgate_status_info *out)
{
	struct nlattr *tb[TPPGATE_STATUS_A_MAX + 1] = { NULL };
	uint32_t mode;
	int err;

	err = parse_nest(tb, TPPGATE_STATUS_A_MAX, nest, status_policy);
	if (err)
		return err;
	if (!all_present(tb, status_required, ARRAY_SIZE(status_required)))
		return -EINVAL;
	mode = nla_get_u32(tb[TPPGATE_STATUS_A_BOOT_MODE]);
	if (mode >= __TPPGATE_BOOT_MAX)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	err = get_str(tb[TPPGATE_STATUS_A_VERSION], out->version,
		      sizeof(out->version));
	if (err)
		return err;
	out->boot_mode = (enum tppgate_boot_mode)mode;
	if (tb[TPPGATE_STATUS_A_FLAGS])
		out->flags = nla_get_u32(tb[TPPGATE_STATUS_A_FLAGS]);
	out->n_quarantined = nla_get_u32(tb[TPPGATE_STATUS_A_N_QUARANTINED]);
	out->n_admitted = nla_get_u32(tb[TPPGATE_STATUS_A_N_ADMITTED]);
	out->n_unmanaged_bound =
		nla_get_u32(tb[TPPGATE_STATUS_A_N_UNMANAGED_BOUND]);
	out->n_unmanaged = nla_get_u32(tb[TPPGATE_STATUS_A_N_UNMANAGED]);
	/* Newer than the first ABI: optional, so older modules still work. */
	if (tb[TPPGATE_STATUS_A_N_OVER_CAP])
		out->n_over_cap = nla_get_u32(tb[TPPGATE_STATUS_A_N_OVER_CAP]);
	if (tb[TPPGATE_STATUS_A_ADMITTED_TPP])
		out->admitted_tpp =
			nla_get_u64(tb[TPPGATE_STATUS_A_ADMITTED_TPP]);
	if (tb[TPPGATE_STATUS_A_NODE_CAP]) {
		out->has_node_cap = true;
		out->node_cap = nla_get_u64(tb[TPPGATE_STATUS_A_NODE_CAP]);
	}
	if (tb[TPPGATE_STATUS_A_POLICY_SERIAL]) {
		out->has_policy = true;
		out->policy_serial =
			nla_get_u64(tb[TPPGATE_STATUS_A_POLICY_SERIAL]);
	}
	return decode_grant(tb, out);
}

int tppgate_decode_status_attrs(const void *attrs, size_t len,
				struct tppgate_status_info *out)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1] = { NULL };
	int err;

	err = parse(tb, TPPGATE_A_MAX, attrs, len, top_policy);
	if (err)
		return err;
	if (!tb[TPPGATE_A_STATUS])
		return -EINVAL;
	return decode_status_nest(tb[TPPGATE_A_STATUS], out);
}

static int decode_policy_info(const struct nlattr *nest,
			      struct tppgate_event_info *out)
{
	struct nlattr *tb[TPPGATE_POLICY_A_MAX + 1] = { NULL };
	int err;

	err = parse_nest(tb, TPPGATE_POLICY_A_MAX, nest, policy_info_policy);
	if (err)
		return err;
	if (tb[TPPGATE_POLICY_A_SERIAL]) {
		out->has_policy_serial = true;
		out->policy_serial = nla_get_u64(tb[TPPGATE_POLICY_A_SERIAL]);
	}
	return 0;
}

/*
 * Device events must carry the device. Policy events carry the policy's
 * info, of which the serial is kept when it is there.
 */
int tppgate_decode_event_attrs(const void *attrs, size_t len,
			       struct tppgate_event_info *out)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1] = { NULL };
	uint32_t event;
	bool grant;
	int err;

	err = parse(tb, TPPGATE_A_MAX, attrs, len, top_policy);
	if (err)
		return err;
	if (!tb[TPPGATE_A_EVENT])
		return -EINVAL;
	event = nla_get_u32(tb[TPPGATE_A_EVENT]);
	if (event == TPPGATE_EVENT_UNSPEC || event > TPPGATE_EVENT_MAX)
		return -EINVAL;

	memset(out, 0, sizeof(*out));
	out->event = (enum tppgate_event)event;
	if (tppgate_event_is_device(event)) {
		if (!tb[TPPGATE_A_DEVICE])
			return -EINVAL;
		out->has_device = true;
		return tppgate_decode_device_nest(tb[TPPGATE_A_DEVICE],
						  &out->device);
	}
	/* Grant events carry the module's state after the change. */
	grant = event == TPPGATE_EVENT_GRANT_CHANGED ||
		event == TPPGATE_EVENT_LEASE_LAPSED ||
		event == TPPGATE_EVENT_OFFLINE_CAP;
	if (grant && !tb[TPPGATE_A_STATUS])
		return -EINVAL;
	if (tb[TPPGATE_A_STATUS]) {
		out->has_status = true;
		err = decode_status_nest(tb[TPPGATE_A_STATUS], &out->status);
		if (err)
			return err;
	}
	if (tb[TPPGATE_A_POLICY_INFO])
		return decode_policy_info(tb[TPPGATE_A_POLICY_INFO], out);
	return 0;
}

/* A policy string: UTF-8 text, which a policy's issuer may well use. */
static int get_text(const struct nlattr *nla, char *buf, size_t len)
{
	const char *s = nla_data(nla);
	size_t n = strnlen(s, (size_t)nla_len(nla));

	if (n >= len || !tppgate_text_ok(s, n))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

static const int info_required[] = {
	TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_A_SERIAL,
	TPPGATE_POLICY_A_ISSUER, TPPGATE_POLICY_A_NOT_BEFORE,
	TPPGATE_POLICY_A_NOT_AFTER, TPPGATE_POLICY_A_REGION,
	TPPGATE_POLICY_A_TIER,
};

static uint64_t u64_or(struct nlattr *nla, uint64_t def)
{
	return nla ? nla_get_u64(nla) : def;
}

static uint32_t u32_or(struct nlattr *nla, uint32_t def)
{
	return nla ? nla_get_u32(nla) : def;
}

static int decode_info_host(const struct nlattr *nest,
			    struct tppgate_policy_src *p)
{
	struct nlattr *tb[TPPGATE_HOST_A_MAX + 1] = { NULL };
	int err;

	err = parse_nest(tb, TPPGATE_HOST_A_MAX, nest, host_policy);
	if (err)
		return err;
	if (!tb[TPPGATE_HOST_A_KIND] || !tb[TPPGATE_HOST_A_HASH])
		return -EINVAL;
	p->has_host = true;
	p->host_kind = nla_get_u32(tb[TPPGATE_HOST_A_KIND]);
	memcpy(p->host_hash, nla_data(tb[TPPGATE_HOST_A_HASH]),
	       TPPGATE_SHA256_LEN);
	return p->host_kind > TPPGATE_HOST_KIND_MAX ? -EINVAL : 0;
}

static int decode_info_nest(const struct nlattr *nest,
			    struct tppgate_policy_info *out)
{
	struct nlattr *tb[TPPGATE_POLICY_A_MAX + 1] = { NULL };
	struct tppgate_policy_src *p = &out->policy;
	struct nlattr *a;
	uint32_t i;
	int err;

	err = parse_nest(tb, TPPGATE_POLICY_A_MAX, nest, info_policy);
	if (err)
		return err;
	if (!all_present(tb, info_required, ARRAY_SIZE(info_required)))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	tppgate_policy_init(p);
	p->format = nla_get_u32(tb[TPPGATE_POLICY_A_FORMAT]);
	p->serial = nla_get_u64(tb[TPPGATE_POLICY_A_SERIAL]);
	p->not_before = nla_get_u64(tb[TPPGATE_POLICY_A_NOT_BEFORE]);
	p->not_after = nla_get_u64(tb[TPPGATE_POLICY_A_NOT_AFTER]);
	p->tier = nla_get_u8(tb[TPPGATE_POLICY_A_TIER]);
	err = get_text(tb[TPPGATE_POLICY_A_ISSUER], p->issuer,
		       sizeof(p->issuer));
	if (!err)
		err = get_text(tb[TPPGATE_POLICY_A_REGION], p->region,
			       sizeof(p->region));
	if (!err && tb[TPPGATE_POLICY_A_CLUSTER_ID])
		err = get_text(tb[TPPGATE_POLICY_A_CLUSTER_ID], p->cluster_id,
			       sizeof(p->cluster_id));
	if (!err && tb[TPPGATE_POLICY_A_HOST])
		err = decode_info_host(tb[TPPGATE_POLICY_A_HOST], p);
	if (err)
		return err;
	p->has_node_cap = tb[TPPGATE_POLICY_A_NODE_CAP];
	p->node_cap = u64_or(tb[TPPGATE_POLICY_A_NODE_CAP], 0);
	p->has_cluster_cap = tb[TPPGATE_POLICY_A_CLUSTER_CAP];
	p->cluster_cap = u64_or(tb[TPPGATE_POLICY_A_CLUSTER_CAP], 0);
	a = tb[TPPGATE_POLICY_A_GRANT_REQUIRED];
	p->grant_required = a && nla_get_u8(a);
	p->offline_grace = u32_or(tb[TPPGATE_POLICY_A_OFFLINE_GRACE], 0);
	p->offline_cap = u64_or(tb[TPPGATE_POLICY_A_OFFLINE_CAP], 0);
	p->revoke_mode = u32_or(tb[TPPGATE_POLICY_A_REVOKE_MODE],
				TPPGATE_REVOKE_DEADLINE);
	p->revoke_deadline = u32_or(tb[TPPGATE_POLICY_A_REVOKE_DEADLINE], 0);
	p->default_action = u32_or(tb[TPPGATE_POLICY_A_DEFAULT_ACTION],
				   TPPGATE_ACTION_DENY);
	a = tb[TPPGATE_POLICY_A_CLASSES];
	if (a) {
		const uint8_t *c = nla_data(a);

		if (nla_len(a) % 2)
			return -EINVAL;
		p->n_classes = (uint32_t)nla_len(a) / 2;
		for (i = 0; i < p->n_classes; i++)
			memcpy(&p->classes[i], c + 2 * i, 2);
	}
	/* Values this library has no words for are errors, as for devices. */
	if (p->revoke_mode > TPPGATE_REVOKE_MAX ||
	    p->default_action > TPPGATE_ACTION_MAX)
		return -EINVAL;
	p->n_entries = u32_or(tb[TPPGATE_POLICY_A_INFO_N_ENTRIES], 0);
	if (tb[TPPGATE_POLICY_A_INFO_SHA256])
		memcpy(out->sha256, nla_data(tb[TPPGATE_POLICY_A_INFO_SHA256]),
		       TPPGATE_SHA256_LEN);
	out->loaded_at = u64_or(tb[TPPGATE_POLICY_A_INFO_LOADED_AT], 0);
	out->verify_ns = u64_or(tb[TPPGATE_POLICY_A_INFO_VERIFY_NS], 0);
	out->parse_ns = u64_or(tb[TPPGATE_POLICY_A_INFO_PARSE_NS], 0);
	out->apply_ns = u64_or(tb[TPPGATE_POLICY_A_INFO_APPLY_NS], 0);
	a = tb[TPPGATE_POLICY_A_INFO_EXPIRED];
	out->expired = a && nla_get_u8(a);
	return 0;
}

int tppgate_decode_policy_info_attrs(const void *attrs, size_t len,
				     struct tppgate_policy_info *out)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1] = { NULL };
	int err;

	err = parse(tb, TPPGATE_A_MAX, attrs, len, top_policy);
	if (err)
		return err;
	if (!tb[TPPGATE_A_POLICY_INFO])
		return -EINVAL;
	return decode_info_nest(tb[TPPGATE_A_POLICY_INFO], out);
}

static void copy_printable(char *dst, size_t dstlen, const char *src,
			   size_t srclen)
{
	size_t i, n = strnlen(src, srclen);

	if (!dstlen)
		return;
	if (n >= dstlen)
		n = dstlen - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/*
 * Where the TLVs start in an NLMSG_ERROR payload: after struct nlmsgerr and,
 * unless NLM_F_CAPPED, the payload of the echoed request.
 */
static int error_tlv_offset(const struct nlmsghdr *nlh, size_t plen,
			    int *errp, size_t *off)
{
	struct nlmsgerr e;
	size_t echoed = 0;

	if (plen < sizeof(e))
		return -EINVAL;
	memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e.msg.nlmsg_len < NLMSG_HDRLEN)
			return -EINVAL;
		echoed = e.msg.nlmsg_len - NLMSG_HDRLEN;
	}
	if (echoed > plen - sizeof(e))
		return -EINVAL;
	*errp = e.error;
	*off = NLMSG_ALIGN(sizeof(e) + echoed);
	return 0;
}

int tppgate_decode_extack(const void *buf, size_t len, int *errp,
			  char *msg, size_t msglen, uint32_t *offp)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	const struct nlmsghdr *nlh = buf;
	size_t plen, off;
	int err, e32;

	if (msglen)
		msg[0] = '\0';
	if (offp)
		*offp = 0;
	*errp = 0;
	if (len < NLMSG_HDRLEN || len > TPPGATE_DECODE_MAX || !aligned(buf))
		return -EINVAL;
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		return -EINVAL;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		err = error_tlv_offset(nlh, plen, errp, &off);
		if (err)
			return err;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end carries its error, then maybe TLVs. */
		if (plen < sizeof(e32))
			return 0;
		memcpy(&e32, NLMSG_DATA(nlh), sizeof(e32));
		*errp = e32;
		off = NLMSG_ALIGN(sizeof(e32));
	} else {
		return -EINVAL;
	}
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (off > plen)
		return -EINVAL;

	err = parse(tb, NLMSGERR_ATTR_MAX, (const char *)NLMSG_DATA(nlh) + off,
		    plen - off, extack_policy);
	if (err)
		return err;
	if (tb[NLMSGERR_ATTR_MSG])
		copy_printable(msg, msglen, nla_data(tb[NLMSGERR_ATTR_MSG]),
			       (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
	if (offp && tb[NLMSGERR_ATTR_OFFS])
		*offp = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	return 0;
}

/* The attributes of one genl message of @family and command @cmd. */
static int genl_attrs(const struct nlmsghdr *nlh, uint16_t family, uint8_t cmd,
		      const void **attrs, size_t *alen)
{
	struct genlmsghdr g;
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type != family)
		return 1;
	if (plen < GENL_HDRLEN)
		return -EINVAL;
	memcpy(&g, NLMSG_DATA(nlh), sizeof(g));
	if (g.cmd != cmd)
		return 1;
	*attrs = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	*alen = plen - GENL_HDRLEN;
	return 0;
}

int tppgate_decode_events(const void *buf, size_t len, uint16_t family,
			  tppgate_event_cb cb, void *ctx)
{
	const unsigned char *p = buf;
	size_t rem = len;
	int ret = 0;

	if (len > TPPGATE_DECODE_MAX || !aligned(buf))
		return -EBADMSG;
	while (rem) {
		const struct nlmsghdr *nlh = (const void *)p;
		struct tppgate_event_info ev;
		const void *attrs;
		size_t alen, step;
		int err;

		if (rem < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > rem)
			return -EBADMSG;
		err = genl_attrs(nlh, family, TPPGATE_CMD_EVENT, &attrs, &alen);
		if (!err)
			err = tppgate_decode_event_attrs(attrs, alen, &ev);
		if (err < 0)
			ret = -EBADMSG;
		if (!err) {
			err = cb(&ev, ctx);
			if (err < 0)
				return err;
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	return ret;
}
