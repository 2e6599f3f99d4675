/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded reads and whole-or-nothing writes, shared by tppctl and tppgated. */
#ifndef TPPGATE_FILEIO_H
#define TPPGATE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Reads all of @fd (or @path), at most @max bytes: -EFBIG beyond. *@buf is
 * malloc'd and NUL-terminated one past *@len, so text stays a C string.
 * 0 or -errno.
 */
int tppgate_read_fd(int fd, size_t max, char **buf, size_t *len);
int tppgate_read_file(const char *path, size_t max, char **buf, size_t *len);

/* Writes all of @data to @fd, retrying short writes. 0 or -errno. */
int tppgate_write_all(int fd, const void *data, size_t len);

/* Creates @path, which must not exist yet (keys). 0 or -errno. */
int tppgate_create_file(const char *path, const void *data, size_t len,
			mode_t mode);

/*
 * Replaces @path with @data, mode @mode, atomically: a reader or a crash
 * sees the old file or the new one. With @sync_dir the rename is also
 * made durable. 0 or -errno (-ENAMETOOLONG, or what the system said).
 */
int tppgate_replace_file(const char *path, const void *data, size_t len,
			 mode_t mode, bool sync_dir);

#endif
