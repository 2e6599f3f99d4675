// SPDX-License-Identifier: GPL-2.0
/*
 * The policy blob codec and the .tpp container.
 *
 * The golden test pins the encoder's ABI: its bytes are written out here
 * by hand from the uapi header's layout, not produced by any encoder. The
 * rejection tests build blobs with a small writer of their own (bb_*), so
 * that they can write what no encoder would: wrong lengths, flags,
 * duplicates, trailing bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "libtppgate.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- golden ----------------------------------------------------------- */

static const char golden_hex[] =
	/* FORMAT = 1 */
	"08 00 01 00  01 00 00 00"
	/* SERIAL = 7, a plain 8-byte attribute (no PAD) */
	"0c 00 02 00  07 00 00 00 00 00 00 00"
	/* ISSUER = "ACME", its NUL, 3 bytes of padding */
	"09 00 03 00  41 43 4d 45 00  00 00 00"
	/* NOT_BEFORE = 1000, NOT_AFTER = 2000 */
	"0c 00 04 00  e8 03 00 00 00 00 00 00"
	"0c 00 05 00  d0 07 00 00 00 00 00 00"
	/* REGION = "DE" */
	"07 00 06 00  44 45 00  00"
	/* TIER = 2 */
	"05 00 07 00  02  00 00 00"
	/* HOST, NLA_F_NESTED: KIND = machine-id (1), HASH = 32 x 0xab */
	"30 00 08 80"
	"  08 00 01 00  01 00 00 00"
	"  24 00 02 00  ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab"
	"               ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab"
	/* NODE_CAP = 2000 */
	"0c 00 09 00  d0 07 00 00 00 00 00 00"
	/* CLUSTER_ID = "c1", CLUSTER_CAP = 5000 */
	"07 00 0a 00  63 31 00  00"
	"0c 00 0b 00  88 13 00 00 00 00 00 00"
	/* GRANT_REQUIRED = 0 */
	"05 00 0c 00  00  00 00 00"
	/* OFFLINE_GRACE = 600, OFFLINE_CAP = 0 */
	"08 00 0d 00  58 02 00 00"
	"0c 00 0e 00  00 00 00 00 00 00 00 00"
	/* REVOKE_MODE = deadline (1), REVOKE_DEADLINE = 10 */
	"08 00 0f 00  01 00 00 00"
	"08 00 10 00  0a 00 00 00"
	/* CLASSES = { 0x1200 }, padded */
	"06 00 11 00  00 12  00 00"
	/* DEFAULT_ACTION = deny (0) */
	"08 00 12 00  00 00 00 00"
	/* CATALOG: three struct tppgate_catalog_entry of 12 bytes, in the
	 * canonical order: 10de:2330 for one subsystem (count), 10de:2330 for
	 * any other (deny), then 1234:11e8 (tpp 1000, pd 100, count) */
	"28 00 13 00  de 10 30 23 d8 3d 00 00 99 07 01 00"
	"             de 10 30 23 d8 3d 00 00 99 07 00 00"
	"             34 12 e8 11 e8 03 00 00 64 00 01 00"
	/* CATALOG_SUBSYS: entry 0 only for subsystem 10de:16c1 */
	"0c 00 14 00  00 00 00 00 de 10 c1 16"
	/* CATALOG_NAMES: "H100", "any", "edu" */
	"11 00 15 00  48 31 30 30 00 61 6e 79 00 65 64 75 00  00 00 00";

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (*s && n < max) {
		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* In canonical order; shuffled_entries has them as an author might. */
static struct tppgate_catalog_item golden_entries[3] = {
	{ .vendor = 0x10de, .device = 0x2330, .has_subsys = true,
	  .subsystem_vendor = 0x10de, .subsystem_device = 0x16c1,
	  .tpp = 15832, .pd = 1945, .action = TPPGATE_ACTION_COUNT,
	  .name = "H100" },
	{ .vendor = 0x10de, .device = 0x2330, .tpp = 15832, .pd = 1945,
	  .action = TPPGATE_ACTION_DENY, .name = "any" },
	{ .vendor = 0x1234, .device = 0x11e8, .tpp = 1000, .pd = 100,
	  .action = TPPGATE_ACTION_COUNT, .name = "edu" },
};

static void golden_policy(struct tppgate_policy_src *p)
{
	tppgate_policy_init(p);
	p->serial = 7;
	strcpy(p->issuer, "ACME");
	p->not_before = 1000;
	p->not_after = 2000;
	strcpy(p->region, "DE");
	p->tier = 2;
	p->has_host = true;
	p->host_kind = TPPGATE_HOST_MACHINE_ID;
	memset(p->host_hash, 0xab, sizeof(p->host_hash));
	p->has_node_cap = true;
	p->node_cap = 2000;
	strcpy(p->cluster_id, "c1");
	p->has_cluster_cap = true;
	p->cluster_cap = 5000;
	p->offline_grace = 600;
	p->revoke_deadline = 10;
	p->n_classes = 1;
	p->classes[0] = 0x1200;
	p->n_entries = 3;
	p->entries = golden_entries;
}

static void golden(void)
{
	static uint8_t want[1024], got[TPPGATE_POLICY_MAX];
	struct tppgate_policy_src p, d;
	size_t wlen, glen = 0, i;
	char err[256];
	int ret;

	wlen = unhex(golden_hex, want, sizeof(want));
	golden_policy(&p);
	ret = tppgate_policy_encode(&p, got, sizeof(got), &glen, err,
				    sizeof(err));
	is_int(ret, 0, "golden policy encodes");
	is_int(glen, wlen, "golden blob is %zu bytes", wlen);
	for (i = 0; i < wlen && i < glen && got[i] == want[i]; i++)
		;
	if (!ok(glen == wlen && i == wlen,
		"golden blob: the encoder's bytes are the header's layout"))
		tap_diag("first difference at offset %zu: got %02x, want %02x",
			 i, i < glen ? got[i] : 0, i < wlen ? want[i] : 0);
	ret = tppgate_policy_decode(want, wlen, &d, err, sizeof(err));
	is_int(ret, 0, "the hand-written golden blob decodes");
	ok(!ret && tppgate_policy_equal(&p, &d),
	   "and decodes to the golden policy");
	tppgate_policy_free(&d);
	is_int(tppgate_policy_encode(&p, got, wlen - 1, &glen, NULL, 0),
	       -ENOSPC, "a buffer one byte short is -ENOSPC");

	/* Any order in, the canonical order out. */
	{
		struct tppgate_catalog_item shuffled[3] = {
			golden_entries[2], golden_entries[1], golden_entries[0],
		};
		struct tppgate_policy_src q = p;

		q.entries = shuffled;
		ret = tppgate_policy_encode(&q, got, sizeof(got), &glen, NULL, 0);
		ok(!ret && glen == wlen && !memcmp(got, want, wlen),
		   "the encoder writes a shuffled catalog in canonical order");
		ok(shuffled[0].vendor == 0x1234,
		   "and leaves the caller's catalog as it was");
		if (!tppgate_policy_copy(&d, &q)) {
			is_int(tppgate_policy_sort(&d), 0, "sort a copy");
			ok(tppgate_policy_equal(&d, &p),
			   "the subsystem entry first, the plain one after, then 1234");
			tppgate_policy_free(&d);
		}
	}
	is_str(tppgate_policy_attr_at(want, wlen, 0), "FORMAT",
	       "offset 0 is in FORMAT");
	is_str(tppgate_policy_attr_at(want, wlen, 80), "HOST.KIND",
	       "offset 80 is in HOST's KIND");
	is_str(tppgate_policy_attr_at(want, wlen, 72), "HOST",
	       "offset 72 is HOST's header");
	is_str(tppgate_policy_attr_at(want, wlen, wlen - 1), "CATALOG_NAMES",
	       "the last byte is in CATALOG_NAMES' padding");
	ok(!tppgate_policy_attr_at(want, wlen, wlen), "past the end: none");
}

/* --- a blob writer of the tests' own ---------------------------------- */

struct bb {
	uint8_t buf[TPPGATE_POLICY_MAX + 4096];
	size_t len;
};

static void bb_raw(struct bb *b, uint16_t type, const void *data, size_t len)
{
	uint16_t hdr[2] = { (uint16_t)(NLA_HDRLEN + len), type };

	memcpy(b->buf + b->len, hdr, 4);
	if (len)
		memcpy(b->buf + b->len + 4, data, len);
	memset(b->buf + b->len + 4 + len, 0, NLA_ALIGN(len) - len);
	b->len += NLA_HDRLEN + NLA_ALIGN(len);
}

static void bb_u8(struct bb *b, uint16_t type, uint8_t v)
{
	bb_raw(b, type, &v, 1);
}

static void bb_u32(struct bb *b, uint16_t type, uint32_t v)
{
	bb_raw(b, type, &v, 4);
}

static void bb_u64(struct bb *b, uint16_t type, uint64_t v)
{
	bb_raw(b, type, &v, 8);
}

static void bb_str(struct bb *b, uint16_t type, const char *s)
{
	bb_raw(b, type, s, strlen(s) + 1);
}

/* What a case changes in the minimal valid policy. */
enum mut {
	M_NONE, M_UNKNOWN_TYPE, M_TYPE_ZERO, M_PAD, M_INFO, M_DUP_SERIAL,
	M_FORMAT_2, M_FORMAT_U64, M_SERIAL_U32, M_SERIAL_0, M_NO_ISSUER,
	M_ISSUER_NO_NUL, M_ISSUER_129, M_ISSUER_LONG_TAIL, M_ISSUER_128, M_ISSUER_EMPTY,
	M_ISSUER_AFTER_NUL, M_ISSUER_CTRL, M_ISSUER_BAD_UTF8, M_REGION_LOWER,
	M_REGION_1, M_REGION_3, M_TIER_0, M_TIER_4, M_TIER_U32, M_TIMES_EQUAL,
	M_TIMES_BACKWARDS, M_NO_REGION, M_GRANT_2, M_MODE_2, M_DEADLINE_WEEK,
	M_DEADLINE_OVER, M_DEFAULT_3, M_CLASSES_34, M_CLASSES_ODD,
	M_CLASSES_EMPTY, M_HOST_NOT_NESTED, M_SERIAL_NESTED,
	M_SERIAL_BYTEORDER, M_HOST_NO_HASH, M_HOST_HASH_31, M_HOST_KIND_2,
	M_HOST_UNKNOWN, M_HOST_EMPTY, M_HOST_DUP, M_HOST_OK, M_CAT_PARTIAL,
	M_CAT_4096, M_CAT_4097, M_CAT_ACTION, M_CAT_FLAGS, M_CAT_DUP,
	M_CAT_SUBSYS_PAIR, M_CAT_SUBSYS_LAST, M_CAT_UNSORTED,
	M_CAT_VENDOR_ORDER, M_CAT_EMPTY, M_SUB_PARTIAL, M_SUB_RANGE,
	M_SUB_SAME, M_SUB_DECREASING, M_SUB_NO_CATALOG, M_SUB_DUP,
	M_NAMES_FEW, M_NAMES_MANY, M_NAMES_UNTERMINATED, M_NAMES_64,
	M_NAMES_63, M_NAMES_NO_CATALOG, M_TRAILING, M_SHORT_HEADER,
	M_LEN_PAST_END, M_LAST_UNPADDED, M_TOO_BIG, M_EMPTY, M_NODE_CAP_U32,
	M_CLUSTER_ID_65,
};

static void fill_cat(uint8_t *p, uint16_t vendor, uint16_t device,
		     uint8_t action, uint8_t flags)
{
	memset(p, 0, 12);
	memcpy(p, &vendor, 2);
	memcpy(p + 2, &device, 2);
	p[4] = 100;
	p[10] = action;
	p[11] = flags;
}

static void sub_entry(uint8_t *p, uint32_t index)
{
	uint16_t v = 0x10de, d = 0x16c1;

	memcpy(p, &index, 4);
	memcpy(p + 4, &v, 2);
	memcpy(p + 6, &d, 2);
}

static void host(struct bb *b, enum mut m)
{
	uint8_t hash[32], nest[128];
	struct bb *n = malloc(sizeof(*n));

	memset(hash, 0x11, sizeof(hash));
	n->len = 0;
	if (m != M_HOST_EMPTY)
		bb_u32(n, TPPGATE_HOST_A_KIND, m == M_HOST_KIND_2 ? 2 : 1);
	if (m != M_HOST_NO_HASH && m != M_HOST_EMPTY)
		bb_raw(n, TPPGATE_HOST_A_HASH, hash, m == M_HOST_HASH_31 ? 31 : 32);
	if (m == M_HOST_UNKNOWN)
		bb_u32(n, 3, 0);
	if (m == M_HOST_DUP)
		bb_u32(n, TPPGATE_HOST_A_KIND, 1);
	memcpy(nest, n->buf, n->len);
	bb_raw(b, TPPGATE_POLICY_A_HOST |
	       (m == M_HOST_NOT_NESTED ? 0 : NLA_F_NESTED), nest, n->len);
	free(n);
}

static void catalog(struct bb *b, enum mut m)
{
	static uint8_t cat[12 * 4097];
	uint8_t sub[24], names[200];
	size_t i, n = 2, nl = 0;

	if (m == M_CAT_4096 || m == M_CAT_4097)
		n = m == M_CAT_4096 ? 4096 : 4097;
	for (i = 0; i < n; i++)
		fill_cat(cat + 12 * i, 0x10de, (uint16_t)i, 1, 0);
	if (m == M_CAT_ACTION)
		cat[12 + 10] = 3;
	if (m == M_CAT_FLAGS)
		cat[12 + 11] = 1;
	if (m == M_CAT_DUP || m == M_CAT_SUBSYS_PAIR || m == M_CAT_SUBSYS_LAST)
		fill_cat(cat + 12, 0x10de, 0, 1, 0);
	if (m == M_CAT_UNSORTED) {
		fill_cat(cat, 0x10de, 1, 1, 0);
		fill_cat(cat + 12, 0x10de, 0, 1, 0);
	}
	if (m == M_CAT_VENDOR_ORDER)
		fill_cat(cat + 12, 0x1002, 0x740f, 1, 0);
	if (m == M_CAT_EMPTY)
		n = 0;
	if (m != M_SUB_NO_CATALOG && m != M_NAMES_NO_CATALOG)
		bb_raw(b, TPPGATE_POLICY_A_CATALOG, cat,
		       12 * n + (m == M_CAT_PARTIAL));

	switch (m) {
	case M_CAT_SUBSYS_PAIR:
		sub_entry(sub, 0);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 8);
		break;
	case M_CAT_SUBSYS_LAST:
	case M_SUB_NO_CATALOG:
		sub_entry(sub, 1);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 8);
		break;
	case M_SUB_PARTIAL:
		sub_entry(sub, 1);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 7);
		break;
	case M_SUB_RANGE:
		sub_entry(sub, 2);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 8);
		break;
	case M_SUB_SAME:
	case M_SUB_DECREASING:
		sub_entry(sub, 1);
		sub_entry(sub + 8, m == M_SUB_SAME ? 1 : 0);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 16);
		break;
	case M_SUB_DUP:
		sub_entry(sub, 1);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 8);
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, 8);
		break;
	default:
		break;
	}

	memcpy(names, "a\0b\0", 4);
	nl = 4;
	switch (m) {
	case M_NAMES_FEW:
		nl = 2;
		break;
	case M_NAMES_MANY:
	case M_NAMES_NO_CATALOG:
		memcpy(names + 4, "c\0", 2);
		nl = 6;
		break;
	case M_NAMES_UNTERMINATED:
		nl = 3;
		break;
	case M_NAMES_64:
	case M_NAMES_63:
		nl = m == M_NAMES_64 ? 64 : 63;
		memset(names + 2, 'x', nl);
		names[2 + nl] = '\0';
		nl += 3;
		break;
	default:
		nl = 0;
		break;
	}
	if (nl)
		bb_raw(b, TPPGATE_POLICY_A_CATALOG_NAMES, names, nl);
}

static void build(struct bb *b, enum mut m)
{
	char issuer[200];
	uint16_t classes[17] = { 0x1200 };

	b->len = 0;
	if (m == M_EMPTY)
		return;
	if (m == M_TYPE_ZERO)
		bb_u32(b, 0, 1);
	bb_u32(b, TPPGATE_POLICY_A_FORMAT, m == M_FORMAT_2 ? 2 : 1);
	if (m == M_FORMAT_U64) {
		b->len = 0;
		bb_u64(b, TPPGATE_POLICY_A_FORMAT, 1);
	}
	if (m == M_SERIAL_U32)
		bb_u32(b, TPPGATE_POLICY_A_SERIAL, 1);
	else
		bb_u64(b, TPPGATE_POLICY_A_SERIAL |
		       (m == M_SERIAL_NESTED ? NLA_F_NESTED : 0) |
		       (m == M_SERIAL_BYTEORDER ? NLA_F_NET_BYTEORDER : 0),
		       m == M_SERIAL_0 ? 0 : 5);
	if (m == M_DUP_SERIAL)
		bb_u64(b, TPPGATE_POLICY_A_SERIAL, 6);

	switch (m) {
	case M_NO_ISSUER:
		break;
	case M_ISSUER_NO_NUL:
		bb_raw(b, TPPGATE_POLICY_A_ISSUER, "abc", 3);
		break;
	case M_ISSUER_129:
	case M_ISSUER_128:
		memset(issuer, 'i', sizeof(issuer));
		issuer[m == M_ISSUER_129 ? 129 : 128] = '\0';
		bb_str(b, TPPGATE_POLICY_A_ISSUER, issuer);
		break;
	case M_ISSUER_LONG_TAIL:
		memset(issuer, 't', sizeof(issuer));
		issuer[2] = '\0';
		bb_raw(b, TPPGATE_POLICY_A_ISSUER, issuer, 130);
		break;
	case M_ISSUER_EMPTY:
		bb_str(b, TPPGATE_POLICY_A_ISSUER, "");
		break;
	case M_ISSUER_AFTER_NUL:
		bb_raw(b, TPPGATE_POLICY_A_ISSUER, "ab\0cd", 6);
		break;
	case M_ISSUER_CTRL:
		bb_str(b, TPPGATE_POLICY_A_ISSUER, "a\033[31mb");
		break;
	case M_ISSUER_BAD_UTF8:
		bb_str(b, TPPGATE_POLICY_A_ISSUER, "caf\xe9");
		break;
	default:
		bb_str(b, TPPGATE_POLICY_A_ISSUER, "ACME compliance");
		break;
	}
	bb_u64(b, TPPGATE_POLICY_A_NOT_BEFORE, 100);
	bb_u64(b, TPPGATE_POLICY_A_NOT_AFTER, m == M_TIMES_EQUAL ? 100 :
	       m == M_TIMES_BACKWARDS ? 99 : 200);
	if (m == M_REGION_3)
		bb_raw(b, TPPGATE_POLICY_A_REGION, "DEU", 4);
	else if (m != M_NO_REGION)
		bb_str(b, TPPGATE_POLICY_A_REGION, m == M_REGION_LOWER ? "de" :
		       m == M_REGION_1 ? "D" : "DE");
	if (m == M_TIER_U32)
		bb_u32(b, TPPGATE_POLICY_A_TIER, 2);
	else
		bb_u8(b, TPPGATE_POLICY_A_TIER, m == M_TIER_0 ? 0 :
		      m == M_TIER_4 ? 4 : 2);
	if (m >= M_HOST_NOT_NESTED && m <= M_HOST_OK && m != M_SERIAL_NESTED &&
	    m != M_SERIAL_BYTEORDER)
		host(b, m);
	if (m == M_NODE_CAP_U32)
		bb_u32(b, TPPGATE_POLICY_A_NODE_CAP, 5);
	if (m == M_CLUSTER_ID_65) {
		memset(issuer, 'c', 65);
		issuer[65] = '\0';
		bb_str(b, TPPGATE_POLICY_A_CLUSTER_ID, issuer);
	}
	if (m == M_GRANT_2)
		bb_u8(b, TPPGATE_POLICY_A_GRANT_REQUIRED, 2);
	if (m == M_MODE_2)
		bb_u32(b, TPPGATE_POLICY_A_REVOKE_MODE, 2);
	if (m == M_DEADLINE_WEEK || m == M_DEADLINE_OVER)
		bb_u32(b, TPPGATE_POLICY_A_REVOKE_DEADLINE,
		       TPPGATE_REVOKE_DEADLINE_MAX + (m == M_DEADLINE_OVER));
	if (m == M_CLASSES_34 || m == M_CLASSES_ODD || m == M_CLASSES_EMPTY)
		bb_raw(b, TPPGATE_POLICY_A_CLASSES, classes,
		       m == M_CLASSES_34 ? 34 : m == M_CLASSES_ODD ? 3 : 0);
	if (m == M_DEFAULT_3)
		bb_u32(b, TPPGATE_POLICY_A_DEFAULT_ACTION, 3);
	if (m >= M_CAT_PARTIAL && m <= M_NAMES_NO_CATALOG)
		catalog(b, m);
	if (m == M_UNKNOWN_TYPE)
		bb_u32(b, TPPGATE_POLICY_A_MAX + 1, 0);
	if (m == M_PAD)
		bb_u32(b, TPPGATE_POLICY_A_PAD, 0);
	if (m == M_INFO)
		bb_u32(b, TPPGATE_POLICY_A_INFO_N_ENTRIES, 0);
	if (m == M_TRAILING) {
		memset(b->buf + b->len, 0, 2);
		b->len += 2;
	}
	if (m == M_SHORT_HEADER) {
		bb_u32(b, TPPGATE_POLICY_A_NODE_CAP, 0);
		b->buf[b->len - 8] = 3;	/* nla_len 3 < NLA_HDRLEN */
	}
	if (m == M_LEN_PAST_END) {
		bb_u64(b, TPPGATE_POLICY_A_NODE_CAP, 0);
		b->buf[b->len - 12] = 16;
	}
	if (m == M_LAST_UNPADDED) {
		bb_u8(b, TPPGATE_POLICY_A_GRANT_REQUIRED, 1);
		b->len -= 3;	/* as the kernel, the last padding may be missing */
	}
	if (m == M_TOO_BIG) {
		static const uint8_t zeros[TPPGATE_POLICY_MAX];

		bb_raw(b, TPPGATE_POLICY_A_CATALOG_NAMES, zeros,
		       TPPGATE_POLICY_MAX - b->len);
	}
}

static const struct {
	enum mut m;
	int want;
	const char *name;
	const char *in_err;	/* a substring of the message, or NULL */
} cases[] = {
	{ M_NONE, 0, "the minimal policy", NULL },
	{ M_UNKNOWN_TYPE, -EINVAL, "an unknown attribute type", "unknown attribute type 30" },
	{ M_TYPE_ZERO, -EINVAL, "attribute type 0", "unknown attribute type 0" },
	{ M_PAD, -EINVAL, "a PAD attribute", "PAD is not allowed" },
	{ M_INFO, -EINVAL, "an INFO_* attribute", "INFO_N_ENTRIES is not allowed" },
	{ M_DUP_SERIAL, -EINVAL, "SERIAL twice", "SERIAL appears twice" },
	{ M_FORMAT_2, -EPROTONOSUPPORT, "format 2", "unknown policy format 2" },
	{ M_FORMAT_U64, -EINVAL, "FORMAT of 8 bytes", "FORMAT: 8 bytes, must be 4" },
	{ M_SERIAL_U32, -EINVAL, "SERIAL of 4 bytes", "SERIAL: 4 bytes, must be 8" },
	{ M_SERIAL_0, -ERANGE, "serial 0", "SERIAL: 0 is out of range" },
	{ M_NO_ISSUER, -EINVAL, "no ISSUER", "required attribute ISSUER is missing" },
	{ M_ISSUER_NO_NUL, -EINVAL, "ISSUER without NUL", "not a NUL-terminated string" },
	/* As the kernel: no NUL within 129 bytes, before any length check. */
	{ M_ISSUER_129, -EINVAL, "ISSUER of 129 bytes", "ISSUER: not a NUL-terminated string" },
	{ M_ISSUER_LONG_TAIL, -ERANGE, "ISSUER with a NUL, then over 128 bytes", "longer than 128" },
	{ M_ISSUER_128, 0, "ISSUER of 128 bytes", NULL },
	{ M_ISSUER_EMPTY, -EINVAL, "an empty ISSUER", "empty string" },
	{ M_ISSUER_AFTER_NUL, -EINVAL, "bytes after ISSUER's NUL", "after the string's NUL" },
	{ M_ISSUER_CTRL, -EINVAL, "an escape sequence in ISSUER", "not printable ASCII" },
	{ M_ISSUER_BAD_UTF8, -EINVAL, "a byte above 0x7e in ISSUER", "not printable ASCII" },
	{ M_REGION_LOWER, -EINVAL, "region \"de\"", "two upper-case letters" },
	{ M_REGION_1, -EINVAL, "region \"D\"", "two upper-case letters" },
	{ M_REGION_3, -EINVAL, "region \"DEU\"", "REGION: not a NUL-terminated" },
	{ M_NO_REGION, -EINVAL, "no REGION", "REGION is missing" },
	{ M_TIER_0, -ERANGE, "tier 0", "TIER: 0 is out of range" },
	{ M_TIER_4, -ERANGE, "tier 4", "TIER: 4 is out of range" },
	{ M_TIER_U32, -EINVAL, "TIER of 4 bytes", "TIER: 4 bytes, must be 1" },
	{ M_TIMES_EQUAL, -EINVAL, "not_after == not_before", "later than not-before" },
	{ M_TIMES_BACKWARDS, -EINVAL, "not_after < not_before", "later than not-before" },
	{ M_GRANT_2, -ERANGE, "grant_required 2", "GRANT_REQUIRED: 2 is out of range" },
	{ M_MODE_2, -ERANGE, "revoke mode 2", "REVOKE_MODE: 2 is out of range" },
	{ M_DEADLINE_WEEK, 0, "a deadline of a week", NULL },
	{ M_DEADLINE_OVER, -EINVAL, "a deadline of a week and a second", "longer than a week" },
	{ M_DEFAULT_3, -ERANGE, "default action 3", "DEFAULT_ACTION: 3 is out of range" },
	{ M_CLASSES_34, -ERANGE, "17 classes", "CLASSES: 34 bytes, at most 32" },
	{ M_CLASSES_ODD, -EINVAL, "a partial class", "partial class" },
	{ M_CLASSES_EMPTY, 0, "an empty class list", NULL },
	{ M_HOST_NOT_NESTED, -EINVAL, "HOST without NLA_F_NESTED", "NLA_F_NESTED is missing" },
	{ M_SERIAL_NESTED, -EINVAL, "SERIAL with NLA_F_NESTED", "NLA_F_NESTED not expected" },
	{ M_SERIAL_BYTEORDER, -EINVAL, "SERIAL with NLA_F_NET_BYTEORDER", "NET_BYTEORDER" },
	{ M_HOST_NO_HASH, -EINVAL, "HOST without HASH", "needs KIND and HASH" },
	{ M_HOST_HASH_31, -ERANGE, "a 31-byte host hash", "HOST.HASH: 31 bytes" },
	{ M_HOST_KIND_2, -ERANGE, "host kind 2", "HOST.KIND: 2 is out of range" },
	{ M_HOST_UNKNOWN, -EINVAL, "an unknown HOST attribute", "HOST: unknown attribute 3" },
	{ M_HOST_EMPTY, -EINVAL, "an empty HOST", "needs KIND and HASH" },
	{ M_HOST_DUP, -EINVAL, "HOST.KIND twice", "HOST.KIND appears twice" },
	{ M_HOST_OK, 0, "a host binding", NULL },
	{ M_NODE_CAP_U32, -EINVAL, "NODE_CAP of 4 bytes", "NODE_CAP: 4 bytes" },
	{ M_CLUSTER_ID_65, -EINVAL, "a cluster id of 65 bytes", "CLUSTER_ID: not a NUL-terminated" },
	{ M_CAT_PARTIAL, -EINVAL, "a catalog with a partial entry", "partial entry (25 bytes" },
	{ M_CAT_4096, 0, "4096 catalog entries", NULL },
	{ M_CAT_4097, -E2BIG, "4097 catalog entries", "4097 entries, more than 4096" },
	{ M_CAT_ACTION, -EINVAL, "catalog action 3", "unknown action (3)" },
	{ M_CAT_FLAGS, -EINVAL, "catalog flags 1", "or flags (0x01)" },
	{ M_CAT_DUP, -EINVAL, "a device listed twice", "entry 1: 10de:0000 is listed twice" },
	{ M_CAT_SUBSYS_PAIR, 0, "one device for a subsystem, then for any", NULL },
	{ M_CAT_SUBSYS_LAST, -EINVAL, "one device for any, then for a subsystem",
	  "entry 1 (10de:0000 subsystem 10de:16c1) is out of canonical order, after 10de:0000" },
	{ M_CAT_UNSORTED, -EINVAL, "devices in descending order",
	  "entry 1 (10de:0000) is out of canonical order, after 10de:0001" },
	{ M_CAT_VENDOR_ORDER, -EINVAL, "vendors in descending order",
	  "entry 1 (1002:740f) is out of canonical order, after 10de:0000" },
	{ M_CAT_EMPTY, 0, "an empty catalog", NULL },
	{ M_SUB_PARTIAL, -EINVAL, "a partial subsystem entry", "CATALOG_SUBSYS: partial" },
	{ M_SUB_RANGE, -EINVAL, "a subsystem index past the catalog", "index 2 out of range" },
	{ M_SUB_SAME, -EINVAL, "a subsystem index twice", "index 1 out of range or not increasing" },
	{ M_SUB_DECREASING, -EINVAL, "subsystem indexes decreasing", "index 0 out of range or not increasing" },
	{ M_SUB_NO_CATALOG, -EINVAL, "subsystems without a catalog", "index 1 out of range" },
	{ M_SUB_DUP, -EINVAL, "CATALOG_SUBSYS twice", "CATALOG_SUBSYS appears twice" },
	{ M_NAMES_FEW, -EINVAL, "fewer names than entries", "1 names for 2 entries" },
	{ M_NAMES_MANY, -EINVAL, "more names than entries", "3 names for 2 entries" },
	{ M_NAMES_UNTERMINATED, -EINVAL, "an unterminated name", "unterminated" },
	{ M_NAMES_64, -EINVAL, "a name of 64 bytes", "longer than 63" },
	{ M_NAMES_63, 0, "a name of 63 bytes", NULL },
	{ M_NAMES_NO_CATALOG, -EINVAL, "names without a catalog", "3 names for 0 entries" },
	{ M_TRAILING, -EINVAL, "2 bytes after the last attribute", "left over" },
	{ M_SHORT_HEADER, -EINVAL, "an attribute shorter than its header", "left over" },
	{ M_LEN_PAST_END, -EINVAL, "an attribute longer than the blob", "left over" },
	{ M_LAST_UNPADDED, 0, "the last attribute without padding", NULL },
	{ M_TOO_BIG, -E2BIG, "a blob over 60 KiB", "larger than 61440" },
	{ M_EMPTY, -EINVAL, "an empty blob", "FORMAT is missing" },
};

static void rejections(void)
{
	struct tppgate_policy_src p;
	struct bb *b = malloc(sizeof(*b));
	char err[256];
	uint8_t *copy;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build(b, cases[i].m);
		/* An exact-size heap copy: ASan sees any read past the end. */
		copy = malloc(b->len ? b->len : 1);
		memcpy(copy, b->buf, b->len);
		err[0] = '\0';
		ret = tppgate_policy_decode(copy, b->len, &p, err, sizeof(err));
		if (!is_int(ret, cases[i].want, "decode: %s", cases[i].name))
			tap_diag("message: %s", err);
		if (cases[i].in_err && !ok(strstr(err, cases[i].in_err),
					   "decode: %s: says '%s'",
					   cases[i].name, cases[i].in_err))
			tap_diag("message: %s", err);
		tppgate_policy_free(&p);
		free(copy);
	}
	free(b);
}

/* Every policy the decoder accepts, the encoder writes back as it was. */
static void reencode(void)
{
	static const enum mut good[] = {
		M_NONE, M_HOST_OK, M_CAT_SUBSYS_PAIR, M_NAMES_63, M_CAT_4096,
	};
	static uint8_t out[TPPGATE_POLICY_MAX];
	struct tppgate_policy_src p, q;
	struct bb *b = malloc(sizeof(*b));
	size_t i, len;
	int ret;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		build(b, good[i]);
		ret = tppgate_policy_decode(b->buf, b->len, &p, NULL, 0);
		ret = ret ? ret : tppgate_policy_encode(&p, out, sizeof(out),
							&len, NULL, 0);
		ret = ret ? ret : tppgate_policy_decode(out, len, &q, NULL, 0);
		ok(!ret && tppgate_policy_equal(&p, &q),
		   "decode, encode, decode: the same policy (case %d)", good[i]);
		tppgate_policy_free(&p);
		tppgate_policy_free(&q);
	}
	free(b);
}

/* The encoder refuses what the kernel would refuse. */
static void encode_refuses(void)
{
	static uint8_t out[TPPGATE_POLICY_MAX];
	struct tppgate_catalog_item two[2] = {
		{ .vendor = 1, .device = 2, .action = 1, .tpp = 5 },
		{ .vendor = 1, .device = 2, .action = 0 },
	};
	struct tppgate_policy_src p, q;
	char err[256];
	size_t len;

	golden_policy(&p);
	q = p;
	q.tier = 0;
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -ERANGE, "encode refuses tier 0");
	q = p;
	q.region[1] = 'e';
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -EINVAL, "encode refuses region \"De\"");
	q = p;
	q.not_after = q.not_before;
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -EINVAL, "encode refuses an empty validity window");
	q = p;
	q.issuer[0] = '\0';
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -EINVAL, "encode refuses an empty issuer");
	q = p;
	q.entries = two;
	q.n_entries = 2;
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, err,
				     sizeof(err)),
	       -EINVAL, "encode refuses a device listed twice");
	is_str(err, "catalog[1]: 0001:0002 is listed twice (also catalog[0])",
	       "and names both entries");
	q = p;
	q.n_entries = TPPGATE_CATALOG_MAX + 1;
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -E2BIG, "encode refuses 4097 entries");
	q = p;
	q.format = 2;
	is_int(tppgate_policy_encode(&q, out, sizeof(out), &len, NULL, 0),
	       -EPROTONOSUPPORT, "encode refuses format 2");
}

/* Names up to 63 bytes for 4096 entries: more than 60 KiB in all. */
static void encode_too_big(void)
{
	static uint8_t out[TPPGATE_POLICY_MAX];
	struct tppgate_policy_src p;
	size_t i, len;

	golden_policy(&p);
	p.n_entries = TPPGATE_CATALOG_MAX;
	p.entries = calloc(p.n_entries, sizeof(*p.entries));
	for (i = 0; i < p.n_entries; i++) {
		p.entries[i].vendor = (uint16_t)(i >> 8);
		p.entries[i].device = (uint16_t)i;
		memset(p.entries[i].name, 'n', TPPGATE_NAME_MAX - 1);
	}
	is_int(tppgate_policy_encode(&p, out, sizeof(out), &len, NULL, 0),
	       -E2BIG, "a policy over 60 KiB does not encode");
	for (i = 0; i < p.n_entries; i++)
		p.entries[i].name[0] = '\0';
	is_int(tppgate_policy_encode(&p, out, sizeof(out), &len, NULL, 0), 0,
	       "4096 entries without names do");
	tppgate_policy_free(&p);
}

/* --- .tpp ------------------------------------------------------------ */

static void tpp_golden(void)
{
	static uint8_t blob[0x102], sig[0x304], file[0x102 + 0x304 + 40];
	static const uint8_t trailer[40] = {
		0x00, 0x00, 0x01, 0x02,		/* blob_len, big-endian */
		0x00, 0x00, 0x03, 0x04,		/* sig_len, big-endian */
		0x01,				/* version */
		0, 0, 0, 0, 0, 0, 0,		/* reserved */
		'~', 't', 'p', 'p', 'g', 'a', 't', 'e', ' ', 's', 'i', 'g',
		'n', 'e', 'd', ' ', 'p', 'o', 'l', 'i', 'c', 'y', '~', '\n',
	};
	const void *b, *s;
	size_t len, bl, sl;

	memset(blob, 'b', sizeof(blob));
	memset(sig, 's', sizeof(sig));
	is_int(tppgate_file_join(blob, sizeof(blob), sig, sizeof(sig), file,
				 sizeof(file), &len), 0, ".tpp: join");
	is_int(len, sizeof(file), ".tpp: blob, signature and 40 bytes");
	ok(!memcmp(file, blob, sizeof(blob)) &&
	   !memcmp(file + sizeof(blob), sig, sizeof(sig)),
	   ".tpp: the blob, then the signature");
	ok(!memcmp(file + len - 40, trailer, 40),
	   ".tpp: the trailer's bytes are the header's layout");
	ok(tppgate_file_is_signed(file, len), ".tpp: ends with the magic");
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), 0,
	       ".tpp: split");
	ok(b == file && bl == sizeof(blob) && s == file + sizeof(blob) &&
	   sl == sizeof(sig), ".tpp: split finds both parts");
	is_int(tppgate_file_join(blob, sizeof(blob), sig, sizeof(sig), file,
				 sizeof(file) - 1, &len), -ENOSPC,
	       ".tpp: join into a short buffer");
	is_int(tppgate_file_join(blob, 0, sig, 1, file, sizeof(file), &len),
	       -EINVAL, ".tpp: join of an empty blob");
	is_int(tppgate_file_join(blob, 1, sig, 0, file, sizeof(file), &len),
	       -EINVAL, ".tpp: join of an empty signature");
	is_int(tppgate_file_join(blob, TPPGATE_POLICY_MAX + 1, sig, 1, file,
				 sizeof(file), &len),
	       -E2BIG, ".tpp: join of a blob over 60 KiB");
	is_int(tppgate_file_join(blob, 1, sig, TPPGATE_SIGNATURE_MAX + 1, file,
				 sizeof(file), &len),
	       -E2BIG, ".tpp: join of a signature over 8 KiB");
}

static void set_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void tpp_truncated(void)
{
	static uint8_t blob[100], sig[60], file[200];
	const void *b, *s;
	size_t len, bl, sl, n;
	unsigned int bad_prefix = 0, bad_suffix = 0;
	uint8_t *copy;

	memset(blob, 1, sizeof(blob));
	memset(sig, 2, sizeof(sig));
	tppgate_file_join(blob, sizeof(blob), sig, sizeof(sig), file,
			  sizeof(file), &len);
	/* Every shorter prefix and suffix, in an exact-size buffer. */
	for (n = 0; n < len; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, file, n);
		if (tppgate_file_split(copy, n, &b, &bl, &s, &sl) != -EBADMSG)
			bad_prefix++;
		memcpy(copy, file + len - n, n);
		if (tppgate_file_split(copy, n, &b, &bl, &s, &sl) != -EBADMSG)
			bad_suffix++;
		free(copy);
	}
	is_int(bad_prefix, 0, ".tpp: every truncation of the end is -EBADMSG");
	is_int(bad_suffix, 0, ".tpp: every truncation of the start is -EBADMSG");

	file[len - 40 + 8] = 2;
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl),
	       -EPROTONOSUPPORT, ".tpp: trailer version 2");
	file[len - 40 + 8] = 1;
	file[len - 40 + 15] = 1;
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -EBADMSG,
	       ".tpp: a reserved byte set");
	file[len - 40 + 15] = 0;
	set_be32(file + len - 40, TPPGATE_POLICY_MAX + 1);
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -E2BIG,
	       ".tpp: blob_len over 60 KiB");
	set_be32(file + len - 40, 0xffffffff);
	set_be32(file + len - 36, 0xffffffff);
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -E2BIG,
	       ".tpp: lengths that would overflow");
	set_be32(file + len - 40, 0);
	set_be32(file + len - 36, (uint32_t)(len - 40));
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -EBADMSG,
	       ".tpp: an empty blob");
	set_be32(file + len - 40, (uint32_t)(len - 40));
	set_be32(file + len - 36, 0);
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -EBADMSG,
	       ".tpp: an empty signature");
	set_be32(file + len - 40, 99);
	set_be32(file + len - 36, 60);
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -EBADMSG,
	       ".tpp: lengths one short of the file");
	set_be32(file + len - 40, 100);
	file[len - 1] = '\r';
	is_int(tppgate_file_split(file, len, &b, &bl, &s, &sl), -EBADMSG,
	       ".tpp: a different magic");
	ok(!tppgate_file_is_signed(file, len), "and it is not called signed");
}

void test_policy(void)
{
	golden();
	rejections();
	reencode();
	encode_refuses();
	encode_too_big();
	tpp_golden();
	tpp_truncated();
}
