// SPDX-License-Identifier: GPL-2.0
/*
 * Files: reading with a size bound, writing whole or not at all. The
 * parsers never see a file descriptor; they get bytes from here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tppctl.h"

static bool is_stdio(const char *path)
{
	return !strcmp(path, "-");
}

/* Reads all of @fd, at most @max bytes (-EFBIG beyond). */
static int read_all(int fd, size_t max, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 8192;
			char *nbuf;

			if (cap > max)
				break;
			nbuf = realloc(buf, ncap + 1);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';	/* room was kept: text stays a C string */
	*bufp = buf;
	*lenp = len;
	return 0;
}

int tppctl_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int fd, err;

	if (is_stdio(path))
		return read_all(STDIN_FILENO, max, buf, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_all(fd, max, buf, len);
	close(fd);
	return err;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tppctl_write_file(const char *path, const void *data, size_t len,
		      mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, err;

	if (is_stdio(path)) {
		fflush(stdout);
		return write_all(STDOUT_FILENO, data, len);
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	err = fchmod(fd, mode) ? -errno : 0;
	if (!err)
		err = write_all(fd, data, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int tppctl_create_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	/* The umask must not widen nor narrow what the caller asked for. */
	err = fchmod(fd, mode) ? -errno : 0;
	if (!err)
		err = write_all(fd, data, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

int tppctl_include_load(void *ctx, const char *from, const char *path,
			char **text, size_t *len, char **name)
{
	const char *slash = strrchr(from, '/');
	size_t dir = slash && path[0] != '/' ? (size_t)(slash - from) + 1 : 0;
	char *full;
	int err;

	(void)ctx;
	if (is_stdio(path))
		return -EINVAL;
	full = malloc(dir + strlen(path) + 1);
	if (!full)
		return -ENOMEM;
	memcpy(full, from, dir);
	strcpy(full + dir, path);
	err = tppctl_read_file(full, TPPCTL_SOURCE_MAX, text, len);
	if (err) {
		free(full);
		return err;
	}
	*name = full;
	return 0;
}

bool tppctl_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b || is_stdio(a) || is_stdio(b))
		return false;
	if (!strcmp(a, b))
		return true;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int tppctl_refuse_same(struct tppctl_ctx *ctx, const char *cmd,
		       const char *out, const char *const *inputs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tppctl_same_file(out, inputs[i])) {
			fprintf(ctx->err, "tppctl: %s: -o %s is also an input; refusing to overwrite it\n",
				cmd, out);
			return -TPPCTL_EUSAGE;
		}
	}
	return 0;
}

int tppctl_file_error(struct tppctl_ctx *ctx, const char *path, int err)
{
	if (err == -EFBIG)
		fprintf(ctx->err, "tppctl: %s: file too large\n", path);
	else
		fprintf(ctx->err, "tppctl: %s: %s\n",
			is_stdio(path) ? "standard input/output" : path,
			strerror(-err));
	return err;
}
