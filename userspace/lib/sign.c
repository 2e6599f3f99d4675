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
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

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

/*
 * Every certificate in @cert: one DER certificate, or a PEM bundle (as
 * TPPGATE_CERTS is). NULL if none parses, or if any PEM block fails to.
 */
static STACK_OF(X509) *load_certs(const void *cert, size_t clen)
{
	STACK_OF(X509) *sk;
	X509 *x;
	BIO *b;

	if (!clen || clen > PEM_MAX)
		return NULL;
	sk = sk_X509_new_null();
	if (!sk)
		return NULL;
	if (!is_pem(cert, clen)) {
		x = load_cert(cert, clen);
		if (!x || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_free(sk);
			return NULL;
		}
		return sk;
	}
	b = mem_bio(cert, clen);
	while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
	}
	/* Stopping at the end is fine; at a block that does not parse is not. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE ||
	    !sk_X509_num(sk)) {
		sk_X509_pop_free(sk, X509_free);
		sk = NULL;
	}
	ERR_clear_error();
	BIO_free(b);
	return sk;
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

int tppgate_sha256(const void *data, size_t len,
		   uint8_t out[TPPGATE_SHA256_LEN])
{
	unsigned int n = TPPGATE_SHA256_LEN;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) &&
	    n == TPPGATE_SHA256_LEN)
		return 0;
	/* Never a hash that looks real: a host binding would carry it. */
	memset(out, 0, TPPGATE_SHA256_LEN);
	ERR_clear_error();
	return -EIO;
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
	*retp = -EBADMSG;
	if (cms && p == der + dlen &&
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		*retp = -EINVAL;	/* as pkcs7_check_content_type() */
	if (cms && (p != der + dlen || *retp == -EINVAL)) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	ERR_clear_error();
	if (!cms) {
		OPENSSL_free(der);
		return NULL;
	}
	*retp = 0;
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

/*
 * The rules below are driver/keys.c's, which hands the signature to the
 * kernel's verify_pkcs7_signature() (crypto/asymmetric_keys/pkcs7_*.c),
 * in the order the kernel applies them. When the kernel gains a rule,
 * mirror it here and add a case to tests/parity/corpus.c.
 */

/*
 * Digests the kernel's PKCS#7 parser knows (pkcs7_sig_note_digest_algo).
 * Where the supported kernels differ, only what all of them take, so that
 * a policy tppctl passes loads on each: 6.1 still parses MD4 and MD5, 6.12
 * no longer does; 6.12 parses SHA-3, 6.1 does not.
 */
static bool parser_digest(int nid)
{
	switch (nid) {
	case NID_sha1: case NID_sha224:
	case NID_sha256: case NID_sha384: case NID_sha512: case NID_sm3:
	case NID_id_GostR3411_2012_256: case NID_id_GostR3411_2012_512:
		return true;
	}
	return false;
}

/* Of those, the ones it can verify an RSA signature with (pkcs1pad). */
static bool usable_digest(int nid)
{
	return nid == NID_sha1 || nid == NID_sha224 ||
	       nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* Signature algorithms the parser knows (pkcs7_sig_note_pkey_algo). */
static bool parser_pkey(int nid)
{
	switch (nid) {
	case NID_rsaEncryption: case NID_ecdsa_with_SHA1:
	case NID_ecdsa_with_SHA224: case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384: case NID_ecdsa_with_SHA512:
	case NID_SM2_with_SM3:
	case NID_id_GostR3410_2012_256: case NID_id_GostR3410_2012_512:
		return true;
	}
	return false;
}

static int attr_count(CMS_SignerInfo *si, int nid)
{
	int n = 0, i = -1;

	while ((i = CMS_signed_get_attr_by_NID(si, nid, i)) >= 0) {
		X509_ATTRIBUTE *a = CMS_signed_get_attr(si, i);

		n += X509_ATTRIBUTE_count(a);
	}
	return n;
}

/* pkcs7_sig_note_authenticated_attr() and pkcs7_sig_note_set_of_authattrs() */
static int check_attrs(CMS_SignerInfo *si, int i, char *err, size_t errlen)
{
	static const int once[] = {
		NID_pkcs9_contentType, NID_pkcs9_signingTime,
		NID_pkcs9_messageDigest, NID_SMIMECapabilities,
	};
	ASN1_OBJECT *ct;
	size_t k;

	for (k = 0; k < ARRAY_LEN(once); k++)
		if (attr_count(si, once[k]) > 1)
			return tppgate_errf(err, errlen, -EKEYREJECTED,
					    "signer %d: a signed attribute given twice", i);
	if (attr_count(si, NID_SMIMECapabilities))
		return tppgate_errf(err, errlen, -EKEYREJECTED,
				    "signer %d: an S/MIME capabilities attribute, which the kernel refuses (sign with -noattr)",
				    i);
	if (!attr_count(si, NID_pkcs9_contentType) ||
	    !attr_count(si, NID_pkcs9_messageDigest))
		return tppgate_errf(err, errlen, -EBADMSG,
				    "signer %d: signed attributes without content type or message digest",
				    i);
	ct = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType),
					 -3, V_ASN1_OBJECT);
	if (!ct || OBJ_obj2nid(ct) != NID_pkcs7_data)
		return tppgate_errf(err, errlen, -EBADMSG,
				    "signer %d: content type attribute is not pkcs7-data", i);
	return 0;
}

static int digest_nid(CMS_SignerInfo *si)
{
	X509_ALGOR *dig = NULL;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	return dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
}

/* What pkcs7_parse_message() refuses, signer by signer. */
static int check_parse(CMS_ContentInfo *cms, char *err, size_t errlen)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	const ASN1_OBJECT *ct = CMS_get0_eContentType(cms);
	int i, n = sis ? sk_CMS_SignerInfo_num(sis) : 0, with_attrs = 0;

	if (!ct || OBJ_obj2nid(ct) != NID_pkcs7_data)
		return tppgate_errf(err, errlen, -EINVAL,
				    "the signed content is not of type pkcs7-data");
	for (i = 0; i < n; i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		X509_ALGOR *alg = NULL;
		int ret, nid = digest_nid(si);

		if (!parser_digest(nid))
			return tppgate_errf(err, errlen, -ENOPKG,
					    "signer %d: digest %s, which the kernel does not know",
					    i, OBJ_nid2sn(nid));
		if (CMS_signed_get_attr_count(si) > 0) {
			with_attrs++;
			ret = check_attrs(si, i, err, errlen);
			if (ret)
				return ret;
		}
		CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
		nid = alg ? OBJ_obj2nid(alg->algorithm) : NID_undef;
		if (!parser_pkey(nid))
			return tppgate_errf(err, errlen, -ENOPKG,
					    "signer %d: signature algorithm %s, which the kernel does not know",
					    i, OBJ_nid2sn(nid));
	}
	/* The kernel's ASN.1 decoder, not pkcs7_check_authattrs(), refuses it. */
	if (!n)
		return tppgate_errf(err, errlen, -EBADMSG, "no signer");
	if (with_attrs && with_attrs != n)
		return tppgate_errf(err, errlen, -EINVAL,
				    "some signers have signed attributes and some do not");
	return 0;
}

/*
 * The signer's signature with @pk: over the blob's digest, or over its
 * signed attributes, whose message digest must be the blob's. Return: 0,
 * -EKEYREJECTED, -EBADMSG (a message digest of the wrong size), -ENOMEM.
 */
static int check_signer(CMS_SignerInfo *si, X509 *x, const void *blob,
			size_t blen)
{
	const EVP_MD *md = EVP_get_digestbynid(digest_nid(si));
	bool attrs = CMS_signed_get_attr_count(si) > 0;
	unsigned char dg[EVP_MAX_MD_SIZE];
	ASN1_OCTET_STRING *sv, *mdattr;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned int dlen = 0;
	EVP_PKEY *pk;
	int ret = -EKEYREJECTED;

	if (!md || !EVP_Digest(blob, blen, dg, &dlen, md, NULL))
		return -EKEYREJECTED;
	if (attrs) {
		mdattr = CMS_signed_get0_data_by_OBJ(si,
				OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
				V_ASN1_OCTET_STRING);
		if (!mdattr)
			return -EKEYREJECTED;
		if ((unsigned int)ASN1_STRING_length(mdattr) != dlen)
			return -EBADMSG;
		if (memcmp(ASN1_STRING_get0_data(mdattr), dg, dlen))
			return -EKEYREJECTED;
	}
	if (!x)
		return 0;
	pk = X509_get0_pubkey(x);
	if (!pk)
		return -EKEYREJECTED;
	if (attrs) {
		CMS_SignerInfo_set1_signer_cert(si, x);
		ret = CMS_SignerInfo_verify(si) == 1 ? 0 : -EKEYREJECTED;
		ERR_clear_error();
		return ret;
	}
	sv = CMS_SignerInfo_get0_signature(si);
	pctx = EVP_PKEY_CTX_new(pk, NULL);
	if (pctx && EVP_PKEY_verify_init(pctx) > 0 &&
	    (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA ||
	     EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0) &&
	    EVP_PKEY_CTX_set_signature_md(pctx, md) > 0 &&
	    EVP_PKEY_verify(pctx, ASN1_STRING_get0_data(sv),
			    (size_t)ASN1_STRING_length(sv), dg, dlen) == 1)
		ret = 0;
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return ret;
}

/* The certificate in @certs that the signer names, or NULL. */
static X509 *find_signer(CMS_SignerInfo *si, STACK_OF(X509) *certs)
{
	int i;

	for (i = 0; certs && i < sk_X509_num(certs); i++)
		if (!CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)))
			return sk_X509_value(certs, i);
	return NULL;
}

/* Is @a the same certificate as @b, as the kernel matches them (ids)? */
static bool same_cert(X509 *a, X509 *b)
{
	const ASN1_OCTET_STRING *ka = X509_get0_subject_key_id(a);
	const ASN1_OCTET_STRING *kb = X509_get0_subject_key_id(b);

	if (!X509_issuer_and_serial_cmp(a, b))
		return true;
	return ka && kb && !ASN1_OCTET_STRING_cmp(ka, kb);
}

/* The trusted certificate that issued @x (by its authority key id), or NULL. */
static X509 *trusted_issuer(X509 *x, STACK_OF(X509) *trusted)
{
	const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(x);
	int i;

	for (i = 0; i < sk_X509_num(trusted); i++) {
		X509 *t = sk_X509_value(trusted, i);
		const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(t);

		if (akid && skid && !ASN1_OCTET_STRING_cmp(akid, skid))
			return t;
		if (!akid && !X509_NAME_cmp(X509_get_issuer_name(x),
					    X509_get_subject_name(t)))
			return t;
	}
	return NULL;
}

/*
 * pkcs7_validate_trust_one(): 0 a trusted key vouches for the signer;
 * -ENOKEY none does; -EKEYREJECTED one does but the signature is bad.
 */
static int trust_one(CMS_SignerInfo *si, X509 *embedded,
		     STACK_OF(X509) *trusted, const void *blob, size_t blen)
{
	EVP_PKEY *ipk;
	X509 *t;
	int i;

	if (embedded) {
		for (i = 0; i < sk_X509_num(trusted); i++)
			if (same_cert(embedded, sk_X509_value(trusted, i)))
				return check_signer(si, sk_X509_value(trusted, i),
						    blob, blen) ? -EKEYREJECTED : 0;
		if (X509_check_issued(embedded, embedded) == X509_V_OK)
			return -ENOKEY;	/* self-signed and unknown */
		t = trusted_issuer(embedded, trusted);
		if (t) {
			ipk = X509_get0_pubkey(t);
			i = ipk && X509_verify(embedded, ipk) == 1;
			ERR_clear_error();
			return i ? 0 : -EKEYREJECTED;
		}
	}
	t = find_signer(si, trusted);
	if (!t)
		return -ENOKEY;
	return check_signer(si, t, blob, blen) ? -EKEYREJECTED : 0;
}

/* pkcs7_verify() then pkcs7_validate_trust(). */
static int check_signers(CMS_ContentInfo *cms, STACK_OF(X509) *trusted,
			 const void *blob, size_t blen, char *err,
			 size_t errlen)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	STACK_OF(X509) *inside = CMS_get1_certs(cms);
	int i, n = sk_CMS_SignerInfo_num(sis), ret = -ENOPKG, verdict;
	bool *unusable = calloc((size_t)n, sizeof(*unusable));
	X509 *x;

	if (!unusable) {
		sk_X509_pop_free(inside, X509_free);
		return -ENOMEM;
	}
	/* Every signer: its digest, and its signature by a certificate inside. */
	for (i = 0; i < n; i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		int r = 0;

		if (!usable_digest(digest_nid(si))) {
			unusable[i] = true;
			continue;
		}
		/* Without a certificate inside, only the message digest. */
		x = find_signer(si, inside);
		r = check_signer(si, x, blob, blen);
		if (r) {
			ret = tppgate_errf(err, errlen, r,
					   "signer %d: the signature does not match the policy",
					   i);
			goto out;
		}
		ret = 0;
	}
	if (ret) {
		tppgate_errf(err, errlen, ret,
			     "no signer uses an algorithm the kernel has");
		goto out;
	}
	verdict = -ENOKEY;
	for (i = 0; i < n; i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		int r;

		if (unusable[i]) {
			if (verdict == -ENOKEY)
				verdict = -ENOPKG;
			continue;
		}
		r = trust_one(si, find_signer(si, inside), trusted, blob, blen);
		if (r == -EKEYREJECTED) {
			ret = tppgate_errf(err, errlen, r,
					   "signer %d: a trusted key's signature does not match the policy",
					   i);
			goto out;
		}
		if (!r)
			verdict = 0;
	}
	ret = verdict;
	if (ret == -ENOKEY)
		tppgate_errf(err, errlen, ret,
			     "no signer is vouched for by a trusted certificate");
	else if (ret)
		tppgate_errf(err, errlen, ret,
			     "no trusted signer uses an algorithm the kernel has");
out:
	free(unusable);
	sk_X509_pop_free(inside, X509_free);
	ERR_clear_error();
	return ret;
}

int tppgate_verify(const void *blob, size_t blen, const void *sig,
		   size_t slen, const void *cert, size_t clen, char *err,
		   size_t errlen)
{
	STACK_OF(X509) *trusted;
	CMS_ContentInfo *cms = NULL;
	int ret;

	trusted = load_certs(cert, clen);
	if (!trusted)
		return ossl_err(err, errlen, -EINVAL, "cannot read the certificates");
	if (blen > TPPGATE_POLICY_MAX) {
		ret = tppgate_errf(err, errlen, -E2BIG,
				   "policy larger than %d bytes", TPPGATE_POLICY_MAX);
		goto out;
	}
	cms = parse_cms(sig, slen, &ret, NULL, NULL);
	if (!cms) {
		if (ret == -E2BIG)
			tppgate_errf(err, errlen, ret,
				     "signature larger than %d bytes",
				     TPPGATE_SIGNATURE_MAX);
		else if (ret == -EINVAL)
			tppgate_errf(err, errlen, ret,
				     "a CMS message that is not signed-data");
		else
			tppgate_errf(err, errlen, ret,
				     "not a PKCS#7/CMS signed-data message");
		goto out;
	}
	ret = check_parse(cms, err, errlen);
	if (ret)
		goto out;
	if (CMS_is_detached(cms) != 1) {
		ret = tppgate_errf(err, errlen, -EBADMSG,
				   "the signature embeds its content; it must be detached");
		goto out;
	}
	ret = check_signers(cms, trusted, blob, blen, err, errlen);
out:
	CMS_ContentInfo_free(cms);
	sk_X509_pop_free(trusted, X509_free);
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
