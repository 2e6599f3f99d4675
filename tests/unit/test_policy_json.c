// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON source compiler: dates, every kind of mistake with the exact
 * message (file, line, column, field), includes through a loader, the
 * round trips JSON -> blob -> policy and policy -> JSON -> policy, and
 * every policy the project ships ($TPPGATE_POLICIES).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tppctl.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void dates(void)
{
	static const struct {
		const char *s;
		long long t;	/* -1: rejected */
	} t[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-01-01T00:00:00Z", 1767225600 },
		{ "2026-01-01", 1767225600 },
		{ "2024-02-29T12:34:56Z", 1709210096 },
		{ "2024-02-29T13:34:56+01:00", 1709210096 },
		{ "2024-02-29T07:04:56-05:30", 1709210096 },
		{ "2024-02-29t12:34:56z", 1709210096 },
		{ "9999-12-31T23:59:59Z", 253402300799LL },
		{ "2023-02-29", -1 },
		{ "2026-13-01", -1 },
		{ "2026-04-31", -1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "1970-01-01T00:30:00+01:00", -1 },
		{ "2026-01-01T24:00:00Z", -1 },
		{ "2026-01-01T00:00:60Z", -1 },
		{ "2026-01-01T00:00:00.5Z", -1 },
		{ "2026-01-01T00:00:00", -1 },
		{ "2026-1-01", -1 },
		{ "2026-01-01T00:00:00Z ", -1 },
		{ "", -1 },
	};
	char buf[TPPGATE_TIME_LEN];
	uint64_t v;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = 12345;
		ret = tppgate_time_parse(t[i].s, &v);
		if (t[i].t < 0)
			is_int(ret, -EINVAL, "date \"%s\" is rejected", t[i].s);
		else
			ok(!ret && v == (uint64_t)t[i].t, "date \"%s\" is %lld",
			   t[i].s, t[i].t);
	}
	tppgate_time_format(0, buf, sizeof(buf));
	is_str(buf, "1970-01-01T00:00:00Z", "0 formats as the epoch");
	tppgate_time_format(1709210096, buf, sizeof(buf));
	is_str(buf, "2024-02-29T12:34:56Z", "a leap day formats");
	tppgate_time_format(253402300799ULL, buf, sizeof(buf));
	is_str(buf, "9999-12-31T23:59:59Z", "the last ISO second formats");
	tppgate_time_format(253402300800ULL, buf, sizeof(buf));
	is_str(buf, "253402300800", "later times format as seconds");
	tppgate_time_format(UINT64_MAX, buf, sizeof(buf));
	is_str(buf, "18446744073709551615", "even the largest");
}

static const char base[] =
	"{\n"
	"  \"format\": 1,\n"
	"  \"serial\": 7,\n"
	"  \"issuer\": \"Example\",\n"
	"  \"not_before\": \"2026-01-01T00:00:00Z\",\n"
	"  \"not_after\": \"2027-01-01T00:00:00Z\",\n"
	"  \"region\": \"DE\",\n"
	"  \"tier\": 2,\n"
	"  \"catalog\": [\n"
	"    { \"vendor\": \"0x10de\", \"device\": \"0x2330\", \"tpp\": 15832, \"action\": \"count\" },\n"
	"    { \"vendor\": \"0x1234\", \"device\": \"0x11e8\", \"tpp\": 1000, \"action\": \"count\" }\n"
	"  ]\n"
	"}\n";

/* @base with @from replaced by @to (once); malloc'd. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t n = strlen(base) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);

	if (!at)
		abort();
	snprintf(s, n, "%.*s%s%s", (int)(at - base), base, to,
		 at + strlen(from));
	return s;
}

static int compile(const char *text, const struct tppgate_include_ops *inc,
		   struct tppgate_policy_src *p, char *err, size_t errlen)
{
	return tppgate_policy_compile(text, strlen(text), "t.json", inc, p,
				      err, errlen);
}

static const struct {
	const char *from, *to, *want;
} mistakes[] = {
	{ "\"tpp\": 1000", "\"tpp\": -1",
	  "t.json:11:47: catalog[1].tpp: expected a non-negative integer" },
	{ "\"tpp\": 1000", "\"tpp\": 1000.5",
	  "t.json:11:47: catalog[1].tpp: expected a non-negative integer" },
	{ "\"tpp\": 1000", "\"tpp\": \"1000\"",
	  "t.json:11:47: catalog[1].tpp: expected a non-negative integer" },
	{ "\"tpp\": 1000", "\"tpp\": 4294967296",
	  "t.json:11:47: catalog[1].tpp: 4294967296 is out of range (1 to 4294967295)" },
	{ "\"tpp\": 1000", "\"tpp\": 0",
	  "t.json:11:47: catalog[1].tpp: 0 is out of range (1 to 4294967295)" },
	{ "\"tpp\": 1000, ", "",
	  "t.json:11:5: catalog[1]: missing field \"tpp\"" },
	{ "\"tier\": 2", "\"tier\": 4",
	  "t.json:8:3: tier: 4 is out of range (1 to 3)" },
	{ "\"region\": \"DE\"", "\"region\": \"de\"",
	  "t.json:7:3: region: expected two upper-case letters (ISO 3166-1 alpha-2), such as \"DE\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"teir\": 3,",
	  "t.json:8:14: teir: unknown field" },
	{ "\"tier\": 2,", "\"tier\": 2, \"tier\": 3,",
	  "t.json:8:19: duplicate object key near '\"tier\"'" },
	{ "  \"serial\": 7,\n", "",
	  "t.json:1:1: missing field \"serial\"" },
	{ "\"serial\": 7", "\"serial\": null",
	  "t.json:3:3: serial: required, cannot be null" },
	{ "\"serial\": 7", "\"serial\": 0",
	  "t.json:3:3: serial: 0 is out of range (1 to 9223372036854775807)" },
	{ "\"format\": 1", "\"format\": 2",
	  "t.json:2:3: format: unknown format 2 (this tppctl knows 1)" },
	{ "\"2027-01-01T00:00:00Z\"", "\"2025-01-01T00:00:00Z\"",
	  "t.json:6:3: not_after: must be later than not_before" },
	{ "\"2026-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
	  "t.json:5:3: not_before: expected a UTC date such as \"2026-01-01T00:00:00Z\" or integer seconds since 1970" },
	{ "\"issuer\": \"Example\"", "\"issuer\": \"a\\u001bb\"",
	  "t.json:4:3: issuer: must be text without control characters" },
	{ "\"issuer\": \"Example\"", "\"issuer\": \"\"",
	  "t.json:4:3: issuer: must be 1 to 128 bytes long, not 0" },
	{ "\"0x11e8\"", "\"0x2330\"", NULL },	/* 1234:2330 is another device */
	{ "\"0x1234\", \"device\": \"0x11e8\"", "\"0x10de\", \"device\": \"0x2330\"",
	  "t.json:11:27: catalog[1].device: 10de:2330 is already in the catalog (t.json, catalog[0])" },
	{ "\"device\": \"0x11e8\"", "\"device\": [\"0x11e8\", \"0x11e9\", \"0x11e8\"]",
	  "t.json:11:58: catalog[1].device[2]: 1234:11e8 is already in the catalog (t.json, catalog[1].device[0])" },
	{ "\"device\": \"0x11e8\"", "\"device\": []",
	  "t.json:11:27: catalog[1].device: expected 1 to 64 device ids" },
	{ "\"device\": \"0x11e8\"", "\"device\": \"0x11e8a\"",
	  "t.json:11:27: catalog[1].device: expected a PCI id (or an array of them) as a hexadecimal string such as \"0x10de\"" },
	{ "\"action\": \"count\" }\n  ]", "\"action\": \"allow\" }\n  ]",
	  "t.json:11:60: catalog[1].action: expected \"deny\", \"count\" or \"exempt\"" },
	{ "\"tpp\": 1000, \"action\": \"count\"", "\"action\": \"deny\"", NULL },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"pd\": 19.455,",
	  "t.json:11:60: catalog[1].pd: at most two decimals" },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"pd\": 655.36,",
	  "t.json:11:60: catalog[1].pd: must be between 0 and 655.35" },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"pd\": \"19\",",
	  "t.json:11:60: catalog[1].pd: expected a number such as 19.45" },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"name\": \"0123456789012345678901234567890123456789012345678901234567890123\",",
	  "t.json:11:60: catalog[1].name: must be 1 to 63 bytes long, not 64" },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"subsystem\": { \"vendor\": \"0x10de\" },",
	  "t.json:11:60: catalog[1].subsystem: missing field \"device\"" },
	{ "\"tpp\": 1000,", "\"tpp\": 1000, \"sauce\": 1,",
	  "t.json:11:60: catalog[1].sauce: unknown field" },
	{ "\"tier\": 2,", "\"tier\": 2, \"revoke\": { \"deadline\": \"8d\" },",
	  "t.json:8:26: revoke.deadline: \"8d\" is longer than 604800 seconds" },
	{ "\"tier\": 2,", "\"tier\": 2, \"revoke\": { \"mode\": \"never\", \"deadline\": 5 },",
	  "t.json:8:43: revoke.deadline: a deadline needs \"mode\": \"deadline\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"revoke\": { \"deadline\": \"5 min\" },",
	  "t.json:8:26: revoke.deadline: expected seconds: an integer, or a string such as \"90s\", \"15m\", \"12h\", \"7d\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"classes\": [\"0x1200\", \"0x0b40\", \"0x1200\"],",
	  "t.json:8:46: classes[2]: class 0x1200 is listed twice" },
	{ "\"tier\": 2,", "\"tier\": 2, \"classes\": [\"0x12000\"],",
	  "t.json:8:26: classes[0]: expected a class code as a hexadecimal string such as \"0x1200\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"host\": { \"machine_id\": \"0123\" },",
	  "t.json:8:24: host.machine_id: expected 32 hexadecimal digits, as in /etc/machine-id" },
	{ "\"tier\": 2,", "\"tier\": 2, \"host\": { \"dmi_uuid\": \"not-a-uuid\" },",
	  "t.json:8:24: host.dmi_uuid: expected a UUID, as in /sys/class/dmi/id/product_uuid" },
	{ "\"tier\": 2,", "\"tier\": 2, \"host\": { \"kind\": \"machine-id\" },",
	  "t.json:8:14: host: expected exactly one of \"machine_id\", \"dmi_uuid\", or \"kind\" with \"sha256\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"host\": { \"machine_id\": \"0123456789abcdef0123456789abcdef\", \"dmi_uuid\": \"x\" },",
	  "t.json:8:14: host: expected exactly one of \"machine_id\", \"dmi_uuid\", or \"kind\" with \"sha256\"" },
	{ "\"tier\": 2,", "\"tier\": 2, \"node_cap\": 1e3,",
	  "t.json:8:14: node_cap: expected a non-negative integer" },
	{ "\"tier\": 2,", "\"tier\": 2, \"grant_required\": 0,",
	  "t.json:8:14: grant_required: expected true or false" },
	{ "\"tier\": 2,", "\"tier\": 2, \"cluster\": { \"id\": \"\" },",
	  "t.json:8:27: cluster.id: must be 1 to 64 bytes long, not 0" },
	{ "\"tier\": 2,", "\"tier\": 2, \"include\": [\"c.json\"],",
	  "t.json:8:26: include[0]: includes are not allowed here" },
	{ "\"tier\": 2,", "\"tier\": 2, \"comment\": { \"anything\": [1, 2] },", NULL },
};

static void mistakes_test(void)
{
	struct tppgate_policy_src p;
	char err[512];
	size_t i;
	char *text;
	int ret;

	for (i = 0; i < ARRAY_SIZE(mistakes); i++) {
		text = edit(mistakes[i].from, mistakes[i].to);
		err[0] = '\0';
		ret = compile(text, NULL, &p, err, sizeof(err));
		if (!mistakes[i].want) {
			if (!is_int(ret, 0, "compiles: %s", mistakes[i].to))
				tap_diag("%s", err);
		} else {
			is_int(ret, -EINVAL, "refused: %s", mistakes[i].to);
			is_str(err, mistakes[i].want, "and says where and why");
		}
		tppgate_policy_free(&p);
		free(text);
	}

	ret = compile("{", NULL, &p, err, sizeof(err));
	is_str(err, "t.json:1:1: string or '}' expected near end of file",
	       "a syntax error names the file, line and column (jansson's words)");
	ret = compile("[1]", NULL, &p, err, sizeof(err));
	is_str(err, "t.json:1:1: expected an object", "an array is refused");
	ret = compile("{\"format\": 1, \"issuer\": \"\xff\"}", NULL, &p, err,
		      sizeof(err));
	ok(ret == -EINVAL && strstr(err, "t.json:1:25: unable to decode byte 0xff"),
	   "invalid UTF-8 is refused");
}

static void values(void)
{
	struct tppgate_policy_src p;
	uint8_t want[TPPGATE_SHA256_LEN];
	char err[512], *text;
	int ret;

	text = edit("\"tier\": 2,", "\"tier\": 2, \"node_cap\": null, "
		    "\"revoke\": { \"mode\": \"deadline\", \"deadline\": \"15m\" }, "
		    "\"offline\": { \"grace\": \"2h\", \"cap\": 1000 }, "
		    "\"cluster\": { \"id\": \"eu-1\", \"cap\": 5000000 }, "
		    "\"grant_required\": true, \"default_action\": \"exempt\", "
		    "\"classes\": [\"0x1200\", \"b40\"], "
		    "\"host\": { \"machine_id\": \"0123456789ABCDEF0123456789abcdef\" },");
	ret = compile(text, NULL, &p, err, sizeof(err));
	free(text);
	if (!is_int(ret, 0, "a policy with every field compiles"))
		tap_diag("%s", err);
	ok(!p.has_node_cap, "node_cap null: no cap");
	ok(p.revoke_mode == TPPGATE_REVOKE_DEADLINE && p.revoke_deadline == 900,
	   "\"15m\" is 900 seconds");
	ok(p.offline_grace == 7200 && p.offline_cap == 1000, "offline fields");
	ok(!strcmp(p.cluster_id, "eu-1") && p.has_cluster_cap &&
	   p.cluster_cap == 5000000, "cluster fields");
	ok(p.grant_required && p.default_action == TPPGATE_ACTION_EXEMPT,
	   "grant_required and default_action");
	ok(p.n_classes == 2 && p.classes[0] == 0x1200 && p.classes[1] == 0x0b40,
	   "classes, with or without 0x");
	pre(!unit_sha256sum("0123456789abcdef0123456789abcdef", 32, want),
	    "sha256sum of the machine id");
	ok(p.has_host && p.host_kind == TPPGATE_HOST_MACHINE_ID &&
	   !memcmp(p.host_hash, want, sizeof(want)),
	   "machine_id: SHA-256 of its lower-case hex, no newline");
	ok(p.not_before == 1767225600 && p.not_after == 1798761600,
	   "dates in UTC seconds");
	tppgate_policy_free(&p);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"host\": { \"dmi_uuid\": "
		    "\"4C4C4544-0038-3510-8051-B4C04F4E4D32\" },");
	ret = compile(text, NULL, &p, err, sizeof(err));
	free(text);
	pre(!unit_sha256sum("4c4c4544-0038-3510-8051-b4c04f4e4d32", 36, want),
	    "sha256sum of the DMI UUID");
	ok(!ret && p.host_kind == TPPGATE_HOST_DMI_UUID &&
	   !memcmp(p.host_hash, want, sizeof(want)),
	   "dmi_uuid: SHA-256 of the lower-case UUID");
	tppgate_policy_free(&p);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"host\": { \"kind\": \"dmi-uuid\", "
		    "\"sha256\": \"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\" },");
	ret = compile(text, NULL, &p, err, sizeof(err));
	free(text);
	ok(!ret && p.host_kind == TPPGATE_HOST_DMI_UUID &&
	   p.host_hash[0] == 0x00 && p.host_hash[10] == 0xaa &&
	   p.host_hash[31] == 0xff, "kind and sha256: the hash as given");
	tppgate_policy_free(&p);

	text = edit("\"2026-01-01T00:00:00Z\"", "0");
	ret = compile(text, NULL, &p, err, sizeof(err));
	free(text);
	ok(!ret && p.not_before == 0, "a date as integer seconds");
	tppgate_policy_free(&p);
}

/* An in-memory file system for includes. */
struct memfs {
	const char *names[4];
	const char *texts[4];
	unsigned int loads;
};

static int mem_load(void *ctx, const char *from, const char *path,
		    char **text, size_t *len, char **name)
{
	struct memfs *fs = ctx;
	size_t i;

	(void)from;
	fs->loads++;
	for (i = 0; i < ARRAY_SIZE(fs->names) && fs->names[i]; i++) {
		if (strcmp(fs->names[i], path))
			continue;
		*text = strdup(fs->texts[i]);
		*len = strlen(*text);
		*name = strdup(path);
		return 0;
	}
	return -ENOENT;
}

static void includes(void)
{
	struct memfs fs = {
		.names = { "cat.json", "bad.json", "dup.json", "nest.json" },
		.texts = {
			"{ \"comment\": \"shared\",\n"
			"  \"catalog\": [ { \"vendor\": \"0x1da3\", \"device\": [\"0x1060\", \"0x1063\"],\n"
			"                 \"tpp\": 29360, \"action\": \"count\" } ] }\n",
			"{ \"catalog\": [],\n  \"bogus\": 1 }\n",
			"{ \"catalog\": [\n  { \"vendor\": \"0x1234\", \"device\": \"0x11e8\", \"action\": \"deny\" } ] }\n",
			"{ \"catalog\": [], \"include\": [\"cat.json\"] }\n",
		},
	};
	const struct tppgate_include_ops inc = { mem_load, &fs };
	struct tppgate_policy_src p;
	char err[512], *text;
	int ret;

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [\"cat.json\", "
		    "{ \"file\": \"cat.json\", \"action\": \"deny\" }],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	is_int(ret, -EINVAL, "the same file included twice is refused");
	is_str(err, "cat.json:2:49: catalog[0].device[0]: 1da3:1060 is already in the catalog (cat.json, catalog[0].device[0])",
	       "the duplicate is named in the included file");
	free(text);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [{ \"file\": \"cat.json\", \"action\": \"deny\" }],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	if (!is_int(ret, 0, "an include with an action compiles"))
		tap_diag("%s", err);
	ok(p.n_entries == 4 && p.entries[2].vendor == 0x1da3 &&
	   p.entries[2].device == 0x1060 && p.entries[3].device == 0x1063,
	   "its entries are added, and the catalog is in canonical order");
	ok(p.entries[2].action == TPPGATE_ACTION_DENY &&
	   p.entries[3].action == TPPGATE_ACTION_DENY &&
	   p.entries[0].action == TPPGATE_ACTION_COUNT,
	   "and the include's action replaces theirs only");
	tppgate_policy_free(&p);
	free(text);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [\"bad.json\"],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	is_str(err, "bad.json:2:3: bogus: unknown field",
	       "a mistake in an included file names that file");
	free(text);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [\"dup.json\"],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	is_str(err, "dup.json:2:25: catalog[0].device: 1234:11e8 is already in the catalog (t.json, catalog[1])",
	       "a duplicate across files names both");
	free(text);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [\"nest.json\"],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	is_str(err, "nest.json:1:18: include: unknown field",
	       "an included file cannot include (no loops)");
	free(text);

	text = edit("\"tier\": 2,", "\"tier\": 2, \"include\": [\"none.json\"],");
	ret = compile(text, &inc, &p, err, sizeof(err));
	is_str(err, "t.json:8:26: include[0]: cannot read \"none.json\": No such file or directory",
	       "a missing file is named");
	free(text);
}

static void too_many(void)
{
	size_t i, n = 4097, cap = 64 * n + 4096, off;
	struct tppgate_policy_src p;
	char *text = malloc(cap), err[512];
	int ret;

	off = (size_t)snprintf(text, cap, "%.*s", (int)(strstr(base, "  \"catalog\"") - base), base);
	off += (size_t)snprintf(text + off, cap - off, "  \"catalog\": [\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"%s{\"vendor\":\"%x\",\"device\":\"%x\",\"action\":\"deny\"}\n",
					i ? "," : "", (unsigned int)(i >> 12),
					(unsigned int)(i & 0xfff));
	snprintf(text + off, cap - off, "]}\n");
	ret = compile(text, NULL, &p, err, sizeof(err));
	is_int(ret, -EINVAL, "4097 catalog entries are refused");
	is_str(err, "t.json:4106:16: catalog[4096].device: more than 4096 catalog entries",
	       "at the 4097th");
	free(text);
}

/*
 * One source that sets every field of the policy to something other than
 * its default, through compile, encode/decode and printing as source: a
 * field dropped at any step shows as a difference.
 */
static void round_trips(void)
{
	static uint8_t blob[TPPGATE_POLICY_MAX];
	struct tppgate_policy_src p, q, r;
	char err[512] = "", *text, *full, *dumped;
	const char *at;
	json_t *j;
	size_t len;
	int ret;

	tppgate_policy_init(&q);
	tppgate_policy_init(&r);
	text = edit("\"tier\": 2,", "\"tier\": 2, \"node_cap\": 20000, "
		    "\"cluster\": { \"id\": \"eu-west-1a\", \"cap\": 5000000 }, "
		    "\"offline\": { \"grace\": 600, \"cap\": 1000 }, "
		    "\"revoke\": { \"mode\": \"deadline\", \"deadline\": \"15m\" }, "
		    "\"grant_required\": true, \"default_action\": \"exempt\", "
		    "\"classes\": [\"0x1200\", \"0x0b40\"], "
		    "\"host\": { \"machine_id\": \"0123456789abcdef0123456789abcdef\" },");
	/* The catalog: subsystem, pd, name, and each action. */
	at = strstr(text, "\"tpp\": 15832,");
	len = strlen(text) + 256;
	full = malloc(len);
	snprintf(full, len, "%.*s%s%s", (int)(at - text), text,
		 "\"tpp\": 15832, \"pd\": 19.45, \"name\": \"H100 SXM5\", "
		 "\"subsystem\": { \"vendor\": \"0x10de\", \"device\": \"0x16c1\" },",
		 at + strlen("\"tpp\": 15832,"));
	free(text);
	text = full;
	at = strstr(text, "\"tpp\": 1000, \"action\": \"count\" }");
	len = strlen(text) + 256;
	full = malloc(len);
	snprintf(full, len, "%.*s%s%s", (int)(at - text), text,
		 "\"tpp\": 1001, \"action\": \"deny\" },\n"
		 "    { \"vendor\": \"0x1234\", \"device\": \"0x11e9\", \"tpp\": 1, \"action\": \"exempt\" }",
		 at + strlen("\"tpp\": 1000, \"action\": \"count\" }"));
	free(text);
	ret = compile(full, NULL, &p, err, sizeof(err));
	free(full);
	if (!is_int(ret, 0, "round trip: a source with every field compiles"))
		tap_diag("%s", err);
	ok(!ret && p.format == 1 && p.serial == 7 && !strcmp(p.issuer, "Example") &&
	   p.not_before == 1767225600 && p.not_after == 1798761600 &&
	   !strcmp(p.region, "DE") && p.tier == 2 &&
	   p.has_host && p.host_kind == TPPGATE_HOST_MACHINE_ID &&
	   p.has_node_cap && p.node_cap == 20000 &&
	   !strcmp(p.cluster_id, "eu-west-1a") && p.has_cluster_cap &&
	   p.cluster_cap == 5000000 && p.grant_required &&
	   p.offline_grace == 600 && p.offline_cap == 1000 &&
	   p.revoke_mode == TPPGATE_REVOKE_DEADLINE && p.revoke_deadline == 900 &&
	   p.n_classes == 2 && p.classes[0] == 0x1200 && p.classes[1] == 0x0b40 &&
	   p.default_action == TPPGATE_ACTION_EXEMPT && p.n_entries == 3,
	   "round trip: every policy field is as the source says");
	ok(!ret && p.entries[0].vendor == 0x10de && p.entries[0].device == 0x2330 &&
	   p.entries[0].has_subsys && p.entries[0].subsystem_vendor == 0x10de &&
	   p.entries[0].subsystem_device == 0x16c1 && p.entries[0].tpp == 15832 &&
	   p.entries[0].pd == 1945 && !strcmp(p.entries[0].name, "H100 SXM5") &&
	   p.entries[0].action == TPPGATE_ACTION_COUNT &&
	   p.entries[1].device == 0x11e8 && p.entries[1].tpp == 1001 &&
	   p.entries[1].action == TPPGATE_ACTION_DENY &&
	   p.entries[2].device == 0x11e9 && p.entries[2].action == TPPGATE_ACTION_EXEMPT,
	   "round trip: every catalog field is set (pd 19.45 is 1945), in order");

	ret = ret ? ret : tppgate_policy_encode(&p, blob, sizeof(blob), &len, err, sizeof(err));
	ret = ret ? ret : tppgate_policy_decode(blob, len, &q, err, sizeof(err));
	if (!ok(!ret && tppgate_policy_equal(&p, &q),
		"round trip: JSON -> blob -> policy is the same policy"))
		tap_diag("%s", err);

	j = ret ? NULL : tppctl_policy_source_json(&q);
	dumped = j ? json_dumps(j, JSON_REAL_PRECISION(15)) : NULL;
	json_decref(j);
	ret = dumped ? compile(dumped, NULL, &r, err, sizeof(err)) : -ENOMEM;
	if (!ok(!ret && tppgate_policy_equal(&q, &r),
		"round trip: policy -> JSON source -> policy is the same policy"))
		tap_diag("%s\n%s", err, dumped ? dumped : "");
	free(dumped);
	tppgate_policy_free(&p);
	tppgate_policy_free(&q);
	tppgate_policy_free(&r);
}

/* The author's order is free; the compiled catalog is canonical. */
static void order(void)
{
	struct tppgate_policy_src p;
	char err[512], *text;
	int ret;

	text = edit("\"tpp\": 1000, \"action\": \"count\" }",
		    "\"tpp\": 1000, \"action\": \"count\" },\n"
		    "    { \"vendor\": \"0x1002\", \"device\": [\"0x74a9\", \"0x74a1\"], \"tpp\": 20919, \"action\": \"count\" },\n"
		    "    { \"vendor\": \"0x10de\", \"device\": \"0x2330\", \"subsystem\": { \"vendor\": \"0x10de\", \"device\": \"0x16c1\" }, \"tpp\": 1, \"action\": \"count\" }");
	ret = compile(text, NULL, &p, err, sizeof(err));
	free(text);
	if (!is_int(ret, 0, "a catalog in the author's order compiles"))
		tap_diag("%s", err);
	ok(p.n_entries == 5 &&
	   p.entries[0].vendor == 0x1002 && p.entries[0].device == 0x74a1 &&
	   p.entries[1].device == 0x74a9 &&
	   p.entries[2].device == 0x2330 && p.entries[2].has_subsys &&
	   p.entries[3].device == 0x2330 && !p.entries[3].has_subsys &&
	   p.entries[4].vendor == 0x1234,
	   "and comes out in canonical order: subsystem entry before the plain one");
	tppgate_policy_free(&p);
}

static char *read_all(const char *path, size_t *len)
{
	char *buf = NULL;

	if (tppctl_read_file(path, TPPCTL_SOURCE_MAX, &buf, len))
		return NULL;
	return buf;
}

static int compile_file(const char *path, struct tppgate_policy_src *p,
			char *err, size_t errlen)
{
	const struct tppgate_include_ops inc = { tppctl_include_load, NULL };
	static uint8_t blob[TPPGATE_POLICY_MAX];
	size_t len;
	char *text = read_all(path, &len);
	int ret;

	if (!text) {
		snprintf(err, errlen, "cannot read %s", path);
		tppgate_policy_init(p);
		return -ENOENT;
	}
	ret = tppgate_policy_compile(text, len, path, &inc, p, err, errlen);
	if (!ret)
		ret = tppgate_policy_encode(p, blob, sizeof(blob), &len, err,
					    errlen);
	free(text);
	return ret;
}

static bool all_deny(const struct tppgate_policy_src *p)
{
	uint32_t i;

	for (i = 0; i < p->n_entries; i++)
		if (p->entries[i].action != TPPGATE_ACTION_DENY)
			return false;
	return p->n_entries > 0;
}

static const struct tppgate_catalog_item *find(const struct tppgate_policy_src *p,
					       uint16_t v, uint16_t d)
{
	uint32_t i;

	for (i = 0; i < p->n_entries; i++)
		if (p->entries[i].vendor == v && p->entries[i].device == d)
			return &p->entries[i];
	return NULL;
}

/* What the shipped examples promise in their names and comments. */
static void example_facts(const char *name, const struct tppgate_policy_src *p)
{
	const struct tppgate_catalog_item *e = find(p, 0x1234, 0x11e8);
	uint64_t now = (uint64_t)time(NULL);

	if (!strcmp(name, "edu-demo.json") || !strcmp(name, "edu-demo-raise.json")) {
		bool raise = !strcmp(name, "edu-demo-raise.json");

		ok(p->serial == (raise ? 2U : 1U) && p->has_node_cap &&
		   p->node_cap == (raise ? 4000U : 2000U),
		   "%s: serial %d, node cap %d", name, raise ? 2 : 1,
		   raise ? 4000 : 2000);
		ok(p->n_entries == 1 && e && e->tpp == 1000 &&
		   e->action == TPPGATE_ACTION_COUNT &&
		   !strcmp(e->name, "QEMU edu (test stand-in)"),
		   "%s: only the edu, 1000 TPP, counted", name);
		ok(p->revoke_mode == TPPGATE_REVOKE_DEADLINE &&
		   p->revoke_deadline > 0 && p->revoke_deadline <= 60,
		   "%s: a short revoke deadline", name);
		ok(p->not_before < now && p->not_after > now + 10 * 365 * 86400ULL,
		   "%s: valid now and for years", name);
	} else if (!strcmp(name, "tier1.json")) {
		ok(p->tier == 1 && !p->has_node_cap && p->n_entries == 43,
		   "%s: tier 1, no node cap, the whole catalog", name);
	} else if (!strcmp(name, "tier2-capped.json")) {
		ok(p->tier == 2 && p->has_node_cap && p->node_cap > 0,
		   "%s: tier 2 with a node cap", name);
	} else if (!strcmp(name, "tier3.json")) {
		ok(p->tier == 3 && all_deny(p) &&
		   p->default_action == TPPGATE_ACTION_DENY,
		   "%s: tier 3, every device denied, default deny", name);
	}
}

static void catalog_facts(const char *dir)
{
	char path[512];
	struct tppgate_policy_src p;
	const struct tppgate_catalog_item *e;
	json_error_t je;
	json_t *root, *o;
	size_t i, sources = 0, names = 0;
	char err[512];
	FILE *f;
	int ret;

	/* A policy that includes the catalog by its absolute path. */
	snprintf(path, sizeof(path), "/tmp/tppgate-unit-catalog-%d.json",
		 (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "{ \"format\": 1, \"serial\": 1, \"issuer\": \"t\", "
		"\"not_before\": 0, \"not_after\": 1, \"region\": \"DE\", "
		"\"tier\": 2, \"include\": [\"%s/catalog.json\"] }\n", dir);
	fclose(f);
	ret = compile_file(path, &p, err, sizeof(err));
	remove(path);
	if (!is_int(ret, 0, "catalog.json: compiles when included"))
		tap_diag("%s", err);
	is_int(p.n_entries, 43, "catalog.json: 42 accelerator ids and the edu");
	e = find(&p, 0x10de, 0x27b8);
	ok(e && e->tpp == 1940 && e->pd == 660 && e->action == TPPGATE_ACTION_COUNT,
	   "catalog.json: L4 counts (3A090.a.2 by performance density)");
	e = find(&p, 0x10de, 0x2330);
	ok(e && e->tpp == 15832 && e->pd == 1945, "catalog.json: H100 SXM5");
	e = find(&p, 0x10de, 0x233b);
	ok(e && e->action == TPPGATE_ACTION_DENY,
	   "catalog.json: H200 NVL, of unknown TPP, is denied");
	e = find(&p, 0x1da3, 0x1063);
	ok(e && e->tpp == 29360, "catalog.json: Gaudi 3 PCIe");
	for (i = 0; i < p.n_entries; i++)
		names += p.entries[i].name[0] != '\0';
	is_int(names, p.n_entries, "catalog.json: every entry has a name");
	tppgate_policy_free(&p);

	snprintf(path, sizeof(path), "%s/catalog.json", dir);
	root = json_load_file(path, 0, &je);
	json_array_foreach(json_object_get(root, "catalog"), i, o)
		sources += json_is_string(json_object_get(o, "source"));
	is_int(sources, json_array_size(json_object_get(root, "catalog")),
	       "catalog.json: every entry has a source");
	json_decref(root);
}

static void shipped(void)
{
	const char *dir = getenv("TPPGATE_POLICIES");
	struct tppgate_policy_src p;
	char path[512], err[512];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;
	int ret;

	if (!dir) {
		tap_skip("$TPPGATE_POLICIES not set", "the shipped policies");
		return;
	}
	snprintf(path, sizeof(path), "%s/examples", dir);
	d = opendir(path);
	if (!ok(d, "%s can be read", path))
		return;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/examples/%s", dir, de->d_name);
		ret = compile_file(path, &p, err, sizeof(err));
		if (!is_int(ret, 0, "shipped %s compiles and encodes", de->d_name))
			tap_diag("%s", err);
		else
			example_facts(de->d_name, &p);
		tppgate_policy_free(&p);
		n++;
	}
	closedir(d);
	ok(n >= 5, "%u shipped examples", n);
	catalog_facts(dir);
}

void test_policy_json(void)
{
	dates();
	mistakes_test();
	values();
	includes();
	too_many();
	order();
	round_trips();
	shipped();
}
