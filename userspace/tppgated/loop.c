// SPDX-License-Identifier: GPL-2.0
/*
 * The main loop: one poll() over every input (see tppgated.h). Kernel and
 * file events only mark the state dirty; the re-plan runs once per loop
 * turn, after everything pending was read, so a burst of hotplug events
 * costs one plan. Our own GRANT_SET makes the kernel admit devices, which
 * sends events, which re-plan: the plan then finds nothing changed and
 * sends nothing, so the loop settles.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon.h"

enum { P_SIG, P_RENEW, P_WD, P_INO, P_KERNEL, P_LEDGER, P_CTL, P_CLIENT };

static void notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

static void notify_reloading(void)
{
	char buf[64];
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	notify(buf);
}

static int watch_policy(struct daemon *d)
{
	char dir[TPPGATED_PATH_MAX], *slash;

	/* The directory, not the file: editors and mv replace by rename. */
	snprintf(dir, sizeof(dir), "%s", d->cfg.policy_file);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (inotify_add_watch(d->ino, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_CREATE | IN_DELETE | IN_MOVED_FROM) < 0) {
		log_warn("cannot watch %s (%s): policy changes need SIGHUP",
			 dir, strerror(errno));
		return -errno;
	}
	return 0;
}

static void read_inotify(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(d->cfg.policy_file, '/') + 1;
	bool changed = false;
	ssize_t n;

	while ((n = read(d->ino, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			/* A half-written file is only announced at close/rename. */
			if (ev->len && !strcmp(ev->name, base) &&
			    (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed)
		daemon_apply_policy_file(d);
}

static void reload(struct daemon *d)
{
	struct tppgated_config c;
	char err[TPPGATED_ERR_LEN];

	notify_reloading();
	log_notice("SIGHUP: reloading %s and the policy file", d->cfg_path);
	if (tppgated_config_load(d->cfg_path, d->cfg_missing_ok, &c, err,
				 sizeof(err))) {
		log_err("%s; keeping the configuration in force", err);
	} else {
		/* What the running objects were built with stays until restart. */
		if (strcmp(c.socket, d->cfg.socket) || c.kernel != d->cfg.kernel ||
		    strcmp(c.state_dir, d->cfg.state_dir) ||
		    strcmp(c.ledger, d->cfg.ledger) ||
		    strcmp(c.policy_file, d->cfg.policy_file))
			log_warn("socket, kernel, state_dir, ledger and policy_file take effect at restart");
		memcpy(c.socket, d->cfg.socket, sizeof(c.socket));
		memcpy(c.state_dir, d->cfg.state_dir, sizeof(c.state_dir));
		memcpy(c.policy_file, d->cfg.policy_file, sizeof(c.policy_file));
		memcpy(c.ledger, d->cfg.ledger, sizeof(c.ledger));
		c.kernel = d->cfg.kernel;
		d->cfg = c;
		tppgated_log_level(c.log_level);
	}
	daemon_apply_policy_file(d);
	d->force = true;
	daemon_grant(d);
	notify("READY=1");
}

static void read_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			d->stop = true;
	}
}

static void drain_timer(int fd)
{
	uint64_t n;

	(void)!read(fd, &n, sizeof(n));
}

static int arm_watchdog(struct daemon *d)
{
#ifdef HAVE_LIBSYSTEMD
	struct itimerspec its = { 0 };
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || !usec)
		return -1;
	/* Every half period, from the loop itself: the ping proves it turns. */
	usec /= 2;
	its.it_value.tv_sec = (time_t)(usec / 1000000);
	its.it_value.tv_nsec = (long)(usec % 1000000) * 1000;
	its.it_interval = its.it_value;
	d->wd_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->wd_tfd < 0 || timerfd_settime(d->wd_tfd, 0, &its, NULL))
		return -1;
	d->watchdog_usec = usec * 2;
	return 0;
#else
	(void)d;
	return -1;
#endif
}

int daemon_run(struct daemon *d)
{
	struct pollfd pfd[P_CLIENT + CONTROL_CLIENTS];
	char status[128];
	size_t i;
	int n;

	d->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->ino >= 0)
		watch_policy(d);
	arm_watchdog(d);
	snprintf(status, sizeof(status),
		 "READY=1\nSTATUS=serving; policy serial %llu, grant %llu TPP",
		 (unsigned long long)d->serial, (unsigned long long)d->granted);
	notify(status);
	log_notice("ready: control socket %s", d->cfg.socket);
	while (!d->stop) {
		pfd[P_SIG] = (struct pollfd){ d->sfd, POLLIN, 0 };
		pfd[P_RENEW] = (struct pollfd){ d->renew_tfd, POLLIN, 0 };
		pfd[P_WD] = (struct pollfd){ d->wd_tfd, POLLIN, 0 };
		pfd[P_INO] = (struct pollfd){ d->ino, POLLIN, 0 };
		pfd[P_KERNEL] = (struct pollfd){ d->kops->events_fd(d->k), POLLIN, 0 };
		pfd[P_LEDGER] = (struct pollfd){ d->lops->fd(d->l), POLLIN, 0 };
		pfd[P_CTL] = (struct pollfd){ d->ctl_fd, POLLIN, 0 };
		for (i = 0; i < CONTROL_CLIENTS; i++)
			pfd[P_CLIENT + i] = (struct pollfd){ d->clients[i].fd, POLLIN, 0 };
		n = poll(pfd, ARRAY_SIZE(pfd), -1);
		d->wakeups++;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("poll: %s", strerror(errno));
			return -errno;
		}
		if (pfd[P_SIG].revents)
			read_signals(d);
		if (pfd[P_WD].revents) {
			drain_timer(d->wd_tfd);
			notify("WATCHDOG=1");
		}
		if (pfd[P_RENEW].revents) {
			drain_timer(d->renew_tfd);
			d->force = true;
			d->dirty = true;
		}
		if (pfd[P_INO].revents)
			read_inotify(d);
		if (pfd[P_KERNEL].revents) {
			unsigned int ch = 0;

			if (d->kops->events_read(d->k, &ch))
				log_warn("reading kernel events failed");
			if (ch & (KERNEL_CHANGE_LAPSED | KERNEL_CHANGE_LOST))
				d->force = true;
			if (ch)
				d->dirty = true;
		}
		if (pfd[P_LEDGER].revents) {
			int ch = d->lops->dispatch(d->l);

			if (ch & LEDGER_CHANGE_POLICY)
				daemon_apply_ledger_policy(d);
			if (ch & LEDGER_CHANGE_RESERVE)
				d->force = true;
			if (ch)
				d->dirty = true;
		}
		if (pfd[P_CTL].revents)
			control_accept(d);
		for (i = 0; i < CONTROL_CLIENTS; i++)
			if (pfd[P_CLIENT + i].revents && d->clients[i].fd >= 0)
				control_client_io(d, &d->clients[i]);
		if (d->dirty && !d->stop) {
			d->dirty = false;
			daemon_grant(d);
		}
	}
	notify("STOPPING=1");
	log_notice("stopping; the grant lapses by its lease, nothing is released early");
	return 0;
}
