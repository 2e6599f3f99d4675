// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing and error reporting for tppctl. No I/O besides the
 * streams it is given, and no global state (no getopt), so that the unit
 * tests can call it as often as they like.
 */
#include <errno.h>
#include <string.h>

#include "tppctl.h"

static bool is(const char *arg, const char *short_opt, const char *long_opt)
{
	return (short_opt && !strcmp(arg, short_opt)) ||
	       (long_opt && !strcmp(arg, long_opt));
}

static int unknown_option(FILE *err, const char *cmd, const char *opt)
{
	if (cmd)
		fprintf(err, "tppctl: %s: unknown option '%.64s'\n", cmd, opt);
	else
		fprintf(err, "tppctl: unknown option '%.64s'\n", opt);
	return -TPPCTL_EUSAGE;
}

/*
 * tppctl [-j|--json] [-h|--help] [--version] [COMMAND [ARGS...]]
 * Options stop at the first word that is not one, or after "--".
 */
int tppctl_parse_global(int argc, char **argv, struct tppctl_global *g,
			FILE *err)
{
	int i;

	memset(g, 0, sizeof(*g));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (is(a, "-j", "--json"))
			g->json = true;
		else if (is(a, "-h", "--help"))
			g->help = true;
		else if (is(a, NULL, "--version"))
			g->version = true;
		else if (a[0] != '-' || is(a, "--", NULL))
			break;
		else
			return unknown_option(err, NULL, a);
	}
	if (i < argc && is(argv[i], "--", NULL))
		i++;
	g->cmd_index = i < argc ? i : 0;
	return 0;
}

const struct tppctl_cmd *tppctl_find_cmd(const struct tppctl_cmd *cmds,
					 const char *name)
{
	for (; cmds->name; cmds++)
		if (!strcmp(cmds->name, name))
			return cmds;
	return NULL;
}

static void cmd_usage(FILE *f, const char *cmd, enum tppctl_bdf_arg want)
{
	static const char *const bdf_arg[] = {
		[TPPCTL_BDF_NONE] = "",
		[TPPCTL_BDF_OPTIONAL] = " [BDF]",
		[TPPCTL_BDF_REQUIRED] = " BDF",
	};

	fprintf(f, "usage: tppctl %s [-j|--json]%s\n", cmd, bdf_arg[want]);
	if (want != TPPCTL_BDF_NONE)
		fprintf(f, "  BDF is a PCI address, [DDDD:]BB:DD.F, e.g. 0000:00:04.0\n");
}

/* Prints the command's usage after a message; passes @ret through. */
static int usage_error(FILE *err, const char *cmd, enum tppctl_bdf_arg want,
		       int ret)
{
	cmd_usage(err, cmd, want);
	return ret;
}

static int take_bdf(const char *arg, struct tppctl_args *args, FILE *err)
{
	int ret;

	ret = tppgate_bdf_normalize(arg, args->bdf, sizeof(args->bdf));
	if (ret == -ERANGE) {
		fprintf(err, "tppctl: PCI address '%.64s' out of range (device 00-1f, function 0-7)\n",
			arg);
		return -TPPCTL_EUSAGE;
	}
	if (ret) {
		fprintf(err, "tppctl: invalid PCI address '%.64s': expected [DDDD:]BB:DD.F\n",
			arg);
		return -TPPCTL_EUSAGE;
	}
	args->has_bdf = true;
	return 0;
}

/*
 * A subcommand's own command line: argv[0] is its name, then -j/--json,
 * -h/--help and, as @want says, one PCI address, normalized here so that a
 * malformed one never reaches the kernel.
 * Return: 0 or -TPPCTL_EUSAGE (after a message on @err).
 */
int tppctl_parse_args(int argc, char **argv, enum tppctl_bdf_arg want,
		      struct tppctl_args *args, FILE *err)
{
	const char *cmd = argv[0];
	bool opts_done = false;
	int i, ret;

	memset(args, 0, sizeof(*args));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && a[0] == '-') {
			if (is(a, "-j", "--json"))
				args->json = true;
			else if (is(a, "-h", "--help"))
				args->help = true;
			else if (is(a, "--", NULL))
				opts_done = true;
			else
				return usage_error(err, cmd, want,
						   unknown_option(err, cmd, a));
			continue;
		}
		if (want == TPPCTL_BDF_NONE || args->has_bdf) {
			fprintf(err, "tppctl: %s: unexpected argument '%.64s'\n",
				cmd, a);
			return usage_error(err, cmd, want, -TPPCTL_EUSAGE);
		}
		ret = take_bdf(a, args, err);
		if (ret)
			return ret;
	}
	if (args->help) {
		cmd_usage(err, cmd, want);
		return 0;
	}
	if (want == TPPCTL_BDF_REQUIRED && !args->has_bdf) {
		fprintf(err, "tppctl: %s: missing PCI address\n", cmd);
		return usage_error(err, cmd, want, -TPPCTL_EUSAGE);
	}
	return 0;
}

int tppctl_exit_code(int err)
{
	if (!err)
		return TPPCTL_EXIT_OK;
	if (err == -TPPCTL_EUSAGE)
		return TPPCTL_EXIT_USAGE;
	return TPPCTL_EXIT_FAIL;
}

static bool changes_devices(const char *cmd)
{
	return cmd && (!strcmp(cmd, "admit") || !strcmp(cmd, "quarantine"));
}

/*
 * The one place that turns an error into words. The first line is stable
 * (tests grep it); the kernel's own message, if any, follows.
 */
void tppctl_report(struct tppctl_ctx *ctx, struct tppgate_handle *h, int err,
		   const char *cmd, const char *bdf)
{
	const char *kmsg = tppgate_last_error_msg(h);
	const char *what = bdf ? bdf : cmd;
	FILE *f = ctx->err;

	switch (err) {
	case 0:
	case -TPPCTL_EUSAGE:
		return;
	case -EPROTONOSUPPORT:
		fprintf(f, "tppctl: tppgate: kernel module not loaded (modprobe tppgate)\n");
		break;
	case -EPERM:
	case -EACCES:
		if (changes_devices(cmd))
			fprintf(f, "tppctl: permission denied: changing devices needs CAP_NET_ADMIN\n");
		else
			fprintf(f, "tppctl: %s: permission denied\n", cmd);
		break;
	case -ENODEV:
		fprintf(f, "tppctl: %s: no such PCI device\n", what);
		break;
	case -EOPNOTSUPP:
		fprintf(f, "tppctl: %s: not an accelerator, tppgate does not manage it\n",
			what);
		break;
	case -ETIMEDOUT:
		fprintf(f, "tppctl: %s: no answer from the kernel\n", cmd);
		break;
	case -EPROTO:
		fprintf(f, "tppctl: %s: malformed reply from the kernel\n", cmd);
		break;
	default:
		fprintf(f, "tppctl: %s: %s\n", what, strerror(-err));
		break;
	}
	if (kmsg)
		fprintf(f, "tppctl: kernel: %s\n", kmsg);
}

int tppctl_connect(struct tppctl_ctx *ctx, struct tppgate_handle **hp,
		   const char *cmd)
{
	int err;

	err = tppgate_connect(hp);
	if (err)
		tppctl_report(ctx, NULL, err, cmd, NULL);
	return err;
}
