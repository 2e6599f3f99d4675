// SPDX-License-Identifier: GPL-2.0
/*
 * The module's lifetime, in the VM (issue 6): policy loads racing rmmod
 * and insmod never run freed code, and a load with a bad parameter fails
 * before anything is visible: no netlink family announced, no device held,
 * no driver_override left behind.
 */

#include <signal.h>
#include <sys/mman.h>

#include <linux/genetlink.h>

#include "gatetest.h"
#include "kselftest_harness.h"

#define RACE_ROUNDS 30
#define RACE_POLICIES 64

FIXTURE(life) {
	struct gctx c;
};

FIXTURE_SETUP(life)
{
	ASSERT_EQ(0, gctx_open(&self->c, GATE_ARGS));
	ASSERT_EQ(4, self->c.nedu);
}

FIXTURE_TEARDOWN(life)
{
	gctx_close(&self->c);
	restore_tppgate();
}

struct signed_pol {
	void *blob, *sig;
	int blen, slen;
};

/*
 * The racing child: load valid signed policies, serials increasing (any
 * serial loads after a reload), as fast as it can, whatever the module's
 * state. Counts the loads the module accepted.
 */
static void race_child(struct gctx *c, volatile unsigned int *accepted)
{
	static struct signed_pol pol[RACE_POLICIES];
	struct nl_sock *sk = open_sock();
	struct reply r;
	int i;

	if (!sk)
		_exit(1);
	for (i = 0; i < RACE_POLICIES; i++) {
		struct gpol p;
		struct nl_msg *m;
		unsigned char *sig = NULL;
		void *blob;

		gpol_init(&p, i + 1);
		p.node_cap = 2 * EDU_TPP;
		gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
		m = gpol_build(&p);
		blob = blob_of(m, &pol[i].blen);
		pol[i].blob = malloc(pol[i].blen);
		memcpy(pol[i].blob, blob, pol[i].blen);
		pol[i].slen = sign(c->key, c->cert, blob, pol[i].blen, &sig);
		pol[i].sig = sig;
		nlmsg_free(m);
		if (pol[i].slen < 0)
			_exit(1);
	}
	for (i = 0;; i = (i + 1) % RACE_POLICIES) {
		int fam = family_id(sk);

		if (fam <= 0)
			continue;
		if (!transact(sk, set_req(fam, pol[i].blob, pol[i].blen,
					  pol[i].sig, pol[i].slen), &r))
			(*accepted)++;
	}
}

TEST_F_TIMEOUT(life, policy_loads_racing_rmmod_insmod, 140)
{
	struct gctx *c = &self->c;
	volatile unsigned int *accepted;
	struct reply r;
	struct gpol p;
	int i, ret, status;
	pid_t pid;

	accepted = mmap(NULL, sizeof(*accepted), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, accepted);
	*accepted = 0;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		race_child(c, accepted);
	/* Let the child sign and start loading before the first rmmod. */
	WAIT_FOR(60, *accepted > 0);

	for (i = 0; i < RACE_ROUNDS; i++) {
		int tries = 0;

		do {
			ret = unload_module("tppgate");
		} while ((ret == -EAGAIN || ret == -EBUSY) && ++tries < 100 &&
			 !usleep(10000));
		EXPECT_EQ(0, ret) TH_LOG("round %d: rmmod: %s", i, strerror(-ret));
		ret = load_module(MODULE, GATE_ARGS);
		EXPECT_EQ(0, ret) TH_LOG("round %d: insmod: %s", i, strerror(-ret));
		if (ret)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	TH_LOG("%u policies loaded while racing %d reloads", *accepted, RACE_ROUNDS);
	EXPECT_GT(*accepted, 0u);

	/* Still loaded and working: a fresh policy admits and the edu runs. */
	ASSERT_EQ(0, gctx_refam(c));
	gpol_init(&p, 1000);
	p.node_cap = EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, edu_works(c->edu[0])));
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, gheld(c, c->edu[1])));
	munmap((void *)accepted, sizeof(*accepted));
}

/*
 * The same race, landed on cue (defect 1). The test build's delay_release
 * makes a load that replaced a policy sleep between dropping the gate's
 * mutex and queueing the old policy's call_rcu(); rmmod runs while it
 * sleeps. The module must wait for the load before its last rcu_barrier():
 * a call_rcu() after that barrier is a WARN (fault.c), which panics the VM.
 */
#define DELAY_RELEASE "/sys/kernel/debug/tppgate/delay_release"
#define DELAY_MS "1500"

TEST_F_TIMEOUT(life, policy_load_sleeping_across_rmmod, 60)
{
	struct gctx *c = &self->c;
	int ret, tries = 0, status;
	struct timespec t0, t1;
	struct reply r;
	struct gpol p;
	pid_t pid;

	gpol_init(&p, 1);
	p.node_cap = EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	if (access(DELAY_RELEASE, W_OK))
		SKIP(return, "no " DELAY_RELEASE " in this build: the window cannot be widened");
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(0, write_file(DELAY_RELEASE, DELAY_MS));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Its own socket: the parent's stays with the parent. */
		c->sk = open_sock();
		if (!c->sk)
			_exit(2);
		p.serial = 2;
		_exit(gload(c, &p, &r) ? 1 : 0);
	}
	/* Serial 2 is in force once the load is past the mutex, asleep. */
	ASSERT_TRUE(WAIT_FOR(PROMPT_SECS, !gpolicy_get(c, &r) && r.serial == 2));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		ret = unload_module("tppgate");
	} while ((ret == -EAGAIN || ret == -EBUSY) && ++tries < 100 &&
		 !usleep(10000));
	EXPECT_EQ(0, ret) TH_LOG("rmmod: %s", strerror(-ret));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("rmmod took %ld ms (the load slept " DELAY_MS " ms)",
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the sleeping load failed (status %#x)", status);

	/* Loaded again and working: a fresh policy admits and the edu runs. */
	ASSERT_EQ(0, load_module(MODULE, GATE_ARGS));
	ASSERT_EQ(0, gctx_refam(c));
	p.serial = 3;
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, edu_works(c->edu[0])));
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, gheld(c, c->edu[1])));
}

/* A socket in the generic netlink controller's "notify" group. */
static struct nl_sock *ctrl_notify(void)
{
	struct nl_sock *sk = open_sock();
	int grp;

	if (!sk)
		return NULL;
	grp = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(sk, grp)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* Did the controller announce a "tppgate" family since @sk joined? */
static int saw_family(struct nl_sock *sk)
{
	static char buf[65536];
	int fd = nl_socket_get_fd(sk), seen = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = n;

		for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
			struct nlattr *tb[CTRL_ATTR_MAX + 1];
			struct genlmsghdr *g = nlmsg_data(nlh);

			if (g->cmd != CTRL_CMD_NEWFAMILY ||
			    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) ||
			    !tb[CTRL_ATTR_FAMILY_NAME])
				continue;
			if (!strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
				    TPPGATE_GENL_NAME))
				seen = 1;
		}
	}
	return seen;
}

/*
 * insmod with @args must fail with EINVAL before the module shows anything:
 * the family is registered last, so it never appears; no edu device is
 * held or has an override (tppedu keeps them, as before the attempt).
 */
static void bad_param(struct __test_metadata *_metadata, struct gctx *c,
		      const char *args)
{
	struct nl_sock *ctl;
	char ovr[64];
	int i;

	ASSERT_EQ(0, unload_module("tppgate"));
	for (i = 0; i < c->nedu; i++) {
		ASSERT_TRUE(WAIT_FOR(PROMPT_SECS, drv_is(c->edu[i], "tppedu")));
	}
	ctl = ctrl_notify();
	ASSERT_NE(NULL, ctl);
	saw_family(ctl);

	EXPECT_EQ(-EINVAL, load_module(MODULE, args)) TH_LOG("insmod tppgate.ko %s", args);
	EXPECT_NE(0, access("/sys/module/tppgate", F_OK));
	EXPECT_FALSE(saw_family(ctl))
		TH_LOG("the tppgate family was registered during the failed load");
	for (i = 0; i < c->nedu; i++) {
		char path[256];

		EXPECT_TRUE(drv_is(c->edu[i], "tppedu")) TH_LOG("%s", c->edu[i]);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
			 c->edu[i]);
		ASSERT_EQ(0, read_file(path, ovr, sizeof(ovr)));
		EXPECT_STREQ("(null)", ovr) TH_LOG("%s", c->edu[i]);
	}
	EXPECT_TRUE(drv_is(NIC_BDF, "e1000"));
	nl_socket_free(ctl);
	unload_module("tppgate");
}

TEST_F(life, bad_boot_mode_fails_cleanly)
{
	bad_param(_metadata, &self->c, "ids=1234:11e8 boot=bogus");
}

TEST_F(life, bridge_class_parameter_fails_cleanly)
{
	bad_param(_metadata, &self->c, "ids=1234:11e8 boot=quarantine classes=0x0604");
}

TEST_F(life, bad_ids_fail_cleanly)
{
	bad_param(_metadata, &self->c, "ids=zz boot=quarantine");
}

TEST_HARNESS_MAIN
