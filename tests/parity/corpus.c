// SPDX-License-Identifier: GPL-2.0
/*
 * The parity corpus (see corpus.h). Every rejection that driver/keys.c,
 * driver/policy.c, driver/gate.c (tppgate_gate_set_policy) and the netlink
 * attribute policy can give a POLICY_SET has a case here, with the errno
 * the kernel returns for it. When the kernel gains a rule, this table
 * gains a case, and tppctl policy verify the rule (userspace/lib).
 *
 * A case changes one thing in a good policy, so that the errno it expects
 * does not depend on the order in which the kernel checks things. Accepted
 * cases carry serials that increase down the table, so the VM can load the
 * corpus in order on a fresh module: parity_in_force() says what is in
 * force when each case comes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <linux/tppgate.h>

#include "corpus.h"

#define SERIAL_BASE	1000
/*
 * The pairs made here (the stranger, the certified signer) are small: RSA
 * key generation dominates the program's time in a VM without KVM, and
 * the kernel's verdicts do not depend on the key size.
 */
#define PAIR_BITS	1024
#define S64_MAX		0x7fffffffffffffffULL
/* 2100-01-01: valid long enough for any test run. */
#define FAR_FUTURE	4102444800ULL
#define F_NESTED	(1 << 15)
#define F_NET_BYTEORDER	(1 << 14)

enum { TRUSTED, OTHER };
enum { NO_ATTRS, ATTRS, ATTRS_SMIMECAP };
enum { SIG_CMS, SIG_GARBAGE, SIG_TRUNCATED, SIG_HUGE };

struct parity_build {
	uint8_t *blob;
	size_t len, cap;
	bool oom;
	uint64_t serial;
	const struct parity_keys *k;
	/* the signature */
	int kind;
	int md;				/* NID of the digest */
	int n_signers;
	int signer[3];			/* TRUSTED or OTHER */
	int attrs[3];			/* NO_ATTRS... */
	int corrupt;			/* 1 + the signer whose value is bad */
	bool attached, certs, keyid, pss, other_bytes, no_signer;
	bool leaf;			/* a key the trusted one certified */
};

/*
 * A signer whose certificate the trusted key issued (made once): the
 * kernel takes it when the certificate rides along in the message.
 */
static EVP_PKEY *leaf_key;
static X509 *leaf_cert;

static int make_leaf(const struct parity_keys *k)
{
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	X509_NAME *name;
	int ok = 1;

	if (leaf_cert)
		return 0;
	leaf_key = EVP_RSA_gen(PAIR_BITS);
	leaf_cert = X509_new();
	if (!leaf_key || !leaf_cert)
		return -1;
	name = X509_get_subject_name(leaf_cert);
	if (!X509_set_version(leaf_cert, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(leaf_cert), 99) ||
	    !X509_gmtime_adj(X509_getm_notBefore(leaf_cert), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(leaf_cert), 86400) ||
	    !X509_set_pubkey(leaf_cert, leaf_key) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"parity leaf", -1, -1, 0) ||
	    !X509_set_issuer_name(leaf_cert, X509_get_subject_name(k->cert)))
		return -1;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, k->cert, leaf_cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	ok = ext && X509_add_ext(leaf_cert, ext, -1);
	X509_EXTENSION_free(ext);
	ext = ok ? X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
				       "keyid:always") : NULL;
	ok = ext && X509_add_ext(leaf_cert, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok || !X509_sign(leaf_cert, k->key, EVP_sha256()))
		return -1;
	return 0;
}

/* Netlink attributes, written here and not by libtppgate. */
static void grow(struct parity_build *b, size_t n)
{
	uint8_t *p;

	if (b->len + n <= b->cap)
		return;
	b->cap = 2 * (b->len + n) + 256;
	p = realloc(b->blob, b->cap);
	if (!p) {
		b->oom = true;
		b->len = 0;
		return;
	}
	b->blob = p;
}

static void raw(struct parity_build *b, const void *p, size_t n)
{
	grow(b, n);
	if (b->oom || !n)
		return;
	memcpy(b->blob + b->len, p, n);
	b->len += n;
}

/* An attribute of @n payload bytes, padded to 4; its header's offset. */
static size_t put(struct parity_build *b, uint16_t type, const void *p,
		  size_t n)
{
	static const uint8_t zero[4];
	uint16_t hdr[2] = { (uint16_t)(4 + n), type };
	size_t at = b->len;

	raw(b, hdr, sizeof(hdr));
	raw(b, p, n);
	raw(b, zero, (4 - n % 4) % 4);
	return at;
}

static void put_u8(struct parity_build *b, uint16_t type, uint8_t v)
{
	put(b, type, &v, 1);
}

static void put_u32(struct parity_build *b, uint16_t type, uint32_t v)
{
	put(b, type, &v, 4);
}

static void put_u64(struct parity_build *b, uint16_t type, uint64_t v)
{
	put(b, type, &v, 8);
}

static void put_str(struct parity_build *b, uint16_t type, const char *s)
{
	put(b, type, s, strlen(s) + 1);
}

/* Opens a nest; close it with nest_end(). */
static size_t nest_start(struct parity_build *b, uint16_t type)
{
	return put(b, type, NULL, 0);
}

static void nest_end(struct parity_build *b, size_t at)
{
	uint16_t len = (uint16_t)(b->len - at);

	if (!b->oom)
		memcpy(b->blob + at, &len, 2);
}

#define BIT(a)		(1u << (a))
#define ALL		0u

/* The required fields, but those in @skip. */
static void std(struct parity_build *b, unsigned int skip)
{
	if (!(skip & BIT(TPPGATE_POLICY_A_FORMAT)))
		put_u32(b, TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_FORMAT);
	if (!(skip & BIT(TPPGATE_POLICY_A_SERIAL)))
		put_u64(b, TPPGATE_POLICY_A_SERIAL, b->serial);
	if (!(skip & BIT(TPPGATE_POLICY_A_ISSUER)))
		put_str(b, TPPGATE_POLICY_A_ISSUER, "parity corpus");
	if (!(skip & BIT(TPPGATE_POLICY_A_NOT_BEFORE)))
		put_u64(b, TPPGATE_POLICY_A_NOT_BEFORE, 0);
	if (!(skip & BIT(TPPGATE_POLICY_A_NOT_AFTER)))
		put_u64(b, TPPGATE_POLICY_A_NOT_AFTER, FAR_FUTURE);
	if (!(skip & BIT(TPPGATE_POLICY_A_REGION)))
		put_str(b, TPPGATE_POLICY_A_REGION, "DE");
	if (!(skip & BIT(TPPGATE_POLICY_A_TIER)))
		put_u8(b, TPPGATE_POLICY_A_TIER, 2);
}

/*
 * Catalog entries for vendor 0x1d0f (not a device of the VM, so loading
 * the corpus leaves every device where it was).
 */
static void put_catalog(struct parity_build *b, size_t n, int action,
			uint8_t flags)
{
	struct tppgate_catalog_entry *e = calloc(n ? n : 1, sizeof(*e));
	size_t i;

	if (!e) {
		b->oom = true;
		return;
	}
	for (i = 0; i < n; i++) {
		e[i].vendor = 0x1d0f;
		e[i].device = (uint16_t)i;
		e[i].tpp = 100;
		e[i].action = (uint8_t)action;
		e[i].flags = flags;
	}
	put(b, TPPGATE_POLICY_A_CATALOG, e, n * sizeof(*e));
	free(e);
}

static void put_host(struct parity_build *b, uint32_t kind, const uint8_t *hash,
		     size_t hlen)
{
	size_t at = nest_start(b, TPPGATE_POLICY_A_HOST | F_NESTED);

	put_u32(b, TPPGATE_HOST_A_KIND, kind);
	put(b, TPPGATE_HOST_A_HASH, hash, hlen);
	nest_end(b, at);
}

static const uint8_t other_host[TPPGATE_SHA256_LEN] = {
	0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
};

/* --- the cases: each makes its blob and says how to sign it --- */

static void good(struct parity_build *b)
{
	std(b, ALL);
}

static void good_again(struct parity_build *b)
{
	std(b, ALL);
}

static void good_full(struct parity_build *b)
{
	static const struct tppgate_catalog_entry cat[] = {
		{ 0x10de, 0x2330, 1000, 1945, TPPGATE_ACTION_COUNT, 0 },
		{ 0x10de, 0x2330, 800, 1500, TPPGATE_ACTION_COUNT, 0 },
		{ 0x10de, 0x2331, 0, 0, TPPGATE_ACTION_DENY, 0 },
		{ 0x1d0f, 0x0001, 0, 0, TPPGATE_ACTION_EXEMPT, 0 },
	};
	static const struct tppgate_catalog_subsys sub[] = {
		{ 0, 0x10de, 0x1111 },
	};
	static const char names[] = "H100 SXM\0H100\0H20\0inferentia";
	static const uint16_t classes[] = { 0x1200, 0x0b40 };

	std(b, ALL);
	put_u64(b, TPPGATE_POLICY_A_NODE_CAP, 5000);
	put_str(b, TPPGATE_POLICY_A_CLUSTER_ID, "rack-7");
	put_u64(b, TPPGATE_POLICY_A_CLUSTER_CAP, 40000);
	put_u8(b, TPPGATE_POLICY_A_GRANT_REQUIRED, 1);
	put_u32(b, TPPGATE_POLICY_A_OFFLINE_GRACE, 600);
	put_u64(b, TPPGATE_POLICY_A_OFFLINE_CAP, 1000);
	put_u32(b, TPPGATE_POLICY_A_REVOKE_MODE, TPPGATE_REVOKE_NEVER);
	put_u32(b, TPPGATE_POLICY_A_REVOKE_DEADLINE, 60);
	put(b, TPPGATE_POLICY_A_CLASSES, classes, sizeof(classes));
	put_u32(b, TPPGATE_POLICY_A_DEFAULT_ACTION, TPPGATE_ACTION_DENY);
	put(b, TPPGATE_POLICY_A_CATALOG, cat, sizeof(cat));
	put(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, sub, sizeof(sub));
	put(b, TPPGATE_POLICY_A_CATALOG_NAMES, names, sizeof(names));
}

static void md_sha384(struct parity_build *b) { std(b, ALL); b->md = NID_sha384; }
static void md_sha512(struct parity_build *b) { std(b, ALL); b->md = NID_sha512; }
static void md_sha224(struct parity_build *b) { std(b, ALL); b->md = NID_sha224; }
static void md_sha1(struct parity_build *b) { std(b, ALL); b->md = NID_sha1; }
static void md_md5(struct parity_build *b) { std(b, ALL); b->md = NID_md5; }
static void signed_attrs(struct parity_build *b) { std(b, ALL); b->attrs[0] = ATTRS; }
static void smimecap(struct parity_build *b) { std(b, ALL); b->attrs[0] = ATTRS_SMIMECAP; }
static void attached(struct parity_build *b) { std(b, ALL); b->attached = true; }
static void untrusted(struct parity_build *b) { std(b, ALL); b->signer[0] = OTHER; }
static void other_bytes(struct parity_build *b) { std(b, ALL); b->other_bytes = true; }
static void garbage(struct parity_build *b) { std(b, ALL); b->kind = SIG_GARBAGE; }
static void truncated(struct parity_build *b) { std(b, ALL); b->kind = SIG_TRUNCATED; }
static void huge_sig(struct parity_build *b) { std(b, ALL); b->kind = SIG_HUGE; }
static void no_signer(struct parity_build *b) { std(b, ALL); b->no_signer = true; }
static void with_cert(struct parity_build *b) { std(b, ALL); b->certs = true; }
static void keyid(struct parity_build *b) { std(b, ALL); b->keyid = true; }
static void pss(struct parity_build *b) { std(b, ALL); b->pss = true; }

static void issued(struct parity_build *b)
{
	std(b, ALL);
	b->leaf = true;
	b->certs = true;
}

static void issued_no_cert(struct parity_build *b)
{
	std(b, ALL);
	b->leaf = true;
}

static void attrs_other_bytes(struct parity_build *b)
{
	other_bytes(b);
	b->attrs[0] = ATTRS;
}

static void untrusted_with_cert(struct parity_build *b)
{
	untrusted(b);
	b->certs = true;
}

static void two(struct parity_build *b, int first, int second)
{
	std(b, ALL);
	b->n_signers = 2;
	b->signer[0] = first;
	b->signer[1] = second;
}

static void two_trusted_first(struct parity_build *b) { two(b, TRUSTED, OTHER); }
static void two_trusted_second(struct parity_build *b) { two(b, OTHER, TRUSTED); }
static void two_untrusted(struct parity_build *b) { two(b, OTHER, OTHER); }

static void two_mixed_attrs(struct parity_build *b)
{
	two(b, TRUSTED, OTHER);
	b->attrs[1] = ATTRS;
}

static void two_trusted_bad(struct parity_build *b)
{
	two(b, OTHER, TRUSTED);
	b->corrupt = 2;
}

static void two_untrusted_bad(struct parity_build *b)
{
	two(b, OTHER, TRUSTED);
	b->corrupt = 1;
}

static void blob_too_big(struct parity_build *b)
{
	static uint8_t filler[TPPGATE_POLICY_MAX];

	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CATALOG_NAMES, filler, sizeof(filler));
}

static void format_2(struct parity_build *b)
{
	std(b, BIT(TPPGATE_POLICY_A_FORMAT));
	put_u32(b, TPPGATE_POLICY_A_FORMAT, 2);
}

static void serial_0(struct parity_build *b)
{
	std(b, BIT(TPPGATE_POLICY_A_SERIAL));
	put_u64(b, TPPGATE_POLICY_A_SERIAL, 0);
}

static void no_format(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_FORMAT)); }
static void no_serial(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_SERIAL)); }
static void no_issuer(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_ISSUER)); }
static void no_not_before(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_NOT_BEFORE)); }
static void no_not_after(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_NOT_AFTER)); }
static void no_region(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_REGION)); }
static void no_tier(struct parity_build *b) { std(b, BIT(TPPGATE_POLICY_A_TIER)); }

static void issuer_bytes(struct parity_build *b, const void *p, size_t n)
{
	std(b, BIT(TPPGATE_POLICY_A_ISSUER));
	put(b, TPPGATE_POLICY_A_ISSUER, p, n);
}

static void issuer_empty(struct parity_build *b) { issuer_bytes(b, "", 1); }
static void issuer_control(struct parity_build *b) { issuer_bytes(b, "a\nb", 4); }
static void issuer_no_nul(struct parity_build *b) { issuer_bytes(b, "abcd", 4); }
static void issuer_after_nul(struct parity_build *b) { issuer_bytes(b, "ab\0cd", 6); }
static void issuer_high(struct parity_build *b) { issuer_bytes(b, "caf\xc3\xa9", 6); }

static void issuer_len(struct parity_build *b, size_t n, bool extra)
{
	char s[TPPGATE_ISSUER_MAX + 8];

	memset(s, 'i', n);
	s[n] = '\0';
	s[n + 1] = 'x';
	issuer_bytes(b, s, n + 1 + extra);
}

static void issuer_max(struct parity_build *b) { issuer_len(b, TPPGATE_ISSUER_MAX, false); }
static void issuer_long(struct parity_build *b) { issuer_len(b, TPPGATE_ISSUER_MAX + 1, false); }
static void issuer_max_tail(struct parity_build *b) { issuer_len(b, TPPGATE_ISSUER_MAX, true); }

static void region_bytes(struct parity_build *b, const void *p, size_t n)
{
	std(b, BIT(TPPGATE_POLICY_A_REGION));
	put(b, TPPGATE_POLICY_A_REGION, p, n);
}

static void region_lower(struct parity_build *b) { region_bytes(b, "de", 3); }
static void region_one(struct parity_build *b) { region_bytes(b, "D", 2); }
static void region_three(struct parity_build *b) { region_bytes(b, "DEU", 4); }
static void region_two_nuls(struct parity_build *b) { region_bytes(b, "DE\0", 4); }

static void tier(struct parity_build *b, uint8_t t)
{
	std(b, BIT(TPPGATE_POLICY_A_TIER));
	put_u8(b, TPPGATE_POLICY_A_TIER, t);
}

static void tier_0(struct parity_build *b) { tier(b, 0); }
static void tier_3(struct parity_build *b) { tier(b, 3); }
static void tier_4(struct parity_build *b) { tier(b, 4); }

static void window(struct parity_build *b, uint64_t nb, uint64_t na)
{
	std(b, BIT(TPPGATE_POLICY_A_NOT_BEFORE) | BIT(TPPGATE_POLICY_A_NOT_AFTER));
	put_u64(b, TPPGATE_POLICY_A_NOT_BEFORE, nb);
	put_u64(b, TPPGATE_POLICY_A_NOT_AFTER, na);
}

static void window_empty(struct parity_build *b) { window(b, 1000, 1000); }
static void window_s64_max(struct parity_build *b) { window(b, 0, S64_MAX); }
static void window_beyond(struct parity_build *b) { window(b, 0, S64_MAX + 1); }
static void window_u64_max(struct parity_build *b) { window(b, 0, UINT64_MAX); }
static void not_yet(struct parity_build *b) { window(b, S64_MAX - 1, S64_MAX); }
static void expired(struct parity_build *b) { window(b, 0, 1000); }

static void format_u64(struct parity_build *b)
{
	std(b, BIT(TPPGATE_POLICY_A_FORMAT));
	put_u64(b, TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_FORMAT);
}

static void tier_u32(struct parity_build *b)
{
	std(b, BIT(TPPGATE_POLICY_A_TIER));
	put_u32(b, TPPGATE_POLICY_A_TIER, 2);
}

static void info_attr(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_INFO_N_ENTRIES, 0);
}

static void pad_attr(struct parity_build *b)
{
	std(b, ALL);
	put_u64(b, TPPGATE_POLICY_A_PAD, 0);
}

static void beyond_max_attr(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_MAX + 10, 0);
}

static void unspec_attr(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_UNSPEC, 0);
}

static void twice(struct parity_build *b)
{
	std(b, ALL);
	put_u8(b, TPPGATE_POLICY_A_TIER, 2);
}

static void net_byteorder(struct parity_build *b)
{
	std(b, BIT(TPPGATE_POLICY_A_NODE_CAP));
	put_u64(b, TPPGATE_POLICY_A_NODE_CAP | F_NET_BYTEORDER, 1);
}

static void nested_flag_on_u32(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_OFFLINE_GRACE | F_NESTED, 1);
}

static void trailing(struct parity_build *b)
{
	static const uint8_t junk[3] = { 1, 2, 3 };

	std(b, ALL);
	raw(b, junk, sizeof(junk));
}

static void host_here(struct parity_build *b)
{
	std(b, ALL);
	put_host(b, TPPGATE_HOST_DMI_UUID,
		 b->k->dmi_hash ? b->k->dmi_hash : other_host, TPPGATE_SHA256_LEN);
}

static void host_other(struct parity_build *b)
{
	std(b, ALL);
	put_host(b, TPPGATE_HOST_DMI_UUID, other_host, TPPGATE_SHA256_LEN);
}

static void host_machine_id(struct parity_build *b)
{
	std(b, ALL);
	put_host(b, TPPGATE_HOST_MACHINE_ID, other_host, TPPGATE_SHA256_LEN);
}

static void host_kind_2(struct parity_build *b)
{
	std(b, ALL);
	put_host(b, 2, other_host, TPPGATE_SHA256_LEN);
}

static void host_short(struct parity_build *b)
{
	std(b, ALL);
	put_host(b, TPPGATE_HOST_DMI_UUID, other_host, TPPGATE_SHA256_LEN - 1);
}

static void host_no_hash(struct parity_build *b)
{
	size_t at;

	std(b, ALL);
	at = nest_start(b, TPPGATE_POLICY_A_HOST | F_NESTED);
	put_u32(b, TPPGATE_HOST_A_KIND, TPPGATE_HOST_DMI_UUID);
	nest_end(b, at);
}

static void host_kind_twice(struct parity_build *b)
{
	size_t at;

	std(b, ALL);
	at = nest_start(b, TPPGATE_POLICY_A_HOST | F_NESTED);
	put_u32(b, TPPGATE_HOST_A_KIND, TPPGATE_HOST_DMI_UUID);
	put_u32(b, TPPGATE_HOST_A_KIND, TPPGATE_HOST_DMI_UUID);
	put(b, TPPGATE_HOST_A_HASH, other_host, TPPGATE_SHA256_LEN);
	nest_end(b, at);
}

static void host_not_nested(struct parity_build *b)
{
	size_t at;

	std(b, ALL);
	at = nest_start(b, TPPGATE_POLICY_A_HOST);
	put_u32(b, TPPGATE_HOST_A_KIND, TPPGATE_HOST_DMI_UUID);
	put(b, TPPGATE_HOST_A_HASH, other_host, TPPGATE_SHA256_LEN);
	nest_end(b, at);
}

static void grant_2(struct parity_build *b)
{
	std(b, ALL);
	put_u8(b, TPPGATE_POLICY_A_GRANT_REQUIRED, 2);
}

static void revoke_mode_2(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_REVOKE_MODE, 2);
}

static void deadline_week(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_REVOKE_DEADLINE, TPPGATE_REVOKE_DEADLINE_MAX);
}

static void deadline_over(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_REVOKE_DEADLINE, TPPGATE_REVOKE_DEADLINE_MAX + 1);
}

static void default_action_3(struct parity_build *b)
{
	std(b, ALL);
	put_u32(b, TPPGATE_POLICY_A_DEFAULT_ACTION, 3);
}

static void cluster_len(struct parity_build *b, size_t n)
{
	char id[TPPGATE_CLUSTER_ID_MAX + 2];

	memset(id, 'c', n);
	id[n] = '\0';
	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CLUSTER_ID, id, n + 1);
}

static void cluster_max(struct parity_build *b) { cluster_len(b, TPPGATE_CLUSTER_ID_MAX); }
static void cluster_long(struct parity_build *b) { cluster_len(b, TPPGATE_CLUSTER_ID_MAX + 1); }

/* Exactly TPPGATE_POLICY_MAX bytes: a full catalog, names filling the rest. */
static void blob_max(struct parity_build *b)
{
	size_t i, left, n = TPPGATE_CATALOG_MAX;
	char *names;

	std(b, ALL);
	put_catalog(b, n, TPPGATE_ACTION_COUNT, 0);
	left = TPPGATE_POLICY_MAX - b->len - 4;	/* the names' payload */
	names = malloc(left);
	if (!names || left % 4 || left < 2 * n) {
		free(names);
		b->oom = true;
		return;
	}
	/* n NULs, the last at the end: names of one to three letters. */
	memset(names, 'n', left);
	for (i = 0; i < n; i++)
		names[2 * i + (i < left - 2 * n ? i : left - 2 * n) + 1] = '\0';
	put(b, TPPGATE_POLICY_A_CATALOG_NAMES, names, left);
	free(names);
	if (b->len != TPPGATE_POLICY_MAX)
		b->oom = true;	/* not the case it claims to be */
}

static void cluster_empty(struct parity_build *b)
{
	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CLUSTER_ID, "", 1);
}

static void classes_n(struct parity_build *b, size_t n, uint16_t first)
{
	uint16_t c[TPPGATE_CLASSES_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = (uint16_t)(0x1200 + i);
	c[0] = first;
	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CLASSES, c, n * sizeof(c[0]));
}

static void classes_max(struct parity_build *b) { classes_n(b, TPPGATE_CLASSES_MAX, 0x1200); }
static void classes_over(struct parity_build *b) { classes_n(b, TPPGATE_CLASSES_MAX + 1, 0x1200); }
static void classes_bridge(struct parity_build *b) { classes_n(b, 2, 0x0604); }

static void classes_odd(struct parity_build *b)
{
	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CLASSES, "\x00\x12\x40", 3);
}

static void catalog_max(struct parity_build *b)
{
	std(b, ALL);
	put_catalog(b, TPPGATE_CATALOG_MAX, TPPGATE_ACTION_COUNT, 0);
}

static void catalog_over(struct parity_build *b)
{
	std(b, ALL);
	put_catalog(b, TPPGATE_CATALOG_MAX + 1, TPPGATE_ACTION_COUNT, 0);
}

static void catalog_action(struct parity_build *b)
{
	std(b, ALL);
	put_catalog(b, 2, TPPGATE_ACTION_MAX + 1, 0);
}

static void catalog_flags(struct parity_build *b)
{
	std(b, ALL);
	put_catalog(b, 2, TPPGATE_ACTION_COUNT, 1);
}

static void catalog_partial(struct parity_build *b)
{
	struct tppgate_catalog_entry e[2] = {
		{ 0x1d0f, 1, 10, 0, TPPGATE_ACTION_COUNT, 0 },
	};

	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CATALOG, e, sizeof(e) - 4);
}

static void catalog_pair(struct parity_build *b, uint16_t d0, uint16_t d1,
			 bool sub0)
{
	struct tppgate_catalog_entry e[2] = {
		{ 0x1d0f, d0, 10, 0, TPPGATE_ACTION_COUNT, 0 },
		{ 0x1d0f, d1, 10, 0, TPPGATE_ACTION_COUNT, 0 },
	};
	struct tppgate_catalog_subsys s = { 0, 0x1d0f, 7 };

	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CATALOG, e, sizeof(e));
	if (sub0)
		put(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, &s, sizeof(s));
}

static void catalog_unsorted(struct parity_build *b) { catalog_pair(b, 2, 1, false); }
static void catalog_duplicate(struct parity_build *b) { catalog_pair(b, 1, 1, false); }
static void catalog_subsys_first(struct parity_build *b) { catalog_pair(b, 1, 1, true); }

/* The plain entry before the subsystem one: out of canonical order. */
static void catalog_plain_first(struct parity_build *b)
{
	struct tppgate_catalog_subsys s = { 1, 0x1d0f, 7 };

	catalog_pair(b, 1, 1, false);
	put(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, &s, sizeof(s));
}

static void subsys(struct parity_build *b, const struct tppgate_catalog_subsys *s,
		   size_t len)
{
	catalog_pair(b, 1, 2, false);
	put(b, TPPGATE_POLICY_A_CATALOG_SUBSYS, s, len);
}

static void subsys_partial(struct parity_build *b)
{
	static const struct tppgate_catalog_subsys s[] = { { 0, 1, 1 } };

	subsys(b, s, sizeof(s) - 2);
}

static void subsys_range(struct parity_build *b)
{
	static const struct tppgate_catalog_subsys s[] = { { 2, 1, 1 } };

	subsys(b, s, sizeof(s));
}

static void subsys_order(struct parity_build *b)
{
	static const struct tppgate_catalog_subsys s[] = { { 1, 1, 1 }, { 0, 1, 1 } };

	subsys(b, s, sizeof(s));
}

static void names(struct parity_build *b, const void *p, size_t n)
{
	catalog_pair(b, 1, 2, false);
	put(b, TPPGATE_POLICY_A_CATALOG_NAMES, p, n);
}

static void names_count(struct parity_build *b) { names(b, "one", 4); }
static void names_unterminated(struct parity_build *b) { names(b, "one\0two", 7); }

static void names_long(struct parity_build *b)
{
	char s[TPPGATE_NAME_MAX + 4];

	memset(s, 'n', sizeof(s));
	s[TPPGATE_NAME_MAX] = '\0';	/* 64 bytes before the NUL */
	s[TPPGATE_NAME_MAX + 1] = 'x';
	s[TPPGATE_NAME_MAX + 2] = '\0';
	names(b, s, TPPGATE_NAME_MAX + 3);
}

static void names_no_catalog(struct parity_build *b)
{
	std(b, ALL);
	put(b, TPPGATE_POLICY_A_CATALOG_NAMES, "a", 2);
}

static void rollback(struct parity_build *b)
{
	b->serial = 1;
	std(b, ALL);
}

/* The serial of the case before, which the table makes an accepted one. */
static void same_serial(struct parity_build *b)
{
	b->serial--;
	std(b, ALL);
}

#define C(n, e, r) { #n, e, r, n, 0, 0 }
/* A case where kernels before @maj.@min answer @old. */
#define C_OLD(n, e, r, maj, min, old) { #n, e, r, n, (maj) << 8 | (min), old }

/*
 * name, errno, rule. Keep an accepted case right before same_serial.
 * When the kernel gains a rule, add a case here.
 */
const struct parity_case parity_cases[] = {
	C(good, 0, "a minimal policy: the required fields"),
	C(good_full, 0, "every optional field, subsystem entries and names"),
	/* keys.c: the signature */
	/* sha384, sha512: a module on 6.1, autoloaded (the VM loads it) */
	C(md_sha384, 0, "SHA-384 digest"),
	C(md_sha512, 0, "SHA-512 digest"),
	C(md_sha224, 0, "SHA-224 digest: the kernel's PKCS#7 parser takes it"),
	C(md_sha1, 0, "SHA-1 digest: the kernel's PKCS#7 parser takes it"),
	C_OLD(md_md5, ENOPKG, "MD5 digest: 6.12's parser lacks it, 6.1's takes it", 6, 12, 0),
	C(pss, ENOPKG, "RSA-PSS: the kernel's PKCS#7 parser lacks it"),
	C(signed_attrs, 0, "signed attributes (content type, time, digest)"),
	C(smimecap, EKEYREJECTED, "S/MIME capabilities attribute, refused outside Authenticode"),
	C(attrs_other_bytes, EKEYREJECTED, "signed attributes whose message digest is of other bytes"),
	C(attached, EBADMSG, "the content inside the signature, not detached"),
	C(untrusted, ENOKEY, "signed by a key the module does not trust"),
	C(untrusted_with_cert, ENOKEY, "untrusted signer whose certificate rides along"),
	C(with_cert, 0, "the trusted signer's certificate rides along"),
	C(keyid, 0, "signer named by subject key id"),
	C(issued, 0, "a key the trusted one certified, its certificate along"),
	C(issued_no_cert, ENOKEY, "a key the trusted one certified, no certificate"),
	C(other_bytes, EKEYREJECTED, "the signature is of other bytes"),
	C(garbage, EBADMSG, "the signature is not DER"),
	C(truncated, EBADMSG, "the signature cut short"),
	C(huge_sig, E2BIG, "a signature over TPPGATE_SIGNATURE_MAX"),
	C(no_signer, EBADMSG, "a SignedData without a signer: the ASN.1 decoder refuses it"),
	C(two_trusted_first, 0, "two signers, the trusted one first"),
	C(two_trusted_second, 0, "two signers, the trusted one second"),
	C(two_untrusted, ENOKEY, "two signers, neither trusted"),
	C(two_mixed_attrs, EINVAL, "one signer with signed attributes, one without"),
	C(two_trusted_bad, EKEYREJECTED, "two signers, the trusted one's signature is bad"),
	C(two_untrusted_bad, 0, "two signers, the untrusted one's signature is bad"),
	/* policy.c: size, format, the attribute policy */
	C(blob_max, 0, "a blob of exactly TPPGATE_POLICY_MAX bytes"),
	C(blob_too_big, E2BIG, "a blob over TPPGATE_POLICY_MAX"),
	C(format_2, EPROTONOSUPPORT, "unknown format version"),
	C(serial_0, ERANGE, "serial 0"),
	C(no_format, EINVAL, "FORMAT missing"),
	C(no_serial, EINVAL, "SERIAL missing"),
	C(no_issuer, EINVAL, "ISSUER missing"),
	C(no_not_before, EINVAL, "NOT_BEFORE missing"),
	C(no_not_after, EINVAL, "NOT_AFTER missing"),
	C(no_region, EINVAL, "REGION missing"),
	C(no_tier, EINVAL, "TIER missing"),
	C(issuer_empty, EINVAL, "empty string"),
	C(issuer_control, EINVAL, "a control character in a string"),
	C(issuer_high, EINVAL, "a byte above 0x7e in a string"),
	C(issuer_no_nul, EINVAL, "a string without its NUL"),
	C(issuer_after_nul, EINVAL, "bytes after a string's NUL"),
	C(issuer_max, 0, "ISSUER of TPPGATE_ISSUER_MAX bytes"),
	C(issuer_long, EINVAL, "ISSUER of TPPGATE_ISSUER_MAX + 1 bytes: no NUL in reach"),
	C(issuer_max_tail, ERANGE, "ISSUER of TPPGATE_ISSUER_MAX bytes and one after its NUL"),
	C(region_lower, EINVAL, "region in lower case"),
	C(region_one, EINVAL, "region of one letter"),
	C(region_three, EINVAL, "region of three letters: no NUL in reach"),
	C(region_two_nuls, ERANGE, "region with two NULs: longer than 2"),
	C(tier_0, ERANGE, "tier 0"),
	C(tier_3, 0, "tier 3"),
	C(tier_4, ERANGE, "tier 4"),
	C(window_empty, EINVAL, "NOT_AFTER equal to NOT_BEFORE"),
	C(window_s64_max, 0, "NOT_AFTER = S64_MAX"),
	C(window_beyond, ERANGE, "NOT_AFTER = S64_MAX + 1"),
	C(window_u64_max, ERANGE, "NOT_AFTER = U64_MAX"),
	C(format_u64, EINVAL, "a u32 attribute of 8 bytes"),
	C(tier_u32, EINVAL, "a u8 attribute of 4 bytes"),
	C(info_attr, EINVAL, "an INFO_* attribute in a blob"),
	C(pad_attr, EINVAL, "a PAD attribute"),
	C(beyond_max_attr, EINVAL, "an attribute type above the maximum"),
	C(unspec_attr, EINVAL, "attribute type 0"),
	C(twice, EINVAL, "an attribute given twice"),
	C(net_byteorder, EINVAL, "NLA_F_NET_BYTEORDER set"),
	C(nested_flag_on_u32, EINVAL, "NLA_F_NESTED on a plain attribute"),
	C(trailing, EINVAL, "bytes left after the last attribute"),
	C(grant_2, ERANGE, "GRANT_REQUIRED 2"),
	C(revoke_mode_2, ERANGE, "unknown revoke mode"),
	C(deadline_week, 0, "REVOKE_DEADLINE of exactly a week"),
	C(deadline_over, EINVAL, "REVOKE_DEADLINE over a week"),
	C(default_action_3, ERANGE, "unknown default action"),
	C(cluster_empty, EINVAL, "empty CLUSTER_ID"),
	C(cluster_max, 0, "CLUSTER_ID of TPPGATE_CLUSTER_ID_MAX bytes"),
	C(cluster_long, EINVAL, "CLUSTER_ID of TPPGATE_CLUSTER_ID_MAX + 1 bytes: no NUL in reach"),
	C(classes_max, 0, "TPPGATE_CLASSES_MAX classes"),
	C(classes_over, ERANGE, "more than TPPGATE_CLASSES_MAX classes"),
	C(classes_odd, EINVAL, "class list with a partial entry"),
	C(classes_bridge, EINVAL, "a class of base 0x06 (bridge): never an accelerator"),
	C(catalog_max, 0, "TPPGATE_CATALOG_MAX entries"),
	C(catalog_over, E2BIG, "TPPGATE_CATALOG_MAX + 1 entries"),
	C(catalog_partial, EINVAL, "catalog with a partial entry"),
	C(catalog_action, EINVAL, "catalog entry with an unknown action"),
	C(catalog_flags, EINVAL, "catalog entry with flags"),
	C(catalog_unsorted, EINVAL, "catalog out of order"),
	C(catalog_duplicate, EINVAL, "one device listed twice"),
	C(catalog_subsys_first, 0, "subsystem entry before the plain one"),
	C(catalog_plain_first, EINVAL, "plain entry before the subsystem one"),
	C(subsys_partial, EINVAL, "subsystem table with a partial entry"),
	C(subsys_range, EINVAL, "subsystem index beyond the catalog"),
	C(subsys_order, EINVAL, "subsystem indexes not increasing"),
	C(names_count, EINVAL, "fewer names than entries"),
	C(names_unterminated, EINVAL, "last name without its NUL"),
	C(names_long, EINVAL, "a name of TPPGATE_NAME_MAX bytes"),
	C(names_no_catalog, EINVAL, "names without a catalog"),
	/* policy.c check_host(): the machine that loads it (verify --here) */
	C(host_here, 0, "bound to this host's DMI UUID (-EACCES where it has none)"),
	C(host_other, EACCES, "bound to another host's DMI UUID"),
	C(host_machine_id, EACCES, "bound to a machine id that is not this host's"),
	C(host_kind_2, ERANGE, "unknown host kind"),
	C(host_short, ERANGE, "host hash of 31 bytes (NLA_POLICY_EXACT_LEN)"),
	C(host_no_hash, EINVAL, "host binding without a hash"),
	C(host_kind_twice, EINVAL, "host KIND given twice"),
	C(host_not_nested, EINVAL, "HOST without NLA_F_NESTED"),
	/* gate.c: the serial in force (verify --in-force), the clock */
	C(good_again, 0, "accepted, for the next case"),
	C(same_serial, ESTALE, "serial equal to the one in force"),
	C(rollback, ESTALE, "serial below the one in force"),
	C(not_yet, EAGAIN, "NOT_BEFORE in the future"),
	C(expired, EKEYEXPIRED, "NOT_AFTER in the past"),
};

const size_t parity_n_cases = sizeof(parity_cases) / sizeof(parity_cases[0]);

static uint64_t serial_of(size_t i)
{
	return SERIAL_BASE + i;
}

int parity_expected(const struct parity_keys *k, size_t i)
{
	if (parity_cases[i].make == host_here && !k->dmi_hash)
		return EACCES;
	return parity_cases[i].err;
}

bool parity_machine_dependent(size_t i)
{
	void (*m)(struct parity_build *) = parity_cases[i].make;

	return m == host_here || m == host_other || m == host_machine_id;
}

int parity_kernel_expected(const struct parity_keys *k, size_t i,
			   const char *release)
{
	unsigned int major = 0, minor = 0;

	if (parity_cases[i].old_below &&
	    sscanf(release, "%u.%u", &major, &minor) == 2 &&
	    (major << 8 | minor) < parity_cases[i].old_below)
		return parity_cases[i].old_err;
	return parity_expected(k, i);
}

uint64_t parity_in_force(const struct parity_keys *k, size_t i)
{
	while (i--)
		if (!parity_expected(k, i))
			return serial_of(i);
	return 0;
}

static const struct { int err; const char *name; } errnames[] = {
	{ 0, "0" }, { EINVAL, "EINVAL" }, { ERANGE, "ERANGE" },
	{ E2BIG, "E2BIG" }, { EBADMSG, "EBADMSG" },
	{ EKEYREJECTED, "EKEYREJECTED" }, { ENOKEY, "ENOKEY" },
	{ ESTALE, "ESTALE" }, { EKEYEXPIRED, "EKEYEXPIRED" },
	{ EAGAIN, "EAGAIN" }, { EACCES, "EACCES" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ENOPKG, "ENOPKG" },
	{ ENOMEM, "ENOMEM" }, { EPERM, "EPERM" },
};

const char *parity_errname(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* --- signatures --- */

static const EVP_MD *md_of(int nid)
{
	return EVP_get_digestbynid(nid);
}

static int sign_cms(struct parity_build *b, const uint8_t *data, size_t dlen,
		    uint8_t **out, size_t *olen)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL |
			     (b->attached ? 0 : CMS_DETACHED) |
			     (b->certs ? 0 : CMS_NOCERTS);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	BIO *in = BIO_new_mem_buf(data, (int)dlen);
	unsigned char *der = NULL;
	int i, n, ret = -1;

	if (!cms || !in)
		goto out;
	for (i = 0; i < (b->no_signer ? 0 : b->n_signers); i++) {
		bool t = b->signer[i] == TRUSTED;
		X509 *cert = t ? b->k->cert : b->k->other_cert;
		EVP_PKEY *key = t ? b->k->key : b->k->other_key;
		unsigned int sf = (b->certs ? 0 : CMS_NOCERTS) |
				  (b->keyid ? CMS_USE_KEYID : 0) |
				  (b->pss ? CMS_KEY_PARAM : 0);
		CMS_SignerInfo *si;

		sf |= b->attrs[i] == NO_ATTRS ? CMS_NOATTR :
		      b->attrs[i] == ATTRS ? CMS_NOSMIMECAP : 0;
		if (b->leaf) {
			if (make_leaf(b->k))
				goto out;
			cert = leaf_cert;
			key = leaf_key;
		}
		si = CMS_add1_signer(cms, cert, key, md_of(b->md), sf);
		if (!si)
			goto out;
		if (b->pss && EVP_PKEY_CTX_set_rsa_padding(
				CMS_SignerInfo_get0_pkey_ctx(si),
				RSA_PKCS1_PSS_PADDING) <= 0)
			goto out;
	}
	/* Without a signer, CMS_final() fails but the message encodes. */
	if (!CMS_final(cms, in, NULL, flags) && !b->no_signer)
		goto out;
	if (b->corrupt) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(
			CMS_get0_SignerInfos(cms), b->corrupt - 1);
		ASN1_OCTET_STRING *s = CMS_SignerInfo_get0_signature(si);
		unsigned char *d = (unsigned char *)ASN1_STRING_get0_data(s);

		d[ASN1_STRING_length(s) / 2] ^= 0x40;
	}
	n = i2d_CMS_ContentInfo(cms, &der);
	if (n <= 0)
		goto out;
	*out = malloc((size_t)n);
	if (!*out)
		goto out;
	memcpy(*out, der, (size_t)n);
	*olen = (size_t)n;
	ret = 0;
out:
	OPENSSL_free(der);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return ret;
}

static int make_sig(struct parity_build *b, uint8_t **sig, size_t *slen)
{
	uint8_t *data;
	size_t i;
	int ret;

	switch (b->kind) {
	case SIG_GARBAGE:
	case SIG_HUGE:
		*slen = b->kind == SIG_HUGE ? TPPGATE_SIGNATURE_MAX + 1 : 300;
		*sig = malloc(*slen);
		if (!*sig)
			return -1;
		for (i = 0; i < *slen; i++)
			(*sig)[i] = (uint8_t)(i * 37 + 11);
		return 0;
	}
	data = malloc(b->len ? b->len : 1);
	if (!data)
		return -1;
	memcpy(data, b->blob, b->len);
	if (b->other_bytes)
		data[b->len - 1] ^= 1;
	ret = sign_cms(b, data, b->len, sig, slen);
	free(data);
	if (!ret && b->kind == SIG_TRUNCATED)
		*slen /= 2;
	return ret;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int parity_make(const struct parity_keys *k, size_t i, uint8_t **file,
		size_t *len)
{
	struct parity_build b = {
		.serial = serial_of(i), .k = k, .md = NID_sha256,
		.n_signers = 1, .signer = { TRUSTED, TRUSTED, TRUSTED },
	};
	struct tppgate_file_trailer t;
	uint8_t *sig = NULL;
	size_t slen = 0;
	int ret = -1;

	parity_cases[i].make(&b);
	if (b.oom || make_sig(&b, &sig, &slen))
		goto out;
	*len = b.len + slen + sizeof(t);
	*file = malloc(*len);
	if (!*file)
		goto out;
	memset(&t, 0, sizeof(t));
	put_be32((uint8_t *)&t.blob_len, (uint32_t)b.len);
	put_be32((uint8_t *)&t.sig_len, (uint32_t)slen);
	t.version = 1;
	memcpy(t.magic, TPPGATE_FILE_MAGIC, sizeof(t.magic));
	memcpy(*file, b.blob, b.len);
	memcpy(*file + b.len, sig, slen);
	memcpy(*file + b.len + slen, &t, sizeof(t));
	ret = 0;
out:
	free(sig);
	free(b.blob);
	return ret;
}

int parity_new_pair(const char *cn, EVP_PKEY **key, X509 **cert)
{
	X509_EXTENSION *ext;
	X509_NAME *name;
	X509V3_CTX ctx;
	int ok;

	*key = EVP_RSA_gen(PAIR_BITS);
	*cert = X509_new();
	if (!*key || !*cert)
		return -1;
	name = X509_get_subject_name(*cert);
	if (!X509_set_version(*cert, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(*cert), 7) ||
	    !X509_gmtime_adj(X509_getm_notBefore(*cert), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(*cert), 86400) ||
	    !X509_set_pubkey(*cert, *key) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(*cert, name))
		return -1;
	/* A subject key id, so that it can sign by key id too. */
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, *cert, *cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	ok = ext && X509_add_ext(*cert, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok || !X509_sign(*cert, *key, EVP_sha256()))
		return -1;
	return 0;
}
