/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test policies for the VM programs (policy_test, the policy benchmark):
 * blobs built attribute by attribute as the uapi header lays them out, and
 * detached CMS signatures made the way the kernel accepts them.
 */
#ifndef _TPPGATE_POLBUILD_H
#define _TPPGATE_POLBUILD_H

#include <sys/wait.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "nltest.h"

#define KEY_FILE "/tpp/keys/signer.key"
#define CERT_FILE "/tpp/keys/signer.crt"
#define MODULE "/tpp/modules/tppgate.ko"
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_TPP 1000
/* The VM's e1000, made an accelerator of 500 TPP by some tests. */
#define NIC_VENDOR 0x8086
#define NIC_DEVICE 0x100e
#define NIC_TPP 500
#define NIC_BDF "0000:00:03.0"
#define WAIT_SECS 60

/* What a test policy says; zero fields take the defaults below. */
struct pol {
	unsigned long long serial;
	long long not_before;		/* relative to now, seconds */
	long long not_after;		/* relative to now; 0: +1 day */
	unsigned long long node_cap;	/* 0: no cap */
	int revoke_mode;		/* TPPGATE_REVOKE_* */
	unsigned int deadline;
	int tier;			/* 0: 2 */
	int edu_action;			/* TPPGATE_ACTION_* for the edu */
	int n_entries;			/* extra filler entries */
	int host_kind;			/* -1: no binding */
	int extra_attr;			/* an unknown attribute type, 0: none */
	int unsorted;			/* break the canonical catalog order */
	const char *issuer;		/* NULL: "tppgate selftest" */
	int raw_not_after;		/* not_after as given, not relative */
	int host_twice;			/* repeat the host binding's KIND */
	int nic_action;			/* the e1000 (8086:100e) in the catalog:
					 * 0 absent, else TPPGATE_ACTION_* + 1 */
	int grant_required;		/* admission needs the daemon's grant */
	unsigned int offline_grace;	/* seconds, with grant_required */
	unsigned long long offline_cap;	/* TPP kept once offline */
};

static inline void pol_default(struct pol *p, unsigned long long serial)
{
	memset(p, 0, sizeof(*p));
	p->serial = serial;
	p->not_before = -3600;
	p->revoke_mode = TPPGATE_REVOKE_DEADLINE;
	p->edu_action = TPPGATE_ACTION_COUNT;
	p->host_kind = -1;
}

/* The blob: netlink attributes, exactly as the header documents them. */
static inline struct nl_msg *pol_build(const struct pol *p)
{
	struct nl_msg *msg = nlmsg_alloc_size(128 * 1024);
	time_t now = time(NULL);
	int i, n = 1 + p->n_entries + !!p->nic_action;
	struct tppgate_catalog_entry *cat = calloc(n, sizeof(*cat));

	nla_put_u32(msg, TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_FORMAT);
	nla_put_u64(msg, TPPGATE_POLICY_A_SERIAL, p->serial);
	nla_put_string(msg, TPPGATE_POLICY_A_ISSUER,
		       p->issuer ? p->issuer : "tppgate selftest");
	nla_put_u64(msg, TPPGATE_POLICY_A_NOT_BEFORE, now + p->not_before);
	nla_put_u64(msg, TPPGATE_POLICY_A_NOT_AFTER, p->raw_not_after ?
		    (unsigned long long)p->not_after :
		    (unsigned long long)(now + (p->not_after ? p->not_after : 86400)));
	nla_put_string(msg, TPPGATE_POLICY_A_REGION, "DE");
	nla_put_u8(msg, TPPGATE_POLICY_A_TIER, p->tier ? p->tier : 2);
	if (p->node_cap)
		nla_put_u64(msg, TPPGATE_POLICY_A_NODE_CAP, p->node_cap);
	nla_put_u32(msg, TPPGATE_POLICY_A_REVOKE_MODE, p->revoke_mode);
	nla_put_u32(msg, TPPGATE_POLICY_A_REVOKE_DEADLINE, p->deadline);
	nla_put_u32(msg, TPPGATE_POLICY_A_DEFAULT_ACTION, TPPGATE_ACTION_DENY);
	if (p->grant_required) {
		nla_put_u8(msg, TPPGATE_POLICY_A_GRANT_REQUIRED, 1);
		nla_put_u32(msg, TPPGATE_POLICY_A_OFFLINE_GRACE, p->offline_grace);
		nla_put_u64(msg, TPPGATE_POLICY_A_OFFLINE_CAP, p->offline_cap);
	}
	if (p->host_kind >= 0) {
		struct nlattr *h = nla_nest_start(msg, TPPGATE_POLICY_A_HOST | NLA_F_NESTED);
		unsigned char hash[TPPGATE_SHA256_LEN];

		SHA256((const unsigned char *)"another host", 12, hash);
		nla_put_u32(msg, TPPGATE_HOST_A_KIND, p->host_kind);
		if (p->host_twice)
			nla_put_u32(msg, TPPGATE_HOST_A_KIND, p->host_kind);
		nla_put(msg, TPPGATE_HOST_A_HASH, sizeof(hash), hash);
		nla_nest_end(msg, h);
	}
	/* Canonical order: filler (vendor 0x10de), the edu, the e1000. */
	for (i = 0; i < p->n_entries; i++)
		cat[i] = (struct tppgate_catalog_entry){
			.vendor = 0x10de, .device = i + 1, .tpp = 15832,
			.action = TPPGATE_ACTION_COUNT,
		};
	cat[i++] = (struct tppgate_catalog_entry){
		.vendor = EDU_VENDOR, .device = EDU_DEVICE, .tpp = EDU_TPP,
		.pd = 100, .action = p->edu_action,
	};
	if (p->nic_action)
		cat[i++] = (struct tppgate_catalog_entry){
			.vendor = NIC_VENDOR, .device = NIC_DEVICE, .tpp = NIC_TPP,
			.action = p->nic_action - 1,
		};
	if (p->unsorted && n > 1) {
		struct tppgate_catalog_entry t = cat[0];

		cat[0] = cat[n - 1];
		cat[n - 1] = t;
	}
	nla_put(msg, TPPGATE_POLICY_A_CATALOG, n * sizeof(*cat), cat);
	if (p->extra_attr)
		nla_put_u32(msg, p->extra_attr, 1);
	free(cat);
	return msg;
}

static inline void *blob_of(struct nl_msg *m, int *len)
{
	*len = nlmsg_datalen(nlmsg_hdr(m));
	return nlmsg_data(nlmsg_hdr(m));
}

static inline EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return k;
}

static inline X509 *load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *c = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return c;
}

/* A signer the module does not trust: a fresh self-signed pair. */
static inline void make_other(EVP_PKEY **key, X509 **cert)
{
	X509_NAME *name;

	*key = EVP_RSA_gen(2048);
	*cert = X509_new();
	X509_set_version(*cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(*cert), 7);
	X509_gmtime_adj(X509_getm_notBefore(*cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(*cert), 86400);
	X509_set_pubkey(*cert, *key);
	name = X509_get_subject_name(*cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"not trusted", -1, -1, 0);
	X509_set_issuer_name(*cert, name);
	X509_sign(*cert, *key, EVP_sha256());
}

/* Detached CMS signature, DER. Returns its length; *out is malloc'd. */
static inline int sign(EVP_PKEY *key, X509 *cert, const void *blob, int len,
		unsigned char **out)
{
	BIO *in = BIO_new_mem_buf(blob, len);
	CMS_ContentInfo *cms;
	int n;

	cms = CMS_sign(cert, key, NULL, in, CMS_DETACHED | CMS_BINARY |
		       CMS_NOCERTS | CMS_NOATTR);
	BIO_free(in);
	if (!cms)
		return -1;
	*out = NULL;
	n = i2d_CMS_ContentInfo(cms, out);
	CMS_ContentInfo_free(cms);
	return n;
}

static inline struct nl_msg *set_req(int fam, const void *blob, int blen,
			      const void *sig, int slen)
{
	struct nl_msg *msg = nlmsg_alloc_size(160 * 1024);

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, NLM_F_ACK,
		    TPPGATE_CMD_POLICY_SET, TPPGATE_GENL_VERSION);
	nla_put(msg, TPPGATE_A_POLICY, blen, blob);
	if (sig)
		nla_put(msg, TPPGATE_A_SIGNATURE, slen, sig);
	return msg;
}

/* Sign @p with @key and load it. Returns the kernel's answer in @r. */
static inline int pol_load(struct nl_sock *sk, int fam, EVP_PKEY *key, X509 *cert,
			   const struct pol *p, struct reply *r)
{
	struct nl_msg *m = pol_build(p);
	unsigned char *sig = NULL;
	int blen, slen, ret;
	void *blob = blob_of(m, &blen);

	slen = sign(key, cert, blob, blen, &sig);
	if (slen < 0) {
		nlmsg_free(m);
		return -EIO;
	}
	ret = transact(sk, set_req(fam, blob, blen, sig, slen), r);
	OPENSSL_free(sig);
	nlmsg_free(m);
	return ret;
}

/* Reload tppgate.ko with @args. Return: the shell's exit status. */
static inline int reload_tppgate(const char *args)
{
	char cmd[256];
	int status;

	snprintf(cmd, sizeof(cmd), "rmmod tppgate 2>/dev/null; insmod %s %s",
		 MODULE, args);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Leave the VM as the next test program expects it: the default
 * arguments, and every edu device held again (rmmod gave them to tppedu).
 * A precondition of what follows: the teardown that calls it fails if it
 * fails. Return: the shell's exit status.
 */
static inline int restore_tppgate(void)
{
	char args[128] = "ids=1234:11e8";
	char full[160];

	read_file("/tpp/tppgate.args", args, sizeof(args));
	snprintf(full, sizeof(full), "%s boot=quarantine", args);
	return reload_tppgate(full);
}

#endif /* _TPPGATE_POLBUILD_H */
