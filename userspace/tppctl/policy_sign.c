// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl policy sign: a blob and its detached signature into a .tpp, the
 * signature made here with a key file, or elsewhere (an HSM, `openssl
 * cms`) and brought with --sig.
 * tppctl policy verify: the kernel's verdict on a .tpp (tests/parity proves
 * that it is the same), with the state the kernel would judge it by given
 * on the command line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

/* As ssh does: a private key that others can read is not private. */
static void warn_key_mode(struct tppctl_ctx *ctx, const char *path)
{
	struct stat st;

	if (!strcmp(path, "-") || stat(path, &st) || !(st.st_mode & 077))
		return;
	fprintf(ctx->err, "tppctl: warning: signing key %s is accessible by group or others (mode %04o); it should be 0600\n",
		path, (unsigned int)(st.st_mode & 07777));
}

static int sign_with_key(struct tppctl_ctx *ctx, const char *key_path,
			 const char *cert_path, const struct tppctl_policy_file *pf,
			 uint8_t **sig, size_t *slen)
{
	char *key = NULL, *cert = NULL, err[256];
	size_t klen = 0, clen;
	int ret;

	warn_key_mode(ctx, key_path);
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
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	if (!out || !!key == !!sigfile || (key && !cert)) {
		fprintf(ctx->err, "tppctl: policy sign: %s\n%s",
			!out ? "-o OUT.tpp is required" :
			key && !cert ? "--key needs --cert" :
			"give either --key (with --cert) or --sig", usage);
		return -TPPCTL_EUSAGE;
	}
	{
		const char *const in[] = { a.pos[0], key, cert, sigfile };

		ret = tppctl_refuse_same(ctx, "policy sign", out, in,
					 ARRAY_SIZE(in));
		if (ret)
			return ret;
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

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* The kernel's checks that need its state, for the state given. */
static int check_state(struct tppctl_ctx *ctx, const char *path,
		       const struct tppgate_policy_src *p, const char *in_force,
		       bool here)
{
	uint8_t mine[TPPGATE_SHA256_LEN];
	int64_t now = (int64_t)time(NULL);
	uint64_t serial;
	int ret;

	/* driver/policy.c check_host(), part of the parse */
	if (here && p->has_host) {
		ret = tppctl_host_hash_here(p->host_kind, mine);
		if (ret) {
			fprintf(ctx->err, "tppctl: %s: bound to a host, and this host's identity is unknown (%s)\n",
				path, strerror(-ret));
			return -EACCES;
		}
		if (memcmp(mine, p->host_hash, TPPGATE_SHA256_LEN)) {
			fprintf(ctx->err, "tppctl: %s: bound to another host\n",
				path);
			return -EACCES;
		}
	}
	/* driver/gate.c tppgate_gate_set_policy(): the serial, then the clock */
	if (in_force) {
		ret = parse_u64(in_force, &serial);
		if (ret) {
			fprintf(ctx->err, "tppctl: policy verify: --in-force: not a serial: '%.32s'\n",
				in_force);
			return -TPPCTL_EUSAGE;
		}
		if (p->serial <= serial) {
			fprintf(ctx->err, "tppctl: %s: serial %" PRIu64 " is not above %" PRIu64 ", the one in force (rollback)\n",
				path, p->serial, serial);
			return -ESTALE;
		}
	}
	/* As time64_t, as the kernel compares them. */
	if (now < (int64_t)p->not_before) {
		fprintf(ctx->err, "tppctl: %s: not valid yet (not-before is in the future)\n",
			path);
		return -EAGAIN;
	}
	if (now >= (int64_t)p->not_after) {
		fprintf(ctx->err, "tppctl: %s: expired (not-after is in the past)\n",
			path);
		return -EKEYEXPIRED;
	}
	return 0;
}

int policy_verify_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl policy verify [-j] --cert CERTS.pem [--in-force SERIAL] [--here] FILE.tpp\n"
		"       tppctl policy verify [-j] --cert CERTS.pem [--in-force SERIAL] [--here] --sig SIG.p7s FILE\n"
		"  Judges a signed policy as the kernel's POLICY_SET would, with the\n"
		"  certificates in CERTS.pem (a PEM bundle, like TPPGATE_CERTS) as the\n"
		"  trusted keys: the signature, then the blob, then the clock. What needs\n"
		"  the kernel's state is judged only when given: --in-force SERIAL, the\n"
		"  serial in force (a policy must be above it); --here, check a host\n"
		"  binding against this host.\n";
	const char *cert = NULL, *sigfile = NULL, *in_force = NULL;
	bool here = false;
	const struct tppctl_opt opts[] = {
		{ "-c", "--cert", "a file name", &cert, NULL },
		{ NULL, "--sig", "a file name", &sigfile, NULL },
		{ NULL, "--in-force", "a serial", &in_force, NULL },
		{ NULL, "--here", NULL, NULL, &here },
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
	ctx->json |= a.json;
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
	if (!ret)
		ret = check_state(ctx, a.pos[0], &pf.src, in_force, here);
	if (ret)
		goto out;
	if (ctx->json)
		ret = tppctl_print_json(ctx, json_pack("{s:s,s:b,s:s,s:o,s:b,s:b}",
			"file", a.pos[0], "verified", 1, "signer", subject,
			"serial", tppctl_u64_json(pf.src.serial),
			"serial_checked", !!in_force,
			"host_checked", here || !pf.src.has_host));
	else
		fprintf(ctx->out, "%s: good signature by %s; policy serial %" PRIu64 ", region %s, tier %u, %u catalog entries%s%s\n",
			a.pos[0], subject[0] ? subject : "?", pf.src.serial,
			pf.src.region, pf.src.tier, pf.src.n_entries,
			in_force ? "" : "; serial in force not checked (--in-force)",
			pf.src.has_host && !here ?
			"; host binding not checked (--here)" : "");
out:
	free(own);
	tppctl_policy_close(&pf);
	return ret;
}
