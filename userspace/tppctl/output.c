// SPDX-License-Identifier: GPL-2.0
/*
 * How tppctl prints things, as text and as JSON. The JSON keys and the enum
 * strings are an interface for scripts: add keys, never rename them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tppctl.h"

typedef const char *(*flag_name_fn)(uint32_t bit);

/* Known bits by name, unknown ones as "0x..", so nothing is hidden. */
static json_t *flags_json(uint32_t flags, flag_name_fn name)
{
	json_t *arr = json_array();
	unsigned int i;

	if (!arr)
		return NULL;
	for (i = 0; i < 32; i++) {
		uint32_t bit = 1U << i;
		char hex[16];
		const char *s;

		if (!(flags & bit))
			continue;
		s = name(bit);
		if (!s) {
			snprintf(hex, sizeof(hex), "0x%" PRIx32, bit);
			s = hex;
		}
		if (json_array_append_new(arr, json_string(s))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static void flags_text(char *buf, size_t len, uint32_t flags,
		       flag_name_fn name)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < 32 && off < len; i++) {
		uint32_t bit = 1U << i;
		const char *s;
		int n;

		if (!(flags & bit))
			continue;
		s = name(bit);
		if (s)
			n = snprintf(buf + off, len - off, "%s%s",
				     off ? "," : "", s);
		else
			n = snprintf(buf + off, len - off, "%s0x%" PRIx32,
				     off ? "," : "", bit);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static json_t *hex_json(unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", width, v);
	return json_string(buf);
}

/* A u64 as a JSON number, or null when absent. */
static json_t *u64_or_null(bool present, uint64_t v)
{
	return present ? tppctl_u64_json(v) : json_null();
}

/* Builds an object from key/value pairs; takes ownership of every value. */
static json_t *object_of(const char *const *keys, json_t **vals, size_t n)
{
	json_t *obj = json_object();
	bool ok = obj;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ok && vals[i])
			ok = !json_object_set_new(obj, keys[i], vals[i]);
		else
			json_decref(vals[i]);
		ok = ok && vals[i];
	}
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static const char *const device_keys[] = {
	"bdf", "vendor", "device", "subsystem_vendor", "subsystem_device",
	"class", "state", "reason", "tpp", "flags", "driver",
};

json_t *tppctl_device_json(const struct tppgate_device_info *d)
{
	json_t *v[ARRAY_SIZE(device_keys)];
	const char *state = tppgate_state_name(d->state);
	const char *reason = tppgate_reason_name(d->reason);

	if (!state || !reason)
		return NULL;
	v[0] = json_string(d->bdf);
	v[1] = hex_json(d->vendor, 4);
	v[2] = hex_json(d->device, 4);
	v[3] = hex_json(d->subsys_vendor, 4);
	v[4] = hex_json(d->subsys_device, 4);
	v[5] = hex_json(d->class, 6);
	v[6] = json_string(state);
	v[7] = json_string(reason);
	v[8] = u64_or_null(true, d->tpp);
	v[9] = flags_json(d->flags, tppgate_device_flag_name);
	v[10] = d->driver[0] ? json_string(d->driver) : json_null();
	return object_of(device_keys, v, ARRAY_SIZE(v));
}

static const char *const status_keys[] = {
	"version", "boot_mode", "flags", "quarantined", "admitted",
	"unmanaged_bound", "unmanaged", "over_cap", "admitted_tpp",
	"node_cap", "policy_serial", "grant", "grant_serial", "lease_left_ms",
	"offline_secs", "effective_cap",
};

json_t *tppctl_status_json(const struct tppgate_status_info *s)
{
	json_t *v[ARRAY_SIZE(status_keys)];
	const char *mode = tppgate_boot_mode_name(s->boot_mode);

	if (!mode)
		return NULL;
	v[0] = json_string(s->version);
	v[1] = json_string(mode);
	v[2] = flags_json(s->flags, tppgate_status_flag_name);
	v[3] = json_integer(s->n_quarantined);
	v[4] = json_integer(s->n_admitted);
	v[5] = json_integer(s->n_unmanaged_bound);
	v[6] = json_integer(s->n_unmanaged);
	v[7] = json_integer(s->n_over_cap);
	v[8] = u64_or_null(true, s->admitted_tpp);
	v[9] = u64_or_null(s->has_node_cap, s->node_cap);
	v[10] = u64_or_null(s->has_policy, s->policy_serial);
	v[11] = u64_or_null(s->has_grant, s->grant);
	v[12] = u64_or_null(s->has_grant, s->grant_serial);
	v[13] = u64_or_null(s->has_grant, s->lease_left_ms);
	v[14] = u64_or_null(s->has_offline, s->offline_secs);
	v[15] = u64_or_null(s->has_effective_cap, s->effective_cap);
	return object_of(status_keys, v, ARRAY_SIZE(v));
}

/* Every event has every key, null where it does not apply. */
static const char *const event_keys[] = {
	"event", "device", "policy_serial", "status",
};

json_t *tppctl_event_json(const struct tppgate_event_info *e)
{
	const char *name = tppgate_event_name(e->event);
	json_t *v[4];

	if (!name)
		return NULL;
	v[0] = json_string(name);
	v[1] = e->has_device ? tppctl_device_json(&e->device) : json_null();
	v[2] = u64_or_null(e->has_policy_serial, e->policy_serial);
	v[3] = e->has_status ? tppctl_status_json(&e->status) : json_null();
	return object_of(event_keys, v, ARRAY_SIZE(v));
}

/*
 * JSON integers are signed 64-bit in jansson, so a u64 above INT64_MAX goes
 * into the tree as a string that carries a marker with a per-run nonce,
 * and dump() writes its digits bare: every u64 prints as a JSON number,
 * whatever its value. No string from outside can forge the nonce.
 */
#define U64_TAG		"\001u64:"

static const char *u64_nonce(void)
{
	static char nonce[17];
	uint8_t r[8];
	size_t i;

	if (nonce[0])
		return nonce;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		uint64_t t = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();

		memcpy(r, &t, sizeof(r));
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(nonce + 2 * i, 3, "%02x", r[i]);
	return nonce;
}

json_t *tppctl_u64_json(uint64_t v)
{
	char buf[64];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), U64_TAG "%s:%" PRIu64, u64_nonce(), v);
	return json_string(buf);
}

/* Writes @text with every tagged u64 string replaced by its digits. */
static int put_untagged(FILE *f, const char *text)
{
	char tag[64];
	const char *p = text, *q;
	size_t tl;

	/* jansson escapes the \001 of the tag as \u0001. */
	tl = (size_t)snprintf(tag, sizeof(tag), "\"\\u0001u64:%s:", u64_nonce());
	while ((q = strstr(p, tag))) {
		fwrite(p, 1, (size_t)(q - p), f);
		q += tl;
		while (*q >= '0' && *q <= '9')
			fputc(*q++, f);
		p = q + (*q == '"');
	}
	return fputs(p, f) == EOF ? -EIO : 0;
}

static int dump(struct tppctl_ctx *ctx, json_t *j, size_t flags)
{
	char *text;
	int err;

	if (!j) {
		fprintf(ctx->err, "tppctl: cannot format JSON output\n");
		return -ENOMEM;
	}
	text = json_dumps(j, flags);
	json_decref(j);
	if (!text)
		return -ENOMEM;
	err = put_untagged(ctx->out, text);
	free(text);
	if (err || fputc('\n', ctx->out) == EOF)
		return -EIO;
	return 0;
}

/* Prints @j on one line and drops the reference; NULL means it failed. */
int tppctl_print_json(struct tppctl_ctx *ctx, json_t *j)
{
	return dump(ctx, j, JSON_COMPACT | JSON_ENSURE_ASCII |
		    JSON_REAL_PRECISION(15));
}

/* 15 digits: a performance density of 19.45 prints as 19.45. */
int tppctl_print_json_pretty(struct tppctl_ctx *ctx, json_t *j)
{
	return dump(ctx, j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
}

#define ROW_FMT "%-12s  %-9s  %-6s  %-15s  %-14s  %8s  %-16s  %s\n"

void tppctl_device_header(FILE *f)
{
	fprintf(f, ROW_FMT, "BDF", "ID", "CLASS", "STATE", "REASON", "TPP",
		"DRIVER", "FLAGS");
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

void tppctl_device_row(FILE *f, const struct tppgate_device_info *d)
{
	char id[16], class[16], tpp[24], flags[128];

	snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device);
	snprintf(class, sizeof(class), "%06" PRIx32, d->class);
	snprintf(tpp, sizeof(tpp), "%" PRIu64, d->tpp);
	flags_text(flags, sizeof(flags), d->flags, tppgate_device_flag_name);
	fprintf(f, ROW_FMT, d->bdf, id, class,
		or_unknown(tppgate_state_name(d->state)),
		or_unknown(tppgate_reason_name(d->reason)), tpp,
		d->driver[0] ? d->driver : "-", flags);
}

static void u64_text(char *buf, size_t len, bool present, uint64_t v)
{
	if (present)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "-");
}

/* The grant lines of `tppctl status`: what the daemon granted, and for how long. */
static void grant_text(FILE *f, const struct tppgate_status_info *s)
{
	char grant[64] = "-", left[40] = "-", offline[40] = "-", eff[24];

	if (s->has_grant) {
		snprintf(grant, sizeof(grant), "%" PRIu64 " (policy serial %"
			 PRIu64 ")", s->grant, s->grant_serial);
		if (s->lease_left_ms)
			snprintf(left, sizeof(left), "%" PRIu64 ".%03" PRIu64 " s",
				 s->lease_left_ms / 1000, s->lease_left_ms % 1000);
		else
			snprintf(left, sizeof(left), "lapsed");
	}
	if (s->has_offline)
		snprintf(offline, sizeof(offline), "%" PRIu64 " s ago",
			 s->offline_secs);
	u64_text(eff, sizeof(eff), s->has_effective_cap, s->effective_cap);
	fprintf(f, "grant:            %s\n", grant);
	fprintf(f, "lease left:       %s\n", left);
	fprintf(f, "offline since:    %s\n", offline);
	fprintf(f, "effective cap:    %s\n", eff);
}

void tppctl_status_text(FILE *f, const struct tppgate_status_info *s)
{
	char flags[128], cap[64], serial[40];

	flags_text(flags, sizeof(flags), s->flags, tppgate_status_flag_name);
	if (!s->has_node_cap)
		snprintf(cap, sizeof(cap), "-");
	else if (s->admitted_tpp <= s->node_cap)
		snprintf(cap, sizeof(cap), "%" PRIu64 " (%" PRIu64 " free)",
			 s->node_cap, s->node_cap - s->admitted_tpp);
	else
		snprintf(cap, sizeof(cap), "%" PRIu64 " (%" PRIu64 " over)",
			 s->node_cap, s->admitted_tpp - s->node_cap);
	u64_text(serial, sizeof(serial), s->has_policy, s->policy_serial);
	if (s->has_policy && (s->flags & TPPGATE_STATUS_F_POLICY_EXPIRED))
		strncat(serial, " (expired)", sizeof(serial) - strlen(serial) - 1);
	fprintf(f, "version:          %s\n", s->version);
	fprintf(f, "boot mode:        %s\n",
		or_unknown(tppgate_boot_mode_name(s->boot_mode)));
	fprintf(f, "flags:            %s\n", flags);
	fprintf(f, "policy serial:    %s\n", serial);
	fprintf(f, "node cap:         %s\n", cap);
	grant_text(f, s);
	fprintf(f, "admitted TPP:     %" PRIu64 "\n", s->admitted_tpp);
	fprintf(f, "quarantined:      %" PRIu32 "\n", s->n_quarantined);
	fprintf(f, "admitted:         %" PRIu32 "\n", s->n_admitted);
	fprintf(f, "over-cap:         %" PRIu32 "\n", s->n_over_cap);
	fprintf(f, "unmanaged-bound:  %" PRIu32 "\n", s->n_unmanaged_bound);
	fprintf(f, "unmanaged:        %" PRIu32 "\n", s->n_unmanaged);
}

void tppctl_event_text(FILE *f, const struct tppgate_event_info *e)
{
	const struct tppgate_device_info *d = &e->device;
	const char *name = or_unknown(tppgate_event_name(e->event));
	char flags[128], serial[24];

	if (e->has_status) {
		const struct tppgate_status_info *s = &e->status;

		u64_text(serial, sizeof(serial), s->has_grant, s->grant);
		u64_text(flags, sizeof(flags), s->has_effective_cap,
			 s->effective_cap);
		fprintf(f, "%s grant=%s lease_left_ms=%" PRIu64
			" effective_cap=%s\n", name, serial,
			s->has_grant ? s->lease_left_ms : 0, flags);
		return;
	}
	if (!e->has_device) {
		u64_text(serial, sizeof(serial), e->has_policy_serial,
			 e->policy_serial);
		fprintf(f, "%s serial=%s\n", name, serial);
		return;
	}
	flags_text(flags, sizeof(flags), d->flags, tppgate_device_flag_name);
	fprintf(f, "%s %s id=%04x:%04x state=%s reason=%s tpp=%" PRIu64
		" driver=%s flags=%s\n",
		name, d->bdf, d->vendor, d->device,
		or_unknown(tppgate_state_name(d->state)),
		or_unknown(tppgate_reason_name(d->reason)), d->tpp,
		d->driver[0] ? d->driver : "-", flags);
}

/* PCI order: domain, bus, device, function. */
int tppctl_device_cmp(const struct tppgate_device_info *a,
		      const struct tppgate_device_info *b)
{
	struct tppgate_bdf x = { 0 }, y = { 0 };
	uint64_t kx, ky;

	tppgate_bdf_parse(a->bdf, &x);
	tppgate_bdf_parse(b->bdf, &y);
	kx = (uint64_t)x.domain << 16 | x.bus << 8 | x.dev << 3 | x.fn;
	ky = (uint64_t)y.domain << 16 | y.bus << 8 | y.dev << 3 | y.fn;
	return kx < ky ? -1 : kx > ky;
}
