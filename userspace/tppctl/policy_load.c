// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl policy load: send a signed policy to the kernel (POLICY_SET).
 * The kernel decides; tppctl sends the bytes as they are, and on refusal
 * says what the errno means, gives the kernel's own words, and names the
 * attribute of the blob the kernel pointed at. Any refusal exits 1.
 * tppctl policy get: the policy in force (POLICY_GET).
 */
#include <errno.h>
#include <stdlib.h>

#include "tppctl.h"

int policy_load_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy load [-j] FILE.tpp\n"
		"       tppctl policy load [-j] --sig SIG.p7s FILE.bin\n"
		"  Loads a signed policy. Needs CAP_NET_ADMIN and CAP_SYS_ADMIN.\n";
	const char *sigfile = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--sig", "a file name", &sigfile, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppgate_policy_info info;
	struct tppctl_policy_file pf;
	struct tppgate_handle *h;
	struct tppctl_parsed a;
	char *sig = NULL;
	size_t slen;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy load", opts, 1, 1, usage,
				&a, ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	ret = tppctl_policy_open(ctx, a.pos[0], false, &pf);
	if (ret)
		goto out;
	if (pf.kind == TPPCTL_POLICY_JSON || !!pf.sig == !!sigfile) {
		fprintf(ctx->err, "tppctl: %s: %s\n", a.pos[0],
			pf.kind == TPPCTL_POLICY_JSON ?
			"a JSON source; compile and sign it first" :
			pf.sig ? "a signed policy has its signature already; drop --sig" :
			"not a signed policy; give its signature with --sig");
		ret = -EINVAL;
		goto out;
	}
	if (sigfile) {
		/* As it is: the kernel, not tppctl, judges the signature. */
		ret = tppctl_read_file(sigfile, TPPGATE_SIGNATURE_MAX, &sig, &slen);
		if (ret) {
			tppctl_file_error(ctx, sigfile, ret);
			goto out;
		}
		pf.sig = (const uint8_t *)sig;
		pf.slen = slen;
	}
	ret = tppctl_connect(ctx, &h, "policy load");
	if (ret)
		goto out;
	ret = tppgate_policy_set(h, pf.blob, pf.blen, pf.sig, pf.slen, &info);
	if (ret)
		tppctl_report_policy(ctx, h, ret, "policy load", pf.blob, pf.blen);
	else if (ctx->json)
		ret = tppctl_print_json(ctx, tppctl_policy_info_json(&info));
	else
		tppctl_policy_loaded_text(ctx->out, &info);
	tppgate_close(h);
out:
	free(sig);
	tppctl_policy_close(&pf);
	return ret;
}

int policy_get_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] = "usage: tppctl policy get [-j]\n";
	struct tppgate_policy_info info;
	struct tppgate_handle *h;
	struct tppctl_parsed a;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy get", NULL, 0, 0, usage, &a,
				ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	ret = tppctl_connect(ctx, &h, "policy get");
	if (ret)
		return ret;
	ret = tppgate_policy_get(h, &info);
	if (ret)
		tppctl_report_policy(ctx, h, ret, "policy get", NULL, 0);
	else if (ctx->json)
		ret = tppctl_print_json(ctx, tppctl_policy_info_json(&info));
	else
		tppctl_policy_info_text(ctx->out, &info);
	tppgate_close(h);
	return ret;
}
