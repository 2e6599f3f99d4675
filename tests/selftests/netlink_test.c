// SPDX-License-Identifier: GPL-2.0
/*
 * The tppgate netlink ABI, spoken raw through libnl-genl so that requests
 * can be malformed on purpose. Runs inside the test VM with tppgate.ko
 * loaded (ids=1234:11e8) and the tppedu test driver loaded, every edu
 * device quarantined. Every test that sends something bad checks that no
 * device changed state.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <sys/syscall.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/tppgate.h>

#include "kselftest_harness.h"

#define EDU_IDENT "0x010000ed"
#define MAX_DEVS 16

struct reply {
	int done;			/* the ACK, error or DONE arrived */
	int err;			/* 0 or negative errno from the kernel */
	char msg[256];			/* extack message */
	int ndev;
	struct {
		char bdf[TPPGATE_BDF_MAX + 1];
		char driver[64];
		unsigned int state, reason, flags, class;
	} dev[MAX_DEVS];
	unsigned int n_quarantined, n_admitted;
	char version[32];
};

static int family_id(struct nl_sock *sk)
{
	return genl_ctrl_resolve(sk, TPPGATE_GENL_NAME);
}

static struct nl_sock *open_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	return sk;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct reply *r = arg;
	struct nlattr *tlv;
	size_t off = sizeof(*e);
	int rem;

	r->err = e->error;
	r->done = 1;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	tlv = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
	rem = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(off);
	for (; nla_ok(tlv, rem); tlv = nla_next(tlv, &rem))
		if (nla_type(tlv) == NLMSGERR_ATTR_MSG)
			snprintf(r->msg, sizeof(r->msg), "%s",
				 (char *)nla_data(tlv));
	return NL_STOP;
}

static void parse_device(struct reply *r, struct nlattr *nest)
{
	struct nlattr *tb[TPPGATE_DEVICE_A_MAX + 1];
	int i = r->ndev;

	if (i >= MAX_DEVS || nla_parse_nested(tb, TPPGATE_DEVICE_A_MAX, nest, NULL))
		return;
	memset(&r->dev[i], 0, sizeof(r->dev[i]));
	if (tb[TPPGATE_DEVICE_A_BDF])
		snprintf(r->dev[i].bdf, sizeof(r->dev[i].bdf), "%s",
			 nla_get_string(tb[TPPGATE_DEVICE_A_BDF]));
	if (tb[TPPGATE_DEVICE_A_DRIVER])
		snprintf(r->dev[i].driver, sizeof(r->dev[i].driver), "%s",
			 nla_get_string(tb[TPPGATE_DEVICE_A_DRIVER]));
	if (tb[TPPGATE_DEVICE_A_STATE])
		r->dev[i].state = nla_get_u32(tb[TPPGATE_DEVICE_A_STATE]);
	if (tb[TPPGATE_DEVICE_A_REASON])
		r->dev[i].reason = nla_get_u32(tb[TPPGATE_DEVICE_A_REASON]);
	if (tb[TPPGATE_DEVICE_A_FLAGS])
		r->dev[i].flags = nla_get_u32(tb[TPPGATE_DEVICE_A_FLAGS]);
	if (tb[TPPGATE_DEVICE_A_CLASS])
		r->dev[i].class = nla_get_u32(tb[TPPGATE_DEVICE_A_CLASS]);
	r->ndev++;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1];
	struct reply *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TPPGATE_A_MAX, NULL))
		return NL_SKIP;
	if (tb[TPPGATE_A_DEVICE])
		parse_device(r, tb[TPPGATE_A_DEVICE]);
	if (tb[TPPGATE_A_STATUS]) {
		struct nlattr *st[TPPGATE_STATUS_A_MAX + 1];

		nla_parse_nested(st, TPPGATE_STATUS_A_MAX, tb[TPPGATE_A_STATUS], NULL);
		if (st[TPPGATE_STATUS_A_N_QUARANTINED])
			r->n_quarantined = nla_get_u32(st[TPPGATE_STATUS_A_N_QUARANTINED]);
		if (st[TPPGATE_STATUS_A_N_ADMITTED])
			r->n_admitted = nla_get_u32(st[TPPGATE_STATUS_A_N_ADMITTED]);
		if (st[TPPGATE_STATUS_A_VERSION])
			snprintf(r->version, sizeof(r->version), "%s",
				 nla_get_string(st[TPPGATE_STATUS_A_VERSION]));
	}
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	((struct reply *)arg)->done = 1;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and collect the replies and the error into @r.
 * nl_recvmsgs() returns after each datagram, and a reply and its ACK are
 * two: read until the ACK, the error or the end of the dump, so no answer
 * is left behind for the next request.
 */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct reply *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	memset(r, 0, sizeof(*r));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (ret >= 0 && !r->done)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	return r->err ? r->err : (ret < 0 ? -EIO : 0);
}

static struct nl_msg *new_req(int fam, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, flags | NLM_F_ACK,
		    cmd, TPPGATE_GENL_VERSION);
	return msg;
}

static struct nl_msg *bdf_req(int fam, int cmd, const char *bdf)
{
	struct nl_msg *msg = new_req(fam, cmd, 0);
	struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_DEVICE);

	nla_put_string(msg, TPPGATE_DEVICE_A_BDF, bdf);
	nla_nest_end(msg, nest);
	return msg;
}

static int dump(struct nl_sock *sk, int fam, struct reply *r)
{
	return transact(sk, new_req(fam, TPPGATE_CMD_DEVICE_GET, NLM_F_DUMP), r);
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static void driver_of(const char *bdf, char *out, size_t len)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(out, len, "none");
		return;
	}
	link[n] = '\0';
	snprintf(out, len, "%s", strrchr(link, '/') + 1);
}

/* The edu devices (1234:11e8) in address order; returns how many. */
static int edu_devices(char bdfs[][TPPGATE_BDF_MAX + 1], int max)
{
	struct dirent **names;
	int n, i, found = 0;

	n = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char path[300], v[16], d[16];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 names[i]->d_name);
		if (read_file(path, v, sizeof(v)) == 0 && !strcmp(v, "0x1234")) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
				 names[i]->d_name);
			if (read_file(path, d, sizeof(d)) == 0 &&
			    !strcmp(d, "0x11e8") && found < max)
				snprintf(bdfs[found++], TPPGATE_BDF_MAX + 1, "%.16s",
					 names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return found;
}

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

/* Drop every capability, keeping uid 0: only CAP_NET_ADMIN should matter. */
static int drop_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	return syscall(SYS_capset, &hdr, data);
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

static void ident_of(const char *bdf, char *out, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/edu_ident", bdf);
	if (read_file(path, out, len))
		snprintf(out, len, "absent");
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

static int seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

static int wait_event(struct nl_sock *sk, unsigned int want, const char *bdf)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	struct reply r;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int i, found = 0;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	/* Multicast messages carry no sequence number. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	/* Bounded: events are sent before the request's reply, so they wait. */
	for (i = 0; i < 16 && !found && poll(&pfd, 1, 5000) == 1; i++) {
		memset(&r, 0, sizeof(r));
		nl_recvmsgs(sk, cb);
		found = r.ndev == 1 && !strcmp(r.dev[0].bdf, bdf) &&
			r.dev[0].state == want;
	}
	nl_cb_put(cb);
	return found;
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
