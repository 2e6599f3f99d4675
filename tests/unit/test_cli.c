// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl's command line: the parsers in-process, then the real binary
 * (path in $TPPCTL) for exit codes and messages. Usage errors never reach
 * the kernel, so these run on any host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tppctl.h"
#include "unit.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void capture_start(FILE **f, size_t *len, char **buf)
{
	*buf = NULL;
	*f = open_memstream(buf, len);
}

static void global(void)
{
	char *v1[] = { "tppctl", "-j", "status" };
	char *v2[] = { "tppctl", "--version" };
	char *v3[] = { "tppctl", "--bogus", "status" };
	char *v4[] = { "tppctl" };
	char *v5[] = { "tppctl", "--", "-j" };
	char *v6[] = { "tppctl", "--json", "-h", "devices", "-x" };
	struct tppctl_global g;
	size_t len;
	char *buf;
	FILE *f;

	capture_start(&f, &len, &buf);
	is_int(tppctl_parse_global(ARGC(v1), v1, &g, f), 0, "tppctl -j status");
	ok(g.json && g.cmd_index == 2, "-j sets json, command at argv[2]");
	is_int(tppctl_parse_global(ARGC(v2), v2, &g, f), 0, "tppctl --version");
	ok(g.version && !g.cmd_index, "--version, no command");
	is_int(tppctl_parse_global(ARGC(v4), v4, &g, f), 0, "tppctl alone");
	is_int(g.cmd_index, 0, "no command found");
	is_int(tppctl_parse_global(ARGC(v5), v5, &g, f), 0, "tppctl -- -j");
	ok(!g.json && g.cmd_index == 2, "after -- nothing is an option");
	is_int(tppctl_parse_global(ARGC(v6), v6, &g, f), 0,
	       "tppctl --json -h devices -x");
	ok(g.json && g.help && g.cmd_index == 3,
	   "options stop at the command; its own options are left to it");
	is_int(tppctl_parse_global(ARGC(v3), v3, &g, f), -TPPCTL_EUSAGE,
	       "an unknown global option is a usage error");
	fclose(f);
	ok(buf && strstr(buf, "unknown option '--bogus'"),
	   "and it is named on stderr");
	free(buf);
}

static int parse(char **argv, int argc, enum tppctl_bdf_arg want,
		 struct tppctl_args *a, char **msg)
{
	size_t len;
	FILE *f;
	int err;

	capture_start(&f, &len, msg);
	err = tppctl_parse_args(argc, argv, want, a, f);
	fclose(f);
	return err;
}

static void args(void)
{
	char *ok1[] = { "admit", "00:04.0" };
	char *ok2[] = { "devices", "-j" };
	char *ok3[] = { "devices", "--json", "0000:00:1F.7" };
	char *ok4[] = { "quarantine", "--", "00:04.0" };
	char *ok5[] = { "admit", "-h" };
	char *bad1[] = { "admit" };
	char *bad2[] = { "admit", "not-a-bdf" };
	char *bad3[] = { "admit", "00:20.0" };
	char *bad4[] = { "admit", "00:04.0", "00:05.0" };
	char *bad5[] = { "status", "extra" };
	char *bad6[] = { "monitor", "-x" };
	struct tppctl_args a;
	char *msg;

	is_int(parse(ok1, ARGC(ok1), TPPCTL_BDF_REQUIRED, &a, &msg), 0,
	       "admit 00:04.0 parses");
	ok(a.has_bdf && !strcmp(a.bdf, "0000:00:04.0"),
	   "and the bdf is normalized before it is sent");
	free(msg);
	is_int(parse(ok2, ARGC(ok2), TPPCTL_BDF_OPTIONAL, &a, &msg), 0,
	       "devices -j parses");
	ok(a.json && !a.has_bdf, "-j after the command sets json");
	free(msg);
	is_int(parse(ok3, ARGC(ok3), TPPCTL_BDF_OPTIONAL, &a, &msg), 0,
	       "devices --json 0000:00:1F.7 parses");
	is_str(a.bdf, "0000:00:1f.7", "upper-case bdf is lowered");
	free(msg);
	is_int(parse(ok4, ARGC(ok4), TPPCTL_BDF_REQUIRED, &a, &msg), 0,
	       "quarantine -- 00:04.0 parses");
	free(msg);
	{
		/* Asked-for help goes to stdout: catch it there. */
		char out[512] = "";
		FILE *tmp = tmpfile();
		int saved, n;

		fflush(stdout);
		saved = dup(1);
		dup2(fileno(tmp), 1);
		n = parse(ok5, ARGC(ok5), TPPCTL_BDF_REQUIRED, &a, &msg);
		fflush(stdout);
		dup2(saved, 1);
		close(saved);
		rewind(tmp);
		out[fread(out, 1, sizeof(out) - 1, tmp)] = '\0';
		fclose(tmp);
		is_int(n, 0, "admit -h is not an error");
		ok(a.help && strstr(out, "usage: tppctl admit") && !(msg && msg[0]),
		   "admit -h prints the usage on stdout, nothing on stderr");
	}
	free(msg);

	is_int(parse(bad1, ARGC(bad1), TPPCTL_BDF_REQUIRED, &a, &msg),
	       -TPPCTL_EUSAGE, "admit without a bdf is a usage error");
	ok(msg && strstr(msg, "missing PCI address"), "which says so");
	free(msg);
	is_int(parse(bad2, ARGC(bad2), TPPCTL_BDF_REQUIRED, &a, &msg),
	       -TPPCTL_EUSAGE, "admit not-a-bdf is a usage error");
	ok(msg && strstr(msg, "invalid PCI address 'not-a-bdf'"), "which says so");
	free(msg);
	is_int(parse(bad3, ARGC(bad3), TPPCTL_BDF_REQUIRED, &a, &msg),
	       -TPPCTL_EUSAGE, "admit 00:20.0 is a usage error");
	ok(msg && strstr(msg, "out of range"), "which says out of range");
	free(msg);
	is_int(parse(bad4, ARGC(bad4), TPPCTL_BDF_REQUIRED, &a, &msg),
	       -TPPCTL_EUSAGE, "admit with two bdfs is a usage error");
	free(msg);
	is_int(parse(bad5, ARGC(bad5), TPPCTL_BDF_NONE, &a, &msg),
	       -TPPCTL_EUSAGE, "status with an argument is a usage error");
	free(msg);
	is_int(parse(bad6, ARGC(bad6), TPPCTL_BDF_NONE, &a, &msg),
	       -TPPCTL_EUSAGE, "monitor -x is a usage error");
	ok(msg && strstr(msg, "unknown option '-x'"), "which names the option");
	free(msg);
}

static void exit_codes(void)
{
	is_int(tppctl_exit_code(0), 0, "success exits 0");
	is_int(tppctl_exit_code(-TPPCTL_EUSAGE), 2, "usage error exits 2");
	is_int(tppctl_exit_code(-ENODEV), 1, "ENODEV exits 1");
	is_int(tppctl_exit_code(-EPERM), 1, "EPERM exits 1");
	is_int(tppctl_exit_code(-EINVAL), 1,
	       "EINVAL from the kernel exits 1, not 2");
	is_int(tppctl_exit_code(-EPROTONOSUPPORT), 1, "no module exits 1");
}

static char *report(int err, const char *cmd, const char *bdf)
{
	struct tppctl_ctx ctx = { 0 };
	char *buf = NULL;
	size_t len;

	ctx.err = open_memstream(&buf, &len);
	tppctl_report(&ctx, NULL, err, cmd, bdf);
	fclose(ctx.err);
	return buf;
}

static void messages(void)
{
	static const struct {
		int err;
		const char *cmd, *bdf, *want;
	} t[] = {
		{ -EPROTONOSUPPORT, "status", NULL,
		  "tppctl: tppgate: kernel module not loaded (modprobe tppgate)\n" },
		{ -EPERM, "admit", "0000:00:04.0",
		  "tppctl: permission denied: changing devices needs CAP_NET_ADMIN\n" },
		{ -EPERM, "quarantine", "0000:00:04.0",
		  "tppctl: permission denied: changing devices needs CAP_NET_ADMIN\n" },
		{ -ENODEV, "admit", "0000:00:1f.7",
		  "tppctl: 0000:00:1f.7: no such PCI device\n" },
		{ -EOPNOTSUPP, "admit", "0000:00:03.0",
		  "tppctl: 0000:00:03.0: not an accelerator, tppgate does not manage it\n" },
		{ -EBUSY, "admit", "0000:00:04.0",
		  "tppctl: 0000:00:04.0: Device or resource busy\n" },
		{ -EACCES, "admit", "0000:00:04.0",
		  "tppctl: 0000:00:04.0: admitting by hand needs the module's manual=1 parameter\n" },
		{ -EACCES, "quarantine", "0000:00:04.0",
		  "tppctl: 0000:00:04.0: quarantining by hand needs the module's manual=1 parameter\n" },
		{ -ESHUTDOWN, "quarantine", "0000:00:04.0",
		  "tppctl: 0000:00:04.0: the module is unloading\n" },
		{ -EPROTO, "devices", NULL,
		  "tppctl: devices: malformed reply from the kernel\n" },
		{ -TPPCTL_EUSAGE, "admit", NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = report(t[i].err, t[i].cmd, t[i].bdf);

		if (t[i].want)
			is_str(got, t[i].want, "message for %s (%d)", t[i].cmd,
			       t[i].err);
		else
			ok(!got || !got[0], "no message for a usage error");
		free(got);
	}
}

struct run {
	int code;
	char out[8192];
	char err[8192];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs $TPPCTL with @argv (argv[0] included); -1 if it could not run. */
static int run(const char *path, char *const argv[], struct run *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	if (!out || !err)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	return 0;
}

struct exec_case {
	char *argv[6];
	int code;
	const char *in_err;	/* a substring of stderr, or NULL */
	const char *in_out;	/* a substring of stdout, or NULL */
};

static const struct exec_case usage_cases[] = {
	{ { "tppctl", NULL }, 2, "usage: tppctl", NULL },
	{ { "tppctl", "frobnicate", NULL }, 2, "unknown command 'frobnicate'", NULL },
	{ { "tppctl", "--bogus", NULL }, 2, "unknown option '--bogus'", NULL },
	{ { "tppctl", "admit", NULL }, 2, "missing PCI address", NULL },
	{ { "tppctl", "quarantine", NULL }, 2, "missing PCI address", NULL },
	{ { "tppctl", "admit", "not-a-bdf", NULL }, 2, "invalid PCI address", NULL },
	{ { "tppctl", "admit", "00:20.0", NULL }, 2, "out of range", NULL },
	{ { "tppctl", "devices", "0000:00:04.0:1", NULL }, 2, "invalid PCI address", NULL },
	{ { "tppctl", "status", "extra", NULL }, 2, "unexpected argument 'extra'", NULL },
	{ { "tppctl", "monitor", "--nope", NULL }, 2, "unknown option '--nope'", NULL },
	{ { "tppctl", "-h", NULL }, 0, NULL, "usage: tppctl" },
	{ { "tppctl", "help", NULL }, 0, NULL, "monitor" },
	{ { "tppctl", "--version", NULL }, 0, NULL, "tppctl " },
	{ { "tppctl", "admit", "-h", NULL }, 0, NULL, "usage: tppctl admit" },
	{ { "tppctl", "help", "admit", NULL }, 0, NULL, "usage: tppctl admit" },
	{ { "tppctl", "help", "policy", "sign", NULL }, 0, NULL, "usage: tppctl policy sign" },
	{ { "tppctl", "policy", "help", "verify", NULL }, 0, NULL, "usage: tppctl policy verify" },
	{ { "tppctl", "keygen", "--help", NULL }, 0, NULL, "usage: tppctl keygen" },
	{ { "tppctl", "help", "frob", NULL }, 2, "help: no command 'frob'", NULL },
	{ { "tppctl", "admit", "-x", NULL }, 2, "usage: tppctl admit", NULL },
	{ { "tppctl", "policy", "sign", NULL }, 2, "usage: tppctl policy sign", NULL },
};

/* Only where the module is not loaded: the host running `make check`. */
static const struct exec_case no_module_cases[] = {
	{ { "tppctl", "status", NULL }, 1, "kernel module not loaded (modprobe tppgate)", NULL },
	{ { "tppctl", "devices", NULL }, 1, "kernel module not loaded", NULL },
	{ { "tppctl", "-j", "devices", "00:04.0", NULL }, 1, "kernel module not loaded", NULL },
	{ { "tppctl", "admit", "00:04.0", NULL }, 1, "kernel module not loaded", NULL },
	{ { "tppctl", "monitor", NULL }, 1, "kernel module not loaded", NULL },
};

static void exec_case(const char *path, const struct exec_case *c)
{
	char cmdline[128] = "";
	struct run r;
	int i;

	for (i = 0; c->argv[i]; i++) {
		strncat(cmdline, c->argv[i], sizeof(cmdline) - strlen(cmdline) - 2);
		strcat(cmdline, " ");
	}
	/* Running it at all is not a test: its exit status is. */
	if (run(path, c->argv, &r)) {
		ok(false, "%sexits %d (it could not be run)", cmdline, c->code);
		return;
	}
	is_int(r.code, c->code, "%sexits %d", cmdline, c->code);
	if (c->in_err && !ok(strstr(r.err, c->in_err), "%ssays '%s' on stderr",
			     cmdline, c->in_err))
		tap_diag("stderr: %s", r.err);
	if (c->in_out && !ok(strstr(r.out, c->in_out), "%ssays '%s' on stdout",
			     cmdline, c->in_out))
		tap_diag("stdout: %s", r.out);
	if (c->code == 2)
		ok(!r.out[0], "%sprints nothing on stdout", cmdline);
}

static void binary(void)
{
	const char *path = getenv("TPPCTL");
	struct tppgate_handle *h = NULL;
	size_t i;
	int err;

	if (!path || access(path, X_OK)) {
		tap_skip("$TPPCTL not set", "the tppctl binary");
		return;
	}
	for (i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++)
		exec_case(path, &usage_cases[i]);

	err = tppgate_connect(&h);
	tppgate_close(h);
	if (err != -EPROTONOSUPPORT) {
		tap_skip("the tppgate family exists here",
			 "tppctl without the module");
		return;
	}
	for (i = 0; i < sizeof(no_module_cases) / sizeof(no_module_cases[0]); i++)
		exec_case(path, &no_module_cases[i]);
}

void test_cli(void)
{
	global();
	args();
	exit_codes();
	messages();
	binary();
}
