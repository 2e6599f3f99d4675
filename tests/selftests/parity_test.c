// SPDX-License-Identifier: GPL-2.0
/*
 * The parity corpus (tests/parity), in the VM: every file goes to the
 * kernel through POLICY_SET, which must give the errno the corpus expects;
 * the host's unit tests hold `tppctl policy verify` to the same table.
 * The cases whose verdict depends on the machine (host bindings) also go
 * to `tppctl policy verify --here` here, on the kernel's own machine. (All
 * of them through tppctl here too would double the program's time in a
 * VM without KVM, for verdicts the host already checks.)
 *
 * The module is reloaded first (serials live in memory), then the corpus
 * is loaded in its order: accepted cases carry increasing serials, and
 * tppctl is told the serial the kernel has in force (--in-force) and to
 * judge host bindings against this machine (--here), as the kernel does.
 * Where kernels differ (parity_case.old_err), this kernel is held to its
 * own answer and tppctl to the newest kernel's.
 */

#include <ctype.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "polbuild.h"
#include "../parity/corpus.c"
#include "kselftest.h"

#define TPPCTL "/usr/bin/tppctl"
#define DIR "/tmp/parity"

/* Splits a .tpp by its trailer, without the bounds: the kernel checks them. */
static int split(const uint8_t *f, size_t len, const uint8_t **sig,
		 size_t *blen, size_t *slen)
{
	const uint8_t *t = f + len - sizeof(struct tppgate_file_trailer);

	*blen = (size_t)t[0] << 24 | t[1] << 16 | t[2] << 8 | t[3];
	*slen = (size_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7];
	if (*blen + *slen + sizeof(struct tppgate_file_trailer) != len)
		return -1;
	*sig = f + *blen;
	return 0;
}

/* tppctl's verdict from its -j output: 0, a positive errno, or -1. */
static int tppctl_verdict(const char *path, uint64_t in_force)
{
	char serial[32], out[4096] = "", *p;
	char *argv[] = {
		TPPCTL, "-j", "policy", "verify", "--cert", CERT_FILE, "--here",
		"--in-force", serial, (char *)path, NULL,
	};
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(serial, sizeof(serial), "%llu", (unsigned long long)in_force);
	if (!in_force) {
		argv[7] = (char *)path;
		argv[8] = NULL;
	}
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		execv(TPPCTL, argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	out[got] = '\0';
	if (strstr(out, "\"verified\":true"))
		return 0;
	p = strstr(out, "\"code\":");
	return p ? atoi(p + 7) : -1;
}

static bool dmi_hash(uint8_t out[32])
{
	char buf[64] = "";
	size_t i, len;

	if (read_file("/sys/class/dmi/id/product_uuid", buf, sizeof(buf)) < 0)
		return false;
	len = strcspn(buf, "\n");
	for (i = 0; i < len; i++)
		buf[i] = tolower((unsigned char)buf[i]);
	return len == 36 && SHA256((unsigned char *)buf, len, out);
}

static int write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

int main(void)
{
	bool have_tppctl = !access(TPPCTL, X_OK);
	struct parity_keys k = { 0 };
	const uint8_t *sig;
	uint8_t hash[32], *file;
	size_t i, len, blen, slen, n_tests = 0;
	char path[128];
	struct nl_sock *sk;
	struct utsname uts;
	struct reply r;
	int fam, want, got;

	uname(&uts);
	ksft_print_header();
	for (i = 0; i < parity_n_cases; i++)
		n_tests += 1 + parity_machine_dependent(i);
	ksft_set_plan(n_tests);
	k.key = load_key(KEY_FILE);
	k.cert = load_cert(CERT_FILE);
	if (!k.key || !k.cert ||
	    parity_new_pair("parity stranger", &k.other_key, &k.other_cert))
		ksft_exit_fail_msg("cannot read %s and %s, or make a key\n",
				   KEY_FILE, CERT_FILE);
	k.dmi_hash = dmi_hash(hash) ? hash : NULL;
	/* As a real system would autoload it (6.1: a module). */
	if (!access("/tpp/modules/sha512_generic.ko", R_OK) &&
	    system("grep -q '^sha512_generic ' /proc/modules || insmod /tpp/modules/sha512_generic.ko"))
		ksft_exit_fail_msg("cannot load sha512_generic.ko\n");
	/* A fresh module: nothing in force, so the corpus's serials hold. */
	restore_tppgate();
	sk = open_sock();
	fam = sk ? family_id(sk) : -1;
	if (fam < 0)
		ksft_exit_fail_msg("no tppgate family after the reload\n");
	mkdir(DIR, 0700);

	for (i = 0; i < parity_n_cases; i++) {
		const struct parity_case *c = &parity_cases[i];

		want = parity_kernel_expected(&k, i, uts.release);
		snprintf(path, sizeof(path), DIR "/%s.tpp", c->name);
		if (parity_make(&k, i, &file, &len) ||
		    split(file, len, &sig, &blen, &slen) ||
		    write_bytes(path, file, len))
			ksft_exit_fail_msg("%s: cannot generate the file\n", c->name);
		transact(sk, set_req(fam, file, (int)blen, sig, (int)slen), &r);
		got = -r.err;
		ksft_test_result(got == want, "parity %s (%s): POLICY_SET gives %s\n",
				 c->name, c->rule, parity_errname(want));
		if (got != want)
			ksft_print_msg("POLICY_SET gave %s: %s\n",
				       parity_errname(got), r.msg);
		free(file);
		if (!parity_machine_dependent(i))
			continue;
		want = parity_expected(&k, i);
		if (!have_tppctl) {
			ksft_test_result_skip("parity %s: tppctl policy verify (no tppctl)\n",
					      c->name);
			continue;
		}
		got = tppctl_verdict(path, parity_in_force(&k, i));
		ksft_test_result(got == want, "parity %s: tppctl policy verify gives %s\n",
				 c->name, parity_errname(want));
		if (got != want)
			ksft_print_msg("tppctl gave %s\n",
				       got < 0 ? "no verdict" : parity_errname(got));
	}
	nl_socket_free(sk);
	restore_tppgate();
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
