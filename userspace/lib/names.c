// SPDX-License-Identifier: LGPL-2.1
/*
 * Enum values and flag bits of the tppgate ABI as stable strings. These
 * strings are part of tppctl's output (text and JSON), so they never change
 * once released.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	[TPPGATE_REASON_FOLLOWS_PF] = "follows-pf",
	[TPPGATE_REASON_NO_GRANT] = "no-grant",
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
	[TPPGATE_EVENT_GRANT_CHANGED] = "grant-changed",
	[TPPGATE_EVENT_LEASE_LAPSED] = "lease-lapsed",
	[TPPGATE_EVENT_OFFLINE_CAP] = "offline-cap",
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
	[3] = "manual",		/* TPPGATE_DEVICE_F_MANUAL */
	[4] = "counted",	/* TPPGATE_DEVICE_F_COUNTED */
	[5] = "vf",		/* TPPGATE_DEVICE_F_VF */
};

static const char *const status_flag_names[] = {
	[0] = "gate-boot-vga",	/* TPPGATE_STATUS_F_GATE_BOOT_VGA */
	[1] = "manual",		/* TPPGATE_STATUS_F_MANUAL */
	[2] = "policy-expired",	/* TPPGATE_STATUS_F_POLICY_EXPIRED */
	[3] = "grant-required",	/* TPPGATE_STATUS_F_GRANT_REQUIRED */
	[4] = "lease-lapsed",	/* TPPGATE_STATUS_F_LEASE_LAPSED */
	[5] = "offline-cap",	/* TPPGATE_STATUS_F_OFFLINE_CAP */
};

/* These three are also the words of the JSON policy source. */
static const char *const action_names[] = {
	[TPPGATE_ACTION_DENY] = "deny",
	[TPPGATE_ACTION_COUNT] = "count",
	[TPPGATE_ACTION_EXEMPT] = "exempt",
};

static const char *const revoke_mode_names[] = {
	[TPPGATE_REVOKE_NEVER] = "never",
	[TPPGATE_REVOKE_DEADLINE] = "deadline",
};

static const char *const host_kind_names[] = {
	[TPPGATE_HOST_DMI_UUID] = "dmi-uuid",
	[TPPGATE_HOST_MACHINE_ID] = "machine-id",
};

/* Every table must cover its enum exactly, so a new value breaks the build. */
_Static_assert(ARRAY_SIZE(action_names) == __TPPGATE_ACTION_MAX, "actions");
_Static_assert(ARRAY_SIZE(revoke_mode_names) == __TPPGATE_REVOKE_MAX, "revoke");
_Static_assert(ARRAY_SIZE(host_kind_names) == __TPPGATE_HOST_KIND_MAX, "hosts");
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

const char *tppgate_action_name(uint32_t action)
{
	return lookup(action_names, ARRAY_SIZE(action_names), action);
}

int tppgate_action_from_name(const char *name)
{
	return rlookup(action_names, ARRAY_SIZE(action_names), name);
}

const char *tppgate_revoke_mode_name(uint32_t mode)
{
	return lookup(revoke_mode_names, ARRAY_SIZE(revoke_mode_names), mode);
}

int tppgate_revoke_mode_from_name(const char *name)
{
	return rlookup(revoke_mode_names, ARRAY_SIZE(revoke_mode_names), name);
}

const char *tppgate_host_kind_name(uint32_t kind)
{
	return lookup(host_kind_names, ARRAY_SIZE(host_kind_names), kind);
}

int tppgate_host_kind_from_name(const char *name)
{
	return rlookup(host_kind_names, ARRAY_SIZE(host_kind_names), name);
}

/*
 * Dates without the C library's time zone machinery: days since 1970-01-01
 * of a proleptic Gregorian date (Howard Hinnant's days_from_civil), and back.
 */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned int *m,
			    unsigned int *d)
{
	int64_t era;
	unsigned int doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* 9999-12-31T23:59:59Z */
#define TIME_ISO_MAX	253402300799ULL

void tppgate_time_format(uint64_t t, char *buf, size_t len)
{
	unsigned int m, d, sec = (unsigned int)(t % 86400);
	int64_t y;

	if (t > TIME_ISO_MAX) {
		snprintf(buf, len, "%" PRIu64, t);
		return;
	}
	civil_from_days((int64_t)(t / 86400), &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m, d,
		 sec / 3600, sec / 60 % 60, sec % 60);
}

/* Exactly @n decimal digits at @s. */
static int digits(const char *s, unsigned int n, unsigned int *out)
{
	unsigned int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tppgate_time_parse(const char *s, uint64_t *out)
{
	static const unsigned int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	unsigned int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0;
	int64_t t, sign = 0;
	size_t n = strlen(s);

	if (n < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -EINVAL;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != 't') || n < 20 ||
		    digits(s + 11, 2, &h) || s[13] != ':' ||
		    digits(s + 14, 2, &mi) || s[16] != ':' ||
		    digits(s + 17, 2, &se))
			return -EINVAL;
		if (n == 20 && (s[19] == 'Z' || s[19] == 'z'))
			sign = 0;
		else if (n == 25 && (s[19] == '+' || s[19] == '-') &&
			 !digits(s + 20, 2, &oh) && s[22] == ':' &&
			 !digits(s + 23, 2, &om) && oh < 24 && om < 60)
			sign = s[19] == '+' ? 1 : -1;
		else
			return -EINVAL;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    se > 59)
		return -EINVAL;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	/* A local time east of UTC is earlier in UTC. */
	t -= sign * (int64_t)(oh * 3600 + om * 60);
	if (t < 0 || (uint64_t)t > TIME_ISO_MAX)
		return -EINVAL;
	*out = (uint64_t)t;
	return 0;
}
