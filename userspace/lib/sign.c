// SPDX-License-Identifier: LGPL-2.1
/*
 * Policy signatures with libcrypto: detached CMS (PKCS#7) SignedData over
 * the exact blob bytes, as the kernel's verify_pkcs7_signature() takes
 * them (Documentation/policy.rst, "Signing"). Keys, certificates and
 * signatures come in and go out as bytes in memory; the files are
 * tppctl's business.
 *
 * Verification trusts one certificate and nothing else: no chain, no
 * store, and never a certificate carried inside the message
 * (CMS_NOINTERN). Otherwise a signature that embeds its own certificate
 * would vouch for itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "libtppgate.h"
#include "policy_int.h"

/* Larger than any key or certificate of ours; bounds what we parse. */
#define PEM_MAX		(64 * 1024)

/* Adds libcrypto's last reason to the message, and clears its queue. */
static int ossl_err(char *err, size_t errlen, int ret, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (reason)
		tppgate_errf(err, errlen, ret, "%s (%s)", what, reason);
	else
		tppgate_errf(err, errlen, ret, "%s", what);
	ERR_clear_error();
	return ret;
}

static bool is_pem(const void *p, size_t len)
{
	return len >= 10 && !memcmp(p, "-----BEGIN", 10);
}

static BIO *mem_bio(const void *p, size_t len)
{
	if (len > INT32_MAX)
		return NULL;
	return BIO_new_mem_buf(p, (int)len);
}

static X509 *load_cert(const void *cert, size_t clen)
{
	const unsigned char *p = cert;
	X509 *x = NULL;
	BIO *b;

	if (!clen || clen > PEM_MAX)
		return NULL;
	if (!is_pem(cert, clen)) {
		x = d2i_X509(NULL, &p, (long)clen);
		if (x && p != (const unsigned char *)cert + clen) {
			X509_free(x);
			x = NULL;
		}
		return x;
	}
	b = mem_bio(cert, clen);
	if (b)
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static EVP_PKEY *load_key(const void *key, size_t klen)
{
	const unsigned char *p = key;
	EVP_PKEY *k = NULL;
	BIO *b;

	if (!klen || klen > PEM_MAX)
		return NULL;
	if (!is_pem(key, klen))
		return d2i_AutoPrivateKey(NULL, &p, (long)klen);
	b = mem_bio(key, klen);
	/* An encrypted key asks for its passphrase on the terminal. */
	if (b)
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

/* A malloc'd copy of a memory BIO's contents, NUL-terminated. */
static int bio_take(BIO *b, char **out, size_t *len)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);

	if (n < 0)
		return -EIO;
	*out = malloc((size_t)n + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

void tppgate_sha256(const void *data, size_t len,
		    uint8_t out[TPPGATE_SHA256_LEN])
{
	unsigned int n = TPPGATE_SHA256_LEN;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
		memset(out, 0, TPPGATE_SHA256_LEN);
}

int tppgate_sign(const void *blob, size_t blen, const void *key, size_t klen,
		 const void *cert, size_t clen, uint8_t **sig, size_t *slen,
		 char *err, size_t errlen)
{
	/* As the kernel's own scripts/sign-file.c signs modules. */
	const unsigned int flags = CMS_BINARY | CMS_DETACHED | CMS_NOCERTS |
				   CMS_NOATTR | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *k = NULL;
	BIO *in = NULL;
	X509 *x;
	int ret, n;

	x = load_cert(cert, clen);
	if (!x)
		return ossl_err(err, errlen, -EINVAL, "cannot read the certificate");
	k = load_key(key, klen);
	if (!k) {
		ret = ossl_err(err, errlen, -EINVAL, "cannot read the private key");
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		ret = ossl_err(err, errlen, -EKEYREJECTED,
			       "the private key does not belong to the certificate");
		goto out;
	}
	ret = -ENOMEM;
	in = mem_bio(blob, blen);
	if (!in)
		goto out;
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	if (!cms || !CMS_add1_signer(cms, x, k, EVP_sha256(), flags) ||
	    !CMS_final(cms, in, NULL, flags)) {
		ret = ossl_err(err, errlen, -EIO, "signing failed");
		goto out;
	}
	n = i2d_CMS_ContentInfo(cms, &der);
	if (n <= 0) {
		ret = ossl_err(err, errlen, -EIO, "cannot encode the signature");
		goto out;
	}
	if ((size_t)n > TPPGATE_SIGNATURE_MAX) {
		ret = tppgate_errf(err, errlen, -E2BIG,
				   "signature of %d bytes, larger than %d", n,
				   TPPGATE_SIGNATURE_MAX);
		goto out;
	}
	*sig = malloc((size_t)n);
	if (!*sig)
		goto out;
	memcpy(*sig, der, (size_t)n);
	*slen = (size_t)n;
	ret = 0;
out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	EVP_PKEY_free(k);
	X509_free(x);
	ERR_clear_error();
	return ret;
}

/* DER of a signature that may be PEM ("CMS", "PKCS7", "PKCS #7 SIGNED DATA"). */
static int sig_der(const void *sig, size_t slen, unsigned char **der,
		   long *dlen)
{
	char *name = NULL, *header = NULL;
	BIO *b;
	int ok;

	if (!is_pem(sig, slen)) {
		if (slen > TPPGATE_SIGNATURE_MAX)
			return -E2BIG;
		*der = OPENSSL_malloc(slen ? slen : 1);
		if (!*der)
			return -ENOMEM;
		memcpy(*der, sig, slen);
		*dlen = (long)slen;
		return 0;
	}
	if (slen > PEM_MAX)
		return -E2BIG;
	b = mem_bio(sig, slen);
	if (!b)
		return -ENOMEM;
	ok = PEM_read_bio(b, &name, &header, der, dlen) &&
	     (!strcmp(name, "CMS") || !strcmp(name, "PKCS7") ||
	      !strcmp(name, "PKCS #7 SIGNED DATA"));
	BIO_free(b);
	OPENSSL_free(name);
	OPENSSL_free(header);
	ERR_clear_error();
	if (!ok) {
		OPENSSL_free(*der);
		*der = NULL;
		return -EBADMSG;
	}
	if (*dlen > TPPGATE_SIGNATURE_MAX) {
		OPENSSL_free(*der);
		*der = NULL;
		return -E2BIG;
	}
	return 0;
}

/* The CMS in @sig, with nothing after it; NULL if it does not parse. */
static CMS_ContentInfo *parse_cms(const void *sig, size_t slen, int *retp,
				  unsigned char **derp, long *dlenp)
{
	const unsigned char *p;
	CMS_ContentInfo *cms;
	unsigned char *der;
	long dlen;

	*retp = sig_der(sig, slen, &der, &dlen);
	if (*retp)
		return NULL;
	p = der;
	cms = d2i_CMS_ContentInfo(NULL, &p, dlen);
	if (cms && (p != der + dlen ||
		    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	ERR_clear_error();
	if (!cms) {
		OPENSSL_free(der);
		*retp = -EBADMSG;
		return NULL;
	}
	if (derp) {
		*derp = der;
		*dlenp = dlen;
	} else {
		OPENSSL_free(der);
	}
	return cms;
}

static void name_text(const X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long k;

	buf[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		k = BIO_get_mem_data(b, &data);
		if (k > 0)
			snprintf(buf, len, "%.*s", (int)k, data);
	}
	BIO_free(b);
}

static void fill_info(CMS_ContentInfo *cms, struct tppgate_sig_info *info)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	ASN1_INTEGER *sno = NULL;
	X509_NAME *issuer = NULL;
	ASN1_OCTET_STRING *kid;
	X509_ALGOR *dig = NULL;
	CMS_SignerInfo *si;
	BIGNUM *bn;
	char *hex;

	memset(info, 0, sizeof(*info));
	info->detached = CMS_is_detached(cms) == 1;
	info->n_certs = certs ? (unsigned int)sk_X509_num(certs) : 0;
	sk_X509_pop_free(certs, X509_free);
	info->n_signers = sis ? (unsigned int)sk_CMS_SignerInfo_num(sis) : 0;
	if (!info->n_signers)
		return;
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig)
		snprintf(info->digest, sizeof(info->digest), "%s",
			 OBJ_nid2ln(OBJ_obj2nid(dig->algorithm)));
	info->has_attrs = CMS_signed_get_attr_count(si) > 0;
	info->has_smimecap =
		CMS_signed_get_attr_by_NID(si, NID_SMIMECapabilities, -1) >= 0;
	if (CMS_SignerInfo_get0_signer_id(si, &kid, &issuer, &sno) != 1)
		return;
	if (issuer)
		name_text(issuer, info->issuer, sizeof(info->issuer));
	if (sno) {
		bn = ASN1_INTEGER_to_BN(sno, NULL);
		hex = bn ? BN_bn2hex(bn) : NULL;
		if (hex)
			snprintf(info->serial, sizeof(info->serial), "%s", hex);
		OPENSSL_free(hex);
		BN_free(bn);
	} else if (kid) {
		snprintf(info->serial, sizeof(info->serial), "keyid");
	}
	ERR_clear_error();
}

int tppgate_sig_parse(const void *sig, size_t slen, uint8_t **der,
		      size_t *dlen, struct tppgate_sig_info *info)
{
	unsigned char *d = NULL;
	CMS_ContentInfo *cms;
	long n = 0;
	int ret;

	cms = parse_cms(sig, slen, &ret, &d, &n);
	if (!cms)
		return ret;
	if (info)
		fill_info(cms, info);
	CMS_ContentInfo_free(cms);
	ret = -ENOMEM;
	*der = malloc((size_t)n);
	if (*der) {
		memcpy(*der, d, (size_t)n);
		*dlen = (size_t)n;
		ret = 0;
	}
	OPENSSL_free(d);
	return ret;
}

static bool kernel_digest(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* What the kernel's PKCS#7 parser and verifier refuse, before any maths. */
static int check_shape(CMS_ContentInfo *cms, X509 *x, char *err,
		       size_t errlen)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	const ASN1_OBJECT *ct = CMS_get0_eContentType(cms);
	int i, n = sis ? sk_CMS_SignerInfo_num(sis) : 0;

	if (CMS_is_detached(cms) != 1)
		return tppgate_errf(err, errlen, -EBADMSG,
				    "the signature embeds its content; it must be detached");
	if (!ct || OBJ_obj2nid(ct) != NID_pkcs7_data)
		return tppgate_errf(err, errlen, -EBADMSG,
				    "the signed content is not of type pkcs7-data");
	if (n <= 0)
		return tppgate_errf(err, errlen, -EBADMSG, "no signer");
	for (i = 0; i < n; i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		X509_ALGOR *dig = NULL, *alg = NULL;

		if (CMS_signed_get_attr_by_NID(si, NID_SMIMECapabilities, -1) >= 0)
			return tppgate_errf(err, errlen, -EKEYREJECTED,
					    "signer %d: an S/MIME capabilities attribute, which the kernel refuses (sign with -noattr)",
					    i);
		CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &alg);
		if (!dig || !kernel_digest(OBJ_obj2nid(dig->algorithm)))
			return tppgate_errf(err, errlen, -ENOPKG,
					    "signer %d: digest %s; the kernel takes sha256, sha384 or sha512",
					    i, dig ? OBJ_nid2sn(OBJ_obj2nid(dig->algorithm)) : "?");
		if (alg && OBJ_obj2nid(alg->algorithm) == NID_rsassaPss)
			return tppgate_errf(err, errlen, -ENOPKG,
					    "signer %d: RSA-PSS, which the kernel cannot parse",
					    i);
		if (CMS_SignerInfo_cert_cmp(si, x))
			return tppgate_errf(err, errlen, -ENOKEY,
					    "signer %d: signed by another key than the certificate's",
					    i);
	}
	return 0;
}

int tppgate_verify(const void *blob, size_t blen, const void *sig,
		   size_t slen, const void *cert, size_t clen, char *err,
		   size_t errlen)
{
	const unsigned int flags = CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY |
				   CMS_NOINTERN;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *data = NULL;
	X509 *x;
	int ret;

	x = load_cert(cert, clen);
	if (!x)
		return ossl_err(err, errlen, -EINVAL, "cannot read the certificate");
	cms = parse_cms(sig, slen, &ret, NULL, NULL);
	if (!cms) {
		if (ret == -E2BIG)
			tppgate_errf(err, errlen, ret,
				     "signature larger than %d bytes",
				     TPPGATE_SIGNATURE_MAX);
		else
			tppgate_errf(err, errlen, ret,
				     "not a PKCS#7/CMS signed-data message");
		goto out;
	}
	ret = check_shape(cms, x, err, errlen);
	if (ret)
		goto out;
	ret = -ENOMEM;
	certs = sk_X509_new_null();
	data = mem_bio(blob, blen);
	if (!certs || !data || !sk_X509_push(certs, x))
		goto out;
	if (CMS_verify(cms, certs, NULL, data, NULL, flags) != 1) {
		ret = ossl_err(err, errlen, -EKEYREJECTED,
			       "the signature does not match the policy");
		goto out;
	}
	ret = 0;
out:
	sk_X509_free(certs);	/* not the certificate: freed below */
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	X509_free(x);
	ERR_clear_error();
	return ret;
}

int tppgate_cert_subject(const void *cert, size_t clen, char *buf,
			 size_t len)
{
	X509 *x = load_cert(cert, clen);

	ERR_clear_error();
	if (!x)
		return -EINVAL;
	name_text(X509_get_subject_name(x), buf, len);
	X509_free(x);
	return 0;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *self_signed(EVP_PKEY *k, const char *cn, unsigned int days)
{
	unsigned char rnd[16];
	X509V3_CTX ctx;
	BIGNUM *bn = NULL;
	X509_NAME *name;
	X509 *x = X509_new();
	bool ok;

	if (!x || RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto err;
	rnd[0] &= 0x7f;		/* a positive serial number */
	rnd[0] |= 0x40;		/* of exactly 16 bytes */
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	name = X509_get_subject_name(x);
	ok = bn && X509_set_version(x, X509_VERSION_3) &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
	     X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_issuer_name(x, name) && X509_set_pubkey(x, k);
	if (!ok)
		goto err;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	/* The subject key id first: the authority key id copies it. */
	if (!add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(x, k, EVP_sha256()))
		goto err;
	BN_free(bn);
	return x;
err:
	BN_free(bn);
	X509_free(x);
	return NULL;
}

int tppgate_keygen(unsigned int bits, const char *cn, unsigned int days,
		   char **key, size_t *klen, char **cert, size_t *clen,
		   char *err, size_t errlen)
{
	BIO *kb = NULL, *cb = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	int ret;

	if (bits < 2048 || bits > 16384)
		return tppgate_errf(err, errlen, -EINVAL,
				    "RSA key size %u: must be 2048 to 16384 bits",
				    bits);
	if (!cn[0] || strlen(cn) > 64 || !tppgate_text_ok(cn, strlen(cn)))
		return tppgate_errf(err, errlen, -EINVAL,
				    "common name: 1 to 64 bytes of text");
	if (!days || days > 36500)
		return tppgate_errf(err, errlen, -EINVAL,
				    "validity: 1 to 36500 days");
	*key = *cert = NULL;
	k = EVP_RSA_gen(bits);
	if (!k) {
		ret = ossl_err(err, errlen, -EIO, "RSA key generation failed");
		goto out;
	}
	x = self_signed(k, cn, days);
	if (!x) {
		ret = ossl_err(err, errlen, -EIO, "cannot make the certificate");
		goto out;
	}
	ret = -ENOMEM;
	/* The secure-memory BIO clears the key's PEM when freed. */
	kb = BIO_new(BIO_s_secmem());
	cb = BIO_new(BIO_s_mem());
	if (!kb || !cb ||
	    !PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x))
		goto out;
	ret = bio_take(kb, key, klen);
	if (!ret)
		ret = bio_take(cb, cert, clen);
	if (ret) {
		free(*key);
		*key = NULL;
	}
out:
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ret;
}
