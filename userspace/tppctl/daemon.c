// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl daemon status: asks tppgated over its control socket what it is
 * doing: the policy, the demand, the grant and its lease, the ledger, and
 * the error that stopped the last attempt. -j prints the daemon's JSON as
 * it came. The text form is made by tppctl_daemon_text(), pure.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tppctl.h"

#define DAEMON_SOCKET		"/run/tppgate/tppgated.sock"
#define DAEMON_REPLY_MAX	(64 * 1024)
#define DAEMON_TIMEOUT_MS	10000

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s && s[0] ? s : "-";
}

static void num(char *buf, size_t len, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(buf, len, "-");
}

static void when(char *buf, size_t len, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v) && json_integer_value(v) > 0)
		tppgate_time_format((uint64_t)json_integer_value(v), buf, len);
	else
		snprintf(buf, len, "never");
}

void tppctl_daemon_text(FILE *f, json_t *st)
{
	json_t *p = json_object_get(st, "policy"), *dm = json_object_get(st, "demand");
	json_t *g = json_object_get(st, "grant"), *l = json_object_get(st, "ledger");
	json_t *e = json_object_get(st, "last_error");
	char a[32], b[32], c[32], t1[TPPGATE_TIME_LEN], t2[TPPGATE_TIME_LEN];
	json_t *left = json_object_get(g, "lease_left_ms");

	num(a, sizeof(a), p, "serial");
	num(b, sizeof(b), p, "file_serial");
	fprintf(f, "policy serial:    %s (file %s: serial %s, %s)\n", a,
		str(p, "file"), b, str(p, "file_status"));
	num(a, sizeof(a), p, "node_cap");
	num(b, sizeof(b), p, "cluster_cap");
	fprintf(f, "caps:             node %s, cluster %s, grant %s\n", a, b,
		json_is_true(json_object_get(p, "grant_required")) ?
		"required" : "not required");
	num(a, sizeof(a), dm, "tpp");
	num(b, sizeof(b), dm, "counted");
	num(c, sizeof(c), dm, "waiting");
	fprintf(f, "demand:           %s TPP (%s running, %s waiting)\n", a, b, c);
	num(a, sizeof(a), g, "tpp");
	num(b, sizeof(b), g, "serial");
	fprintf(f, "grant:            %s TPP for serial %s\n", a, b);
	if (json_is_integer(left))
		fprintf(f, "lease left:       %" JSON_INTEGER_FORMAT ".%03" JSON_INTEGER_FORMAT
			" s of %" JSON_INTEGER_FORMAT " s\n",
			json_integer_value(left) / 1000, json_integer_value(left) % 1000,
			json_integer_value(json_object_get(g, "lease")));
	else
		fprintf(f, "lease left:       -\n");
	when(t1, sizeof(t1), g, "last_renewal");
	when(t2, sizeof(t2), g, "next_renewal");
	fprintf(f, "renewed:          %s, next %s\n", t1, t2);
	if (strcmp(str(g, "limit"), "-"))
		fprintf(f, "limited:          %s\n", str(g, "limit"));
	num(a, sizeof(a), l, "reserved");
	fprintf(f, "ledger:           %s, host %s, %s TPP reserved\n",
		str(l, "backend"), str(l, "host"), a);
	fprintf(f, "last error:       %s\n",
		json_is_object(e) ? str(e, "message") : "none");
}

static int ask(const char *path, char **reply, FILE *err)
{
	static const char req[] = "{\"command\": \"status\"}\n";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0;
	char *buf;
	ssize_t n;
	int fd, ret = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) < 0) {
		ret = -errno;
		fprintf(err, "tppctl: daemon: %s: %s%s\n", path, strerror(-ret),
			ret == -ENOENT || ret == -ECONNREFUSED ?
			" (is tppgated running?)" : "");
		close(fd);
		return ret;
	}
	buf = malloc(DAEMON_REPLY_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, DAEMON_TIMEOUT_MS) <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		n = recv(fd, buf + len, DAEMON_REPLY_MAX - len, 0);
		if (n <= 0 || memchr(buf + len, '\n', (size_t)n) ||
		    len + (size_t)n >= DAEMON_REPLY_MAX) {
			if (n > 0)
				len += (size_t)n;
			ret = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (ret) {
		fprintf(err, "tppctl: daemon: %s: %s\n", path, strerror(-ret));
		free(buf);
		return ret;
	}
	*reply = buf;
	return 0;
}

static int daemon_status(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl daemon status [-j] [--socket PATH]\n"
		"  What tppgated is doing (root only: the socket checks).\n";
	const char *sock = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--socket", "PATH", &sock, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_parsed a;
	json_error_t jerr;
	char *reply = NULL;
	json_t *j;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "daemon status", opts, 0, 0, usage,
				&a, ctx->err);
	if (ret || a.help)
		return ret;
	ret = ask(sock ? sock : DAEMON_SOCKET, &reply, ctx->err);
	if (ret)
		return ret;
	j = json_loads(reply, 0, &jerr);
	free(reply);
	if (!json_is_object(j)) {
		fprintf(ctx->err, "tppctl: daemon: the reply is not a JSON object\n");
		json_decref(j);
		return -EPROTO;
	}
	if (!json_is_true(json_object_get(j, "ok"))) {
		fprintf(ctx->err, "tppctl: daemon: %s\n", str(j, "error"));
		json_decref(j);
		return -EACCES;
	}
	if (ctx->json || a.json)
		return tppctl_print_json(ctx, j);
	tppctl_daemon_text(ctx->out, j);
	json_decref(j);
	return 0;
}

int daemon_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	if (argc >= 2 && !strcmp(argv[1], "status"))
		return daemon_status(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fprintf(ctx->out, "usage: tppctl daemon status [-j] [--socket PATH]\n");
		return 0;
	}
	fprintf(ctx->err, "usage: tppctl daemon status [-j] [--socket PATH]\n");
	return -TPPCTL_EUSAGE;
}
