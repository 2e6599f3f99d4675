// SPDX-License-Identifier: GPL-2.0
/*
 * Who may sign a policy. The certificates embedded in the module at build
 * time go into the ".tppgate" keyring, which then refuses every other key:
 * the module is itself signed, so under Secure Boot the anchor cannot be
 * swapped. With trust=ca, a second keyring ".tppgate_ca" takes certificates
 * from root at run time, but only those that a key in the kernel's builtin
 * or secondary trusted keyrings (a MOK-enrolled CA, say) has signed: that is
 * how a provider rotates its signing key without rebuilding the module.
 *
 * Every rule here has a case in tests/parity/corpus.c and a mirror in
 * userspace/lib (policy.c, sign.c): a new rule adds both, so that tppctl
 * and the kernel keep giving one verdict on one policy.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/verification.h>

#include "keys.h"
#include "params.h"

enum trust {
	TRUST_MODULE,
	TRUST_CA,
};

static const char * const trust_names[] = {
	[TRUST_MODULE] = "module",
	[TRUST_CA] = "ca",
};

static unsigned int trust = TRUST_MODULE;
static struct tppgate_param_choice trust_choice = {
	.names = trust_names, .n = ARRAY_SIZE(trust_names), .value = &trust,
};
module_param_cb(trust, &tppgate_param_choice_ops, &trust_choice, 0444);
MODULE_PARM_DESC(trust, "Policy signers: module (embedded certificates only, default) or ca (also certificates vouched for by the kernel's trusted keys)");

/* Set once at init, read-only afterwards. */
static struct key *module_keyring;
static struct key *ca_keyring;

static struct key *new_keyring(const char *name, key_perm_t extra)
{
	return keyring_alloc(name, GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
			     current_cred(),
			     (KEY_POS_ALL & ~KEY_POS_SETATTR) | KEY_USR_VIEW |
			     KEY_USR_READ | KEY_USR_SEARCH | extra,
			     KEY_ALLOC_NOT_IN_QUOTA | KEY_ALLOC_SET_KEEP,
			     NULL, NULL);
}

/*
 * The embedded list is DER certificates back to back; each is a SEQUENCE
 * with a two-byte length (0x30 0x82 hi lo), as the kernel's own
 * certs/common.c reads its list.
 */
static int __init load_embedded(void)
{
	const u8 *p = tppgate_certs, *end = tppgate_certs + tppgate_certs_len;
	key_ref_t key;
	size_t len;
	int n = 0;

	while (end - p >= 4) {
		if (p[0] != 0x30 || p[1] != 0x82)
			goto err_format;
		len = 4 + ((size_t)p[2] << 8 | p[3]);
		if (len > end - p)
			goto err_format;
		key = key_create_or_update(make_key_ref(module_keyring, 1),
					   "asymmetric", NULL, p, len,
					   (KEY_POS_ALL & ~KEY_POS_SETATTR) |
					   KEY_USR_VIEW | KEY_USR_READ,
					   KEY_ALLOC_NOT_IN_QUOTA |
					   KEY_ALLOC_BUILT_IN |
					   KEY_ALLOC_BYPASS_RESTRICTION);
		if (IS_ERR(key)) {
			pr_err("embedded certificate %d rejected (%ld)\n", n,
			       PTR_ERR(key));
			return PTR_ERR(key);
		}
		pr_info("trusting policy signer '%s'\n",
			key_ref_to_ptr(key)->description);
		key_ref_put(key);
		p += len;
		n++;
	}
	if (p != end)
		goto err_format;
	if (!n)
		pr_warn("no embedded policy signer: every policy will be refused\n");
	return 0;

err_format:
	pr_err("embedded certificate list is malformed\n");
	return -EINVAL;
}

/**
 * tppgate_keys_init() - build the keyrings of the policy signers
 *
 * Return: 0; -EINVAL if the embedded certificate list is malformed; an
 * errno from the keyring code (-ENOMEM, -EKEYREJECTED for a certificate
 * the kernel cannot parse).
 */
int __init tppgate_keys_init(void)
{
	int ret;

	module_keyring = new_keyring(".tppgate", 0);
	if (IS_ERR(module_keyring))
		return PTR_ERR(module_keyring);
	/* No restriction type: restrict_link_reject, nobody adds keys later. */
	ret = keyring_restrict(make_key_ref(module_keyring, true), NULL, NULL);
	if (ret)
		goto err_put_module_keyring;
	ret = load_embedded();
	if (ret)
		goto err_put_module_keyring;

	if (trust == TRUST_CA) {
		ca_keyring = new_keyring(".tppgate_ca",
					 KEY_POS_WRITE | KEY_USR_WRITE);
		if (IS_ERR(ca_keyring)) {
			ret = PTR_ERR(ca_keyring);
			ca_keyring = NULL;
			goto err_put_module_keyring;
		}
		ret = keyring_restrict(make_key_ref(ca_keyring, true),
				       "asymmetric",
				       "builtin_and_secondary_trusted");
		if (ret)
			goto err_put_ca_keyring;
	}
	return 0;

err_put_ca_keyring:
	key_put(ca_keyring);
	ca_keyring = NULL;
err_put_module_keyring:
	key_put(module_keyring);
	module_keyring = NULL;
	return ret;
}

/**
 * tppgate_keys_uninit() - drop the keyrings
 */
void tppgate_keys_uninit(void)
{
	key_put(ca_keyring);
	key_put(module_keyring);
}

static bool keyring_empty(struct key *keyring)
{
	return !keyring || !keyring->keys.nr_leaves_on_tree;
}

static int verify_with(struct key *keyring, const void *data, size_t len,
		       const void *sig, size_t sig_len)
{
	/* Like fs-verity: no key, no point feeding the ASN.1 parser. */
	if (keyring_empty(keyring))
		return -ENOKEY;
	return verify_pkcs7_signature(data, len, sig, sig_len, keyring,
				      VERIFYING_UNSPECIFIED_SIGNATURE,
				      NULL, NULL);
}

/**
 * tppgate_keys_verify() - check a detached PKCS#7 signature of a policy
 * @data: the signed bytes
 * @len: their length
 * @sig: DER PKCS#7, detached, no embedded content
 * @sig_len: its length
 * @extack: where to say why it failed, or NULL
 *
 * Context: process context; may sleep.
 * Return: 0 if a trusted key signed exactly @data; -EBADMSG if @sig is not
 * a detached PKCS#7 message; -EKEYREJECTED if the signature does not match;
 * -ENOKEY if no trusted key made it; -ENOPKG for an algorithm the kernel
 * lacks; other errnos from the crypto layer.
 */
int tppgate_keys_verify(const void *data, size_t len, const void *sig,
			size_t sig_len, struct netlink_ext_ack *extack)
{
	int ret;

	ret = verify_with(module_keyring, data, len, sig, sig_len);
	if (ret == -ENOKEY && ca_keyring)
		ret = verify_with(ca_keyring, data, len, sig, sig_len);

	switch (ret) {
	case 0:
		break;
	case -ENOKEY:
		NL_SET_ERR_MSG_MOD(extack, "policy signed by an untrusted key");
		break;
	case -EKEYREJECTED:
		NL_SET_ERR_MSG_MOD(extack, "policy signature does not match the policy");
		break;
	case -EBADMSG:
		NL_SET_ERR_MSG_MOD(extack, "signature is not a detached PKCS#7 message");
		break;
	case -ENOPKG:
		NL_SET_ERR_MSG_MOD(extack, "signature algorithm not supported by this kernel");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "policy signature verification failed");
		break;
	}
	return ret;
}
