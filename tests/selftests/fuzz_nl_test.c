// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded, seeded netlink fuzzer, in the VM. Mutated policy blobs are
 * signed with the trusted key *after* mutation, so they get past the
 * signature check and exercise the strict parser and the semantic checks.
 * Invariants, checked after every message:
 *  - a refused policy leaves the policy in force exactly as it was;
 *  - an accepted one is exactly the blob sent (same SHA-256);
 *  - random device commands change no device's state.
 * The harness fails the run if the kernel log shows a WARN, BUG or Oops.
 * Deterministic: the same seed sends the same messages.
 */

#include "polbuild.h"
#include "kselftest_harness.h"

#define SEED 0x7470706761746531ull
#define POLICY_ROUNDS 500
#define COMMAND_ROUNDS 3000

static unsigned long long rng = SEED;

static unsigned int next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)rng;
}

/* Mutate @buf (of *len bytes, room for @cap) in place, one of five ways. */
static void mutate(unsigned char *buf, int *len, int cap)
{
	int i, n = *len, at = n ? next() % n : 0;

	switch (next() % 5) {
	case 0:	/* flip a bit */
		if (n)
			buf[at] ^= 1u << (next() % 8);
		break;
	case 1:	/* an interesting byte */
		if (n)
			buf[at] = (const unsigned char[]){ 0, 1, 0x7f, 0x80, 0xff }[next() % 5];
		break;
	case 2:	/* truncate */
		*len = at;
		break;
	case 3:	/* repeat a chunk (duplicated attributes) */
		i = next() % 32 + 1;
		if (at + i <= n && n + i <= cap) {
			memmove(buf + at + i, buf + at, n - at);
			*len = n + i;
		}
		break;
	default: /* random bytes */
		for (i = 0; i < 4 && at + i < n; i++)
			buf[at + i] = next();
		break;
	}
}

FIXTURE(fuzz) {
	struct nl_sock *sk;
	int fam;
	EVP_PKEY *key;
	X509 *cert;
};

FIXTURE_SETUP(fuzz)
{
	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8 boot=quarantine"));
	self->sk = open_sock();
	ASSERT_NE(NULL, self->sk);
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0);
	self->key = load_key(KEY_FILE);
	self->cert = load_cert(CERT_FILE);
	ASSERT_NE(NULL, self->key);
}

FIXTURE_TEARDOWN(fuzz)
{
	nl_socket_free(self->sk);
	EVP_PKEY_free(self->key);
	X509_free(self->cert);
	restore_tppgate();
}

static void policy_hash(FIXTURE_DATA(fuzz) *self, unsigned char *out)
{
	struct reply r;

	memset(out, 0, TPPGATE_SHA256_LEN);
	if (!transact(self->sk, new_req(self->fam, TPPGATE_CMD_POLICY_GET, 0), &r))
		memcpy(out, r.sha256, TPPGATE_SHA256_LEN);
}

TEST_F_TIMEOUT(fuzz, signed_mutated_policies, 600)
{
	static unsigned char buf[TPPGATE_POLICY_MAX + 4096];
	unsigned char before[TPPGATE_SHA256_LEN], after[TPPGATE_SHA256_LEN];
	unsigned char sent[TPPGATE_SHA256_LEN];
	int round, accepted = 0, refused = 0;

	for (round = 0; round < POLICY_ROUNDS; round++) {
		unsigned char *sig = NULL;
		struct reply r;
		struct pol p;
		struct nl_msg *m;
		int blen, slen, k, ret;
		void *blob;

		pol_default(&p, 1000 + round);
		p.n_entries = next() % 8;
		p.node_cap = (next() % 5) * EDU_TPP;
		m = pol_build(&p);
		blob = blob_of(m, &blen);
		memcpy(buf, blob, blen);
		nlmsg_free(m);
		for (k = next() % 3 + 1; k > 0; k--)
			mutate(buf, &blen, sizeof(buf));

		slen = sign(self->key, self->cert, buf, blen, &sig);
		ASSERT_GT(slen, 0);
		policy_hash(self, before);
		SHA256(buf, blen, sent);
		ret = transact(self->sk, set_req(self->fam, buf, blen, sig, slen), &r);
		OPENSSL_free(sig);
		policy_hash(self, after);
		if (ret) {
			refused++;
			EXPECT_EQ(0, memcmp(before, after, sizeof(after)))
				TH_LOG("round %d: refused (%d) but the policy changed", round, ret);
			EXPECT_NE(0, r.msg[0]) TH_LOG("round %d: refused (%d) without a reason", round, ret);
		} else {
			accepted++;
			EXPECT_EQ(0, memcmp(sent, after, sizeof(after)))
				TH_LOG("round %d: accepted, but another policy is in force", round);
		}
	}
	TH_LOG("%d accepted, %d refused", accepted, refused);
	/* Both outcomes must occur, or the fuzzer is not reaching the parser. */
	EXPECT_GT(accepted, 0);
	EXPECT_GT(refused, 0);
}

TEST_F_TIMEOUT(fuzz, random_device_commands, 600)
{
	static const int cmds[] = {
		TPPGATE_CMD_DEVICE_GET, TPPGATE_CMD_DEVICE_ADMIT,
		TPPGATE_CMD_DEVICE_QUARANTINE, TPPGATE_CMD_STATUS_GET,
		TPPGATE_CMD_POLICY_GET, TPPGATE_CMD_EVENT, TPPGATE_CMD_MAX + 1,
	};
	struct reply before, now;
	int round, i;

	ASSERT_EQ(0, dump(self->sk, self->fam, &before));
	for (round = 0; round < COMMAND_ROUNDS; round++) {
		unsigned char payload[64];
		struct nl_msg *msg;
		struct reply r;
		int len = next() % sizeof(payload);

		for (i = 0; i < len; i++)
			payload[i] = next();
		msg = new_req(self->fam, cmds[next() % ARRAY_SIZE(cmds)], 0);
		if (next() % 2) {
			/* A plausible device nest around random bytes. */
			struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_DEVICE | NLA_F_NESTED);

			nla_put(msg, next() % (TPPGATE_DEVICE_A_MAX + 2), len, payload);
			nla_nest_end(msg, nest);
		} else {
			nla_put(msg, next() % (TPPGATE_A_MAX + 2), len, payload);
		}
		transact(self->sk, msg, &r);
	}
	ASSERT_EQ(0, dump(self->sk, self->fam, &now));
	ASSERT_EQ(before.ndev, now.ndev);
	for (i = 0; i < now.ndev; i++) {
		EXPECT_STREQ(before.dev[i].bdf, now.dev[i].bdf);
		EXPECT_EQ(before.dev[i].state, now.dev[i].state);
		EXPECT_STREQ(before.dev[i].driver, now.dev[i].driver);
	}
}

TEST_HARNESS_MAIN
