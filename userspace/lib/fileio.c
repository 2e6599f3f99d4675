// SPDX-License-Identifier: GPL-2.0
/*
 * Files for tppctl and tppgated: reading with a size bound, and writing
 * whole or not at all. A crash at any instant leaves the old file or the new
 * one, never a mix and never none: the bytes go to a temporary file beside
 * the target (mkostemp: O_EXCL, so no symlink is followed), which is
 * fsync'ed and renamed over the target (atomic within a file system); the
 * directory is fsync'ed when the rename itself must survive a power cut.
 */
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

int tppgate_read_fd(int fd, size_t max, char **bufp, size_t *lenp)
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

int tppgate_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = tppgate_read_fd(fd, max, buf, len);
	close(fd);
	return err;
}

int tppgate_write_all(int fd, const void *data, size_t len)
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

static int sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd, err;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = fsync(fd) ? -errno : 0;
	close(fd);
	return err;
}

/* Fills a file just created: mode, bytes, fsync, close. */
static int fill(int fd, const void *data, size_t len, mode_t mode)
{
	int err;

	/* The umask must not widen nor narrow what the caller asked for. */
	err = fchmod(fd, mode) ? -errno : 0;
	if (!err)
		err = tppgate_write_all(fd, data, len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int tppgate_create_file(const char *path, const void *data, size_t len,
			mode_t mode)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	err = fill(fd, data, len, mode);
	if (err)
		unlink(path);
	return err;
}

int tppgate_replace_file(const char *path, const void *data, size_t len,
			 mode_t mode, bool sync_dir)
{
	char tmp[PATH_MAX];
	int fd, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = fill(fd, data, len, mode);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	return sync_dir ? sync_parent(path) : 0;
}
