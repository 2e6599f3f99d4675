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
};

/**
 * struct tppgate_event_info - one multicast event
 * @event: enum tppgate_event, never TPPGATE_EVENT_UNSPEC.
 * @has_device: a device event; @device is the device after the change.
 * @has_policy_serial: a policy event that named the policy's serial.
 */
struct tppgate_event_info {
	enum tppgate_event event;
	bool has_device;
	struct tppgate_device_info device;
	bool has_policy_serial;
	uint64_t policy_serial;
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

#endif /* LIBTPPGATE_H */
