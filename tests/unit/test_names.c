// SPDX-License-Identifier: GPL-2.0
/* Enum and flag names: the exact strings, and that they round-trip. */
#include <errno.h>
#include <stddef.h>

#include "libtppgate.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef const char *(*name_fn)(uint32_t);
typedef int (*from_fn)(const char *);

static void round_trip(const char *what, name_fn name, from_fn from,
		       uint32_t first, uint32_t max, const char *const *want)
{
	uint32_t v;

	for (v = first; v <= max; v++) {
		const char *s = name(v);

		is_str(s, want[v - first], "%s %u is '%s'", what, v,
		       want[v - first]);
		is_int(from(s ? s : ""), v, "%s '%s' maps back to %u", what,
		       s ? s : "(null)", v);
	}
	ok(name(max + 1) == NULL, "%s %u (past the max) has no name", what,
	   max + 1);
	ok(name(UINT32_MAX) == NULL, "%s UINT32_MAX has no name", what);
	is_int(from("bogus"), -EINVAL, "%s 'bogus' is rejected", what);
	is_int(from(NULL), -EINVAL, "%s NULL is rejected", what);
	is_int(from(""), -EINVAL, "%s '' is rejected", what);
}

static const char *const states[] = {
	"quarantined", "admitted", "unmanaged-bound", "unmanaged", "over-cap",
};
static const char *const reasons[] = {
	"none", "no-policy", "manual", "boot-vga", "bound-at-load",
	"claim-failed", "policy", "exempt", "denied", "unknown-device",
	"over-cap", "expired", "follows-pf", "no-grant",
};
static const char *const events[] = {
	"added", "quarantined", "admitted", "released", "removed", "over-cap",
	"policy-loaded", "policy-expired", "grant-changed", "lease-lapsed",
	"offline-cap",
};
static const char *const boot_modes[] = { "keep", "quarantine" };

static void flags(void)
{
	static const struct { uint32_t bit; const char *name; } dev[] = {
		{ TPPGATE_DEVICE_F_BOOT_VGA, "boot-vga" },
		{ TPPGATE_DEVICE_F_HELD, "held" },
		{ TPPGATE_DEVICE_F_HOTPLUG, "hotplug" },
		{ TPPGATE_DEVICE_F_MANUAL, "manual" },
		{ TPPGATE_DEVICE_F_COUNTED, "counted" },
		{ TPPGATE_DEVICE_F_VF, "vf" },
	}, st[] = {
		{ TPPGATE_STATUS_F_GATE_BOOT_VGA, "gate-boot-vga" },
		{ TPPGATE_STATUS_F_MANUAL, "manual" },
		{ TPPGATE_STATUS_F_POLICY_EXPIRED, "policy-expired" },
		{ TPPGATE_STATUS_F_GRANT_REQUIRED, "grant-required" },
		{ TPPGATE_STATUS_F_LEASE_LAPSED, "lease-lapsed" },
		{ TPPGATE_STATUS_F_OFFLINE_CAP, "offline-cap" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dev); i++) {
		is_str(tppgate_device_flag_name(dev[i].bit), dev[i].name,
		       "device flag %#x is '%s'", dev[i].bit, dev[i].name);
		is_int(tppgate_device_flag_from_name(dev[i].name), dev[i].bit,
		       "device flag '%s' maps back", dev[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(st); i++) {
		is_str(tppgate_status_flag_name(st[i].bit), st[i].name,
		       "status flag %#x is '%s'", st[i].bit, st[i].name);
		is_int(tppgate_status_flag_from_name(st[i].name), st[i].bit,
		       "status flag '%s' maps back", st[i].name);
	}
	ok(!tppgate_device_flag_name(0), "device flag 0 has no name");
	ok(!tppgate_device_flag_name(TPPGATE_DEVICE_F_HELD |
				     TPPGATE_DEVICE_F_HOTPLUG),
	   "two device flags at once have no single name");
	ok(!tppgate_device_flag_name(1U << 31), "unknown device bit has no name");
	ok(!tppgate_status_flag_name(1U << 6), "unknown status bit has no name");
	is_int(tppgate_device_flag_from_name("gate-boot-vga"), -EINVAL,
	       "a status flag is not a device flag");
}

static void device_events(void)
{
	ok(!tppgate_event_is_device(TPPGATE_EVENT_UNSPEC),
	   "UNSPEC is not a device event");
	ok(tppgate_event_is_device(TPPGATE_EVENT_DEVICE_ADDED) &&
	   tppgate_event_is_device(TPPGATE_EVENT_DEVICE_OVER_CAP),
	   "added and over-cap are device events");
	ok(!tppgate_event_is_device(TPPGATE_EVENT_POLICY_LOADED) &&
	   !tppgate_event_is_device(TPPGATE_EVENT_POLICY_EXPIRED),
	   "policy events are not device events");
	ok(!tppgate_event_is_device(TPPGATE_EVENT_GRANT_CHANGED) &&
	   !tppgate_event_is_device(TPPGATE_EVENT_LEASE_LAPSED) &&
	   !tppgate_event_is_device(TPPGATE_EVENT_OFFLINE_CAP),
	   "grant events are not device events");
}

void test_names(void)
{
	_Static_assert(ARRAY_SIZE(states) == __TPPGATE_STATE_MAX, "states");
	_Static_assert(ARRAY_SIZE(reasons) == __TPPGATE_REASON_MAX, "reasons");
	_Static_assert(ARRAY_SIZE(events) == TPPGATE_EVENT_MAX, "events");

	round_trip("state", tppgate_state_name, tppgate_state_from_name, 0,
		   TPPGATE_STATE_MAX, states);
	round_trip("reason", tppgate_reason_name, tppgate_reason_from_name, 0,
		   TPPGATE_REASON_MAX, reasons);
	round_trip("event", tppgate_event_name, tppgate_event_from_name, 1,
		   TPPGATE_EVENT_MAX, events);
	ok(!tppgate_event_name(TPPGATE_EVENT_UNSPEC), "event UNSPEC has no name");
	round_trip("boot mode", tppgate_boot_mode_name,
		   tppgate_boot_mode_from_name, 0, __TPPGATE_BOOT_MAX - 1,
		   boot_modes);
	flags();
	device_events();
}
