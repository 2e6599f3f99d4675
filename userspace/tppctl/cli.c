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
	/* Asked-for help is output (stdout, exit 0); a usage error is not. */
	if (args->help) {
		cmd_usage(stdout, cmd, want);
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
		if (changes_devices(cmd))
			fprintf(f, "tppctl: permission denied: changing devices needs CAP_NET_ADMIN\n");
		else
			fprintf(f, "tppctl: %s: permission denied\n", cmd);
		break;
	case -EACCES:
		/* The module refuses admission by hand unless manual=1. */
		if (changes_devices(cmd))
			fprintf(f, "tppctl: %s: %s by hand needs the module's manual=1 parameter\n",
				what, !strcmp(cmd, "admit") ? "admitting" : "quarantining");
		else
			fprintf(f, "tppctl: %s: permission denied\n", cmd);
		break;
	case -ESHUTDOWN:
		fprintf(f, "tppctl: %s: the module is unloading\n", what);
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

static const struct tppctl_opt *find_opt(const struct tppctl_opt *opts,
					 const char *a, size_t n)
{
	for (; opts && opts->long_name; opts++)
		if ((opts->short_name && strlen(opts->short_name) == n &&
		     !strncmp(a, opts->short_name, n)) ||
		    (strlen(opts->long_name) == n &&
		     !strncmp(a, opts->long_name, n)))
			return opts;
	return NULL;
}

static int opts_usage(FILE *err, const char *usage, int ret)
{
	fprintf(err, "%s", usage);
	return ret;
}

/*
 * A subcommand's command line: its options (@opts, ending with a zero
 * entry), -j/--json, -h/--help, and @min_pos to @max_pos other arguments.
 * Values come as "--opt VALUE" or "--opt=VALUE". An option given twice is
 * a mistake, not an override. No global state (no getopt).
 * Return: 0 or -TPPCTL_EUSAGE (after a message and @usage on @err).
 */
int tppctl_parse_opts(int argc, char **argv, const char *cmd,
		      const struct tppctl_opt *opts, int min_pos, int max_pos,
		      const char *usage, struct tppctl_parsed *out, FILE *err)
{
	const struct tppctl_opt *o;
	bool opts_done = false;
	const char *eq;
	size_t n;
	int i;

	memset(out, 0, sizeof(*out));
	for (o = opts; o && o->long_name; o++)
		if (o->value)
			*o->value = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || !a[1]) {
			if (out->n_pos >= max_pos || out->n_pos >= TPPCTL_POS_MAX) {
				fprintf(err, "tppctl: %s: unexpected argument '%.64s'\n",
					cmd, a);
				return opts_usage(err, usage, -TPPCTL_EUSAGE);
			}
			out->pos[out->n_pos++] = a;
			continue;
		}
		if (is(a, "--", NULL)) {
			opts_done = true;
			continue;
		}
		if (is(a, "-j", "--json")) {
			out->json = true;
			continue;
		}
		if (is(a, "-h", "--help")) {
			out->help = true;
			continue;
		}
		eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL;
		n = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, a, n);
		if (!o)
			return opts_usage(err, usage,
					  unknown_option(err, cmd, a));
		if (!o->arg) {
			if (eq) {
				fprintf(err, "tppctl: %s: option '%s' takes no value\n",
					cmd, o->long_name);
				return opts_usage(err, usage, -TPPCTL_EUSAGE);
			}
			*o->flag = true;
			continue;
		}
		if (*o->value) {
			fprintf(err, "tppctl: %s: option '%s' given twice\n",
				cmd, o->long_name);
			return opts_usage(err, usage, -TPPCTL_EUSAGE);
		}
		if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			fprintf(err, "tppctl: %s: option '%s' needs %s\n", cmd,
				o->long_name, o->arg);
			return opts_usage(err, usage, -TPPCTL_EUSAGE);
		}
		if (!**o->value) {
			fprintf(err, "tppctl: %s: option '%s' needs %s\n", cmd,
				o->long_name, o->arg);
			return opts_usage(err, usage, -TPPCTL_EUSAGE);
		}
	}
	if (out->help) {
		fputs(usage, stdout);
		return 0;
	}
	if (out->n_pos < min_pos) {
		fprintf(err, "tppctl: %s: missing argument\n", cmd);
		return opts_usage(err, usage, -TPPCTL_EUSAGE);
	}
	return 0;
}

/* What each refusal of POLICY_SET / POLICY_GET means (uapi header). */
static const char *policy_errmsg(int err)
{
	switch (err) {
	case -EPERM:
		return "permission denied: loading a policy needs CAP_NET_ADMIN and CAP_SYS_ADMIN";
	case -EINVAL:
		return "the kernel found the policy malformed";
	case -ERANGE:
		return "a value in the policy is out of range";
	case -E2BIG:
		return "too large: a policy over 60 KiB, a signature over 8 KiB, or more than 4096 catalog entries";
	case -EBADMSG:
		return "the signature is not a detached PKCS#7 message";
	case -EKEYREJECTED:
		return "the signature does not match the policy";
	case -ENOKEY:
		return "signed by a key that the module does not trust";
	case -ESTALE:
		return "serial not greater than the policy in force (rollback refused)";
	case -EKEYEXPIRED:
		return "the policy has expired (now is after its not-after)";
	case -EAGAIN:
		return "the policy is not valid yet (now is before its not-before)";
	case -EACCES:
		return "the policy is bound to another host";
	case -EPROTONOSUPPORT:
		return "unknown policy format version";
	case -ENOPKG:
		return "the kernel lacks the signature's algorithm";
	case -ENOENT:
		return "no policy loaded";
	case -ESHUTDOWN:
		return "the module is unloading";
	case -ENOMEM:
		return "the kernel is out of memory";
	case -ETIMEDOUT:
		return "no answer from the kernel";
	case -EPROTO:
		return "malformed reply from the kernel";
	default:
		return NULL;
	}
}

/*
 * Like tppctl_report(), for the policy commands: the first line says what
 * the errno means for a policy, the second gives the kernel's words, and a
 * third names the attribute of @blob the kernel pointed at, if it did.
 */
void tppctl_report_policy(struct tppctl_ctx *ctx, struct tppgate_handle *h,
			  int err, const char *cmd, const void *blob,
			  size_t blen)
{
	const char *kmsg = tppgate_last_error_msg(h), *msg, *attr;
	size_t off;

	if (!err || err == -TPPCTL_EUSAGE)
		return;
	msg = policy_errmsg(err);
	fprintf(ctx->err, "tppctl: %s: %s\n", cmd, msg ? msg : strerror(-err));
	if (kmsg)
		fprintf(ctx->err, "tppctl: kernel: %s\n", kmsg);
	if (h && blob && !tppgate_policy_error_offset(h, &off)) {
		attr = tppgate_policy_attr_at(blob, blen, off);
		fprintf(ctx->err, "tppctl: at offset %zu of the policy blob%s%s\n",
			off, attr ? ": " : "", attr ? attr : "");
	}
}
