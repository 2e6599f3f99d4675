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

#include "fileio.h"
#include "tppctl.h"

static bool is_stdio(const char *path)
{
	return !strcmp(path, "-");
}

int tppctl_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	if (is_stdio(path))
		return tppgate_read_fd(STDIN_FILENO, max, buf, len);
	return tppgate_read_file(path, max, buf, len);
}

int tppctl_write_file(const char *path, const void *data, size_t len,
		      mode_t mode)
{
	if (is_stdio(path)) {
		fflush(stdout);
		return tppgate_write_all(STDOUT_FILENO, data, len);
	}
	return tppgate_replace_file(path, data, len, mode, false);
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
