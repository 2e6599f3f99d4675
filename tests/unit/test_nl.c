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
};

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
	if (nla_parse(tb, TPPGATE_A_MAX, head, len, NULL) || !tb[TPPGATE_A_DEVICE])
		return;
	f->nested = tb[TPPGATE_A_DEVICE]->nla_type & NLA_F_NESTED;
	if (!nla_parse_nested(dtb, TPPGATE_DEVICE_A_MAX, tb[TPPGATE_A_DEVICE],
			      NULL) && dtb[TPPGATE_DEVICE_A_BDF])
		nla_strlcpy(f->bdf, dtb[TPPGATE_DEVICE_A_BDF], sizeof(f->bdf));
}

static void *fake_main(void *arg)
{
	static uint32_t buf[1024];
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
	spoofed_events(&f, h);
	tppgate_close(h);
	close(f.fd);
	close(f.fd2);
}
