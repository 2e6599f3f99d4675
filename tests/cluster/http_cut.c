// SPDX-License-Identifier: GPL-2.0
/*
 * http-cut: a relay on 127.0.0.1 between tppgated and etcd's JSON gateway
 * (plain HTTP/1.1) that, while a flag file exists, closes the connection
 * of every request whose path starts with PREFIX instead of passing it
 * on. The cluster tests cut /v3/lease/ (keep-alives, new leases) while the
 * reserves (/v3/kv/) still reach etcd, so that only the lease timing rule
 * stands between the daemon and a grant that would outlive its share.
 *
 *   http-cut LISTEN_PORT ETCD_PORT PREFIX FLAG_FILE
 *
 * One process per connection. Requests are told apart by their headers
 * and Content-Length (curl sends every POST that way); answers are passed
 * on as they come. While the flag exists, each request is one line on
 * stderr: "cut" or "passed", and its request line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF	(256 * 1024)

static int tcp(unsigned short port, int listening)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (listening ? bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64) :
	    connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The Content-Length of a request's headers @h (@n bytes), 0 if none. */
static size_t content_length(const char *h, size_t n)
{
	const char *p = h, *end = h + n;

	while (p < end && (p = memmem(p, (size_t)(end - p), "\r\n", 2))) {
		p += 2;
		if ((size_t)(end - p) > 15 && !strncasecmp(p, "content-length:", 15))
			return strtoul(p + 15, NULL, 10);
	}
	return 0;
}

/* Relays one connection. Return: when either side closes or it is cut. */
static void relay(int c, int u, const char *path, const char *flag)
{
	static char in[BUF], out[BUF];
	struct pollfd p[2] = { { c, POLLIN, 0 }, { u, POLLIN, 0 } };
	size_t len = 0, body = 0, plen = strlen(path);

	for (;;) {
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[1].revents) {
			n = read(u, out, sizeof(out));
			if (n <= 0 || write_all(c, out, (size_t)n))
				return;
		}
		if (!p[0].revents)
			continue;
		n = read(c, in + len, sizeof(in) - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		while (len) {
			const char *end, *sp;
			size_t k;

			if (body) {
				k = body < len ? body : len;
				if (write_all(u, in, k))
					return;
				memmove(in, in + k, len - k);
				len -= k;
				body -= k;
				continue;
			}
			end = memmem(in, len, "\r\n\r\n", 4);
			if (!end) {
				if (len == sizeof(in))
					return;	/* headers this long: not ours */
				break;
			}
			k = (size_t)(end + 4 - in);
			sp = memchr(in, ' ', k);
			if (!access(flag, F_OK)) {
				bool cut = sp && (size_t)(in + k - sp) > plen + 1 &&
					   !memcmp(sp + 1, path, plen);

				fprintf(stderr, "http-cut: %s %.*s\n",
					cut ? "cut" : "passed",
					(int)strcspn(in, "\r"), in);
				if (cut)
					return;
			}
			body = content_length(in, k);
			if (write_all(u, in, k))
				return;
			memmove(in, in + k, len - k);
			len -= k;
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
	pid_t parent = getpid();
	int l;

	if (argc != 5) {
		fprintf(stderr, "usage: http-cut LISTEN_PORT ETCD_PORT PREFIX FLAG_FILE\n");
		return 2;
	}
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	l = tcp((unsigned short)atoi(argv[1]), 1);
	if (l < 0) {
		perror("http-cut: listen");
		return 1;
	}
	for (;;) {
		int c = accept4(l, NULL, NULL, SOCK_CLOEXEC), u;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("http-cut: accept");
			return 1;
		}
		if (!fork()) {
			/* Ends with the relay: the tests stop it by its PID. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			close(l);
			u = tcp((unsigned short)atoi(argv[2]), 0);
			if (u >= 0)
				relay(c, u, argv[3], argv[4]);
			_exit(0);
		}
		close(c);
	}
}
