// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl keygen: a policy signing key and its self-signed certificate.
 * The module trusts the certificate once it is built in (make
 * TPPGATE_CERTS=...). The key file is created 0600 and never overwritten.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "tppctl.h"

static int parse_uint(struct tppctl_ctx *ctx, const char *opt, const char *s,
		      unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = s[0] >= '0' && s[0] <= '9' ? strtoul(s, &end, 10) : ULONG_MAX;
	if (v == ULONG_MAX || errno || *end || v > UINT_MAX) {
		fprintf(ctx->err, "tppctl: keygen: %s: not a number: '%.32s'\n",
			opt, s);
		return -TPPCTL_EUSAGE;
	}
	*out = (unsigned int)v;
	return 0;
}

/*
 * The key goes into @dir: made 0700 if new; if it exists, it must be a
 * directory that nobody else can write to, or another user could swap
 * the files between our write and their use.
 */
static int check_dir(struct tppctl_ctx *ctx, const char *dir)
{
	struct stat st;

	if (!mkdir(dir, 0700))
		return 0;
	if (errno != EEXIST)
		return tppctl_file_error(ctx, dir, -errno);
	if (stat(dir, &st))
		return tppctl_file_error(ctx, dir, -errno);
	if (!S_ISDIR(st.st_mode))
		return tppctl_file_error(ctx, dir, -ENOTDIR);
	if (st.st_mode & (S_IWGRP | S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		fprintf(ctx->err, "tppctl: keygen: %s is writable by group or others (mode %04o); use a private directory\n",
			dir, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	if (st.st_uid != geteuid()) {
		fprintf(ctx->err, "tppctl: keygen: %s belongs to another user (uid %u)\n",
			dir, (unsigned int)st.st_uid);
		return -EPERM;
	}
	return 0;
}

int keygen_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl keygen [-j] --out DIR [--bits N] [--cn NAME] [--days N]\n"
		"       tppctl keygen [-j] -k KEY.pem -c CERT.pem [--bits N] [--cn NAME] [--days N]\n"
		"  Makes an RSA key (3072 bits unless --bits) and a self-signed X.509\n"
		"  certificate for it (keyUsage digitalSignature, --days 3650 unless\n"
		"  given), as DIR/signing.key and DIR/signing.crt or the files named.\n"
		"  The key is created with mode 0600; existing files are not replaced.\n"
		"  An existing DIR must not be writable by group or others.\n";
	const char *dir = NULL, *key_path = NULL, *cert_path = NULL;
	const char *bits_s = NULL, *days_s = NULL, *cn = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--out", "a directory", &dir, NULL },
		{ "-k", "--key", "a file name", &key_path, NULL },
		{ "-c", "--cert", "a file name", &cert_path, NULL },
		{ NULL, "--bits", "a number", &bits_s, NULL },
		{ NULL, "--days", "a number", &days_s, NULL },
		{ NULL, "--cn", "a name", &cn, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	char kbuf[PATH_MAX], cbuf[PATH_MAX], err[256], subject[256];
	unsigned int bits = 3072, days = 3650;
	char *key = NULL, *cert = NULL;
	size_t klen = 0, clen;
	struct tppctl_parsed a;
	int ret;

	ret = tppctl_parse_opts(argc, argv, "keygen", opts, 0, 0, usage, &a,
				ctx->err);
	ctx->json |= a.json;
	if (ret || a.help)
		return ret;
	if (!!dir == !!(key_path || cert_path) ||
	    (!dir && !(key_path && cert_path))) {
		fprintf(ctx->err, "tppctl: keygen: give either --out DIR, or both -k and -c\n%s",
			usage);
		return -TPPCTL_EUSAGE;
	}
	if ((bits_s && parse_uint(ctx, "--bits", bits_s, &bits)) ||
	    (days_s && parse_uint(ctx, "--days", days_s, &days)))
		return -TPPCTL_EUSAGE;
	if (dir) {
		ret = check_dir(ctx, dir);
		if (ret)
			return ret;
		if ((size_t)snprintf(kbuf, sizeof(kbuf), "%s/signing.key", dir) >= sizeof(kbuf) ||
		    (size_t)snprintf(cbuf, sizeof(cbuf), "%s/signing.crt", dir) >= sizeof(cbuf))
			return tppctl_file_error(ctx, dir, -ENAMETOOLONG);
		key_path = kbuf;
		cert_path = cbuf;
	}
	/* Fail before the slow part if either file is in the way. */
	if (!access(key_path, F_OK) || !access(cert_path, F_OK)) {
		fprintf(ctx->err, "tppctl: keygen: %s exists; not replacing it\n",
			!access(key_path, F_OK) ? key_path : cert_path);
		return -EEXIST;
	}
	ret = tppgate_keygen(bits, cn ? cn : "tppgate policy signer", days,
			     &key, &klen, &cert, &clen, err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: keygen: %s\n", err);
		return ret == -EINVAL ? -TPPCTL_EUSAGE : ret;
	}
	ret = tppgate_create_file(key_path, key, klen, 0600);
	if (ret) {
		tppctl_file_error(ctx, key_path, ret);
	} else {
		ret = tppgate_create_file(cert_path, cert, clen, 0644);
		if (ret) {
			tppctl_file_error(ctx, cert_path, ret);
			unlink(key_path);
		}
	}
	if (!ret && ctx->json) {
		tppgate_cert_subject(cert, clen, subject, sizeof(subject));
		ret = tppctl_print_json(ctx, json_pack("{s:s,s:s,s:s,s:i,s:i}",
			"key", key_path, "certificate", cert_path,
			"subject", subject, "bits", (int)bits, "days", (int)days));
	} else if (!ret) {
		tppgate_cert_subject(cert, clen, subject, sizeof(subject));
		fprintf(ctx->out, "key:         %s (RSA %u, mode 0600: keep it secret)\n"
			"certificate: %s (%s, %u days)\n"
			"The module trusts it once built with: make TPPGATE_CERTS=%s\n",
			key_path, bits, cert_path, subject, days, cert_path);
	}
	explicit_bzero(key, klen);
	free(key);
	free(cert);
	return ret;
}
