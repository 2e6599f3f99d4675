// SPDX-License-Identifier: GPL-2.0
/*
 * The local ledger: one host, its reservation bounded by the policy's
 * cluster cap, kept in state_dir/ledger.json so that a restarted daemon
 * knows what it held and the highest policy serial it ever saw. Every
 * change is written before it is reported, so what the kernel is granted
 * is always covered by what the file says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"

struct ledger {
	char dir[TPPGATED_PATH_MAX];
	uint32_t lease;
	struct ledger_state st;
	bool loaded;		/* a state file was there at start */
};

static int local_open(struct ledger **lp, const struct tppgated_config *cfg,
		      char *err, size_t errlen)
{
	struct ledger *l;
	int ret;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	snprintf(l->dir, sizeof(l->dir), "%s", cfg->state_dir);
	l->lease = cfg->ledger_lease;
	if (mkdir(l->dir, 0700) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", l->dir, strerror(-ret));
		free(l);
		return ret;
	}
	ret = ledger_state_read(l->dir, &l->st, err, errlen);
	if (ret == -ENOENT) {
		memset(&l->st, 0, sizeof(l->st));
		ret = 0;
	} else if (!ret) {
		l->loaded = true;
	}
	if (ret) {
		free(l);
		return ret;
	}
	if (cfg->host[0])
		snprintf(l->st.host, sizeof(l->st.host), "%s", cfg->host);
	else if (gethostname(l->st.host, sizeof(l->st.host) - 1))
		snprintf(l->st.host, sizeof(l->st.host), "localhost");
	*lp = l;
	return 0;
}

static int save(struct ledger *l, const struct ledger_state *next)
{
	struct ledger_state s = *next;
	int err;

	s.seq = l->st.seq + 1;
	err = ledger_state_write(l->dir, &s);
	if (!err)
		l->st = s;
	return err;
}

static int local_reserve(struct ledger *l, const struct ledger_req *req,
			 struct ledger_res *res, char *err, size_t errlen)
{
	struct ledger_state s = l->st;
	uint64_t held = req->want;
	int ret;

	if (req->has_cluster_cap && held > req->cluster_cap)
		held = req->cluster_cap;
	s.reserved = held;
	s.expires = (uint64_t)time(NULL) + l->lease;
	s.serial = req->serial;
	if (req->serial > s.serial_seen)
		s.serial_seen = req->serial;
	s.has_cluster_cap = req->has_cluster_cap;
	s.cluster_cap = req->cluster_cap;
	ret = save(l, &s);
	if (ret) {
		snprintf(err, errlen, "writing %s/%s: %s", l->dir,
			 LEDGER_STATE_FILE, strerror(-ret));
		return ret;
	}
	res->held = held;
	res->others = 0;
	res->lease_s = l->lease;
	return 0;
}

static int local_note_serial(struct ledger *l, uint64_t serial)
{
	struct ledger_state s = l->st;

	if (serial <= s.serial_seen)
		return 0;
	s.serial_seen = serial;
	return save(l, &s);
}

static json_t *local_status(struct ledger *l)
{
	const struct ledger_state *s = &l->st;

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}",
			 "backend", "local", "host", s->host,
			 "reserved", (json_int_t)s->reserved,
			 "expires", (json_int_t)s->expires,
			 "serial_seen", (json_int_t)s->serial_seen,
			 "writes", (json_int_t)s->seq,
			 "cluster_cap", s->has_cluster_cap ?
			 json_integer((json_int_t)s->cluster_cap) : json_null());
}

static int local_fd(struct ledger *l)
{
	(void)l;
	return -1;
}

static int local_dispatch(struct ledger *l)
{
	(void)l;
	return 0;
}

/* Nothing is released: the reservation lapses by its lease (fail closed). */
static void local_close(struct ledger *l)
{
	free(l);
}

const struct ledger_ops ledger_local_ops = {
	.name = "local",
	.open = local_open,
	.reserve = local_reserve,
	.note_serial = local_note_serial,
	.status = local_status,
	.fd = local_fd,
	.dispatch = local_dispatch,
	.close = local_close,
};

const struct ledger_ops *ledger_find(const char *name)
{
	static const struct ledger_ops *const all[] = {
		&ledger_local_ops, &ledger_etcd_ops,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}
