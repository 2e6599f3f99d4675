// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl: look at and steer the tppgate accelerator quarantine.
 *
 * Every subcommand returns 0 or a negative errno; only main() turns that
 * into an exit status: 0 success, 1 the operation failed, 2 bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tppctl.h"

#ifndef TPPCTL_VERSION
#define TPPCTL_VERSION "unknown"
#endif

static int help_main(int argc, char **argv, struct tppctl_ctx *ctx);

static const struct tppctl_cmd commands[] = {
	{ "devices", devices_main, "List accelerators, or show one (BDF)" },
	{ "admit", admit_main, "Release a quarantined accelerator to its driver" },
	{ "quarantine", quarantine_main, "Take an accelerator back into quarantine" },
	{ "status", status_main, "Show the module's state" },
	{ "monitor", monitor_main, "Print device events until interrupted" },
	{ "policy", policy_main, "Compile, sign, verify, show and load policies" },
	{ "keygen", keygen_main, "Make a policy signing key and certificate" },
	{ "daemon", daemon_main, "Ask tppgated what it is doing (daemon status)" },
	{ "push", push_main, "Verify a signed policy and store it for the cluster (etcd)" },
	{ "cluster", cluster_main, "The cluster ledger: status, audit" },
	{ "help", help_main, "Show this help" },
	{ NULL, NULL, NULL }
};

static void print_usage(FILE *f)
{
	const struct tppctl_cmd *c;

	fprintf(f, "usage: tppctl [-j|--json] [-h|--help] [--version] COMMAND [ARGS]\n\n");
	fprintf(f, "Commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-11s %s\n", c->name, c->description);
	fprintf(f, "\nBDF is a PCI address, [DDDD:]BB:DD.F. 'tppctl COMMAND -h' shows a command's usage.\n");
	fprintf(f, "Exit status: 0 success, 1 the operation failed, 2 usage error.\n");
}

/* tppctl help [COMMAND [SUBCOMMAND]]: the same as COMMAND... -h */
static int help_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const struct tppctl_cmd *cmd;
	char *args[TPPCTL_POS_MAX + 2];
	int i;

	if (argc < 2) {
		print_usage(ctx->out);
		return 0;
	}
	cmd = tppctl_find_cmd(commands, argv[1]);
	if (!cmd || cmd->fn == help_main || argc > TPPCTL_POS_MAX) {
		fprintf(ctx->err, "tppctl: help: no command '%.64s'\n", argv[1]);
		print_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	for (i = 1; i < argc; i++)
		args[i - 1] = argv[i];
	args[argc - 1] = "-h";
	args[argc] = NULL;
	return cmd->fn(argc, args, ctx);
}

static int run(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const struct tppctl_cmd *cmd;
	struct tppctl_global g;
	int err;

	err = tppctl_parse_global(argc, argv, &g, ctx->err);
	ctx->json = g.json;
	if (err) {
		print_usage(ctx->err);
		return err;
	}
	if (g.version) {
		fprintf(ctx->out, "tppctl %s\n", TPPCTL_VERSION);
		return 0;
	}
	if (g.help) {
		print_usage(ctx->out);
		return 0;
	}
	if (!g.cmd_index) {
		print_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	cmd = tppctl_find_cmd(commands, argv[g.cmd_index]);
	if (!cmd) {
		fprintf(ctx->err, "tppctl: unknown command '%.64s'\n",
			argv[g.cmd_index]);
		print_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	ctx->json = g.json;
	return cmd->fn(argc - g.cmd_index, argv + g.cmd_index, ctx);
}

/*
 * What tppctl says on stderr goes there at once, and its first line is kept
 * for the JSON error object (-j), which scripts read on stdout.
 */
struct err_tee {
	char first[512];
	size_t len;
	bool done;
};

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
	struct err_tee *t = cookie;
	size_t i;

	fwrite(buf, 1, n, stderr);
	for (i = 0; i < n && !t->done; i++) {
		if (buf[i] == '\n') {
			t->done = t->len > 0;
			continue;
		}
		if (t->len < sizeof(t->first) - 1)
			t->first[t->len++] = buf[i];
	}
	return (ssize_t)n;
}

static void print_json_error(struct tppctl_ctx *ctx, int err,
			     const struct err_tee *t)
{
	const char *name = err == -TPPCTL_EUSAGE ? "EUSAGE" :
			   strerrorname_np(-err);
	const char *msg = t->first;
	json_t *j;

	if (!strncmp(msg, "tppctl: ", 8))
		msg += 8;
	if (!msg[0])
		msg = err == -TPPCTL_EUSAGE ? "usage error" : strerror(-err);
	j = json_pack("{s:{s:s,s:i,s:s,s:i}}", "error",
		      "errno", name ? name : "EUNKNOWN", "code", -err,
		      "message", msg, "exit", tppctl_exit_code(err));
	tppctl_print_json(ctx, j);
}

int main(int argc, char **argv)
{
	static const cookie_io_functions_t tee_io = { .write = tee_write };
	struct err_tee tee = { .len = 0 };
	struct tppctl_ctx ctx = { .out = stdout, .err = stderr };
	FILE *err_file = fopencookie(&tee, "w", tee_io);
	int err;

	if (err_file) {
		setvbuf(err_file, NULL, _IONBF, 0);
		ctx.err = err_file;
	}
	err = run(argc, argv, &ctx);
	if (err && ctx.json)
		print_json_error(&ctx, err, &tee);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "tppctl: error writing output\n");
		if (!err)
			err = -EIO;
	}
	if (err_file)
		fclose(err_file);
	return tppctl_exit_code(err);
}
