// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl policy SUBCOMMAND: the policy's life from JSON source to the
 * kernel. This file holds the dispatch, reading any policy file, and the
 * subcommands that need no key and no kernel: compile, show, host-id.
 * sign and verify are in policy_sign.c; load and get in policy_load.c.
 *
 *   policy.json --compile--> policy.bin --sign--> policy.tpp --load--> kernel
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"

static int policy_help_main(int argc, char **argv, struct tppctl_ctx *ctx);

static const struct tppctl_cmd policy_cmds[] = {
	{ "compile", policy_compile_main, "Compile a JSON source into a policy blob" },
	{ "sign", policy_sign_main, "Sign a blob into a .tpp, or assemble one from a signature" },
	{ "verify", policy_verify_main, "Check a signed policy with a certificate" },
	{ "show", policy_show_main, "Show a policy: JSON source, blob or .tpp" },
	{ "load", policy_load_main, "Load a signed policy into the kernel" },
	{ "get", policy_get_main, "Show the policy in force" },
	{ "host-id", policy_host_id_main, "Show this host's identity hashes, for host binding" },
	{ "help", policy_help_main, "Show this help" },
	{ NULL, NULL, NULL }
};

static void policy_usage(FILE *f)
{
	const struct tppctl_cmd *c;

	fprintf(f, "usage: tppctl policy COMMAND [ARGS]\n\nCommands:\n");
	for (c = policy_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->description);
	fprintf(f, "\nA policy file is a JSON source, a blob (.bin) or a signed policy (.tpp);\n"
		"tppctl tells them apart by their content. 'tppctl policy COMMAND -h' shows\n"
		"a command's usage.\n");
}

/* tppctl policy help [COMMAND]: the same as tppctl policy COMMAND -h */
static int policy_help_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const struct tppctl_cmd *cmd;
	char *args[3];

	if (argc < 2) {
		policy_usage(ctx->out);
		return 0;
	}
	cmd = tppctl_find_cmd(policy_cmds, argv[1]);
	if (!cmd || cmd->fn == policy_help_main || argc > 2) {
		fprintf(ctx->err, "tppctl: policy help: no command '%.64s'\n",
			argv[1]);
		policy_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	args[0] = argv[1];
	args[1] = "-h";
	args[2] = NULL;
	return cmd->fn(2, args, ctx);
}

int policy_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	const struct tppctl_cmd *cmd;

	if (argc < 2) {
		policy_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		policy_usage(ctx->out);
		return 0;
	}
	cmd = tppctl_find_cmd(policy_cmds, argv[1]);
	if (!cmd) {
		fprintf(ctx->err, "tppctl: policy: unknown command '%.64s'\n",
			argv[1]);
		policy_usage(ctx->err);
		return -TPPCTL_EUSAGE;
	}
	return cmd->fn(argc - 1, argv + 1, ctx);
}

static bool looks_like_json(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		return p[i] == '{' || p[i] == '[';
	}
	return false;
}

const char *tppctl_policy_kind_name(enum tppctl_policy_kind kind)
{
	switch (kind) {
	case TPPCTL_POLICY_JSON:
		return "JSON source";
	case TPPCTL_POLICY_BLOB:
		return "policy blob";
	default:
		return "signed policy";
	}
}

enum tppctl_policy_kind tppctl_policy_kind(const void *data, size_t len)
{
	if (tppgate_file_is_signed(data, len))
		return TPPCTL_POLICY_SIGNED;
	if (looks_like_json(data, len))
		return TPPCTL_POLICY_JSON;
	return TPPCTL_POLICY_BLOB;
}

void tppctl_policy_close(struct tppctl_policy_file *pf)
{
	tppgate_policy_free(&pf->src);
	free(pf->blob_buf);
	free(pf->data);
	memset(pf, 0, sizeof(*pf));
}

static int compile_json(struct tppctl_ctx *ctx, const char *path,
			struct tppctl_policy_file *pf)
{
	const struct tppgate_include_ops inc = { tppctl_include_load, NULL };
	char err[512];
	int ret;

	ret = tppgate_policy_compile(pf->data, pf->len, path, &inc, &pf->src,
				     err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: %s\n", err);
		return ret;
	}
	pf->blob_buf = malloc(TPPGATE_POLICY_MAX);
	if (!pf->blob_buf)
		return -ENOMEM;
	ret = tppgate_policy_encode(&pf->src, pf->blob_buf, TPPGATE_POLICY_MAX,
				    &pf->blen, err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: %s: %s\n", path, err);
		return ret;
	}
	pf->blob = pf->blob_buf;
	return 0;
}

/*
 * Reads a policy file of any kind into @pf: a JSON source is compiled and
 * encoded, a .tpp split. With @decode, a blob (a .tpp's too) is decoded
 * strictly into @pf->src; see tppctl_policy_decode(). Errors are reported
 * here.
 */
int tppctl_policy_open(struct tppctl_ctx *ctx, const char *path, bool decode,
		       struct tppctl_policy_file *pf)
{
	const void *blob, *sig;
	int ret;

	memset(pf, 0, sizeof(*pf));
	tppgate_policy_init(&pf->src);
	ret = tppctl_read_file(path, TPPCTL_SOURCE_MAX, &pf->data, &pf->len);
	if (ret)
		return tppctl_file_error(ctx, path, ret);
	pf->kind = tppctl_policy_kind(pf->data, pf->len);
	switch (pf->kind) {
	case TPPCTL_POLICY_JSON:
		return compile_json(ctx, path, pf);
	case TPPCTL_POLICY_SIGNED:
		ret = tppgate_file_split(pf->data, pf->len, &blob, &pf->blen,
					 &sig, &pf->slen);
		if (ret) {
			fprintf(ctx->err, "tppctl: %s: not a valid signed policy: %s\n",
				path, ret == -E2BIG ?
				"the blob or the signature is over its maximum" :
				ret == -EPROTONOSUPPORT ?
				"unknown trailer version" :
				"its trailer's lengths do not add up");
			return ret;
		}
		pf->blob = blob;
		pf->sig = sig;
		break;
	default:
		if (tppgate_file_truncated(pf->data, pf->len)) {
			fprintf(ctx->err, "tppctl: %s: truncated or damaged: a signed policy without its trailer\n",
				path);
			return -EBADMSG;
		}
		pf->blob = (const uint8_t *)pf->data;
		pf->blen = pf->len;
		break;
	}
	return decode ? tppctl_policy_decode(ctx, path, pf) : 0;
}

/* The strict decode of a blob or .tpp opened without it. */
int tppctl_policy_decode(struct tppctl_ctx *ctx, const char *path,
			 struct tppctl_policy_file *pf)
{
	char err[256];
	int ret;

	if (pf->kind == TPPCTL_POLICY_JSON)
		return 0;
	tppgate_policy_free(&pf->src);
	ret = tppgate_policy_decode(pf->blob, pf->blen, &pf->src, err,
				    sizeof(err));
	if (ret)
		fprintf(ctx->err, "tppctl: %s: not a valid policy: %s\n", path,
			err);
	return ret;
}

int policy_compile_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy compile [-o OUT.bin] FILE.json\n"
		"  Compiles the JSON source FILE.json into a policy blob, to OUT.bin\n"
		"  (\"-\": standard output). Without -o, only checks it and prints a\n"
		"  summary (-j: as 'policy show -j').\n";
	const char *out = NULL;
	const struct tppctl_opt opts[] = {
		{ "-o", "--output", "a file name", &out, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_policy_meta m = { 0 };
	struct tppctl_policy_file pf;
	struct tppctl_parsed a;
	char hex[2 * TPPGATE_SHA256_LEN + 1];
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy compile", opts, 1, 1, usage,
				&a, ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	ret = tppctl_refuse_same(ctx, "policy compile", out, a.pos, 1);
	if (ret)
		return ret;
	ret = tppctl_policy_open(ctx, a.pos[0], true, &pf);
	if (!ret && pf.kind != TPPCTL_POLICY_JSON) {
		fprintf(ctx->err, "tppctl: %s: a %s, not a JSON source\n",
			a.pos[0], tppctl_policy_kind_name(pf.kind));
		ret = -EINVAL;
	}
	if (ret)
		goto out;
	if (out) {
		ret = tppctl_write_file(out, pf.blob, pf.blen, 0644);
		if (ret)
			tppctl_file_error(ctx, out, ret);
		goto out;
	}
	m.blob_len = pf.blen;
	ret = tppgate_sha256(pf.blob, pf.blen, m.sha256);
	if (ret) {
		fprintf(ctx->err, "tppctl: %s: cannot compute its SHA-256\n",
			a.pos[0]);
		goto out;
	}
	if (ctx->json) {
		ret = tppctl_print_json(ctx, tppctl_policy_json(&pf.src, &m));
		goto out;
	}
	tppctl_hex(hex, m.sha256, TPPGATE_SHA256_LEN);
	fprintf(ctx->out, "%s: ok: serial %llu, region %s, tier %u, %u catalog entries, %zu bytes, sha256 %s\n",
		a.pos[0], (unsigned long long)pf.src.serial, pf.src.region,
		pf.src.tier, pf.src.n_entries, pf.blen, hex);
out:
	tppctl_policy_close(&pf);
	return ret;
}

int policy_show_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy show [-j] [--source] FILE\n"
		"  Shows a policy: a JSON source (compiled), a blob or a .tpp (the\n"
		"  signature is described, not verified). --source prints the JSON\n"
		"  source that compiles to the same blob.\n";
	bool source = false;
	const struct tppctl_opt opts[] = {
		{ NULL, "--source", NULL, NULL, &source },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_policy_meta m = { 0 };
	struct tppctl_policy_file pf;
	struct tppctl_parsed a;
	uint8_t *der;
	size_t dlen;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy show", opts, 1, 1, usage,
				&a, ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	ret = tppctl_policy_open(ctx, a.pos[0], true, &pf);
	if (ret)
		goto out;
	m.blob_len = pf.blen;
	ret = tppgate_sha256(pf.blob, pf.blen, m.sha256);
	if (ret) {
		fprintf(ctx->err, "tppctl: %s: cannot compute its SHA-256\n",
			a.pos[0]);
		goto out;
	}
	if (pf.sig) {
		m.has_sig = true;
		m.sig_len = pf.slen;
		/* Shown even when it does not parse: the kernel would say so. */
		if (!tppgate_sig_parse(pf.sig, pf.slen, &der, &dlen, &m.sig))
			free(der);
	}
	if (source)
		ret = tppctl_print_json_pretty(ctx,
					       tppctl_policy_source_json(&pf.src));
	else if (ctx->json)
		ret = tppctl_print_json(ctx, tppctl_policy_json(&pf.src, &m));
	else
		tppctl_policy_text(ctx->out, &pf.src, &m);
out:
	tppctl_policy_close(&pf);
	return ret;
}

/* The SHA-256 of the identity in @path, as the kernel would compute it. */
static int hash_id_file(const char *path, uint32_t kind,
			uint8_t out[TPPGATE_SHA256_LEN])
{
	size_t len;
	char *buf;
	int ret;

	ret = tppctl_read_file(path, 256, &buf, &len);
	if (ret)
		return ret;
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	ret = strlen(buf) == len ? tppgate_host_hash(kind, buf, out) : -EINVAL;
	free(buf);
	return ret;
}

int tppctl_host_hash_here(uint32_t kind, uint8_t out[TPPGATE_SHA256_LEN])
{
	return hash_id_file(kind == TPPGATE_HOST_MACHINE_ID ? "/etc/machine-id" :
			    "/sys/class/dmi/id/product_uuid", kind, out);
}

int policy_host_id_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy host-id [-j] [--machine-id FILE] [--dmi-uuid FILE]\n"
		"  Prints the SHA-256 of this host's machine id (/etc/machine-id) and\n"
		"  DMI product UUID (/sys/class/dmi/id/product_uuid, readable by root),\n"
		"  as a host-bound policy names them.\n";
	const char *mid_path = NULL, *dmi_path = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--machine-id", "a file name", &mid_path, NULL },
		{ NULL, "--dmi-uuid", "a file name", &dmi_path, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	uint8_t mid[TPPGATE_SHA256_LEN], dmi[TPPGATE_SHA256_LEN];
	char mhex[2 * TPPGATE_SHA256_LEN + 1], dhex[2 * TPPGATE_SHA256_LEN + 1];
	struct tppctl_parsed a;
	int ret, mret, dret;
	json_t *o;

	ret = tppctl_parse_opts(argc, argv, "policy host-id", opts, 0, 0, usage,
				&a, ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	mret = hash_id_file(mid_path ? mid_path : "/etc/machine-id",
			    TPPGATE_HOST_MACHINE_ID, mid);
	dret = hash_id_file(dmi_path ? dmi_path : "/sys/class/dmi/id/product_uuid",
			    TPPGATE_HOST_DMI_UUID, dmi);
	tppctl_hex(mhex, mid, TPPGATE_SHA256_LEN);
	tppctl_hex(dhex, dmi, TPPGATE_SHA256_LEN);
	if (ctx->json) {
		o = json_pack("{s:o,s:o}",
			      "machine_id_sha256", mret ? json_null() : json_string(mhex),
			      "dmi_uuid_sha256", dret ? json_null() : json_string(dhex));
		ret = tppctl_print_json(ctx, o);
	} else {
		if (mret)
			fprintf(ctx->out, "machine-id: unavailable (%s)\n",
				strerror(-mret));
		else
			fprintf(ctx->out, "machine-id: sha256 %s\n"
				"  (the module takes it as host_id=%s)\n", mhex,
				mhex);
		if (dret)
			fprintf(ctx->out, "dmi-uuid:   unavailable (%s)\n",
				strerror(-dret));
		else
			fprintf(ctx->out, "dmi-uuid:   sha256 %s\n", dhex);
	}
	if (!ret && mret && dret)
		ret = mret;
	return ret;
}
