// SPDX-License-Identifier: GPL-2.0
/*
 * tppgated's grant logic (daemon.c) against a scripted kernel and ledger
 * that record every call: what is reserved and granted, in which order,
 * and what happens on a stale serial, a refusal and a ledger failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon.h"
#include "unit.h"

static char calls[1024];

static void note(const char *one)
{
	snprintf(calls + strlen(calls), sizeof(calls) - strlen(calls), "%s%s",
		 calls[0] ? "; " : "", one);
}

struct kernel {
	bool has_policy;
	uint64_t serial, node_cap, cluster_cap;
	bool has_cluster_cap;
	struct tppgate_device_info dev[4];
	size_t n;
	int stale_once;		/* the next grant is stale; the policy moves on */
	int grant_err;
};

struct ledger {
	uint64_t limit;		/* holds at most this */
	int err;
};

static struct kernel K;
static struct ledger L;

static int k_policy_get(struct kernel *k, struct tppgate_policy_info *out)
{
	if (!k->has_policy)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->policy.serial = k->serial;
	out->policy.grant_required = true;
	out->policy.has_node_cap = true;
	out->policy.node_cap = k->node_cap;
	out->policy.has_cluster_cap = k->has_cluster_cap;
	out->policy.cluster_cap = k->cluster_cap;
	return 0;
}

static int k_grant_set(struct kernel *k, uint64_t tpp, uint32_t lease,
		       uint64_t serial, struct tppgate_status_info *out)
{
	(void)lease;
	(void)out;
	char one[64];

	snprintf(one, sizeof(one), "grant %llu for %llu",
		 (unsigned long long)tpp, (unsigned long long)serial);
	note(one);
	if (k->stale_once) {
		k->stale_once = 0;
		k->serial++;
		return -ESTALE;
	}
	return k->grant_err;
}

static int k_devices(struct kernel *k, struct tppgate_device_info **devs,
		     size_t *n)
{
	*devs = malloc(sizeof(k->dev));
	memcpy(*devs, k->dev, sizeof(k->dev));
	*n = k->n;
	return 0;
}

static const char *k_last_error(struct kernel *k)
{
	return k->grant_err ? "tppgate: no" : NULL;
}

static const struct kernel_ops kops = {
	.name = "scripted",
	.policy_get = k_policy_get,
	.grant_set = k_grant_set,
	.devices = k_devices,
	.last_error = k_last_error,
};

static int l_reserve(struct ledger *l, const struct ledger_req *req,
		     struct ledger_res *res, char *err, size_t errlen)
{
	char one[64];

	snprintf(one, sizeof(one), "reserve %llu", (unsigned long long)req->want);
	note(one);
	if (l->err) {
		snprintf(err, errlen, "disk full");
		return l->err;
	}
	res->held = req->want < l->limit ? req->want : l->limit;
	res->others = 0;
	res->lease_s = 120;
	return 0;
}

static int l_note_serial(struct ledger *l, uint64_t serial)
{
	(void)l;
	(void)serial;
	return 0;
}

static const struct ledger_ops lops = {
	.name = "scripted",
	.reserve = l_reserve,
	.note_serial = l_note_serial,
};

static struct tppgate_device_info dev(const char *bdf, bool running)
{
	struct tppgate_device_info d;

	memset(&d, 0, sizeof(d));
	snprintf(d.bdf, sizeof(d.bdf), "%s", bdf);
	d.tpp = 1000;
	d.state = running ? TPPGATE_STATE_ADMITTED : TPPGATE_STATE_QUARANTINED;
	d.reason = running ? TPPGATE_REASON_POLICY : TPPGATE_REASON_NO_GRANT;
	d.flags = running ? TPPGATE_DEVICE_F_COUNTED : 0;
	return d;
}

static void grant(struct daemon *d, bool force)
{
	calls[0] = '\0';
	d->force = force;
	daemon_grant(d);
}

void test_grant(void)
{
	static struct daemon d;

	tppgated_log_level(0);	/* the errors below are expected */
	tppgated_config_defaults(&d.cfg);
	d.kops = &kops;
	d.k = &K;
	d.lops = &lops;
	d.l = &L;
	d.renew_tfd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);

	grant(&d, true);
	is_str(calls, "", "grant: no policy, nothing reserved or granted");
	is_str(d.limit, "no policy in force: nothing to grant", "grant: and says so");

	K.has_policy = true;
	K.serial = 1;
	K.node_cap = 4000;
	K.dev[0] = dev("0000:00:04.0", true);
	K.dev[1] = dev("0000:00:05.0", true);
	K.dev[2] = dev("0000:00:06.0", false);
	K.n = 3;
	L.limit = 100000;
	grant(&d, true);
	is_str(calls, "reserve 3000; grant 3000 for 1",
	       "grant: the demand is reserved, then granted for the serial");
	ok(d.has_grant && d.granted == 3000 && !d.last_error[0] &&
	   d.next_renewal_ms > tppgated_boot_ms(),
	   "grant: in force, renewal planned");

	grant(&d, false);
	is_str(calls, "", "grant: nothing changed, nothing sent before the renewal");

	K.n = 1;
	grant(&d, false);
	is_str(calls, "reserve 3000; grant 1000 for 1; reserve 1000",
	       "grant: shrinking renews the ledger at the old share, grants less, then releases");

	K.n = 3;
	L.limit = 2500;
	grant(&d, false);
	is_str(calls, "reserve 3000; grant 2500 for 1",
	       "grant: growing reserves first and grants what the ledger holds");
	ok(strstr(d.limit, "holds 2500 of the 3000") != NULL,
	   "grant: the status says the ledger limits it");

	L.limit = 100000;
	K.stale_once = 1;
	grant(&d, true);
	is_str(calls, "reserve 3000; grant 3000 for 1; reserve 3000; grant 3000 for 2",
	       "grant: a stale serial re-reads the policy and grants for the new one");
	ok(d.grant_serial == 2 && !d.last_error[0], "grant: in force for serial 2");

	K.grant_err = -EPERM;
	grant(&d, true);
	is_str(calls, "reserve 3000; grant 3000 for 2", "grant: a refused grant");
	ok(strstr(d.last_error, "kernel refused the grant of 3000 TPP for serial 2") &&
	   strstr(d.last_error, "tppgate: no"),
	   "grant: the error names the grant and gives the kernel's words");
	ok(d.next_renewal_ms <= tppgated_boot_ms() + 5000,
	   "grant: retried after [grant] retry");

	K.grant_err = 0;
	L.err = -ENOSPC;
	grant(&d, true);
	is_str(calls, "reserve 3000", "grant: a ledger failure sends no grant");
	ok(strstr(d.last_error, "ledger scripted: reserving 3000 TPP: disk full") != NULL,
	   "grant: and says why");
	L.err = 0;
	grant(&d, false);
	is_str(calls, "reserve 3000; grant 3000 for 2",
	       "grant: after a failure the next event tries again");
	ok(!d.last_error[0], "grant: and clears the error");
	close(d.renew_tfd);
	tppgated_log_level(6);
}
