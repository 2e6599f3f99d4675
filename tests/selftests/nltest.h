/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the in-VM tests: a raw libnl-genl client for the tppgate family
 * (so requests can be malformed on purpose) and sysfs helpers.
 */
#ifndef _TPPGATE_NLTEST_H
#define _TPPGATE_NLTEST_H

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

#define EDU_IDENT "0x010000ed"
#define MAX_DEVS 16

struct reply {
	int done;			/* the ACK, error or DONE arrived */
	unsigned long long serial;	/* from TPPGATE_A_POLICY_INFO */
	unsigned char sha256[TPPGATE_SHA256_LEN];
	unsigned int n_entries;
	unsigned long long verify_ns, parse_ns, apply_ns;
	unsigned int n_over_cap;
	unsigned long long admitted_tpp;
	int err;			/* 0 or negative errno from the kernel */
	char msg[256];			/* extack message */
	int ndev;
	struct {
		char bdf[TPPGATE_BDF_MAX + 1];
		char driver[64];
		unsigned int state, reason, flags, class;
		unsigned long long tpp;
	} dev[MAX_DEVS];
	unsigned int n_quarantined, n_admitted;
	unsigned int status_flags;
	char version[32];
};

static inline int family_id(struct nl_sock *sk)
{
	return genl_ctrl_resolve(sk, TPPGATE_GENL_NAME);
}

static inline struct nl_sock *open_sock(void)
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

static inline int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
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

static inline void parse_device(struct reply *r, struct nlattr *nest)
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
	if (tb[TPPGATE_DEVICE_A_TPP])
		r->dev[i].tpp = nla_get_u64(tb[TPPGATE_DEVICE_A_TPP]);
	r->ndev++;
}

static inline void parse_policy_info(struct reply *r, struct nlattr *nest)
{
	struct nlattr *tb[TPPGATE_POLICY_A_MAX + 1];

	if (nla_parse_nested(tb, TPPGATE_POLICY_A_MAX, nest, NULL))
		return;
	if (tb[TPPGATE_POLICY_A_SERIAL])
		r->serial = nla_get_u64(tb[TPPGATE_POLICY_A_SERIAL]);
	if (tb[TPPGATE_POLICY_A_INFO_SHA256])
		memcpy(r->sha256, nla_data(tb[TPPGATE_POLICY_A_INFO_SHA256]),
		       TPPGATE_SHA256_LEN);
	if (tb[TPPGATE_POLICY_A_INFO_N_ENTRIES])
		r->n_entries = nla_get_u32(tb[TPPGATE_POLICY_A_INFO_N_ENTRIES]);
	if (tb[TPPGATE_POLICY_A_INFO_VERIFY_NS])
		r->verify_ns = nla_get_u64(tb[TPPGATE_POLICY_A_INFO_VERIFY_NS]);
	if (tb[TPPGATE_POLICY_A_INFO_PARSE_NS])
		r->parse_ns = nla_get_u64(tb[TPPGATE_POLICY_A_INFO_PARSE_NS]);
	if (tb[TPPGATE_POLICY_A_INFO_APPLY_NS])
		r->apply_ns = nla_get_u64(tb[TPPGATE_POLICY_A_INFO_APPLY_NS]);
}

static inline int on_valid(struct nl_msg *msg, void *arg)
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
		if (st[TPPGATE_STATUS_A_N_OVER_CAP])
			r->n_over_cap = nla_get_u32(st[TPPGATE_STATUS_A_N_OVER_CAP]);
		if (st[TPPGATE_STATUS_A_ADMITTED_TPP])
			r->admitted_tpp = nla_get_u64(st[TPPGATE_STATUS_A_ADMITTED_TPP]);
		if (st[TPPGATE_STATUS_A_N_QUARANTINED])
			r->n_quarantined = nla_get_u32(st[TPPGATE_STATUS_A_N_QUARANTINED]);
		if (st[TPPGATE_STATUS_A_N_ADMITTED])
			r->n_admitted = nla_get_u32(st[TPPGATE_STATUS_A_N_ADMITTED]);
		if (st[TPPGATE_STATUS_A_FLAGS])
			r->status_flags = nla_get_u32(st[TPPGATE_STATUS_A_FLAGS]);
		if (st[TPPGATE_STATUS_A_VERSION])
			snprintf(r->version, sizeof(r->version), "%s",
				 nla_get_string(st[TPPGATE_STATUS_A_VERSION]));
	}
	if (tb[TPPGATE_A_POLICY_INFO])
		parse_policy_info(r, tb[TPPGATE_A_POLICY_INFO]);
	return NL_OK;
}

static inline int on_done(struct nl_msg *msg, void *arg)
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
static inline int transact(struct nl_sock *sk, struct nl_msg *msg, struct reply *r)
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

static inline struct nl_msg *new_req(int fam, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, flags | NLM_F_ACK,
		    cmd, TPPGATE_GENL_VERSION);
	return msg;
}

static inline struct nl_msg *bdf_req(int fam, int cmd, const char *bdf)
{
	struct nl_msg *msg = new_req(fam, cmd, 0);
	struct nlattr *nest = nla_nest_start(msg, TPPGATE_A_DEVICE);

	nla_put_string(msg, TPPGATE_DEVICE_A_BDF, bdf);
	nla_nest_end(msg, nest);
	return msg;
}

static inline int dump(struct nl_sock *sk, int fam, struct reply *r)
{
	return transact(sk, new_req(fam, TPPGATE_CMD_DEVICE_GET, NLM_F_DUMP), r);
}

static inline int read_file(const char *path, char *buf, size_t len)
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

static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline void driver_of(const char *bdf, char *out, size_t len)
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
static inline int edu_devices(char bdfs[][TPPGATE_BDF_MAX + 1], int max)
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

/* Drop every capability, keeping uid 0: only CAP_NET_ADMIN should matter. */
static inline int drop_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	return syscall(SYS_capset, &hdr, data);
}

static inline void ident_of(const char *bdf, char *out, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/edu_ident", bdf);
	if (read_file(path, out, len))
		snprintf(out, len, "absent");
}

static inline int seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

static inline int wait_event(struct nl_sock *sk, unsigned int want, const char *bdf)
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

/* @bdf's state and, in *@reason, its reason (~0u if the gate does not list it). */
static inline unsigned int dev_state(struct nl_sock *sk, int fam, const char *bdf,
				     unsigned int *reason)
{
	struct reply r;
	int ret = transact(sk, bdf_req(fam, TPPGATE_CMD_DEVICE_GET, bdf), &r);

	if (!ret && r.ndev != 1)
		ret = -ENODATA;
	if (reason)
		*reason = ret ? ~0u : r.dev[0].reason;
	return ret ? ~0u : r.dev[0].state;
}

#endif /* _TPPGATE_NLTEST_H */
