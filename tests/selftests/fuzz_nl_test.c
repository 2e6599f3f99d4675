// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded, seeded netlink fuzzer, in the VM. Deterministic: the same
 * seed sends the same messages. At least 10^4 mutated messages a run:
 *  - POLICY_ROUNDS policy blobs, mutated and then signed with the trusted
 *    key, so they get past the signature check into the strict parser and
 *    the semantic checks. A refused policy leaves the policy in force as it
 *    was; an accepted one is exactly the blob sent (same SHA-256).
 *  - COMMAND_ROUNDS random device commands without manual=1: no device
 *    changes state.
 *  - MANUAL_ROUNDS mutations of well-formed DEVICE_ADMIT, DEVICE_QUARANTINE
 *    and DEVICE_GET requests with manual=1, so that the admit and
 *    quarantine handlers parse them: a device changes state only through an
 *    accepted, well-formed admit or quarantine naming it, into the state
 *    that command asks for.
 * The kernel log stays clean: nothing at error level or worse while it
 * runs (and the harness fails the run on any WARN, BUG or Oops).
 */

#include "polbuild.h"
#include "kselftest_harness.h"

#define SEED 0x7470706761746531ull
/*
 * 10^4 messages in all. Signing is what costs under TCG, so most rounds are
 * commands: the whole program stays well within the VM's 150 s a program.
 */
#define POLICY_ROUNDS 300
#define COMMAND_ROUNDS 7200
#define MANUAL_ROUNDS 2500
_Static_assert(POLICY_ROUNDS + COMMAND_ROUNDS + MANUAL_ROUNDS >= 10000,
	       "at least 10^4 mutated messages a run");

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

/* /dev/kmsg, positioned after everything logged so far. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * How many records at error level or worse were logged since kmsg_open();
 * the first one goes to @first.
 */
static int kmsg_errors(int fd, char *first, size_t len)
{
	char rec[1024];
	int n = 0;
	ssize_t got;

	first[0] = '\0';
	while ((got = read(fd, rec, sizeof(rec) - 1)) != 0) {
		if (got < 0) {
			if (errno == EPIPE)	/* overwritten: read on */
				continue;
			break;
		}
		rec[got] = '\0';
		if ((atoi(rec) & 7) <= 3) {
			if (!n++)
				snprintf(first, len, "%.200s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
		}
	}
	return n;
}

FIXTURE(fuzz) {
	struct nl_sock *sk;
	int fam, kmsg;
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
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(fuzz)
{
	nl_socket_free(self->sk);
	EVP_PKEY_free(self->key);
	X509_free(self->cert);
	close(self->kmsg);
	EXPECT_EQ(0, restore_tppgate());
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
	char log[256];

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
	EXPECT_EQ(0, kmsg_errors(self->kmsg, log, sizeof(log)))
		TH_LOG("the kernel logged an error: %s", log);
}

TEST_F_TIMEOUT(fuzz, random_device_commands, 600)
{
	static const int cmds[] = {
		TPPGATE_CMD_DEVICE_GET, TPPGATE_CMD_DEVICE_ADMIT,
		TPPGATE_CMD_DEVICE_QUARANTINE, TPPGATE_CMD_STATUS_GET,
		TPPGATE_CMD_POLICY_GET, TPPGATE_CMD_EVENT, TPPGATE_CMD_MAX + 1,
	};
	struct reply before, now;
	char log[256];
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
	EXPECT_EQ(0, kmsg_errors(self->kmsg, log, sizeof(log)))
		TH_LOG("the kernel logged an error: %s", log);
}

FIXTURE(manual) {
	struct nl_sock *sk;
	int fam, kmsg;
	char edu[4][TPPGATE_BDF_MAX + 1];
	int nedu;
};

FIXTURE_SETUP(manual)
{
	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8 boot=quarantine manual=1"));
	self->sk = open_sock();
	ASSERT_NE(NULL, self->sk);
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0);
	self->nedu = edu_devices(self->edu, 4);
	ASSERT_EQ(4, self->nedu);
	self->kmsg = kmsg_open();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(manual)
{
	nl_socket_free(self->sk);
	close(self->kmsg);
	EXPECT_EQ(0, restore_tppgate());
}

/*
 * What a well-formed device request is, from the genetlink payload (the
 * genl header, then attributes): the attributes fill it exactly, the only
 * top-level one is TPPGATE_A_DEVICE, the only one inside it is
 * TPPGATE_DEVICE_A_BDF, a string with its NUL within TPPGATE_BDF_MAX + 1
 * bytes. Return: the BDF (of the last of repeated attributes, as netlink
 * takes it), or NULL if the request is malformed.
 */
static const char *well_formed_bdf(const unsigned char *buf, int len, char *bdf)
{
	const struct nlattr *a, *b, *dev = NULL, *name = NULL;
	int rem, rem2;

	if (len < (int)GENL_HDRLEN)
		return NULL;
	a = (const struct nlattr *)(buf + GENL_HDRLEN);
	rem = len - GENL_HDRLEN;
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) != TPPGATE_A_DEVICE)
			return NULL;
		dev = a;
	}
	if (rem || !dev)
		return NULL;
	b = nla_data(dev);
	rem2 = nla_len(dev);
	for (; nla_ok(b, rem2); b = nla_next(b, &rem2)) {
		if (nla_type(b) != TPPGATE_DEVICE_A_BDF)
			return NULL;
		name = b;
	}
	if (rem2 || !name || nla_len(name) < 1 ||
	    !memchr(nla_data(name), '\0',
		    nla_len(name) < TPPGATE_BDF_MAX + 1 ? nla_len(name) : TPPGATE_BDF_MAX + 1))
		return NULL;
	snprintf(bdf, TPPGATE_BDF_MAX + 1, "%s", (const char *)nla_data(name));
	return bdf;
}

static int state_of(const struct reply *r, const char *bdf)
{
	int i;

	for (i = 0; i < r->ndev; i++)
		if (!strcmp(r->dev[i].bdf, bdf))
			return (int)r->dev[i].state;
	return -1;
}

TEST_F_TIMEOUT(manual, mutated_admit_and_quarantine, 600)
{
	static const int cmds[] = {
		TPPGATE_CMD_DEVICE_ADMIT, TPPGATE_CMD_DEVICE_QUARANTINE,
		TPPGATE_CMD_DEVICE_GET,
	};
	int round, i, changes = 0, accepted = 0, refused = 0, bad = 0;
	struct reply before, now;
	char log[256];

	ASSERT_EQ(0, dump(self->sk, self->fam, &before));
	for (round = 0; round < MANUAL_ROUNDS && bad < 5; round++) {
		unsigned char buf[256];
		char named[TPPGATE_BDF_MAX + 1];
		const char *bdf;
		struct nl_msg *msg;
		struct reply r;
		int len, k, ret, cmd, want;

		/* A well-formed request for an edu device, now and then another. */
		cmd = cmds[next() % ARRAY_SIZE(cmds)];
		msg = bdf_req(self->fam, cmd, next() % 8 ? self->edu[next() % self->nedu] :
			      (next() % 2 ? "0000:00:03.0" : "0000:00:1f.7"));
		len = nlmsg_datalen(nlmsg_hdr(msg));
		memcpy(buf, nlmsg_data(nlmsg_hdr(msg)), len);
		nlmsg_free(msg);
		for (k = next() % 3 + 1; k > 0; k--)
			mutate(buf, &len, sizeof(buf) - NLMSG_ALIGNTO);
		/* nlmsg_append() pads with zeros: judge what the kernel gets. */
		while (len % NLMSG_ALIGNTO)
			buf[len++] = 0;

		msg = nlmsg_alloc_simple(self->fam, NLM_F_REQUEST | NLM_F_ACK);
		ASSERT_EQ(0, nlmsg_append(msg, buf, len, NLMSG_ALIGNTO));
		ret = transact(self->sk, msg, &r);
		ASSERT_EQ(0, dump(self->sk, self->fam, &now));

		bdf = len >= (int)GENL_HDRLEN ? well_formed_bdf(buf, len, named) : NULL;
		cmd = len >= (int)GENL_HDRLEN ? buf[0] : -1;
		want = cmd == TPPGATE_CMD_DEVICE_ADMIT ? TPPGATE_STATE_ADMITTED :
		       cmd == TPPGATE_CMD_DEVICE_QUARANTINE ? TPPGATE_STATE_QUARANTINED : -1;
		if (ret) {
			refused++;
		} else {
			accepted++;
			if (want >= 0 && !bdf) {
				char hex[2 * sizeof(buf) + 1];

				for (k = 0; k < len; k++)
					sprintf(hex + 2 * k, "%02x", buf[k]);
				bad++;
				TH_LOG("round %d: command %d accepted, but it is malformed: %s",
				       round, cmd, hex);
			}
			if (want >= 0 && bdf && state_of(&now, bdf) >= 0 &&
			    state_of(&now, bdf) != want) {
				bad++;
				TH_LOG("round %d: command %d on %s accepted, state %d", round,
				       cmd, bdf, state_of(&now, bdf));
			}
		}
		ASSERT_EQ(before.ndev, now.ndev);
		for (i = 0; i < now.ndev; i++) {
			if (now.dev[i].state == before.dev[i].state)
				continue;
			changes++;
			if (ret || want < 0 || !bdf || strcmp(bdf, now.dev[i].bdf) ||
			    (int)now.dev[i].state != want) {
				bad++;
				TH_LOG("round %d: %s went from state %u to %u on command %d (%s, %d)",
				       round, now.dev[i].bdf, before.dev[i].state,
				       now.dev[i].state, cmd, bdf ? bdf : "malformed", ret);
			}
		}
		before = now;
	}
	TH_LOG("%d mutated requests: %d accepted, %d refused, %d state changes",
	       round, accepted, refused, changes);
	EXPECT_EQ(0, bad);
	/* Both outcomes and real changes, or the handlers were not reached. */
	EXPECT_GT(changes, 0);
	EXPECT_GT(refused, 0);
	EXPECT_EQ(0, kmsg_errors(self->kmsg, log, sizeof(log)))
		TH_LOG("the kernel logged an error: %s", log);
}

TEST_HARNESS_MAIN
