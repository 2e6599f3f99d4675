// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of the etcd settings (config.c and its fuzzer use them
 * without libcurl).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "etcd.h"

bool etcd_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n < ETCD_CLUSTER_MAX && strcmp(name, ".") && strcmp(name, "..") &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

int etcd_parse_endpoints(const char *list, char urls[][ETCD_URL_MAX],
			 int max, char *err, size_t errlen)
{
	const char *p = list;
	int n = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *u = p;

		while (len && (*u == ' ' || *u == '\t')) {
			u++;
			len--;
		}
		while (len && (u[len - 1] == ' ' || u[len - 1] == '\t'))
			len--;
		if (!len || len >= ETCD_URL_MAX ||
		    (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) ||
		    memchr(u, ' ', len) || (u[len - 1] == '/')) {
			snprintf(err, errlen,
				 "endpoint '%.*s' is not http(s)://HOST:PORT",
				 (int)(len > 64 ? 64 : len), u);
			return -EINVAL;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %d endpoints", max);
			return -EINVAL;
		}
		memcpy(urls[n], u, len);
		urls[n][len] = '\0';
		n++;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	if (!n) {
		snprintf(err, errlen, "no endpoint");
		return -EINVAL;
	}
	return n;
}
