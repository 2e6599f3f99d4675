// SPDX-License-Identifier: LGPL-2.1
/*
 * Generic netlink I/O for libtppgate, on libnl-genl. Everything that turns
 * bytes into structs lives in decode.c; this file only moves messages.
 *
 * Extended acks: libnl 3.7 neither enables NETLINK_EXT_ACK nor parses the
 * TLVs (its error callback gets a bare struct nlmsgerr, without the message
 * length the TLVs need). So the socket option is set by hand, and the raw
 * NLMSG_ERROR / NLMSG_DONE message is taken from the NL_CB_MSG_IN hook, which
 * sees every message whole, and handed to tppgate_decode_extack().
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "decode.h"
#include "internal.h"
#include "libtppgate.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* How long a reply may take. Admission re-probes a driver, which can be slow. */
#define REPLY_TIMEOUT_MS	30000
/*
 * Send buffer of the request socket: a POLICY_SET carries up to 60 KiB of
 * blob and 8 KiB of signature, more than libnl's default of 32 KiB.
 */
#define REQUEST_SNDBUF		(256 * 1024)
/* Receive buffer of the events socket, and room for one datagram. */
#define EVENTS_RCVBUF		(1024 * 1024)
#define EVENTS_DGRAM_MAX	(32 * 1024)
/* Datagrams read per tppgate_events_read() call, so a flood cannot starve. */
#define EVENTS_BATCH		64

struct tppgate_handle {
	struct nl_sock *sk;		/* requests and replies */
	struct nl_sock *ev_sk;		/* multicast events, or NULL */
	unsigned char *ev_buf;		/* EVENTS_DGRAM_MAX bytes */
	uint16_t family;
	char errmsg[TPPGATE_ERRMSG_LEN];
	uint32_t erroff;		/* NLMSGERR_ATTR_OFFS, 0: none */
	size_t blob_at, blob_len;	/* the last POLICY_SET's blob */
};

/* What a request carries: a BDF, a policy and its signature, or a grant. */
struct req_attrs {
	const char *bdf;
	const void *blob, *sig;
	size_t blen, slen;
	bool grant;
	uint64_t tpp, serial;
	uint32_t lease;
};

/* One request and the state of its replies. */
struct req {
	struct tppgate_handle *h;
	uint32_t seq;
	int err;
	bool done;
	int (*reply)(struct req *rq, const void *attrs, size_t len);
	tppgate_device_cb dev_cb;
	void *cb_ctx;
	void *out;
	unsigned int replies;
};

static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	case NLE_MSG_OVERFLOW:
		return -ENOBUFS;
	case NLE_PROTO_MISMATCH:
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_NOADDR:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static void clear_errmsg(struct tppgate_handle *h)
{
	h->errmsg[0] = '\0';
	h->erroff = 0;
	h->blob_len = 0;
}

const char *tppgate_last_error_msg(const struct tppgate_handle *h)
{
	return h && h->errmsg[0] ? h->errmsg : NULL;
}

static void enable_ext_ack(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	/* Best effort: kernels before 4.12 simply send no TLVs. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Do not echo our request back in errors; we only want the TLVs. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int open_sock(struct nl_sock **skp)
{
	struct nl_sock *sk;
	int err;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0) {
		nl_socket_free(sk);
		return nlerr_to_errno(err);
	}
	enable_ext_ack(sk);
	*skp = sk;
	return 0;
}

static int alloc_handle(struct tppgate_handle **hp)
{
	struct tppgate_handle *h;
	int err;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	err = open_sock(&h->sk);
	if (err) {
		free(h);
		return err;
	}
	err = nl_socket_set_buffer_size(h->sk, 0, REQUEST_SNDBUF);
	if (err < 0) {
		nl_socket_free(h->sk);
		free(h);
		return nlerr_to_errno(err);
	}
	*hp = h;
	return 0;
}

int tppgate_connect(struct tppgate_handle **hp)
{
	struct tppgate_handle *h;
	int err, id;

	err = alloc_handle(&h);
	if (err)
		return err;
	id = genl_ctrl_resolve(h->sk, TPPGATE_GENL_NAME);
	if (id < 0) {
		/* As wg does: no such family means the module is not loaded. */
		err = id == -NLE_OBJ_NOTFOUND ? -EPROTONOSUPPORT
					      : nlerr_to_errno(id);
		goto err_close;
	}
	if (id > UINT16_MAX) {
		err = -EPROTO;
		goto err_close;
	}
	h->family = (uint16_t)id;
	*hp = h;
	return 0;

err_close:
	tppgate_close(h);
	return err;
}

int tppgate_connect_peer(struct tppgate_handle **hp, uint16_t family,
			 uint32_t port)
{
	int err;

	err = alloc_handle(hp);
	if (err)
		return err;
	(*hp)->family = family;
	nl_socket_set_peer_port((*hp)->sk, port);
	return 0;
}

void tppgate_close(struct tppgate_handle *h)
{
	if (!h)
		return;
	if (h->ev_sk)
		nl_socket_free(h->ev_sk);
	free(h->ev_buf);
	nl_socket_free(h->sk);
	free(h);
}

/*
 * Sees every message first. Drops what does not come from the kernel (any
 * process may unicast to our port), and takes the errno and the extack of
 * our request.
 */
static int msg_in_handler(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *rq = arg;
	int err;

	if (nlmsg_get_src(msg)->nl_pid != nl_socket_get_peer_port(rq->h->sk))
		return NL_SKIP;
	if (nlh->nlmsg_seq != rq->seq)
		return NL_OK;
	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return NL_OK;
	if (tppgate_decode_extack(nlh, nlh->nlmsg_len, &err, rq->h->errmsg,
				  sizeof(rq->h->errmsg), &rq->h->erroff))
		return NL_OK;
	/* libnl ignores the error a dump ends with; we do not. */
	if (nlh->nlmsg_type == NLMSG_DONE && err < 0 && !rq->err)
		rq->err = err;
	return NL_OK;
}

static int valid_handler(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *rq = arg;
	struct genlmsghdr *g;
	int err;

	/* After a failure keep reading, so no reply is left on the socket. */
	if (rq->err)
		return NL_OK;
	if (nlh->nlmsg_type != rq->h->family || !genlmsg_valid_hdr(nlh, 0)) {
		rq->err = -EPROTO;
		return NL_OK;
	}
	g = nlmsg_data(nlh);
	err = rq->reply(rq, genlmsg_attrdata(g, 0),
			(size_t)genlmsg_attrlen(g, 0));
	if (err)
		rq->err = err;
	rq->replies++;
	return NL_OK;
}

static int error_handler(struct sockaddr_nl *nla, struct nlmsgerr *e,
			 void *arg)
{
	struct req *rq = arg;

	(void)nla;
	if (!rq->err)
		rq->err = e->error < 0 ? e->error : -EPROTO;
	rq->done = true;
	return NL_STOP;
}

static int done_handler(struct nl_msg *msg, void *arg)
{
	struct req *rq = arg;

	(void)msg;
	rq->done = true;
	return NL_STOP;
}

static struct nl_cb *req_callbacks(struct req *rq)
{
	struct nl_cb *cb;

	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, msg_in_handler, rq);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_handler, rq);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, done_handler, rq);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, done_handler, rq);
	nl_cb_err(cb, NL_CB_CUSTOM, error_handler, rq);
	return cb;
}

static int wait_readable(struct nl_sock *sk)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	int n;

	do {
		n = poll(&pfd, 1, REPLY_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n ? 0 : -ETIMEDOUT;
}

static int receive(struct tppgate_handle *h, struct req *rq)
{
	struct nl_cb *cb;
	int err = 0;

	cb = req_callbacks(rq);
	if (!cb)
		return -ENOMEM;
	while (!rq->done) {
		err = wait_readable(h->sk);
		if (err)
			break;
		err = nl_recvmsgs(h->sk, cb);
		if (err < 0 && !rq->done) {
			err = nlerr_to_errno(err);
			break;
		}
		err = 0;
	}
	nl_cb_put(cb);
	/* The kernel's own answer takes precedence over ours. */
	return rq->err ? rq->err : err;
}

static int put_attrs(struct nl_msg *msg, const struct req_attrs *ra)
{
	struct nlattr *nest;

	if (ra->bdf) {
		/* The kernel parses strictly: the nest must carry NLA_F_NESTED. */
		nest = nla_nest_start(msg, TPPGATE_A_DEVICE | NLA_F_NESTED);
		if (!nest || nla_put_string(msg, TPPGATE_DEVICE_A_BDF, ra->bdf) < 0)
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	if (ra->grant) {
		nest = nla_nest_start(msg, TPPGATE_A_GRANT | NLA_F_NESTED);
		if (!nest ||
		    nla_put_u64(msg, TPPGATE_GRANT_A_TPP, ra->tpp) < 0 ||
		    nla_put_u32(msg, TPPGATE_GRANT_A_LEASE, ra->lease) < 0 ||
		    nla_put_u64(msg, TPPGATE_GRANT_A_SERIAL, ra->serial) < 0)
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	/* The blob first: tppgate_policy_error_offset() relies on it. */
	if (ra->blob &&
	    (nla_put(msg, TPPGATE_A_POLICY, (int)ra->blen, ra->blob) < 0 ||
	     nla_put(msg, TPPGATE_A_SIGNATURE, (int)ra->slen, ra->sig) < 0))
		return -EMSGSIZE;
	return 0;
}

/* Sends @cmd with the attributes of @ra (if any), and collects the replies. */
static int request(struct tppgate_handle *h, struct req *rq, uint8_t cmd,
		   int flags, const struct req_attrs *ra)
{
	size_t size = 4096;
	struct nl_msg *msg;
	int err = -EMSGSIZE;

	clear_errmsg(h);
	if (ra && ra->blob)
		size += NLA_ALIGN(ra->blen) + NLA_ALIGN(ra->slen);
	msg = nlmsg_alloc_size(size);
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags,
			 cmd, TPPGATE_GENL_VERSION))
		goto out_free_msg;
	if (ra && put_attrs(msg, ra))
		goto out_free_msg;
	if (ra && ra->blob) {
		h->blob_at = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN;
		h->blob_len = ra->blen;
	}
	err = nl_send_auto(h->sk, msg);
	if (err < 0) {
		err = nlerr_to_errno(err);
		goto out_free_msg;
	}
	rq->h = h;
	rq->seq = nlmsg_hdr(msg)->nlmsg_seq;
	err = receive(h, rq);

out_free_msg:
	nlmsg_free(msg);
	return err;
}

/* The BDF as the kernel writes it, or -EINVAL before anything is sent. */
static int kernel_bdf(const char *bdf, char *buf)
{
	return tppgate_bdf_normalize(bdf, buf, TPPGATE_BDF_LEN);
}

static int one_device_reply(struct req *rq, const void *attrs, size_t len)
{
	if (rq->replies ||
	    tppgate_decode_device_attrs(attrs, len, rq->out))
		return -EPROTO;
	return 0;
}

static int device_cmd(struct tppgate_handle *h, uint8_t cmd, const char *bdf,
		      struct tppgate_device_info *out)
{
	struct req rq = { .reply = one_device_reply, .out = out };
	struct req_attrs ra = { 0 };
	char kbdf[TPPGATE_BDF_LEN];
	int err;

	err = kernel_bdf(bdf, kbdf);
	if (err)
		return err;
	ra.bdf = kbdf;
	err = request(h, &rq, cmd, 0, &ra);
	if (!err && !rq.replies)
		err = -EPROTO;
	return err;
}

int tppgate_device_get(struct tppgate_handle *h, const char *bdf,
		       struct tppgate_device_info *out)
{
	return device_cmd(h, TPPGATE_CMD_DEVICE_GET, bdf, out);
}

int tppgate_device_admit(struct tppgate_handle *h, const char *bdf,
			 struct tppgate_device_info *out)
{
	return device_cmd(h, TPPGATE_CMD_DEVICE_ADMIT, bdf, out);
}

int tppgate_device_quarantine(struct tppgate_handle *h, const char *bdf,
			      struct tppgate_device_info *out)
{
	return device_cmd(h, TPPGATE_CMD_DEVICE_QUARANTINE, bdf, out);
}

static int dump_device_reply(struct req *rq, const void *attrs, size_t len)
{
	struct tppgate_device_info dev;

	if (tppgate_decode_device_attrs(attrs, len, &dev))
		return -EPROTO;
	return rq->dev_cb(&dev, rq->cb_ctx);
}

int tppgate_device_list(struct tppgate_handle *h, tppgate_device_cb cb,
			void *ctx)
{
	struct req rq = { .reply = dump_device_reply, .dev_cb = cb,
			  .cb_ctx = ctx };

	return request(h, &rq, TPPGATE_CMD_DEVICE_GET, NLM_F_DUMP, NULL);
}

static int policy_reply(struct req *rq, const void *attrs, size_t len)
{
	struct tppgate_policy_info scratch;

	if (rq->replies ||
	    tppgate_decode_policy_info_attrs(attrs, len,
					     rq->out ? rq->out : &scratch))
		return -EPROTO;
	return 0;
}

int tppgate_policy_set(struct tppgate_handle *h, const void *blob, size_t blen,
		       const void *sig, size_t slen,
		       struct tppgate_policy_info *out)
{
	struct req rq = { .reply = policy_reply, .out = out };
	struct req_attrs ra = {
		.blob = blob, .blen = blen, .sig = sig, .slen = slen,
	};
	int err;

	clear_errmsg(h);
	if (!blen || !slen)
		return -EINVAL;
	if (blen > TPPGATE_POLICY_MAX || slen > TPPGATE_SIGNATURE_MAX)
		return -E2BIG;
	err = request(h, &rq, TPPGATE_CMD_POLICY_SET, 0, &ra);
	if (!err && !rq.replies)
		err = -EPROTO;
	return err;
}

int tppgate_policy_get(struct tppgate_handle *h,
		       struct tppgate_policy_info *out)
{
	struct req rq = { .reply = policy_reply, .out = out };
	int err;

	err = request(h, &rq, TPPGATE_CMD_POLICY_GET, 0, NULL);
	if (!err && !rq.replies)
		err = -EPROTO;
	return err;
}

int tppgate_policy_error_offset(const struct tppgate_handle *h, size_t *off)
{
	if (!h->blob_len || h->erroff < h->blob_at ||
	    h->erroff - h->blob_at >= h->blob_len)
		return -ENOENT;
	*off = h->erroff - h->blob_at;
	return 0;
}

static int status_reply(struct req *rq, const void *attrs, size_t len)
{
	if (rq->replies ||
	    tppgate_decode_status_attrs(attrs, len, rq->out))
		return -EPROTO;
	return 0;
}

int tppgate_status_get(struct tppgate_handle *h,
		       struct tppgate_status_info *out)
{
	struct req rq = { .reply = status_reply, .out = out };
	int err;

	err = request(h, &rq, TPPGATE_CMD_STATUS_GET, 0, NULL);
	if (!err && !rq.replies)
		err = -EPROTO;
	return err;
}

int tppgate_grant_set(struct tppgate_handle *h, uint64_t tpp, uint32_t lease,
		      uint64_t serial, struct tppgate_status_info *out)
{
	struct tppgate_status_info scratch;
	struct req rq = { .reply = status_reply, .out = out ? out : &scratch };
	struct req_attrs ra = {
		.grant = true, .tpp = tpp, .lease = lease, .serial = serial,
	};
	int err;

	clear_errmsg(h);
	if (!lease || lease > TPPGATE_GRANT_LEASE_MAX)
		return -ERANGE;
	err = request(h, &rq, TPPGATE_CMD_GRANT_SET, 0, &ra);
	if (!err && !rq.replies)
		err = -EPROTO;
	return err;
}

int tppgate_events_open(struct tppgate_handle *h, unsigned int grp)
{
	struct nl_sock *sk;
	int err;

	if (h->ev_sk)
		return -EALREADY;
	h->ev_buf = malloc(EVENTS_DGRAM_MAX);
	if (!h->ev_buf)
		return -ENOMEM;
	err = open_sock(&sk);
	if (err)
		goto err_free_buf;
	/* Multicast messages carry sequence number 0. */
	nl_socket_disable_seq_check(sk);
	err = nl_socket_set_buffer_size(sk, EVENTS_RCVBUF, 0);
	if (!err && grp)
		err = nl_socket_add_membership(sk, (int)grp);
	if (!err)
		err = nl_socket_set_nonblocking(sk);
	if (err < 0) {
		err = nlerr_to_errno(err);
		goto err_free_sock;
	}
	h->ev_sk = sk;
	return 0;

err_free_sock:
	nl_socket_free(sk);
err_free_buf:
	free(h->ev_buf);
	h->ev_buf = NULL;
	return err;
}

int tppgate_events_subscribe(struct tppgate_handle *h)
{
	int grp;

	clear_errmsg(h);
	grp = genl_ctrl_resolve_grp(h->sk, TPPGATE_GENL_NAME,
				    TPPGATE_MCGRP_EVENTS);
	if (grp < 0)
		return nlerr_to_errno(grp);
	return tppgate_events_open(h, (unsigned int)grp);
}

int tppgate_events_fd(const struct tppgate_handle *h)
{
	return h->ev_sk ? nl_socket_get_fd(h->ev_sk) : -EBADF;
}

/*
 * Reads one datagram. Return: its length, 0 when nothing is pending, -EAGAIN
 * when it should be skipped, or a negative errno.
 */
static ssize_t read_dgram(struct tppgate_handle *h)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = h->ev_buf, .iov_len = EVENTS_DGRAM_MAX };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(nl_socket_get_fd(h->ev_sk), &mh, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	/* Only the kernel may speak here; other processes can unicast to us. */
	if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
		return -EAGAIN;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	return n;
}

int tppgate_events_read(struct tppgate_handle *h, tppgate_event_cb cb,
			void *ctx)
{
	int i, err, ret = 0;
	ssize_t n;

	if (!h->ev_sk)
		return -EBADF;
	for (i = 0; i < EVENTS_BATCH; i++) {
		n = read_dgram(h);
		if (n == 0)
			break;
		if (n == -EAGAIN)
			continue;
		if (n == -ENOBUFS) {
			/* Lost events matter more than a malformed one. */
			ret = -ENOBUFS;
			continue;
		}
		if (n == -EMSGSIZE) {
			if (!ret)
				ret = -EBADMSG;
			continue;
		}
		if (n < 0)
			return (int)n;
		err = tppgate_decode_events(h->ev_buf, (size_t)n, h->family,
					    cb, ctx);
		if (err == -EBADMSG) {
			if (!ret)
				ret = err;
		} else if (err < 0) {
			return err;
		}
	}
	return ret;
}
