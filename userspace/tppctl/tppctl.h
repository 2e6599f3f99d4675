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
#include <sys/types.h>

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

/*
 * An option of a subcommand: a flag (@flag) or one that takes a value
 * (@value, named @arg in messages). -j/--json and -h/--help are always
 * there.
 */
struct tppctl_opt {
	const char *short_name;		/* "-o", or NULL */
	const char *long_name;		/* "--output" */
	const char *arg;		/* "FILE"; NULL for a flag */
	const char **value;
	bool *flag;
};

#define TPPCTL_POS_MAX	4

/* What a subcommand's command line said, beyond its own options. */
struct tppctl_parsed {
	bool json;
	bool help;
	int n_pos;
	const char *pos[TPPCTL_POS_MAX];	/* the other arguments */
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
int tppctl_parse_opts(int argc, char **argv, const char *cmd,
		      const struct tppctl_opt *opts, int min_pos, int max_pos,
		      const char *usage, struct tppctl_parsed *out, FILE *err);
void tppctl_report_policy(struct tppctl_ctx *ctx, struct tppgate_handle *h,
			  int err, const char *cmd, const void *blob,
			  size_t blen);

/* files.c: file I/O for the commands (lib/fileio.c underneath); "-" is
 * standard input or output */
int tppctl_read_file(const char *path, size_t max, char **buf, size_t *len);
/* Writes through a temporary file and rename(), so a reader never sees half. */
int tppctl_write_file(const char *path, const void *data, size_t len,
		      mode_t mode);
/* struct tppgate_include_ops: @path relative to the directory of @from. */
int tppctl_include_load(void *ctx, const char *from, const char *path,
			char **text, size_t *len, char **name);
/* Are @a and @b one file (same name, or same inode)? "-" is never. */
bool tppctl_same_file(const char *a, const char *b);
/* -TPPCTL_EUSAGE, after a message, if @out is one of @inputs (NULLs skipped). */
int tppctl_refuse_same(struct tppctl_ctx *ctx, const char *cmd,
		       const char *out, const char *const *inputs, size_t n);
/* Reports a file error as "tppctl: PATH: reason" and passes @err on. */
int tppctl_file_error(struct tppctl_ctx *ctx, const char *path, int err);

/*
 * What is known of a policy besides its fields (for `policy show`):
 * @blob_len and @sha256 of its blob, and for a .tpp its signature.
 */
struct tppctl_policy_meta {
	size_t blob_len;
	uint8_t sha256[TPPGATE_SHA256_LEN];
	bool has_sig;
	size_t sig_len;
	struct tppgate_sig_info sig;
};

/* What a policy file turned out to be: tppctl goes by content, not name. */
enum tppctl_policy_kind {
	TPPCTL_POLICY_JSON,	/* first non-blank byte is '{' or '[' */
	TPPCTL_POLICY_BLOB,	/* anything else */
	TPPCTL_POLICY_SIGNED,	/* ends with TPPGATE_FILE_MAGIC */
};

/*
 * A policy file, read and parsed: @blob and @sig point into @data (or
 * @blob_buf, a JSON source's encoding); @src is the policy.
 */
struct tppctl_policy_file {
	char *data;
	size_t len;
	enum tppctl_policy_kind kind;
	const uint8_t *blob;
	size_t blen;
	const uint8_t *sig;	/* a .tpp's; NULL otherwise */
	size_t slen;
	uint8_t *blob_buf;
	struct tppgate_policy_src src;
};

/* policy.c */
enum tppctl_policy_kind tppctl_policy_kind(const void *data, size_t len);
const char *tppctl_policy_kind_name(enum tppctl_policy_kind kind);
int tppctl_policy_open(struct tppctl_ctx *ctx, const char *path, bool decode,
		       struct tppctl_policy_file *pf);
int tppctl_policy_decode(struct tppctl_ctx *ctx, const char *path,
			 struct tppctl_policy_file *pf);
void tppctl_policy_close(struct tppctl_policy_file *pf);
/* This host's identity hash of @kind, as its kernel would compare it. */
int tppctl_host_hash_here(uint32_t kind, uint8_t out[TPPGATE_SHA256_LEN]);

/* policy_out.c */
json_t *tppctl_policy_source_json(const struct tppgate_policy_src *p);
json_t *tppctl_policy_json(const struct tppgate_policy_src *p,
			   const struct tppctl_policy_meta *m);
json_t *tppctl_policy_info_json(const struct tppgate_policy_info *info);
void tppctl_policy_text(FILE *f, const struct tppgate_policy_src *p,
			const struct tppctl_policy_meta *m);
void tppctl_policy_info_text(FILE *f, const struct tppgate_policy_info *i);
void tppctl_policy_loaded_text(FILE *f, const struct tppgate_policy_info *i);
void tppctl_hex(char *buf, const uint8_t *p, size_t n);

/* output.c */
json_t *tppctl_device_json(const struct tppgate_device_info *d);
json_t *tppctl_status_json(const struct tppgate_status_info *s);
json_t *tppctl_event_json(const struct tppgate_event_info *e);
/* Every u64 (serials, TPP, caps, times) goes into JSON through this. */
json_t *tppctl_u64_json(uint64_t v);
int tppctl_print_json(struct tppctl_ctx *ctx, json_t *j);
/* Indented, for files people edit. */
int tppctl_print_json_pretty(struct tppctl_ctx *ctx, json_t *j);
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
int policy_main(int argc, char **argv, struct tppctl_ctx *ctx);
int keygen_main(int argc, char **argv, struct tppctl_ctx *ctx);
/* daemon.c: talks to tppgated's control socket, not to the kernel */
int daemon_main(int argc, char **argv, struct tppctl_ctx *ctx);
int push_main(int argc, char **argv, struct tppctl_ctx *ctx);
int cluster_main(int argc, char **argv, struct tppctl_ctx *ctx);
void tppctl_daemon_text(FILE *f, json_t *status);

/* The policy subcommands (policy.c, policy_sign.c, policy_load.c) */
int policy_compile_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_show_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_host_id_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_sign_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_verify_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_load_main(int argc, char **argv, struct tppctl_ctx *ctx);
int policy_get_main(int argc, char **argv, struct tppctl_ctx *ctx);

/* Size bounds of the files tppctl reads. */
#define TPPCTL_SOURCE_MAX	(1024 * 1024)
#define TPPCTL_PEM_MAX		(64 * 1024)

#endif /* TPPCTL_H */
