// SPDX-License-Identifier: GPL-2.0
/*
 * The trust anchors, in the VM. Root must not be able to make the module
 * trust a key of its own choosing: the ".tppgate" keyring refuses every
 * addition, and with trust=ca the ".tppgate_ca" keyring takes only
 * certificates that the kernel's builtin or secondary trusted keys vouch
 * for. A self-signed certificate is refused by both, and afterwards a
 * policy signed by that key is still refused.
 */

#include "polbuild.h"
#include "kselftest_harness.h"

#ifndef SYS_add_key
#define SYS_add_key __NR_add_key
#endif

/* The serial of the keyring called @name in /proc/keys, or 0. */
static long keyring_id(const char *name)
{
	FILE *f = fopen("/proc/keys", "r");
	char line[512], desc[128];
	long id = 0;

	while (f && fgets(line, sizeof(line), f)) {
		/* id flags usage timeout perm uid gid type description: summary */
		if (sscanf(line, "%lx %*s %*s %*s %*s %*s %*s keyring %127[^:]",
			   &id, desc) == 2 && !strcmp(desc, name))
			break;
		id = 0;
	}
	if (f)
		fclose(f);
	return id;
}

FIXTURE(keys) {
	EVP_PKEY *other_key;
	X509 *other_cert;
	unsigned char *der;
	int der_len;
};

FIXTURE_SETUP(keys)
{
	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8 boot=quarantine trust=ca"));
	make_other(&self->other_key, &self->other_cert);
	self->der = NULL;
	self->der_len = i2d_X509(self->other_cert, &self->der);
	ASSERT_GT(self->der_len, 0);
}

FIXTURE_TEARDOWN(keys)
{
	OPENSSL_free(self->der);
	EVP_PKEY_free(self->other_key);
	X509_free(self->other_cert);
	EXPECT_EQ(0, restore_tppgate());
}

/* Root tries to add the fixture's certificate. Return: 0 or the errno. */
static int add_cert(FIXTURE_DATA(keys) *self, long keyring)
{
	if (syscall(SYS_add_key, "asymmetric", NULL, self->der,
		    (size_t)self->der_len, (int)keyring) < 0)
		return errno;
	return 0;
}

TEST_F(keys, module_keyring_refuses_additions)
{
	long kr = keyring_id(".tppgate");
	int err;

	ASSERT_NE(0, kr) TH_LOG("no .tppgate keyring in /proc/keys");
	err = add_cert(self, kr);
	EXPECT_TRUE(err == EACCES || err == EPERM) TH_LOG("errno %d", err);
}

TEST_F(keys, ca_keyring_refuses_an_unvouched_certificate)
{
	long kr = keyring_id(".tppgate_ca");
	int err;

	ASSERT_NE(0, kr) TH_LOG("trust=ca made no .tppgate_ca keyring");
	err = add_cert(self, kr);
	/* Refused by the restriction, not by permissions: root may write. */
	EXPECT_TRUE(err == ENOKEY || err == EKEYREJECTED) TH_LOG("errno %d", err);
}

TEST_F(keys, policy_from_the_refused_key_is_still_refused)
{
	struct nl_sock *sk = open_sock();
	unsigned char *sig = NULL;
	struct reply r;
	struct pol p;
	struct nl_msg *m;
	int blen, slen;
	void *blob;

	ASSERT_NE(NULL, sk);
	add_cert(self, keyring_id(".tppgate_ca"));
	pol_default(&p, 1);
	m = pol_build(&p);
	blob = blob_of(m, &blen);
	slen = sign(self->other_key, self->other_cert, blob, blen, &sig);
	ASSERT_GT(slen, 0);
	EXPECT_EQ(-ENOKEY, transact(sk, set_req(family_id(sk), blob, blen, sig, slen), &r));
	EXPECT_EQ(-ENOENT, transact(sk, new_req(family_id(sk),
						 TPPGATE_CMD_POLICY_GET, 0), &r));
	OPENSSL_free(sig);
	nlmsg_free(m);
	nl_socket_free(sk);
}

TEST_F(keys, the_embedded_signer_still_works_with_trust_ca)
{
	struct nl_sock *sk = open_sock();
	EVP_PKEY *key = load_key(KEY_FILE);
	X509 *cert = load_cert(CERT_FILE);
	unsigned char *sig = NULL;
	struct reply r;
	struct pol p;
	struct nl_msg *m;
	int blen, slen;
	void *blob;

	ASSERT_NE(NULL, sk);
	ASSERT_NE(NULL, key);
	pol_default(&p, 1);
	m = pol_build(&p);
	blob = blob_of(m, &blen);
	slen = sign(key, cert, blob, blen, &sig);
	ASSERT_GT(slen, 0);
	EXPECT_EQ(0, transact(sk, set_req(family_id(sk), blob, blen, sig, slen), &r))
		TH_LOG("%s", r.msg);
	OPENSSL_free(sig);
	nlmsg_free(m);
	EVP_PKEY_free(key);
	X509_free(cert);
	nl_socket_free(sk);
}

TEST_HARNESS_MAIN
