/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tppgate: quarantine for accelerator PCI devices, admitted by compute cap.
 *
 * Generic netlink family "tppgate", version 1, in the initial network
 * namespace only. Multicast group "events". All integers are in host byte
 * order. Every command is validated strictly: unknown attributes, unknown
 * flag bits and out-of-range values are rejected with -EINVAL and an extended
 * ack message that names the offending attribute.
 *
 * A device is named by its PCI address (BDF) in the kernel's own form,
 * "DDDD:BB:DD.F" as in /sys/bus/pci/devices, lower-case hex.
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
 *   Reply: the device as in DEVICE_GET, after the change.
 *   Errors: -ENODEV no PCI device with that address; -EOPNOTSUPP the device
 *   is not an accelerator; -EPERM the caller lacks CAP_NET_ADMIN.
 *
 * TPPGATE_CMD_DEVICE_QUARANTINE (CAP_NET_ADMIN)
 * -----------------------------
 *   Take an accelerator back: unbind its driver, bind the quarantine driver,
 *   stop its decoding and bus mastering. Same attributes, reply and errors as
 *   TPPGATE_CMD_DEVICE_ADMIT.
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
 *
 * TPPGATE_CMD_EVENT (multicast only, group "events")
 * -----------------
 *   Sent once per change of a device's state.
 *     TPPGATE_A_EVENT:  NLA_U32, enum tppgate_event
 *     TPPGATE_A_DEVICE: NLA_NESTED, the device after the change, as in
 *                       DEVICE_GET
 */

#ifndef _UAPI_LINUX_TPPGATE_H
#define _UAPI_LINUX_TPPGATE_H

#define TPPGATE_GENL_NAME		"tppgate"
#define TPPGATE_GENL_VERSION		1
#define TPPGATE_MCGRP_EVENTS		"events"

/* Name of the quarantine PCI driver, as seen in sysfs and driver_override. */
#define TPPGATE_DRIVER_NAME		"tppgate"

/* Longest BDF string, "dddddddd:bb:dd.f", without the terminating NUL. */
#define TPPGATE_BDF_MAX			16

enum tppgate_cmd {
	TPPGATE_CMD_UNSPEC,
	TPPGATE_CMD_DEVICE_GET,
	TPPGATE_CMD_DEVICE_ADMIT,
	TPPGATE_CMD_DEVICE_QUARANTINE,
	TPPGATE_CMD_STATUS_GET,
	TPPGATE_CMD_EVENT,
	__TPPGATE_CMD_MAX
};

#define TPPGATE_CMD_MAX (__TPPGATE_CMD_MAX - 1)

enum tppgate_attr {
	TPPGATE_A_UNSPEC,
	TPPGATE_A_DEVICE,
	TPPGATE_A_STATUS,
	TPPGATE_A_EVENT,
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
	__TPPGATE_STATUS_A_MAX
};

#define TPPGATE_STATUS_A_MAX (__TPPGATE_STATUS_A_MAX - 1)

/**
 * enum tppgate_state - what the gate is doing with an accelerator
 * @TPPGATE_STATE_QUARANTINED: held by the quarantine driver; never enabled,
 *	memory and I/O decoding and bus mastering off, BARs claimed.
 * @TPPGATE_STATE_ADMITTED: released to its real driver by the gate.
 * @TPPGATE_STATE_UNMANAGED_BOUND: already bound to another driver when the
 *	module loaded with boot=keep; left running, not counted as admitted.
 * @TPPGATE_STATE_UNMANAGED: not gated at all (the boot VGA device, unless
 *	the gate_boot_vga parameter is set).
 */
enum tppgate_state {
	TPPGATE_STATE_QUARANTINED,
	TPPGATE_STATE_ADMITTED,
	TPPGATE_STATE_UNMANAGED_BOUND,
	TPPGATE_STATE_UNMANAGED,
	__TPPGATE_STATE_MAX
};

#define TPPGATE_STATE_MAX (__TPPGATE_STATE_MAX - 1)

/**
 * enum tppgate_reason - why a device is in its state
 * @TPPGATE_REASON_NONE: no particular reason (admitted devices).
 * @TPPGATE_REASON_NO_POLICY: quarantined because nothing admitted it.
 * @TPPGATE_REASON_MANUAL: quarantined or admitted by an administrator.
 * @TPPGATE_REASON_BOOT_VGA: the boot VGA device, left alone.
 * @TPPGATE_REASON_BOUND_AT_LOAD: bound before the module loaded (boot=keep).
 * @TPPGATE_REASON_CLAIM_FAILED: the quarantine driver could not bind; the
 *	device is still not enabled by anyone, but is not held either.
 */
enum tppgate_reason {
	TPPGATE_REASON_NONE,
	TPPGATE_REASON_NO_POLICY,
	TPPGATE_REASON_MANUAL,
	TPPGATE_REASON_BOOT_VGA,
	TPPGATE_REASON_BOUND_AT_LOAD,
	TPPGATE_REASON_CLAIM_FAILED,
	__TPPGATE_REASON_MAX
};

#define TPPGATE_REASON_MAX (__TPPGATE_REASON_MAX - 1)

/**
 * enum tppgate_device_flags - device facts
 * @TPPGATE_DEVICE_F_BOOT_VGA: the firmware's boot VGA device.
 * @TPPGATE_DEVICE_F_HELD: the quarantine driver is bound to it right now.
 * @TPPGATE_DEVICE_F_HOTPLUG: appeared after the module loaded.
 */
enum tppgate_device_flags {
	TPPGATE_DEVICE_F_BOOT_VGA = 1U << 0,
	TPPGATE_DEVICE_F_HELD = 1U << 1,
	TPPGATE_DEVICE_F_HOTPLUG = 1U << 2,
	__TPPGATE_DEVICE_F_ALL = TPPGATE_DEVICE_F_BOOT_VGA |
				 TPPGATE_DEVICE_F_HELD |
				 TPPGATE_DEVICE_F_HOTPLUG
};

/**
 * enum tppgate_status_flags - module-wide facts
 * @TPPGATE_STATUS_F_GATE_BOOT_VGA: the boot VGA device is gated too.
 */
enum tppgate_status_flags {
	TPPGATE_STATUS_F_GATE_BOOT_VGA = 1U << 0,
	__TPPGATE_STATUS_F_ALL = TPPGATE_STATUS_F_GATE_BOOT_VGA
};

/**
 * enum tppgate_boot_mode - what happens at load to accelerators already bound
 * @TPPGATE_BOOT_KEEP: leave them with their driver (unmanaged-bound).
 * @TPPGATE_BOOT_QUARANTINE: unbind them and hold them.
 */
enum tppgate_boot_mode {
	TPPGATE_BOOT_KEEP,
	TPPGATE_BOOT_QUARANTINE,
	__TPPGATE_BOOT_MAX
};

/**
 * enum tppgate_event - what changed (TPPGATE_A_EVENT)
 * @TPPGATE_EVENT_DEVICE_ADDED: an accelerator appeared (hotplug, rescan).
 * @TPPGATE_EVENT_DEVICE_QUARANTINED: the quarantine driver now holds it.
 * @TPPGATE_EVENT_DEVICE_ADMITTED: released to its real driver.
 * @TPPGATE_EVENT_DEVICE_RELEASED: let go because the module is unloading.
 * @TPPGATE_EVENT_DEVICE_REMOVED: the device left the bus.
 */
enum tppgate_event {
	TPPGATE_EVENT_UNSPEC,
	TPPGATE_EVENT_DEVICE_ADDED,
	TPPGATE_EVENT_DEVICE_QUARANTINED,
	TPPGATE_EVENT_DEVICE_ADMITTED,
	TPPGATE_EVENT_DEVICE_RELEASED,
	TPPGATE_EVENT_DEVICE_REMOVED,
	__TPPGATE_EVENT_MAX
};

#define TPPGATE_EVENT_MAX (__TPPGATE_EVENT_MAX - 1)

#endif /* _UAPI_LINUX_TPPGATE_H */
