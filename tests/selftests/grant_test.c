// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's grant, in the VM: GRANT_SET under a policy with
 * grant_required. Each test reloads tppgate.ko without manual=1, loads a
 * signed policy (four edu devices of 1000 TPP each stand in for
 * accelerators) and plays the daemon's part by hand. The tppedu driver
 * reading the ident register proves that an admitted device works.
 *
 * Leases and graces here are seconds long; the waits for them are bounded
 * loops that only keep a broken module from hanging the run.
 */

#include "gatetest.h"
#include "kselftest_harness.h"

/* What STATUS_GET says of the grant (nltest.h's reply has no room for it). */
struct grant_status {
	unsigned int flags;
	int has_grant, has_cap, has_offline;
	unsigned long long grant, grant_serial, lease_left_ms, offline_secs, cap;
	unsigned int n_admitted;
};

static int on_status(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1], *st[TPPGATE_STATUS_A_MAX + 1];
	struct grant_status *g = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TPPGATE_A_MAX, NULL) ||
	    !tb[TPPGATE_A_STATUS] ||
	    nla_parse_nested(st, TPPGATE_STATUS_A_MAX, tb[TPPGATE_A_STATUS], NULL))
		return NL_SKIP;
	g->flags = nla_get_u32(st[TPPGATE_STATUS_A_FLAGS]);
	g->n_admitted = nla_get_u32(st[TPPGATE_STATUS_A_N_ADMITTED]);
	g->has_grant = !!st[TPPGATE_STATUS_A_GRANT];
	if (g->has_grant) {
		g->grant = nla_get_u64(st[TPPGATE_STATUS_A_GRANT]);
		g->grant_serial = nla_get_u64(st[TPPGATE_STATUS_A_GRANT_SERIAL]);
		g->lease_left_ms = nla_get_u64(st[TPPGATE_STATUS_A_LEASE_LEFT_MS]);
	}
	g->has_cap = !!st[TPPGATE_STATUS_A_EFFECTIVE_CAP];
	if (g->has_cap)
		g->cap = nla_get_u64(st[TPPGATE_STATUS_A_EFFECTIVE_CAP]);
	g->has_offline = !!st[TPPGATE_STATUS_A_OFFLINE_SECS];
	if (g->has_offline)
		g->offline_secs = nla_get_u64(st[TPPGATE_STATUS_A_OFFLINE_SECS]);
	return NL_OK;
}

static int status_done(struct nl_msg *msg, void *arg)
{
	*(int *)arg = 1;
	return NL_STOP;
}

static int status_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	*(int *)arg = e->error ? e->error : 1;
	return NL_STOP;
}

/* STATUS_GET, read up to its ACK so that no reply is left for the next. */
static int grant_status(struct nl_sock *sk, int fam, struct grant_status *g)
{
	struct nl_msg *msg = new_req(fam, TPPGATE_CMD_STATUS_GET, NLM_F_ACK);
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret, done = 0;

	memset(g, 0, sizeof(*g));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_status, g);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, status_done, &done);
	nl_cb_err(cb, NL_CB_CUSTOM, status_error, &done);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !done)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	return ret < 0 ? ret : (done < 0 ? done : 0);
}

/* A GRANT_SET request; a field < 0 is left out. */
static struct nl_msg *grant_req(int fam, long long tpp, long long lease,
				long long serial)
{
	struct nl_msg *msg = new_req(fam, TPPGATE_CMD_GRANT_SET, NLM_F_ACK);
	struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_GRANT | NLA_F_NESTED);

	if (tpp >= 0)
		nla_put_u64(msg, TPPGATE_GRANT_A_TPP, tpp);
	if (lease >= 0)
		nla_put_u32(msg, TPPGATE_GRANT_A_LEASE, lease);
	if (serial >= 0)
		nla_put_u64(msg, TPPGATE_GRANT_A_SERIAL, serial);
	nla_nest_end(msg, nest);
	return msg;
}

FIXTURE(grant) {
	struct nl_sock *sk;
	struct nl_sock *status_sk;
	int fam;
	int nedu;
	char edu[MAX_DEVS][TPPGATE_BDF_MAX + 1];
	EVP_PKEY *key;
	X509 *cert;
};

FIXTURE_SETUP(grant)
{
	ASSERT_EQ(0, reload_tppgate("ids=1234:11e8 boot=quarantine"));
	self->sk = open_sock();
	self->status_sk = open_sock();
	ASSERT_NE(NULL, self->sk);
	ASSERT_NE(NULL, self->status_sk);
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0);
	self->nedu = edu_devices(self->edu, MAX_DEVS);
	ASSERT_EQ(4, self->nedu);
	self->key = load_key(KEY_FILE);
	self->cert = load_cert(CERT_FILE);
	ASSERT_NE(NULL, self->key);
	ASSERT_NE(NULL, self->cert);
}

FIXTURE_TEARDOWN(grant)
{
	nl_socket_free(self->sk);
	nl_socket_free(self->status_sk);
	EVP_PKEY_free(self->key);
	X509_free(self->cert);
	restore_tppgate();
}

static int load(FIXTURE_DATA(grant) *self, const struct pol *p)
{
	struct reply r;

	return pol_load(self->sk, self->fam, self->key, self->cert, p, &r);
}

static int set_grant(FIXTURE_DATA(grant) *self, long long tpp, long long lease,
		     long long serial, struct reply *r)
{
	return transact(self->sk, grant_req(self->fam, tpp, lease, serial), r);
}

/* A grant_required policy over the four edu devices: node cap 4000. */
static void grant_policy(struct pol *p, unsigned long long serial,
			 unsigned int grace, unsigned long long offline_cap)
{
	pol_default(p, serial);
	p->node_cap = 4 * EDU_TPP;
	p->grant_required = 1;
	p->offline_grace = grace;
	p->offline_cap = offline_cap;
}

/* How many edu devices run (admitted and their driver works). */
static int n_working(FIXTURE_DATA(grant) *self)
{
	int i, n = 0;

	for (i = 0; i < self->nedu; i++)
		n += dev_state(self->sk, self->fam, self->edu[i], NULL) == TPPGATE_STATE_ADMITTED &&
		     edu_works(self->edu[i]);
	return n;
}

static int n_held(FIXTURE_DATA(grant) *self)
{
	int i, n = 0;

	for (i = 0; i < self->nedu; i++)
		n += dev_state(self->sk, self->fam, self->edu[i], NULL) == TPPGATE_STATE_QUARANTINED &&
		     is_held(self->edu[i]);
	return n;
}

/* Wait, bounded, until exactly @want edu devices work and the rest are held. */
static int wait_working(FIXTURE_DATA(grant) *self, int want)
{
	int i;

	for (i = 0; i < WAIT_SECS * 10; i++) {
		if (n_working(self) == want && n_held(self) == self->nedu - want)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* Wait, bounded, for STATUS_GET's flags to include @flag. */
static int wait_flag(FIXTURE_DATA(grant) *self, unsigned int flag)
{
	struct grant_status g;
	int i;

	for (i = 0; i < WAIT_SECS * 10; i++) {
		if (!grant_status(self->status_sk, self->fam, &g) && (g.flags & flag))
			return 1;
		usleep(100000);
	}
	return 0;
}

TEST_F(grant, nothing_is_admitted_before_a_grant)
{
	struct grant_status g;
	unsigned int reason;
	struct pol p;

	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[0], &reason));
	EXPECT_EQ(TPPGATE_REASON_NO_GRANT, reason);
	EXPECT_EQ(4, n_held(self));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_TRUE(g.flags & TPPGATE_STATUS_F_GRANT_REQUIRED);
	EXPECT_TRUE(g.flags & TPPGATE_STATUS_F_LEASE_LAPSED);
	EXPECT_FALSE(g.has_grant);
}

TEST_F(grant, a_grant_admits_within_it)
{
	struct grant_status g;
	struct reply r;
	struct pol p;

	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 2 * EDU_TPP, 30, 1, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(wait_working(self, 2));
	EXPECT_TRUE(edu_works(self->edu[0]));
	EXPECT_TRUE(edu_works(self->edu[1]));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_TRUE(g.has_grant);
	EXPECT_EQ(2000ull, g.grant);
	EXPECT_EQ(1ull, g.grant_serial);
	EXPECT_TRUE(g.lease_left_ms > 0 && g.lease_left_ms <= 30000);
	EXPECT_TRUE(g.has_cap);
	EXPECT_EQ(2000ull, g.cap);
	EXPECT_FALSE(g.flags & TPPGATE_STATUS_F_LEASE_LAPSED);
	EXPECT_FALSE(g.has_offline);
	/* The node cap still bounds a larger grant. */
	ASSERT_EQ(0, set_grant(self, 9 * EDU_TPP, 30, 1, &r));
	EXPECT_TRUE(wait_working(self, 4));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_EQ(4000ull, g.cap);
}

TEST_F(grant, a_lower_grant_makes_devices_over_cap)
{
	struct nl_sock *ev = open_sock();
	struct reply r;
	struct pol p;

	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, nl_socket_add_membership(ev, genl_ctrl_resolve_grp(ev,
				TPPGATE_GENL_NAME, TPPGATE_MCGRP_EVENTS)));
	grant_policy(&p, 1, 600, 0);
	p.deadline = 0;
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 3 * EDU_TPP, 30, 1, &r));
	ASSERT_TRUE(wait_working(self, 3));
	ASSERT_EQ(0, set_grant(self, 1 * EDU_TPP, 30, 1, &r));
	/* The newest admissions go over the cap first, then are revoked. */
	EXPECT_TRUE(wait_event(ev, TPPGATE_STATE_OVER_CAP, self->edu[2]));
	EXPECT_TRUE(wait_working(self, 1));
	EXPECT_TRUE(edu_works(self->edu[0]));
	EXPECT_TRUE(is_held(self->edu[1]));
	EXPECT_TRUE(is_held(self->edu[2]));
	nl_socket_free(ev);
}

TEST_F(grant, a_lapsed_lease_stops_new_admissions)
{
	struct grant_status g;
	unsigned int reason;
	struct reply r;
	struct pol p;
	char path[256];

	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 1 * EDU_TPP, 2, 1, &r));
	ASSERT_TRUE(wait_working(self, 1));
	ASSERT_TRUE(wait_flag(self, TPPGATE_STATUS_F_LEASE_LAPSED));
	/* Within the grace the running device keeps running... */
	EXPECT_TRUE(edu_works(self->edu[0]));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_TRUE(g.has_offline);
	EXPECT_EQ(0ull, g.lease_left_ms);
	EXPECT_FALSE(g.flags & TPPGATE_STATUS_F_OFFLINE_CAP);
	/* ...but the room it leaves admits nobody. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", self->edu[0]);
	ASSERT_EQ(0, write_file(path, "1"));
	ASSERT_EQ(0, write_file("/sys/bus/pci/rescan", "1"));
	EXPECT_TRUE(wait_working(self, 0));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[1], &reason));
	EXPECT_EQ(TPPGATE_REASON_NO_GRANT, reason);
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, dev_state(self->sk, self->fam, self->edu[0], &reason));
	EXPECT_EQ(TPPGATE_REASON_NO_GRANT, reason);
}

TEST_F(grant, a_lapse_never_lifts_the_last_grant)
{
	struct reply r;
	struct pol p;

	grant_policy(&p, 1, 600, 0);
	p.revoke_mode = TPPGATE_REVOKE_NEVER;
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 3 * EDU_TPP, 30, 1, &r));
	ASSERT_TRUE(wait_working(self, 3));
	/* A lower grant with a short lease: two go over the cap and run on. */
	ASSERT_EQ(0, set_grant(self, 1 * EDU_TPP, 2, 1, &r));
	ASSERT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[1], NULL));
	ASSERT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[2], NULL));
	ASSERT_TRUE(wait_flag(self, TPPGATE_STATUS_F_LEASE_LAPSED));
	/* The lapse freezes the host at the last grant, not at the node cap. */
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, dev_state(self->sk, self->fam, self->edu[0], NULL));
	EXPECT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[1], NULL));
	EXPECT_EQ(TPPGATE_STATE_OVER_CAP, dev_state(self->sk, self->fam, self->edu[2], NULL));
}

TEST_F(grant, after_the_grace_the_offline_cap_applies_and_a_renewal_recovers)
{
	struct grant_status g;
	struct reply r;
	struct pol p;

	grant_policy(&p, 1, 3, 1 * EDU_TPP);
	p.deadline = 0;
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 3 * EDU_TPP, 2, 1, &r));
	ASSERT_TRUE(wait_working(self, 3));
	ASSERT_TRUE(wait_flag(self, TPPGATE_STATUS_F_OFFLINE_CAP));
	EXPECT_TRUE(wait_working(self, 1));
	EXPECT_TRUE(edu_works(self->edu[0]));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_TRUE(g.has_cap);
	EXPECT_EQ(1000ull, g.cap);
	EXPECT_TRUE(g.has_offline);
	EXPECT_GE(g.offline_secs, 3ull);

	/* The daemon is back: the grant holds again, the devices return. */
	ASSERT_EQ(0, set_grant(self, 3 * EDU_TPP, 30, 1, &r));
	EXPECT_TRUE(wait_working(self, 3));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_FALSE(g.flags & (TPPGATE_STATUS_F_LEASE_LAPSED | TPPGATE_STATUS_F_OFFLINE_CAP));
	EXPECT_EQ(3000ull, g.cap);
}

TEST_F(grant, a_grant_for_another_serial_is_refused)
{
	struct grant_status g;
	struct reply r;
	struct pol p;

	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 1 * EDU_TPP, 30, 1, &r));
	ASSERT_TRUE(wait_working(self, 1));
	EXPECT_EQ(-ESTALE, set_grant(self, 4 * EDU_TPP, 30, 2, &r));
	EXPECT_NE(NULL, strstr(r.msg, "another policy serial")) TH_LOG("%s", r.msg);
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_EQ(1000ull, g.grant);
	EXPECT_EQ(1, n_working(self));

	/* A new policy: the daemon's grant for the old one no longer counts. */
	grant_policy(&p, 2, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	EXPECT_EQ(-ESTALE, set_grant(self, 4 * EDU_TPP, 30, 1, &r));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_FALSE(g.has_grant);
	EXPECT_EQ(1, n_working(self));
	ASSERT_EQ(0, set_grant(self, 4 * EDU_TPP, 30, 2, &r));
	EXPECT_TRUE(wait_working(self, 4));
}

TEST_F(grant, bad_grants_change_nothing)
{
	struct grant_status g;
	struct reply r;
	struct pol p;

	EXPECT_EQ(-ENOENT, set_grant(self, 1000, 30, 1, &r));
	EXPECT_NE(NULL, strstr(r.msg, "no policy")) TH_LOG("%s", r.msg);
	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	ASSERT_EQ(0, set_grant(self, 1 * EDU_TPP, 30, 1, &r));
	ASSERT_TRUE(wait_working(self, 1));

	EXPECT_EQ(-ERANGE, set_grant(self, 4000, 0, 1, &r));
	EXPECT_EQ(-ERANGE, set_grant(self, 4000, TPPGATE_GRANT_LEASE_MAX + 1, 1, &r));
	EXPECT_EQ(-EINVAL, set_grant(self, 4000, 30, -1, &r));
	EXPECT_NE(NULL, strstr(r.msg, "TPP, LEASE and SERIAL")) TH_LOG("%s", r.msg);
	EXPECT_EQ(-EINVAL, set_grant(self, -1, 30, 1, &r));
	EXPECT_EQ(-EINVAL, set_grant(self, 4000, -1, 1, &r));
	EXPECT_EQ(-EINVAL, transact(self->sk, new_req(self->fam, TPPGATE_CMD_GRANT_SET,
						      NLM_F_ACK), &r));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_EQ(1000ull, g.grant);
	EXPECT_EQ(1, n_working(self));
	EXPECT_EQ(3, n_held(self));
}

TEST_F(grant, unprivileged_grant_set_is_refused)
{
	struct grant_status g;
	struct reply r;
	struct pol p;
	pid_t pid;
	int status;

	grant_policy(&p, 1, 600, 0);
	ASSERT_EQ(0, load(self, &p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct nl_sock *sk;

		if (drop_caps())
			_exit(2);
		sk = open_sock();
		_exit(sk && transact(sk, grant_req(family_id(sk), 4000, 30, 1), &r) ==
		      -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_FALSE(g.has_grant);
	EXPECT_EQ(4, n_held(self));
}

TEST_F(grant, a_policy_without_grant_required_ignores_grants)
{
	struct grant_status g;
	struct reply r;
	struct pol p;

	pol_default(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	ASSERT_EQ(0, load(self, &p));
	ASSERT_TRUE(wait_working(self, 2));
	ASSERT_EQ(0, set_grant(self, 0, 30, 1, &r));
	ASSERT_EQ(0, grant_status(self->status_sk, self->fam, &g));
	EXPECT_TRUE(g.has_grant);
	EXPECT_EQ(0ull, g.grant);
	EXPECT_FALSE(g.flags & TPPGATE_STATUS_F_GRANT_REQUIRED);
	EXPECT_EQ(2000ull, g.cap);
	EXPECT_EQ(2, n_working(self));
}

TEST_HARNESS_MAIN
