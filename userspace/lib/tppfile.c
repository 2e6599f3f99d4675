// SPDX-License-Identifier: LGPL-2.1
/*
 * Signed policy files (.tpp): the blob, the DER signature, then struct
 * tppgate_file_trailer, which ends the file as an appended module
 * signature does. Pure functions: the lengths in the trailer are trusted
 * for nothing until they add up to the file's size exactly.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "libtppgate.h"

#define MAGIC_LEN	(sizeof(TPPGATE_FILE_MAGIC) - 1)

_Static_assert(MAGIC_LEN == sizeof(((struct tppgate_file_trailer *)0)->magic),
	       "the magic fills the trailer's magic field, without its NUL");

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

bool tppgate_file_is_signed(const void *file, size_t len)
{
	return len >= TPPGATE_TRAILER_LEN &&
	       !memcmp((const char *)file + len - MAGIC_LEN, TPPGATE_FILE_MAGIC,
		       MAGIC_LEN);
}

bool tppgate_file_truncated(const void *file, size_t len)
{
	const uint8_t *f = file;
	size_t off = 0, alen;

	if (tppgate_file_is_signed(file, len))
		return false;
	/* Walk the blob's attributes to where they stop making sense... */
	while (len - off >= 4) {
		alen = (size_t)f[off] | (size_t)f[off + 1] << 8;
		if (alen < 4 || alen > len - off)
			break;
		off += (alen + 3) & ~(size_t)3;
	}
	/* ...and a DER signature starting there is what a cut left. */
	return off > 0 && len - off >= 2 && f[off] == 0x30 &&
	       (f[off + 1] == 0x80 || f[off + 1] == 0x81 || f[off + 1] == 0x82);
}

int tppgate_file_split(const void *file, size_t len, const void **blob,
		       size_t *blen, const void **sig, size_t *slen)
{
	const uint8_t *f = file, *t;
	uint32_t bl, sl;
	size_t i;

	if (!tppgate_file_is_signed(file, len))
		return -EBADMSG;
	t = f + len - TPPGATE_TRAILER_LEN;
	bl = get_be32(t + offsetof(struct tppgate_file_trailer, blob_len));
	sl = get_be32(t + offsetof(struct tppgate_file_trailer, sig_len));
	if (t[offsetof(struct tppgate_file_trailer, version)] != 1)
		return -EPROTONOSUPPORT;
	for (i = 0; i < sizeof(((struct tppgate_file_trailer *)0)->reserved); i++)
		if (t[offsetof(struct tppgate_file_trailer, reserved) + i])
			return -EBADMSG;
	if (bl > TPPGATE_POLICY_MAX || sl > TPPGATE_SIGNATURE_MAX)
		return -E2BIG;
	/* Both are at most 60 KiB: no overflow. */
	if (!bl || !sl || (size_t)bl + sl != len - TPPGATE_TRAILER_LEN)
		return -EBADMSG;
	*blob = f;
	*blen = bl;
	*sig = f + bl;
	*slen = sl;
	return 0;
}

int tppgate_file_join(const void *blob, size_t blen, const void *sig,
		      size_t slen, void *buf, size_t buflen, size_t *outlen)
{
	struct tppgate_file_trailer t;
	uint8_t *out = buf;

	if (!blen || !slen)
		return -EINVAL;
	if (blen > TPPGATE_POLICY_MAX || slen > TPPGATE_SIGNATURE_MAX)
		return -E2BIG;
	if (buflen < blen + slen + TPPGATE_TRAILER_LEN)
		return -ENOSPC;
	memset(&t, 0, sizeof(t));
	put_be32((uint8_t *)&t.blob_len, (uint32_t)blen);
	put_be32((uint8_t *)&t.sig_len, (uint32_t)slen);
	t.version = 1;
	memcpy(t.magic, TPPGATE_FILE_MAGIC, MAGIC_LEN);
	memmove(out, blob, blen);
	memmove(out + blen, sig, slen);
	memcpy(out + blen + slen, &t, sizeof(t));
	*outlen = blen + slen + sizeof(t);
	return 0;
}
