/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tppgate: quarantine for accelerator PCI devices, admitted by compute cap.
 *
 * Generic netlink family "tppgate", version 1, in the initial network
 * namespace only. Multicast group "events". All integers are in host byte
 * order. Every command is validated strictly: unknown attributes and
 * malformed values are rejected with -EINVAL, out-of-range values with
 * -ERANGE, and an extended ack message names the offending attribute.
 *
 * A device is named by its PCI address (BDF) in the kernel's own form,
 * "DDDD:BB:DD.F" as in /sys/bus/pci/devices, lower-case hex.
 *
 * A reply carries the command of its request (a DEVICE_ADMIT reply is a
 * DEVICE_ADMIT message). Commands marked CAP_NET_ADMIN are refused with
 * -EPERM to callers without it in the initial user namespace; reading
 * (DEVICE_GET, STATUS_GET, POLICY_GET) and joining "events" are open to
 * every user, as lspci is.
 *
 * TPPGATE_CMD_DEVICE_GET
 * ----------------------
 *   Request (doit, one device), unprivileged:
 *     TPPGATE_A_DEVICE: NLA_NESTED
 *       TPPGATE_DEVICE_A_BDF: NLA_NUL_STRING, at most TPPGATE_BDF_MAX bytes
 *   Request (NLM_F_DUMP, every accelerator the module tracks): no attributes.
 *   Reply, one message per device:
 *     TPPGATE_A_DEVICE: NLA_NESTED
 *       TPPGATE_DEVICE_A_BDF:           NLA_NUL_STRING
 *       TPPGATE_DEVICE_A_VENDOR:        NLA_U16
 *       TPPGATE_DEVICE_A_DEVICE:        NLA_U16
 *       TPPGATE_DEVICE_A_SUBSYS_VENDOR: NLA_U16
 *       TPPGATE_DEVICE_A_SUBSYS_DEVICE: NLA_U16
 *       TPPGATE_DEVICE_A_CLASS:         NLA_U32, 24-bit class code
 *       TPPGATE_DEVICE_A_STATE:         NLA_U32, enum tppgate_state
 *       TPPGATE_DEVICE_A_REASON:        NLA_U32, enum tppgate_reason
 *       TPPGATE_DEVICE_A_TPP:           NLA_U64, the device's TPP (0 until a
 *                                       policy assigns one)
 *       TPPGATE_DEVICE_A_FLAGS:         NLA_U32, TPPGATE_DEVICE_F_*
 *       TPPGATE_DEVICE_A_DRIVER:        NLA_NUL_STRING, the driver bound now
 *                                       (absent when none is)
 *
 * TPPGATE_CMD_DEVICE_ADMIT (CAP_NET_ADMIN)
 * ------------------------
 *   Release a quarantined accelerator to its real driver.
 *     TPPGATE_A_DEVICE: NLA_NESTED
 *       TPPGATE_DEVICE_A_BDF: NLA_NUL_STRING
 *   Only when the module was loaded with manual=1: admitting by hand
 *   overrides the policy (and is logged); the policy leaves a device
 *   admitted or quarantined by hand alone.
 *   Reply: the device as in DEVICE_GET, after the change.
 *   Errors: -ENODEV no PCI device with that address; -EOPNOTSUPP the device
 *   is not an accelerator (or is the ungated boot VGA device); -EPERM the
 *   caller lacks CAP_NET_ADMIN; -EACCES manual=1 is not set; -ESHUTDOWN the
 *   module is unloading.
 *
 * TPPGATE_CMD_DEVICE_QUARANTINE (CAP_NET_ADMIN)
 * -----------------------------
 *   Take an accelerator back: unbind its driver, bind the quarantine driver,
 *   stop its decoding and bus mastering. Same attributes, reply and errors as
 *   TPPGATE_CMD_DEVICE_ADMIT, plus -EBUSY (or another driver-core errno)
 *   when the quarantine driver could not bind; the device then has no
 *   driver and reports reason claim-failed.
 *
 * TPPGATE_CMD_STATUS_GET
 * ----------------------
 *   Request: no attributes. Unprivileged.
 *   Reply:
 *     TPPGATE_A_STATUS: NLA_NESTED
 *       TPPGATE_STATUS_A_VERSION:         NLA_NUL_STRING, module version
 *       TPPGATE_STATUS_A_BOOT_MODE:       NLA_U32, enum tppgate_boot_mode
 *       TPPGATE_STATUS_A_FLAGS:           NLA_U32, TPPGATE_STATUS_F_*
 *       TPPGATE_STATUS_A_N_QUARANTINED:   NLA_U32
 *       TPPGATE_STATUS_A_N_ADMITTED:      NLA_U32
 *       TPPGATE_STATUS_A_N_UNMANAGED_BOUND: NLA_U32
 *       TPPGATE_STATUS_A_N_UNMANAGED:     NLA_U32
 *       TPPGATE_STATUS_A_N_OVER_CAP:      NLA_U32
 *       TPPGATE_STATUS_A_ADMITTED_TPP:    NLA_U64, TPP counted against the
 *                                         cap: admitted, over-cap and
 *                                         unmanaged-bound devices, and the
 *                                         ungated boot VGA device (flag
 *                                         TPPGATE_DEVICE_F_COUNTED)
 *       TPPGATE_STATUS_A_NODE_CAP:        NLA_U64, the policy's NODE_CAP,
 *                                         0 once it has expired (absent:
 *                                         no policy or no node cap); the
 *                                         cap admission uses is
 *                                         EFFECTIVE_CAP
 *       TPPGATE_STATUS_A_POLICY_SERIAL:   NLA_U64 (absent: no policy)
 *       TPPGATE_STATUS_A_GRANT:           NLA_U64, the TPP granted by the
 *                                         daemon (absent: no grant accepted
 *                                         since the policy in force was
 *                                         loaded)
 *       TPPGATE_STATUS_A_GRANT_SERIAL:    NLA_U64, the policy serial the
 *                                         grant was computed for
 *       TPPGATE_STATUS_A_LEASE_LEFT_MS:   NLA_U64, milliseconds until the
 *                                         grant's lease lapses, 0 once it
 *                                         has (absent: no grant)
 *       TPPGATE_STATUS_A_OFFLINE_SECS:    NLA_U64, seconds since the grant
 *                                         lapsed: since its lease ended, or
 *                                         since the policy was loaded if it
 *                                         was never granted (present only
 *                                         with STATUS_F_LEASE_LAPSED)
 *       TPPGATE_STATUS_A_EFFECTIVE_CAP:   NLA_U64, the cap admission uses
 *                                         now: the node cap, or under
 *                                         GRANT_REQUIRED min(node cap,
 *                                         grant) while the lease holds
 *                                         (after a lapse the node cap, and
 *                                         nothing new is admitted) and the
 *                                         offline cap after the offline
 *                                         grace; 0 once the policy has
 *                                         expired (absent: no cap)
 *
 * TPPGATE_CMD_EVENT (multicast only, group "events")
 * -----------------
 *   Sent once per change of a device's state (a change of reason alone
 *   sends none), when a policy is loaded or lapses, and when the grant
 *   changes, its lease lapses or the offline cap comes into force.
 *     TPPGATE_A_EVENT:       NLA_U32, enum tppgate_event
 *     TPPGATE_A_DEVICE:      NLA_NESTED, the device after the change, as in
 *                            DEVICE_GET (device events)
 *     TPPGATE_A_POLICY_INFO: NLA_NESTED, as in POLICY_GET (policy events)
 *     TPPGATE_A_STATUS:      NLA_NESTED, as in STATUS_GET (grant events)
 *
 * TPPGATE_CMD_POLICY_SET (CAP_NET_ADMIN and CAP_SYS_ADMIN)
 * ----------------------
 *   Load a signed policy. The signature is checked before anything in the
 *   blob is parsed; then the blob is parsed strictly, then checked against
 *   the policy in force and the clock. Only a policy that passes everything
 *   replaces the one in force; every device is then re-evaluated.
 *     TPPGATE_A_POLICY:    NLA_BINARY, the policy blob (see "Policy blob"),
 *                          at most TPPGATE_POLICY_MAX bytes
 *     TPPGATE_A_SIGNATURE: NLA_BINARY, detached PKCS#7 (CMS) signature of
 *                          the exact blob bytes, DER, at most
 *                          TPPGATE_SIGNATURE_MAX bytes
 *   Reply: TPPGATE_A_POLICY_INFO as in POLICY_GET, with the phase timings.
 *   Errors (the policy in force and every device are left as they were):
 *     -EPERM       caller lacks CAP_NET_ADMIN or CAP_SYS_ADMIN
 *     -EINVAL      a required attribute is missing or malformed (the extended
 *                  ack points at the attribute, inside the blob if there)
 *     -E2BIG       blob over TPPGATE_POLICY_MAX, or more than
 *                  TPPGATE_CATALOG_MAX catalog entries
 *     -EBADMSG     the signature is not a detached PKCS#7 message
 *     -EKEYREJECTED the signature does not match the blob
 *     -ENOKEY      signed by a key that the module does not trust
 *     -ESTALE      serial not greater than the one in force (rollback)
 *     -EKEYEXPIRED now is after not-after
 *     -EAGAIN      now is before not-before (not yet valid)
 *     -EACCES      the policy is bound to another host
 *     -EPROTONOSUPPORT unknown format version
 *     -ERANGE      a value outside its documented range
 *     -ENOPKG      the kernel lacks the signature's algorithm (ECDSA on 6.1)
 *     -ESHUTDOWN   the module is unloading
 *     -ENOMEM      out of memory
 *   -E2BIG also for a signature over TPPGATE_SIGNATURE_MAX. Validity is
 *   [not-before, not-after): a policy is expired from not-after on.
 *   Serials live in memory only: after the module is reloaded, any serial
 *   loads (see Documentation/design.rst, threat model).
 *
 * TPPGATE_CMD_POLICY_GET
 * ----------------------
 *   Request: no attributes. Unprivileged. -ENOENT if no policy was loaded.
 *   Reply:
 *     TPPGATE_A_POLICY_INFO: NLA_NESTED, enum tppgate_policy_attr: every
 *       field of the policy in force that is not a table (FORMAT through
 *       DEFAULT_ACTION), plus the TPPGATE_POLICY_A_INFO_* attributes.
 *
 * TPPGATE_CMD_GRANT_SET (CAP_NET_ADMIN)
 * ---------------------
 *   The daemon grants this host TPP it reserved in the cluster ledger, for
 *   a lease. Under a policy with GRANT_REQUIRED, admission uses
 *   min(node cap, grant) while the lease holds; once it lapses nothing new
 *   is admitted, and after the policy's OFFLINE_GRACE the cap becomes its
 *   OFFLINE_CAP (devices above it go over the cap, then the policy's revoke
 *   mode applies; still nothing new is admitted). The lapse counts from
 *   the end of the lease, or from the policy's load if it was never
 *   granted; a new policy drops the grant. A renewal, even after a lapse,
 *   restores the grant. Lease and grace run on CLOCK_BOOTTIME. A grant
 *   under a policy without GRANT_REQUIRED is accepted and reported, and has
 *   no effect on admission.
 *     TPPGATE_A_GRANT: NLA_NESTED, enum tppgate_grant_attr
 *       TPPGATE_GRANT_A_TPP:    NLA_U64, TPP granted to this host
 *       TPPGATE_GRANT_A_LEASE:  NLA_U32, seconds, 1..TPPGATE_GRANT_LEASE_MAX
 *       TPPGATE_GRANT_A_SERIAL: NLA_U64, >= 1, serial of the policy the
 *                               grant was computed for
 *   Reply: TPPGATE_A_STATUS as in STATUS_GET, after the change.
 *   Errors (the grant in force is left as it was):
 *     -EPERM       caller lacks CAP_NET_ADMIN
 *     -EINVAL      a required attribute is missing or malformed
 *     -ERANGE      lease outside 1..TPPGATE_GRANT_LEASE_MAX, or serial 0
 *     -ENOENT      no policy loaded
 *     -ESTALE      the serial is not the policy in force: the daemon must
 *                  read the policy again and recompute
 *     -ESHUTDOWN   the module is unloading
 *
 * Policy blob
 * -----------
 *   A policy is a stream of netlink attributes (struct nlattr, no message
 *   header), enum tppgate_policy_attr, in host byte order (little-endian on
 *   every architecture tppgate supports). The same bytes are the file that
 *   is signed and the payload of POLICY_SET. Unknown attributes, an
 *   attribute given twice (also inside HOST), NLA_F_NET_BYTEORDER and
 *   out-of-range values are rejected. Strings (ISSUER, REGION, CLUSTER_ID)
 *   are printable ASCII, not empty, ending with their single NUL. Times are
 *   at most S64_MAX (-ERANGE beyond).
 *     FORMAT          NLA_U32   TPPGATE_POLICY_FORMAT            required
 *     SERIAL          NLA_U64   >= 1, strictly increasing         required
 *     ISSUER          string    1..TPPGATE_ISSUER_MAX bytes       required
 *     NOT_BEFORE      NLA_U64   UTC seconds                       required
 *     NOT_AFTER       NLA_U64   UTC seconds, > NOT_BEFORE         required
 *     REGION          string    ISO 3166-1 alpha-2, upper case    required
 *     TIER            NLA_U8    1..3; tier 3 admits only exempt   required
 *     HOST            NLA_NESTED enum tppgate_host_attr: KIND (NLA_U32,
 *                               enum tppgate_host_kind) and HASH (32
 *                               bytes, SHA-256)                   optional
 *     NODE_CAP        NLA_U64   TPP this host may enable; absent: no cap
 *     CLUSTER_ID      string    1..TPPGATE_CLUSTER_ID_MAX bytes   optional
 *     CLUSTER_CAP     NLA_U64   TPP for the whole cluster         optional
 *     GRANT_REQUIRED  NLA_U8    0 or 1 (default 0)                optional
 *     OFFLINE_GRACE   NLA_U32   seconds (default 0)               optional
 *     OFFLINE_CAP     NLA_U64   TPP kept when offline (default 0) optional
 *     REVOKE_MODE     NLA_U32   enum tppgate_revoke_mode (default
 *                               TPPGATE_REVOKE_DEADLINE)          optional
 *     REVOKE_DEADLINE NLA_U32   seconds, <= TPPGATE_REVOKE_DEADLINE_MAX
 *                               (default 0: at once)              optional
 *     CLASSES         binary    __u16 class codes (base << 8 | sub) that
 *                               are accelerators besides the built-in
 *                               ones, at most TPPGATE_CLASSES_MAX  optional
 *     DEFAULT_ACTION  NLA_U32   enum tppgate_action for devices not in
 *                               the catalog (default deny)        optional
 *     CATALOG         binary    struct tppgate_catalog_entry[], at most
 *                               TPPGATE_CATALOG_MAX, in canonical order
 *                               (see below)                       optional
 *     CATALOG_SUBSYS  binary    struct tppgate_catalog_subsys[], indexes
 *                               strictly increasing               optional
 *     CATALOG_NAMES   binary    one NUL-terminated name per catalog entry,
 *                               each < TPPGATE_NAME_MAX bytes      optional
 *
 *   Canonical order: catalog entries ascend by vendor, then device; for
 *   one vendor:device, the entries restricted to a subsystem come first,
 *   ascending by subsystem vendor and subsystem device, and the entry
 *   without subsystem ids (at most one) comes last. The module checks the
 *   order in one pass and rejects a blob out of order with -EINVAL; the
 *   order also makes a duplicate entry impossible.
 */

#ifndef _UAPI_LINUX_TPPGATE_H
#define _UAPI_LINUX_TPPGATE_H

#include <linux/types.h>

#define TPPGATE_GENL_NAME		"tppgate"
#define TPPGATE_GENL_VERSION		1
#define TPPGATE_MCGRP_EVENTS		"events"

/* Name of the quarantine PCI driver, as seen in sysfs and driver_override. */
#define TPPGATE_DRIVER_NAME		"tppgate"

/* Longest BDF string, "dddddddd:bb:dd.f", without the terminating NUL. */
#define TPPGATE_BDF_MAX			16

/* Policy bounds. */
#define TPPGATE_POLICY_FORMAT		1
#define TPPGATE_POLICY_MAX		(60 * 1024)
#define TPPGATE_SIGNATURE_MAX		(8 * 1024)
#define TPPGATE_CATALOG_MAX		4096
#define TPPGATE_CLASSES_MAX		16
#define TPPGATE_ISSUER_MAX		128
#define TPPGATE_CLUSTER_ID_MAX		64
#define TPPGATE_NAME_MAX		64
#define TPPGATE_REVOKE_DEADLINE_MAX	(7 * 24 * 3600)
#define TPPGATE_SHA256_LEN		32

/* Longest grant lease, in seconds. */
#define TPPGATE_GRANT_LEASE_MAX		3600

enum tppgate_cmd {
	TPPGATE_CMD_UNSPEC,
	TPPGATE_CMD_DEVICE_GET,
	TPPGATE_CMD_DEVICE_ADMIT,
	TPPGATE_CMD_DEVICE_QUARANTINE,
	TPPGATE_CMD_STATUS_GET,
	TPPGATE_CMD_EVENT,
	TPPGATE_CMD_POLICY_SET,
	TPPGATE_CMD_POLICY_GET,
	TPPGATE_CMD_GRANT_SET,
	__TPPGATE_CMD_MAX
};

#define TPPGATE_CMD_MAX (__TPPGATE_CMD_MAX - 1)

enum tppgate_attr {
	TPPGATE_A_UNSPEC,
	TPPGATE_A_DEVICE,
	TPPGATE_A_STATUS,
	TPPGATE_A_EVENT,
	TPPGATE_A_POLICY,
	TPPGATE_A_SIGNATURE,
	TPPGATE_A_POLICY_INFO,
	TPPGATE_A_GRANT,
	__TPPGATE_A_MAX
};

#define TPPGATE_A_MAX (__TPPGATE_A_MAX - 1)

enum tppgate_device_attr {
	TPPGATE_DEVICE_A_UNSPEC,
	TPPGATE_DEVICE_A_BDF,
	TPPGATE_DEVICE_A_VENDOR,
	TPPGATE_DEVICE_A_DEVICE,
	TPPGATE_DEVICE_A_SUBSYS_VENDOR,
	TPPGATE_DEVICE_A_SUBSYS_DEVICE,
	TPPGATE_DEVICE_A_CLASS,
	TPPGATE_DEVICE_A_STATE,
	TPPGATE_DEVICE_A_REASON,
	TPPGATE_DEVICE_A_TPP,
	TPPGATE_DEVICE_A_FLAGS,
	TPPGATE_DEVICE_A_DRIVER,
	TPPGATE_DEVICE_A_PAD,
	__TPPGATE_DEVICE_A_MAX
};

#define TPPGATE_DEVICE_A_MAX (__TPPGATE_DEVICE_A_MAX - 1)

enum tppgate_status_attr {
	TPPGATE_STATUS_A_UNSPEC,
	TPPGATE_STATUS_A_VERSION,
	TPPGATE_STATUS_A_BOOT_MODE,
	TPPGATE_STATUS_A_FLAGS,
	TPPGATE_STATUS_A_N_QUARANTINED,
	TPPGATE_STATUS_A_N_ADMITTED,
	TPPGATE_STATUS_A_N_UNMANAGED_BOUND,
	TPPGATE_STATUS_A_N_UNMANAGED,
	TPPGATE_STATUS_A_N_OVER_CAP,
	TPPGATE_STATUS_A_ADMITTED_TPP,
	TPPGATE_STATUS_A_NODE_CAP,
	TPPGATE_STATUS_A_POLICY_SERIAL,
	TPPGATE_STATUS_A_PAD,
	TPPGATE_STATUS_A_GRANT,
	TPPGATE_STATUS_A_GRANT_SERIAL,
	TPPGATE_STATUS_A_LEASE_LEFT_MS,
	TPPGATE_STATUS_A_OFFLINE_SECS,
	TPPGATE_STATUS_A_EFFECTIVE_CAP,
	__TPPGATE_STATUS_A_MAX
};

#define TPPGATE_STATUS_A_MAX (__TPPGATE_STATUS_A_MAX - 1)

enum tppgate_grant_attr {
	TPPGATE_GRANT_A_UNSPEC,
	TPPGATE_GRANT_A_TPP,
	TPPGATE_GRANT_A_LEASE,
	TPPGATE_GRANT_A_SERIAL,
	TPPGATE_GRANT_A_PAD,
	__TPPGATE_GRANT_A_MAX
};

#define TPPGATE_GRANT_A_MAX (__TPPGATE_GRANT_A_MAX - 1)

/**
 * enum tppgate_state - what the gate is doing with an accelerator
 * @TPPGATE_STATE_QUARANTINED: held by the quarantine driver; never enabled,
 *	memory and I/O decoding and bus mastering off, BARs claimed.
 * @TPPGATE_STATE_ADMITTED: released to its real driver by the gate.
 * @TPPGATE_STATE_UNMANAGED_BOUND: already bound to another driver when the
 *	module loaded with boot=keep; left running and never unbound by the
 *	gate, but its TPP counts against the cap.
 * @TPPGATE_STATE_UNMANAGED: not gated at all (the boot VGA device, unless
 *	the gate_boot_vga parameter is set).
 * @TPPGATE_STATE_OVER_CAP: admitted, but the policy in force no longer
 *	allows it; quarantined when the revoke deadline passes (revoke mode
 *	deadline) or left running (revoke mode never).
 * @__TPPGATE_STATE_MAX: one past the last state, for bounds
 */
enum tppgate_state {
	TPPGATE_STATE_QUARANTINED,
	TPPGATE_STATE_ADMITTED,
	TPPGATE_STATE_UNMANAGED_BOUND,
	TPPGATE_STATE_UNMANAGED,
	TPPGATE_STATE_OVER_CAP,
	__TPPGATE_STATE_MAX
};

#define TPPGATE_STATE_MAX (__TPPGATE_STATE_MAX - 1)

/**
 * enum tppgate_reason - why a device is in its state
 * @TPPGATE_REASON_NONE: no particular reason (devices let go at unload).
 * @TPPGATE_REASON_NO_POLICY: quarantined because nothing admitted it.
 * @TPPGATE_REASON_MANUAL: quarantined or admitted by an administrator.
 * @TPPGATE_REASON_BOOT_VGA: the boot VGA device, left alone.
 * @TPPGATE_REASON_BOUND_AT_LOAD: bound before the module loaded (boot=keep).
 * @TPPGATE_REASON_CLAIM_FAILED: the quarantine driver could not bind; the
 *	device is still not enabled by anyone, but is not held either.
 * @TPPGATE_REASON_POLICY: admitted by the policy, counted against the cap.
 * @TPPGATE_REASON_EXEMPT: admitted by the policy as exempt (0 TPP).
 * @TPPGATE_REASON_DENIED: the catalog (or tier 3) denies it.
 * @TPPGATE_REASON_UNKNOWN_DEVICE: not in the catalog; the default action
 *	denies it.
 * @TPPGATE_REASON_OVER_CAP: admitting it would exceed the cap.
 * @TPPGATE_REASON_EXPIRED: the policy in force has expired.
 * @TPPGATE_REASON_FOLLOWS_PF: an SR-IOV virtual function, which follows its
 *	physical function: admitted at 0 TPP while the PF is admitted (the PF
 *	counts the whole device), held otherwise.
 * @TPPGATE_REASON_NO_GRANT: the policy requires a grant and none is in
 *	force (never granted, or its lease lapsed).
 * @__TPPGATE_REASON_MAX: one past the last reason, for bounds
 */
enum tppgate_reason {
	TPPGATE_REASON_NONE,
	TPPGATE_REASON_NO_POLICY,
	TPPGATE_REASON_MANUAL,
	TPPGATE_REASON_BOOT_VGA,
	TPPGATE_REASON_BOUND_AT_LOAD,
	TPPGATE_REASON_CLAIM_FAILED,
	TPPGATE_REASON_POLICY,
	TPPGATE_REASON_EXEMPT,
	TPPGATE_REASON_DENIED,
	TPPGATE_REASON_UNKNOWN_DEVICE,
	TPPGATE_REASON_OVER_CAP,
	TPPGATE_REASON_EXPIRED,
	TPPGATE_REASON_FOLLOWS_PF,
	TPPGATE_REASON_NO_GRANT,
	__TPPGATE_REASON_MAX
};

#define TPPGATE_REASON_MAX (__TPPGATE_REASON_MAX - 1)

/**
 * enum tppgate_device_flags - device facts
 * @TPPGATE_DEVICE_F_BOOT_VGA: the firmware's boot VGA device.
 * @TPPGATE_DEVICE_F_HELD: the quarantine driver is bound to it right now.
 * @TPPGATE_DEVICE_F_HOTPLUG: appeared after the module loaded.
 * @TPPGATE_DEVICE_F_MANUAL: an administrator admitted or quarantined it by
 *	hand (manual=1); the policy leaves it as it is until the next manual
 *	command, whatever its reason says (claim-failed, for one).
 * @TPPGATE_DEVICE_F_COUNTED: its TPP counts against the cap now. Set for
 *	admitted, over-cap and unmanaged-bound devices, and for the ungated
 *	boot VGA device, whose TPP counts whether or not a driver holds it.
 * @TPPGATE_DEVICE_F_VF: an SR-IOV virtual function (reason follows-pf).
 * @__TPPGATE_DEVICE_F_ALL: every flag defined so far
 */
enum tppgate_device_flags {
	TPPGATE_DEVICE_F_BOOT_VGA = 1U << 0,
	TPPGATE_DEVICE_F_HELD = 1U << 1,
	TPPGATE_DEVICE_F_HOTPLUG = 1U << 2,
	TPPGATE_DEVICE_F_MANUAL = 1U << 3,
	TPPGATE_DEVICE_F_COUNTED = 1U << 4,
	TPPGATE_DEVICE_F_VF = 1U << 5,
	__TPPGATE_DEVICE_F_ALL = TPPGATE_DEVICE_F_BOOT_VGA |
				 TPPGATE_DEVICE_F_HELD |
				 TPPGATE_DEVICE_F_HOTPLUG |
				 TPPGATE_DEVICE_F_MANUAL |
				 TPPGATE_DEVICE_F_COUNTED |
				 TPPGATE_DEVICE_F_VF
};

/**
 * enum tppgate_status_flags - module-wide facts
 * @TPPGATE_STATUS_F_GATE_BOOT_VGA: the boot VGA device is gated too.
 * @TPPGATE_STATUS_F_MANUAL: manual=1: DEVICE_ADMIT and DEVICE_QUARANTINE
 *	are allowed (an explicit override of the policy, logged).
 * @TPPGATE_STATUS_F_POLICY_EXPIRED: the policy in force has expired.
 * @TPPGATE_STATUS_F_GRANT_REQUIRED: the policy in force requires a grant.
 * @TPPGATE_STATUS_F_LEASE_LAPSED: the policy requires a grant and none holds:
 *	never granted since the policy was loaded, or its lease ended (also
 *	set with @TPPGATE_STATUS_F_OFFLINE_CAP).
 * @TPPGATE_STATUS_F_OFFLINE_CAP: the offline grace is over; the policy's
 *	offline cap is in force.
 * @__TPPGATE_STATUS_F_ALL: every flag defined so far
 */
enum tppgate_status_flags {
	TPPGATE_STATUS_F_GATE_BOOT_VGA = 1U << 0,
	TPPGATE_STATUS_F_MANUAL = 1U << 1,
	TPPGATE_STATUS_F_POLICY_EXPIRED = 1U << 2,
	TPPGATE_STATUS_F_GRANT_REQUIRED = 1U << 3,
	TPPGATE_STATUS_F_LEASE_LAPSED = 1U << 4,
	TPPGATE_STATUS_F_OFFLINE_CAP = 1U << 5,
	__TPPGATE_STATUS_F_ALL = TPPGATE_STATUS_F_GATE_BOOT_VGA |
				 TPPGATE_STATUS_F_MANUAL |
				 TPPGATE_STATUS_F_POLICY_EXPIRED |
				 TPPGATE_STATUS_F_GRANT_REQUIRED |
				 TPPGATE_STATUS_F_LEASE_LAPSED |
				 TPPGATE_STATUS_F_OFFLINE_CAP
};

/**
 * enum tppgate_boot_mode - what happens at load to accelerators already bound
 * @TPPGATE_BOOT_KEEP: leave them with their driver (unmanaged-bound).
 * @TPPGATE_BOOT_QUARANTINE: unbind them and hold them.
 * @__TPPGATE_BOOT_MAX: one past the last mode, for bounds
 */
enum tppgate_boot_mode {
	TPPGATE_BOOT_KEEP,
	TPPGATE_BOOT_QUARANTINE,
	__TPPGATE_BOOT_MAX
};

#define TPPGATE_BOOT_MAX (__TPPGATE_BOOT_MAX - 1)

/**
 * enum tppgate_event - what changed (TPPGATE_A_EVENT)
 * @TPPGATE_EVENT_DEVICE_ADDED: an accelerator appeared (hotplug, rescan).
 * @TPPGATE_EVENT_DEVICE_QUARANTINED: the quarantine driver now holds it.
 * @TPPGATE_EVENT_DEVICE_ADMITTED: released to its real driver.
 * @TPPGATE_EVENT_DEVICE_RELEASED: let go because the module is unloading.
 * @TPPGATE_EVENT_DEVICE_REMOVED: the device left the bus.
 * @TPPGATE_EVENT_DEVICE_OVER_CAP: an admitted device is now over the cap.
 * @TPPGATE_EVENT_POLICY_LOADED: a new policy is in force.
 * @TPPGATE_EVENT_POLICY_EXPIRED: the policy in force passed its not-after.
 * @TPPGATE_EVENT_GRANT_CHANGED: GRANT_SET gave the first grant for the
 *	policy in force, changed the TPP granted, or renewed a grant whose
 *	lease had lapsed. A renewal that changes nothing sends no event.
 * @TPPGATE_EVENT_LEASE_LAPSED: the grant's lease lapsed without renewal (not
 *	sent when a policy load drops the grant, nor when the offline cap
 *	follows at once).
 * @TPPGATE_EVENT_OFFLINE_CAP: the offline grace is over; the offline cap
 *	is in force.
 * @TPPGATE_EVENT_UNSPEC: never sent
 * @__TPPGATE_EVENT_MAX: one past the last event, for bounds
 */
enum tppgate_event {
	TPPGATE_EVENT_UNSPEC,
	TPPGATE_EVENT_DEVICE_ADDED,
	TPPGATE_EVENT_DEVICE_QUARANTINED,
	TPPGATE_EVENT_DEVICE_ADMITTED,
	TPPGATE_EVENT_DEVICE_RELEASED,
	TPPGATE_EVENT_DEVICE_REMOVED,
	TPPGATE_EVENT_DEVICE_OVER_CAP,
	TPPGATE_EVENT_POLICY_LOADED,
	TPPGATE_EVENT_POLICY_EXPIRED,
	TPPGATE_EVENT_GRANT_CHANGED,
	TPPGATE_EVENT_LEASE_LAPSED,
	TPPGATE_EVENT_OFFLINE_CAP,
	__TPPGATE_EVENT_MAX
};

#define TPPGATE_EVENT_MAX (__TPPGATE_EVENT_MAX - 1)

enum tppgate_policy_attr {
	TPPGATE_POLICY_A_UNSPEC,
	TPPGATE_POLICY_A_FORMAT,
	TPPGATE_POLICY_A_SERIAL,
	TPPGATE_POLICY_A_ISSUER,
	TPPGATE_POLICY_A_NOT_BEFORE,
	TPPGATE_POLICY_A_NOT_AFTER,
	TPPGATE_POLICY_A_REGION,
	TPPGATE_POLICY_A_TIER,
	TPPGATE_POLICY_A_HOST,
	TPPGATE_POLICY_A_NODE_CAP,
	TPPGATE_POLICY_A_CLUSTER_ID,
	TPPGATE_POLICY_A_CLUSTER_CAP,
	TPPGATE_POLICY_A_GRANT_REQUIRED,
	TPPGATE_POLICY_A_OFFLINE_GRACE,
	TPPGATE_POLICY_A_OFFLINE_CAP,
	TPPGATE_POLICY_A_REVOKE_MODE,
	TPPGATE_POLICY_A_REVOKE_DEADLINE,
	TPPGATE_POLICY_A_CLASSES,
	TPPGATE_POLICY_A_DEFAULT_ACTION,
	TPPGATE_POLICY_A_CATALOG,
	TPPGATE_POLICY_A_CATALOG_SUBSYS,
	TPPGATE_POLICY_A_CATALOG_NAMES,
	TPPGATE_POLICY_A_PAD,
	/*
	 * Only in TPPGATE_A_POLICY_INFO, never in a blob (rejected there).
	 * N_ENTRIES: NLA_U32 catalog size; SHA256: 32 bytes, of the blob;
	 * LOADED_AT: NLA_U64 UTC seconds; VERIFY_NS, PARSE_NS, APPLY_NS:
	 * NLA_U64, how long each phase of the load took; EXPIRED: NLA_U8.
	 */
	TPPGATE_POLICY_A_INFO_N_ENTRIES,
	TPPGATE_POLICY_A_INFO_SHA256,
	TPPGATE_POLICY_A_INFO_LOADED_AT,
	TPPGATE_POLICY_A_INFO_VERIFY_NS,
	TPPGATE_POLICY_A_INFO_PARSE_NS,
	TPPGATE_POLICY_A_INFO_APPLY_NS,
	TPPGATE_POLICY_A_INFO_EXPIRED,
	__TPPGATE_POLICY_A_MAX
};

#define TPPGATE_POLICY_A_MAX (__TPPGATE_POLICY_A_MAX - 1)

enum tppgate_host_attr {
	TPPGATE_HOST_A_UNSPEC,
	TPPGATE_HOST_A_KIND,
	TPPGATE_HOST_A_HASH,
	__TPPGATE_HOST_A_MAX
};

#define TPPGATE_HOST_A_MAX (__TPPGATE_HOST_A_MAX - 1)

/**
 * enum tppgate_host_kind - what a host binding hashes
 * @TPPGATE_HOST_DMI_UUID: SHA-256 of the DMI product UUID as the kernel
 *	reports it (/sys/class/dmi/id/product_uuid, lower case, no newline);
 *	the module computes it itself.
 * @TPPGATE_HOST_MACHINE_ID: SHA-256 of /etc/machine-id (32 hex digits, no
 *	newline); the module compares it with its host_id= parameter, which
 *	the administrator sets at load (modprobe.d).
 * @__TPPGATE_HOST_KIND_MAX: one past the last kind, for bounds
 */
enum tppgate_host_kind {
	TPPGATE_HOST_DMI_UUID,
	TPPGATE_HOST_MACHINE_ID,
	__TPPGATE_HOST_KIND_MAX
};

#define TPPGATE_HOST_KIND_MAX (__TPPGATE_HOST_KIND_MAX - 1)

/**
 * enum tppgate_action - what the catalog says of a device
 * @TPPGATE_ACTION_DENY: never admitted.
 * @TPPGATE_ACTION_COUNT: admitted while its TPP fits under the cap.
 * @TPPGATE_ACTION_EXEMPT: admitted with 0 TPP (below the control
 *	thresholds), in every tier.
 * @__TPPGATE_ACTION_MAX: one past the last action, for bounds
 */
enum tppgate_action {
	TPPGATE_ACTION_DENY,
	TPPGATE_ACTION_COUNT,
	TPPGATE_ACTION_EXEMPT,
	__TPPGATE_ACTION_MAX
};

#define TPPGATE_ACTION_MAX (__TPPGATE_ACTION_MAX - 1)

/**
 * enum tppgate_revoke_mode - what happens to devices over the cap
 * @TPPGATE_REVOKE_NEVER: they keep running; nothing new is admitted.
 * @TPPGATE_REVOKE_DEADLINE: they are quarantined REVOKE_DEADLINE seconds
 *	after they went over the cap, in reverse admission order.
 * @__TPPGATE_REVOKE_MAX: one past the last mode, for bounds
 */
enum tppgate_revoke_mode {
	TPPGATE_REVOKE_NEVER,
	TPPGATE_REVOKE_DEADLINE,
	__TPPGATE_REVOKE_MAX
};

#define TPPGATE_REVOKE_MAX (__TPPGATE_REVOKE_MAX - 1)

/**
 * struct tppgate_catalog_entry - one accelerator model (12 bytes)
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @tpp: Total Processing Performance of one device
 * @pd: performance density times 100 (0: unknown)
 * @action: enum tppgate_action
 * @flags: reserved, must be 0
 *
 * When two entries match a device, the one with subsystem ids (see struct
 * tppgate_catalog_subsys) wins over the one without. Entries are in the
 * canonical order described at the top of this header.
 */
struct tppgate_catalog_entry {
	__u16 vendor;
	__u16 device;
	__u32 tpp;
	__u16 pd;
	__u8 action;
	__u8 flags;
};

/**
 * struct tppgate_catalog_subsys - restrict a catalog entry to a subsystem
 * @index: the catalog entry it restricts
 * @subsystem_vendor: PCI subsystem vendor id
 * @subsystem_device: PCI subsystem device id
 */
struct tppgate_catalog_subsys {
	__u32 index;
	__u16 subsystem_vendor;
	__u16 subsystem_device;
};

/*
 * Signed policy file (.tpp): the blob, then the DER signature, then this
 * trailer, which ends the file (like an appended module signature).
 * Lengths are big-endian.
 */
#define TPPGATE_FILE_MAGIC "~tppgate signed policy~\n"

struct tppgate_file_trailer {
	__u32 blob_len;		/* big-endian */
	__u32 sig_len;		/* big-endian */
	__u8 version;		/* 1 */
	__u8 reserved[7];	/* 0 */
	char magic[24];		/* TPPGATE_FILE_MAGIC, without its NUL */
};

#endif /* _UAPI_LINUX_TPPGATE_H */
