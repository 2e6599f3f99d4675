// SPDX-License-Identifier: GPL-2.0
/*
 * Signatures: tppgate_sign() and tppgate_verify() against each other and
 * against the openssl command (run from here, as an operator with an HSM
 * would use it). Keys are made fresh in a temporary directory, which is
 * removed at the end: no key is ever committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tppctl.h"
#include "unit.h"

struct keypair {
	char *key, *cert;
	size_t klen, clen;
};

struct fixture {
	char dir[64];
	struct keypair a, b;		/* b: a key the policy never trusts */
	uint8_t blob[512];
	size_t blen;
};

static int put(const char *dir, const char *name, const void *p, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return tppctl_write_file(path, p, len, 0600);
}

static char *get(const char *dir, const char *name, size_t *len)
{
	char path[256], *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (tppctl_read_file(path, 1 << 20, &buf, len))
		return NULL;
	return buf;
}

static bool have_openssl(const char *dir)
{
	char *const argv[] = { "openssl", "version", NULL };

	return unit_run_in(dir, argv) == 0;
}

static int setup(struct fixture *f)
{
	struct tppgate_policy_src p;
	char err[256];

	strcpy(f->dir, "/tmp/tppgate-unit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -errno;
	if (tppgate_keygen(2048, "tppgate unit test", 1, &f->a.key, &f->a.klen,
			   &f->a.cert, &f->a.clen, err, sizeof(err)) ||
	    tppgate_keygen(2048, "somebody else", 1, &f->b.key, &f->b.klen,
			   &f->b.cert, &f->b.clen, err, sizeof(err)))
		return -EIO;
	tppgate_policy_init(&p);
	p.serial = 3;
	strcpy(p.issuer, "unit");
	p.not_before = 1;
	p.not_after = 2;
	strcpy(p.region, "DE");
	p.tier = 2;
	return tppgate_policy_encode(&p, f->blob, sizeof(f->blob), &f->blen,
				     NULL, 0);
}

static void teardown(struct fixture *f)
{
	char *const argv[] = { "rm", "-rf", f->dir, NULL };

	free(f->a.key);
	free(f->a.cert);
	free(f->b.key);
	free(f->b.cert);
	if (f->dir[0])
		unit_run_in("/", argv);
}

static void own(struct fixture *f)
{
	uint8_t *sig = NULL, *sig2 = NULL, *der = NULL, tampered[512];
	struct tppgate_sig_info info;
	size_t slen = 0, slen2 = 0, dlen, bit;
	char err[256], subject[128];
	unsigned int bad = 0;
	int ret;

	ret = tppgate_sign(f->blob, f->blen, f->a.key, f->a.klen, f->a.cert,
			   f->a.clen, &sig, &slen, err, sizeof(err));
	if (!is_int(ret, 0, "sign with a fresh key"))
		tap_diag("%s", err);
	ret = tppgate_verify(f->blob, f->blen, sig, slen, f->a.cert, f->a.clen,
			     err, sizeof(err));
	if (!is_int(ret, 0, "its signature verifies with its certificate"))
		tap_diag("%s", err);
	ret = tppgate_sign(f->blob, f->blen, f->a.key, f->a.klen, f->a.cert,
			   f->a.clen, &sig2, &slen2, NULL, 0);
	ok(!ret && slen == slen2 && !memcmp(sig, sig2, slen),
	   "signing is deterministic (PKCS#1 v1.5, no signing time)");

	is_int(tppgate_sig_parse(sig, slen, &der, &dlen, &info), 0,
	       "the signature parses");
	ok(info.n_signers == 1 && !strcmp(info.digest, "sha256") &&
	   info.detached && !info.has_attrs && !info.has_smimecap &&
	   info.n_certs == 0,
	   "one signer, sha256, detached, no attributes, no certificates");
	ok(strstr(info.issuer, "tppgate unit test") && info.serial[0],
	   "it names the signer by issuer and serial");
	free(der);

	/* One flipped bit anywhere in the blob breaks it. */
	for (bit = 0; bit < 8 * f->blen; bit += 37) {
		memcpy(tampered, f->blob, f->blen);
		tampered[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		if (tppgate_verify(tampered, f->blen, sig, slen, f->a.cert,
				   f->a.clen, NULL, 0) != -EKEYREJECTED)
			bad++;
	}
	is_int(bad, 0, "a blob with one bit flipped is -EKEYREJECTED");
	is_int(tppgate_verify(f->blob, f->blen - 1, sig, slen, f->a.cert,
			      f->a.clen, NULL, 0), -EKEYREJECTED,
	       "a blob one byte short is -EKEYREJECTED");
	ret = tppgate_verify(f->blob, f->blen, sig, slen, f->b.cert, f->b.clen,
			     err, sizeof(err));
	is_int(ret, -ENOKEY, "another certificate: -ENOKEY");
	ok(strstr(err, "no signer is vouched for by a trusted certificate"),
	   "which says so");
	memcpy(tampered, sig, slen);
	tampered[slen - 1] ^= 1;
	is_int(tppgate_verify(f->blob, f->blen, tampered, slen, f->a.cert,
			      f->a.clen, NULL, 0), -EKEYREJECTED,
	       "a flipped bit in the signature value: -EKEYREJECTED");
	is_int(tppgate_verify(f->blob, f->blen, "garbage", 7, f->a.cert,
			      f->a.clen, NULL, 0), -EBADMSG,
	       "garbage: -EBADMSG");
	is_int(tppgate_verify(f->blob, f->blen, sig, slen - 1, f->a.cert,
			      f->a.clen, NULL, 0), -EBADMSG,
	       "a truncated signature: -EBADMSG");
	is_int(tppgate_verify(f->blob, f->blen, sig, slen, "x", 1, NULL, 0),
	       -EINVAL, "a certificate that does not parse: -EINVAL");
	ret = tppgate_sign(f->blob, f->blen, f->b.key, f->b.klen, f->a.cert,
			   f->a.clen, &sig2, &slen2, err, sizeof(err));
	is_int(ret, -EKEYREJECTED, "signing with a key not the certificate's");
	is_int(tppgate_cert_subject(f->a.cert, f->a.clen, subject,
				    sizeof(subject)), 0, "the subject reads");
	is_str(subject, "CN = tppgate unit test", "the subject is the CN");
	free(sig);
	free(sig2);
}

/* keyUsage and basicConstraints as the certificate promises. */
static void certificate(struct fixture *f)
{
	char *const text[] = {
		"sh", "-c", "openssl x509 -in a.crt -noout -text > a.txt", NULL
	};
	size_t len;
	char *t;

	put(f->dir, "a.crt", f->a.cert, f->a.clen);
	if (!pre(!unit_run_in(f->dir, text), "openssl x509 -text reads the certificate"))
		return;
	t = get(f->dir, "a.txt", &len);
	ok(t && strstr(t, "Version: 3"), "an X.509 v3 certificate");
	ok(t && strstr(t, "X509v3 Key Usage: critical") &&
	   strstr(t, "Digital Signature"),
	   "keyUsage digitalSignature, critical");
	ok(t && strstr(t, "CA:FALSE"), "not a CA");
	ok(t && strstr(t, "Subject Key Identifier"), "with a subject key id");
	ok(t && strstr(t, "Public-Key: (2048 bit)"), "RSA of the asked size");
	free(t);
}

/* The same checks on signatures the openssl command makes. */
static void openssl(struct fixture *f)
{
	char *const sign[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts",
		"-md", "sha256", "-outform", "DER", "-in", "blob",
		"-signer", "a.crt", "-inkey", "a.key", "-out", "sig.der", NULL
	};
	char *const sign_pem[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts",
		"-md", "sha256", "-outform", "PEM", "-in", "blob",
		"-signer", "a.crt", "-inkey", "a.key", "-out", "sig.pem", NULL
	};
	char *const attrs[] = {
		"openssl", "cms", "-sign", "-binary", "-md", "sha256",
		"-outform", "DER", "-in", "blob", "-signer", "a.crt",
		"-inkey", "a.key", "-out", "attrs.der", NULL
	};
	char *const nosmimecap[] = {
		"openssl", "cms", "-sign", "-binary", "-nosmimecap", "-nocerts",
		"-md", "sha256", "-outform", "DER", "-in", "blob",
		"-signer", "a.crt", "-inkey", "a.key", "-out", "nocap.der", NULL
	};
	char *const attached[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nodetach",
		"-md", "sha256", "-outform", "DER", "-in", "blob",
		"-signer", "a.crt", "-inkey", "a.key", "-out", "attached.der", NULL
	};
	/* Signed by b, carrying b's certificate: must not vouch for itself. */
	char *const embedded[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr",
		"-md", "sha256", "-outform", "DER", "-in", "blob",
		"-signer", "b.crt", "-inkey", "b.key", "-out", "embedded.der", NULL
	};
	char *const sha1[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts",
		"-md", "sha1", "-outform", "DER", "-in", "blob",
		"-signer", "a.crt", "-inkey", "a.key", "-out", "sha1.der", NULL
	};
	char *const check_ours[] = {
		"openssl", "cms", "-verify", "-binary", "-inform", "DER",
		"-in", "ours.der", "-content", "blob", "-certfile", "a.crt",
		"-nointern", "-noverify", "-out", "/dev/null", NULL
	};
	uint8_t *ours = NULL, *der = NULL;
	size_t len, olen = 0, dlen;
	char *sig, *pem, err[256];
	int ret;

	put(f->dir, "blob", f->blob, f->blen);
	put(f->dir, "a.key", f->a.key, f->a.klen);
	put(f->dir, "a.crt", f->a.cert, f->a.clen);
	put(f->dir, "b.key", f->b.key, f->b.klen);
	put(f->dir, "b.crt", f->b.cert, f->b.clen);

	if (!pre(!unit_run_in(f->dir, sign), "openssl cms -sign -binary -noattr -nocerts -md sha256 -outform DER"))
		return;
	sig = get(f->dir, "sig.der", &len);
	ret = tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			     err, sizeof(err));
	if (!is_int(ret, 0, "openssl's signature verifies"))
		tap_diag("%s", err);
	tppgate_sign(f->blob, f->blen, f->a.key, f->a.klen, f->a.cert,
		     f->a.clen, &ours, &olen, NULL, 0);
	ok(sig && olen == len && !memcmp(ours, sig, len),
	   "and is byte for byte the signature tppgate_sign() makes");
	put(f->dir, "ours.der", ours, olen);
	is_int(unit_run_in(f->dir, check_ours), 0,
	       "openssl cms -verify accepts tppgate_sign()'s signature");

	pre(!unit_run_in(f->dir, sign_pem), "openssl cms -sign -outform PEM");
	pem = get(f->dir, "sig.pem", &dlen);
	ret = pem ? tppgate_sig_parse(pem, dlen, &der, &dlen, NULL) : -ENOENT;
	ok(!ret && dlen == len && !memcmp(der, sig, len),
	   "a PEM signature converts to the same DER");
	free(der);
	free(pem);
	free(sig);
	free(ours);

	pre(!unit_run_in(f->dir, attrs), "openssl cms -sign with its default attributes");
	sig = get(f->dir, "attrs.der", &len);
	ret = tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			     err, sizeof(err));
	is_int(ret, -EKEYREJECTED,
	       "S/MIME capabilities: refused, as the kernel refuses them");
	ok(strstr(err, "S/MIME capabilities"), "which says why");
	free(sig);

	pre(!unit_run_in(f->dir, nosmimecap), "openssl cms -sign -nosmimecap");
	sig = get(f->dir, "nocap.der", &len);
	is_int(tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			      NULL, 0), 0,
	       "other signed attributes are fine, as in the kernel");
	free(sig);

	pre(!unit_run_in(f->dir, attached), "openssl cms -sign -nodetach");
	sig = get(f->dir, "attached.der", &len);
	is_int(tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			      NULL, 0), -EBADMSG,
	       "embedded content: -EBADMSG, as the kernel");
	free(sig);

	pre(!unit_run_in(f->dir, embedded), "openssl cms -sign with another key and its certificate");
	sig = get(f->dir, "embedded.der", &len);
	is_int(tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			      NULL, 0), -ENOKEY,
	       "a certificate inside the message does not vouch for it");
	free(sig);

	pre(!unit_run_in(f->dir, sha1), "openssl cms -sign -md sha1");
	sig = get(f->dir, "sha1.der", &len);
	is_int(tppgate_verify(f->blob, f->blen, sig, len, f->a.cert, f->a.clen,
			      NULL, 0), 0,
	       "a SHA-1 signature verifies: the kernel's PKCS#7 parser takes it");
	free(sig);
}

void test_sign(void)
{
	struct fixture f;

	memset(&f, 0, sizeof(f));
	if (!pre(!setup(&f), "two fresh key pairs and a blob")) {
		teardown(&f);
		return;
	}
	own(&f);
	/* scripts/install-deps installs openssl: without it, fail. */
	if (pre(have_openssl(f.dir), "the openssl command runs")) {
		certificate(&f);
		openssl(&f);
	}
	teardown(&f);
}
