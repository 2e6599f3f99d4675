// SPDX-License-Identifier: GPL-2.0
/*
 * How tppctl prints policies, as text and as JSON. Pure: structs in,
 * streams or json_t out.
 *
 * tppctl_policy_source_json() is the JSON source format itself
 * (Documentation/policy.rst): `tppctl policy show --source` of a blob
 * compiles back to the same blob. The -j output of `policy show` and
 * `policy get` is that object plus keys that only describe (the dates in
 * seconds, sizes, hashes, timings); the JSON keys are an interface for
 * scripts: add keys, never rename them.
 */
#include <inttypes.h>
#include <string.h>

#include "tppctl.h"

void tppctl_hex(char *buf, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 15];
	}
	buf[2 * n] = '\0';
}

static json_t *time_json(uint64_t t)
{
	char buf[TPPGATE_TIME_LEN];

	/*
	 * Always a string (the *_unix twin is the number): past year 9999,
	 * "@SECONDS", as date(1) writes seconds since the epoch.
	 */
	if (t > 253402300799ULL)
		snprintf(buf, sizeof(buf), "@%" PRIu64, t);
	else
		tppgate_time_format(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *id_json(uint16_t v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "0x%04x", v);
	return json_string(buf);
}

/*
 * Sets @key to @v; false if @v is NULL or it failed. Like
 * json_object_set_new(), it takes @v even when it fails.
 */
static bool set(json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		return false;
	}
	return v && !json_object_set_new(obj, key, v);
}

static json_t *host_json(const struct tppgate_policy_src *p)
{
	const char *kind = tppgate_host_kind_name(p->host_kind);
	char hex[2 * TPPGATE_SHA256_LEN + 1];
	json_t *h = json_object();

	tppctl_hex(hex, p->host_hash, TPPGATE_SHA256_LEN);
	if (!h || !kind || !set(h, "kind", json_string(kind)) ||
	    !set(h, "sha256", json_string(hex))) {
		json_decref(h);
		return NULL;
	}
	return h;
}

static json_t *entry_json(const struct tppgate_catalog_item *e)
{
	const char *action = tppgate_action_name(e->action);
	json_t *o = json_object(), *sub = NULL;
	bool ok;

	ok = o && action && set(o, "vendor", id_json(e->vendor)) &&
	     set(o, "device", id_json(e->device));
	if (ok && e->has_subsys) {
		/* set() always takes its value: attach first, then fill. */
		sub = json_object();
		ok = set(o, "subsystem", sub) &&
		     set(sub, "vendor", id_json(e->subsystem_vendor)) &&
		     set(sub, "device", id_json(e->subsystem_device));
	}
	ok = ok && set(o, "tpp", json_integer(e->tpp));
	if (ok && e->pd)
		ok = set(o, "pd", json_real(e->pd / 100.0));
	if (ok && e->name[0])
		ok = set(o, "name", json_string(e->name));
	ok = ok && set(o, "action", json_string(action));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The fields that are not the catalog, in the source's order. */
static bool head_json(json_t *o, const struct tppgate_policy_src *p)
{
	const char *mode = tppgate_revoke_mode_name(p->revoke_mode);
	const char *def = tppgate_action_name(p->default_action);
	json_t *sub;
	uint32_t i;
	bool ok;

	ok = mode && def && set(o, "format", json_integer(p->format)) &&
	     set(o, "serial", tppctl_u64_json(p->serial)) &&
	     set(o, "issuer", json_string(p->issuer)) &&
	     set(o, "not_before", time_json(p->not_before)) &&
	     set(o, "not_after", time_json(p->not_after)) &&
	     set(o, "region", json_string(p->region)) &&
	     set(o, "tier", json_integer(p->tier));
	if (ok && p->has_host)
		ok = set(o, "host", host_json(p));
	if (ok && p->has_node_cap)
		ok = set(o, "node_cap", tppctl_u64_json(p->node_cap));
	if (ok && (p->cluster_id[0] || p->has_cluster_cap)) {
		sub = json_object();
		ok = set(o, "cluster", sub);
		if (ok && p->cluster_id[0])
			ok = set(sub, "id", json_string(p->cluster_id));
		if (ok && p->has_cluster_cap)
			ok = set(sub, "cap", tppctl_u64_json(p->cluster_cap));
	}
	ok = ok && set(o, "grant_required", json_boolean(p->grant_required));
	sub = ok ? json_object() : NULL;
	ok = set(o, "offline", sub) &&
	     set(sub, "grace", json_integer(p->offline_grace)) &&
	     set(sub, "cap", tppctl_u64_json(p->offline_cap));
	sub = ok ? json_object() : NULL;
	ok = set(o, "revoke", sub) && set(sub, "mode", json_string(mode));
	if (ok && (p->revoke_mode == TPPGATE_REVOKE_DEADLINE ||
		   p->revoke_deadline))
		ok = set(sub, "deadline", json_integer(p->revoke_deadline));
	if (ok && p->n_classes) {
		sub = json_array();
		ok = set(o, "classes", sub);
		for (i = 0; ok && i < p->n_classes && i < TPPGATE_CLASSES_MAX; i++)
			ok = !json_array_append_new(sub, id_json(p->classes[i]));
	}
	return ok && set(o, "default_action", json_string(def));
}

json_t *tppctl_policy_source_json(const struct tppgate_policy_src *p)
{
	json_t *o = json_object(), *cat;
	uint32_t i;
	bool ok;

	ok = o && head_json(o, p);
	if (ok && p->n_entries) {
		cat = json_array();
		ok = set(o, "catalog", cat);
		for (i = 0; ok && i < p->n_entries; i++)
			ok = !json_array_append_new(cat, entry_json(&p->entries[i]));
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sig_json(const struct tppctl_policy_meta *m)
{
	const struct tppgate_sig_info *s = &m->sig;
	json_t *o = json_object();

	if (o && set(o, "size", json_integer((json_int_t)m->sig_len)) &&
	    set(o, "signers", json_integer(s->n_signers)) &&
	    set(o, "digest", json_string(s->digest)) &&
	    set(o, "issuer", json_string(s->issuer)) &&
	    set(o, "serial", json_string(s->serial)) &&
	    set(o, "signed_attributes", json_boolean(s->has_attrs)) &&
	    set(o, "smime_capabilities", json_boolean(s->has_smimecap)) &&
	    set(o, "certificates", json_integer(s->n_certs)) &&
	    set(o, "verified", json_false()))
		return o;
	json_decref(o);
	return NULL;
}

json_t *tppctl_policy_json(const struct tppgate_policy_src *p,
			   const struct tppctl_policy_meta *m)
{
	char hex[2 * TPPGATE_SHA256_LEN + 1];
	json_t *o = tppctl_policy_source_json(p);
	bool ok;

	tppctl_hex(hex, m->sha256, TPPGATE_SHA256_LEN);
	ok = o && set(o, "not_before_unix", tppctl_u64_json(p->not_before)) &&
	     set(o, "not_after_unix", tppctl_u64_json(p->not_after)) &&
	     set(o, "blob_size", json_integer((json_int_t)m->blob_len)) &&
	     set(o, "blob_sha256", json_string(hex)) &&
	     set(o, "signature", m->has_sig ? sig_json(m) : json_null());
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *tppctl_policy_info_json(const struct tppgate_policy_info *info)
{
	char hex[2 * TPPGATE_SHA256_LEN + 1];
	json_t *o = json_object();
	bool ok;

	tppctl_hex(hex, info->sha256, TPPGATE_SHA256_LEN);
	ok = o && head_json(o, &info->policy) &&
	     set(o, "not_before_unix", tppctl_u64_json(info->policy.not_before)) &&
	     set(o, "not_after_unix", tppctl_u64_json(info->policy.not_after)) &&
	     set(o, "catalog_entries", json_integer(info->policy.n_entries)) &&
	     set(o, "sha256", json_string(hex)) &&
	     set(o, "loaded_at", time_json(info->loaded_at)) &&
	     set(o, "loaded_at_unix", tppctl_u64_json(info->loaded_at)) &&
	     set(o, "verify_us", tppctl_u64_json(info->verify_ns / 1000)) &&
	     set(o, "parse_us", tppctl_u64_json(info->parse_ns / 1000)) &&
	     set(o, "apply_us", tppctl_u64_json(info->apply_ns / 1000)) &&
	     set(o, "expired", json_boolean(info->expired));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static void cap_text(char *buf, size_t len, bool present, uint64_t v)
{
	if (present)
		snprintf(buf, len, "%" PRIu64 " TPP", v);
	else
		snprintf(buf, len, "none");
}

#define FIELD "%-17s"

static void head_text(FILE *f, const struct tppgate_policy_src *p)
{
	char nb[TPPGATE_TIME_LEN], na[TPPGATE_TIME_LEN], cap[32], hex[72];
	uint32_t i;

	tppgate_time_format(p->not_before, nb, sizeof(nb));
	tppgate_time_format(p->not_after, na, sizeof(na));
	fprintf(f, FIELD "%" PRIu64 "\n", "serial:", p->serial);
	fprintf(f, FIELD "%s\n", "issuer:", p->issuer);
	fprintf(f, FIELD "%s to %s\n", "valid:", nb, na);
	fprintf(f, FIELD "%s, tier %u\n", "region:", p->region, p->tier);
	if (p->has_host) {
		tppctl_hex(hex, p->host_hash, TPPGATE_SHA256_LEN);
		fprintf(f, FIELD "%s sha256 %s\n", "host:",
			or_unknown(tppgate_host_kind_name(p->host_kind)), hex);
	} else {
		fprintf(f, FIELD "any\n", "host:");
	}
	cap_text(cap, sizeof(cap), p->has_node_cap, p->node_cap);
	fprintf(f, FIELD "%s\n", "node cap:", cap);
	cap_text(cap, sizeof(cap), p->has_cluster_cap, p->cluster_cap);
	fprintf(f, FIELD "%s, cap %s\n", "cluster:",
		p->cluster_id[0] ? p->cluster_id : "-", cap);
	fprintf(f, FIELD "%s\n", "grant required:",
		p->grant_required ? "yes" : "no");
	fprintf(f, FIELD "grace %" PRIu32 " s, cap %" PRIu64 " TPP\n",
		"offline:", p->offline_grace, p->offline_cap);
	if (p->revoke_mode == TPPGATE_REVOKE_DEADLINE)
		fprintf(f, FIELD "deadline, %" PRIu32 " s\n", "revoke:",
			p->revoke_deadline);
	else
		fprintf(f, FIELD "%s\n", "revoke:",
			or_unknown(tppgate_revoke_mode_name(p->revoke_mode)));
	fprintf(f, FIELD, "classes:");
	if (!p->n_classes)
		fprintf(f, "built-in only");
	for (i = 0; i < p->n_classes && i < TPPGATE_CLASSES_MAX; i++)
		fprintf(f, "%s0x%04x", i ? " " : "", p->classes[i]);
	fprintf(f, "\n" FIELD "%s\n", "default action:",
		or_unknown(tppgate_action_name(p->default_action)));
}

#define CAT_FMT "%-6s  %-6s  %-9s  %-6s  %10s  %6s  %s\n"

static void catalog_text(FILE *f, const struct tppgate_policy_src *p)
{
	char ven[8], dev[8], sub[16], tpp[16], pd[16];
	uint32_t i;

	fprintf(f, FIELD "%" PRIu32 " entries\n", "catalog:", p->n_entries);
	if (!p->n_entries)
		return;
	fprintf(f, "\n" CAT_FMT, "VENDOR", "DEVICE", "SUBSYSTEM", "ACTION",
		"TPP", "PD", "NAME");
	for (i = 0; i < p->n_entries; i++) {
		const struct tppgate_catalog_item *e = &p->entries[i];

		snprintf(ven, sizeof(ven), "%04x", e->vendor);
		snprintf(dev, sizeof(dev), "%04x", e->device);
		if (e->has_subsys)
			snprintf(sub, sizeof(sub), "%04x:%04x",
				 e->subsystem_vendor, e->subsystem_device);
		else
			snprintf(sub, sizeof(sub), "-");
		snprintf(tpp, sizeof(tpp), "%" PRIu32, e->tpp);
		if (e->pd)
			snprintf(pd, sizeof(pd), "%u.%02u", e->pd / 100,
				 e->pd % 100);
		else
			snprintf(pd, sizeof(pd), "-");
		fprintf(f, CAT_FMT, ven, dev, sub,
			or_unknown(tppgate_action_name(e->action)), tpp, pd,
			e->name[0] ? e->name : "-");
	}
}

void tppctl_policy_text(FILE *f, const struct tppgate_policy_src *p,
			const struct tppctl_policy_meta *m)
{
	char hex[2 * TPPGATE_SHA256_LEN + 1];
	const struct tppgate_sig_info *s = &m->sig;

	head_text(f, p);
	tppctl_hex(hex, m->sha256, TPPGATE_SHA256_LEN);
	fprintf(f, FIELD "%zu bytes, sha256 %s\n", "blob:", m->blob_len, hex);
	if (m->has_sig) {
		fprintf(f, FIELD "%zu bytes, %u signer(s), %s, serial %s, issuer %s (not verified)\n",
			"signature:", m->sig_len, s->n_signers,
			s->digest[0] ? s->digest : "?",
			s->serial[0] ? s->serial : "?",
			s->issuer[0] ? s->issuer : "?");
		if (s->has_smimecap)
			fprintf(f, FIELD "S/MIME capabilities: the kernel will refuse it\n",
				"warning:");
		if (!s->detached)
			fprintf(f, FIELD "the content is embedded: the kernel will refuse it\n",
				"warning:");
	}
	catalog_text(f, p);
}

static void timings_text(FILE *f, const struct tppgate_policy_info *i)
{
	fprintf(f, FIELD "verify %" PRIu64 " us, parse %" PRIu64
		" us, apply %" PRIu64 " us\n", "load timings:",
		i->verify_ns / 1000, i->parse_ns / 1000, i->apply_ns / 1000);
}

void tppctl_policy_info_text(FILE *f, const struct tppgate_policy_info *i)
{
	char hex[2 * TPPGATE_SHA256_LEN + 1], at[TPPGATE_TIME_LEN];

	head_text(f, &i->policy);
	fprintf(f, FIELD "%" PRIu32 " entries\n", "catalog:",
		i->policy.n_entries);
	tppctl_hex(hex, i->sha256, TPPGATE_SHA256_LEN);
	fprintf(f, FIELD "%s\n", "sha256:", hex);
	tppgate_time_format(i->loaded_at, at, sizeof(at));
	fprintf(f, FIELD "%s\n", "loaded at:", at);
	timings_text(f, i);
	fprintf(f, FIELD "%s\n", "expired:", i->expired ? "yes" : "no");
}

void tppctl_policy_loaded_text(FILE *f, const struct tppgate_policy_info *i)
{
	const struct tppgate_policy_src *p = &i->policy;
	char node[32], cluster[32];

	cap_text(node, sizeof(node), p->has_node_cap, p->node_cap);
	cap_text(cluster, sizeof(cluster), p->has_cluster_cap, p->cluster_cap);
	fprintf(f, "policy serial %" PRIu64 " loaded: region %s, tier %u, node cap %s, cluster cap %s, %" PRIu32 " catalog entries\n",
		p->serial, p->region, p->tier, node, cluster, p->n_entries);
	timings_text(f, i);
}
