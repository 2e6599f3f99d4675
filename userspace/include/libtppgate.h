/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libtppgate: a small client for the tppgate generic netlink family.
 *
 * The data model below has no netlink types in it: callers see plain structs
 * and negative errno values. Every function that can fail returns 0 (or a
 * documented non-negative value) on success and a negative errno on failure.
 * The only state the library keeps lives in struct tppgate_handle.
 */
#ifndef LIBTPPGATE_H
#define LIBTPPGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tppgate.h>

/* Room for a BDF string and its terminating NUL. */
#define TPPGATE_BDF_LEN		(TPPGATE_BDF_MAX + 1)
/* Room for a kernel driver name; longer names are rejected as malformed. */
#define TPPGATE_DRIVER_LEN	64
/* Room for the module version string. */
#define TPPGATE_VERSION_LEN	64
/* Room for an extended ack message from the kernel. */
#define TPPGATE_ERRMSG_LEN	256

struct tppgate_handle;

/**
 * struct tppgate_device_info - one accelerator as the kernel reports it
 * @bdf: PCI address, "DDDD:BB:DD.F", lower-case hex.
 * @vendor: PCI vendor id.
 * @device: PCI device id.
 * @subsys_vendor: PCI subsystem vendor id (0 if not reported).
 * @subsys_device: PCI subsystem device id (0 if not reported).
 * @class: 24-bit PCI class code (base, sub, prog-if).
 * @state: enum tppgate_state, always within range.
 * @reason: enum tppgate_reason, always within range.
 * @tpp: the device's TPP (0 until a policy assigns one).
 * @flags: TPPGATE_DEVICE_F_*; bits unknown to this library are kept.
 * @driver: the driver bound now, "" when none is.
 */
struct tppgate_device_info {
	char bdf[TPPGATE_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint16_t subsys_vendor;
	uint16_t subsys_device;
	uint32_t class;
	enum tppgate_state state;
	enum tppgate_reason reason;
	uint64_t tpp;
	uint32_t flags;
	char driver[TPPGATE_DRIVER_LEN];
};

/**
 * struct tppgate_status_info - module-wide state
 * @version: module version string.
 * @boot_mode: enum tppgate_boot_mode, always within range.
 * @flags: TPPGATE_STATUS_F_*; unknown bits are kept.
 * @n_quarantined: devices in TPPGATE_STATE_QUARANTINED.
 * @n_admitted: devices in TPPGATE_STATE_ADMITTED.
 * @n_unmanaged_bound: devices in TPPGATE_STATE_UNMANAGED_BOUND.
 * @n_unmanaged: devices in TPPGATE_STATE_UNMANAGED.
 * @n_over_cap: devices in TPPGATE_STATE_OVER_CAP (0 if not reported).
 * @admitted_tpp: TPP of admitted and over-cap devices (0 if not reported).
 * @has_node_cap: a cap is in force; @node_cap is it.
 * @has_policy: a policy is in force; @policy_serial is its serial.
 * @has_grant: the daemon granted TPP; @grant is it, @grant_serial the
 *	policy serial it was computed for, @lease_left_ms what is left of
 *	its lease (0 once it lapsed).
 * @has_offline: the lease lapsed @offline_secs seconds ago.
 * @has_effective_cap: admission uses @effective_cap now (the node cap, or
 *	with a grant required min(node cap, grant), or the offline cap).
 */
struct tppgate_status_info {
	char version[TPPGATE_VERSION_LEN];
	enum tppgate_boot_mode boot_mode;
	uint32_t flags;
	uint32_t n_quarantined;
	uint32_t n_admitted;
	uint32_t n_unmanaged_bound;
	uint32_t n_unmanaged;
	uint32_t n_over_cap;
	uint64_t admitted_tpp;
	bool has_node_cap;
	uint64_t node_cap;
	bool has_policy;
	uint64_t policy_serial;
	bool has_grant;
	uint64_t grant;
	uint64_t grant_serial;
	uint64_t lease_left_ms;
	bool has_offline;
	uint64_t offline_secs;
	bool has_effective_cap;
	uint64_t effective_cap;
};

/**
 * struct tppgate_event_info - one multicast event
 * @event: enum tppgate_event, never TPPGATE_EVENT_UNSPEC.
 * @has_device: a device event; @device is the device after the change.
 * @has_policy_serial: a policy event that named the policy's serial.
 * @has_status: a grant event; @status is the module's state after it.
 */
struct tppgate_event_info {
	enum tppgate_event event;
	bool has_device;
	struct tppgate_device_info device;
	bool has_policy_serial;
	uint64_t policy_serial;
	bool has_status;
	struct tppgate_status_info status;
};

/**
 * struct tppgate_bdf - a parsed PCI address
 */
struct tppgate_bdf {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev;	/* 0..0x1f */
	uint8_t fn;	/* 0..7 */
};

/**
 * struct tppgate_catalog_item - one catalog entry, as a policy's author sees it
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @has_subsys: the entry applies only to the subsystem ids below
 * @subsystem_vendor: PCI subsystem vendor id, if @has_subsys
 * @subsystem_device: PCI subsystem device id, if @has_subsys
 * @tpp: TPP of one device
 * @pd: performance density times 100 (0: unknown)
 * @action: enum tppgate_action
 * @name: for people; "" when the entry has none (< TPPGATE_NAME_MAX bytes)
 */
struct tppgate_catalog_item {
	uint16_t vendor;
	uint16_t device;
	bool has_subsys;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;
	uint32_t tpp;
	uint16_t pd;
	uint8_t action;
	char name[TPPGATE_NAME_MAX];
};

/**
 * struct tppgate_policy_src - every field of a policy blob
 *
 * The fields mirror enum tppgate_policy_attr. Optional attributes with a
 * meaning when absent have a has_ flag (or "" for @cluster_id); the others
 * hold their default when the blob leaves them out. Strings are UTF-8
 * without control characters. @entries is owned by the struct: release it
 * with tppgate_policy_free(). tppgate_policy_init() gives the defaults.
 */
struct tppgate_policy_src {
	uint32_t format;
	uint64_t serial;
	char issuer[TPPGATE_ISSUER_MAX + 1];
	uint64_t not_before;
	uint64_t not_after;
	char region[3];
	uint8_t tier;
	bool has_host;
	uint32_t host_kind;		/* enum tppgate_host_kind */
	uint8_t host_hash[TPPGATE_SHA256_LEN];
	bool has_node_cap;
	uint64_t node_cap;
	char cluster_id[TPPGATE_CLUSTER_ID_MAX + 1];
	bool has_cluster_cap;
	uint64_t cluster_cap;
	bool grant_required;
	uint32_t offline_grace;
	uint64_t offline_cap;
	uint32_t revoke_mode;		/* enum tppgate_revoke_mode */
	uint32_t revoke_deadline;
	uint32_t n_classes;
	uint16_t classes[TPPGATE_CLASSES_MAX];
	uint32_t default_action;	/* enum tppgate_action */
	uint32_t n_entries;
	struct tppgate_catalog_item *entries;
};

/**
 * struct tppgate_policy_info - the policy in force, as POLICY_GET reports it
 * @policy: its fields; @policy.entries is NULL, @policy.n_entries the
 *	catalog's size
 * @sha256: of the blob
 * @loaded_at: UTC seconds
 * @verify_ns: how long the signature check took
 * @parse_ns: how long parsing took
 * @apply_ns: how long re-evaluating the devices took
 * @expired: the policy is past its not-after
 */
struct tppgate_policy_info {
	struct tppgate_policy_src policy;
	uint8_t sha256[TPPGATE_SHA256_LEN];
	uint64_t loaded_at;
	uint64_t verify_ns;
	uint64_t parse_ns;
	uint64_t apply_ns;
	bool expired;
};

/* Return 0 to go on, a negative errno to stop (it is passed back up). */
typedef int (*tppgate_device_cb)(const struct tppgate_device_info *dev,
				 void *ctx);
typedef int (*tppgate_event_cb)(const struct tppgate_event_info *ev,
				void *ctx);

/* nl.c: talking to the kernel */

/*
 * tppgate_connect() - open a handle: a generic netlink socket with extended
 * acks enabled and the family resolved.
 * Return: 0, -EPROTONOSUPPORT when the family is not registered (the module
 * is not loaded), or another negative errno.
 */
int tppgate_connect(struct tppgate_handle **hp);
void tppgate_close(struct tppgate_handle *h);

/*
 * The extended ack message of the last request, or NULL if the kernel sent
 * none. Non-printable bytes are replaced by '?'. Valid until the next call.
 */
const char *tppgate_last_error_msg(const struct tppgate_handle *h);

int tppgate_device_list(struct tppgate_handle *h, tppgate_device_cb cb,
			void *ctx);
int tppgate_device_get(struct tppgate_handle *h, const char *bdf,
		       struct tppgate_device_info *out);
int tppgate_device_admit(struct tppgate_handle *h, const char *bdf,
			 struct tppgate_device_info *out);
int tppgate_device_quarantine(struct tppgate_handle *h, const char *bdf,
			      struct tppgate_device_info *out);
int tppgate_status_get(struct tppgate_handle *h,
		       struct tppgate_status_info *out);
/*
 * tppgate_grant_set() - grant this host @tpp for @lease seconds, computed
 * for the policy of serial @serial (TPPGATE_CMD_GRANT_SET)
 * @out: the module's state afterwards; may be NULL
 *
 * Return: 0; -ERANGE for a lease outside 1..TPPGATE_GRANT_LEASE_MAX
 * (nothing is sent); or the kernel's refusal: -ESTALE when @serial is not
 * the policy in force (read it again and recompute), -ENOENT no policy,
 * -EPERM, -EINVAL, -ESHUTDOWN.
 */
int tppgate_grant_set(struct tppgate_handle *h, uint64_t tpp, uint32_t lease,
		      uint64_t serial, struct tppgate_status_info *out);

/*
 * Events come on a second socket of the handle, so that they never mix with
 * replies. tppgate_events_subscribe() opens it, non-blocking, and joins the
 * "events" group; tppgate_events_fd() gives its fd for poll().
 * tppgate_events_read() reads everything pending and calls @cb once per
 * event. It returns 0 when the socket is drained, -ENOBUFS when the kernel
 * dropped events because the socket buffer overflowed (the socket stays
 * usable), -EBADMSG when a malformed event was skipped, or the first
 * negative value @cb returned.
 */
int tppgate_events_subscribe(struct tppgate_handle *h);
int tppgate_events_fd(const struct tppgate_handle *h);
int tppgate_events_read(struct tppgate_handle *h, tppgate_event_cb cb,
			void *ctx);

/* Policies: POLICY_SET and POLICY_GET (nl.c) */

/*
 * tppgate_policy_set() - load a signed policy (TPPGATE_CMD_POLICY_SET)
 * @blob, @blen: the policy blob, at most TPPGATE_POLICY_MAX bytes
 * @sig, @slen: its detached DER signature, at most TPPGATE_SIGNATURE_MAX
 * @out: the policy in force afterwards, with the load's phase timings;
 *	may be NULL
 *
 * Return: 0, -E2BIG for an oversized blob or signature (nothing is sent),
 * or the kernel's refusal as listed in the uapi header; then
 * tppgate_last_error_msg() has its reason and tppgate_policy_error_offset()
 * may point into @blob.
 */
int tppgate_policy_set(struct tppgate_handle *h, const void *blob, size_t blen,
		       const void *sig, size_t slen,
		       struct tppgate_policy_info *out);
/* The policy in force (TPPGATE_CMD_POLICY_GET). -ENOENT: none loaded. */
int tppgate_policy_get(struct tppgate_handle *h,
		       struct tppgate_policy_info *out);
/*
 * Where in the blob of the last tppgate_policy_set() the kernel's extended
 * ack pointed. Return: 0 and *@off, or -ENOENT if it pointed nowhere in it.
 */
int tppgate_policy_error_offset(const struct tppgate_handle *h, size_t *off);

/* bdf.c: PCI addresses typed by people */

/*
 * Accepts "[DDDD:]BB:DD.F" in either case: domain 1-8 hex digits (default
 * 0), bus 1-2 hex digits, device 1-2 hex digits up to 0x1f, function one
 * digit 0-7. Nothing else, not even whitespace.
 * Return: 0, -EINVAL for bad syntax, -ERANGE for a field out of range.
 */
int tppgate_bdf_parse(const char *s, struct tppgate_bdf *out);
/* Formats @bdf as the kernel does; @len must be at least TPPGATE_BDF_LEN. */
int tppgate_bdf_format(const struct tppgate_bdf *bdf, char *buf, size_t len);
/* tppgate_bdf_parse() then tppgate_bdf_format(). */
int tppgate_bdf_normalize(const char *s, char *buf, size_t len);

/* names.c: enums and flags as text; NULL or -EINVAL for unknown values */

const char *tppgate_state_name(uint32_t state);
int tppgate_state_from_name(const char *name);
const char *tppgate_reason_name(uint32_t reason);
int tppgate_reason_from_name(const char *name);
const char *tppgate_event_name(uint32_t event);
int tppgate_event_from_name(const char *name);
/* True for the events that are about one device (and carry it). */
bool tppgate_event_is_device(uint32_t event);
const char *tppgate_boot_mode_name(uint32_t mode);
int tppgate_boot_mode_from_name(const char *name);
/* @bit must have exactly one bit set. */
const char *tppgate_device_flag_name(uint32_t bit);
long tppgate_device_flag_from_name(const char *name);
const char *tppgate_status_flag_name(uint32_t bit);
long tppgate_status_flag_from_name(const char *name);

const char *tppgate_action_name(uint32_t action);
int tppgate_action_from_name(const char *name);
const char *tppgate_revoke_mode_name(uint32_t mode);
int tppgate_revoke_mode_from_name(const char *name);
const char *tppgate_host_kind_name(uint32_t kind);
int tppgate_host_kind_from_name(const char *name);

/*
 * UTC seconds as ISO 8601, "2026-01-01T00:00:00Z" (needs 21 bytes), for
 * years 1970-9999; later times as plain decimal seconds.
 */
#define TPPGATE_TIME_LEN	24
void tppgate_time_format(uint64_t t, char *buf, size_t len);
/*
 * Accepts "YYYY-MM-DDTHH:MM:SSZ", "...+HH:MM" or "...-HH:MM" offsets, and
 * "YYYY-MM-DD" (midnight UTC); years 1970-9999, no fractions.
 * Return: 0, or -EINVAL.
 */
int tppgate_time_parse(const char *s, uint64_t *out);

/*
 * policy.c: the policy blob, pure functions. Error messages go to @err
 * (@errlen bytes, may be NULL/0): they name the attribute and its offset in
 * the blob, or the catalog entry.
 */

void tppgate_policy_init(struct tppgate_policy_src *p);
void tppgate_policy_free(struct tppgate_policy_src *p);
/* Deep copy; @dst (not @src) is overwritten, not freed first. */
int tppgate_policy_copy(struct tppgate_policy_src *dst,
			const struct tppgate_policy_src *src);
bool tppgate_policy_equal(const struct tppgate_policy_src *a,
			  const struct tppgate_policy_src *b);
/*
 * Every rule of the kernel that needs only the policy: ranges, string
 * shapes, validity window, table sizes, duplicate catalog entries.
 * Return: 0, -EINVAL, -ERANGE, -E2BIG (too many entries) or
 * -EPROTONOSUPPORT (format).
 */
int tppgate_policy_validate(const struct tppgate_policy_src *p, char *err,
			    size_t errlen);
/*
 * Sorts the catalog into the canonical order of the uapi header: by vendor
 * and device; for one vendor:device, the entries restricted to a subsystem
 * first (by subsystem ids), the unrestricted one last. Return: 0, -ENOMEM.
 */
int tppgate_policy_sort(struct tppgate_policy_src *p);
/*
 * The blob of @p, into @buf: attributes in enum order, every scalar that
 * has a default written out, the tables only when not empty, no padding
 * attributes, HOST with NLA_F_NESTED, little-endian, the catalog in
 * canonical order (sorted here if @p's is not). Validates @p first.
 * Return: 0 and *@outlen; the errors of tppgate_policy_validate(); -E2BIG
 * if the blob would exceed TPPGATE_POLICY_MAX; -ENOSPC if @buflen is short.
 */
int tppgate_policy_encode(const struct tppgate_policy_src *p, void *buf,
			  size_t buflen, size_t *outlen, char *err,
			  size_t errlen);
/*
 * Parses a blob as strictly as the kernel (and in a few ways more: see
 * Documentation/policy.rst), except the checks that need the clock, the
 * policy in force or this host. The catalog must be in canonical order. @out is initialized here; free it with
 * tppgate_policy_free() even on failure.
 * Return: 0; -EINVAL malformed; -ERANGE a value out of range; -E2BIG too
 * large or more than TPPGATE_CATALOG_MAX entries; -EPROTONOSUPPORT unknown
 * format; -ENOMEM.
 */
int tppgate_policy_decode(const void *blob, size_t len,
			  struct tppgate_policy_src *out, char *err,
			  size_t errlen);
/* The name of attribute @type ("CATALOG"), or NULL. */
const char *tppgate_policy_attr_name(unsigned int type);
/*
 * The attribute of @blob that contains byte @off ("HOST", "HOST.HASH"),
 * or NULL.
 */
const char *tppgate_policy_attr_at(const void *blob, size_t len, size_t off);

/* tppfile.c: signed policy files (.tpp), pure functions */

#define TPPGATE_TRAILER_LEN	sizeof(struct tppgate_file_trailer)
#define TPPGATE_FILE_MAX	(TPPGATE_POLICY_MAX + TPPGATE_SIGNATURE_MAX + \
				 TPPGATE_TRAILER_LEN)

/* Whether @file ends with the trailer's magic (it claims to be a .tpp). */
bool tppgate_file_is_signed(const void *file, size_t len);
/*
 * Is @file a signed policy cut short: a blob, then the start of a DER
 * signature, and no trailer? (What a copy that stopped early leaves.)
 */
bool tppgate_file_truncated(const void *file, size_t len);
/*
 * Splits a .tpp into its blob and signature (pointers into @file).
 * Return: 0; -EBADMSG not a .tpp, or lengths that do not add up; -E2BIG a
 * blob or signature over its maximum; -EPROTONOSUPPORT another trailer
 * version.
 */
int tppgate_file_split(const void *file, size_t len, const void **blob,
		       size_t *blen, const void **sig, size_t *slen);
/*
 * Blob, signature, trailer, into @buf. Return: 0 and *@outlen; -EINVAL an
 * empty blob or signature; -E2BIG one over its maximum; -ENOSPC @buflen.
 */
int tppgate_file_join(const void *blob, size_t blen, const void *sig,
		      size_t slen, void *buf, size_t buflen, size_t *outlen);

/* policy_json.c: the JSON source of a policy (Documentation/policy.rst) */

/**
 * struct tppgate_include_ops - how the compiler reads included files
 * @load: reads @path, named in the file @from; gives a malloc'd text, its
 *	length, and a malloc'd name to use in messages. Returns 0 or a
 *	negative errno.
 * @ctx: passed to @load
 */
struct tppgate_include_ops {
	int (*load)(void *ctx, const char *from, const char *path, char **text,
		    size_t *len, char **name);
	void *ctx;
};

/*
 * tppgate_policy_compile() - a policy's JSON source to its fields
 * @text, @len: the JSON text of the file named @name (used in messages)
 * @inc: reads "include" files; NULL forbids them
 * @out: initialized here; free it with tppgate_policy_free()
 * @err: "NAME:LINE:COLUMN: FIELD: what is wrong", one line
 *
 * The result passes tppgate_policy_validate(); its catalog is in canonical
 * order, whatever the order of the source.
 * Return: 0, -EINVAL (with a message), -ENOMEM, or an error of @inc.
 */
int tppgate_policy_compile(const char *text, size_t len, const char *name,
			   const struct tppgate_include_ops *inc,
			   struct tppgate_policy_src *out, char *err,
			   size_t errlen);
/*
 * SHA-256 of a host identity as the kernel computes it: @id lower-cased,
 * no newline. @kind TPPGATE_HOST_MACHINE_ID takes 32 hex digits,
 * TPPGATE_HOST_DMI_UUID a UUID (8-4-4-4-12 hex digits).
 * Return: 0, or -EINVAL for an id of the wrong shape.
 */
int tppgate_host_hash(uint32_t kind, const char *id,
		      uint8_t out[TPPGATE_SHA256_LEN]);

/* sign.c: CMS signatures with libcrypto (no files: PEM or DER in memory) */

/*
 * A detached CMS signature of @blob, DER: SHA-256, binary, no signed
 * attributes, no certificates (what the kernel accepts). @key is a PEM
 * private key, @cert its PEM or DER certificate. *@sig is malloc'd.
 * Return: 0; -EINVAL a key or certificate that does not parse;
 * -EKEYREJECTED the key is not the certificate's; -ENOMEM; -EIO.
 */
int tppgate_sign(const void *blob, size_t blen, const void *key, size_t klen,
		 const void *cert, size_t clen, uint8_t **sig, size_t *slen,
		 char *err, size_t errlen);
/*
 * Checks @sig over @blob as the kernel's POLICY_SET does, with the
 * certificates in @cert (one DER certificate or a PEM bundle, like
 * TPPGATE_CERTS) as its trusted keys. A certificate carried in the message
 * counts only if a trusted one is it or issued it. Several signers: one
 * that a trusted key vouches for suffices, but a trusted key whose
 * signature does not match refuses the whole message, as in the kernel.
 * Return: 0; -E2BIG a blob or signature over its bound; -EBADMSG not a
 * detached PKCS#7/CMS SignedData, no signer, or malformed signed
 * attributes; -EINVAL signers with and without signed attributes, content
 * that is not pkcs7-data, or certificates that do not parse; -ENOKEY no
 * trusted signer; -EKEYREJECTED a signature that does not match, or what
 * the kernel refuses (S/MIME capabilities, repeated attributes); -ENOPKG
 * a digest or algorithm the kernel lacks.
 */
int tppgate_verify(const void *blob, size_t blen, const void *sig,
		   size_t slen, const void *cert, size_t clen, char *err,
		   size_t errlen);

/**
 * struct tppgate_sig_info - what a signature says about itself (unverified)
 * @n_signers: SignerInfos
 * @digest: the first signer's digest ("sha256")
 * @issuer: the first signer's certificate issuer, one line
 * @serial: its serial number, hex
 * @detached: the content is not embedded
 * @has_attrs: signed attributes present
 * @has_smimecap: an S/MIME capabilities attribute (the kernel refuses it)
 * @n_certs: certificates embedded
 */
struct tppgate_sig_info {
	unsigned int n_signers;
	char digest[32];
	char issuer[256];
	char serial[96];
	bool detached;
	bool has_attrs;
	bool has_smimecap;
	unsigned int n_certs;
};

/*
 * A signature in DER or PEM ("-----BEGIN CMS-----", "PKCS7") to DER, after
 * checking that it parses as CMS SignedData; *@der is malloc'd. @info may
 * be NULL. Return: 0, -EBADMSG, -E2BIG (over TPPGATE_SIGNATURE_MAX).
 */
int tppgate_sig_parse(const void *sig, size_t slen, uint8_t **der,
		      size_t *dlen, struct tppgate_sig_info *info);
/*
 * A new signing key pair: RSA of @bits (2048-16384), a self-signed X.509
 * v3 certificate with subject CN=@cn, valid @days from now, keyUsage
 * digitalSignature (critical), CA:FALSE. PEM; both malloc'd.
 * Return: 0, -EINVAL, -ENOMEM, -EIO.
 */
int tppgate_keygen(unsigned int bits, const char *cn, unsigned int days,
		   char **key, size_t *klen, char **cert, size_t *clen,
		   char *err, size_t errlen);
/* The certificate's subject, one line ("CN=..."). */
int tppgate_cert_subject(const void *cert, size_t clen, char *buf,
			 size_t len);
/* SHA-256 of @data. Return: 0, or -EIO if libcrypto could not digest. */
int tppgate_sha256(const void *data, size_t len,
		   uint8_t out[TPPGATE_SHA256_LEN]);

#endif /* LIBTPPGATE_H */
