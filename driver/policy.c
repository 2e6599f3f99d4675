// SPDX-License-Identifier: GPL-2.0
/*
 * The policy blob: strict parsing into struct tppgate_policy, and the checks
 * that need nothing but the blob, the clock and this host. The caller has
 * verified the signature first; this code still trusts nothing in the blob
 * beyond what the netlink policies and the checks below allow, because a
 * trusted signer can still make mistakes.
 *
 * The blob is parsed where it lies, inside the request, so extended-ack
 * offsets point at the offending attribute inside the blob.
 *
 * Every rule here has a case in tests/parity/corpus.c and a mirror in
 * userspace/lib (policy.c, sign.c): a new rule adds both, so that tppctl
 * and the kernel keep giving one verdict on one policy.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/sha2.h>
#include <linux/ctype.h>
#include <linux/dmi.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/bsearch.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "policy.h"

/* Set while the module loads, read-only afterwards. */
static u8 host_id[TPPGATE_SHA256_LEN];
static bool has_host_id;

static int host_id_set(const char *val, const struct kernel_param *kp)
{
	char buf[2 * TPPGATE_SHA256_LEN + 2], *hex;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		goto err_format;
	hex = strim(buf);
	has_host_id = *hex;
	if (!has_host_id)
		return 0;
	if (strlen(hex) != 2 * TPPGATE_SHA256_LEN ||
	    hex2bin(host_id, hex, TPPGATE_SHA256_LEN))
		goto err_format;
	return 0;

err_format:
	has_host_id = false;
	pr_err("host_id: expected 64 hex digits (the SHA-256 of /etc/machine-id)\n");
	return -EINVAL;
}

static int host_id_get(char *buf, const struct kernel_param *kp)
{
	return has_host_id ? sysfs_emit(buf, "%*phN\n", TPPGATE_SHA256_LEN, host_id) :
			     sysfs_emit(buf, "\n");
}

static const struct kernel_param_ops host_id_ops = {
	.set = host_id_set,
	.get = host_id_get,
};

module_param_cb(host_id, &host_id_ops, NULL, 0444);
MODULE_PARM_DESC(host_id, "SHA-256 (hex) of /etc/machine-id, for policies bound to the machine id");

static const struct nla_policy host_policy[TPPGATE_HOST_A_MAX + 1] = {
	[TPPGATE_HOST_A_KIND] = NLA_POLICY_MAX(NLA_U32, TPPGATE_HOST_KIND_MAX),
	[TPPGATE_HOST_A_HASH] = NLA_POLICY_EXACT_LEN(TPPGATE_SHA256_LEN),
};

/* Attributes not listed (PAD, the INFO_* ones) are rejected: strict parsing. */
static const struct nla_policy blob_policy[TPPGATE_POLICY_A_MAX + 1] = {
	[TPPGATE_POLICY_A_FORMAT] = { .type = NLA_U32 },
	[TPPGATE_POLICY_A_SERIAL] = NLA_POLICY_MIN(NLA_U64, 1),
	[TPPGATE_POLICY_A_ISSUER] = { .type = NLA_NUL_STRING, .len = TPPGATE_ISSUER_MAX },
	[TPPGATE_POLICY_A_NOT_BEFORE] = { .type = NLA_U64 },
	[TPPGATE_POLICY_A_NOT_AFTER] = { .type = NLA_U64 },
	[TPPGATE_POLICY_A_REGION] = { .type = NLA_NUL_STRING, .len = 2 },
	[TPPGATE_POLICY_A_TIER] = NLA_POLICY_RANGE(NLA_U8, 1, 3),
	[TPPGATE_POLICY_A_HOST] = NLA_POLICY_NESTED(host_policy),
	[TPPGATE_POLICY_A_NODE_CAP] = { .type = NLA_U64 },
	[TPPGATE_POLICY_A_CLUSTER_ID] = { .type = NLA_NUL_STRING,
					  .len = TPPGATE_CLUSTER_ID_MAX },
	[TPPGATE_POLICY_A_CLUSTER_CAP] = { .type = NLA_U64 },
	[TPPGATE_POLICY_A_GRANT_REQUIRED] = NLA_POLICY_MAX(NLA_U8, 1),
	[TPPGATE_POLICY_A_OFFLINE_GRACE] = { .type = NLA_U32 },
	[TPPGATE_POLICY_A_OFFLINE_CAP] = { .type = NLA_U64 },
	[TPPGATE_POLICY_A_REVOKE_MODE] = NLA_POLICY_MAX(NLA_U32, TPPGATE_REVOKE_MAX),
	[TPPGATE_POLICY_A_REVOKE_DEADLINE] = { .type = NLA_U32 },
	[TPPGATE_POLICY_A_CLASSES] = { .type = NLA_BINARY,
				       .len = TPPGATE_CLASSES_MAX * sizeof(u16) },
	[TPPGATE_POLICY_A_DEFAULT_ACTION] = NLA_POLICY_MAX(NLA_U32, TPPGATE_ACTION_MAX),
	[TPPGATE_POLICY_A_CATALOG] = { .type = NLA_BINARY },
	[TPPGATE_POLICY_A_CATALOG_SUBSYS] = { .type = NLA_BINARY },
	[TPPGATE_POLICY_A_CATALOG_NAMES] = { .type = NLA_BINARY },
};

static const int required[] = {
	TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_A_SERIAL,
	TPPGATE_POLICY_A_ISSUER, TPPGATE_POLICY_A_NOT_BEFORE,
	TPPGATE_POLICY_A_NOT_AFTER, TPPGATE_POLICY_A_REGION,
	TPPGATE_POLICY_A_TIER,
};

/*
 * Duplicates, or flags the parser ignores, would let two parsers of one
 * signed blob disagree. Types above the policy's range are left to
 * nla_parse(), which rejects them.
 */
static int reject_ambiguity(const struct nlattr *nest,
			    struct netlink_ext_ack *extack)
{
	DECLARE_BITMAP(seen, TPPGATE_POLICY_A_MAX + 1) = { 0 };
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, nla_data(nest), nla_len(nest), rem) {
		if (nla->nla_type & NLA_F_NET_BYTEORDER) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "attribute in network byte order");
			return -EINVAL;
		}
		if (nla_type(nla) <= TPPGATE_POLICY_A_MAX &&
		    test_and_set_bit(nla_type(nla), seen)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "attribute appears twice");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A string the module keeps and logs: not empty, nothing after its NUL,
 * printable ASCII only (no terminal escapes or fake lines in the log).
 */
static int check_string(const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	const char *str = nla_data(attr);
	int i, len = nla_len(attr);

	if (len < 2 || strnlen(str, len) != len - 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "string empty or with bytes after its end");
		return -EINVAL;
	}
	for (i = 0; i < len - 1; i++) {
		if (str[i] < 0x20 || str[i] > 0x7e) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "string with a non-printable character");
			return -EINVAL;
		}
	}
	return 0;
}

/* This host's SHA-256 for a binding of @kind. Return: 0 or -ENODATA. */
static int host_hash(u32 kind, u8 out[TPPGATE_SHA256_LEN])
{
	char uuid[40];
	const char *s;
	size_t i;

	if (kind == TPPGATE_HOST_MACHINE_ID) {
		if (!has_host_id)
			return -ENODATA;
		memcpy(out, host_id, TPPGATE_SHA256_LEN);
		return 0;
	}
	s = dmi_get_system_info(DMI_PRODUCT_UUID);
	if (!s || strlen(s) >= sizeof(uuid))
		return -ENODATA;
	for (i = 0; s[i]; i++)
		uuid[i] = tolower(s[i]);
	uuid[i] = '\0';
	sha256(uuid, i, out);
	return 0;
}

static int check_host(struct tppgate_policy *p, const struct nlattr *nest,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TPPGATE_HOST_A_MAX + 1];
	u8 mine[TPPGATE_SHA256_LEN];
	int ret;

	ret = reject_ambiguity(nest, extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TPPGATE_HOST_A_MAX, nest, host_policy, extack);
	if (ret)
		return ret;
	if (!tb[TPPGATE_HOST_A_KIND] || !tb[TPPGATE_HOST_A_HASH]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "host binding needs KIND and HASH");
		return -EINVAL;
	}
	p->has_host = true;
	p->host_kind = nla_get_u32(tb[TPPGATE_HOST_A_KIND]);
	nla_memcpy(p->host_hash, tb[TPPGATE_HOST_A_HASH], TPPGATE_SHA256_LEN);
	if (host_hash(p->host_kind, mine)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "policy is host-bound but this host's identity is unknown");
		return -EACCES;
	}
	if (memcmp(mine, p->host_hash, TPPGATE_SHA256_LEN)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "policy is bound to another host");
		return -EACCES;
	}
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct tppgate_policy_entry *x = a, *y = b;

	if (x->vendor != y->vendor)
		return x->vendor < y->vendor ? -1 : 1;
	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->subsys != y->subsys)
		return x->subsys ? -1 : 1;	/* specific entries first */
	if (x->subsystem_vendor != y->subsystem_vendor)
		return x->subsystem_vendor < y->subsystem_vendor ? -1 : 1;
	if (x->subsystem_device != y->subsystem_device)
		return x->subsystem_device < y->subsystem_device ? -1 : 1;
	return 0;
}

static int parse_subsys(struct tppgate_policy *p, const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	const struct tppgate_catalog_subsys *s = nla_data(attr);
	size_t i, n = nla_len(attr) / sizeof(*s);
	s64 last = -1;

	if (nla_len(attr) % sizeof(*s)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "subsystem table has a partial entry");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (s[i].index >= p->n_entries || (s64)s[i].index <= last) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "subsystem index out of range or not increasing");
			return -EINVAL;
		}
		last = s[i].index;
		p->entries[s[i].index].subsys = true;
		p->entries[s[i].index].subsystem_vendor = s[i].subsystem_vendor;
		p->entries[s[i].index].subsystem_device = s[i].subsystem_device;
	}
	return 0;
}

/* Names are for people (tppctl policy show); the module only bounds them. */
static int check_names(const struct tppgate_policy *p, const struct nlattr *attr,
		       struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr), *end = s + nla_len(attr);
	u32 n = 0;
	size_t len;

	while (s < end) {
		len = strnlen(s, end - s);
		if (len == end - s || len >= TPPGATE_NAME_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "catalog name unterminated or too long");
			return -EINVAL;
		}
		s += len + 1;
		n++;
	}
	if (n != p->n_entries) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "catalog names do not match the entries");
		return -EINVAL;
	}
	return 0;
}

static int parse_catalog(struct tppgate_policy *p, struct nlattr **tb,
			 struct netlink_ext_ack *extack)
{
	const struct nlattr *attr = tb[TPPGATE_POLICY_A_CATALOG];
	const struct tppgate_catalog_entry *e;
	size_t i;
	int ret;

	if (!attr)
		goto tables;
	if (nla_len(attr) % sizeof(*e)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "catalog has a partial entry");
		return -EINVAL;
	}
	if (nla_len(attr) / sizeof(*e) > TPPGATE_CATALOG_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "catalog has more than 4096 entries");
		return -E2BIG;
	}
	p->n_entries = nla_len(attr) / sizeof(*e);
	p->entries = kvcalloc(p->n_entries, sizeof(*p->entries), GFP_KERNEL);
	if (!p->entries && p->n_entries)
		return -ENOMEM;
	e = nla_data(attr);
	for (i = 0; i < p->n_entries; i++) {
		if (e[i].action > TPPGATE_ACTION_MAX || e[i].flags) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "catalog entry has an unknown action or flags");
			return -EINVAL;
		}
		p->entries[i] = (struct tppgate_policy_entry) {
			.vendor = e[i].vendor, .device = e[i].device,
			.action = e[i].action, .pd = e[i].pd, .tpp = e[i].tpp,
		};
	}

tables:
	if (tb[TPPGATE_POLICY_A_CATALOG_SUBSYS]) {
		ret = parse_subsys(p, tb[TPPGATE_POLICY_A_CATALOG_SUBSYS], extack);
		if (ret)
			return ret;
	}
	if (tb[TPPGATE_POLICY_A_CATALOG_NAMES]) {
		ret = check_names(p, tb[TPPGATE_POLICY_A_CATALOG_NAMES], extack);
		if (ret)
			return ret;
	}

	/*
	 * The signer sorts; checking the order is linear, where sorting here
	 * was most of the parse time, and strict order rules out duplicates.
	 */
	for (i = 1; i < p->n_entries; i++) {
		if (entry_cmp(&p->entries[i - 1], &p->entries[i]) >= 0) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "catalog out of canonical order, or lists a device twice");
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_classes(struct tppgate_policy *p, const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	u32 i;

	if (nla_len(attr) % sizeof(u16)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "class list has a partial entry");
		return -EINVAL;
	}
	p->n_classes = nla_len(attr) / sizeof(u16);
	memcpy(p->classes, nla_data(attr), nla_len(attr));
	/* Holding a bridge would cut off every device behind it. */
	for (i = 0; i < p->n_classes; i++) {
		if (p->classes[i] >> 8 == PCI_BASE_CLASS_BRIDGE) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "class list names a PCI bridge class (0x06xx), which is never gated");
			return -EINVAL;
		}
	}
	return 0;
}

/* nla_get_*_default() are 6.12-only; these work on both. */
static u64 get_u64(const struct nlattr *nla, u64 def)
{
	return nla ? nla_get_u64(nla) : def;
}

static u32 get_u32(const struct nlattr *nla, u32 def)
{
	return nla ? nla_get_u32(nla) : def;
}

static int parse_fields(struct tppgate_policy *p, struct nlattr **tb,
			struct netlink_ext_ack *extack)
{
	const struct nlattr *region = tb[TPPGATE_POLICY_A_REGION];
	size_t i;

	if (nla_get_u32(tb[TPPGATE_POLICY_A_FORMAT]) != TPPGATE_POLICY_FORMAT) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TPPGATE_POLICY_A_FORMAT],
				    "unknown policy format version");
		return -EPROTONOSUPPORT;
	}
	p->serial = nla_get_u64(tb[TPPGATE_POLICY_A_SERIAL]);
	if (check_string(tb[TPPGATE_POLICY_A_ISSUER], extack) ||
	    check_string(region, extack) ||
	    (tb[TPPGATE_POLICY_A_CLUSTER_ID] &&
	     check_string(tb[TPPGATE_POLICY_A_CLUSTER_ID], extack)))
		return -EINVAL;
	nla_strscpy(p->issuer, tb[TPPGATE_POLICY_A_ISSUER], sizeof(p->issuer));
	p->not_before = nla_get_u64(tb[TPPGATE_POLICY_A_NOT_BEFORE]);
	p->not_after = nla_get_u64(tb[TPPGATE_POLICY_A_NOT_AFTER]);
	/* Compared as time64_t: beyond S64_MAX would wrap to the past. */
	if (p->not_after > S64_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TPPGATE_POLICY_A_NOT_AFTER],
				    "time beyond the representable range");
		return -ERANGE;
	}
	if (p->not_after <= p->not_before) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TPPGATE_POLICY_A_NOT_AFTER],
				    "not-after must be later than not-before");
		return -EINVAL;
	}
	nla_strscpy(p->region, region, sizeof(p->region));
	for (i = 0; i < 2; i++) {
		if (!isupper(p->region[i])) {
			NL_SET_ERR_MSG_ATTR(extack, region,
					    "region must be two upper-case letters");
			return -EINVAL;
		}
	}
	p->tier = nla_get_u8(tb[TPPGATE_POLICY_A_TIER]);

	p->has_node_cap = tb[TPPGATE_POLICY_A_NODE_CAP];
	p->node_cap = get_u64(tb[TPPGATE_POLICY_A_NODE_CAP], 0);
	if (tb[TPPGATE_POLICY_A_CLUSTER_ID])
		nla_strscpy(p->cluster_id, tb[TPPGATE_POLICY_A_CLUSTER_ID],
			    sizeof(p->cluster_id));
	p->has_cluster_cap = tb[TPPGATE_POLICY_A_CLUSTER_CAP];
	p->cluster_cap = get_u64(tb[TPPGATE_POLICY_A_CLUSTER_CAP], 0);
	p->grant_required = tb[TPPGATE_POLICY_A_GRANT_REQUIRED] &&
			    nla_get_u8(tb[TPPGATE_POLICY_A_GRANT_REQUIRED]);
	p->offline_grace = get_u32(tb[TPPGATE_POLICY_A_OFFLINE_GRACE], 0);
	p->offline_cap = get_u64(tb[TPPGATE_POLICY_A_OFFLINE_CAP], 0);
	p->revoke_mode = get_u32(tb[TPPGATE_POLICY_A_REVOKE_MODE],
				 TPPGATE_REVOKE_DEADLINE);
	p->revoke_deadline = get_u32(tb[TPPGATE_POLICY_A_REVOKE_DEADLINE], 0);
	if (p->revoke_deadline > TPPGATE_REVOKE_DEADLINE_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TPPGATE_POLICY_A_REVOKE_DEADLINE],
				    "revoke deadline longer than a week");
		return -EINVAL;
	}
	p->default_action = get_u32(tb[TPPGATE_POLICY_A_DEFAULT_ACTION],
				    TPPGATE_ACTION_DENY);
	return 0;
}

/**
 * tppgate_policy_parse() - parse and check a policy blob
 * @blob: the TPPGATE_A_POLICY attribute, whose signature is already verified
 * @extack: where to say what is wrong, pointing at the attribute
 *
 * Checks everything that depends only on the blob and this host: types,
 * ranges, required fields, table shapes, duplicates, host binding. Not the
 * clock and not the serial, which the caller checks against what is in
 * force.
 *
 * Context: process context; may sleep.
 * Return: a new policy (free with tppgate_policy_free()) or ERR_PTR:
 * -EINVAL malformed; -E2BIG too many catalog entries; -EPROTONOSUPPORT
 * unknown format; -EACCES bound to another host; -ENOMEM.
 */
struct tppgate_policy *tppgate_policy_parse(const struct nlattr *blob,
					    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TPPGATE_POLICY_A_MAX + 1];
	struct tppgate_policy *p;
	size_t i;
	int ret;

	ret = nla_parse(tb, TPPGATE_POLICY_A_MAX, nla_data(blob), nla_len(blob),
			blob_policy, extack);
	if (ret)
		return ERR_PTR(ret);
	ret = reject_ambiguity(blob, extack);
	if (ret)
		return ERR_PTR(ret);
	for (i = 0; i < ARRAY_SIZE(required); i++) {
		if (NL_REQ_ATTR_CHECK(extack, blob, tb, required[i])) {
			NL_SET_ERR_MSG_MOD(extack, "policy lacks a required attribute");
			return ERR_PTR(-EINVAL);
		}
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = parse_fields(p, tb, extack);
	if (ret)
		goto err_free;
	if (tb[TPPGATE_POLICY_A_CLASSES]) {
		ret = parse_classes(p, tb[TPPGATE_POLICY_A_CLASSES], extack);
		if (ret)
			goto err_free;
	}
	ret = parse_catalog(p, tb, extack);
	if (ret)
		goto err_free;
	if (tb[TPPGATE_POLICY_A_HOST]) {
		ret = check_host(p, tb[TPPGATE_POLICY_A_HOST], extack);
		if (ret)
			goto err_free;
	}
	sha256(nla_data(blob), nla_len(blob), p->sha256);
	return p;

err_free:
	tppgate_policy_free(p);
	return ERR_PTR(ret);
}

/**
 * tppgate_policy_check_time() - is the policy valid at @now?
 * @p: the policy
 * @now: UTC seconds
 * @extack: where to say why not, or NULL
 *
 * Return: 0; -EAGAIN before not-before; -EKEYEXPIRED from not-after on.
 */
int tppgate_policy_check_time(const struct tppgate_policy *p, time64_t now,
			      struct netlink_ext_ack *extack)
{
	if (now < (time64_t)p->not_before) {
		NL_SET_ERR_MSG_MOD(extack, "policy is not valid yet (not-before is in the future)");
		return -EAGAIN;
	}
	if (now >= (time64_t)p->not_after) {
		NL_SET_ERR_MSG_MOD(extack, "policy has expired (not-after is in the past)");
		return -EKEYEXPIRED;
	}
	return 0;
}

/**
 * tppgate_policy_start_clock() - note when a policy comes into force
 * @p: the policy, not yet published
 * @now: UTC seconds, within its validity
 * @boot_now: CLOCK_BOOTTIME at the same moment
 *
 * A policy's life ends at not-after on the wall clock, or after as much
 * elapsed time as it had left when it was loaded, whichever comes first: a
 * clock stepped back cannot extend it.
 */
void tppgate_policy_start_clock(struct tppgate_policy *p, time64_t now,
				ktime_t boot_now)
{
	time64_t left = (time64_t)p->not_after - now;

	p->loaded_at = now;
	if (left >= KTIME_SEC_MAX)
		p->boot_expiry = KTIME_MAX;
	else
		p->boot_expiry = ktime_add_safe(boot_now, ktime_set(left, 0));
}

/**
 * tppgate_policy_past_expiry() - has a policy in force reached its end?
 * @p: the policy, its clock started
 * @now: UTC seconds
 * @boot_now: CLOCK_BOOTTIME
 *
 * Return: true from not-after on, or once its elapsed-time bound passed.
 */
bool tppgate_policy_past_expiry(const struct tppgate_policy *p, time64_t now,
				ktime_t boot_now)
{
	return now >= (time64_t)p->not_after ||
	       ktime_compare(boot_now, p->boot_expiry) >= 0;
}

/**
 * tppgate_policy_free() - free a policy that was never published
 * @p: the policy, or NULL
 */
void tppgate_policy_free(struct tppgate_policy *p)
{
	if (!p)
		return;
	kvfree(p->entries);
	kfree(p);
}

static void free_rcu(struct rcu_head *head)
{
	tppgate_policy_free(container_of(head, struct tppgate_policy, rcu));
}

/**
 * tppgate_policy_free_rcu() - free a published policy after its readers
 * @p: the policy, or NULL
 */
void tppgate_policy_free_rcu(struct tppgate_policy *p)
{
	if (p)
		call_rcu(&p->rcu, free_rcu);
}

/**
 * tppgate_policy_is_accel() - does the policy make @pdev an accelerator?
 * @p: the policy
 * @pdev: the device
 *
 * Return: true if its class is among the policy's classes or the catalog
 * names its vendor:device.
 */
bool tppgate_policy_is_accel(const struct tppgate_policy *p,
			     const struct pci_dev *pdev)
{
	u32 i;

	for (i = 0; i < p->n_classes; i++)
		if (p->classes[i] == pdev->class >> 8)
			return true;
	return tppgate_policy_lookup(p, pdev);
}

static int key_cmp(const void *key, const void *elt)
{
	const struct pci_dev *pdev = key;
	const struct tppgate_policy_entry *e = elt;

	if (pdev->vendor != e->vendor)
		return pdev->vendor < e->vendor ? -1 : 1;
	if (pdev->device != e->device)
		return pdev->device < e->device ? -1 : 1;
	return 0;
}

/**
 * tppgate_policy_lookup() - the catalog entry for @pdev
 * @p: the policy
 * @pdev: the device
 *
 * An entry restricted to @pdev's subsystem ids wins over a plain one.
 *
 * Return: the entry, or NULL if the catalog does not list the device.
 */
const struct tppgate_policy_entry *
tppgate_policy_lookup(const struct tppgate_policy *p, const struct pci_dev *pdev)
{
	const struct tppgate_policy_entry *e, *end = p->entries + p->n_entries;

	e = bsearch(pdev, p->entries, p->n_entries, sizeof(*e), key_cmp);
	if (!e)
		return NULL;
	/* Entries for one vendor:device are adjacent, specific ones first. */
	while (e > p->entries && !key_cmp(pdev, e - 1))
		e--;
	for (; e < end && !key_cmp(pdev, e); e++) {
		if (!e->subsys)
			return e;
		if (e->subsystem_vendor == pdev->subsystem_vendor &&
		    e->subsystem_device == pdev->subsystem_device)
			return e;
	}
	return NULL;
}
