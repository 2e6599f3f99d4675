// SPDX-License-Identifier: GPL-2.0
/*
 * What the daemon does: apply the policy file, plan the demand, reserve it
 * in the ledger and grant it to the kernel, and say why the grant is what
 * it is.
 *
 * Order, so that the kernel never holds more than the ledger: the ledger
 * is renewed for the larger of the old grant and the new demand before
 * the kernel is granted anything, and a smaller share is released from
 * the ledger only after the kernel was granted less. The kernel's lease
 * ([grant] lease) is shorter than the ledger's ([ledger] lease, checked
 * at configuration), and each grant follows its reservation at once, so
 * the kernel's grant always lapses before the reservation behind it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "fileio.h"

uint64_t tppgated_boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void set_error(struct daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct daemon *d, const char *fmt, ...)
{
	char msg[TPPGATED_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The same failure every retry is one error, then debug lines. */
	if (strcmp(msg, d->last_error))
		log_err("%s", msg);
	else
		log_debug("again: %s", msg);
	memcpy(d->last_error, msg, sizeof(msg));
	d->last_error_at = (uint64_t)time(NULL);
	d->failures++;
}

static const char *kmsg(struct daemon *d)
{
	const char *m = d->kops->last_error(d->k);

	return m ? m : "no message";
}

/* Arms the renewal timer for @at_ms (CLOCK_BOOTTIME); 0 disarms it. */
void daemon_schedule(struct daemon *d, uint64_t at_ms)
{
	struct itimerspec its = { 0 };

	d->next_renewal_ms = at_ms;
	if (at_ms) {
		its.it_value.tv_sec = (time_t)(at_ms / 1000);
		its.it_value.tv_nsec = (long)(at_ms % 1000) * 1000000;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(d->renew_tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void retry_later(struct daemon *d)
{
	daemon_schedule(d, tppgated_boot_ms() + (uint64_t)d->cfg.retry * 1000);
}

static int read_policy_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	char *text;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else
		err = tppgate_read_fd(fd, TPPGATE_FILE_MAX, &text, len);
	close(fd);
	if (!err)
		*buf = (uint8_t *)text;
	return err;
}

int daemon_apply_policy_file(struct daemon *d)
{
	const char *path = d->cfg.policy_file;
	struct tppgate_policy_info in_force;
	struct tppgate_policy_src p;
	uint8_t *file = NULL, sha[TPPGATE_SHA256_LEN];
	const void *blob, *sig;
	size_t len = 0, blen, slen;
	char msg[256];
	int ret;

	d->has_file_serial = false;
	ret = read_policy_file(path, &file, &len);
	if (ret) {
		snprintf(d->file_status, sizeof(d->file_status), "unreadable: %s",
			 strerror(-ret));
		log_warn("policy file %s: %s; the policy in force stays", path,
			 strerror(-ret));
		return ret;
	}
	ret = tppgate_file_split(file, len, &blob, &blen, &sig, &slen);
	if (ret) {
		snprintf(d->file_status, sizeof(d->file_status),
			 "not a signed policy (.tpp): %s", strerror(-ret));
		log_err("policy file %s: not a signed policy (.tpp): %s; the policy in force stays",
			path, strerror(-ret));
		goto out;
	}
	ret = tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg));
	if (!ret) {
		d->has_file_serial = true;
		d->file_serial = p.serial;
	}
	tppgate_policy_free(&p);
	tppgate_sha256(blob, blen, sha);
	if (!d->kops->policy_get(d->k, &in_force) &&
	    !memcmp(in_force.sha256, sha, sizeof(sha))) {
		snprintf(d->file_status, sizeof(d->file_status), "in force");
		ret = 0;
		goto out;
	}
	/* The kernel judges it, even when our own decoder would not. */
	ret = d->kops->policy_set(d->k, blob, blen, sig, slen);
	if (ret) {
		snprintf(d->file_status, sizeof(d->file_status),
			 "refused by the kernel: %s (%s)", strerror(-ret), kmsg(d));
		log_err("policy file %s (serial %llu) refused by the kernel: %s; kernel: %s; the policy in force stays",
			path, (unsigned long long)d->file_serial, strerror(-ret),
			kmsg(d));
		goto out;
	}
	snprintf(d->file_status, sizeof(d->file_status), "in force");
	log_notice("policy file %s (serial %llu) loaded", path,
		   (unsigned long long)d->file_serial);
	d->dirty = true;
out:
	free(file);
	return ret;
}

/* Reads the policy in force and the devices, and plans. */
static int plan(struct daemon *d)
{
	struct tppgate_policy_info pi;
	struct tppgate_device_info *devs = NULL;
	size_t n = 0;
	int ret;

	ret = d->kops->policy_get(d->k, &pi);
	if (ret == -ENOENT) {
		d->has_policy = false;
		return ret;
	}
	if (ret) {
		set_error(d, "reading the policy in force: %s (%s)",
			  strerror(-ret), kmsg(d));
		return ret;
	}
	d->has_policy = true;
	d->serial = pi.policy.serial;
	d->grant_required = pi.policy.grant_required;
	d->has_node_cap = pi.policy.has_node_cap;
	d->node_cap = pi.policy.node_cap;
	d->has_cluster_cap = pi.policy.has_cluster_cap;
	d->cluster_cap = pi.policy.cluster_cap;
	if (d->lops->note_serial(d->l, d->serial))
		log_warn("ledger: cannot record serial %llu",
			 (unsigned long long)d->serial);
	ret = d->kops->devices(d->k, &devs, &n);
	if (ret) {
		set_error(d, "listing devices: %s (%s)", strerror(-ret), kmsg(d));
		return ret;
	}
	ret = tppgated_plan(devs, n, d->has_node_cap, d->node_cap, &d->plan);
	free(devs);
	if (ret)
		set_error(d, "planning: the devices' TPP overflows");
	return ret;
}

static int reserve(struct daemon *d, uint64_t want, struct ledger_res *res)
{
	struct ledger_req req = {
		.want = want, .has_cluster_cap = d->has_cluster_cap,
		.cluster_cap = d->cluster_cap, .cluster_id = "",
		.serial = d->serial,
	};
	char msg[256] = "";
	int ret;

	ret = d->lops->reserve(d->l, &req, res, msg, sizeof(msg));
	if (ret)
		set_error(d, "ledger %s: reserving %llu TPP: %s", d->lops->name,
			  (unsigned long long)want, msg);
	return ret;
}

static int grant_once(struct daemon *d)
{
	struct tppgate_status_info st;
	struct ledger_res res = { 0 };
	uint64_t want = d->plan.demand, hold, give, t0;
	int ret;

	hold = d->has_grant && d->granted > want ? d->granted : want;
	t0 = tppgated_boot_ms();
	ret = reserve(d, hold, &res);
	if (ret)
		return ret;
	give = res.held < want ? res.held : want;
	/* Never grant on a reservation that may lapse before the grant. */
	if (res.lease_s <= d->cfg.grant_lease ||
	    tppgated_boot_ms() - t0 >=
	    ((uint64_t)res.lease_s - d->cfg.grant_lease) * 1000) {
		set_error(d, "ledger %s took longer than its lease allows; not granting",
			  d->lops->name);
		return -ETIMEDOUT;
	}
	ret = d->kops->grant_set(d->k, give, d->cfg.grant_lease, d->serial, &st);
	if (ret) {
		if (ret != -ESTALE)
			set_error(d, "kernel refused the grant of %llu TPP for serial %llu: %s (%s)",
				  (unsigned long long)give,
				  (unsigned long long)d->serial, strerror(-ret),
				  kmsg(d));
		return ret;
	}
	d->has_grant = true;
	d->granted = give;
	d->grant_serial = d->serial;
	d->held = res.held;
	d->lease_end_ms = tppgated_boot_ms() + (uint64_t)d->cfg.grant_lease * 1000;
	d->last_renewal = (uint64_t)time(NULL);
	d->settling = give < want && res.settling;
	if (res.held > give && !reserve(d, give, &res))
		d->held = res.held;
	if (give < want && d->settling)
		snprintf(d->limit, sizeof(d->limit),
			 "the ledger holds %llu of the %llu TPP demanded while it settles after a new policy (cluster cap %llu); asking again sooner",
			 (unsigned long long)give, (unsigned long long)want,
			 (unsigned long long)d->cluster_cap);
	else if (give < want)
		snprintf(d->limit, sizeof(d->limit),
			 "the ledger holds %llu of the %llu TPP demanded (cluster cap %llu, other hosts %llu)",
			 (unsigned long long)give, (unsigned long long)want,
			 (unsigned long long)d->cluster_cap,
			 (unsigned long long)res.others);
	else
		d->limit[0] = '\0';
	return 0;
}

void daemon_grant(struct daemon *d)
{
	uint64_t now = tppgated_boot_ms();
	uint32_t after = tppgated_renew_after(&d->cfg);
	int ret, tries;

	for (tries = 0; tries < 2; tries++) {
		ret = plan(d);
		if (ret == -ENOENT) {
			snprintf(d->limit, sizeof(d->limit),
				 "no policy in force: nothing to grant");
			daemon_schedule(d, 0);
			return;
		}
		if (ret) {
			retry_later(d);
			return;
		}
		/* Nothing changed and the lease is fresh: leave it be. */
		if (!d->force && d->has_grant && d->grant_serial == d->serial &&
		    d->granted == d->plan.demand && d->next_renewal_ms &&
		    now < d->next_renewal_ms && !d->last_error[0])
			return;
		d->attempts++;
		ret = grant_once(d);
		if (ret != -ESTALE)
			break;
		/* The policy changed under us: read it again and recompute. */
		log_notice("grant for serial %llu is stale; recomputing",
			   (unsigned long long)d->serial);
	}
	d->force = false;
	if (ret) {
		if (ret == -ESTALE)
			set_error(d, "the grant is still stale after reading the policy again (%s)",
				  kmsg(d));
		retry_later(d);
		return;
	}
	d->last_error[0] = '\0';
	log_info("granted %llu TPP (demand %llu) for serial %llu, lease %u s",
		 (unsigned long long)d->granted,
		 (unsigned long long)d->plan.demand,
		 (unsigned long long)d->serial, d->cfg.grant_lease);
	/* Cut short while the ledger settles: again sooner, backing off. */
	if (d->settling)
		after = tppgated_settle_after(&d->cfg, d->settled++);
	else
		d->settled = 0;
	daemon_schedule(d, tppgated_boot_ms() + (uint64_t)after * 1000);
}

static json_t *u64_or_null(bool has, uint64_t v)
{
	return has ? json_integer((json_int_t)v) : json_null();
}

json_t *daemon_status_json(struct daemon *d)
{
	uint64_t now = tppgated_boot_ms(), wall = (uint64_t)time(NULL);
	bool lease = d->has_grant && now < d->lease_end_ms;
	bool next = d->next_renewal_ms != 0;
	uint64_t next_in = next && d->next_renewal_ms > now ?
			   d->next_renewal_ms - now : 0;

	return json_pack("{s:b, s:{s:s, s:s, s:I, s:I, s:I}, "
			 "s:{s:s, s:s, s:o, s:o, s:b, s:o, s:o}, "
			 "s:{s:o, s:I, s:I, s:i, s:i}, "
			 "s:{s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:s}, "
			 "s:o, s:o, s:I, s:I}",
		"ok", 1,
		"daemon", "version", TPPCTL_VERSION,
			  "kernel", d->kops->name,
			  "pid", (json_int_t)getpid(),
			  "started", (json_int_t)d->started,
			  "wakeups", (json_int_t)d->wakeups,
		"policy", "file", d->cfg.policy_file,
			  "file_status", d->file_status,
			  "file_serial", u64_or_null(d->has_file_serial, d->file_serial),
			  "serial", u64_or_null(d->has_policy, d->serial),
			  "grant_required", d->grant_required,
			  "node_cap", u64_or_null(d->has_policy && d->has_node_cap, d->node_cap),
			  "cluster_cap", u64_or_null(d->has_policy && d->has_cluster_cap, d->cluster_cap),
		"demand", "tpp", u64_or_null(d->has_policy, d->plan.demand),
			  "counted", (json_int_t)d->plan.counted,
			  "waiting", (json_int_t)d->plan.waiting,
			  "devices_waiting", (int)d->plan.n_waiting,
			  "devices_left_out", (int)d->plan.n_left_out,
		"grant", "tpp", u64_or_null(d->has_grant, d->granted),
			 "serial", u64_or_null(d->has_grant, d->grant_serial),
			 "lease", (json_int_t)d->cfg.grant_lease,
			 "lease_left_ms", u64_or_null(d->has_grant, lease ? d->lease_end_ms - now : 0),
			 "last_renewal", u64_or_null(d->last_renewal, d->last_renewal),
			 "next_renewal", u64_or_null(next, wall + next_in / 1000),
			 "next_renewal_in_ms", u64_or_null(next, next_in),
			 "limit", d->limit,
		"ledger", d->lops->status(d->l),
		"last_error", d->last_error[0] ?
			json_pack("{s:s, s:I}", "message", d->last_error,
				  "at", (json_int_t)d->last_error_at) : json_null(),
		"attempts", (json_int_t)d->attempts,
		"failures", (json_int_t)d->failures);
}
