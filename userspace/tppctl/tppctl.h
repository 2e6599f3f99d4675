/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tppctl internals. Parsing (cli.c) and formatting (output.c) are pure and
 * write only to the streams in struct tppctl_ctx, so the unit tests run them
 * without a kernel. The subcommands do the I/O.
 */
#ifndef TPPCTL_H
#define TPPCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "libtppgate.h"

/*
 * A usage error, as a negative "errno" beyond the kernel's range
 * (MAX_ERRNO is 4095), so no real error can be mistaken for it.
 */
#define TPPCTL_EUSAGE		4096

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum tppctl_exit {
	TPPCTL_EXIT_OK = 0,
	TPPCTL_EXIT_FAIL = 1,		/* the operation failed */
	TPPCTL_EXIT_USAGE = 2,		/* the command line was wrong */
};

struct tppctl_ctx {
	bool json;
	FILE *out;
	FILE *err;
};

/* What a subcommand's command line said. */
struct tppctl_args {
	bool json;
	bool help;
	bool has_bdf;
	char bdf[TPPGATE_BDF_LEN];	/* normalized */
};

enum tppctl_bdf_arg {
	TPPCTL_BDF_NONE,
	TPPCTL_BDF_OPTIONAL,
	TPPCTL_BDF_REQUIRED,
};

struct tppctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct tppctl_ctx *ctx);
	const char *description;
};

/* The global options, and where the subcommand starts. */
struct tppctl_global {
	bool json;
	bool help;
	bool version;
	int cmd_index;			/* 0 when there is no subcommand */
};

/* cli.c */
int tppctl_parse_global(int argc, char **argv, struct tppctl_global *g,
			FILE *err);
const struct tppctl_cmd *tppctl_find_cmd(const struct tppctl_cmd *cmds,
					 const char *name);
int tppctl_parse_args(int argc, char **argv, enum tppctl_bdf_arg want,
		      struct tppctl_args *args, FILE *err);
int tppctl_exit_code(int err);
void tppctl_report(struct tppctl_ctx *ctx, struct tppgate_handle *h, int err,
		   const char *cmd, const char *bdf);
int tppctl_connect(struct tppctl_ctx *ctx, struct tppgate_handle **hp,
		   const char *cmd);

/* output.c */
json_t *tppctl_device_json(const struct tppgate_device_info *d);
json_t *tppctl_status_json(const struct tppgate_status_info *s);
json_t *tppctl_event_json(const struct tppgate_event_info *e);
int tppctl_print_json(struct tppctl_ctx *ctx, json_t *j);
void tppctl_device_header(FILE *f);
void tppctl_device_row(FILE *f, const struct tppgate_device_info *d);
void tppctl_status_text(FILE *f, const struct tppgate_status_info *s);
void tppctl_event_text(FILE *f, const struct tppgate_event_info *e);
int tppctl_device_cmp(const struct tppgate_device_info *a,
		      const struct tppgate_device_info *b);

/* one file per subcommand */
int devices_main(int argc, char **argv, struct tppctl_ctx *ctx);
int admit_main(int argc, char **argv, struct tppctl_ctx *ctx);
int quarantine_main(int argc, char **argv, struct tppctl_ctx *ctx);
int status_main(int argc, char **argv, struct tppctl_ctx *ctx);
int monitor_main(int argc, char **argv, struct tppctl_ctx *ctx);

#endif /* TPPCTL_H */
