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
#include <string.h>

#include "tppctl.h"

/*
 * A DER signature goes as it is: the kernel, not tppctl, judges it. A PEM
 * one ("-----BEGIN CMS-----", "PKCS7") is the same DER in base64, which
 * the kernel cannot read: it is decoded here, or refused if it does not
 * decode to CMS.
 */
static int read_sig(struct tppctl_ctx *ctx, const char *path, uint8_t **sig,
		    size_t *slen)
{
	size_t len;
	char *buf;
	int ret;

	ret = tppctl_read_file(path, TPPCTL_PEM_MAX, &buf, &len);
	if (ret)
		return tppctl_file_error(ctx, path, ret);
	if (len < 10 || memcmp(buf, "-----BEGIN", 10)) {
		*sig = (uint8_t *)buf;
		*slen = len;
		return 0;
	}
	ret = tppgate_sig_parse(buf, len, sig, slen, NULL);
	free(buf);
	if (ret == -E2BIG)
		fprintf(ctx->err, "tppctl: %s: signature larger than %d bytes\n",
			path, TPPGATE_SIGNATURE_MAX);
	else if (ret)
		fprintf(ctx->err, "tppctl: %s: PEM, but not a CMS or PKCS#7 signature\n",
			path);
	return ret;
}

int policy_load_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy load [-j] FILE.tpp\n"
		"       tppctl policy load [-j] --sig SIG.p7s FILE.bin\n"
		"  Loads a signed policy. SIG.p7s is DER or PEM. Needs CAP_NET_ADMIN\n"
		"  and CAP_SYS_ADMIN.\n";
	const char *sigfile = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--sig", "a file name", &sigfile, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppgate_policy_info info;
	struct tppctl_policy_file pf;
	struct tppgate_handle *h;
	struct tppctl_parsed a;
	uint8_t *sig = NULL;
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
		ret = read_sig(ctx, sigfile, &sig, &slen);
		if (ret)
			goto out;
		pf.sig = sig;
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
