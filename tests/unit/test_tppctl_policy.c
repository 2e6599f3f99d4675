// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl policy and tppctl keygen, the real binary ($TPPCTL), in a
 * temporary directory: exit codes, messages, files and their modes, and the
 * whole path from JSON source to a verified .tpp. The kernel is never
 * needed: load and get are run only where the module is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tppctl.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct out {
	int code;
	char out[16384];
	char err[4096];
};

static const char *tppctl, *dir;

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs tppctl with @args (NULL-terminated, without argv[0]) in the dir. */
static int run(struct out *r, const char *const *args)
{
	FILE *o = tmpfile(), *e = tmpfile();
	char *argv[16] = { "tppctl" };
	int status, i;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		if (chdir(dir))
			_exit(126);
		execv(tppctl, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	slurp(o, r->out, sizeof(r->out));
	slurp(e, r->err, sizeof(r->err));
	return 0;
}

struct cmd_case {
	const char *args[12];
	int code;
	const char *in_err, *in_out;
};

static void check(const struct cmd_case *c)
{
	char line[160] = "";
	struct out r;
	int i;

	for (i = 0; c->args[i]; i++) {
		strncat(line, c->args[i], sizeof(line) - strlen(line) - 2);
		strcat(line, " ");
	}
	/* Running it at all is not a test: its exit status is. */
	if (run(&r, c->args)) {
		ok(false, "tppctl %sexits %d (it could not be run)", line, c->code);
		return;
	}
	if (!is_int(r.code, c->code, "tppctl %sexits %d", line, c->code))
		tap_diag("stderr: %s", r.err);
	if (c->in_err && !ok(strstr(r.err, c->in_err), "tppctl %ssays '%s'",
			     line, c->in_err))
		tap_diag("stderr: %s", r.err);
	if (c->in_out && !ok(strstr(r.out, c->in_out), "tppctl %sprints '%s'",
			     line, c->in_out))
		tap_diag("stdout: %s", r.out);
	if (c->code == 2)
		ok(!r.out[0], "tppctl %sprints nothing on stdout", line);
}

static const struct cmd_case usage[] = {
	{ { "policy", NULL }, 2, "usage: tppctl policy COMMAND", NULL },
	{ { "policy", "frob", NULL }, 2, "policy: unknown command 'frob'", NULL },
	{ { "policy", "-h", NULL }, 0, NULL, "usage: tppctl policy COMMAND" },
	{ { "policy", "compile", NULL }, 2, "policy compile: missing argument", NULL },
	{ { "policy", "compile", "a", "b", NULL }, 2, "unexpected argument 'b'", NULL },
	{ { "policy", "compile", "-o", NULL }, 2, "option '--output' needs a file name", NULL },
	{ { "policy", "compile", "-h", NULL }, 0, NULL, "usage: tppctl policy compile" },
	{ { "policy", "show", "--bogus", "x", NULL }, 2, "unknown option '--bogus'", NULL },
	{ { "policy", "show", "--source=yes", "x", NULL }, 2, "option '--source' takes no value", NULL },
	{ { "policy", "sign", "x.bin", NULL }, 2, "-o OUT.tpp is required", NULL },
	{ { "policy", "sign", "--key", "k", "-o", "o", "x.bin", NULL }, 2, "--key needs --cert", NULL },
	{ { "policy", "sign", "--key", "k", "--cert", "c", "--sig", "s", "-o", "o", "x", NULL }, 2,
	  "give either --key (with --cert) or --sig", NULL },
	{ { "policy", "sign", "-o", "a", "-o", "b", "x", NULL }, 2, "option '--output' given twice", NULL },
	{ { "policy", "verify", "x.tpp", NULL }, 2, "--cert is required", NULL },
	{ { "policy", "get", "extra", NULL }, 2, "unexpected argument 'extra'", NULL },
	{ { "keygen", NULL }, 2, "give either --out DIR, or both -k and -c", NULL },
	{ { "keygen", "-k", "k.pem", NULL }, 2, "give either --out DIR, or both -k and -c", NULL },
	{ { "keygen", "--out", "d", "--bits", "3k", NULL }, 2, "--bits: not a number: '3k'", NULL },
	{ { "keygen", "--out", "d", "--bits", "1024", NULL }, 2, "must be 2048 to 16384 bits", NULL },
	{ { "keygen", "--out", "d", "--days", "0", NULL }, 2, "validity: 1 to 36500 days", NULL },
};

static void file_mode(const char *name, unsigned int want)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ok(!stat(path, &st), "%s exists", name))
		is_int(st.st_mode & 0777, want, "%s has mode %04o", name, want);
}

static char *read_in(const char *name, size_t *len)
{
	char path[256], *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (tppctl_read_file(path, 1 << 20, &buf, len))
		return NULL;
	return buf;
}

static bool same_files(const char *a, const char *b)
{
	size_t la, lb;
	char *x = read_in(a, &la), *y = read_in(b, &lb);
	bool same = x && y && la == lb && !memcmp(x, y, la);

	free(x);
	free(y);
	return same;
}

static void write_in(const char *name, const void *p, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	tppctl_write_file(path, p, len, 0644);
}

static void flow(const char *policies)
{
	char demo[512], raise[512];
	struct out r;
	json_error_t je;
	json_t *j;
	size_t len;
	char *data;

	snprintf(demo, sizeof(demo), "%s/examples/edu-demo.json", policies);
	snprintf(raise, sizeof(raise), "%s/examples/edu-demo-raise.json", policies);
	{
		const struct cmd_case c[] = {
			{ { "keygen", "--out", "keys", "--bits", "2048", "--cn", "unit signer", NULL },
			  0, NULL, "certificate: keys/signing.crt (CN = unit signer" },
			{ { "keygen", "--out", "keys", NULL }, 1, "keys/signing.key exists; not replacing it", NULL },
			{ { "keygen", "-k", "other.key", "-c", "other.crt", "--bits", "2048", NULL }, 0, NULL, NULL },
			{ { "policy", "compile", demo, "-o", "demo.bin", NULL }, 0, NULL, NULL },
			{ { "policy", "compile", raise, "-o", "raise.bin", NULL }, 0, NULL, NULL },
			{ { "policy", "compile", demo, NULL }, 0, NULL,
			  ": ok: serial 1, region DE, tier 2, 1 catalog entries, 192 bytes" },
			{ { "policy", "sign", "--key", "keys/signing.key", "--cert", "keys/signing.crt",
			    "-o", "demo.tpp", "demo.bin", NULL }, 0, NULL, NULL },
			{ { "policy", "verify", "--cert", "keys/signing.crt", "demo.tpp", NULL }, 0, NULL,
			  "demo.tpp: good signature by CN = unit signer; policy serial 1, region DE, tier 2, 1 catalog entries" },
			{ { "policy", "verify", "--cert", "other.crt", "demo.tpp", NULL }, 1,
			  "tppctl: policy verify: demo.tpp: no signer is vouched for by a trusted certificate", NULL },
			{ { "policy", "verify", "--cert", "keys/signing.crt", "demo.bin", NULL }, 1,
			  "not a signed policy; give its signature with --sig", NULL },
			{ { "policy", "show", "demo.tpp", NULL }, 0, NULL, "node cap:        2000 TPP" },
			{ { "policy", "show", "demo.tpp", NULL }, 0, NULL,
			  "1234    11e8    -          count         1000       -  QEMU edu (test stand-in)" },
			{ { "policy", "show", "demo.bin", NULL }, 0, NULL, "revoke:          deadline, 10 s" },
			{ { "policy", "show", demo, NULL }, 0, NULL, "valid:           2024-01-01T00:00:00Z to 2099-12-31T23:59:59Z" },
			{ { "policy", "sign", "--key", "keys/signing.key", "--cert", "keys/signing.crt",
			    "-o", "x.tpp", demo, NULL }, 1, "a JSON source; sign the blob that 'policy compile' makes", NULL },
			{ { "policy", "sign", "--key", "keys/signing.key", "--cert", "keys/signing.crt",
			    "-o", "x.tpp", "demo.tpp", NULL }, 1, "a signed policy; sign the blob", NULL },
			{ { "policy", "sign", "--key", "other.key", "--cert", "keys/signing.crt",
			    "-o", "x.tpp", "demo.bin", NULL }, 1, "the private key does not belong to the certificate", NULL },
			{ { "policy", "sign", "--key", "keys/signing.key", "--cert", "keys/signing.crt",
			    "-o", "raise.tpp", "raise.bin", NULL }, 0, NULL, NULL },
			{ { "policy", "show", "nothing.bin", NULL }, 1, "tppctl: nothing.bin: No such file or directory", NULL },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(c); i++)
			check(&c[i]);
	}
	file_mode("keys/signing.key", 0600);
	file_mode("keys/signing.crt", 0644);
	file_mode("other.key", 0600);
	file_mode("demo.tpp", 0644);

	/* show -j: the source's keys and what describes the file. */
	if (!run(&r, (const char *const[]){ "-j", "policy", "show", "demo.tpp", NULL }) &&
	    is_int(r.code, 0, "tppctl -j policy show demo.tpp")) {
		j = json_loads(r.out, 0, &je);
		ok(j && json_integer_value(json_object_get(j, "serial")) == 1 &&
		   json_integer_value(json_object_get(j, "node_cap")) == 2000 &&
		   !strcmp(json_string_value(json_object_get(j, "not_before")) ?: "",
			   "2024-01-01T00:00:00Z") &&
		   json_integer_value(json_object_get(j, "not_before_unix")) == 1704067200 &&
		   json_integer_value(json_object_get(j, "blob_size")) == 192 &&
		   json_integer_value(json_object_get(json_object_get(j, "signature"), "size")) > 0,
		   "its JSON has serial, node_cap, dates as ISO 8601 and seconds, sizes");
		ok(j && !strcmp(json_string_value(json_object_get(
			json_array_get(json_object_get(j, "catalog"), 0), "name")) ?: "",
			"QEMU edu (test stand-in)"),
		   "and the catalog with names");
		json_decref(j);
	}

	/* show --source compiles back to the same blob. */
	if (!run(&r, (const char *const[]){ "policy", "show", "--source", "demo.tpp", NULL }) &&
	    is_int(r.code, 0, "tppctl policy show --source demo.tpp")) {
		write_in("src.json", r.out, strlen(r.out));
		check(&(struct cmd_case){ { "policy", "compile", "src.json", "-o", "re.bin", NULL }, 0, NULL, NULL });
		ok(same_files("re.bin", "demo.bin"),
		   "the printed source compiles to the same bytes");
	}

	/* One flipped bit in the .tpp's blob. */
	data = read_in("demo.tpp", &len);
	if (data) {
		data[100] ^= 4;
		write_in("tampered.tpp", data, len);
		data[100] ^= 4;
		data[len - 1] = '\r';
		write_in("nomagic.tpp", data, len);
		free(data);
	}
	check(&(struct cmd_case){ { "policy", "verify", "--cert", "keys/signing.crt", "tampered.tpp", NULL }, 1,
		"tppctl: policy verify: tampered.tpp: signer 0: a trusted key's signature does not match the policy", NULL });
	/* Without its magic, the file is a signed policy with its end damaged. */
	check(&(struct cmd_case){ { "policy", "show", "nomagic.tpp", NULL }, 1,
		"tppctl: nomagic.tpp: truncated or damaged: a signed policy without its trailer", NULL });
	{
		static const char bad[] = "{\n  \"format\": 1,\n  \"serial\": -7\n}\n";

		write_in("bad.json", bad, strlen(bad));
	}
	check(&(struct cmd_case){ { "policy", "compile", "bad.json", "-o", "bad.bin", NULL }, 1,
		"tppctl: bad.json:1:1: missing field \"issuer\"", NULL });
	data = read_in("bad.bin", &len);
	ok(!data, "and writes no output");
	free(data);
}

/* An HSM's signature, as openssl makes it, assembled with --sig. */
static void hsm(void)
{
	char *const argv[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts",
		"-md", "sha256", "-outform", "DER", "-in", "demo.bin",
		"-signer", "keys/signing.crt", "-inkey", "keys/signing.key",
		"-out", "demo.p7s", NULL
	};
	if (!pre(!unit_run_in(dir, argv), "openssl cms -sign of demo.bin"))
		return;
	check(&(struct cmd_case){ { "policy", "sign", "--sig", "demo.p7s", "--cert", "keys/signing.crt",
		"-o", "hsm.tpp", "demo.bin", NULL }, 0, NULL, NULL });
	ok(same_files("hsm.tpp", "demo.tpp"),
	   "openssl's signature assembles into the .tpp tppctl signs");
	check(&(struct cmd_case){ { "policy", "verify", "--cert", "keys/signing.crt", "--sig", "demo.p7s",
		"demo.bin", NULL }, 0, NULL, "good signature" });
	check(&(struct cmd_case){ { "policy", "sign", "--sig", "demo.p7s", "--cert", "other.crt",
		"-o", "no.tpp", "demo.bin", NULL }, 1, "no signer is vouched for", NULL });
	check(&(struct cmd_case){ { "policy", "sign", "--sig", "demo.bin", "-o", "no.tpp", "demo.bin", NULL },
		1, "demo.bin: not a PKCS#7/CMS signature", NULL });
}

/* A .tpp cut short anywhere past its blob says it is truncated. */
static void truncated(void)
{
	static const size_t cuts[] = { 1, 20, 40, 100 };
	char name[32];
	size_t i, len;
	char *data = read_in("demo.tpp", &len);

	if (!ok(data && len > 300, "demo.tpp to cut"))
		return;
	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		snprintf(name, sizeof(name), "cut%zu.tpp", cuts[i]);
		write_in(name, data, len - cuts[i]);
		check(&(struct cmd_case){ { "policy", "verify", "--cert", "keys/signing.crt",
			name, NULL }, 1, "truncated or damaged: a signed policy without its trailer",
			NULL });
	}
	free(data);
}

/* -o naming an input is refused, and the input is left as it was. */
static void output_is_input(void)
{
	check(&(struct cmd_case){ { "policy", "sign", "--key", "keys/signing.key", "--cert",
		"keys/signing.crt", "-o", "demo.bin", "demo.bin", NULL }, 2,
		"-o demo.bin is also an input; refusing to overwrite it", NULL });
	check(&(struct cmd_case){ { "policy", "sign", "--key", "keys/signing.key", "--cert",
		"keys/signing.crt", "-o", "./keys/../keys/signing.key", "demo.bin", NULL }, 2,
		"is also an input", NULL });
	ok(same_files("re.bin", "demo.bin"), "demo.bin is unchanged");
	check(&(struct cmd_case){ { "policy", "compile", "src.json", "-o", "src.json", NULL }, 2,
		"-o src.json is also an input", NULL });
}

/* Keys: a readable signing key is warned about; keygen checks its directory. */
static void keys(void)
{
	char path[256];
	struct out r;
	json_t *j;

	snprintf(path, sizeof(path), "%s/keys/signing.key", dir);
	chmod(path, 0644);
	check(&(struct cmd_case){ { "policy", "sign", "--key", "keys/signing.key", "--cert",
		"keys/signing.crt", "-o", "w.tpp", "demo.bin", NULL }, 0,
		"warning: signing key keys/signing.key is accessible by group or others (mode 0644)",
		NULL });
	chmod(path, 0600);
	check(&(struct cmd_case){ { "policy", "sign", "--key", "keys/signing.key", "--cert",
		"keys/signing.crt", "-o", "w.tpp", "demo.bin", NULL }, 0, NULL, NULL });
	if (!run(&r, (const char *const[]){ "policy", "sign", "--key", "keys/signing.key",
		"--cert", "keys/signing.crt", "-o", "w.tpp", "demo.bin", NULL }))
		ok(!strstr(r.err, "warning"), "a 0600 key: no warning");

	snprintf(path, sizeof(path), "%s/open", dir);
	mkdir(path, 0777);
	chmod(path, 0777);
	check(&(struct cmd_case){ { "keygen", "--out", "open", "--bits", "2048", NULL }, 1,
		"open is writable by group or others (mode 0777)", NULL });
	snprintf(path, sizeof(path), "%s/open/signing.key", dir);
	ok(access(path, F_OK), "and makes no key there");
	if (!run(&r, (const char *const[]){ "keygen", "-j", "--out", "jkeys", "--bits", "2048",
		NULL }) && is_int(r.code, 0, "tppctl keygen -j --out jkeys")) {
		j = json_loads(r.out, 0, NULL);
		ok(j && !strcmp(json_string_value(json_object_get(j, "key")) ?: "",
				"jkeys/signing.key") &&
		   !strcmp(json_string_value(json_object_get(j, "certificate")) ?: "",
			   "jkeys/signing.crt") &&
		   json_integer_value(json_object_get(j, "bits")) == 2048,
		   "prints its files as JSON");
		json_decref(j);
	}
}

/* -j: a u64 is a number, however large; a failure is a JSON object on stdout. */
static void json_out(void)
{
	struct out r;
	size_t len;
	char *blob = read_in("demo.bin", &len);
	json_t *j;

	/* SERIAL is the second attribute: its value at bytes 12..19. */
	if (!ok(blob && len > 20 && blob[8] == 12 && blob[10] == TPPGATE_POLICY_A_SERIAL,
		"demo.bin has SERIAL at offset 8"))
		goto out;
	memcpy(blob + 12, "\x05\x00\x00\x00\x00\x00\x00\x80", 8);
	write_in("big.bin", blob, len);
	if (!run(&r, (const char *const[]){ "-j", "policy", "show", "big.bin", NULL }) &&
	    is_int(r.code, 0, "tppctl -j policy show of a policy with serial 2^63 + 5"))
		ok(strstr(r.out, "\"serial\":9223372036854775813,"),
		   "prints the serial as the number 9223372036854775813");
	if (!run(&r, (const char *const[]){ "policy", "verify", "-j", "--cert",
		"keys/signing.crt", "tampered.tpp", NULL }) &&
	    is_int(r.code, 1, "tppctl policy verify -j tampered.tpp fails")) {
		j = json_loads(r.out, 0, NULL);
		ok(j && !strcmp(json_string_value(json_object_get(json_object_get(j, "error"),
			"errno")) ?: "", "EKEYREJECTED") &&
		   json_integer_value(json_object_get(json_object_get(j, "error"), "code")) ==
		   EKEYREJECTED &&
		   strstr(json_string_value(json_object_get(json_object_get(j, "error"),
			"message")) ?: "", "does not match the policy"),
		   "and says why in a JSON error object on stdout");
		json_decref(j);
	}
	if (!run(&r, (const char *const[]){ "-j", "policy", "verify", NULL }) &&
	    is_int(r.code, 2, "tppctl -j policy verify without arguments: usage error")) {
		j = json_loads(r.out, 0, NULL);
		ok(j && !strcmp(json_string_value(json_object_get(json_object_get(j, "error"),
			"errno")) ?: "", "EUSAGE"),
		   "and its JSON error object says so");
		json_decref(j);
	}
out:
	free(blob);
}

/* A PEM signature to policy load: decoded, or refused with a reason. */
static void load_pem(void)
{
	static const char pem[] = "-----BEGIN CMS-----\nbm90IGEgc2lnbmF0dXJl\n-----END CMS-----\n";

	write_in("bad.pem", pem, strlen(pem));
	check(&(struct cmd_case){ { "policy", "load", "--sig", "bad.pem", "demo.bin", NULL }, 1,
		"bad.pem: PEM, but not a CMS or PKCS#7 signature", NULL });
}

/*
 * An include is read relative to the file that names it, whatever the
 * working directory, and its errors never quote it.
 */
static void includes(const char *policies)
{
	static const char secret[] = "root:$6$NotForYourEyes:19000:0:99999:7:::\n";
	char src[1024], *p;
	size_t len;
	char *demo;

	snprintf(src, sizeof(src), "%s/examples/edu-demo.json", policies);
	demo = NULL;
	if (tppctl_read_file(src, 1 << 20, &demo, &len)) {
		ok(0, "read edu-demo.json");
		return;
	}
	/* The demo's catalog moved to an include; then one that is not JSON. */
	p = strstr(demo, "\"catalog\"");
	if (!ok(p, "edu-demo.json has a catalog")) {
		free(demo);
		return;
	}
	snprintf(src, sizeof(src), "%.*s\"include\": [{ \"file\": \"shadow\" }]\n}\n",
		 (int)(p - demo), demo);
	free(demo);
	{
		char sub[256];

		snprintf(sub, sizeof(sub), "%s/inc", dir);
		mkdir(sub, 0700);
	}
	write_in("inc/p.json", src, strlen(src));
	write_in("inc/shadow", secret, strlen(secret));
	write_in("shadow", "{ \"catalog\": [] }", 17);
	check(&(struct cmd_case){ { "policy", "compile", "inc/p.json", NULL }, 1,
		"tppctl: inc/shadow:1:4: '[' or '{' expected", NULL });
	{
		struct out r;

		if (!run(&r, (const char *const[]){ "policy", "compile", "inc/p.json", NULL }))
			ok(!strstr(r.err, "root") && !strstr(r.err, "NotForYourEyes"),
			   "the error about the included file does not quote it");
	}
}

/* troff writes '-' as "\-": @word as it appears in the man page. */
static bool in_man(const char *man, const char *word)
{
	char t[128];
	size_t i, n = 0;

	for (i = 0; word[i] && n < sizeof(t) - 3; i++) {
		if (word[i] == '-')
			t[n++] = '\\';
		t[n++] = word[i];
	}
	t[n] = '\0';
	return strstr(man, t);
}

/* Every key of @j (recursively) is in the man page; the first missing one. */
static const char *missing_key(const char *man, json_t *j)
{
	const char *key, *m;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if ((m = missing_key(man, v)))
				return m;
	}
	if (!json_is_object(j))
		return NULL;
	json_object_foreach(j, key, v) {
		if (!in_man(man, key))
			return key;
		if ((m = missing_key(man, v)))
			return m;
	}
	return NULL;
}

/*
 * The man page lists every command and each option its usage shows, every
 * JSON key the policy commands print, and in FILES only absolute paths.
 */
static void man_page(const char *policies)
{
	static const char *const cmds[][3] = {
		{ "devices" }, { "admit" }, { "quarantine" }, { "status" }, { "monitor" },
		{ "keygen" }, { "policy", "compile" }, { "policy", "sign" },
		{ "policy", "verify" }, { "policy", "show" }, { "policy", "load" },
		{ "policy", "get" }, { "policy", "host-id" },
	};
	static const char *const json_cmds[][8] = {
		{ "-j", "policy", "show", "demo.tpp" },
		{ "-j", "policy", "show", "big.bin" },
		{ "-j", "policy", "verify", "--cert", "keys/signing.crt", "demo.tpp" },
		{ "-j", "policy", "verify", "--cert", "keys/signing.crt", "tampered.tpp" },
		{ "-j", "policy", "host-id" },
	};
	char path[512], *man, *p, *q, opt[64];
	const char *miss;
	struct out r;
	size_t i, len, n;
	json_t *j;

	snprintf(path, sizeof(path), "%s/../userspace/man/tppctl.8", policies);
	if (tppctl_read_file(path, 1 << 20, &man, &len)) {
		ok(0, "read %s", path);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *args[5] = { cmds[i][0], cmds[i][1] ? cmds[i][1] : "-h",
					cmds[i][1] ? "-h" : NULL, NULL };
		const char *name = cmds[i][1] ? cmds[i][1] : cmds[i][0];

		if (run(&r, args) || r.code) {
			ok(0, "tppctl %s %s -h", cmds[i][0], cmds[i][1] ?: "");
			continue;
		}
		miss = in_man(man, name) ? NULL : name;
		for (p = r.out; !miss && (p = strstr(p, "--")); p = q) {
			q = p + 2;
			n = strspn(q, "abcdefghijklmnopqrstuvwxyz-");
			if (!n || n + 3 > sizeof(opt))
				continue;
			snprintf(opt, sizeof(opt), "%.*s", (int)(n + 2), p);
			if (!in_man(man, opt))
				miss = p == r.out ? name : opt;
			q += n;
		}
		if (!ok(!miss, "the man page has %s %s and every option of its usage",
			cmds[i][0], cmds[i][1] ?: ""))
			tap_diag("missing: %s", miss);
	}
	for (i = 0; i < ARRAY_SIZE(json_cmds); i++) {
		run(&r, json_cmds[i]);
		/* jansson reads no integer above INT64_MAX: as a real, then. */
		j = json_loads(r.out, JSON_DECODE_INT_AS_REAL, NULL);
		miss = j ? missing_key(man, j) : "(no JSON)";
		if (!ok(!miss, "the man page has every key of tppctl %s %s %s",
			json_cmds[i][1], json_cmds[i][2], json_cmds[i][3]))
			tap_diag("missing: %s", miss);
		json_decref(j);
	}
	ok(strstr(man, ".SH EXIT STATUS\n.TP\n.B 0\n") && strstr(man, "\n.B 1\n") &&
	   strstr(man, "\n.B 2\n"), "the man page has the exit statuses 0, 1 and 2");
	p = strstr(man, ".SH FILES\n");
	q = p ? strstr(p + 1, ".SH ") : NULL;
	n = 0;
	for (; p && q && (p = strstr(p, "\n.I ")) && p < q; p += 4)
		n += p[4] != '/';
	ok(strstr(man, ".SH FILES\n") && !n,
	   "the man page's FILES names only installed, absolute paths");
	free(man);
}

static void host_id(void)
{
	uint8_t h[TPPGATE_SHA256_LEN];
	char hex[2 * TPPGATE_SHA256_LEN + 1], want[200];

	write_in("machine-id", "0123456789abcdef0123456789abcdef\n", 33);
	write_in("uuid", "4C4C4544-0038-3510-8051-B4C04F4E4D32\n", 37);
	/* Known answers: sha256sum of the exact bytes the kernel hashes. */
	if (!pre(!unit_sha256sum("0123456789abcdef0123456789abcdef", 32, h),
		 "sha256sum of the machine id"))
		return;
	tppctl_hex(hex, h, sizeof(h));
	snprintf(want, sizeof(want), "machine-id: sha256 %s\n  (the module takes it as host_id=%s)",
		 hex, hex);
	check(&(struct cmd_case){ { "policy", "host-id", "--machine-id", "machine-id",
		"--dmi-uuid", "uuid", NULL }, 0, NULL, want });
	if (!pre(!unit_sha256sum("4c4c4544-0038-3510-8051-b4c04f4e4d32", 36, h),
		 "sha256sum of the DMI UUID"))
		return;
	tppctl_hex(hex, h, sizeof(h));
	snprintf(want, sizeof(want), "\"dmi_uuid_sha256\":\"%s\"", hex);
	check(&(struct cmd_case){ { "-j", "policy", "host-id", "--machine-id", "machine-id",
		"--dmi-uuid", "uuid", NULL }, 0, NULL, want });
	check(&(struct cmd_case){ { "policy", "host-id", "--machine-id", "uuid",
		"--dmi-uuid", "none", NULL }, 1, NULL, "machine-id: unavailable (Invalid argument)" });
}

static void no_module(void)
{
	struct tppgate_handle *h = NULL;
	int err = tppgate_connect(&h);

	tppgate_close(h);
	if (err != -EPROTONOSUPPORT) {
		tap_skip("the tppgate family exists here", "policy load and get without the module");
		return;
	}
	check(&(struct cmd_case){ { "policy", "load", "demo.tpp", NULL }, 1,
		"tppctl: tppgate: kernel module not loaded (modprobe tppgate)", NULL });
	check(&(struct cmd_case){ { "policy", "get", NULL }, 1, "kernel module not loaded", NULL });
	check(&(struct cmd_case){ { "policy", "load", "demo.bin", NULL }, 1,
		"demo.bin: not a signed policy; give its signature with --sig", NULL });
	check(&(struct cmd_case){ { "policy", "load", "--sig", "demo.p7s", "demo.tpp", NULL }, 1,
		"a signed policy has its signature already; drop --sig", NULL });
}

void test_tppctl_policy(void)
{
	const char *policies = getenv("TPPGATE_POLICIES");
	char tmp[] = "/tmp/tppgate-cli-XXXXXX";
	char *const rm[] = { "rm", "-rf", tmp, NULL };
	size_t i;
	pid_t pid;

	tppctl = getenv("TPPCTL");
	if (!tppctl || access(tppctl, X_OK) || !policies) {
		tap_skip("$TPPCTL or $TPPGATE_POLICIES not set", "tppctl policy");
		return;
	}
	if (!mkdtemp(tmp)) {
		tap_skip("no temporary directory", "tppctl policy");
		return;
	}
	dir = tmp;
	for (i = 0; i < ARRAY_SIZE(usage); i++)
		check(&usage[i]);
	flow(policies);
	hsm();
	truncated();
	output_is_input();
	keys();
	json_out();
	load_pem();
	includes(policies);
	man_page(policies);
	host_id();
	no_module();
	pid = fork();
	if (pid == 0) {
		execvp(rm[0], rm);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}
