// SPDX-License-Identifier: GPL-2.0
/*
 * The shim: a stand-in for tppgate.ko, for tests of the daemon on a host
 * without the module (and for the cluster tests, which run several
 * daemons on one machine). It takes its devices from a JSON file, checks
 * and keeps policies as the kernel would (signature against [shim] cert
 * when set, serial strictly increasing, validity window), admits devices
 * first-fit under min(node cap, grant) with the kernel's lease rules, and
 * writes what it did to a JSON state file after every change, so a test
 * can read the grant even after the daemon died. A change of the devices
 * file is its hotplug event. Its policy survives a daemon restart, as the
 * module's does.
 *
 * Devices file: {"devices": [{"bdf": "0000:00:04.0", "vendor": 4660,
 * "device": 4584, "class": 1179648}, ...]} (numbers or "0x..." strings).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "kernel.h"
#include "ledger.h"

#define SHIM_DEVICES_MAX	256
#define SHIM_FILE_MAX		(256 * 1024)

struct kernel {
	struct tppgated_config cfg;
	int ino;
	char devname[TPPGATED_PATH_MAX];	/* basename of the devices file */
	char errmsg[TPPGATE_ERRMSG_LEN];
	struct tppgate_device_info dev[SHIM_DEVICES_MAX];
	size_t n;
	uint8_t *blob;			/* the policy in force, or NULL */
	size_t blen;
	struct tppgate_policy_src pol;
	bool has_grant;
	uint64_t grant, grant_serial;
	uint32_t lease;
	uint64_t lease_end_ms;		/* CLOCK_BOOTTIME */
	uint64_t granted_at;		/* UTC seconds */
	uint64_t n_grants;
};

static uint64_t boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int refuse(struct kernel *k, int err, const char *msg)
{
	snprintf(k->errmsg, sizeof(k->errmsg), "tppgate-shim: %s", msg);
	return err;
}

static int get_num(json_t *o, const char *key, uint64_t max, uint64_t *v)
{
	json_t *x = json_object_get(o, key);
	unsigned long long n;
	char *end;

	if (json_is_integer(x) && json_integer_value(x) >= 0) {
		n = (unsigned long long)json_integer_value(x);
	} else if (json_is_string(x)) {
		errno = 0;
		n = strtoull(json_string_value(x), &end, 0);
		if (errno || *end || !json_string_length(x))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

static int by_bdf(const void *a, const void *b)
{
	return strcmp(((const struct tppgate_device_info *)a)->bdf,
		      ((const struct tppgate_device_info *)b)->bdf);
}

/* Reads the devices file; devices already known keep their state. */
static int load_devices(struct kernel *k, char *err, size_t errlen)
{
	static struct tppgate_device_info next[SHIM_DEVICES_MAX];
	json_error_t jerr;
	json_t *j, *arr, *d;
	size_t i, m, len, n = 0;
	char *text;
	int ret;

	ret = tppgate_read_file(k->cfg.shim_devices, SHIM_FILE_MAX, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", k->cfg.shim_devices, strerror(-ret));
		return ret;
	}
	j = json_loadb(text, len, 0, &jerr);
	free(text);
	arr = json_object_get(j, "devices");
	ret = -EINVAL;
	if (!json_is_array(arr) || json_array_size(arr) > SHIM_DEVICES_MAX) {
		snprintf(err, errlen, "%s: not {\"devices\": [...]} (at most %d)",
			 k->cfg.shim_devices, SHIM_DEVICES_MAX);
		goto out;
	}
	json_array_foreach(arr, i, d) {
		struct tppgate_device_info *v = &next[n];
		uint64_t vendor, device, class, sv = 0, sd = 0;
		json_t *bdf = json_object_get(d, "bdf");

		memset(v, 0, sizeof(*v));
		if (!json_is_string(bdf) ||
		    tppgate_bdf_normalize(json_string_value(bdf), v->bdf,
					  sizeof(v->bdf)) ||
		    get_num(d, "vendor", 0xffff, &vendor) ||
		    get_num(d, "device", 0xffff, &device) ||
		    get_num(d, "class", 0xffffff, &class) ||
		    (json_object_get(d, "subsystem_vendor") &&
		     get_num(d, "subsystem_vendor", 0xffff, &sv)) ||
		    (json_object_get(d, "subsystem_device") &&
		     get_num(d, "subsystem_device", 0xffff, &sd))) {
			snprintf(err, errlen, "%s: device %zu: needs bdf, vendor, device, class",
				 k->cfg.shim_devices, i);
			goto out;
		}
		v->vendor = (uint16_t)vendor;
		v->device = (uint16_t)device;
		v->class = (uint32_t)class;
		v->subsys_vendor = (uint16_t)sv;
		v->subsys_device = (uint16_t)sd;
		v->state = TPPGATE_STATE_QUARANTINED;
		v->reason = TPPGATE_REASON_NO_POLICY;
		v->flags = TPPGATE_DEVICE_F_HELD;
		snprintf(v->driver, sizeof(v->driver), "tppgate");
		for (m = 0; m < k->n; m++)
			if (!strcmp(k->dev[m].bdf, v->bdf))
				*v = k->dev[m];
		n++;
	}
	qsort(next, n, sizeof(next[0]), by_bdf);
	memcpy(k->dev, next, n * sizeof(next[0]));
	k->n = n;
	ret = 0;
out:
	json_decref(j);
	return ret;
}

static const struct tppgate_catalog_item *lookup(const struct tppgate_policy_src *p,
						 const struct tppgate_device_info *d)
{
	const struct tppgate_catalog_item *any = NULL;
	uint32_t i;

	for (i = 0; i < p->n_entries; i++) {
		const struct tppgate_catalog_item *e = &p->entries[i];

		if (e->vendor != d->vendor || e->device != d->device)
			continue;
		if (!e->has_subsys)
			any = e;
		else if (e->subsystem_vendor == d->subsys_vendor &&
			 e->subsystem_device == d->subsys_device)
			return e;
	}
	return any;
}

/* The lease state: 0 holds (or none needed), 1 lapsed, 2 offline cap. */
static int lease_state(const struct kernel *k, uint64_t *offline_s)
{
	uint64_t now = boot_ms();

	*offline_s = 0;
	if (!k->blob || !k->pol.grant_required)
		return 0;
	if (k->has_grant && now < k->lease_end_ms)
		return 0;
	if (k->has_grant)
		*offline_s = (now - k->lease_end_ms) / 1000;
	return *offline_s >= k->pol.offline_grace ? 2 : 1;
}

static bool effective_cap(const struct kernel *k, uint64_t *cap, bool *frozen)
{
	const struct tppgate_policy_src *p = &k->pol;
	uint64_t off;
	bool has = p->has_node_cap;
	int ls = lease_state(k, &off);

	*cap = p->node_cap;
	*frozen = false;
	if (ls == 0 && p->grant_required && k->has_grant &&
	    (!has || k->grant < *cap)) {
		*cap = k->grant;
		has = true;
	} else if (ls == 1) {
		*frozen = true;
	} else if (ls == 2 && (!has || p->offline_cap < *cap)) {
		*cap = p->offline_cap;
		has = true;
	}
	return has;
}

/* The kernel's decide.c in miniature; revocation is immediate here. */
static void decide(struct kernel *k)
{
	const struct tppgate_policy_src *p = &k->pol;
	uint64_t cap, used = 0;
	bool frozen, has_cap = effective_cap(k, &cap, &frozen);
	size_t i, pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < k->n; i++) {
			struct tppgate_device_info *d = &k->dev[i];
			const struct tppgate_catalog_item *e;
			bool running = d->state == TPPGATE_STATE_ADMITTED;
			uint32_t action;

			if (running != !pass)
				continue;
			if (!k->blob) {
				d->reason = TPPGATE_REASON_NO_POLICY;
				continue;
			}
			e = lookup(p, d);
			action = e ? e->action : p->default_action;
			d->tpp = e ? e->tpp : 0;
			if (action == TPPGATE_ACTION_EXEMPT) {
				d->tpp = 0;
				d->state = TPPGATE_STATE_ADMITTED;
				d->reason = TPPGATE_REASON_EXEMPT;
			} else if (action == TPPGATE_ACTION_DENY || p->tier == 3) {
				d->state = TPPGATE_STATE_QUARANTINED;
				d->reason = e ? TPPGATE_REASON_DENIED
					      : TPPGATE_REASON_UNKNOWN_DEVICE;
			} else if ((!running && frozen) ||
				   (has_cap && used + d->tpp > cap)) {
				d->state = TPPGATE_STATE_QUARANTINED;
				/* Held by the grant, or by the node cap itself? */
				d->reason = p->grant_required &&
					    (!p->has_node_cap ||
					     used + d->tpp <= p->node_cap) ?
					    TPPGATE_REASON_NO_GRANT :
					    TPPGATE_REASON_OVER_CAP;
			} else {
				used += d->tpp;
				d->state = TPPGATE_STATE_ADMITTED;
				d->reason = TPPGATE_REASON_POLICY;
			}
			d->flags = d->state == TPPGATE_STATE_ADMITTED ?
				   TPPGATE_DEVICE_F_COUNTED : TPPGATE_DEVICE_F_HELD;
			snprintf(d->driver, sizeof(d->driver), "%s",
				 d->state == TPPGATE_STATE_ADMITTED ? "shim" : "tppgate");
		}
	}
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int save(struct kernel *k)
{
	json_t *j, *devs;
	char *hexblob, *text;
	size_t i;
	int err;

	hexblob = calloc(1, 2 * k->blen + 1);
	if (!hexblob)
		return -ENOMEM;
	if (k->blob)
		hex(hexblob, k->blob, k->blen);
	devs = json_array();
	for (i = 0; i < k->n; i++)
		json_array_append_new(devs, json_pack("{s:s, s:s, s:s, s:I}",
			"bdf", k->dev[i].bdf,
			"state", tppgate_state_name(k->dev[i].state),
			"reason", tppgate_reason_name(k->dev[i].reason),
			"tpp", (json_int_t)k->dev[i].tpp));
	j = json_pack("{s:o, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:o}",
		      "policy_serial", k->blob ? json_integer((json_int_t)k->pol.serial) : json_null(),
		      "policy", hexblob,
		      "grant", k->has_grant ? json_integer((json_int_t)k->grant) : json_null(),
		      "grant_serial", k->has_grant ? json_integer((json_int_t)k->grant_serial) : json_null(),
		      "lease", (json_int_t)k->lease,
		      "granted_at", (json_int_t)k->granted_at,
		      "lease_end_boottime_ms", (json_int_t)k->lease_end_ms,
		      "grants", (json_int_t)k->n_grants,
		      "devices", devs);
	free(hexblob);
	if (!j)
		return -ENOMEM;
	text = json_dumps(j, JSON_INDENT(1));
	err = text ? tppgate_replace_file(k->cfg.shim_state, text, strlen(text),
					   0600, false) : -ENOMEM;
	free(text);
	json_decref(j);
	return err;
}

static int unhex(const char *s, uint8_t **out, size_t *len)
{
	size_t i, n = strlen(s);

	if (n % 2)
		return -EINVAL;
	*out = malloc(n / 2 + 1);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1) {
			free(*out);
			return -EINVAL;
		}
		(*out)[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

/* The policy a previous run left in force, as the module would keep it. */
static void restore(struct kernel *k)
{
	json_t *j = json_load_file(k->cfg.shim_state, 0, NULL);
	json_t *hexblob = json_object_get(j, "policy");
	json_t *grant = json_object_get(j, "grant");
	char msg[128];

	/* CLOCK_BOOTTIME is the machine's: a lease stored in it stays true. */
	if (json_is_integer(grant)) {
		k->has_grant = true;
		k->grant = (uint64_t)json_integer_value(grant);
		k->grant_serial = (uint64_t)json_integer_value(json_object_get(j, "grant_serial"));
		k->lease = (uint32_t)json_integer_value(json_object_get(j, "lease"));
		k->lease_end_ms = (uint64_t)json_integer_value(json_object_get(j, "lease_end_boottime_ms"));
		k->granted_at = (uint64_t)json_integer_value(json_object_get(j, "granted_at"));
	}
	k->n_grants = (uint64_t)json_integer_value(json_object_get(j, "grants"));

	if (json_is_string(hexblob) && json_string_length(hexblob) &&
	    !unhex(json_string_value(hexblob), &k->blob, &k->blen) &&
	    tppgate_policy_decode(k->blob, k->blen, &k->pol, msg, sizeof(msg))) {
		free(k->blob);
		k->blob = NULL;
		tppgate_policy_free(&k->pol);
		tppgate_policy_init(&k->pol);
	}
	json_decref(j);
}

static int shim_open(struct kernel **kp, const struct tppgated_config *cfg,
		     char *err, size_t errlen)
{
	char dir[TPPGATED_PATH_MAX], *slash;
	struct kernel *k;
	int ret;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->cfg = *cfg;
	tppgate_policy_init(&k->pol);
	snprintf(dir, sizeof(dir), "%s", cfg->shim_devices);
	slash = strrchr(dir, '/');
	*slash = '\0';
	snprintf(k->devname, sizeof(k->devname), "%s", slash + 1);
	k->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (k->ino < 0 || inotify_add_watch(k->ino, dir[0] ? dir : "/",
			IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
		ret = -errno;
		snprintf(err, errlen, "shim: watching %s: %s", dir, strerror(-ret));
		goto fail;
	}
	restore(k);
	ret = load_devices(k, err, errlen);
	if (ret)
		goto fail;
	decide(k);
	save(k);
	*kp = k;
	return 0;
fail:
	if (k->ino >= 0)
		close(k->ino);
	free(k);
	return ret;
}

static void shim_close(struct kernel *k)
{
	close(k->ino);
	free(k->blob);
	tppgate_policy_free(&k->pol);
	free(k);
}

static int shim_events_fd(struct kernel *k)
{
	return k->ino;
}

static int shim_events_read(struct kernel *k, unsigned int *changes)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char msg[256];
	bool mine = false;
	ssize_t n;

	while ((n = read(k->ino, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && !strcmp(ev->name, k->devname))
				mine = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (!mine)
		return 0;
	if (load_devices(k, msg, sizeof(msg))) {
		log_warn("shim: %s; devices unchanged", msg);
		return 0;
	}
	decide(k);
	save(k);
	*changes |= KERNEL_CHANGE_DEVICES;
	return 0;
}

static void fill_status(struct kernel *k, struct tppgate_status_info *s)
{
	uint64_t off, cap, now = boot_ms();
	bool frozen;
	size_t i;
	int ls;

	decide(k);
	memset(s, 0, sizeof(*s));
	snprintf(s->version, sizeof(s->version), "shim");
	s->boot_mode = TPPGATE_BOOT_KEEP;
	for (i = 0; i < k->n; i++) {
		if (k->dev[i].state == TPPGATE_STATE_ADMITTED) {
			s->n_admitted++;
			s->admitted_tpp += k->dev[i].tpp;
		} else {
			s->n_quarantined++;
		}
	}
	if (!k->blob)
		return;
	s->has_policy = true;
	s->policy_serial = k->pol.serial;
	s->has_node_cap = k->pol.has_node_cap;
	s->node_cap = k->pol.node_cap;
	if (k->pol.grant_required)
		s->flags |= TPPGATE_STATUS_F_GRANT_REQUIRED;
	ls = lease_state(k, &off);
	if (k->has_grant) {
		s->has_grant = true;
		s->grant = k->grant;
		s->grant_serial = k->grant_serial;
		s->lease_left_ms = now < k->lease_end_ms ? k->lease_end_ms - now : 0;
		if (!s->lease_left_ms) {
			s->has_offline = true;
			s->offline_secs = (now - k->lease_end_ms) / 1000;
		}
	}
	if (ls >= 1)
		s->flags |= TPPGATE_STATUS_F_LEASE_LAPSED;
	if (ls == 2)
		s->flags |= TPPGATE_STATUS_F_OFFLINE_CAP;
	s->has_effective_cap = effective_cap(k, &cap, &frozen);
	s->effective_cap = cap;
}

static int shim_status(struct kernel *k, struct tppgate_status_info *out)
{
	fill_status(k, out);
	return 0;
}

static int shim_policy_get(struct kernel *k, struct tppgate_policy_info *out)
{
	k->errmsg[0] = '\0';
	if (!k->blob)
		return refuse(k, -ENOENT, "no policy loaded");
	memset(out, 0, sizeof(*out));
	out->policy = k->pol;
	out->policy.entries = NULL;
	tppgate_sha256(k->blob, k->blen, out->sha256);
	return 0;
}

static int shim_policy_set(struct kernel *k, const void *blob, size_t blen,
			   const void *sig, size_t slen)
{
	struct tppgate_policy_src p;
	char msg[200], *cert = NULL;
	uint64_t now = (uint64_t)time(NULL);
	size_t clen;
	int err;

	k->errmsg[0] = '\0';
	if (k->cfg.shim_cert[0]) {
		err = tppgate_read_file(k->cfg.shim_cert, SHIM_FILE_MAX, &cert, &clen);
		if (err)
			return refuse(k, -ENOKEY, "cannot read the trusted certificate");
		err = tppgate_verify(blob, blen, sig, slen, cert, clen, msg,
				     sizeof(msg));
		free(cert);
		if (err)
			return refuse(k, err, msg);
	}
	err = tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg));
	if (err) {
		tppgate_policy_free(&p);
		return refuse(k, err, msg);
	}
	if (k->blob && p.serial <= k->pol.serial) {
		snprintf(msg, sizeof(msg), "serial %llu is not greater than the one in force (%llu)",
			 (unsigned long long)p.serial,
			 (unsigned long long)k->pol.serial);
		tppgate_policy_free(&p);
		return refuse(k, -ESTALE, msg);
	}
	if (now >= p.not_after || now < p.not_before) {
		tppgate_policy_free(&p);
		return refuse(k, now >= p.not_after ? -EKEYEXPIRED : -EAGAIN,
			      "outside the policy's validity window");
	}
	free(k->blob);
	k->blob = malloc(blen);
	if (!k->blob) {
		tppgate_policy_free(&p);
		return -ENOMEM;
	}
	memcpy(k->blob, blob, blen);
	k->blen = blen;
	tppgate_policy_free(&k->pol);
	k->pol = p;
	decide(k);
	save(k);
	return 0;
}

static int shim_grant_set(struct kernel *k, uint64_t tpp, uint32_t lease,
			  uint64_t serial, struct tppgate_status_info *out)
{
	k->errmsg[0] = '\0';
	if (!lease || lease > TPPGATE_GRANT_LEASE_MAX)
		return refuse(k, -ERANGE, "lease out of range");
	if (!k->blob)
		return refuse(k, -ENOENT, "no policy loaded");
	if (serial != k->pol.serial)
		return refuse(k, -ESTALE, "the grant is for another policy serial");
	k->has_grant = true;
	k->grant = tpp;
	k->grant_serial = serial;
	k->lease = lease;
	k->lease_end_ms = boot_ms() + (uint64_t)lease * 1000;
	k->granted_at = (uint64_t)time(NULL);
	k->n_grants++;
	decide(k);
	save(k);
	if (out)
		fill_status(k, out);
	return 0;
}

static int shim_devices(struct kernel *k, struct tppgate_device_info **devs,
			size_t *n)
{
	decide(k);
	*devs = malloc((k->n ? k->n : 1) * sizeof(**devs));
	if (!*devs)
		return -ENOMEM;
	memcpy(*devs, k->dev, k->n * sizeof(**devs));
	*n = k->n;
	return 0;
}

static const char *shim_last_error(struct kernel *k)
{
	return k->errmsg[0] ? k->errmsg : NULL;
}

const struct kernel_ops kernel_shim_ops = {
	.name = "shim",
	.open = shim_open,
	.close = shim_close,
	.events_fd = shim_events_fd,
	.events_read = shim_events_read,
	.status = shim_status,
	.policy_get = shim_policy_get,
	.policy_set = shim_policy_set,
	.grant_set = shim_grant_set,
	.devices = shim_devices,
	.last_error = shim_last_error,
};
