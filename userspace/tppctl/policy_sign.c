// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl policy sign: a blob and its detached signature into a .tpp, the
 * signature made here with a key file, or elsewhere (an HSM, `openssl
 * cms`) and brought with --sig.
 * tppctl policy verify: the kernel's checks of a .tpp, but for the clock,
 * the host and the serial, with one certificate as the trust anchor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"

static int read_small(struct tppctl_ctx *ctx, const char *path, char **buf,
		      size_t *len)
{
	int ret = tppctl_read_file(path, TPPCTL_PEM_MAX, buf, len);

	if (ret)
		tppctl_file_error(ctx, path, ret);
	return ret;
}

/* A signature file (DER or PEM) as DER. */
static int read_sig(struct tppctl_ctx *ctx, const char *path, uint8_t **der,
		    size_t *dlen)
{
	size_t len;
	char *buf;
	int ret;

	ret = read_small(ctx, path, &buf, &len);
	if (ret)
		return ret;
	ret = tppgate_sig_parse(buf, len, der, dlen, NULL);
	free(buf);
	if (ret == -E2BIG)
		fprintf(ctx->err, "tppctl: %s: signature larger than %d bytes\n",
			path, TPPGATE_SIGNATURE_MAX);
	else if (ret)
		fprintf(ctx->err, "tppctl: %s: not a PKCS#7/CMS signature\n",
			path);
	return ret;
}

/* Checks @sig over @blob with the certificate in @cert_path. */
static int verify_with(struct tppctl_ctx *ctx, const char *cmd,
		       const char *what, const uint8_t *blob, size_t blen,
		       const uint8_t *sig, size_t slen, const char *cert_path,
		       char *subject, size_t sublen)
{
	char err[256];
	size_t clen;
	char *cert;
	int ret;

	ret = read_small(ctx, cert_path, &cert, &clen);
	if (ret)
		return ret;
	ret = tppgate_verify(blob, blen, sig, slen, cert, clen, err,
			     sizeof(err));
	if (ret)
		fprintf(ctx->err, "tppctl: %s: %s: %s\n", cmd, what, err);
	else if (subject)
		tppgate_cert_subject(cert, clen, subject, sublen);
	free(cert);
	return ret;
}

static int sign_with_key(struct tppctl_ctx *ctx, const char *key_path,
			 const char *cert_path, const struct tppctl_policy_file *pf,
			 uint8_t **sig, size_t *slen)
{
	char *key = NULL, *cert = NULL, err[256];
	size_t klen = 0, clen;
	int ret;

	ret = read_small(ctx, key_path, &key, &klen);
	if (!ret)
		ret = read_small(ctx, cert_path, &cert, &clen);
	if (!ret) {
		ret = tppgate_sign(pf->blob, pf->blen, key, klen, cert, clen,
				   sig, slen, err, sizeof(err));
		if (ret)
			fprintf(ctx->err, "tppctl: policy sign: %s\n", err);
	}
	if (key)
		explicit_bzero(key, klen);
	free(key);
	free(cert);
	return ret;
}

int policy_sign_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy sign --key KEY.pem --cert CERT.pem -o OUT.tpp FILE.bin\n"
		"       tppctl policy sign --sig SIG.p7s [--cert CERT.pem] -o OUT.tpp FILE.bin\n"
		"  Signs the blob FILE.bin (CMS, detached, SHA-256, no attributes, no\n"
		"  certificates) and writes the signed policy OUT.tpp. With --sig, takes\n"
		"  a signature made elsewhere, DER or PEM, as from:\n"
		"    openssl cms -sign -binary -noattr -nocerts -md sha256 -outform DER \\\n"
		"      -in FILE.bin -signer CERT.pem -inkey KEY.pem -out SIG.p7s\n"
		"  and checks it when --cert is given.\n";
	const char *key = NULL, *cert = NULL, *sigfile = NULL, *out = NULL;
	const struct tppctl_opt opts[] = {
		{ "-k", "--key", "a file name", &key, NULL },
		{ "-c", "--cert", "a file name", &cert, NULL },
		{ NULL, "--sig", "a file name", &sigfile, NULL },
		{ "-o", "--output", "a file name", &out, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_policy_file pf;
	struct tppctl_parsed a;
	uint8_t *sig = NULL, *file = NULL;
	size_t slen = 0, flen;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy sign", opts, 1, 1, usage,
				&a, ctx->err);
	if (ret || a.help)
		return ret;
	if (!out || !!key == !!sigfile || (key && !cert)) {
		fprintf(ctx->err, "tppctl: policy sign: %s\n%s",
			!out ? "-o OUT.tpp is required" :
			key && !cert ? "--key needs --cert" :
			"give either --key (with --cert) or --sig", usage);
		return -TPPCTL_EUSAGE;
	}
	/* A signer signs only what the kernel would parse. */
	ret = tppctl_policy_open(ctx, a.pos[0], true, &pf);
	if (!ret && pf.kind != TPPCTL_POLICY_BLOB) {
		fprintf(ctx->err, "tppctl: %s: a %s; sign the blob that 'policy compile' makes\n",
			a.pos[0], tppctl_policy_kind_name(pf.kind));
		ret = -EINVAL;
	}
	if (ret)
		goto out;
	if (key) {
		ret = sign_with_key(ctx, key, cert, &pf, &sig, &slen);
	} else {
		ret = read_sig(ctx, sigfile, &sig, &slen);
		if (!ret && cert)
			ret = verify_with(ctx, "policy sign", sigfile, pf.blob,
					  pf.blen, sig, slen, cert, NULL, 0);
	}
	if (ret)
		goto out;
	ret = -ENOMEM;
	file = malloc(TPPGATE_FILE_MAX);
	if (!file)
		goto out;
	ret = tppgate_file_join(pf.blob, pf.blen, sig, slen, file,
				TPPGATE_FILE_MAX, &flen);
	if (!ret) {
		ret = tppctl_write_file(out, file, flen, 0644);
		if (ret)
			tppctl_file_error(ctx, out, ret);
	}
out:
	free(file);
	free(sig);
	tppctl_policy_close(&pf);
	return ret;
}

int policy_verify_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy verify [-j] --cert CERT.pem FILE.tpp\n"
		"       tppctl policy verify [-j] --cert CERT.pem --sig SIG.p7s FILE\n"
		"  Checks the signature with CERT.pem as the only trusted key, then\n"
		"  decodes the policy strictly: what the kernel checks, but for the\n"
		"  clock, the host binding and the serial in force.\n";
	const char *cert = NULL, *sigfile = NULL;
	const struct tppctl_opt opts[] = {
		{ "-c", "--cert", "a file name", &cert, NULL },
		{ NULL, "--sig", "a file name", &sigfile, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_policy_file pf;
	struct tppctl_parsed a;
	char subject[256] = "";
	const uint8_t *sig;
	uint8_t *own = NULL;
	size_t slen;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "policy verify", opts, 1, 1, usage,
				&a, ctx->err);
	if (ret || a.help)
		return ret;
	if (!cert) {
		fprintf(ctx->err, "tppctl: policy verify: --cert is required\n%s",
			usage);
		return -TPPCTL_EUSAGE;
	}
	/* As the kernel: the signature before a byte of the blob is parsed. */
	ret = tppctl_policy_open(ctx, a.pos[0], false, &pf);
	if (ret)
		goto out;
	if (!!pf.sig == !!sigfile) {
		fprintf(ctx->err, "tppctl: %s: %s\n", a.pos[0], pf.sig ?
			"a signed policy has its signature already; drop --sig" :
			"not a signed policy; give its signature with --sig");
		ret = -EINVAL;
		goto out;
	}
	sig = pf.sig;
	slen = pf.slen;
	if (sigfile) {
		ret = read_sig(ctx, sigfile, &own, &slen);
		if (ret)
			goto out;
		sig = own;
	}
	ret = verify_with(ctx, "policy verify", a.pos[0], pf.blob, pf.blen,
			  sig, slen, cert, subject, sizeof(subject));
	if (!ret)
		ret = tppctl_policy_decode(ctx, a.pos[0], &pf);
	if (ret)
		goto out;
	if (ctx->json || a.json)
		ret = tppctl_print_json(ctx, json_pack("{s:s,s:b,s:s,s:I}",
			"file", a.pos[0], "verified", 1, "signer", subject,
			"serial", (json_int_t)(pf.src.serial & INT64_MAX)));
	else
		fprintf(ctx->out, "%s: good signature by %s; policy serial %llu, region %s, tier %u, %u catalog entries\n",
			a.pos[0], subject[0] ? subject : "?",
			(unsigned long long)pf.src.serial, pf.src.region,
			pf.src.tier, pf.src.n_entries);
out:
	free(own);
	tppctl_policy_close(&pf);
	return ret;
}
