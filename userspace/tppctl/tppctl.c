// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl: look at and steer the tppgate accelerator quarantine.
 *
 * Every subcommand returns 0 or a negative errno; only main() turns that
 * into an exit status: 0 success, 1 the operation failed, 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>

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

static int help_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	(void)argc;
	(void)argv;
	print_usage(ctx->out);
	return 0;
}

static int run(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const struct tppctl_cmd *cmd;
	struct tppctl_global g;
	int err;

	err = tppctl_parse_global(argc, argv, &g, ctx->err);
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

int main(int argc, char **argv)
{
	struct tppctl_ctx ctx = { .out = stdout, .err = stderr };
	int err;

	err = run(argc, argv, &ctx);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "tppctl: error writing output\n");
		if (!err)
			err = -EIO;
	}
	return tppctl_exit_code(err);
}
