// SPDX-License-Identifier: GPL-2.0
/*
 * Signed policies, in the VM. Each test reloads tppgate.ko without
 * manual=1 (so only the policy admits), builds policy blobs attribute by
 * attribute as the uapi header lays them out, signs them with libcrypto
 * (CMS, detached, SHA-256, no attributes, no certificates: what the kernel
 * accepts) with the development key the module embeds, and loads them with
 * TPPGATE_CMD_POLICY_SET. The edu devices stand in for accelerators of
 * 1000 TPP each; the tppedu driver reading the ident register proves that
 * an admitted device works.
 *
 * Every rejection test checks that the policy in force (serial and SHA-256)
 * and every device's state are exactly as before.
 */

#include "polbuild.h"
#include "kselftest_harness.h"

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(policy) {
	struct nl_sock *sk;
	int fam;
	int nedu;
	char edu[MAX_DEVS][TPPGATE_BDF_MAX + 1];
	EVP_PKEY *key;
	X509 *cert;
};

FIXTURE_SETUP(policy)
{
	/* A fresh module without manual=1: only the policy admits. */
	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8 boot=quarantine"));
	self->sk = open_sock();
	ASSERT_NE(NULL, self->sk);
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0);
	self->nedu = edu_devices(self->edu, MAX_DEVS);
	ASSERT_EQ(4, self->nedu) TH_LOG("the VM has four edu devices");
	self->key = load_key(KEY_FILE);
	self->cert = load_cert(CERT_FILE);
	ASSERT_NE(NULL, self->key) TH_LOG("no %s", KEY_FILE);
	ASSERT_NE(NULL, self->cert);
}

FIXTURE_TEARDOWN(policy)
{
	nl_socket_free(self->sk);
	EVP_PKEY_free(self->key);
	X509_free(self->cert);
	EXPECT_EQ(0, restore_tppgate());
}

/* Sign @p with the trusted key and load it. Returns the kernel's answer. */
static int load(FIXTURE_DATA(policy) *self, const struct pol *p, struct reply *r)
{
	return pol_load(self->sk, self->fam, self->key, self->cert, p, r);
}

static int policy_get(FIXTURE_DATA(policy) *self, struct reply *r)
{
	return transact(self->sk, new_req(self->fam, TPPGATE_CMD_POLICY_GET, 0), r);
}

static int held(const char *bdf);

/*
 * Wait, bounded, for a device to reach a state; a quarantined device also
 * for the quarantine driver to bind, which the gate does after deciding.
 * Not a timing assertion: the bound only keeps a broken module from
 * hanging the run.
 */
static int wait_state(FIXTURE_DATA(policy) *self, const char *bdf,
		      unsigned int state)
{
	int i;

	for (i = 0; i < WAIT_SECS * 10; i++) {
		if (dev_state(self->sk, self->fam, bdf, NULL) == state &&
		    (state != TPPGATE_STATE_QUARANTINED || held(bdf)))
			return 1;
		usleep(100000);
	}
	return 0;
}

static int works(const char *bdf)
{
	char ident[32];

	ident_of(bdf, ident, sizeof(ident));
	return !strcmp(ident, EDU_IDENT);
}

/* A device admitted by deferred work binds its driver just after. */
static int wait_works(const char *bdf)
{
	int i;

	for (i = 0; i < WAIT_SECS * 10; i++) {
		if (works(bdf))
			return 1;
		usleep(100000);
	}
	return 0;
}

static int held(const char *bdf)
{
	char drv[64];

	driver_of(bdf, drv, sizeof(drv));
	return !strcmp(drv, TPPGATE_DRIVER_NAME);
}

TEST_F(policy, no_policy_admits_nothing)
{
	struct reply r;
	int i;

	EXPECT_EQ(-ENOENT, policy_get(self, &r));
	for (i = 0; i < self->nedu; i++) {
		unsigned int reason;

		EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[i], &reason));
		EXPECT_EQ(TPPGATE_REASON_NO_POLICY, reason);
		EXPECT_TRUE(held(self->edu[i]));
	}
	/* Without manual=1 nobody admits by hand either. */
	EXPECT_EQ(-EACCES, transact(self->sk, bdf_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT,
						      self->edu[0]), &r));
	EXPECT_TRUE(held(self->edu[0]));
}

TEST_F(policy, cap_for_two_of_four)
{
	struct reply r;
	struct pol p;
	unsigned int reason;
	int i;

	pol_default(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(1ull, r.serial);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[i], &reason));
		EXPECT_EQ(TPPGATE_REASON_POLICY, reason);
		EXPECT_TRUE(works(self->edu[i])) TH_LOG("%s", self->edu[i]);
	}
	for (i = 2; i < 4; i++) {
		EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[i], &reason));
		EXPECT_EQ(TPPGATE_REASON_OVER_CAP, reason);
		EXPECT_TRUE(held(self->edu[i]));
		EXPECT_FALSE(works(self->edu[i]));
	}
	ASSERT_EQ(0, transact(self->sk, new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0), &r));
	EXPECT_EQ(2000ull, r.admitted_tpp);
	EXPECT_EQ(2u, r.n_admitted);

	/* Loading the same decision again changes nothing (idempotent). */
	p.serial = 2;
	ASSERT_EQ(0, load(self, &p, &r));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(i < 2 ? TPPGATE_STATE_ADMITTED : TPPGATE_STATE_QUARANTINED,
			  dev_state(self->sk, self->fam, self->edu[i], NULL));
}

TEST_F(policy, higher_serial_raises_the_cap)
{
	struct reply r;
	struct pol p;
	int i;

	pol_default(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r));
	pol_default(&p, 2);
	p.node_cap = 4 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[i], NULL));
		EXPECT_TRUE(works(self->edu[i]));
	}
}

/* Cap 4 → 2: the two most recently admitted go over the cap. */
static void lower_cap(struct __test_metadata *_metadata,
		      FIXTURE_DATA(policy) *self, int mode, unsigned int deadline)
{
	struct nl_sock *ev = open_sock();
	struct reply r;
	struct pol p;
	int i, grp;

	ASSERT_NE(NULL, ev);
	grp = genl_ctrl_resolve_grp(self->sk, TPPGATE_GENL_NAME, TPPGATE_MCGRP_EVENTS);
	ASSERT_EQ(0, nl_socket_add_membership(ev, grp));

	pol_default(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r));
	pol_default(&p, 2);
	p.node_cap = 2 * EDU_TPP;
	p.revoke_mode = mode;
	p.deadline = deadline;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);

	EXPECT_TRUE(wait_event(ev, TPPGATE_STATE_OVER_CAP, self->edu[3]));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[i], NULL));
	nl_socket_free(ev);
}

TEST_F(policy, lower_cap_with_deadline_revokes_after_it)
{
	int i;

	lower_cap(_metadata, self, TPPGATE_REVOKE_DEADLINE, 3);
	/* Over the cap but still running until the deadline... */
	for (i = 2; i < 4; i++)
		EXPECT_TRUE(works(self->edu[i]) ||
			    dev_state(self->sk, self->fam, self->edu[i], NULL) == TPPGATE_STATE_QUARANTINED);
	/* ...then quarantined, and the test driver is gone. */
	for (i = 2; i < 4; i++) {
		EXPECT_TRUE(wait_state(self, self->edu[i], TPPGATE_STATE_QUARANTINED));
		EXPECT_TRUE(held(self->edu[i]));
		EXPECT_FALSE(works(self->edu[i]));
	}
	for (i = 0; i < 2; i++)
		EXPECT_TRUE(works(self->edu[i]));
}

TEST_F(policy, lower_cap_with_never_keeps_them_running)
{
	struct reply r;
	int i;

	lower_cap(_metadata, self, TPPGATE_REVOKE_NEVER, 0);
	sleep(2);	/* give a wrong revocation the chance to happen */
	for (i = 2; i < 4; i++) {
		unsigned int reason;

		EXPECT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[i], &reason));
		EXPECT_EQ(TPPGATE_REASON_OVER_CAP, reason);
		EXPECT_TRUE(works(self->edu[i]));
	}
	ASSERT_EQ(0, transact(self->sk, new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0), &r));
	EXPECT_EQ(2u, r.n_over_cap);
}

/*
 * Over-cap devices still run, so they use their share until revoked: with
 * revoke mode never, lowering the cap must not admit a smaller device into
 * room that only looks free. The e1000 (500 TPP here) is the small one.
 */
TEST_F(policy, over_cap_devices_still_count)
{
	struct reply r;
	struct pol p;
	unsigned int reason;

	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8,8086:100e boot=quarantine"));
	ASSERT_TRUE(held(NIC_BDF)) TH_LOG("the e1000 is not at " NIC_BDF);
	/* A reloaded module registers its family anew, maybe at another id. */
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0);

	pol_default(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	p.nic_action = TPPGATE_ACTION_DENY + 1;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[1], NULL));
	ASSERT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, NIC_BDF, &reason));
	ASSERT_EQ(TPPGATE_REASON_DENIED, reason);

	/* 1500: edu[0] stays, edu[1] goes over but runs; 1000 + 1000 in use. */
	pol_default(&p, 2);
	p.node_cap = 1500;
	p.revoke_mode = TPPGATE_REVOKE_NEVER;
	p.nic_action = TPPGATE_ACTION_COUNT + 1;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[0], NULL));
	EXPECT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[1], NULL));
	EXPECT_TRUE(works(self->edu[1]));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, NIC_BDF, &reason));
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, reason);
	EXPECT_TRUE(held(NIC_BDF));
	ASSERT_EQ(0, transact(self->sk, new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0), &r));
	EXPECT_EQ(2000ull, r.admitted_tpp);

	/* Revoking edu[1] by a deadline frees its share: the e1000 fits. */
	pol_default(&p, 3);
	p.node_cap = 1500;
	p.nic_action = TPPGATE_ACTION_COUNT + 1;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(wait_state(self, self->edu[1], TPPGATE_STATE_QUARANTINED));
	EXPECT_TRUE(wait_state(self, NIC_BDF, TPPGATE_STATE_ADMITTED));
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[0], NULL));
}

TEST_F(policy, expiry_timer_revokes)
{
	struct reply r;
	struct pol p;
	int i;

	pol_default(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	p.not_after = 4;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	for (i = 0; i < 4; i++)
		EXPECT_TRUE(works(self->edu[i]));
	/* Nobody asks anything: the module's own timer must notice. */
	for (i = 0; i < 4; i++) {
		unsigned int reason;

		EXPECT_TRUE(wait_state(self, self->edu[i], TPPGATE_STATE_QUARANTINED));
		EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[i], &reason));
		EXPECT_EQ(TPPGATE_REASON_EXPIRED, reason);
		EXPECT_FALSE(works(self->edu[i]));
	}
}

static void remove_device(const char *bdf)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	write_file(path, "1");
}

TEST_F(policy, hot_added_device_is_admitted_if_it_fits)
{
	struct reply r;
	struct pol p;
	unsigned int reason;

	pol_default(&p, 1);
	p.node_cap = 3 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r));
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[1], NULL));
	ASSERT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[3], NULL));

	/*
	 * edu[1] leaves: its share goes at once to edu[3], the next that
	 * fits, so when edu[1] comes back there is no room for it.
	 */
	remove_device(self->edu[1]);
	EXPECT_TRUE(wait_state(self, self->edu[3], TPPGATE_STATE_ADMITTED));
	EXPECT_TRUE(wait_works(self->edu[3]));
	write_file("/sys/bus/pci/rescan", "1");
	EXPECT_TRUE(wait_state(self, self->edu[1], TPPGATE_STATE_QUARANTINED));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[1], &reason));
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, reason);
	EXPECT_TRUE(held(self->edu[1]));

	/* And back: edu[3] leaves, edu[1] takes its share. */
	remove_device(self->edu[3]);
	EXPECT_TRUE(wait_state(self, self->edu[1], TPPGATE_STATE_ADMITTED));
	EXPECT_TRUE(wait_works(self->edu[1]));
	write_file("/sys/bus/pci/rescan", "1");
	EXPECT_TRUE(wait_state(self, self->edu[3], TPPGATE_STATE_QUARANTINED));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[3], &reason));
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, reason);
}

TEST_F(policy, exempt_and_denied_and_tier3)
{
	struct reply r;
	struct pol p;
	unsigned int reason;

	pol_default(&p, 1);
	p.edu_action = TPPGATE_ACTION_DENY;
	ASSERT_EQ(0, load(self, &p, &r));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[0], &reason));
	EXPECT_EQ(TPPGATE_REASON_DENIED, reason);

	pol_default(&p, 2);
	p.tier = 3;	/* counted devices are denied in tier 3 */
	ASSERT_EQ(0, load(self, &p, &r));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[0], &reason));
	EXPECT_EQ(TPPGATE_REASON_DENIED, reason);

	pol_default(&p, 3);
	p.tier = 3;
	p.node_cap = 1;	/* exempt devices cost nothing */
	p.edu_action = TPPGATE_ACTION_EXEMPT;
	ASSERT_EQ(0, load(self, &p, &r));
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[3], &reason));
	EXPECT_EQ(TPPGATE_REASON_EXEMPT, reason);
	EXPECT_TRUE(works(self->edu[3]));
}

/* --- rejections: each leaves the policy and the devices as they were --- */

struct snapshot {
	unsigned long long serial;
	unsigned char sha256[TPPGATE_SHA256_LEN];
	unsigned int state[MAX_DEVS];
	int works[MAX_DEVS];
};

static void take(FIXTURE_DATA(policy) *self, struct snapshot *s)
{
	struct reply r;
	int i;

	memset(s, 0, sizeof(*s));
	if (!policy_get(self, &r)) {
		s->serial = r.serial;
		memcpy(s->sha256, r.sha256, sizeof(s->sha256));
	}
	for (i = 0; i < self->nedu; i++) {
		s->state[i] = dev_state(self->sk, self->fam, self->edu[i], NULL);
		s->works[i] = works(self->edu[i]);
	}
}

#define ASSERT_SAME(before) do {					\
	struct snapshot __now;						\
	take(self, &__now);						\
	EXPECT_EQ(0, memcmp(&(before), &__now, sizeof(__now)))	\
		TH_LOG("policy or devices changed");			\
} while (0)

/* In force before each rejection: serial 5, cap for two. */
static void baseline(struct __test_metadata *_metadata,
		     FIXTURE_DATA(policy) *self, struct snapshot *s)
{
	struct reply r;
	struct pol p;

	pol_default(&p, 5);
	p.node_cap = 2 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	take(self, s);
	ASSERT_EQ(5ull, s->serial);
}

static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(policy) *self, const struct pol *p,
			   int err, const char *msg)
{
	struct snapshot s;
	struct reply r;

	baseline(_metadata, self, &s);
	EXPECT_EQ(err, load(self, p, &r));
	EXPECT_NE(NULL, strstr(r.msg, msg)) TH_LOG("extack: '%s'", r.msg);
	ASSERT_SAME(s);
}

TEST_F(policy, rollback_is_refused)
{
	struct pol p;

	pol_default(&p, 4);
	expect_refused(_metadata, self, &p, -ESTALE, "rollback");
}

TEST_F(policy, same_serial_is_refused)
{
	struct pol p;

	pol_default(&p, 5);
	p.node_cap = 4 * EDU_TPP;
	expect_refused(_metadata, self, &p, -ESTALE, "serial");
}

TEST_F(policy, expired_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.not_before = -7200;
	p.not_after = -60;
	expect_refused(_metadata, self, &p, -EKEYEXPIRED, "expired");
}

TEST_F(policy, not_yet_valid_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.not_before = 3600;
	p.not_after = 7200;
	expect_refused(_metadata, self, &p, -EAGAIN, "not valid yet");
}

TEST_F(policy, other_host_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.host_kind = TPPGATE_HOST_DMI_UUID;
	expect_refused(_metadata, self, &p, -EACCES, "host");
}

TEST_F(policy, unknown_attribute_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.extra_attr = TPPGATE_POLICY_A_MAX + 1;
	expect_refused(_metadata, self, &p, -EINVAL, "attribute");
}

TEST_F(policy, info_attribute_in_blob_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.extra_attr = TPPGATE_POLICY_A_INFO_EXPIRED;
	expect_refused(_metadata, self, &p, -EINVAL, "attribute");
}

TEST_F(policy, empty_issuer_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.issuer = "";
	expect_refused(_metadata, self, &p, -EINVAL, "string");
}

TEST_F(policy, control_characters_in_issuer_are_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.issuer = "evil\ntppgate: policy 99 in force";
	expect_refused(_metadata, self, &p, -EINVAL, "non-printable");
}

TEST_F(policy, time_beyond_s64_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.raw_not_after = 1;
	p.not_after = -1;	/* as u64: 2^64 - 1 */
	expect_refused(_metadata, self, &p, -ERANGE, "range");
}

TEST_F(policy, host_binding_given_twice_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.host_kind = TPPGATE_HOST_DMI_UUID;
	p.host_twice = 1;
	expect_refused(_metadata, self, &p, -EINVAL, "twice");
}

TEST_F(policy, too_many_catalog_entries)
{
	struct pol p;

	pol_default(&p, 6);
	p.n_entries = TPPGATE_CATALOG_MAX;	/* plus the edu: 4097 */
	expect_refused(_metadata, self, &p, -E2BIG, "4096");
}

TEST_F(policy, catalog_out_of_order_is_refused)
{
	struct pol p;

	pol_default(&p, 6);
	p.n_entries = 3;
	p.unsorted = 1;
	expect_refused(_metadata, self, &p, -EINVAL, "canonical order");
}

TEST_F(policy, catalog_of_4096_entries_loads)
{
	struct reply r;
	struct pol p;

	pol_default(&p, 6);
	p.n_entries = TPPGATE_CATALOG_MAX - 1;
	p.node_cap = 2 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ((unsigned int)TPPGATE_CATALOG_MAX, r.n_entries);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[1], NULL));
}

/* Signature faults: build, sign, then damage; the blob is the baseline's next. */
static int load_raw(FIXTURE_DATA(policy) *self, const void *blob, int blen,
		    const void *sig, int slen, struct reply *r)
{
	return transact(self->sk, set_req(self->fam, blob, blen, sig, slen), r);
}

TEST_F(policy, signature_faults_are_refused)
{
	unsigned char *sig = NULL, *other_sig = NULL, *blob;
	EVP_PKEY *okey;
	X509 *ocert;
	struct snapshot s;
	struct reply r;
	struct pol p;
	struct nl_msg *m;
	int blen, slen, olen;

	baseline(_metadata, self, &s);
	pol_default(&p, 6);
	p.node_cap = 4 * EDU_TPP;
	m = pol_build(&p);
	blob = blob_of(m, &blen);
	slen = sign(self->key, self->cert, blob, blen, &sig);
	ASSERT_GT(slen, 0);

	/* Unsigned. */
	EXPECT_EQ(-EINVAL, load_raw(self, blob, blen, NULL, 0, &r));
	EXPECT_NE(NULL, strstr(r.msg, "not signed")) TH_LOG("'%s'", r.msg);
	ASSERT_SAME(s);

	/* Signed by a key the module does not trust. */
	make_other(&okey, &ocert);
	olen = sign(okey, ocert, blob, blen, &other_sig);
	ASSERT_GT(olen, 0);
	EXPECT_EQ(-ENOKEY, load_raw(self, blob, blen, other_sig, olen, &r));
	EXPECT_NE(NULL, strstr(r.msg, "untrusted")) TH_LOG("'%s'", r.msg);
	ASSERT_SAME(s);

	/* Truncated signature. */
	EXPECT_EQ(-EBADMSG, load_raw(self, blob, blen, sig, slen / 2, &r));
	ASSERT_SAME(s);

	/* Garbage instead of a signature. */
	EXPECT_EQ(-EBADMSG, load_raw(self, blob, blen, "not a signature", 15, &r));
	ASSERT_SAME(s);

	/* One bit of the blob flipped after signing (the edu's TPP). */
	blob[blen - 5] ^= 0x01;
	EXPECT_EQ(-EKEYREJECTED, load_raw(self, blob, blen, sig, slen, &r));
	EXPECT_NE(NULL, strstr(r.msg, "does not match")) TH_LOG("'%s'", r.msg);
	ASSERT_SAME(s);
	blob[blen - 5] ^= 0x01;

	/* The intact pair still loads: the faults above were the only problem. */
	EXPECT_EQ(0, load_raw(self, blob, blen, sig, slen, &r));

	OPENSSL_free(sig);
	OPENSSL_free(other_sig);
	EVP_PKEY_free(okey);
	X509_free(ocert);
	nlmsg_free(m);
}

TEST_F(policy, oversized_blob_is_refused)
{
	static unsigned char big[TPPGATE_POLICY_MAX + 16];
	unsigned char *sig = NULL;
	struct snapshot s;
	struct reply r;
	int slen;

	baseline(_metadata, self, &s);
	memset(big, 0, sizeof(big));
	slen = sign(self->key, self->cert, big, sizeof(big), &sig);
	ASSERT_GT(slen, 0);
	EXPECT_EQ(-E2BIG, load_raw(self, big, sizeof(big), sig, slen, &r));
	EXPECT_NE(NULL, strstr(r.msg, "60 KiB")) TH_LOG("'%s'", r.msg);
	ASSERT_SAME(s);
	OPENSSL_free(sig);
}

TEST_F(policy, unprivileged_sender_is_refused)
{
	struct snapshot s;
	struct reply r;
	struct pol p;

	baseline(_metadata, self, &s);
	ASSERT_EQ(0, drop_caps());
	pol_default(&p, 6);
	p.node_cap = 4 * EDU_TPP;
	EXPECT_EQ(-EPERM, load(self, &p, &r));
	/* Reading is still allowed. */
	EXPECT_EQ(0, policy_get(self, &r));
	ASSERT_SAME(s);
}

TEST_F(policy, openssl_cms_signature_is_accepted)
{
	unsigned char sig[8192];
	struct reply r;
	struct pol p;
	struct nl_msg *m;
	void *blob;
	int blen, slen, fd;
	FILE *f;

	if (access("/usr/bin/openssl", X_OK))
		SKIP(return, "openssl is not in this VM");
	pol_default(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	m = pol_build(&p);
	blob = blob_of(m, &blen);
	f = fopen("/tmp/policy.bin", "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fwrite(blob, blen, 1, f));
	fclose(f);
	ASSERT_EQ(0, run("openssl cms -sign -binary -noattr -nocerts -md sha256 "
			 "-in /tmp/policy.bin -signer " CERT_FILE " -inkey " KEY_FILE
			 " -outform DER -out /tmp/policy.p7s"));
	fd = open("/tmp/policy.p7s", O_RDONLY);
	ASSERT_GE(fd, 0);
	slen = read(fd, sig, sizeof(sig));
	close(fd);
	ASSERT_GT(slen, 0);
	EXPECT_EQ(0, load_raw(self, blob, blen, sig, slen, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[0], NULL));
	EXPECT_TRUE(works(self->edu[0]));
	nlmsg_free(m);
}

TEST_HARNESS_MAIN
