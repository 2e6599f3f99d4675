// SPDX-License-Identifier: GPL-2.0
/*
 * Time, in the VM (issue 6): a policy expires when the wall clock is
 * stepped past its not-after (at once, not at the next hourly look), and a
 * clock stepped back does not extend it: its life is also bounded by the
 * time elapsed since it was loaded. Revoke deadlines count time spent in
 * suspend (CLOCK_BOOTTIME). The clock is stepped as `date -s` does, with
 * clock_settime(CLOCK_REALTIME), and put back after each test; the VM
 * suspends to RAM and the host wakes it (gatetest.h suspend_for()).
 */

#include "gatetest.h"
#include "kselftest_harness.h"

FIXTURE(clock) {
	struct gctx c;
	long long real_minus_boot;	/* ns, to put the clock back */
};

static int set_realtime(long long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };

	return clock_settime(CLOCK_REALTIME, &ts) ? -errno : 0;
}

/* Step the wall clock by @secs (negative: back), as date -s would. */
static int step_clock(long long secs)
{
	return set_realtime(clock_ns(CLOCK_REALTIME) + secs * 1000000000LL);
}

FIXTURE_SETUP(clock)
{
	self->real_minus_boot = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	ASSERT_EQ(0, gctx_open(&self->c, GATE_ARGS));
	ASSERT_EQ(4, self->c.nedu);
}

FIXTURE_TEARDOWN(clock)
{
	/* Elapsed time, suspend included, on top of the clock at setup. */
	set_realtime(clock_ns(CLOCK_BOOTTIME) + self->real_minus_boot);
	gctx_close(&self->c);
	restore_tppgate();
}

static int expired(struct gctx *c)
{
	struct reply r;

	return !gstatus(c, &r) && (r.status_flags & TPPGATE_STATUS_F_POLICY_EXPIRED);
}

/* Every edu held again, reason expired (revoke deadline 0). */
static void all_revoked_as_expired(struct __test_metadata *_metadata, struct gctx *c)
{
	int i;

	for (i = 0; i < c->nedu; i++) {
		EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, gheld(c, c->edu[i]))) TH_LOG("%s", c->edu[i]);
		EXPECT_EQ(TPPGATE_REASON_EXPIRED, greason(c, c->edu[i]));
		EXPECT_FALSE(edu_works(c->edu[i]));
	}
}

static void load_all(struct __test_metadata *_metadata, struct gctx *c,
		     long long not_after)
{
	struct reply r;
	struct gpol p;
	int i;

	gpol_init(&p, 1);
	p.node_cap = 4 * EDU_TPP;
	p.not_after = not_after;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	for (i = 0; i < c->nedu; i++) {
		ASSERT_TRUE(edu_works(c->edu[i])) TH_LOG("%s", c->edu[i]);
	}
	ASSERT_FALSE(expired(c));
}

/* not-after is an hour away; the clock jumps two hours: expired now. */
TEST_F_TIMEOUT(clock, stepped_forward_past_not_after_expires_at_once, 90)
{
	struct gctx *c = &self->c;

	load_all(_metadata, c, time(NULL) + 3600);
	ASSERT_EQ(0, step_clock(2 * 3600));
	ASSERT_TRUE(WAIT_FOR(PROMPT_SECS, expired(c)))
		TH_LOG("the policy is not expired after the clock passed not-after");
	all_revoked_as_expired(_metadata, c);
}

/*
 * not-after is 10 s away; the clock goes back a day. By the wall clock the
 * policy now has a day and 10 s left, by elapsed time 10 s: it must expire
 * then, well inside the bound below.
 */
#define BACK_LIFE 10

TEST_F_TIMEOUT(clock, stepped_back_still_expires_by_elapsed_time, 120)
{
	struct gctx *c = &self->c;

	load_all(_metadata, c, time(NULL) + BACK_LIFE);
	ASSERT_EQ(0, step_clock(-86400));
	ASSERT_TRUE(WAIT_FOR(3 * BACK_LIFE, expired(c)))
		TH_LOG("the policy outlived its %d s by elapsed time", BACK_LIFE);
	all_revoked_as_expired(_metadata, c);
}

/* ---- suspend ----------------------------------------------------------- */

#define NO_SUSPEND "the VM cannot suspend to RAM and be woken by the host"

/*
 * edu[3] goes over the cap with a deadline of 20 s, and the VM sleeps 30 s
 * at once: the deadline passed in the sleep, so it is revoked right after
 * the resume, not 20 s of running time later.
 */
#define DEADLINE 20
#define SLEEP 30

TEST_F_TIMEOUT(clock, revoke_deadline_counts_time_in_suspend, 120)
{
	struct gctx *c = &self->c;
	struct nl_sock *ev;
	struct reply r;
	struct gpol p;
	long long slept;
	int i;

	load_all(_metadata, c, 0);
	ev = gevents(c);
	ASSERT_NE(NULL, ev);
	gpol_init(&p, 2);
	p.node_cap = 3 * EDU_TPP;
	p.deadline = DEADLINE;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_TRUE(wait_event(ev, TPPGATE_STATE_OVER_CAP, c->edu[3]));
	nl_socket_free(ev);

	slept = suspend_for(SLEEP);
	if (slept == -ENOSYS)
		SKIP(return, NO_SUSPEND);
	ASSERT_GE(slept, 0) TH_LOG("suspend: %s", strerror(-slept));
	if (slept < DEADLINE)
		SKIP(return, "the VM's clocks ran through the suspend (%lld s in suspend):"
		     " running time and boot time cannot be told apart", slept);
	EXPECT_TRUE(WAIT_FOR(DEADLINE / 2, gheld(c, c->edu[3])))
		TH_LOG("%s not revoked after %lld s in suspend past its %d s deadline",
		       c->edu[3], slept, DEADLINE);
	EXPECT_EQ(TPPGATE_REASON_OVER_CAP, greason(c, c->edu[3]));
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(edu_works(c->edu[i])) TH_LOG("%s", c->edu[i]);
	}
}

TEST_HARNESS_MAIN
