// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: AF_UNIX stream, mode 0600 in a 0700 directory, and
 * still every peer's credentials are checked (SO_PEERCRED uid 0): deny by
 * default, whatever the file system says. One request per connection, one
 * JSON line each way; the client sockets are non-blocking and part of the
 * main loop, so a slow client never stalls it. When all slots are taken,
 * the oldest client is dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

int control_probe(struct daemon *d, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret = 0;

	if (strlen(d->cfg.socket) >= sizeof(sa.sun_path))
		return 0;	/* control_open() says so */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->cfg.socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A live socket is another daemon's: two would grant twice. */
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "another tppgated serves %s", d->cfg.socket);
		ret = -EADDRINUSE;
	}
	close(fd);
	return ret;
}

int control_open(struct daemon *d, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[TPPGATED_PATH_MAX], *slash;
	mode_t old;
	int fd, ret;

	if (strlen(d->cfg.socket) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", d->cfg.socket);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", d->cfg.socket);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
			return ret;
		}
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->cfg.socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A stale socket from a previous run: control_probe() found it dead. */
	unlink(sa.sun_path);
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (!ret && listen(fd, CONTROL_CLIENTS))
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "control socket %s: %s", d->cfg.socket,
			 strerror(-ret));
		close(fd);
		return ret;
	}
	d->ctl_fd = fd;
	return 0;
}

static void drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	c->fd = -1;
	c->buf = NULL;
	c->len = 0;
}

void control_close(struct daemon *d)
{
	size_t i;

	for (i = 0; i < CONTROL_CLIENTS; i++)
		drop(&d->clients[i]);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->cfg.socket);
	}
	d->ctl_fd = -1;
}

/* Replies are small; a client that cannot take one at once loses it. */
static void reply(int fd, const char *text)
{
	if (text) {
		(void)!send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)!send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
}

static void reply_error(int fd, int errnum, const char *msg)
{
	char *s = tppgated_error_reply(errnum, msg);

	reply(fd, s);
	free(s);
}

void control_accept(struct daemon *d)
{
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	struct client *c = NULL;
	size_t i;
	int fd;

	fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.uid != 0) {
		log_warn("control: refused a client (pid %d, uid %u): root only",
			 (int)cred.pid, (unsigned int)cred.uid);
		reply_error(fd, EACCES, "permission denied: the control socket is for root only");
		close(fd);
		return;
	}
	for (i = 0; i < CONTROL_CLIENTS && !c; i++)
		if (d->clients[i].fd < 0)
			c = &d->clients[i];
	if (!c) {
		/* The oldest is the first slot; shift the others down. */
		drop(&d->clients[0]);
		memmove(&d->clients[0], &d->clients[1],
			(CONTROL_CLIENTS - 1) * sizeof(d->clients[0]));
		c = &d->clients[CONTROL_CLIENTS - 1];
		c->fd = -1;
		c->buf = NULL;
		c->len = 0;
	}
	c->buf = malloc(TPPGATED_MSG_MAX + 1);
	if (!c->buf) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->len = 0;
}

static void handle(struct daemon *d, struct client *c, size_t len)
{
	char err[TPPGATED_ERR_LEN];
	json_t *j;
	char *s;
	int cmd;

	cmd = tppgated_parse_request(c->buf, len, err, sizeof(err));
	if (cmd < 0) {
		log_info("control: bad request: %s", err);
		reply_error(c->fd, -cmd, err);
		return;
	}
	if (cmd == TPPGATED_CMD_RECOMPUTE) {
		d->force = true;
		daemon_grant(d);
	}
	j = daemon_status_json(d);
	s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (s)
		reply(c->fd, s);
	else
		reply_error(c->fd, ENOMEM, "cannot format the status");
	free(s);
}

void control_client_io(struct daemon *d, struct client *c)
{
	char *nl;
	ssize_t n;

	n = recv(c->fd, c->buf + c->len, TPPGATED_MSG_MAX + 1 - c->len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF ends a request that had no newline. */
		if (n == 0 && c->len)
			handle(d, c, c->len);
		drop(c);
		return;
	}
	c->len += (size_t)n;
	nl = memchr(c->buf, '\n', c->len);
	if (nl) {
		handle(d, c, (size_t)(nl - c->buf));
		drop(c);
	} else if (c->len > TPPGATED_MSG_MAX) {
		reply_error(c->fd, E2BIG, "request larger than 65536 bytes");
		drop(c);
	}
}
