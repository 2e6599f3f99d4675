// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl monitor: one line per event until SIGINT or SIGTERM.
 *
 * A single poll() loop over the events socket and a signalfd, as tlshd does:
 * the signals are blocked and read as data, so they cannot interrupt a write
 * half-way and the exit is always clean (status 0).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "tppctl.h"

static int print_event(const struct tppgate_event_info *ev, void *arg)
{
	struct tppctl_ctx *ctx = arg;
	int err = 0;

	if (ctx->json)
		err = tppctl_print_json(ctx, tppctl_event_json(ev));
	else
		tppctl_event_text(ctx->out, ev);
	/* Whoever reads a pipe from us wants each event as it happens. */
	if (fflush(ctx->out) == EOF)
		err = -EIO;
	return err;
}

/* Return: 1 to go on, 0 to stop cleanly, or a negative errno. */
static int on_events(struct tppctl_ctx *ctx, struct tppgate_handle *h)
{
	int err;

	err = tppgate_events_read(h, print_event, ctx);
	switch (err) {
	case 0:
		return 1;
	case -ENOBUFS:
		fprintf(ctx->err, "tppctl: monitor: events lost (receive buffer overflowed)\n");
		return 1;
	case -EBADMSG:
		fprintf(ctx->err, "tppctl: monitor: skipped a malformed event\n");
		return 1;
	case -EIO:
		return err;
	default:
		tppctl_report(ctx, h, err, "monitor", NULL);
		return err;
	}
}

/*
 * SIGINT or SIGTERM: consume it, or it would be delivered, and kill us, when
 * the old signal mask comes back.
 */
static int stop(int sfd)
{
	struct signalfd_siginfo si[2];	/* both may be pending */

	if (read(sfd, si, sizeof(si)) < (ssize_t)sizeof(si[0]))
		return -EIO;
	return 0;
}

static int loop(struct tppctl_ctx *ctx, struct tppgate_handle *h, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = tppgate_events_fd(h), .events = POLLIN },
	};
	int ret = 1;

	while (ret > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			tppctl_report(ctx, h, ret, "monitor", NULL);
			break;
		}
		if (pfd[0].revents)
			return stop(sfd);
		if (pfd[1].revents)
			ret = on_events(ctx, h);
	}
	return ret;
}

static int subscribe(struct tppctl_ctx *ctx, struct tppgate_handle *h)
{
	int err;

	err = tppgate_events_subscribe(h);
	if (err == -ENOENT)
		fprintf(ctx->err, "tppctl: monitor: the module has no \"%s\" group\n",
			TPPGATE_MCGRP_EVENTS);
	else if (err)
		tppctl_report(ctx, h, err, "monitor", NULL);
	return err;
}

int monitor_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	struct tppgate_handle *h;
	struct tppctl_args args;
	sigset_t mask, old;
	int err, sfd;

	err = tppctl_parse_args(argc, argv, TPPCTL_BDF_NONE, &args, ctx->err);
	if (err || args.help)
		return err;
	ctx->json |= args.json;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return -errno;
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		err = -errno;
		tppctl_report(ctx, NULL, err, "monitor", NULL);
		goto out_restore_mask;
	}
	err = tppctl_connect(ctx, &h, "monitor");
	if (err)
		goto out_close_sfd;
	err = subscribe(ctx, h);
	if (!err)
		err = loop(ctx, h, sfd);
	tppgate_close(h);
out_close_sfd:
	close(sfd);
out_restore_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}
