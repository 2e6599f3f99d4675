// SPDX-License-Identifier: GPL-2.0
/*
 * libtppgate's netlink I/O against a stand-in kernel: a netlink socket in a
 * thread that receives each request, checks how it was built, and answers
 * with scripted messages (replies, acks, errors with extended acks, dumps).
 * Userspace-to-userspace unicast needs CAP_NET_ADMIN; without it the suite
 * is skipped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "msgs.h"
#include "tppctl.h"
#include "unit.h"

#define FAMILY 0x7e

struct fake;
typedef void (*script_fn)(struct fake *f);

struct fake {
	int fd;
	int fd2;		/* another process, as far as netlink knows */
	uint32_t port;
	pthread_t thread;
	script_fn script;
	/* The request as received. */
	uint32_t peer;
	uint32_t seq;
	uint16_t type, flags;
	uint8_t cmd, version;
	int n_attrs;
	bool nested;
	char bdf[32];
	/* A POLICY_SET's attributes, as received. */
	size_t blob_len, sig_len;
	bool blob_same, sig_same;
	uint32_t error_offs;		/* for reply_policy_refused */
	/* A GRANT_SET's nest, as received. */
	bool grant_nested;
	int grant_attrs;
	uint64_t grant_tpp, grant_serial;
	uint32_t grant_lease;
};

/* What the next POLICY_SET should carry. */
static const uint8_t *want_blob, *want_sig;
static size_t want_blen, want_slen;

static int fake_open(struct fake *f)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len = sizeof(sa);

	memset(f, 0, sizeof(*f));
	f->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (f->fd < 0)
		return -errno;
	if (bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(f->fd, (struct sockaddr *)&sa, &len) ||
	    setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		close(f->fd);
		return -errno;
	}
	f->port = sa.nl_pid;
	f->fd2 = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	sa.nl_pid = 0;
	if (f->fd2 < 0 || bind(f->fd2, (struct sockaddr *)&sa, sizeof(sa))) {
		close(f->fd);
		return -errno;
	}
	return 0;
}

static int send_to(struct fake *f, uint32_t port, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = port };

	if (sendto(f->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Whether this process may unicast to another userspace socket. */
static bool can_unicast(struct fake *f)
{
	struct nlmsghdr nlh = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP };
	char buf[64];

	if (send_to(f, f->port, &nlh, sizeof(nlh)))
		return false;
	return recv(f->fd, buf, sizeof(buf), 0) > 0;
}

static void record(struct fake *f, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *tb[TPPGATE_A_MAX + 1] = { NULL };
	struct nlattr *dtb[TPPGATE_DEVICE_A_MAX + 1] = { NULL };
	struct nlattr *a, *head = (struct nlattr *)((char *)g + GENL_HDRLEN);
	int len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), rem;

	f->seq = nlh->nlmsg_seq;
	f->type = nlh->nlmsg_type;
	f->flags = nlh->nlmsg_flags;
	f->cmd = g->cmd;
	f->version = g->version;
	nla_for_each_attr(a, head, len, rem)
		f->n_attrs++;
	if (nla_parse(tb, TPPGATE_A_MAX, head, len, NULL))
		return;
	if (tb[TPPGATE_A_POLICY] && tb[TPPGATE_A_SIGNATURE]) {
		f->blob_len = (size_t)nla_len(tb[TPPGATE_A_POLICY]);
		f->sig_len = (size_t)nla_len(tb[TPPGATE_A_SIGNATURE]);
		f->blob_same = f->blob_len == want_blen &&
			       !memcmp(nla_data(tb[TPPGATE_A_POLICY]), want_blob,
				       want_blen);
		f->sig_same = f->sig_len == want_slen &&
			      !memcmp(nla_data(tb[TPPGATE_A_SIGNATURE]), want_sig,
				      want_slen);
		/* The blob must be the first attribute (error offsets). */
		f->blob_same &= (void *)tb[TPPGATE_A_POLICY] == (void *)head;
	}
	if (tb[TPPGATE_A_GRANT]) {
		struct nlattr *gtb[TPPGATE_GRANT_A_MAX + 1] = { NULL };

		f->grant_nested = tb[TPPGATE_A_GRANT]->nla_type & NLA_F_NESTED;
		nla_for_each_nested(a, tb[TPPGATE_A_GRANT], rem)
			f->grant_attrs++;
		if (!nla_parse_nested(gtb, TPPGATE_GRANT_A_MAX,
				      tb[TPPGATE_A_GRANT], NULL) &&
		    gtb[TPPGATE_GRANT_A_TPP] && gtb[TPPGATE_GRANT_A_LEASE] &&
		    gtb[TPPGATE_GRANT_A_SERIAL] &&
		    nla_len(gtb[TPPGATE_GRANT_A_TPP]) == 8 &&
		    nla_len(gtb[TPPGATE_GRANT_A_LEASE]) == 4 &&
		    nla_len(gtb[TPPGATE_GRANT_A_SERIAL]) == 8) {
			f->grant_tpp = nla_get_u64(gtb[TPPGATE_GRANT_A_TPP]);
			f->grant_lease = nla_get_u32(gtb[TPPGATE_GRANT_A_LEASE]);
			f->grant_serial = nla_get_u64(gtb[TPPGATE_GRANT_A_SERIAL]);
		}
	}
	if (!tb[TPPGATE_A_DEVICE])
		return;
	f->nested = tb[TPPGATE_A_DEVICE]->nla_type & NLA_F_NESTED;
	if (!nla_parse_nested(dtb, TPPGATE_DEVICE_A_MAX, tb[TPPGATE_A_DEVICE],
			      NULL) && dtb[TPPGATE_DEVICE_A_BDF])
		nla_strlcpy(f->bdf, dtb[TPPGATE_DEVICE_A_BDF], sizeof(f->bdf));
}

static void *fake_main(void *arg)
{
	/* Room for a POLICY_SET of 60 KiB of blob and 8 KiB of signature. */
	static uint32_t buf[24 * 1024];
	struct fake *f = arg;
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);
	ssize_t n;

	n = recvfrom(f->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl);
	if (n < (ssize_t)(NLMSG_HDRLEN + GENL_HDRLEN))
		return NULL;
	f->peer = sa.nl_pid;
	record(f, (struct nlmsghdr *)buf);
	f->script(f);
	return NULL;
}

static void start(struct fake *f, script_fn script)
{
	f->script = script;
	f->n_attrs = 0;
	f->nested = false;
	f->bdf[0] = '\0';
	f->cmd = 0;
	f->blob_len = f->sig_len = 0;
	f->blob_same = f->sig_same = false;
	f->grant_nested = false;
	f->grant_attrs = 0;
	f->grant_tpp = f->grant_serial = f->grant_lease = 0;
	pthread_create(&f->thread, NULL, fake_main, f);
}

static void finish(struct fake *f)
{
	pthread_join(f->thread, NULL);
}

/* Sends messages (all in one datagram). */
static void send_msgs(struct fake *f, struct nl_msg **m, size_t n)
{
	static uint32_t dg[2048];
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = nlmsg_hdr(m[i]);

		memcpy((char *)dg + off, nlh, nlh->nlmsg_len);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		nlmsg_free(m[i]);
	}
	send_to(f, f->peer, dg, off);
}

static struct nl_msg *device_reply(struct fake *f, int flags, uint32_t state,
				   const char *bdf)
{
	struct nl_msg *m = genl_msg(FAMILY, f->cmd, flags, f->seq, f->peer);
	struct attr a[DEVICE_ATTRS];

	memcpy(a, good_device, sizeof(a));
	/* 99 marks a malformed device: a class wider than 24 bits. */
	if (state == 99)
		a[5].v = 0x1000000;
	else
		a[6].v = state;
	if (bdf)
		a[0].s = bdf;
	put_nest(m, TPPGATE_A_DEVICE, a, DEVICE_ATTRS);
	return m;
}

static void send_ack(struct fake *f, int error, const char *text)
{
	uint32_t buf[64];
	size_t len = error_msg(buf, error, f->seq, NLM_F_CAPPED, 0, text);

	((struct nlmsghdr *)buf)->nlmsg_pid = f->peer;
	send_to(f, f->peer, buf, len);
}

static void send_done(struct fake *f, int error, const char *text)
{
	uint32_t buf[64];
	size_t len = done_msg(buf, error, f->seq, text);

	((struct nlmsghdr *)buf)->nlmsg_pid = f->peer;
	send_to(f, f->peer, buf, len);
}

static void reply_device_ack(struct fake *f)
{
	struct nl_msg *m = device_reply(f, 0, TPPGATE_STATE_ADMITTED, NULL);

	send_msgs(f, &m, 1);
	send_ack(f, 0, NULL);
}

/* A forged error with the right sequence number, from another port. */
static void reply_spoofed_first(struct fake *f)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = f->peer };
	uint32_t buf[64];
	size_t len = error_msg(buf, -EPERM, f->seq, NLM_F_CAPPED, 0, "forged");

	sendto(f->fd2, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	usleep(10000);
	reply_device_ack(f);
}

static void reply_eperm(struct fake *f)
{
	send_ack(f, -EPERM, "tppgate: admission by hand needs manual=1");
}

static void reply_einval_uncapped(struct fake *f)
{
	uint32_t buf[64];
	size_t len = error_msg(buf, -EINVAL, f->seq, 0, 9, "bad BDF attribute");

	send_to(f, f->peer, buf, len);
}

static void reply_dump3(struct fake *f)
{
	struct nl_msg *m[2];

	m[0] = device_reply(f, NLM_F_MULTI, TPPGATE_STATE_QUARANTINED,
			    "0000:00:05.0");
	m[1] = device_reply(f, NLM_F_MULTI, TPPGATE_STATE_QUARANTINED,
			    "0000:00:04.0");
	send_msgs(f, m, 2);
	m[0] = device_reply(f, NLM_F_MULTI, TPPGATE_STATE_ADMITTED,
			    "0000:00:06.0");
	send_msgs(f, m, 1);
	send_done(f, 0, NULL);
}

static void reply_dump_error(struct fake *f)
{
	struct nl_msg *m = device_reply(f, NLM_F_MULTI, 0, NULL);

	send_msgs(f, &m, 1);
	send_done(f, -EIO, "dump broke");
}

static void reply_malformed(struct fake *f)
{
	struct nl_msg *m = device_reply(f, 0, 99, NULL);

	send_msgs(f, &m, 1);
	send_ack(f, 0, NULL);
}

static void reply_ack_only(struct fake *f)
{
	send_ack(f, 0, NULL);
}

static void reply_status(struct fake *f)
{
	struct nl_msg *m = genl_msg(FAMILY, f->cmd, 0, f->seq, f->peer);

	put_nest(m, TPPGATE_A_STATUS, good_status, STATUS_ATTRS);
	send_msgs(f, &m, 1);
	send_ack(f, 0, NULL);
}

static void put_u8_attr(struct nl_msg *m, int type, uint8_t v)
{
	nla_put_u8(m, type, v);
}

/* TPPGATE_A_POLICY_INFO as the kernel writes it: u64s after PAD. */
static void put_policy_info(struct nl_msg *m)
{
	static const uint8_t sha[TPPGATE_SHA256_LEN] = { 0xde, 0xad };
	static const uint16_t classes[] = { 0x1200, 0x0b40 };
	struct nlattr *info, *host;

	info = nla_nest_start(m, TPPGATE_A_POLICY_INFO | NLA_F_NESTED);
	nla_put_u32(m, TPPGATE_POLICY_A_FORMAT, 1);
	nla_put(m, TPPGATE_POLICY_A_PAD, 0, NULL);
	nla_put_u64(m, TPPGATE_POLICY_A_SERIAL, 9);
	nla_put_string(m, TPPGATE_POLICY_A_ISSUER, "Caf\xc3\xa9 compliance");
	nla_put_u64(m, TPPGATE_POLICY_A_NOT_BEFORE, 1704067200);
	nla_put_u64(m, TPPGATE_POLICY_A_NOT_AFTER, 4102444799ULL);
	nla_put_string(m, TPPGATE_POLICY_A_REGION, "DE");
	put_u8_attr(m, TPPGATE_POLICY_A_TIER, 2);
	host = nla_nest_start(m, TPPGATE_POLICY_A_HOST | NLA_F_NESTED);
	nla_put_u32(m, TPPGATE_HOST_A_KIND, TPPGATE_HOST_MACHINE_ID);
	nla_put(m, TPPGATE_HOST_A_HASH, TPPGATE_SHA256_LEN, sha);
	nla_nest_end(m, host);
	nla_put_u64(m, TPPGATE_POLICY_A_NODE_CAP, 4000);
	nla_put_string(m, TPPGATE_POLICY_A_CLUSTER_ID, "eu-1");
	put_u8_attr(m, TPPGATE_POLICY_A_GRANT_REQUIRED, 0);
	nla_put_u32(m, TPPGATE_POLICY_A_OFFLINE_GRACE, 600);
	nla_put_u64(m, TPPGATE_POLICY_A_OFFLINE_CAP, 0);
	nla_put_u32(m, TPPGATE_POLICY_A_REVOKE_MODE, TPPGATE_REVOKE_DEADLINE);
	nla_put_u32(m, TPPGATE_POLICY_A_REVOKE_DEADLINE, 10);
	nla_put(m, TPPGATE_POLICY_A_CLASSES, sizeof(classes), classes);
	nla_put_u32(m, TPPGATE_POLICY_A_DEFAULT_ACTION, TPPGATE_ACTION_DENY);
	nla_put_u32(m, TPPGATE_POLICY_A_INFO_N_ENTRIES, 43);
	nla_put(m, TPPGATE_POLICY_A_INFO_SHA256, TPPGATE_SHA256_LEN, sha);
	nla_put_u64(m, TPPGATE_POLICY_A_INFO_LOADED_AT, 1767225600);
	nla_put_u64(m, TPPGATE_POLICY_A_INFO_VERIFY_NS, 1234567);
	nla_put_u64(m, TPPGATE_POLICY_A_INFO_PARSE_NS, 56789);
	nla_put_u64(m, TPPGATE_POLICY_A_INFO_APPLY_NS, 789000);
	put_u8_attr(m, TPPGATE_POLICY_A_INFO_EXPIRED, 0);
	nla_nest_end(m, info);
}

static void reply_policy(struct fake *f)
{
	struct nl_msg *m = genl_msg(FAMILY, f->cmd, 0, f->seq, f->peer);

	put_policy_info(m);
	send_msgs(f, &m, 1);
	send_ack(f, 0, NULL);
}

static void reply_policy_refused(struct fake *f)
{
	uint32_t buf[64];
	size_t len = error_msg_offs(buf, -EKEYREJECTED, f->seq, NLM_F_CAPPED, 0,
				    "tppgate: catalog has a partial entry",
				    f->error_offs);

	send_to(f, f->peer, buf, len);
}

static void reply_no_policy(struct fake *f)
{
	send_ack(f, -ENOENT, "tppgate: no policy loaded");
}

static void reply_stale(struct fake *f)
{
	send_ack(f, -ESTALE, "tppgate: grant for serial 6, policy in force is 7");
}

struct collected {
	unsigned int n;
	int fail_at;
	char bdfs[4][TPPGATE_BDF_LEN];
};

static int collect(const struct tppgate_device_info *d, void *arg)
{
	struct collected *c = arg;

	if (c->n < 4)
		memcpy(c->bdfs[c->n], d->bdf, TPPGATE_BDF_LEN);
	c->n++;
	return c->fail_at && (int)c->n == c->fail_at ? -ECANCELED : 0;
}

static void doit(struct fake *f, struct tppgate_handle *h)
{
	struct tppgate_device_info d;
	struct tppgate_status_info s;
	int err;

	start(f, reply_device_ack);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, 0, "device_get: reply and ack");
	is_int(f->cmd, TPPGATE_CMD_DEVICE_GET, "device_get sends DEVICE_GET");
	ok(f->type == FAMILY && f->version == TPPGATE_GENL_VERSION,
	   "request carries the family id and version 1");
	ok((f->flags & (NLM_F_REQUEST | NLM_F_ACK)) == (NLM_F_REQUEST | NLM_F_ACK) &&
	   !(f->flags & NLM_F_DUMP), "request asks for an ack, no dump");
	ok(f->nested, "TPPGATE_A_DEVICE is sent with NLA_F_NESTED");
	is_str(f->bdf, "0000:00:04.0", "the bdf is sent in the kernel's form");
	ok(d.state == TPPGATE_STATE_ADMITTED && !strcmp(d.bdf, "0000:00:04.0"),
	   "the reply is decoded");
	ok(!tppgate_last_error_msg(h), "no extack, no message");

	start(f, reply_device_ack);
	err = tppgate_device_admit(h, "0000:00:04.0", &d);
	finish(f);
	ok(!err && f->cmd == TPPGATE_CMD_DEVICE_ADMIT, "admit sends DEVICE_ADMIT");
	start(f, reply_device_ack);
	err = tppgate_device_quarantine(h, "0000:00:04.0", &d);
	finish(f);
	ok(!err && f->cmd == TPPGATE_CMD_DEVICE_QUARANTINE,
	   "quarantine sends DEVICE_QUARANTINE");

	start(f, reply_status);
	err = tppgate_status_get(h, &s);
	finish(f);
	is_int(err, 0, "status_get: reply and ack");
	ok(f->cmd == TPPGATE_CMD_STATUS_GET && f->n_attrs == 0,
	   "status request has no attributes");
	ok(s.n_quarantined == 3 && s.has_policy && s.policy_serial == 7,
	   "status reply decoded");

	is_int(tppgate_device_admit(h, "bogus", &d), -EINVAL,
	       "a malformed bdf fails before anything is sent");
}

static void errors(struct fake *f, struct tppgate_handle *h)
{
	struct tppctl_ctx ctx = { 0 };
	struct tppgate_device_info d;
	char *buf = NULL;
	size_t len;
	int err;

	start(f, reply_eperm);
	err = tppgate_device_admit(h, "00:04.0", &d);
	finish(f);
	is_int(err, -EPERM, "an error ack gives its errno");
	is_str(tppgate_last_error_msg(h),
	       "tppgate: admission by hand needs manual=1",
	       "and its extack message is kept");

	ctx.err = open_memstream(&buf, &len);
	tppctl_report(&ctx, h, err, "admit", "0000:00:04.0");
	fclose(ctx.err);
	is_str(buf, "tppctl: permission denied: changing devices needs CAP_NET_ADMIN\n"
	       "tppctl: kernel: tppgate: admission by hand needs manual=1\n",
	       "tppctl prints the errno's meaning, then the kernel's words");
	free(buf);

	start(f, reply_einval_uncapped);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, -EINVAL, "an uncapped error gives its errno");
	is_str(tppgate_last_error_msg(h), "bad BDF attribute",
	       "the extack after an echoed request is found");

	start(f, reply_malformed);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, -EPROTO, "a malformed reply is -EPROTO");
	start(f, reply_device_ack);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, 0, "the next request works: the ack was drained");
	ok(!tppgate_last_error_msg(h), "and the old message is cleared");

	start(f, reply_spoofed_first);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, 0, "a forged error from another port is ignored");
	ok(!tppgate_last_error_msg(h), "and its message too");

	start(f, reply_ack_only);
	err = tppgate_device_get(h, "00:04.0", &d);
	finish(f);
	is_int(err, -EPROTO, "an ack without the reply is -EPROTO");
}

static void dumps(struct fake *f, struct tppgate_handle *h)
{
	struct collected c = { 0 };
	int err;

	start(f, reply_dump3);
	err = tppgate_device_list(h, collect, &c);
	finish(f);
	is_int(err, 0, "a dump over two datagrams ends at NLMSG_DONE");
	ok(f->flags & NLM_F_DUMP, "the list request has NLM_F_DUMP");
	is_int(f->n_attrs, 0, "and no attributes");
	is_int(c.n, 3, "three devices");
	ok(!strcmp(c.bdfs[0], "0000:00:05.0") && !strcmp(c.bdfs[2], "0000:00:06.0"),
	   "in the order sent");

	memset(&c, 0, sizeof(c));
	start(f, reply_dump_error);
	err = tppgate_device_list(h, collect, &c);
	finish(f);
	is_int(err, -EIO, "the error in NLMSG_DONE is returned");
	is_str(tppgate_last_error_msg(h), "dump broke",
	       "with the extack of NLMSG_DONE");

	memset(&c, 0, sizeof(c));
	c.fail_at = 1;
	start(f, reply_dump3);
	err = tppgate_device_list(h, collect, &c);
	finish(f);
	is_int(err, -ECANCELED, "a callback error is returned");
	is_int(c.n, 1, "and no device is passed after it");
	{
		struct tppgate_device_info d;

		start(f, reply_device_ack);
		err = tppgate_device_get(h, "00:04.0", &d);
		finish(f);
		is_int(err, 0, "the rest of the dump was drained");
	}
}

struct ev_seen {
	unsigned int n;
};

static int seen(const struct tppgate_event_info *ev, void *arg)
{
	(void)ev;
	((struct ev_seen *)arg)->n++;
	return 0;
}

/* Only the kernel may send events; a process unicasting one is ignored. */
static void spoofed_events(struct fake *f, struct tppgate_handle *h)
{
	struct nl_msg *m = genl_msg(FAMILY, TPPGATE_CMD_EVENT, 0, 0, 0);
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);
	struct ev_seen s = { 0 };
	int fd;

	is_int(tppgate_events_fd(h), -EBADF, "no events fd before subscribing");
	if (!is_int(tppgate_events_open(h, 0), 0, "events socket opens"))
		return;
	fd = tppgate_events_fd(h);
	ok(fd >= 0, "events fd is valid");
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	nla_put_u32(m, TPPGATE_A_EVENT, TPPGATE_EVENT_DEVICE_ADDED);
	put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	f->peer = sa.nl_pid;
	send_msgs(f, &m, 1);
	usleep(10000);
	is_int(tppgate_events_read(h, seen, &s), 0, "reading events works");
	is_int(s.n, 0, "an event from a userspace port is dropped");
	is_int(tppgate_events_read(h, seen, &s), 0, "and the socket is drained");
}

static void policies(struct fake *f, struct tppgate_handle *h)
{
	static uint8_t blob[TPPGATE_POLICY_MAX], sig[TPPGATE_SIGNATURE_MAX];
	struct tppgate_policy_src p;
	struct tppgate_policy_info info;
	struct tppctl_ctx ctx = { 0 };
	size_t i, len, off = 0;
	char *buf = NULL, want[256];
	int err;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)(i * 13);
	want_blob = blob;
	want_blen = sizeof(blob);
	want_sig = sig;
	want_slen = sizeof(sig);
	memset(&info, 0xa5, sizeof(info));
	start(f, reply_policy);
	err = tppgate_policy_set(h, blob, sizeof(blob), sig, sizeof(sig), &info);
	finish(f);
	is_int(err, 0, "policy_set: 60 KiB of blob, 8 KiB of signature, replied");
	is_int(f->cmd, TPPGATE_CMD_POLICY_SET, "policy_set sends POLICY_SET");
	ok(f->blob_same && f->sig_same && f->n_attrs == 2,
	   "with exactly the blob (first) and the signature");
	ok(info.policy.serial == 9 && info.policy.tier == 2 &&
	   !strcmp(info.policy.issuer, "Caf\xc3\xa9 compliance") &&
	   !strcmp(info.policy.region, "DE") && info.policy.has_node_cap &&
	   info.policy.node_cap == 4000 && !info.policy.has_cluster_cap &&
	   !strcmp(info.policy.cluster_id, "eu-1"),
	   "the reply's POLICY_INFO is decoded, PAD ignored");
	ok(info.policy.has_host && info.policy.host_kind == TPPGATE_HOST_MACHINE_ID &&
	   info.sha256[0] == 0xde && info.policy.n_entries == 43 &&
	   info.policy.n_classes == 2 && info.policy.classes[1] == 0x0b40,
	   "host, catalog size, classes, sha256");
	ok(info.verify_ns == 1234567 && info.parse_ns == 56789 &&
	   info.apply_ns == 789000 && info.loaded_at == 1767225600 &&
	   !info.expired, "the phase timings");

	ctx.out = open_memstream(&buf, &len);
	tppctl_policy_loaded_text(ctx.out, &info);
	fclose(ctx.out);
	is_str(buf, "policy serial 9 loaded: region DE, tier 2, node cap 4000 TPP, "
	       "cluster cap none, 43 catalog entries\n"
	       "load timings:    verify 1234 us, parse 56 us, apply 789 us\n",
	       "tppctl policy load prints the serial, the caps and the timings");
	free(buf);

	is_int(tppgate_policy_set(h, blob, sizeof(blob) + 1, sig, 1, NULL),
	       -E2BIG, "a blob over 60 KiB is not sent");
	is_int(tppgate_policy_set(h, blob, 1, sig, sizeof(sig) + 1, NULL),
	       -E2BIG, "a signature over 8 KiB is not sent");

	/* A refusal that points into the blob: a real one, so it has names. */
	tppgate_policy_init(&p);
	p.serial = 1;
	strcpy(p.issuer, "x");
	p.not_after = 1;
	strcpy(p.region, "DE");
	p.tier = 1;
	p.n_entries = 1;
	p.entries = calloc(1, sizeof(*p.entries));
	p.entries[0].vendor = 0x1234;
	p.entries[0].action = TPPGATE_ACTION_DENY;
	tppgate_policy_encode(&p, blob, sizeof(blob), &len, NULL, 0);
	tppgate_policy_free(&p);
	want_blen = len;
	want_slen = 10;
	/* CATALOG is the last attribute: its header is 16 bytes from the end. */
	f->error_offs = (uint32_t)(NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN +
				   len - 16);
	start(f, reply_policy_refused);
	err = tppgate_policy_set(h, blob, len, sig, 10, &info);
	finish(f);
	is_int(err, -EKEYREJECTED, "a refusal gives the kernel's errno");
	ok(!tppgate_policy_error_offset(h, &off) && off == len - 16,
	   "and the extack's offset, inside the blob");
	ctx.err = open_memstream(&buf, &i);
	tppctl_report_policy(&ctx, h, err, "policy load", blob, len);
	fclose(ctx.err);
	snprintf(want, sizeof(want),
		 "tppctl: policy load: the signature does not match the policy\n"
		 "tppctl: kernel: tppgate: catalog has a partial entry\n"
		 "tppctl: at offset %zu of the policy blob: CATALOG\n", len - 16);
	is_str(buf, want, "tppctl says what it means, the kernel's words, and where");
	free(buf);

	start(f, reply_policy);
	err = tppgate_policy_get(h, &info);
	finish(f);
	ok(!err && f->cmd == TPPGATE_CMD_POLICY_GET && f->n_attrs == 0 &&
	   info.policy.serial == 9, "policy_get sends POLICY_GET, decodes the reply");
	ok(tppgate_policy_error_offset(h, &off) == -ENOENT,
	   "no offset after a request without a blob");

	start(f, reply_no_policy);
	err = tppgate_policy_get(h, &info);
	finish(f);
	is_int(err, -ENOENT, "policy_get: -ENOENT when none is loaded");
	ctx.err = open_memstream(&buf, &i);
	tppctl_report_policy(&ctx, h, err, "policy get", NULL, 0);
	fclose(ctx.err);
	is_str(buf, "tppctl: policy get: no policy loaded\n"
	       "tppctl: kernel: tppgate: no policy loaded\n",
	       "tppctl says there is no policy");
	free(buf);
}

static void grants(struct fake *f, struct tppgate_handle *h)
{
	struct tppgate_status_info s;
	int err;

	memset(&s, 0xa5, sizeof(s));
	start(f, reply_status);
	err = tppgate_grant_set(h, 5000, 60, 7, &s);
	finish(f);
	is_int(err, 0, "grant_set: status reply and ack");
	is_int(f->cmd, TPPGATE_CMD_GRANT_SET, "grant_set sends GRANT_SET");
	ok(f->grant_nested && f->n_attrs == 1 && f->grant_attrs == 3,
	   "one TPPGATE_A_GRANT, NLA_F_NESTED, with three attributes");
	ok(f->grant_tpp == 5000 && f->grant_lease == 60 && f->grant_serial == 7,
	   "the grant carries the TPP (u64), lease (u32) and serial (u64)");
	ok(s.has_grant && s.grant == 5000 && s.lease_left_ms == 45500,
	   "the reply's status is decoded");

	start(f, reply_status);
	err = tppgate_grant_set(h, 0, TPPGATE_GRANT_LEASE_MAX, UINT64_MAX, NULL);
	finish(f);
	ok(!err && f->grant_tpp == 0 && f->grant_lease == 3600 &&
	   f->grant_serial == UINT64_MAX,
	   "a grant of 0 for the longest lease, no output wanted");

	start(f, reply_stale);
	err = tppgate_grant_set(h, 100, 30, 6, &s);
	finish(f);
	is_int(err, -ESTALE, "a grant for another serial gives -ESTALE");
	is_str(tppgate_last_error_msg(h),
	       "tppgate: grant for serial 6, policy in force is 7",
	       "with the kernel's words");

	is_int(tppgate_grant_set(h, 100, 0, 7, &s), -ERANGE,
	       "a lease of 0 s is not sent");
	is_int(tppgate_grant_set(h, 100, TPPGATE_GRANT_LEASE_MAX + 1, 7, &s),
	       -ERANGE, "a lease of 3601 s is not sent");
	ok(!tppgate_last_error_msg(h), "and leaves no kernel message behind");
}

void test_nl(void)
{
	struct tppgate_handle *h;
	struct fake f;

	if (fake_open(&f)) {
		tap_skip("no netlink socket", "netlink I/O against a stand-in kernel");
		return;
	}
	if (!can_unicast(&f)) {
		tap_skip("needs CAP_NET_ADMIN", "netlink I/O against a stand-in kernel");
		close(f.fd);
		close(f.fd2);
		return;
	}
	if (!is_int(tppgate_connect_peer(&h, FAMILY, f.port), 0,
		    "a handle to the stand-in kernel")) {
		close(f.fd);
		close(f.fd2);
		return;
	}
	doit(&f, h);
	errors(&f, h);
	dumps(&f, h);
	policies(&f, h);
	grants(&f, h);
	spoofed_events(&f, h);
	tppgate_close(h);
	close(f.fd);
	close(f.fd2);
}
