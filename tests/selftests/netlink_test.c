// SPDX-License-Identifier: GPL-2.0
/*
 * The tppgate netlink ABI, spoken raw through libnl-genl so that requests
 * can be malformed on purpose. Runs inside the test VM with tppgate.ko
 * loaded (ids=1234:11e8) and the tppedu test driver loaded, every edu
 * device quarantined. Every test that sends something bad checks that no
 * device changed state.
 */


#include "nltest.h"
#include "kselftest_harness.h"

/* A device that exists but is not an accelerator: the host bridge. */
#define HOST_BRIDGE "0000:00:00.0"
#define NO_SUCH_BDF "0000:00:1f.7"

FIXTURE(tppgate) {
	struct nl_sock *sk;
	int fam;
	int nedu;
	char edu[MAX_DEVS][TPPGATE_BDF_MAX + 1];
	struct reply before;
};

FIXTURE_SETUP(tppgate)
{
	self->sk = open_sock();
	ASSERT_NE(NULL, self->sk);
	self->fam = family_id(self->sk);
	ASSERT_GT(self->fam, 0) TH_LOG("tppgate family not registered");
	self->nedu = edu_devices(self->edu, MAX_DEVS);
	ASSERT_GE(self->nedu, 2) TH_LOG("the VM must have edu devices");
	ASSERT_EQ(0, dump(self->sk, self->fam, &self->before));
}

FIXTURE_TEARDOWN(tppgate)
{
	nl_socket_free(self->sk);
}

/* Nothing changed since the fixture's snapshot, in the kernel or in sysfs. */
static void assert_unchanged(struct __test_metadata *_metadata,
			     FIXTURE_DATA(tppgate) *self)
{
	struct reply now;
	char drv[64];
	int i;

	ASSERT_EQ(0, dump(self->sk, self->fam, &now));
	ASSERT_EQ(self->before.ndev, now.ndev);
	for (i = 0; i < now.ndev; i++) {
		EXPECT_STREQ(self->before.dev[i].bdf, now.dev[i].bdf);
		EXPECT_EQ(self->before.dev[i].state, now.dev[i].state);
		EXPECT_EQ(self->before.dev[i].reason, now.dev[i].reason);
		EXPECT_STREQ(self->before.dev[i].driver, now.dev[i].driver);
	}
	for (i = 0; i < self->nedu; i++) {
		driver_of(self->edu[i], drv, sizeof(drv));
		EXPECT_STREQ(TPPGATE_DRIVER_NAME, drv) TH_LOG("%s", self->edu[i]);
	}
}

TEST_F(tppgate, dump_lists_every_edu_quarantined)
{
	int i, j, seen = 0;

	for (i = 0; i < self->nedu; i++) {
		for (j = 0; j < self->before.ndev; j++) {
			if (strcmp(self->before.dev[j].bdf, self->edu[i]))
				continue;
			seen++;
			EXPECT_EQ(TPPGATE_STATE_QUARANTINED, self->before.dev[j].state);
			/* Earlier tests may have quarantined it by hand. */
			EXPECT_TRUE(self->before.dev[j].reason == TPPGATE_REASON_NO_POLICY ||
				    self->before.dev[j].reason == TPPGATE_REASON_MANUAL);
			EXPECT_TRUE(self->before.dev[j].flags & TPPGATE_DEVICE_F_HELD);
			EXPECT_STREQ(TPPGATE_DRIVER_NAME, self->before.dev[j].driver);
			EXPECT_EQ(0x00ff00u, self->before.dev[j].class);
		}
	}
	EXPECT_EQ(self->nedu, seen);
	/* Address order: the dump is the order admission will use. */
	for (j = 1; j < self->before.ndev; j++)
		EXPECT_LT(strcmp(self->before.dev[j - 1].bdf, self->before.dev[j].bdf), 0);
}

TEST_F(tppgate, non_accelerators_are_not_listed)
{
	int j;

	for (j = 0; j < self->before.ndev; j++) {
		EXPECT_STRNE(HOST_BRIDGE, self->before.dev[j].bdf);
		/* Network controllers (the e1000) are never accelerators. */
		EXPECT_NE(0x02u, self->before.dev[j].class >> 16);
	}
}

TEST_F(tppgate, status_counts_match_dump)
{
	struct reply r;
	unsigned int q = 0;
	int j;

	ASSERT_EQ(0, transact(self->sk, new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0), &r));
	for (j = 0; j < self->before.ndev; j++)
		q += self->before.dev[j].state == TPPGATE_STATE_QUARANTINED;
	EXPECT_EQ(q, r.n_quarantined);
	EXPECT_EQ(0u, r.n_admitted);
	EXPECT_NE(0, r.version[0]);
}

TEST_F(tppgate, get_one_device)
{
	struct reply r;

	ASSERT_EQ(0, transact(self->sk, bdf_req(self->fam, TPPGATE_CMD_DEVICE_GET,
						 self->edu[0]), &r));
	ASSERT_EQ(1, r.ndev);
	EXPECT_STREQ(self->edu[0], r.dev[0].bdf);
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, r.dev[0].state);
}

TEST_F(tppgate, missing_device_attribute)
{
	struct reply r;

	EXPECT_EQ(-EINVAL, transact(self->sk, new_req(self->fam,
			TPPGATE_CMD_DEVICE_ADMIT, 0), &r));
	EXPECT_NE(NULL, strstr(r.msg, "device")) TH_LOG("extack: '%s'", r.msg);
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, missing_bdf)
{
	struct nl_msg *msg = new_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT, 0);
	struct reply r;

	/* By hand: libnl's nla_nest_end() drops an empty nest. */
	nla_put(msg, TPPGATE_A_DEVICE | NLA_F_NESTED, 0, NULL);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &r));
	EXPECT_NE(NULL, strstr(r.msg, "BDF")) TH_LOG("extack: '%s'", r.msg);
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, bdf_of_wrong_type)
{
	struct nl_msg *msg = new_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT, 0);
	struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_DEVICE);
	struct reply r;

	nla_put_u32(msg, TPPGATE_DEVICE_A_BDF, 0x12345678);	/* no NUL */
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, bdf_too_long)
{
	struct reply r;

	EXPECT_EQ(-EINVAL, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_ADMIT, "0000:00:04.00000000000"), &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, unknown_top_level_attribute)
{
	struct nl_msg *msg = bdf_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT, self->edu[0]);
	struct reply r;

	nla_put_u32(msg, TPPGATE_A_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, unknown_nested_attribute)
{
	struct nl_msg *msg = new_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT, 0);
	struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_DEVICE);
	struct reply r;

	nla_put_string(msg, TPPGATE_DEVICE_A_BDF, self->edu[0]);
	/* A reply-only attribute is not accepted in a request. */
	nla_put_u32(msg, TPPGATE_DEVICE_A_STATE, TPPGATE_STATE_ADMITTED);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, attribute_on_status_get)
{
	struct nl_msg *msg = new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0);
	struct reply r;

	nla_put_u32(msg, TPPGATE_A_EVENT, 1);
	EXPECT_EQ(-EINVAL, transact(self->sk, msg, &r));
}

TEST_F(tppgate, unknown_command)
{
	struct reply r;

	EXPECT_EQ(-EOPNOTSUPP, transact(self->sk, new_req(self->fam,
			TPPGATE_CMD_MAX + 1, 0), &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, no_such_device)
{
	struct reply r;

	EXPECT_EQ(-ENODEV, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_ADMIT, NO_SUCH_BDF), &r));
	EXPECT_NE(0, r.msg[0]);
	EXPECT_EQ(-ENODEV, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_GET, NO_SUCH_BDF), &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, not_an_accelerator)
{
	struct reply r;
	char drv_before[64], drv_after[64];

	driver_of(HOST_BRIDGE, drv_before, sizeof(drv_before));
	EXPECT_EQ(-EOPNOTSUPP, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_QUARANTINE, HOST_BRIDGE), &r));
	EXPECT_NE(NULL, strstr(r.msg, "not an accelerator")) TH_LOG("'%s'", r.msg);
	driver_of(HOST_BRIDGE, drv_after, sizeof(drv_after));
	EXPECT_STREQ(drv_before, drv_after);
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, unprivileged_can_read_but_not_change)
{
	struct reply r;

	ASSERT_EQ(0, drop_caps());
	EXPECT_EQ(0, dump(self->sk, self->fam, &r));
	EXPECT_EQ(self->before.ndev, r.ndev);
	EXPECT_EQ(0, transact(self->sk, new_req(self->fam, TPPGATE_CMD_STATUS_GET, 0), &r));
	EXPECT_EQ(-EPERM, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_ADMIT, self->edu[0]), &r));
	EXPECT_EQ(-EPERM, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_QUARANTINE, self->edu[0]), &r));
	assert_unchanged(_metadata, self);
}

TEST_F(tppgate, admit_then_quarantine)
{
	const char *bdf = self->edu[1];
	char drv[64], ident[32];
	struct reply r;

	ASSERT_EQ(0, transact(self->sk, bdf_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT,
						 bdf), &r));
	ASSERT_EQ(1, r.ndev);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, r.dev[0].state);
	EXPECT_STREQ("tppedu", r.dev[0].driver);
	EXPECT_FALSE(r.dev[0].flags & TPPGATE_DEVICE_F_HELD);
	ident_of(bdf, ident, sizeof(ident));
	EXPECT_STREQ(EDU_IDENT, ident);

	/* Admitting twice changes nothing. */
	EXPECT_EQ(0, transact(self->sk, bdf_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT,
						 bdf), &r));
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, r.dev[0].state);

	ASSERT_EQ(0, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_QUARANTINE, bdf), &r));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, r.dev[0].state);
	EXPECT_EQ(TPPGATE_REASON_MANUAL, r.dev[0].reason);
	EXPECT_TRUE(r.dev[0].flags & TPPGATE_DEVICE_F_HELD);
	driver_of(bdf, drv, sizeof(drv));
	EXPECT_STREQ(TPPGATE_DRIVER_NAME, drv);
	ident_of(bdf, ident, sizeof(ident));
	EXPECT_STREQ("absent", ident);
}

TEST_F(tppgate, events_announce_changes)
{
	struct nl_sock *ev = open_sock();
	const char *bdf = self->edu[0];
	struct reply r;
	int grp;

	ASSERT_NE(NULL, ev);
	grp = genl_ctrl_resolve_grp(self->sk, TPPGATE_GENL_NAME, TPPGATE_MCGRP_EVENTS);
	ASSERT_GT(grp, 0);
	ASSERT_EQ(0, nl_socket_add_membership(ev, grp));

	ASSERT_EQ(0, transact(self->sk, bdf_req(self->fam, TPPGATE_CMD_DEVICE_ADMIT,
						 bdf), &r));
	EXPECT_TRUE(wait_event(ev, TPPGATE_STATE_ADMITTED, bdf));
	ASSERT_EQ(0, transact(self->sk, bdf_req(self->fam,
			TPPGATE_CMD_DEVICE_QUARANTINE, bdf), &r));
	EXPECT_TRUE(wait_event(ev, TPPGATE_STATE_QUARANTINED, bdf));
	nl_socket_free(ev);
}

TEST_F(tppgate, sysfs_enable_is_refused)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", self->edu[0]);
	EXPECT_EQ(-EBUSY, write_file(path, "1"));
	assert_unchanged(_metadata, self);
}

TEST_HARNESS_MAIN
