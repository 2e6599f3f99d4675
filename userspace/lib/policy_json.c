// SPDX-License-Identifier: LGPL-2.1
/*
 * The JSON source of a policy (Documentation/policy.rst, "The JSON
 * source"), compiled to struct tppgate_policy_src. Pure: included files
 * come through a callback.
 *
 * Every error names the file, the line and column, and the field as a
 * path ("catalog[3].tpp"). jansson does not remember where a value was,
 * so locate() walks the text again, along the path, with a small scanner
 * that only has to skip well-formed JSON (jansson parsed it already).
 *
 * The source is strict where mistakes would be silent: unknown fields,
 * duplicate keys, a fraction where an integer belongs, a catalog entry
 * listed twice are all errors. "comment" is allowed in every object.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "libtppgate.h"
#include "policy_int.h"

/* Deepest path a field of the format has: include[i].file, catalog[i].x.y */
#define PATH_MAX_DEPTH	6
/* Largest source file (the shipped catalog is about 10 KiB). */
#define SOURCE_MAX	(1024 * 1024)
#define INCLUDE_MAX	16
/* "device": [...] as an array, at most this many ids per entry. */
#define DEVICES_MAX	64
/* The latest date written as an integer: 9999-12-31T23:59:59Z. */
#define TIME_MAX	253402300799ULL
#define NO_DEVICE	((size_t)-1)

struct pathel {
	const char *key;	/* NULL: an array index */
	size_t index;
};

struct jfile {
	const char *name;
	const char *text;
	size_t len;
};

/* Where a catalog entry came from, to name both places of a duplicate. */
struct origin {
	unsigned int file;	/* 0: the policy; k: include[k - 1] */
	size_t entry;
	size_t device;		/* NO_DEVICE: "device" was a string */
};

struct jctx {
	const struct jfile *f;
	struct pathel path[PATH_MAX_DEPTH];
	unsigned int depth;
	char *err;
	size_t errlen;
	struct tppgate_policy_src *p;
	size_t cap;
	struct origin *origins;
	unsigned int file;
	const char *file_names[INCLUDE_MAX + 1];
	int action_override;	/* -1: none */
};

/* --- where a path is in the text ----------------------------------------- */

struct scan {
	const char *s;
	size_t len, pos;
};

static bool is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void ws(struct scan *sc)
{
	while (sc->pos < sc->len && is_ws(sc->s[sc->pos]))
		sc->pos++;
}

static bool at(const struct scan *sc, char c)
{
	return sc->pos < sc->len && sc->s[sc->pos] == c;
}

static bool skip_string(struct scan *sc)
{
	if (!at(sc, '"'))
		return false;
	for (sc->pos++; sc->pos < sc->len; sc->pos++) {
		if (sc->s[sc->pos] == '\\')
			sc->pos++;
		else if (sc->s[sc->pos] == '"')
			break;
	}
	if (sc->pos >= sc->len)
		return false;
	sc->pos++;
	return true;
}

/* One value, nesting counted rather than recursed into. */
static bool skip_value(struct scan *sc)
{
	size_t depth = 0;

	ws(sc);
	if (at(sc, '"'))
		return skip_string(sc);
	if (!at(sc, '{') && !at(sc, '[')) {
		while (sc->pos < sc->len && !strchr(",]} \t\r\n", sc->s[sc->pos]))
			sc->pos++;
		return true;
	}
	while (sc->pos < sc->len) {
		char ch = sc->s[sc->pos];

		if (ch == '"') {
			if (!skip_string(sc))
				return false;
			continue;
		}
		if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			break;
		sc->pos++;
	}
	if (sc->pos >= sc->len)
		return false;
	sc->pos++;
	return true;
}

/* The raw key between @a and @b (quotes included) is @key. */
static bool key_is(const char *a, const char *b, const char *key)
{
	size_t n = (size_t)(b - a) - 2;

	/* Keys with escapes are never ours; they are located no better. */
	return n == strlen(key) && !memchr(a + 1, '\\', n) &&
	       !memcmp(a + 1, key, n);
}

/*
 * The offset of the path's last element: the key of an object member, or
 * the value of an array element. Where the walk fails, the deepest point
 * it reached.
 */
static size_t locate(const struct jfile *f, const struct pathel *path,
		     unsigned int depth)
{
	struct scan sc = { .s = f->text, .len = f->len };
	size_t best, kpos, j;
	unsigned int i;

	ws(&sc);
	best = sc.pos;
	for (i = 0; i < depth; i++) {
		const struct pathel *e = &path[i];
		bool found = false;

		ws(&sc);
		if (e->key) {
			if (!at(&sc, '{'))
				return best;
			sc.pos++;
			while (!found) {
				ws(&sc);
				kpos = sc.pos;
				if (!skip_string(&sc))
					return best;
				found = key_is(sc.s + kpos, sc.s + sc.pos, e->key);
				ws(&sc);
				if (!at(&sc, ':'))
					return best;
				sc.pos++;
				if (found)
					break;
				if (!skip_value(&sc))
					return best;
				ws(&sc);
				if (!at(&sc, ','))
					return best;
				sc.pos++;
			}
			best = kpos;
		} else {
			if (!at(&sc, '['))
				return best;
			sc.pos++;
			for (j = 0; j < e->index; j++) {
				if (!skip_value(&sc))
					return best;
				ws(&sc);
				if (!at(&sc, ','))
					return best;
				sc.pos++;
			}
			ws(&sc);
			best = sc.pos;
		}
	}
	return best;
}

static void line_col(const struct jfile *f, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < f->len; i++) {
		if (f->text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)f->text[i] & 0xc0) != 0x80) {
			++*col;	/* characters, as jansson counts them */
		}
	}
}

static void path_text(const struct jctx *c, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < c->depth && i < PATH_MAX_DEPTH && off < len; i++) {
		if (c->path[i].key)
			n = snprintf(buf + off, len - off, "%s%s", i ? "." : "",
				     c->path[i].key);
		else
			n = snprintf(buf + off, len - off, "[%zu]",
				     c->path[i].index);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static int jerr(struct jctx *c, const char *fmt, ...) TPPGATE_PRINTF(2, 3);

/* "NAME:LINE:COL: PATH: message"; returns -EINVAL. */
static int jerr(struct jctx *c, const char *fmt, ...)
{
	char path[128], msg[256];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path_text(c, path, sizeof(path));
	line_col(c->f, locate(c->f, c->path, c->depth < PATH_MAX_DEPTH ?
			      c->depth : PATH_MAX_DEPTH), &line, &col);
	return tppgate_errf(c->err, c->errlen, -EINVAL, "%s:%d:%d: %s%s%s",
			    c->f->name, line, col, path, path[0] ? ": " : "",
			    msg);
}

static void push_key(struct jctx *c, const char *key)
{
	if (c->depth < PATH_MAX_DEPTH)
		c->path[c->depth] = (struct pathel){ key, 0 };
	c->depth++;
}

static void push_index(struct jctx *c, size_t index)
{
	if (c->depth < PATH_MAX_DEPTH)
		c->path[c->depth] = (struct pathel){ NULL, index };
	c->depth++;
}

static void pop(struct jctx *c)
{
	c->depth--;
}

/* --- values ------------------------------------------------------------ */

static int get_uint(struct jctx *c, json_t *v, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	json_int_t i;

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return jerr(c, "expected a non-negative integer");
	i = json_integer_value(v);
	if ((uint64_t)i < min || (uint64_t)i > max)
		return jerr(c, "%lld is out of range (%llu to %llu)",
			    (long long)i, (unsigned long long)min,
			    (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0x10de" or "10de": 1 to 4 hex digits. */
static int get_id(struct jctx *c, json_t *v, const char *what, uint16_t *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	size_t i, n;
	unsigned int x = 0;

	if (s && (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		s += 2;
	n = s ? strlen(s) : 0;
	if (!s || !n || n > 4)
		goto bad;
	for (i = 0; i < n; i++) {
		if (hexval(s[i]) < 0)
			goto bad;
		x = x << 4 | (unsigned int)hexval(s[i]);
	}
	*out = (uint16_t)x;
	return 0;
bad:
	return jerr(c, "expected %s as a hexadecimal string such as \"%s\"",
		    what, !strcmp(what, "a class code") ? "0x1200" : "0x10de");
}

/* Seconds: an integer, or a string "90s", "15m", "12h", "7d". */
static int get_duration(struct jctx *c, json_t *v, uint64_t max,
			uint64_t *out)
{
	const char *s;
	uint64_t n = 0, unit;
	size_t i, len;

	if (json_is_integer(v))
		return get_uint(c, v, 0, max, out);
	s = json_is_string(v) ? json_string_value(v) : "";
	len = strlen(s);
	if (len < 2 || len > 12)
		goto bad;
	for (i = 0; i + 1 < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	switch (s[len - 1]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		goto bad;
	}
	if (n > max / unit)
		return jerr(c, "\"%s\" is longer than %llu seconds", s,
			    (unsigned long long)max);
	*out = n * unit;
	return 0;
bad:
	return jerr(c, "expected seconds: an integer, or a string such as \"90s\", \"15m\", \"12h\", \"7d\"");
}

static int get_time(struct jctx *c, json_t *v, uint64_t *out)
{
	if (json_is_integer(v))
		return get_uint(c, v, 0, TIME_MAX, out);
	if (!json_is_string(v) || tppgate_time_parse(json_string_value(v), out))
		return jerr(c, "expected a UTC date such as \"2026-01-01T00:00:00Z\" or integer seconds since 1970");
	return 0;
}

/* A string of 1 to @max bytes of text, into @buf (@max + 1 bytes). */
static int get_text(struct jctx *c, json_t *v, size_t max, char *buf)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return jerr(c, "expected a string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (!n || n > max)
		return jerr(c, "must be 1 to %zu bytes long, not %zu", max, n);
	if (strlen(s) != n || !tppgate_text_ok(s, n))
		return jerr(c, "must be text without control characters");
	memcpy(buf, s, n + 1);
	return 0;
}

static int get_bool(struct jctx *c, json_t *v, bool *out)
{
	if (!json_is_boolean(v))
		return jerr(c, "expected true or false");
	*out = json_is_true(v);
	return 0;
}

/* A string naming a value of a uapi enum, through its _from_name(). */
static int get_enum(struct jctx *c, json_t *v, int (*from_name)(const char *),
		    const char *expected, uint32_t *out)
{
	int e = json_is_string(v) ? from_name(json_string_value(v)) : -EINVAL;

	if (e < 0)
		return jerr(c, "%s", expected);
	*out = (uint32_t)e;
	return 0;
}

static int get_action(struct jctx *c, json_t *v, uint32_t *out)
{
	return get_enum(c, v, tppgate_action_from_name,
			"expected \"deny\", \"count\" or \"exempt\"", out);
}

/* Fields other than @keys (and "comment") are mistakes. */
static int check_keys(struct jctx *c, json_t *obj, const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t i;
	int ret;

	if (!json_is_object(obj))
		return jerr(c, "expected an object");
	json_object_foreach(obj, key, v) {
		if (!strcmp(key, "comment"))
			continue;
		for (i = 0; keys[i]; i++)
			if (!strcmp(key, keys[i]))
				break;
		if (keys[i])
			continue;
		push_key(c, key);
		ret = jerr(c, "unknown field");
		pop(c);
		return ret;
	}
	return 0;
}

/* The member @key of @obj, or NULL (after an error if @required). */
static json_t *member(struct jctx *c, json_t *obj, const char *key,
		      bool required, int *ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = 0;
	if (!required)
		return v;
	if (!v) {
		*ret = jerr(c, "missing field \"%s\"", key);
	} else if (json_is_null(v)) {
		push_key(c, key);
		*ret = jerr(c, "required, cannot be null");
		pop(c);
		v = NULL;
	}
	return v;
}

/*
 * Runs @stmt, which sees the member @key of @obj as "val", with the path
 * at it, when it is there; "null" counts as absent.
 */
#define WITH(c, obj, key, ret, stmt) do {				\
	json_t *val = json_object_get((obj), (key));			\
	if (!(ret) && val && !json_is_null(val)) {			\
		push_key((c), (key));					\
		(ret) = (stmt);						\
		pop(c);							\
	}								\
} while (0)

/* --- the policy's fields --------------------------------------------- */

static int get_region(struct jctx *c, json_t *v, char *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
	    s[1] > 'Z')
		return jerr(c, "expected two upper-case letters (ISO 3166-1 alpha-2), such as \"DE\"");
	memcpy(out, s, 3);
	return 0;
}

static int get_hash(struct jctx *c, json_t *v, uint8_t *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t i;

	if (strlen(s) != 2 * TPPGATE_SHA256_LEN)
		goto bad;
	for (i = 0; i < TPPGATE_SHA256_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
bad:
	return jerr(c, "expected 64 hexadecimal digits (a SHA-256)");
}

static int host_id(struct jctx *c, json_t *v, uint32_t kind, uint8_t *out)
{
	if (!json_is_string(v) ||
	    tppgate_host_hash(kind, json_string_value(v), out))
		return jerr(c, kind == TPPGATE_HOST_MACHINE_ID ?
			    "expected 32 hexadecimal digits, as in /etc/machine-id" :
			    "expected a UUID, as in /sys/class/dmi/id/product_uuid");
	return 0;
}

static int get_kind(struct jctx *c, json_t *v, uint32_t *out)
{
	return get_enum(c, v, tppgate_host_kind_from_name,
			"expected \"machine-id\" or \"dmi-uuid\"", out);
}

/*
 * { "machine_id": "<32 hex>" }, { "dmi_uuid": "<uuid>" }, or
 * { "kind": "machine-id" | "dmi-uuid", "sha256": "<64 hex>" } for an
 * issuer that would rather not write the id itself down.
 */
static int get_host(struct jctx *c, json_t *h, struct tppgate_policy_src *p)
{
	static const char *const keys[] = {
		"machine_id", "dmi_uuid", "kind", "sha256", NULL
	};
	json_t *mid = json_object_get(h, "machine_id");
	json_t *dmi = json_object_get(h, "dmi_uuid");
	json_t *kind = json_object_get(h, "kind");
	json_t *sha = json_object_get(h, "sha256");
	int ret = check_keys(c, h, keys);

	if (ret)
		return ret;
	if ((!!mid + !!dmi + !!(kind || sha)) != 1 || (!!kind != !!sha))
		return jerr(c, "expected exactly one of \"machine_id\", \"dmi_uuid\", or \"kind\" with \"sha256\"");
	p->has_host = true;
	if (mid) {
		p->host_kind = TPPGATE_HOST_MACHINE_ID;
		WITH(c, h, "machine_id", ret,
		     host_id(c, val, TPPGATE_HOST_MACHINE_ID, p->host_hash));
	} else if (dmi) {
		p->host_kind = TPPGATE_HOST_DMI_UUID;
		WITH(c, h, "dmi_uuid", ret,
		     host_id(c, val, TPPGATE_HOST_DMI_UUID, p->host_hash));
	} else {
		WITH(c, h, "kind", ret, get_kind(c, val, &p->host_kind));
		WITH(c, h, "sha256", ret, get_hash(c, val, p->host_hash));
	}
	return ret;
}

static int get_cluster(struct jctx *c, json_t *o, struct tppgate_policy_src *p)
{
	static const char *const keys[] = { "id", "cap", NULL };
	int ret = check_keys(c, o, keys);

	WITH(c, o, "id", ret,
	     get_text(c, val, TPPGATE_CLUSTER_ID_MAX, p->cluster_id));
	WITH(c, o, "cap", ret, get_uint(c, val, 0, INT64_MAX, &p->cluster_cap));
	p->has_cluster_cap = json_object_get(o, "cap") &&
			     !json_is_null(json_object_get(o, "cap"));
	return ret;
}

static int get_offline(struct jctx *c, json_t *o, struct tppgate_policy_src *p)
{
	static const char *const keys[] = { "grace", "cap", NULL };
	uint64_t grace = 0;
	int ret = check_keys(c, o, keys);

	WITH(c, o, "grace", ret, get_duration(c, val, UINT32_MAX, &grace));
	WITH(c, o, "cap", ret, get_uint(c, val, 0, INT64_MAX, &p->offline_cap));
	p->offline_grace = (uint32_t)grace;
	return ret;
}

static int get_mode(struct jctx *c, json_t *v, uint32_t *out)
{
	return get_enum(c, v, tppgate_revoke_mode_from_name,
			"expected \"deadline\" or \"never\"", out);
}

static int get_revoke(struct jctx *c, json_t *o, struct tppgate_policy_src *p)
{
	static const char *const keys[] = { "mode", "deadline", NULL };
	uint64_t deadline = 0;
	int ret = check_keys(c, o, keys);

	WITH(c, o, "mode", ret, get_mode(c, val, &p->revoke_mode));
	WITH(c, o, "deadline", ret,
	     p->revoke_mode == TPPGATE_REVOKE_NEVER ?
	     jerr(c, "a deadline needs \"mode\": \"deadline\"") :
	     get_duration(c, val, TPPGATE_REVOKE_DEADLINE_MAX, &deadline));
	p->revoke_deadline = (uint32_t)deadline;
	return ret;
}

static int get_classes(struct jctx *c, json_t *a, struct tppgate_policy_src *p)
{
	size_t i, j;
	json_t *v;
	int ret = 0;

	if (!json_is_array(a))
		return jerr(c, "expected an array of class codes");
	if (json_array_size(a) > TPPGATE_CLASSES_MAX)
		return jerr(c, "more than %d classes", TPPGATE_CLASSES_MAX);
	json_array_foreach(a, i, v) {
		push_index(c, i);
		ret = get_id(c, v, "a class code", &p->classes[i]);
		for (j = 0; !ret && j < i; j++)
			if (p->classes[j] == p->classes[i])
				ret = jerr(c, "class 0x%04x is listed twice",
					   p->classes[i]);
		pop(c);
		if (ret)
			return ret;
		p->n_classes++;
	}
	return 0;
}

/* --- the catalog ------------------------------------------------------- */

static void origin_text(const struct jctx *c, const struct origin *o,
			char *buf, size_t len)
{
	if (o->device == NO_DEVICE)
		snprintf(buf, len, "%s, catalog[%zu]", c->file_names[o->file],
			 o->entry);
	else
		snprintf(buf, len, "%s, catalog[%zu].device[%zu]",
			 c->file_names[o->file], o->entry, o->device);
}

static int append(struct jctx *c, const struct tppgate_catalog_item *e,
		  size_t entry, size_t device)
{
	struct tppgate_policy_src *p = c->p;
	char key[48], where[160];
	uint32_t i;

	for (i = 0; i < p->n_entries; i++) {
		if (tppgate_catalog_key_cmp(&p->entries[i], e))
			continue;
		tppgate_catalog_key_text(e, key, sizeof(key));
		origin_text(c, &c->origins[i], where, sizeof(where));
		return jerr(c, "%s is already in the catalog (%s)", key, where);
	}
	if (p->n_entries >= TPPGATE_CATALOG_MAX)
		return jerr(c, "more than %d catalog entries", TPPGATE_CATALOG_MAX);
	if (p->n_entries == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		void *ne = realloc(p->entries, cap * sizeof(*p->entries));
		void *no;

		if (!ne)
			return -ENOMEM;
		p->entries = ne;
		no = realloc(c->origins, cap * sizeof(*c->origins));
		if (!no)
			return -ENOMEM;
		c->origins = no;
		c->cap = cap;
	}
	c->origins[p->n_entries] = (struct origin){ c->file, entry, device };
	p->entries[p->n_entries++] = *e;
	return 0;
}

/* Performance density: a number with at most two decimals, to 655.35. */
static int get_pd(struct jctx *c, json_t *v, uint16_t *out)
{
	double x, y, d;
	long long r;

	if (!json_is_number(v))
		return jerr(c, "expected a number such as 19.45");
	x = json_number_value(v);
	if (!(x >= 0 && x <= 655.35))
		return jerr(c, "must be between 0 and 655.35");
	y = x * 100.0;
	r = (long long)(y + 0.5);
	d = y - (double)r;
	if (d > 1e-6 || d < -1e-6)
		return jerr(c, "at most two decimals");
	*out = (uint16_t)r;
	return 0;
}

static int get_subsys(struct jctx *c, json_t *o, struct tppgate_catalog_item *e)
{
	static const char *const keys[] = { "vendor", "device", NULL };
	int ret = check_keys(c, o, keys);

	if (!ret)
		member(c, o, "vendor", true, &ret);
	if (!ret)
		member(c, o, "device", true, &ret);
	WITH(c, o, "vendor", ret, get_id(c, val, "a PCI id", &e->subsystem_vendor));
	WITH(c, o, "device", ret, get_id(c, val, "a PCI id", &e->subsystem_device));
	e->has_subsys = true;
	return ret;
}

static int get_entry(struct jctx *c, json_t *o, size_t index)
{
	static const char *const keys[] = {
		"vendor", "device", "subsystem", "tpp", "pd", "name", "action",
		"source", NULL
	};
	struct tppgate_catalog_item e = { 0 };
	uint32_t action = 0;
	uint64_t tpp = 0;
	json_t *dev = NULL, *d;
	size_t i;
	int ret = check_keys(c, o, keys);

	if (!ret)
		member(c, o, "vendor", true, &ret);
	if (!ret)
		dev = member(c, o, "device", true, &ret);
	if (!ret)
		member(c, o, "action", true, &ret);
	WITH(c, o, "vendor", ret, get_id(c, val, "a PCI id", &e.vendor));
	WITH(c, o, "action", ret, get_action(c, val, &action));
	if (!ret && action != TPPGATE_ACTION_DENY)
		member(c, o, "tpp", true, &ret);
	WITH(c, o, "tpp", ret,
	     get_uint(c, val, action == TPPGATE_ACTION_COUNT, UINT32_MAX, &tpp));
	WITH(c, o, "pd", ret, get_pd(c, val, &e.pd));
	WITH(c, o, "name", ret, get_text(c, val, TPPGATE_NAME_MAX - 1, e.name));
	WITH(c, o, "subsystem", ret, get_subsys(c, val, &e));
	if (ret)
		return ret;
	e.tpp = (uint32_t)tpp;
	e.action = (uint8_t)(c->action_override >= 0 ? c->action_override
						      : (int)action);
	if (e.action == TPPGATE_ACTION_COUNT && !e.tpp)
		return jerr(c, "an entry that counts needs its \"tpp\"");

	push_key(c, "device");
	if (json_is_array(dev)) {
		if (!json_array_size(dev) || json_array_size(dev) > DEVICES_MAX)
			ret = jerr(c, "expected 1 to %d device ids", DEVICES_MAX);
		json_array_foreach(dev, i, d) {
			if (ret)
				break;
			push_index(c, i);
			ret = get_id(c, d, "a PCI id", &e.device);
			if (!ret)
				ret = append(c, &e, index, i);
			pop(c);
		}
	} else {
		ret = get_id(c, dev, "a PCI id (or an array of them)", &e.device);
		if (!ret)
			ret = append(c, &e, index, NO_DEVICE);
	}
	pop(c);
	return ret;
}

static int get_catalog(struct jctx *c, json_t *a)
{
	size_t i;
	json_t *o;
	int ret;

	if (!json_is_array(a))
		return jerr(c, "expected an array of catalog entries");
	json_array_foreach(a, i, o) {
		push_index(c, i);
		ret = get_entry(c, o, i);
		pop(c);
		if (ret)
			return ret;
	}
	return 0;
}

/* jansson's own message, for text that is not JSON at all. */
static json_t *parse(struct jctx *c, const struct jfile *f)
{
	json_error_t e;
	json_t *root;
	char *near;

	if (f->len > SOURCE_MAX) {
		tppgate_errf(c->err, c->errlen, -EINVAL,
			     "%s: larger than %d bytes", f->name, SOURCE_MAX);
		return NULL;
	}
	root = json_loadb(f->text, f->len, JSON_REJECT_DUPLICATES, &e);
	if (!root) {
		/*
		 * jansson quotes the text "near" the error. An included file
		 * may be one its reader may not show (tppctl under sudo, an
		 * include of /etc/shadow): its errors say where, never what.
		 */
		near = c->file ? strstr(e.text, " near ") : NULL;
		if (near)
			*near = '\0';
		tppgate_errf(c->err, c->errlen, -EINVAL, "%s:%d:%d: %s",
			     f->name, e.line, e.column, e.text);
	}
	return root;
}

static int get_include_spec(struct jctx *c, json_t *v, const char **file,
			    int *action)
{
	static const char *const keys[] = { "file", "action", NULL };
	uint32_t a = 0;
	int ret;

	*action = -1;
	if (json_is_string(v)) {
		*file = json_string_value(v);
		return 0;
	}
	ret = check_keys(c, v, keys);
	if (!ret)
		member(c, v, "file", true, &ret);
	WITH(c, v, "file", ret, json_is_string(val) && json_string_length(val) ?
	     0 : jerr(c, "expected a file name"));
	WITH(c, v, "action", ret, get_action(c, val, &a));
	if (ret)
		return ret;
	*file = json_string_value(json_object_get(v, "file"));
	if (json_object_get(v, "action"))
		*action = (int)a;
	return 0;
}

/*
 * One included file: an object with "catalog" (and "comment"), read
 * through the caller's loader. Its entries are checked against what came
 * before it; "action" in the include replaces every entry's action.
 */
static int include_one(struct jctx *c, const struct tppgate_include_ops *inc,
		       json_t *spec, unsigned int k, char **names)
{
	static const char *const keys[] = { "catalog", NULL };
	const struct jfile *parent = c->f;
	struct jfile f = { 0 };
	unsigned int saved_depth;
	char *text = NULL;
	const char *file;
	json_t *root;
	int action, ret;

	ret = get_include_spec(c, spec, &file, &action);
	if (ret)
		return ret;
	if (!inc || !inc->load)
		return jerr(c, "includes are not allowed here");
	ret = inc->load(inc->ctx, parent->name, file, &text, &f.len, &names[k]);
	if (ret)
		return jerr(c, "cannot read \"%s\": %s", file, strerror(-ret));
	f.name = names[k];
	f.text = text;
	c->file_names[k + 1] = f.name;

	/* Paths and positions now refer to the included file. */
	saved_depth = c->depth;
	c->f = &f;
	c->depth = 0;
	c->file = k + 1;
	c->action_override = action;
	root = parse(c, &f);
	ret = root ? check_keys(c, root, keys) : -EINVAL;
	if (!ret)
		member(c, root, "catalog", true, &ret);
	WITH(c, root, "catalog", ret, get_catalog(c, val));
	json_decref(root);
	c->f = parent;
	c->depth = saved_depth;
	c->file = 0;
	c->action_override = -1;
	free(text);
	return ret;
}

static int get_includes(struct jctx *c, json_t *a,
			const struct tppgate_include_ops *inc, char **names)
{
	size_t i;
	json_t *v;
	int ret;

	if (!json_is_array(a))
		return jerr(c, "expected an array of file names");
	if (json_array_size(a) > INCLUDE_MAX)
		return jerr(c, "more than %d includes", INCLUDE_MAX);
	json_array_foreach(a, i, v) {
		push_index(c, i);
		ret = include_one(c, inc, v, (unsigned int)i, names);
		pop(c);
		if (ret)
			return ret;
	}
	return 0;
}

static int get_top(struct jctx *c, json_t *root,
		   const struct tppgate_include_ops *inc, char **names)
{
	static const char *const keys[] = {
		"format", "serial", "issuer", "not_before", "not_after",
		"region", "tier", "host", "node_cap", "cluster",
		"grant_required", "offline", "revoke", "classes",
		"default_action", "catalog", "include", NULL
	};
	static const char *const required[] = {
		"format", "serial", "issuer", "not_before", "not_after",
		"region", "tier", NULL
	};
	struct tppgate_policy_src *p = c->p;
	uint64_t u = 0;
	size_t i;
	int ret = check_keys(c, root, keys);

	for (i = 0; !ret && required[i]; i++)
		member(c, root, required[i], true, &ret);
	WITH(c, root, "format", ret, get_uint(c, val, 0, UINT32_MAX, &u));
	if (!ret && u != TPPGATE_POLICY_FORMAT) {
		push_key(c, "format");
		ret = jerr(c, "unknown format %llu (this tppctl knows %d)",
			   (unsigned long long)u, TPPGATE_POLICY_FORMAT);
		pop(c);
	}
	WITH(c, root, "serial", ret, get_uint(c, val, 1, INT64_MAX, &p->serial));
	WITH(c, root, "issuer", ret,
	     get_text(c, val, TPPGATE_ISSUER_MAX, p->issuer));
	WITH(c, root, "not_before", ret, get_time(c, val, &p->not_before));
	WITH(c, root, "not_after", ret,
	     get_time(c, val, &p->not_after) ? -EINVAL :
	     p->not_after <= p->not_before ?
	     jerr(c, "must be later than not_before") : 0);
	WITH(c, root, "region", ret, get_region(c, val, p->region));
	WITH(c, root, "tier", ret, get_uint(c, val, 1, 3, &u));
	p->tier = (uint8_t)u;
	WITH(c, root, "host", ret, get_host(c, val, p));
	WITH(c, root, "node_cap", ret,
	     get_uint(c, val, 0, INT64_MAX, &p->node_cap));
	p->has_node_cap = !ret && json_object_get(root, "node_cap") &&
			  !json_is_null(json_object_get(root, "node_cap"));
	WITH(c, root, "cluster", ret, get_cluster(c, val, p));
	WITH(c, root, "grant_required", ret, get_bool(c, val, &p->grant_required));
	WITH(c, root, "offline", ret, get_offline(c, val, p));
	WITH(c, root, "revoke", ret, get_revoke(c, val, p));
	WITH(c, root, "classes", ret, get_classes(c, val, p));
	WITH(c, root, "default_action", ret,
	     get_action(c, val, &p->default_action));
	WITH(c, root, "catalog", ret, get_catalog(c, val));
	WITH(c, root, "include", ret, get_includes(c, val, inc, names));
	return ret;
}

int tppgate_policy_compile(const char *text, size_t len, const char *name,
			   const struct tppgate_include_ops *inc,
			   struct tppgate_policy_src *out, char *err,
			   size_t errlen)
{
	struct jfile f = { name ? name : "<policy>", text, len };
	char *names[INCLUDE_MAX] = { NULL };
	struct jctx c = {
		.f = &f, .err = err, .errlen = errlen, .p = out,
		.action_override = -1,
	};
	char verr[256];
	json_t *root;
	size_t i;
	int ret;

	tppgate_policy_init(out);
	if (err && errlen)
		err[0] = '\0';
	c.file_names[0] = f.name;
	root = parse(&c, &f);
	if (!root)
		return -EINVAL;
	ret = get_top(&c, root, inc, names);
	json_decref(root);
	/* The order of the source is the author's; the blob's is the kernel's. */
	if (!ret)
		ret = tppgate_policy_sort(out);
	/* Whatever passed above must pass the codec's own rules. */
	if (!ret) {
		ret = tppgate_policy_validate(out, verr, sizeof(verr));
		if (ret)
			tppgate_errf(err, errlen, ret, "%s: %s", f.name, verr);
	}
	for (i = 0; i < INCLUDE_MAX; i++)
		free(names[i]);
	free(c.origins);
	if (ret)
		tppgate_policy_free(out);
	/* Every failure has its line, -ENOMEM too. */
	if (ret && err && errlen && !err[0])
		tppgate_errf(err, errlen, ret, "%s: %s", f.name, strerror(-ret));
	return ret;
}

static bool hex_only(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

int tppgate_host_hash(uint32_t kind, const char *id,
		      uint8_t out[TPPGATE_SHA256_LEN])
{
	char low[40];
	size_t i, n = strlen(id);

	switch (kind) {
	case TPPGATE_HOST_MACHINE_ID:
		if (n != 32 || !hex_only(id, n))
			return -EINVAL;
		break;
	case TPPGATE_HOST_DMI_UUID:
		if (n != 36)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if ((i == 8 || i == 13 || i == 18 || i == 23) ?
			    id[i] != '-' : hexval(id[i]) < 0)
				return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* The kernel hashes the lower-case form, without a newline. */
	for (i = 0; i < n; i++)
		low[i] = (id[i] >= 'A' && id[i] <= 'F') ? (char)(id[i] + 32) : id[i];
	return tppgate_sha256(low, n, out);
}
