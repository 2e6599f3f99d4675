// SPDX-License-Identifier: GPL-2.0
/*
 * tppgated.conf: INI through libinih. Every key is known and checked;
 * anything else is an error, so a typo never silently falls back to a
 * default. The parse fills a copy, which replaces the caller's only when
 * the whole file is good (a SIGHUP reload keeps the old one otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <ini.h>

#include "tppgated.h"
#include "shard.h"

/* The configuration file is small; anything larger is a mistake. */
#define CONFIG_MAX	(64 * 1024)

void tppgated_config_defaults(struct tppgated_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->policy_file, sizeof(c->policy_file), "%s", TPPGATED_POLICY);
	snprintf(c->socket, sizeof(c->socket), "%s", TPPGATED_SOCKET);
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", TPPGATED_STATE_DIR);
	c->kernel = TPPGATED_KERNEL_NETLINK;
	c->load_module = true;
	snprintf(c->module, sizeof(c->module), "tppgate");
	c->log_level = LOG_INFO;
	c->grant_lease = 60;
	c->renew_percent = 33;
	c->retry = 5;
	snprintf(c->ledger, sizeof(c->ledger), "local");
	c->ledger_lease = 120;
	c->etcd.timeout_ms = 2000;
	c->etcd.shards = 1;
}

uint32_t tppgated_renew_after(const struct tppgated_config *c)
{
	uint32_t s = c->grant_lease * c->renew_percent / 100;

	return s ? s : 1;
}

uint32_t tppgated_settle_after(const struct tppgated_config *c,
			       unsigned int n)
{
	uint64_t s = (uint64_t)c->retry << (n < 16 ? n : 16);
	uint32_t r = tppgated_renew_after(c);

	return s < r ? (uint32_t)s : r;
}

struct parse_ctx {
	struct tppgated_config cfg;
	char msg[TPPGATED_ERR_LEN];
	int n_err;
};

static int set_path(char *dst, size_t len, const char *v, char *msg,
		    size_t mlen)
{
	if (v[0] != '/') {
		snprintf(msg, mlen, "'%.64s' is not an absolute path", v);
		return -EINVAL;
	}
	if (strlen(v) >= len) {
		snprintf(msg, mlen, "path longer than %zu bytes", len - 1);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", v);
	return 0;
}

static int set_u32(uint32_t *dst, const char *v, uint32_t min, uint32_t max,
		   char *msg, size_t mlen)
{
	unsigned long n;
	char *end;

	errno = 0;
	if (v[0] < '0' || v[0] > '9')
		goto bad;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		goto bad;
	*dst = (uint32_t)n;
	return 0;
bad:
	snprintf(msg, mlen, "'%.32s' is not a whole number in %u..%u", v, min,
		 max);
	return -EINVAL;
}

static int set_bool(bool *dst, const char *v, char *msg, size_t mlen)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
		*dst = true;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
		*dst = false;
		return 0;
	}
	snprintf(msg, mlen, "'%.32s' is not yes or no", v);
	return -EINVAL;
}

static int set_word(char *dst, size_t len, const char *v,
		    const char *const *allowed, char *msg, size_t mlen)
{
	size_t i;

	for (i = 0; allowed[i]; i++) {
		if (!strcmp(v, allowed[i])) {
			snprintf(dst, len, "%s", v);
			return 0;
		}
	}
	snprintf(msg, mlen, "'%.32s' is not one of", v);
	for (i = 0; allowed[i]; i++)
		snprintf(msg + strlen(msg), mlen - strlen(msg), " %s",
			 allowed[i]);
	return -EINVAL;
}

static const char *const log_levels[] = {
	"err", "warning", "notice", "info", "debug", NULL,
};
static const int log_prios[] = {
	LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};

/* [etcd]; -ENOENT for a key that is not one of its own. */
static int set_etcd(struct etcd_config *e, const char *key, const char *v,
		    char *msg, size_t mlen)
{
	char urls[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX];
	int n;

	if (!strcmp(key, "endpoints")) {
		n = etcd_parse_endpoints(v, urls, ETCD_ENDPOINTS_MAX, msg, mlen);
		if (n < 0)
			return n;
		if (strlen(v) >= sizeof(e->endpoints)) {
			snprintf(msg, mlen, "endpoints: too long");
			return -EINVAL;
		}
		snprintf(e->endpoints, sizeof(e->endpoints), "%s", v);
		return 0;
	}
	if (!strcmp(key, "cluster")) {
		if (!etcd_name_ok(v)) {
			snprintf(msg, mlen, "'%.32s' is not a cluster name (letters, digits, . - _; at most %d)",
				 v, ETCD_CLUSTER_MAX - 1);
			return -EINVAL;
		}
		snprintf(e->cluster, sizeof(e->cluster), "%s", v);
		return 0;
	}
	if (!strcmp(key, "cacert"))
		return set_path(e->cacert, sizeof(e->cacert), v, msg, mlen);
	if (!strcmp(key, "cert"))
		return set_path(e->cert, sizeof(e->cert), v, msg, mlen);
	if (!strcmp(key, "key"))
		return set_path(e->key, sizeof(e->key), v, msg, mlen);
	if (!strcmp(key, "password_file"))
		return set_path(e->password_file, sizeof(e->password_file), v,
				msg, mlen);
	if (!strcmp(key, "user")) {
		if (!v[0] || strlen(v) >= sizeof(e->user) || strpbrk(v, " \t\"")) {
			snprintf(msg, mlen, "'%.32s' is not an etcd user name", v);
			return -EINVAL;
		}
		snprintf(e->user, sizeof(e->user), "%s", v);
		return 0;
	}
	if (!strcmp(key, "timeout"))
		return set_u32(&e->timeout_ms, v, 100, 60000, msg, mlen);
	if (!strcmp(key, "shards"))
		return set_u32(&e->shards, v, 1, SHARDS_MAX, msg, mlen);
	return -ENOENT;
}

static int set_key(struct tppgated_config *c, const char *sec, const char *key,
		   const char *v, char *msg, size_t mlen)
{
	static const char *const kernels[] = { "netlink", "shim", NULL };
	static const char *const ledgers[] = { "local", "etcd", NULL };
	char word[16];
	size_t i;
	int err;

#define IS(s, k) (!strcmp(sec, s) && !strcmp(key, k))
	if (IS("daemon", "policy_file"))
		return set_path(c->policy_file, sizeof(c->policy_file), v, msg, mlen);
	if (IS("daemon", "socket"))
		return set_path(c->socket, sizeof(c->socket), v, msg, mlen);
	if (IS("daemon", "state_dir"))
		return set_path(c->state_dir, sizeof(c->state_dir), v, msg, mlen);
	if (IS("daemon", "kernel")) {
		err = set_word(word, sizeof(word), v, kernels, msg, mlen);
		if (!err)
			c->kernel = strcmp(word, "shim") ? TPPGATED_KERNEL_NETLINK
							 : TPPGATED_KERNEL_SHIM;
		return err;
	}
	if (IS("daemon", "load_module"))
		return set_bool(&c->load_module, v, msg, mlen);
	if (IS("daemon", "module")) {
		if (!v[0] || strlen(v) >= sizeof(c->module) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(v)) {
			snprintf(msg, mlen, "'%.32s' is not a module name", v);
			return -EINVAL;
		}
		snprintf(c->module, sizeof(c->module), "%s", v);
		return 0;
	}
	if (IS("daemon", "log_level")) {
		err = set_word(word, sizeof(word), v, log_levels, msg, mlen);
		for (i = 0; !err && log_levels[i]; i++)
			if (!strcmp(word, log_levels[i]))
				c->log_level = log_prios[i];
		return err;
	}
	if (IS("grant", "lease"))
		return set_u32(&c->grant_lease, v, 1, TPPGATE_GRANT_LEASE_MAX,
			       msg, mlen);
	if (IS("grant", "renew_percent"))
		return set_u32(&c->renew_percent, v, 10, 90, msg, mlen);
	if (IS("grant", "retry"))
		return set_u32(&c->retry, v, 1, 3600, msg, mlen);
	if (IS("ledger", "backend"))
		return set_word(c->ledger, sizeof(c->ledger), v, ledgers, msg, mlen);
	if (IS("ledger", "lease"))
		return set_u32(&c->ledger_lease, v, 2, 24 * 3600, msg, mlen);
	if (IS("ledger", "host")) {
		if (!v[0] || strlen(v) >= sizeof(c->host) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != strlen(v)) {
			snprintf(msg, mlen, "'%.32s' is not a host name", v);
			return -EINVAL;
		}
		snprintf(c->host, sizeof(c->host), "%s", v);
		return 0;
	}
	if (IS("shim", "devices"))
		return set_path(c->shim_devices, sizeof(c->shim_devices), v, msg, mlen);
	if (IS("shim", "state"))
		return set_path(c->shim_state, sizeof(c->shim_state), v, msg, mlen);
	if (IS("shim", "cert"))
		return set_path(c->shim_cert, sizeof(c->shim_cert), v, msg, mlen);
	if (!strcmp(sec, "etcd")) {
		err = set_etcd(&c->etcd, key, v, msg, mlen);
		if (err != -ENOENT)
			return err;
	}
#undef IS
	if (strcmp(sec, "daemon") && strcmp(sec, "grant") &&
	    strcmp(sec, "ledger") && strcmp(sec, "shim") && strcmp(sec, "etcd"))
		snprintf(msg, mlen, "unknown section [%.32s]", sec);
	else
		snprintf(msg, mlen, "unknown key '%.32s' in [%s]", key, sec);
	return -EINVAL;
}

/* libinih: nonzero means the line was good. Only the first error is kept. */
static int handler(void *user, const char *sec, const char *key,
		   const char *v)
{
	struct parse_ctx *p = user;
	char msg[TPPGATED_ERR_LEN / 2];

	if (!sec[0]) {
		snprintf(msg, sizeof(msg), "'%.32s' is outside any [section]", key);
	} else if (!set_key(&p->cfg, sec, key, v, msg, sizeof(msg))) {
		return 1;
	}
	if (!p->n_err++)
		snprintf(p->msg, sizeof(p->msg), "%s", msg);
	return 0;
}

/* Rules across keys, checked once the whole file is read. */
static int check(const struct tppgated_config *c, char *msg, size_t mlen)
{
	uint32_t renew = tppgated_renew_after(c);

	/*
	 * The ledger must hold a reservation longer than any grant made
	 * under it: a grant is sent after its reservation was renewed, and
	 * a late renewal may come one retry after the renewal time.
	 */
	if ((uint64_t)c->ledger_lease <=
	    (uint64_t)c->grant_lease + renew + c->retry) {
		snprintf(msg, mlen,
			 "[ledger] lease (%u s) must be longer than [grant] lease + renewal period + retry (%u + %u + %u s)",
			 c->ledger_lease, c->grant_lease, renew, c->retry);
		return -EINVAL;
	}
	if (c->retry >= c->grant_lease && c->grant_lease > 1) {
		snprintf(msg, mlen,
			 "[grant] retry (%u s) must be shorter than its lease (%u s)",
			 c->retry, c->grant_lease);
		return -EINVAL;
	}
	if (!strcmp(c->ledger, "etcd")) {
		/*
		 * A lease must outlive a keep-alive lost to a leader election
		 * plus a request timeout: see Documentation/cluster.rst.
		 */
		if (!c->etcd.endpoints[0] || !c->etcd.cluster[0]) {
			snprintf(msg, mlen, "[ledger] backend = etcd needs [etcd] endpoints and cluster");
			return -EINVAL;
		}
		if (c->ledger_lease < 10) {
			snprintf(msg, mlen, "[ledger] lease (%u s) must be at least 10 s with etcd",
				 c->ledger_lease);
			return -EINVAL;
		}
		/*
		 * A keep-alive goes out a third of the lease after the last
		 * one that worked and may take [etcd] timeout: the lease left
		 * then must still cover a whole grant plus the 1 s margin.
		 */
		if ((uint64_t)c->grant_lease * 3000 + 3000 + (uint64_t)c->etcd.timeout_ms * 3 >
		    (uint64_t)c->ledger_lease * 2000) {
			snprintf(msg, mlen,
				 "[grant] lease (%u s) must be at most 2/3 of [ledger] lease (%u s) - 1 s - [etcd] timeout (%u ms) with etcd",
				 c->grant_lease, c->ledger_lease, c->etcd.timeout_ms);
			return -EINVAL;
		}
		if ((uint64_t)c->etcd.timeout_ms * 3 > (uint64_t)c->ledger_lease * 1000) {
			snprintf(msg, mlen, "[etcd] timeout (%u ms) must be at most a third of [ledger] lease",
				 c->etcd.timeout_ms);
			return -EINVAL;
		}
		if (!c->etcd.cert[0] != !c->etcd.key[0]) {
			snprintf(msg, mlen, "[etcd] cert and key go together");
			return -EINVAL;
		}
		if (!c->etcd.user[0] != !c->etcd.password_file[0]) {
			snprintf(msg, mlen, "[etcd] user and password_file go together");
			return -EINVAL;
		}
	}
	if (c->kernel == TPPGATED_KERNEL_SHIM &&
	    (!c->shim_devices[0] || !c->shim_state[0])) {
		snprintf(msg, mlen, "kernel = shim needs [shim] devices and state");
		return -EINVAL;
	}
	return 0;
}

int tppgated_config_parse(const char *text, const char *name,
			  struct tppgated_config *c, char *err, size_t errlen)
{
	struct parse_ctx *p;
	int line, ret = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	tppgated_config_defaults(&p->cfg);
	/* libinih stops at a NUL; one inside the text is not a config file. */
	line = ini_parse_string(text, handler, p);
	if (line > 0) {
		/* A line inih could not read at all leaves no message of ours. */
		snprintf(err, errlen, "%s:%d: %s", name, line,
			 p->n_err ? p->msg : "not 'key = value', '[section]' or a comment (or longer than 199 bytes)");
		ret = -EINVAL;
	} else if (line < 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		ret = -ENOMEM;
	} else if (check(&p->cfg, p->msg, sizeof(p->msg))) {
		snprintf(err, errlen, "%s: %s", name, p->msg);
		ret = -EINVAL;
	} else {
		*c = p->cfg;
	}
	free(p);
	return ret;
}

int tppgated_config_load(const char *path, bool missing_ok,
			 struct tppgated_config *c, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT && missing_ok) {
			tppgated_config_defaults(c);
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	/* Like usbguard: who may write the config may steer the daemon. */
	ret = -EPERM;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen,
			 "%s: must be owned by root and writable by root only (chown root; chmod go-w)",
			 path);
		goto out;
	}
	if (st.st_size > CONFIG_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, CONFIG_MAX);
		ret = -EFBIG;
		goto out;
	}
	buf = calloc(1, (size_t)st.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		ret = n < 0 ? -errno : -EIO;
		snprintf(err, errlen, "%s: short read", path);
	} else if (strlen(buf) != (size_t)n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		ret = -EINVAL;
	} else {
		ret = tppgated_config_parse(buf, path, c, err, errlen);
	}
	free(buf);
out:
	close(fd);
	return ret;
}
