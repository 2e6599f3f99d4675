// SPDX-License-Identifier: LGPL-2.1
/*
 * The policy blob (uapi/linux/tppgate.h, "Policy blob"): a stream of
 * netlink attributes. Pure functions: no I/O, no global state.
 *
 * The attributes are written and read by hand, byte by byte in
 * little-endian order, rather than with libnl: the blob is a file format
 * (it is signed, stored and sent to other hosts), so every byte must be
 * pinned down, and the decoder must not depend on the alignment of its
 * input.
 *
 * The decoder applies the kernel's rules in the kernel's order
 * (driver/policy.c: nla_parse() with strict validation, then the checks of
 * tppgate_policy_parse()), so that its errno is the one the kernel would
 * give: tppctl policy verify and the kernel reach one verdict on every
 * blob. tests/parity/corpus.c holds a case for each of the kernel's rules;
 * when the kernel gains a rule, mirror it here and add a case there.
 */
#define CLASS_BASE_BRIDGE	0x06	/* PCI bridges: never accelerators */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "libtppgate.h"
#include "policy_int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The ABI this file writes, checked against the header's structs. */
#define ENTRY_LEN	12
#define SUBSYS_LEN	8
_Static_assert(sizeof(struct tppgate_catalog_entry) == ENTRY_LEN, "entry");
_Static_assert(sizeof(struct tppgate_catalog_subsys) == SUBSYS_LEN, "subsys");
_Static_assert(sizeof(struct tppgate_file_trailer) == 40, "trailer");

enum kind { K_NONE, K_U8, K_U32, K_U64, K_STR, K_NEST, K_BIN };

/*
 * What the kernel's blob_policy says of each attribute. @max: the string's
 * or binary's longest length, or the integer's largest value; @min: the
 * integer's smallest.
 */
struct attr_desc {
	const char *name;
	enum kind kind;
	uint64_t min, max;
};

static const struct attr_desc blob_attrs[TPPGATE_POLICY_A_MAX + 1] = {
	[TPPGATE_POLICY_A_FORMAT] = { "FORMAT", K_U32, 0, UINT32_MAX },
	[TPPGATE_POLICY_A_SERIAL] = { "SERIAL", K_U64, 1, UINT64_MAX },
	[TPPGATE_POLICY_A_ISSUER] = { "ISSUER", K_STR, 0, TPPGATE_ISSUER_MAX },
	[TPPGATE_POLICY_A_NOT_BEFORE] = { "NOT_BEFORE", K_U64, 0, UINT64_MAX },
	[TPPGATE_POLICY_A_NOT_AFTER] = { "NOT_AFTER", K_U64, 0, UINT64_MAX },
	[TPPGATE_POLICY_A_REGION] = { "REGION", K_STR, 0, 2 },
	[TPPGATE_POLICY_A_TIER] = { "TIER", K_U8, 1, 3 },
	[TPPGATE_POLICY_A_HOST] = { "HOST", K_NEST, 0, 0 },
	[TPPGATE_POLICY_A_NODE_CAP] = { "NODE_CAP", K_U64, 0, UINT64_MAX },
	[TPPGATE_POLICY_A_CLUSTER_ID] = { "CLUSTER_ID", K_STR, 0,
					  TPPGATE_CLUSTER_ID_MAX },
	[TPPGATE_POLICY_A_CLUSTER_CAP] = { "CLUSTER_CAP", K_U64, 0, UINT64_MAX },
	[TPPGATE_POLICY_A_GRANT_REQUIRED] = { "GRANT_REQUIRED", K_U8, 0, 1 },
	[TPPGATE_POLICY_A_OFFLINE_GRACE] = { "OFFLINE_GRACE", K_U32, 0,
					     UINT32_MAX },
	[TPPGATE_POLICY_A_OFFLINE_CAP] = { "OFFLINE_CAP", K_U64, 0, UINT64_MAX },
	[TPPGATE_POLICY_A_REVOKE_MODE] = { "REVOKE_MODE", K_U32, 0,
					   TPPGATE_REVOKE_MAX },
	[TPPGATE_POLICY_A_REVOKE_DEADLINE] = { "REVOKE_DEADLINE", K_U32, 0,
					       UINT32_MAX },
	[TPPGATE_POLICY_A_CLASSES] = { "CLASSES", K_BIN, 0,
				       TPPGATE_CLASSES_MAX * 2 },
	[TPPGATE_POLICY_A_DEFAULT_ACTION] = { "DEFAULT_ACTION", K_U32, 0,
					      TPPGATE_ACTION_MAX },
	[TPPGATE_POLICY_A_CATALOG] = { "CATALOG", K_BIN, 0, 0 },
	[TPPGATE_POLICY_A_CATALOG_SUBSYS] = { "CATALOG_SUBSYS", K_BIN, 0, 0 },
	[TPPGATE_POLICY_A_CATALOG_NAMES] = { "CATALOG_NAMES", K_BIN, 0, 0 },
	/* Never in a blob: no kind, so the decoder refuses them. */
	[TPPGATE_POLICY_A_PAD] = { "PAD", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_N_ENTRIES] = { "INFO_N_ENTRIES", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_SHA256] = { "INFO_SHA256", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_LOADED_AT] = { "INFO_LOADED_AT", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_VERIFY_NS] = { "INFO_VERIFY_NS", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_PARSE_NS] = { "INFO_PARSE_NS", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_APPLY_NS] = { "INFO_APPLY_NS", K_NONE, 0, 0 },
	[TPPGATE_POLICY_A_INFO_EXPIRED] = { "INFO_EXPIRED", K_NONE, 0, 0 },
};

static const struct attr_desc host_attrs[TPPGATE_HOST_A_MAX + 1] = {
	[TPPGATE_HOST_A_KIND] = { "HOST.KIND", K_U32, 0, TPPGATE_HOST_KIND_MAX },
	[TPPGATE_HOST_A_HASH] = { "HOST.HASH", K_BIN, TPPGATE_SHA256_LEN,
				  TPPGATE_SHA256_LEN },
};

/* The kernel's required[], in its order. */
static const unsigned int required[] = {
	TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_A_SERIAL,
	TPPGATE_POLICY_A_ISSUER, TPPGATE_POLICY_A_NOT_BEFORE,
	TPPGATE_POLICY_A_NOT_AFTER, TPPGATE_POLICY_A_REGION,
	TPPGATE_POLICY_A_TIER,
};

int tppgate_errf(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

const char *tppgate_policy_attr_name(unsigned int type)
{
	return type < ARRAY_SIZE(blob_attrs) ? blob_attrs[type].name : NULL;
}

/* Little-endian fields, whatever the host. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

bool tppgate_text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t k, more;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= more)
			return false;
		for (k = 1; k <= more; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return false;
		i += more + 1;
	}
	return true;
}

/* driver/policy.c check_string(): what the kernel keeps and logs. */
static bool printable_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

void tppgate_policy_init(struct tppgate_policy_src *p)
{
	memset(p, 0, sizeof(*p));
	p->format = TPPGATE_POLICY_FORMAT;
	p->revoke_mode = TPPGATE_REVOKE_DEADLINE;
	p->default_action = TPPGATE_ACTION_DENY;
}

void tppgate_policy_free(struct tppgate_policy_src *p)
{
	free(p->entries);
	p->entries = NULL;
	p->n_entries = 0;
}

int tppgate_policy_copy(struct tppgate_policy_src *dst,
			const struct tppgate_policy_src *src)
{
	*dst = *src;
	dst->entries = NULL;
	if (!src->n_entries)
		return 0;
	dst->entries = calloc(src->n_entries, sizeof(*dst->entries));
	if (!dst->entries) {
		dst->n_entries = 0;
		return -ENOMEM;
	}
	memcpy(dst->entries, src->entries,
	       src->n_entries * sizeof(*dst->entries));
	return 0;
}

static bool item_equal(const struct tppgate_catalog_item *a,
		       const struct tppgate_catalog_item *b)
{
	return a->vendor == b->vendor && a->device == b->device &&
	       a->has_subsys == b->has_subsys &&
	       (!a->has_subsys ||
		(a->subsystem_vendor == b->subsystem_vendor &&
		 a->subsystem_device == b->subsystem_device)) &&
	       a->tpp == b->tpp && a->pd == b->pd && a->action == b->action &&
	       !strcmp(a->name, b->name);
}

bool tppgate_policy_equal(const struct tppgate_policy_src *a,
			  const struct tppgate_policy_src *b)
{
	uint32_t i;

	if (a->format != b->format || a->serial != b->serial ||
	    strcmp(a->issuer, b->issuer) || a->not_before != b->not_before ||
	    a->not_after != b->not_after || strcmp(a->region, b->region) ||
	    a->tier != b->tier || a->has_host != b->has_host ||
	    (a->has_host && (a->host_kind != b->host_kind ||
			     memcmp(a->host_hash, b->host_hash,
				    TPPGATE_SHA256_LEN))) ||
	    a->has_node_cap != b->has_node_cap ||
	    (a->has_node_cap && a->node_cap != b->node_cap) ||
	    strcmp(a->cluster_id, b->cluster_id) ||
	    a->has_cluster_cap != b->has_cluster_cap ||
	    (a->has_cluster_cap && a->cluster_cap != b->cluster_cap) ||
	    a->grant_required != b->grant_required ||
	    a->offline_grace != b->offline_grace ||
	    a->offline_cap != b->offline_cap ||
	    a->revoke_mode != b->revoke_mode ||
	    a->revoke_deadline != b->revoke_deadline ||
	    a->n_classes != b->n_classes ||
	    a->default_action != b->default_action ||
	    a->n_entries != b->n_entries)
		return false;
	for (i = 0; i < a->n_classes && i < TPPGATE_CLASSES_MAX; i++)
		if (a->classes[i] != b->classes[i])
			return false;
	for (i = 0; i < a->n_entries; i++)
		if (!item_equal(&a->entries[i], &b->entries[i]))
			return false;
	return true;
}

int tppgate_catalog_key_cmp(const struct tppgate_catalog_item *x,
			    const struct tppgate_catalog_item *y)
{
	if (x->vendor != y->vendor)
		return x->vendor < y->vendor ? -1 : 1;
	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->has_subsys != y->has_subsys)
		return x->has_subsys ? -1 : 1;
	if (!x->has_subsys)
		return 0;
	if (x->subsystem_vendor != y->subsystem_vendor)
		return x->subsystem_vendor < y->subsystem_vendor ? -1 : 1;
	if (x->subsystem_device != y->subsystem_device)
		return x->subsystem_device < y->subsystem_device ? -1 : 1;
	return 0;
}

void tppgate_catalog_key_text(const struct tppgate_catalog_item *e,
			      char *buf, size_t len)
{
	if (e->has_subsys)
		snprintf(buf, len, "%04x:%04x subsystem %04x:%04x", e->vendor,
			 e->device, e->subsystem_vendor, e->subsystem_device);
	else
		snprintf(buf, len, "%04x:%04x", e->vendor, e->device);
}

struct keyed {
	const struct tppgate_catalog_item *e;
	uint32_t index;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = tppgate_catalog_key_cmp(x->e, y->e);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Sorts the catalog into the kernel's canonical order (uapi header): by
 * vendor, device, then the entries restricted to a subsystem by subsystem
 * ids, the unrestricted one last. Stable, so duplicates stay in order.
 */
int tppgate_policy_sort(struct tppgate_policy_src *p)
{
	struct tppgate_catalog_item *sorted;
	struct keyed *k;
	uint32_t i;

	if (p->n_entries < 2)
		return 0;
	k = calloc(p->n_entries, sizeof(*k));
	sorted = calloc(p->n_entries, sizeof(*sorted));
	if (!k || !sorted) {
		free(k);
		free(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < p->n_entries; i++)
		k[i] = (struct keyed){ &p->entries[i], i };
	qsort(k, p->n_entries, sizeof(*k), keyed_cmp);
	for (i = 0; i < p->n_entries; i++)
		sorted[i] = *k[i].e;
	free(p->entries);
	p->entries = sorted;
	free(k);
	return 0;
}

/* The kernel refuses a catalog that lists one device (and subsystem) twice. */
static int check_duplicates(const struct tppgate_policy_src *p, char *err,
			    size_t errlen)
{
	struct keyed *k;
	uint32_t i;
	int ret = 0;

	if (p->n_entries < 2)
		return 0;
	k = calloc(p->n_entries, sizeof(*k));
	if (!k)
		return -ENOMEM;
	for (i = 0; i < p->n_entries; i++)
		k[i] = (struct keyed){ &p->entries[i], i };
	qsort(k, p->n_entries, sizeof(*k), keyed_cmp);
	for (i = 1; i < p->n_entries; i++) {
		if (!tppgate_catalog_key_cmp(k[i - 1].e, k[i].e)) {
			char key[48];

			tppgate_catalog_key_text(k[i].e, key, sizeof(key));
			ret = tppgate_errf(err, errlen, -EINVAL,
					   "catalog[%u]: %s is listed twice (also catalog[%u])",
					   k[i].index, key, k[i - 1].index);
			break;
		}
	}
	free(k);
	return ret;
}

static int check_string(const char *s, size_t max, const char *what,
			bool optional, char *err, size_t errlen)
{
	size_t n = strnlen(s, max + 1);

	if (n > max)
		return tppgate_errf(err, errlen, -ERANGE,
				    "%s: longer than %zu bytes", what, max);
	if (!n && !optional)
		return tppgate_errf(err, errlen, -EINVAL, "%s: empty", what);
	if (!printable_ascii(s, n))
		return tppgate_errf(err, errlen, -EINVAL,
				    "%s: not printable ASCII (the kernel logs it)",
				    what);
	return 0;
}

/* The fields the kernel checks in parse_fields(), in its order. */
static int validate_fields(const struct tppgate_policy_src *p, char *err,
			   size_t errlen)
{
	unsigned int i;
	int ret;

	if (p->format != TPPGATE_POLICY_FORMAT)
		return tppgate_errf(err, errlen, -EPROTONOSUPPORT,
				    "FORMAT: unknown format %u (this tppctl knows %u)",
				    p->format, TPPGATE_POLICY_FORMAT);
	if (!p->serial)
		return tppgate_errf(err, errlen, -ERANGE,
				    "SERIAL: must be at least 1");
	ret = check_string(p->issuer, TPPGATE_ISSUER_MAX, "ISSUER", false, err,
			   errlen);
	if (ret)
		return ret;
	/* The kernel compares times as time64_t: beyond S64_MAX would wrap. */
	if (p->not_after > INT64_MAX)
		return tppgate_errf(err, errlen, -ERANGE,
				    "NOT_AFTER: beyond %lld, the largest time the kernel represents",
				    (long long)INT64_MAX);
	if (p->not_after <= p->not_before)
		return tppgate_errf(err, errlen, -EINVAL,
				    "NOT_AFTER: must be later than not-before");
	if (strlen(p->region) != 2 || p->region[0] < 'A' || p->region[0] > 'Z' ||
	    p->region[1] < 'A' || p->region[1] > 'Z')
		return tppgate_errf(err, errlen, -EINVAL,
				    "REGION: must be two upper-case letters (ISO 3166-1 alpha-2)");
	if (p->tier < 1 || p->tier > 3)
		return tppgate_errf(err, errlen, -ERANGE,
				    "TIER: must be 1, 2 or 3");
	if (p->has_host && p->host_kind > TPPGATE_HOST_KIND_MAX)
		return tppgate_errf(err, errlen, -ERANGE,
				    "HOST.KIND: unknown kind %u", p->host_kind);
	ret = check_string(p->cluster_id, TPPGATE_CLUSTER_ID_MAX, "CLUSTER_ID",
			   true, err, errlen);
	if (ret)
		return ret;
	if (p->revoke_mode > TPPGATE_REVOKE_MAX)
		return tppgate_errf(err, errlen, -ERANGE,
				    "REVOKE_MODE: unknown mode %u", p->revoke_mode);
	if (p->revoke_deadline > TPPGATE_REVOKE_DEADLINE_MAX)
		return tppgate_errf(err, errlen, -EINVAL,
				    "REVOKE_DEADLINE: longer than a week (%u s)",
				    TPPGATE_REVOKE_DEADLINE_MAX);
	if (p->n_classes > TPPGATE_CLASSES_MAX)
		return tppgate_errf(err, errlen, -ERANGE,
				    "CLASSES: more than %d", TPPGATE_CLASSES_MAX);
	for (i = 0; i < p->n_classes; i++)
		if (p->classes[i] >> 8 == CLASS_BASE_BRIDGE)
			return tppgate_errf(err, errlen, -EINVAL,
					    "CLASSES: 0x%04x is a bridge class, never an accelerator",
					    p->classes[i]);
	if (p->default_action > TPPGATE_ACTION_MAX)
		return tppgate_errf(err, errlen, -ERANGE,
				    "DEFAULT_ACTION: unknown action %u",
				    p->default_action);
	return 0;
}

static int validate_catalog(const struct tppgate_policy_src *p, char *err,
			    size_t errlen)
{
	uint32_t i;
	int ret;

	if (p->n_entries > TPPGATE_CATALOG_MAX)
		return tppgate_errf(err, errlen, -E2BIG,
				    "CATALOG: %u entries, more than %d",
				    p->n_entries, TPPGATE_CATALOG_MAX);
	if (p->n_entries && !p->entries)
		return tppgate_errf(err, errlen, -EINVAL, "CATALOG: no entries");
	for (i = 0; i < p->n_entries; i++) {
		const struct tppgate_catalog_item *e = &p->entries[i];
		char what[32];

		if (e->action > TPPGATE_ACTION_MAX)
			return tppgate_errf(err, errlen, -EINVAL,
					    "catalog[%u]: unknown action %u", i,
					    e->action);
		snprintf(what, sizeof(what), "catalog[%u].name", i);
		ret = check_string(e->name, TPPGATE_NAME_MAX - 1, what, true,
				   err, errlen);
		if (ret)
			return ret == -ERANGE ? -EINVAL : ret;
	}
	return check_duplicates(p, err, errlen);
}

int tppgate_policy_validate(const struct tppgate_policy_src *p, char *err,
			    size_t errlen)
{
	int ret;

	ret = validate_fields(p, err, errlen);
	if (!ret)
		ret = validate_catalog(p, err, errlen);
	return ret;
}

/* --- encoding --------------------------------------------------------- */

struct out {
	uint8_t *buf;
	size_t cap, len;
	bool too_big;		/* over TPPGATE_POLICY_MAX */
	bool no_room;		/* over @cap */
};

/* Room for an attribute of @plen payload bytes; NULL once it is full. */
static uint8_t *attr_start(struct out *o, uint16_t type, size_t plen)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + plen);
	uint8_t *p;

	if (o->too_big || o->no_room)
		return NULL;
	if (NLA_HDRLEN + plen > UINT16_MAX ||
	    o->len + total > TPPGATE_POLICY_MAX) {
		o->too_big = true;
		return NULL;
	}
	if (o->len + total > o->cap) {
		o->no_room = true;
		return NULL;
	}
	p = o->buf + o->len;
	memset(p, 0, total);
	put16(p, (uint16_t)(NLA_HDRLEN + plen));
	put16(p + 2, type);
	o->len += total;
	return p + NLA_HDRLEN;
}

static void put_bytes(struct out *o, uint16_t type, const void *data,
		      size_t len)
{
	uint8_t *p = attr_start(o, type, len);

	if (p && len)
		memcpy(p, data, len);
}

static void put_u8(struct out *o, uint16_t type, uint8_t v)
{
	put_bytes(o, type, &v, 1);
}

static void put_u32(struct out *o, uint16_t type, uint32_t v)
{
	uint8_t *p = attr_start(o, type, 4);

	if (p)
		put32(p, v);
}

static void put_u64(struct out *o, uint16_t type, uint64_t v)
{
	uint8_t *p = attr_start(o, type, 8);

	if (p)
		put64(p, v);
}

static void put_str(struct out *o, uint16_t type, const char *s)
{
	put_bytes(o, type, s, strlen(s) + 1);
}

static void put_host(struct out *o, const struct tppgate_policy_src *p)
{
	uint8_t *n = attr_start(o, TPPGATE_POLICY_A_HOST | NLA_F_NESTED,
				NLA_HDRLEN + 4 + NLA_HDRLEN + TPPGATE_SHA256_LEN);

	if (!n)
		return;
	put16(n, NLA_HDRLEN + 4);
	put16(n + 2, TPPGATE_HOST_A_KIND);
	put32(n + 4, p->host_kind);
	put16(n + 8, NLA_HDRLEN + TPPGATE_SHA256_LEN);
	put16(n + 10, TPPGATE_HOST_A_HASH);
	memcpy(n + 12, p->host_hash, TPPGATE_SHA256_LEN);
}

static void put_catalog(struct out *o, const struct tppgate_policy_src *p)
{
	size_t i, n_subsys = 0, names_len = 0;
	bool names = false;
	uint8_t *c;

	for (i = 0; i < p->n_entries; i++) {
		n_subsys += p->entries[i].has_subsys;
		names_len += strlen(p->entries[i].name) + 1;
		names |= p->entries[i].name[0] != '\0';
	}
	c = attr_start(o, TPPGATE_POLICY_A_CATALOG, p->n_entries * ENTRY_LEN);
	for (i = 0; c && i < p->n_entries; i++, c += ENTRY_LEN) {
		const struct tppgate_catalog_item *e = &p->entries[i];

		put16(c, e->vendor);
		put16(c + 2, e->device);
		put32(c + 4, e->tpp);
		put16(c + 8, e->pd);
		c[10] = e->action;
		c[11] = 0;	/* flags: reserved */
	}
	if (n_subsys) {
		c = attr_start(o, TPPGATE_POLICY_A_CATALOG_SUBSYS,
			       n_subsys * SUBSYS_LEN);
		for (i = 0; c && i < p->n_entries; i++) {
			const struct tppgate_catalog_item *e = &p->entries[i];

			if (!e->has_subsys)
				continue;
			put32(c, (uint32_t)i);
			put16(c + 4, e->subsystem_vendor);
			put16(c + 6, e->subsystem_device);
			c += SUBSYS_LEN;
		}
	}
	if (names) {
		c = attr_start(o, TPPGATE_POLICY_A_CATALOG_NAMES, names_len);
		for (i = 0; c && i < p->n_entries; i++) {
			size_t n = strlen(p->entries[i].name) + 1;

			memcpy(c, p->entries[i].name, n);
			c += n;
		}
	}
}

int tppgate_policy_encode(const struct tppgate_policy_src *p, void *buf,
			  size_t buflen, size_t *outlen, char *err,
			  size_t errlen)
{
	struct out o = { .buf = buf, .cap = buflen };
	uint8_t classes[TPPGATE_CLASSES_MAX * 2];
	struct tppgate_policy_src sorted;
	uint32_t i;
	int ret;

	ret = tppgate_policy_validate(p, err, errlen);
	if (ret)
		return ret;
	/* The kernel takes the catalog only in canonical order. */
	ret = tppgate_policy_copy(&sorted, p);
	if (!ret)
		ret = tppgate_policy_sort(&sorted);
	if (ret) {
		tppgate_policy_free(&sorted);
		return ret;
	}
	p = &sorted;

	put_u32(&o, TPPGATE_POLICY_A_FORMAT, p->format);
	put_u64(&o, TPPGATE_POLICY_A_SERIAL, p->serial);
	put_str(&o, TPPGATE_POLICY_A_ISSUER, p->issuer);
	put_u64(&o, TPPGATE_POLICY_A_NOT_BEFORE, p->not_before);
	put_u64(&o, TPPGATE_POLICY_A_NOT_AFTER, p->not_after);
	put_str(&o, TPPGATE_POLICY_A_REGION, p->region);
	put_u8(&o, TPPGATE_POLICY_A_TIER, p->tier);
	if (p->has_host)
		put_host(&o, p);
	if (p->has_node_cap)
		put_u64(&o, TPPGATE_POLICY_A_NODE_CAP, p->node_cap);
	if (p->cluster_id[0])
		put_str(&o, TPPGATE_POLICY_A_CLUSTER_ID, p->cluster_id);
	if (p->has_cluster_cap)
		put_u64(&o, TPPGATE_POLICY_A_CLUSTER_CAP, p->cluster_cap);
	put_u8(&o, TPPGATE_POLICY_A_GRANT_REQUIRED, p->grant_required);
	put_u32(&o, TPPGATE_POLICY_A_OFFLINE_GRACE, p->offline_grace);
	put_u64(&o, TPPGATE_POLICY_A_OFFLINE_CAP, p->offline_cap);
	put_u32(&o, TPPGATE_POLICY_A_REVOKE_MODE, p->revoke_mode);
	put_u32(&o, TPPGATE_POLICY_A_REVOKE_DEADLINE, p->revoke_deadline);
	if (p->n_classes) {
		for (i = 0; i < p->n_classes; i++)
			put16(classes + 2 * i, p->classes[i]);
		put_bytes(&o, TPPGATE_POLICY_A_CLASSES, classes, 2 * p->n_classes);
	}
	put_u32(&o, TPPGATE_POLICY_A_DEFAULT_ACTION, p->default_action);
	if (p->n_entries)
		put_catalog(&o, p);
	tppgate_policy_free(&sorted);

	if (o.too_big)
		return tppgate_errf(err, errlen, -E2BIG,
				    "the policy is larger than %d bytes",
				    TPPGATE_POLICY_MAX);
	if (o.no_room)
		return tppgate_errf(err, errlen, -ENOSPC,
				    "output buffer too small");
	*outlen = o.len;
	return 0;
}

/* --- decoding --------------------------------------------------------- */

struct attr {
	uint16_t type;		/* without flags */
	uint16_t flags;		/* NLA_F_NESTED, NLA_F_NET_BYTEORDER */
	const uint8_t *data;
	size_t len;		/* payload */
	size_t off;		/* of the header, from the blob's start */
};

/* The blob and where the decoder is; @base is @p's offset in the blob. */
struct in {
	const uint8_t *p;
	size_t len, pos, base;
	char *err;
	size_t errlen;
};

/*
 * The next attribute. As the kernel's nla_ok()/nla_next(): the last one
 * may lack its padding; anything else that is not a whole attribute is
 * "bytes left over". Return: 1 and *@a, 0 at the end, or -EINVAL.
 */
static int next_attr(struct in *in, struct attr *a)
{
	size_t rem = in->len - in->pos;
	const uint8_t *h = in->p + in->pos;
	uint16_t nla_len;
	size_t step;

	if (!rem)
		return 0;
	nla_len = rem < NLA_HDRLEN ? 0 : get16(h);
	if (nla_len < NLA_HDRLEN || nla_len > rem)
		return tppgate_errf(in->err, in->errlen, -EINVAL,
				    "offset %zu: %zu bytes left over that are not an attribute",
				    in->base + in->pos, rem);
	a->type = get16(h + 2) & NLA_TYPE_MASK;
	a->flags = get16(h + 2) & ~NLA_TYPE_MASK;
	a->data = h + NLA_HDRLEN;
	a->len = nla_len - NLA_HDRLEN;
	a->off = in->base + in->pos;
	step = NLA_ALIGN((size_t)nla_len);
	in->pos += step < rem ? step : rem;
	return 1;
}

#define AERR(in, a, d, ret, fmt, ...)					\
	tppgate_errf((in)->err, (in)->errlen, (ret), "offset %zu: %s: " fmt, \
		     (a)->off, (d)->name, ##__VA_ARGS__)

/*
 * One attribute against its description, as the kernel's validate_nla()
 * under NL_VALIDATE_STRICT, and then the decoder's own string rules.
 */
static int check_attr(struct in *in, const struct attr *a,
		      const struct attr_desc *d)
{
	static const size_t int_len[] = { [K_U8] = 1, [K_U32] = 4, [K_U64] = 8 };
	uint64_t v = 0;
	size_t n;

	if (d->kind == K_NONE)
		return tppgate_errf(in->err, in->errlen, -EINVAL,
				    "offset %zu: attribute %u%s%s is not allowed in a policy",
				    a->off, a->type, d->name ? " " : "",
				    d->name ? d->name : "");
	if (d->kind == K_NEST && !(a->flags & NLA_F_NESTED))
		return AERR(in, a, d, -EINVAL, "NLA_F_NESTED is missing");
	if (d->kind != K_NEST && (a->flags & NLA_F_NESTED))
		return AERR(in, a, d, -EINVAL, "NLA_F_NESTED not expected");
	if (a->flags & NLA_F_NET_BYTEORDER)
		return AERR(in, a, d, -EINVAL, "NLA_F_NET_BYTEORDER not expected");

	switch (d->kind) {
	case K_U8:
	case K_U32:
	case K_U64:
		if (a->len != int_len[d->kind])
			return AERR(in, a, d, -EINVAL,
				    "%zu bytes, must be %zu", a->len,
				    int_len[d->kind]);
		v = d->kind == K_U8 ? a->data[0] :
		    d->kind == K_U32 ? get32(a->data) : get64(a->data);
		if (v < d->min || v > d->max)
			return AERR(in, a, d, -ERANGE, "%llu is out of range",
				    (unsigned long long)v);
		return 0;
	case K_STR:
		/* NLA_NUL_STRING with .len: a NUL within len + 1 bytes... */
		n = a->len < d->max + 1 ? a->len : d->max + 1;
		if (!n || !memchr(a->data, '\0', n))
			return AERR(in, a, d, -EINVAL,
				    "not a NUL-terminated string");
		/* ...and at most len bytes before a final NUL. */
		if (a->len - (a->data[a->len - 1] == '\0') > d->max)
			return AERR(in, a, d, -ERANGE,
				    "longer than %llu bytes",
				    (unsigned long long)d->max);
		/* Stricter: exactly the text and one NUL. */
		n = strnlen((const char *)a->data, a->len);
		if (n + 1 != a->len)
			return AERR(in, a, d, -EINVAL,
				    "bytes after the string's NUL");
		if (!n)
			return AERR(in, a, d, -EINVAL, "empty string");
		if (!printable_ascii((const char *)a->data, n))
			return AERR(in, a, d, -EINVAL,
				    "not printable ASCII");
		return 0;
	case K_BIN:
		if (d->max && a->len > d->max)
			return AERR(in, a, d, -ERANGE, "%zu bytes, at most %llu",
				    a->len, (unsigned long long)d->max);
		if (a->len < d->min)
			return AERR(in, a, d, -ERANGE, "%zu bytes, at least %llu",
				    a->len, (unsigned long long)d->min);
		return 0;
	case K_NEST:
		/* Empty is allowed; otherwise a whole attribute at least. */
		if (a->len && a->len < NLA_HDRLEN)
			return AERR(in, a, d, -ERANGE, "shorter than an attribute");
		return 0;
	default:
		return -EINVAL;
	}
}

static int parse_host(struct in *top, const struct attr *nest,
		      struct tppgate_policy_src *p, bool validate_only)
{
	struct in in = {
		.p = nest->data, .len = nest->len, .base = nest->off + NLA_HDRLEN,
		.err = top->err, .errlen = top->errlen,
	};
	const struct attr *tb[TPPGATE_HOST_A_MAX + 1] = { NULL };
	struct attr a[TPPGATE_HOST_A_MAX + 1];
	struct attr cur;
	int ret;

	while ((ret = next_attr(&in, &cur)) > 0) {
		if (cur.type == 0 || cur.type > TPPGATE_HOST_A_MAX)
			return tppgate_errf(in.err, in.errlen, -EINVAL,
					    "offset %zu: HOST: unknown attribute %u",
					    cur.off, cur.type);
		ret = check_attr(&in, &cur, &host_attrs[cur.type]);
		if (ret)
			return ret;
		if (tb[cur.type])
			return tppgate_errf(in.err, in.errlen, -EINVAL,
					    "offset %zu: %s appears twice",
					    cur.off, host_attrs[cur.type].name);
		a[cur.type] = cur;
		tb[cur.type] = &a[cur.type];
	}
	if (ret < 0 || validate_only)
		return ret;
	if (!tb[TPPGATE_HOST_A_KIND] || !tb[TPPGATE_HOST_A_HASH])
		return tppgate_errf(top->err, top->errlen, -EINVAL,
				    "offset %zu: HOST: a host binding needs KIND and HASH",
				    nest->off);
	p->has_host = true;
	p->host_kind = get32(tb[TPPGATE_HOST_A_KIND]->data);
	memcpy(p->host_hash, tb[TPPGATE_HOST_A_HASH]->data, TPPGATE_SHA256_LEN);
	return 0;
}

static void copy_str(char *dst, const struct attr *a)
{
	memcpy(dst, a->data, a->len);	/* checked: text and its NUL */
}

static int decode_fields(struct in *in, const struct attr *tb,
			 struct tppgate_policy_src *p)
{
	const struct attr *a;
	uint32_t i;

	p->format = get32(tb[TPPGATE_POLICY_A_FORMAT].data);
	if (p->format != TPPGATE_POLICY_FORMAT)
		return tppgate_errf(in->err, in->errlen, -EPROTONOSUPPORT,
				    "offset %zu: FORMAT: unknown policy format %u (this tppctl knows %u)",
				    tb[TPPGATE_POLICY_A_FORMAT].off, p->format,
				    TPPGATE_POLICY_FORMAT);
	p->serial = get64(tb[TPPGATE_POLICY_A_SERIAL].data);
	copy_str(p->issuer, &tb[TPPGATE_POLICY_A_ISSUER]);
	p->not_before = get64(tb[TPPGATE_POLICY_A_NOT_BEFORE].data);
	p->not_after = get64(tb[TPPGATE_POLICY_A_NOT_AFTER].data);
	copy_str(p->region, &tb[TPPGATE_POLICY_A_REGION]);
	p->tier = tb[TPPGATE_POLICY_A_TIER].data[0];

	a = &tb[TPPGATE_POLICY_A_NODE_CAP];
	p->has_node_cap = a->data;
	if (a->data)
		p->node_cap = get64(a->data);
	a = &tb[TPPGATE_POLICY_A_CLUSTER_ID];
	if (a->data)
		copy_str(p->cluster_id, a);
	a = &tb[TPPGATE_POLICY_A_CLUSTER_CAP];
	p->has_cluster_cap = a->data;
	if (a->data)
		p->cluster_cap = get64(a->data);
	a = &tb[TPPGATE_POLICY_A_GRANT_REQUIRED];
	p->grant_required = a->data && a->data[0];
	a = &tb[TPPGATE_POLICY_A_OFFLINE_GRACE];
	if (a->data)
		p->offline_grace = get32(a->data);
	a = &tb[TPPGATE_POLICY_A_OFFLINE_CAP];
	if (a->data)
		p->offline_cap = get64(a->data);
	a = &tb[TPPGATE_POLICY_A_REVOKE_MODE];
	if (a->data)
		p->revoke_mode = get32(a->data);
	a = &tb[TPPGATE_POLICY_A_REVOKE_DEADLINE];
	if (a->data)
		p->revoke_deadline = get32(a->data);
	a = &tb[TPPGATE_POLICY_A_DEFAULT_ACTION];
	if (a->data)
		p->default_action = get32(a->data);
	a = &tb[TPPGATE_POLICY_A_CLASSES];
	if (a->data) {
		p->n_classes = (uint32_t)(a->len / 2);
		for (i = 0; i < p->n_classes; i++)
			p->classes[i] = get16(a->data + 2 * i);
	}
	return 0;
}

#define TERR(in, tb, t, ret, fmt, ...)					\
	tppgate_errf((in)->err, (in)->errlen, (ret), "offset %zu: %s: " fmt, \
		     (tb)[t].off, blob_attrs[t].name, ##__VA_ARGS__)

static int decode_catalog(struct in *in, const struct attr *tb,
			  struct tppgate_policy_src *p)
{
	const struct attr *cat = &tb[TPPGATE_POLICY_A_CATALOG];
	const struct attr *sub = &tb[TPPGATE_POLICY_A_CATALOG_SUBSYS];
	const struct attr *names = &tb[TPPGATE_POLICY_A_CATALOG_NAMES];
	size_t i, n = 0, off;
	int64_t last = -1;

	if (cat->data) {
		if (cat->len % ENTRY_LEN)
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG, -EINVAL,
				    "partial entry (%zu bytes is not a multiple of %d)",
				    cat->len, ENTRY_LEN);
		n = cat->len / ENTRY_LEN;
		if (n > TPPGATE_CATALOG_MAX)
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG, -E2BIG,
				    "%zu entries, more than %d", n,
				    TPPGATE_CATALOG_MAX);
	}
	if (n) {
		p->entries = calloc(n, sizeof(*p->entries));
		if (!p->entries)
			return -ENOMEM;
		p->n_entries = (uint32_t)n;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *c = cat->data + i * ENTRY_LEN;
		struct tppgate_catalog_item *e = &p->entries[i];

		if (c[10] > TPPGATE_ACTION_MAX || c[11])
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG, -EINVAL,
				    "entry %zu has an unknown action (%u) or flags (0x%02x)",
				    i, c[10], c[11]);
		e->vendor = get16(c);
		e->device = get16(c + 2);
		e->tpp = get32(c + 4);
		e->pd = get16(c + 8);
		e->action = c[10];
	}
	if (sub->data) {
		if (sub->len % SUBSYS_LEN)
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG_SUBSYS,
				    -EINVAL, "partial entry (%zu bytes is not a multiple of %d)",
				    sub->len, SUBSYS_LEN);
		for (off = 0; off < sub->len; off += SUBSYS_LEN) {
			const uint8_t *s = sub->data + off;
			uint32_t idx = get32(s);

			if (idx >= n || (int64_t)idx <= last)
				return TERR(in, tb, TPPGATE_POLICY_A_CATALOG_SUBSYS,
					    -EINVAL, "index %u out of range or not increasing",
					    idx);
			last = idx;
			p->entries[idx].has_subsys = true;
			p->entries[idx].subsystem_vendor = get16(s + 4);
			p->entries[idx].subsystem_device = get16(s + 6);
		}
	}
	if (names->data) {
		const char *s = (const char *)names->data;
		size_t rem = names->len, k = 0, len;

		while (rem) {
			len = strnlen(s, rem);
			if (len == rem || len >= TPPGATE_NAME_MAX)
				return TERR(in, tb, TPPGATE_POLICY_A_CATALOG_NAMES,
					    -EINVAL, "name %zu unterminated or longer than %d bytes",
					    k, TPPGATE_NAME_MAX - 1);
			if (k < n)
				memcpy(p->entries[k].name, s, len + 1);
			s += len + 1;
			rem -= len + 1;
			k++;
		}
		if (k != n)
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG_NAMES,
				    -EINVAL, "%zu names for %zu entries", k, n);
	}
	return 0;
}

/*
 * The kernel checks the canonical order in one pass; strictly ascending
 * keys also rule out a device listed twice.
 */
static int check_order(struct in *in, const struct attr *tb,
		       const struct tppgate_policy_src *p)
{
	char a[48], b[48];
	uint32_t i;
	int c;

	for (i = 1; i < p->n_entries; i++) {
		c = tppgate_catalog_key_cmp(&p->entries[i - 1], &p->entries[i]);
		if (c < 0)
			continue;
		tppgate_catalog_key_text(&p->entries[i - 1], a, sizeof(a));
		tppgate_catalog_key_text(&p->entries[i], b, sizeof(b));
		if (!c)
			return TERR(in, tb, TPPGATE_POLICY_A_CATALOG, -EINVAL,
				    "entry %u: %s is listed twice", i, b);
		return TERR(in, tb, TPPGATE_POLICY_A_CATALOG, -EINVAL,
			    "entry %u (%s) is out of canonical order, after %s",
			    i, b, a);
	}
	return 0;
}

int tppgate_policy_decode(const void *blob, size_t len,
			  struct tppgate_policy_src *p, char *err,
			  size_t errlen)
{
	struct attr tb[TPPGATE_POLICY_A_MAX + 1];
	struct in in = { .p = blob, .len = len, .err = err, .errlen = errlen };
	const struct attr *dup = NULL;
	struct attr a;
	size_t i;
	int ret;

	tppgate_policy_init(p);
	memset(tb, 0, sizeof(tb));
	if (len > TPPGATE_POLICY_MAX)
		return tppgate_errf(err, errlen, -E2BIG,
				    "policy of %zu bytes, larger than %d", len,
				    TPPGATE_POLICY_MAX);

	/* nla_parse(): every attribute in order, first error wins... */
	while ((ret = next_attr(&in, &a)) > 0) {
		if (a.type == 0 || a.type > TPPGATE_POLICY_A_MAX)
			return tppgate_errf(err, errlen, -EINVAL,
					    "offset %zu: unknown attribute type %u",
					    a.off, a.type);
		ret = check_attr(&in, &a, &blob_attrs[a.type]);
		if (!ret && a.type == TPPGATE_POLICY_A_HOST)
			ret = parse_host(&in, &a, p, true);
		if (ret)
			return ret;
		/* Present means data != NULL, even when empty. */
		if (tb[a.type].data) {
			if (!dup)
				dup = &tb[a.type];
			continue;
		}
		tb[a.type] = a;
	}
	if (ret < 0)
		return ret;
	/* ...then reject_duplicates()... */
	if (dup)
		return tppgate_errf(err, errlen, -EINVAL,
				    "%s appears twice (first at offset %zu)",
				    blob_attrs[dup - tb].name, dup->off);
	/* ...then the required attributes. */
	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (!tb[required[i]].data)
			return tppgate_errf(err, errlen, -EINVAL,
					    "the required attribute %s is missing",
					    blob_attrs[required[i]].name);

	ret = decode_fields(&in, tb, p);
	if (!ret)
		ret = validate_fields(p, err, errlen);
	if (ret)
		return ret;
	if (tb[TPPGATE_POLICY_A_CLASSES].data &&
	    tb[TPPGATE_POLICY_A_CLASSES].len % 2)
		return TERR(&in, tb, TPPGATE_POLICY_A_CLASSES, -EINVAL,
			    "partial class code (%zu bytes)",
			    tb[TPPGATE_POLICY_A_CLASSES].len);
	ret = decode_catalog(&in, tb, p);
	if (!ret)
		ret = check_order(&in, tb, p);
	if (!ret && tb[TPPGATE_POLICY_A_HOST].data)
		ret = parse_host(&in, &tb[TPPGATE_POLICY_A_HOST], p, false);
	if (!ret)
		ret = validate_catalog(p, err, errlen);
	return ret;
}

/* The attribute of a stream (at @base in the blob) that holds byte @off. */
static bool attr_holding(const uint8_t *p, size_t len, size_t base,
			 size_t off, struct attr *a)
{
	struct in in = { .p = p, .len = len, .base = base };

	if (off < base || off >= base + len)
		return false;
	/* Padding belongs to the attribute before it. */
	while (next_attr(&in, a) > 0)
		if (off >= a->off && off < a->off + NLA_ALIGN(NLA_HDRLEN + a->len))
			return true;
	return false;
}

const char *tppgate_policy_attr_at(const void *blob, size_t len, size_t off)
{
	struct attr a, h;

	if (len > TPPGATE_POLICY_MAX || !attr_holding(blob, len, 0, off, &a) ||
	    !a.type || a.type > TPPGATE_POLICY_A_MAX)
		return NULL;
	/* Only HOST has attributes inside. */
	if (a.type == TPPGATE_POLICY_A_HOST && off >= a.off + NLA_HDRLEN &&
	    attr_holding(a.data, a.len, a.off + NLA_HDRLEN, off, &h) &&
	    h.type && h.type <= TPPGATE_HOST_A_MAX)
		return host_attrs[h.type].name;
	return blob_attrs[a.type].name;
}
