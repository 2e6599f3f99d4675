// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's accounting, in the VM (issue 6): the ungated boot VGA device
 * counts against the cap; a device that a new policy turns into an
 * accelerator while its driver runs is counted or goes over the cap, never
 * unbound at once; PCI bridges are never gated; a manual quarantine stays
 * manual; capacity freed by a removal or a manual quarantine is used at
 * once; an evaluation that runs out of memory retries, backing off, until
 * it admits what the policy allows. Each test reloads tppgate.ko as it needs and leaves the default
 * load behind.
 */

#include "gatetest.h"
#include "kselftest_harness.h"

FIXTURE(gate) {
	struct gctx c;
};

FIXTURE_SETUP(gate)
{
	ASSERT_EQ(0, gctx_open(&self->c, GATE_ARGS));
	ASSERT_EQ(4, self->c.nedu) TH_LOG("the VM has four edu devices");
}

FIXTURE_TEARDOWN(gate)
{
	gctx_close(&self->c);
	restore_tppgate();
}

/*
 * The std VGA is the boot VGA device, left ungated (gate_boot_vga=0) and so
 * not held, but the catalog gives it 1000 TPP: with a cap of 2000 there is
 * room for one edu only.
 */
TEST_F(gate, boot_vga_counts_against_the_cap)
{
	struct gctx *c = &self->c;
	struct reply r;
	struct gpol p;
	int i, n_admitted = 0;

	ASSERT_TRUE(pci_exists(VGA_BDF)) TH_LOG("no std VGA at " VGA_BDF);
	gpol_init(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	gpol_add(&p, VGA_VENDOR, VGA_DEVICE, 1000, TPPGATE_ACTION_COUNT);
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);

	for (i = 0; i < c->nedu; i++)
		n_admitted += gstate(c, c->edu[i]) == TPPGATE_STATE_ADMITTED;
	EXPECT_EQ(1, n_admitted);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[0]));
	EXPECT_TRUE(edu_works(c->edu[0]));
	for (i = 1; i < c->nedu; i++) {
		EXPECT_TRUE(gheld(c, c->edu[i])) TH_LOG("%s", c->edu[i]);
		EXPECT_EQ(TPPGATE_REASON_OVER_CAP, greason(c, c->edu[i]));
	}

	ASSERT_EQ(0, gdev(c, VGA_BDF, &r));
	EXPECT_EQ(TPPGATE_STATE_UNMANAGED, r.dev[0].state);
	EXPECT_EQ(1000ull, r.dev[0].tpp);
	EXPECT_TRUE(r.dev[0].flags & TPPGATE_DEVICE_F_COUNTED)
		TH_LOG("flags 0x%x", r.dev[0].flags);
	EXPECT_TRUE(r.dev[0].flags & TPPGATE_DEVICE_F_BOOT_VGA);
	EXPECT_FALSE(is_held(VGA_BDF));

	ASSERT_EQ(0, gstatus(c, &r));
	EXPECT_EQ(2000ull, r.admitted_tpp);
	EXPECT_EQ(1u, r.n_admitted);
}

/*
 * A policy makes the running e1000 an accelerator (catalog id) and it fits:
 * it is counted and keeps its driver, whatever boot= said at load.
 */
static void bound_nic_fits(struct __test_metadata *_metadata, struct gctx *c,
			   const char *boot)
{
	char args[128];
	struct reply r;
	struct gpol p;

	int ifindex;

	snprintf(args, sizeof(args), "ids=1234:11e8 boot=%s", boot);
	ASSERT_EQ(0, gctx_reload_held(c, args));
	ASSERT_TRUE(drv_is(NIC_BDF, "e1000")) TH_LOG("the e1000 is not at " NIC_BDF);
	ifindex = ifindex_of(NIC_BDF);
	ASSERT_GT(ifindex, 0);

	gpol_init(&p, 1);
	p.node_cap = 4 * EDU_TPP + NIC_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	gpol_add(&p, NIC_VENDOR, NIC_DEVICE, NIC_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);

	ASSERT_EQ(0, gdev(c, NIC_BDF, &r)) TH_LOG("the e1000 is not tracked");
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, r.dev[0].state);
	EXPECT_EQ(TPPGATE_REASON_POLICY, r.dev[0].reason);
	EXPECT_TRUE(r.dev[0].flags & TPPGATE_DEVICE_F_COUNTED);
	EXPECT_EQ((unsigned long long)NIC_TPP, r.dev[0].tpp);
	EXPECT_TRUE(drv_is(NIC_BDF, "e1000"));
	/* Never unbound on the way: the same network interface, not a new one. */
	EXPECT_EQ(ifindex, ifindex_of(NIC_BDF));
	ASSERT_EQ(0, gstatus(c, &r));
	EXPECT_EQ((unsigned long long)(4 * EDU_TPP + NIC_TPP), r.admitted_tpp);
}

TEST_F(gate, policy_made_accelerator_fits_boot_keep)
{
	bound_nic_fits(_metadata, &self->c, "keep");
}

TEST_F(gate, policy_made_accelerator_fits_boot_quarantine)
{
	bound_nic_fits(_metadata, &self->c, "quarantine");
}

/*
 * The four edu fill a cap of 4000; a second policy makes the running e1000
 * an accelerator by its class (0x0200, and the catalog prices it): it is
 * the newest, so it goes over the cap with an event, still on its driver.
 */
static void bound_nic_over_cap(struct __test_metadata *_metadata,
			       struct gctx *c, const char *boot, int mode,
			       unsigned int deadline, int *ifindex)
{
	struct nl_sock *ev;
	char args[128];
	struct reply r;
	struct gpol p;
	int i;

	snprintf(args, sizeof(args), "ids=1234:11e8 boot=%s", boot);
	ASSERT_EQ(0, gctx_reload_held(c, args));
	ASSERT_TRUE(drv_is(NIC_BDF, "e1000"));
	*ifindex = ifindex_of(NIC_BDF);
	ASSERT_GT(*ifindex, 0);

	gpol_init(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	for (i = 0; i < c->nedu; i++) {
		ASSERT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[i]));
	}

	ev = gevents(c);
	ASSERT_NE(NULL, ev);
	gpol_init(&p, 2);
	p.node_cap = 4 * EDU_TPP;
	p.revoke_mode = mode;
	p.deadline = deadline;
	p.classes[p.n_classes++] = 0x0200;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	gpol_add(&p, NIC_VENDOR, NIC_DEVICE, NIC_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(wait_event(ev, TPPGATE_STATE_OVER_CAP, NIC_BDF))
		TH_LOG("no over-cap event for the e1000");
	nl_socket_free(ev);
	for (i = 0; i < c->nedu; i++) {
		EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[i]))
			TH_LOG("%s", c->edu[i]);
	}
}

TEST_F_TIMEOUT(gate, policy_made_accelerator_over_cap_is_revoked_after_deadline, 60)
{
	struct gctx *c = &self->c;
	int ifindex;

	bound_nic_over_cap(_metadata, c, "quarantine", TPPGATE_REVOKE_DEADLINE, 3,
			   &ifindex);
	EXPECT_TRUE(WAIT_FOR(WAIT_SECS - 20, gheld(c, NIC_BDF)))
		TH_LOG("the e1000 was not revoked after the deadline");
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, greason(c, NIC_BDF));
	EXPECT_TRUE(edu_works(c->edu[3]));
}

TEST_F_TIMEOUT(gate, policy_made_accelerator_over_cap_never_keeps_running, 60)
{
	struct gctx *c = &self->c;
	struct reply r;
	int ifindex;

	bound_nic_over_cap(_metadata, c, "keep", TPPGATE_REVOKE_NEVER, 0, &ifindex);
	sleep(2);	/* give a wrong revocation the chance to happen */
	ASSERT_EQ(0, gdev(c, NIC_BDF, &r));
	EXPECT_EQ(TPPGATE_STATE_OVER_CAP, r.dev[0].state);
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, r.dev[0].reason);
	EXPECT_TRUE(drv_is(NIC_BDF, "e1000"));
	EXPECT_EQ(ifindex, ifindex_of(NIC_BDF));
	ASSERT_EQ(0, gstatus(c, &r));
	EXPECT_EQ(1u, r.n_over_cap);
	EXPECT_EQ((unsigned long long)(4 * EDU_TPP + NIC_TPP), r.admitted_tpp);
}

/*
 * Gating a bridge would cut off everything behind it: a policy naming a
 * bridge class (0x0604, PCI-to-PCI) is refused and changes nothing.
 */
TEST_F(gate, bridge_class_in_policy_is_refused)
{
	struct gctx *c = &self->c;
	unsigned char sha[TPPGATE_SHA256_LEN];
	struct reply r;
	struct gpol p;
	int i;

	gpol_init(&p, 5);
	p.node_cap = 2 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(0, gpolicy_get(c, &r));
	memcpy(sha, r.sha256, sizeof(sha));

	gpol_init(&p, 6);
	p.node_cap = 4 * EDU_TPP;
	p.classes[p.n_classes++] = 0x0200;
	p.classes[p.n_classes++] = 0x0604;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	EXPECT_EQ(-EINVAL, gload(c, &p, &r));
	EXPECT_NE(NULL, strstr(r.msg, "bridge")) TH_LOG("extack: '%s'", r.msg);

	ASSERT_EQ(0, gpolicy_get(c, &r));
	EXPECT_EQ(5ull, r.serial);
	EXPECT_EQ(0, memcmp(sha, r.sha256, sizeof(sha)));
	for (i = 0; i < c->nedu; i++) {
		EXPECT_EQ(i < 2 ? TPPGATE_STATE_ADMITTED : TPPGATE_STATE_QUARANTINED,
			  gstate(c, c->edu[i]));
	}
	/* The refused CLASSES did not take the e1000 either. */
	EXPECT_NE(0, gdev(c, NIC_BDF, &r));
	EXPECT_TRUE(drv_is(NIC_BDF, "e1000"));
}

/*
 * A device quarantined by hand stays quarantined, and says so (flag
 * MANUAL), through a policy load that would admit it.
 */
TEST_F(gate, manual_quarantine_survives_policy_load)
{
	struct gctx *c = &self->c;
	struct reply r;
	struct gpol p;

	ASSERT_EQ(0, gctx_reload(c, "ids=1234:11e8 manual=1 boot=quarantine"));
	gpol_init(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[1]));

	ASSERT_EQ(0, gcmd(c, TPPGATE_CMD_DEVICE_QUARANTINE, c->edu[1], &r))
		TH_LOG("%s", r.msg);
	EXPECT_TRUE(gheld(c, c->edu[1]));
	EXPECT_TRUE(gflags(c, c->edu[1]) & TPPGATE_DEVICE_F_MANUAL)
		TH_LOG("flags 0x%x", gflags(c, c->edu[1]));

	gpol_init(&p, 2);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(gheld(c, c->edu[1]));
	EXPECT_FALSE(edu_works(c->edu[1]));
	EXPECT_TRUE(gflags(c, c->edu[1]) & TPPGATE_DEVICE_F_MANUAL);
	/* The manual flag is the device's own: the others have none. */
	EXPECT_FALSE(gflags(c, c->edu[0]) & TPPGATE_DEVICE_F_MANUAL);
}

/*
 * A manual quarantine whose claim fails is still manual: the next
 * evaluation must not admit it. No real way makes the quarantine driver's
 * bind fail in QEMU, so this needs a test-only knob in the module: a BDF
 * written to FAIL_CLAIM makes the quarantine driver refuse that device
 * until a newline is written.
 */
#define FAIL_CLAIM "/sys/kernel/debug/tppgate/fail_claim"

TEST_F(gate, manual_quarantine_whose_claim_fails_stays_manual)
{
	struct gctx *c = &self->c;
	struct reply r;
	struct gpol p;
	int ret;

	ASSERT_EQ(0, gctx_reload(c, "ids=1234:11e8 manual=1 boot=quarantine"));
	if (access(FAIL_CLAIM, W_OK))
		SKIP(return, "no " FAIL_CLAIM " in this build: a claim cannot be made to fail");
	gpol_init(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[1]));

	ASSERT_EQ(0, write_file(FAIL_CLAIM, c->edu[1]));
	ret = gcmd(c, TPPGATE_CMD_DEVICE_QUARANTINE, c->edu[1], &r);
	write_file(FAIL_CLAIM, "\n");
	EXPECT_NE(0, ret);
	ASSERT_EQ(0, gdev(c, c->edu[1], &r));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, r.dev[0].state);
	EXPECT_EQ(TPPGATE_REASON_CLAIM_FAILED, r.dev[0].reason);
	EXPECT_TRUE(r.dev[0].flags & TPPGATE_DEVICE_F_MANUAL);
	EXPECT_FALSE(edu_works(c->edu[1]));

	/* An evaluation must leave it alone. */
	gpol_init(&p, 2);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, gstate(c, c->edu[1]));
	EXPECT_TRUE(gflags(c, c->edu[1]) & TPPGATE_DEVICE_F_MANUAL);
	EXPECT_FALSE(edu_works(c->edu[1]));

	/* Another driver bound behind the gate's back: reclaimed, still manual. */
	ASSERT_EQ(0, pci_write(c->edu[1], "driver_override", "tppedu"));
	write_file("/sys/bus/pci/drivers/tppedu/bind", c->edu[1]);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, is_held(c->edu[1])));
	EXPECT_TRUE(gflags(c, c->edu[1]) & TPPGATE_DEVICE_F_MANUAL);
	gpol_init(&p, 3);
	p.node_cap = 4 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(gheld(c, c->edu[1]));
	EXPECT_FALSE(edu_works(c->edu[1]));
}

/* Cap for two of four: edu[0] and edu[1] run, edu[2] and edu[3] wait. */
static void two_of_four(struct __test_metadata *_metadata, struct gctx *c)
{
	struct reply r;
	struct gpol p;

	gpol_init(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[1]));
	ASSERT_TRUE(gheld(c, c->edu[2]));
	ASSERT_EQ(TPPGATE_REASON_OVER_CAP, greason(c, c->edu[2]));
}

/* An admitted device leaves the bus: the next one that fits runs at once. */
TEST_F_TIMEOUT(gate, capacity_freed_by_removal_is_used, 60)
{
	struct gctx *c = &self->c;

	two_of_four(_metadata, c);
	ASSERT_EQ(0, pci_write(c->edu[0], "remove", "1"));
	ASSERT_FALSE(pci_exists(c->edu[0]));
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS,
			     gstate(c, c->edu[2]) == TPPGATE_STATE_ADMITTED &&
			     edu_works(c->edu[2])))
		TH_LOG("%s still waits after %s left", c->edu[2], c->edu[0]);
	EXPECT_TRUE(gheld(c, c->edu[3]));
	/* Put the removed device back (the rescan admits nothing more). */
	write_file("/sys/bus/pci/rescan", "1");
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, gheld(c, c->edu[0])));
}

/* A policy-admitted device quarantined by hand frees its share at once. */
TEST_F_TIMEOUT(gate, capacity_freed_by_manual_quarantine_is_used, 60)
{
	struct gctx *c = &self->c;
	struct reply r;

	ASSERT_EQ(0, gctx_reload(c, "ids=1234:11e8 manual=1 boot=quarantine"));
	two_of_four(_metadata, c);
	ASSERT_EQ(0, gcmd(c, TPPGATE_CMD_DEVICE_QUARANTINE, c->edu[0], &r))
		TH_LOG("%s", r.msg);
	EXPECT_TRUE(gheld(c, c->edu[0]));
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS,
			     gstate(c, c->edu[2]) == TPPGATE_STATE_ADMITTED &&
			     edu_works(c->edu[2])))
		TH_LOG("%s still waits after %s was quarantined by hand",
		       c->edu[2], c->edu[0]);
	EXPECT_TRUE(gheld(c, c->edu[3]));
}

/*
 * Evaluation out of memory (issue 6, defect 8). Nothing in the VM makes a
 * small allocation fail on cue, so the test build's fault injector does:
 * FAIL_EVALUATE is how many of the next evaluations fail their allocation.
 */
#define FAIL_EVALUATE "/sys/kernel/debug/tppgate/fail_evaluate"
#define OOM_WARNING "out of memory deciding admission; retrying in "
#define OOM_FAILURES 8

/*
 * The retry warnings logged since @fd was opened: the delay each announces
 * (ms) and when it was logged (kernel log time, us). Returns how many.
 */
static int oom_warnings(int fd, long delay_ms[], long long at_us[], int max)
{
	char rec[2048];
	ssize_t len;
	int n = 0;

	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (len < 0 && errno == EPIPE)) {
		unsigned int prio;
		unsigned long long seq, ts;
		char *msg, *hit;

		if (len <= 0)
			continue;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		hit = strstr(rec, OOM_WARNING);
		if (!msg || !hit || hit < msg ||
		    sscanf(rec, "%u,%llu,%llu,", &prio, &seq, &ts) != 3)
			continue;
		if (n < max) {
			delay_ms[n] = strtol(hit + strlen(OOM_WARNING), NULL, 10);
			at_us[n] = ts;
		}
		n++;
	}
	return n;
}

/*
 * With OOM_FAILURES evaluations in a row out of memory, the policy still
 * ends with its devices admitted and running and the others held. Each
 * failure is announced once, not flooded, each retry waits twice as long
 * as the one before, and really waits: the next warning comes no sooner
 * than the delay announced (less a tick of 10 ms, a lower bound that a
 * slow machine cannot break). Once an evaluation succeeds the backoff
 * starts over.
 */
TEST_F_TIMEOUT(gate, evaluation_out_of_memory_retries_with_backoff, 120)
{
	long delay[OOM_FAILURES + 1];
	long long at[OOM_FAILURES + 1];
	struct gctx *c = &self->c;
	struct reply r;
	struct gpol p;
	char left[16];
	int fd, n, i;

	if (access(FAIL_EVALUATE, W_OK))
		SKIP(return, "no " FAIL_EVALUATE " in this build: allocations cannot be made to fail");
	fd = kmsg_open();
	ASSERT_GE(fd, 0);
	snprintf(left, sizeof(left), "%d", OOM_FAILURES);
	ASSERT_EQ(0, write_file(FAIL_EVALUATE, left));
	gpol_init(&p, 1);
	p.node_cap = 2 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);

	/* A bound for a hang: the delays add up to a few seconds. */
	EXPECT_TRUE(WAIT_FOR(60, edu_works(c->edu[0]) && edu_works(c->edu[1])))
		TH_LOG("the policy's devices were never admitted");
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[0]));
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[1]));
	EXPECT_TRUE(gheld(c, c->edu[2]));
	EXPECT_TRUE(gheld(c, c->edu[3]));
	ASSERT_EQ(0, read_file(FAIL_EVALUATE, left, sizeof(left)));
	EXPECT_STREQ("0", left) TH_LOG("injected failures left unused");

	n = oom_warnings(fd, delay, at, OOM_FAILURES + 1);
	EXPECT_EQ(OOM_FAILURES, n) TH_LOG("one warning per failed evaluation");
	if (n > OOM_FAILURES)
		n = OOM_FAILURES;
	for (i = 0; i < n; i++) {
		EXPECT_GT(delay[i], 0) TH_LOG("warning %d: no delay", i);
		if (i == 0)
			continue;
		EXPECT_EQ(2 * delay[i - 1], delay[i])
			TH_LOG("retry %d waits %ld ms after %ld ms", i, delay[i], delay[i - 1]);
		EXPECT_GE((at[i] - at[i - 1]) / 1000 + 10, delay[i - 1])
			TH_LOG("retry %d came %lld ms after a warning of %ld ms",
			       i, (at[i] - at[i - 1]) / 1000, delay[i - 1]);
	}

	/* The backoff starts over: one more failure waits the first delay. */
	ASSERT_EQ(0, write_file(FAIL_EVALUATE, "1"));
	gpol_init(&p, 2);
	p.node_cap = 3 * EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	EXPECT_TRUE(WAIT_FOR(60, edu_works(c->edu[2])));
	EXPECT_TRUE(gheld(c, c->edu[3]));
	EXPECT_EQ(1, oom_warnings(fd, &delay[1], &at[1], 1));
	EXPECT_EQ(delay[0], delay[1]);
	close(fd);
}

TEST_HARNESS_MAIN
