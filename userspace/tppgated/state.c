// SPDX-License-Identifier: GPL-2.0
/*
 * The local ledger's state file. A crash at any instant leaves either the
 * old file or the new one, never a mix and never none (lib/fileio.c), and
 * the rename itself survives a power cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "ledger.h"

#define STATE_VERSION	1

static json_t *u64(uint64_t v)
{
	return v > INT64_MAX ? NULL : json_integer((json_int_t)v);
}

char *ledger_state_format(const struct ledger_state *s)
{
	json_t *j = json_object();
	char *out = NULL;

	if (!j)
		return NULL;
	if (json_object_set_new(j, "version", json_integer(STATE_VERSION)) ||
	    json_object_set_new(j, "seq", u64(s->seq)) ||
	    json_object_set_new(j, "host", json_string(s->host)) ||
	    json_object_set_new(j, "reserved", u64(s->reserved)) ||
	    json_object_set_new(j, "expires", u64(s->expires)) ||
	    json_object_set_new(j, "serial", u64(s->serial)) ||
	    json_object_set_new(j, "serial_seen", u64(s->serial_seen)) ||
	    json_object_set_new(j, "cluster_cap", s->has_cluster_cap ?
				u64(s->cluster_cap) : json_null()))
		goto out;
	out = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
out:
	json_decref(j);
	return out;
}

static int get_u64(json_t *j, const char *key, uint64_t *v, char *err,
		   size_t errlen)
{
	json_t *x = json_object_get(j, key);

	if (!json_is_integer(x) || json_integer_value(x) < 0) {
		snprintf(err, errlen, "\"%s\" is not a number >= 0", key);
		return -EINVAL;
	}
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

int ledger_state_parse(const char *buf, size_t len, struct ledger_state *s,
		       char *err, size_t errlen)
{
	static const char *const keys[] = {
		"version", "seq", "host", "reserved", "expires", "serial",
		"serial_seen", "cluster_cap",
	};
	json_error_t jerr;
	const char *key;
	uint64_t version;
	json_t *j, *v;
	int ret = -EINVAL;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (len > LEDGER_STATE_MAX) {
		snprintf(err, errlen, "larger than %d bytes", LEDGER_STATE_MAX);
		return -EINVAL;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		snprintf(err, errlen, "not JSON: %s", jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(j)) {
		snprintf(err, errlen, "not a JSON object");
		goto out;
	}
	json_object_foreach(j, key, v) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(key, keys[i]))
				break;
		if (i == ARRAY_SIZE(keys)) {
			snprintf(err, errlen, "unknown key '%.32s'", key);
			goto out;
		}
	}
	if (get_u64(j, "version", &version, err, errlen) ||
	    get_u64(j, "seq", &s->seq, err, errlen) ||
	    get_u64(j, "reserved", &s->reserved, err, errlen) ||
	    get_u64(j, "expires", &s->expires, err, errlen) ||
	    get_u64(j, "serial", &s->serial, err, errlen) ||
	    get_u64(j, "serial_seen", &s->serial_seen, err, errlen))
		goto out;
	if (version != STATE_VERSION) {
		snprintf(err, errlen, "version %llu, not %d",
			 (unsigned long long)version, STATE_VERSION);
		goto out;
	}
	v = json_object_get(j, "host");
	if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof(s->host)) {
		snprintf(err, errlen, "\"host\" is not a host name");
		goto out;
	}
	snprintf(s->host, sizeof(s->host), "%s", json_string_value(v));
	v = json_object_get(j, "cluster_cap");
	if (!v) {
		snprintf(err, errlen, "\"cluster_cap\" is missing");
		goto out;
	}
	if (!json_is_null(v)) {
		s->has_cluster_cap = true;
		if (get_u64(j, "cluster_cap", &s->cluster_cap, err, errlen))
			goto out;
	}
	ret = 0;
out:
	json_decref(j);
	return ret;
}

int ledger_state_write(const char *dir, const struct ledger_state *s)
{
	char path[TPPGATED_PATH_MAX + 32];
	char *text, *line;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_STATE_FILE);
	text = ledger_state_format(s);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	line = realloc(text, len + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	line[len++] = '\n';
	line[len] = '\0';
	err = tppgate_replace_file(path, line, len, 0600, true);
	free(line);
	return err;
}

int ledger_state_read(const char *dir, struct ledger_state *s, char *err,
		      size_t errlen)
{
	char path[TPPGATED_PATH_MAX + 32], buf[LEDGER_STATE_MAX + 1];
	ssize_t n;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, LEDGER_STATE_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	n = read(fd, buf, sizeof(buf));
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = ledger_state_parse(buf, (size_t)n, s, err, errlen);
	if (ret) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
	return ret;
}
