// SPDX-License-Identifier: LGPL-2.1
/*
 * Enum values and flag bits of the tppgate ABI as stable strings. These
 * strings are part of tppctl's output (text and JSON), so they never change
 * once released.
 */
#include <errno.h>
#include <string.h>

#include "libtppgate.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[] = {
	[TPPGATE_STATE_QUARANTINED] = "quarantined",
	[TPPGATE_STATE_ADMITTED] = "admitted",
	[TPPGATE_STATE_UNMANAGED_BOUND] = "unmanaged-bound",
	[TPPGATE_STATE_UNMANAGED] = "unmanaged",
	[TPPGATE_STATE_OVER_CAP] = "over-cap",
};

static const char *const reason_names[] = {
	[TPPGATE_REASON_NONE] = "none",
	[TPPGATE_REASON_NO_POLICY] = "no-policy",
	[TPPGATE_REASON_MANUAL] = "manual",
	[TPPGATE_REASON_BOOT_VGA] = "boot-vga",
	[TPPGATE_REASON_BOUND_AT_LOAD] = "bound-at-load",
	[TPPGATE_REASON_CLAIM_FAILED] = "claim-failed",
	[TPPGATE_REASON_POLICY] = "policy",
	[TPPGATE_REASON_EXEMPT] = "exempt",
	[TPPGATE_REASON_DENIED] = "denied",
	[TPPGATE_REASON_UNKNOWN_DEVICE] = "unknown-device",
	[TPPGATE_REASON_OVER_CAP] = "over-cap",
	[TPPGATE_REASON_EXPIRED] = "expired",
};

/* TPPGATE_EVENT_UNSPEC has no name: it is never a real event. */
static const char *const event_names[] = {
	[TPPGATE_EVENT_DEVICE_ADDED] = "added",
	[TPPGATE_EVENT_DEVICE_QUARANTINED] = "quarantined",
	[TPPGATE_EVENT_DEVICE_ADMITTED] = "admitted",
	[TPPGATE_EVENT_DEVICE_RELEASED] = "released",
	[TPPGATE_EVENT_DEVICE_REMOVED] = "removed",
	[TPPGATE_EVENT_DEVICE_OVER_CAP] = "over-cap",
	[TPPGATE_EVENT_POLICY_LOADED] = "policy-loaded",
	[TPPGATE_EVENT_POLICY_EXPIRED] = "policy-expired",
};

static const char *const boot_mode_names[] = {
	[TPPGATE_BOOT_KEEP] = "keep",
	[TPPGATE_BOOT_QUARANTINE] = "quarantine",
};

/* Indexed by bit number. */
static const char *const device_flag_names[] = {
	[0] = "boot-vga",	/* TPPGATE_DEVICE_F_BOOT_VGA */
	[1] = "held",		/* TPPGATE_DEVICE_F_HELD */
	[2] = "hotplug",	/* TPPGATE_DEVICE_F_HOTPLUG */
};

static const char *const status_flag_names[] = {
	[0] = "gate-boot-vga",	/* TPPGATE_STATUS_F_GATE_BOOT_VGA */
	[1] = "manual",		/* TPPGATE_STATUS_F_MANUAL */
	[2] = "policy-expired",	/* TPPGATE_STATUS_F_POLICY_EXPIRED */
};

/* Every table must cover its enum exactly, so a new value breaks the build. */
_Static_assert(ARRAY_SIZE(state_names) == __TPPGATE_STATE_MAX, "states");
_Static_assert(ARRAY_SIZE(reason_names) == __TPPGATE_REASON_MAX, "reasons");
_Static_assert(ARRAY_SIZE(event_names) == __TPPGATE_EVENT_MAX, "events");
_Static_assert(ARRAY_SIZE(boot_mode_names) == __TPPGATE_BOOT_MAX, "boot");
_Static_assert(__TPPGATE_DEVICE_F_ALL == (1U << ARRAY_SIZE(device_flag_names)) - 1,
	       "device flags");
_Static_assert(__TPPGATE_STATUS_F_ALL == (1U << ARRAY_SIZE(status_flag_names)) - 1,
	       "status flags");

static const char *lookup(const char *const *tbl, size_t n, uint32_t v)
{
	return v < n ? tbl[v] : NULL;
}

static int rlookup(const char *const *tbl, size_t n, const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (tbl[i] && !strcmp(tbl[i], name))
			return (int)i;
	return -EINVAL;
}

/* Bit number of a one-bit mask, or -1. */
static int bitnum(uint32_t bit)
{
	if (!bit || (bit & (bit - 1)))
		return -1;
	return __builtin_ctz(bit);
}

const char *tppgate_state_name(uint32_t state)
{
	return lookup(state_names, ARRAY_SIZE(state_names), state);
}

int tppgate_state_from_name(const char *name)
{
	return rlookup(state_names, ARRAY_SIZE(state_names), name);
}

const char *tppgate_reason_name(uint32_t reason)
{
	return lookup(reason_names, ARRAY_SIZE(reason_names), reason);
}

int tppgate_reason_from_name(const char *name)
{
	return rlookup(reason_names, ARRAY_SIZE(reason_names), name);
}

const char *tppgate_event_name(uint32_t event)
{
	return lookup(event_names, ARRAY_SIZE(event_names), event);
}

int tppgate_event_from_name(const char *name)
{
	return rlookup(event_names, ARRAY_SIZE(event_names), name);
}

bool tppgate_event_is_device(uint32_t event)
{
	switch (event) {
	case TPPGATE_EVENT_DEVICE_ADDED:
	case TPPGATE_EVENT_DEVICE_QUARANTINED:
	case TPPGATE_EVENT_DEVICE_ADMITTED:
	case TPPGATE_EVENT_DEVICE_RELEASED:
	case TPPGATE_EVENT_DEVICE_REMOVED:
	case TPPGATE_EVENT_DEVICE_OVER_CAP:
		return true;
	default:
		return false;
	}
}

const char *tppgate_boot_mode_name(uint32_t mode)
{
	return lookup(boot_mode_names, ARRAY_SIZE(boot_mode_names), mode);
}

int tppgate_boot_mode_from_name(const char *name)
{
	return rlookup(boot_mode_names, ARRAY_SIZE(boot_mode_names), name);
}

const char *tppgate_device_flag_name(uint32_t bit)
{
	int n = bitnum(bit);

	return n < 0 ? NULL : lookup(device_flag_names,
				     ARRAY_SIZE(device_flag_names), (uint32_t)n);
}

long tppgate_device_flag_from_name(const char *name)
{
	int n = rlookup(device_flag_names, ARRAY_SIZE(device_flag_names), name);

	return n < 0 ? n : (long)(1UL << n);
}

const char *tppgate_status_flag_name(uint32_t bit)
{
	int n = bitnum(bit);

	return n < 0 ? NULL : lookup(status_flag_names,
				     ARRAY_SIZE(status_flag_names), (uint32_t)n);
}

long tppgate_status_flag_from_name(const char *name)
{
	int n = rlookup(status_flag_names, ARRAY_SIZE(status_flag_names), name);

	return n < 0 ? n : (long)(1UL << n);
}
