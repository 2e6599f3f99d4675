// SPDX-License-Identifier: GPL-2.0
/*
 * The parity corpus (tests/parity) through the real tppctl ($TPPCTL):
 * `tppctl -j policy verify` must give every file the errno the kernel
 * gives it. tests/selftests/parity_test.c runs the same corpus through
 * POLICY_SET and tppctl in the VM. Keys are made here, fresh: the trusted
 * certificate sits second in a PEM bundle, after one that vouches for
 * nothing in the corpus.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../parity/corpus.h"
#include "unit.h"

static int write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* Runs tppctl, its stdout into @out. Return: its exit status, or -1. */
static int run_tppctl(const char *dir, char *const argv[], char *out,
		      size_t len)
{
	FILE *o = tmpfile();
	int status, fd;
	size_t n = 0;
	pid_t pid;

	if (!o)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fileno(o), 1);
		dup2(fd, 2);
		if (chdir(dir))
			_exit(126);
		execv(getenv("TPPCTL"), argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fclose(o);
		return -1;
	}
	rewind(o);
	n = fread(out, 1, len - 1, o);
	out[n] = '\0';
	fclose(o);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * tppctl's verdict from its JSON: 0 when verified, else the errno of its
 * error object; -1 if the output says neither.
 */
static int verdict(const char *out)
{
	json_t *j = json_loads(out, 0, NULL), *e;
	int ret = -1;

	if (json_is_true(json_object_get(j, "verified")))
		ret = 0;
	e = json_object_get(json_object_get(j, "error"), "code");
	if (json_is_integer(e))
		ret = (int)json_integer_value(e);
	json_decref(j);
	return ret;
}

/* SHA-256 of this host's DMI UUID, lower case, as the kernel hashes it. */
static bool dmi_hash(uint8_t out[32])
{
	FILE *f = fopen("/sys/class/dmi/id/product_uuid", "r");
	char buf[64] = "";
	unsigned int n = 32;
	size_t i, len;

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	len = strcspn(buf, "\n");
	for (i = 0; i < len; i++)
		if (buf[i] >= 'A' && buf[i] <= 'F')
			buf[i] += 32;
	return len == 36 && EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL);
}

static int write_certs(const char *path, X509 *a, X509 *b)
{
	FILE *f = fopen(path, "w");
	int ok = f && PEM_write_X509(f, a) && PEM_write_X509(f, b);

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

void test_parity(void)
{
	char dir[] = "/tmp/tppgate-parity-XXXXXX", path[256], serial[32];
	EVP_PKEY *third_key = NULL;
	X509 *third = NULL;
	struct parity_keys k = { 0 };
	uint8_t hash[32], *file;
	char out[4096];
	size_t i, len;
	int want, got;

	if (!getenv("TPPCTL")) {
		tap_skip("TPPCTL is not set", "the parity corpus through tppctl policy verify");
		return;
	}
	if (!mkdtemp(dir) ||
	    parity_new_pair("parity signer", &k.key, &k.cert) ||
	    parity_new_pair("parity stranger", &k.other_key, &k.other_cert) ||
	    parity_new_pair("parity bystander", &third_key, &third)) {
		ok(0, "parity: keys and a directory for the corpus");
		return;
	}
	k.dmi_hash = dmi_hash(hash) ? hash : NULL;
	snprintf(path, sizeof(path), "%s/certs.pem", dir);
	if (write_certs(path, third, k.cert)) {
		ok(0, "parity: write the certificate bundle");
		return;
	}
	for (i = 0; i < parity_n_cases; i++) {
		const struct parity_case *c = &parity_cases[i];
		uint64_t in_force = parity_in_force(&k, i);
		char *argv[12] = {
			"tppctl", "-j", "policy", "verify", "--cert", "certs.pem",
			"--here", path, NULL, NULL, NULL, NULL,
		};

		snprintf(path, sizeof(path), "%s.tpp", c->name);
		if (in_force) {
			snprintf(serial, sizeof(serial), "%llu",
				 (unsigned long long)in_force);
			argv[7] = "--in-force";
			argv[8] = serial;
			argv[9] = path;
		}
		want = parity_expected(&k, i);
		snprintf(out, sizeof(out), "%s/%s.tpp", dir, c->name);
		if (parity_make(&k, i, &file, &len) || write_bytes(out, file, len)) {
			ok(0, "parity %s: generate the file", c->name);
			continue;
		}
		free(file);
		run_tppctl(dir, argv, out, sizeof(out));
		got = verdict(out);
		if (!is_str(got < 0 ? "no verdict" : parity_errname(got),
			    parity_errname(want), "parity %s (%s): tppctl policy verify",
			    c->name, c->rule))
			tap_diag("stdout: %s", out);
	}
	snprintf(out, sizeof(out), "rm -rf '%s'", dir);
	if (system(out))
		tap_diag("could not remove %s", dir);
	EVP_PKEY_free(k.key);
	EVP_PKEY_free(k.other_key);
	EVP_PKEY_free(third_key);
	X509_free(k.cert);
	X509_free(k.other_cert);
	X509_free(third);
}
