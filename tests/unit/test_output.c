// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl's output, compared byte for byte: the JSON keys and the column
 * layout are what scripts (and the VM tests) parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"
#include "unit.h"

static const struct tppgate_device_info edu = {
	.bdf = "0000:00:04.0",
	.vendor = 0x1234,
	.device = 0x11e8,
	.subsys_vendor = 0x1af4,
	.subsys_device = 0x1100,
	.class = 0x00ff00,
	.state = TPPGATE_STATE_QUARANTINED,
	.reason = TPPGATE_REASON_NO_POLICY,
	.tpp = 0,
	.flags = TPPGATE_DEVICE_F_HELD,
	.driver = "tppgate",
};

/* Runs @j through tppctl_print_json() and returns what it printed. */
static char *json_text(json_t *j, int *errp)
{
	struct tppctl_ctx ctx = { 0 };
	char *buf = NULL, *ebuf = NULL;
	size_t len = 0, elen = 0;

	ctx.out = open_memstream(&buf, &len);
	ctx.err = open_memstream(&ebuf, &elen);
	*errp = tppctl_print_json(&ctx, j);
	fclose(ctx.out);
	fclose(ctx.err);
	if (*errp && !(ebuf && strstr(ebuf, "cannot format JSON")))
		*errp = 0;	/* a failure must say so */
	free(ebuf);
	return buf;
}

static void json_is(json_t *j, const char *want, const char *name)
{
	char *got;
	int err;

	got = json_text(j, &err);
	is_int(err, 0, "%s: printed", name);
	is_str(got, want, "%s: exact JSON", name);
	free(got);
}

static void device_json(void)
{
	struct tppgate_device_info d = edu;

	json_is(tppctl_device_json(&d),
		"{\"bdf\":\"0000:00:04.0\",\"vendor\":\"0x1234\",\"device\":\"0x11e8\","
		"\"subsystem_vendor\":\"0x1af4\",\"subsystem_device\":\"0x1100\","
		"\"class\":\"0x00ff00\",\"state\":\"quarantined\",\"reason\":\"no-policy\","
		"\"tpp\":0,\"flags\":[\"held\"],\"driver\":\"tppgate\"}\n",
		"quarantined edu device");

	d.state = TPPGATE_STATE_ADMITTED;
	d.reason = TPPGATE_REASON_MANUAL;
	d.driver[0] = '\0';
	d.flags = TPPGATE_DEVICE_F_BOOT_VGA | TPPGATE_DEVICE_F_HOTPLUG | (1U << 31);
	d.tpp = 4800;
	d.class = 0x030000;
	json_is(tppctl_device_json(&d),
		"{\"bdf\":\"0000:00:04.0\",\"vendor\":\"0x1234\",\"device\":\"0x11e8\","
		"\"subsystem_vendor\":\"0x1af4\",\"subsystem_device\":\"0x1100\","
		"\"class\":\"0x030000\",\"state\":\"admitted\",\"reason\":\"manual\","
		"\"tpp\":4800,\"flags\":[\"boot-vga\",\"hotplug\",\"0x80000000\"],"
		"\"driver\":null}\n",
		"admitted device, no driver, unknown flag bit");

	d = edu;
	d.state = TPPGATE_STATE_MAX + 1;
	ok(tppctl_device_json(&d) == NULL,
	   "a state without a name gives no JSON");
	d = edu;
	d.tpp = (uint64_t)INT64_MAX + 6;
	{
		int err;
		char *s = json_text(tppctl_device_json(&d), &err);

		ok(!err && s && strstr(s, "\"tpp\":9223372036854775813,"),
		   "a tpp of 2^63 + 5 prints as that JSON number, not masked");
		free(s);
	}
	{
		int err;
		char *s = json_text(NULL, &err);

		ok(err < 0, "printing a failed JSON build is an error");
		free(s);
	}
}

static void status_json(void)
{
	struct tppgate_status_info s = {
		.version = "0.1.0",
		.boot_mode = TPPGATE_BOOT_KEEP,
		.flags = TPPGATE_STATUS_F_GATE_BOOT_VGA | TPPGATE_STATUS_F_MANUAL,
		.n_quarantined = 3, .n_admitted = 1, .n_unmanaged_bound = 2,
		.n_unmanaged = 1, .n_over_cap = 0, .admitted_tpp = 4800,
		.has_node_cap = true, .node_cap = 6000,
	};

	json_is(tppctl_status_json(&s),
		"{\"version\":\"0.1.0\",\"boot_mode\":\"keep\","
		"\"flags\":[\"gate-boot-vga\",\"manual\"],\"quarantined\":3,"
		"\"admitted\":1,\"unmanaged_bound\":2,\"unmanaged\":1,"
		"\"over_cap\":0,\"admitted_tpp\":4800,\"node_cap\":6000,"
		"\"policy_serial\":null,\"grant\":null,\"grant_serial\":null,"
		"\"lease_left_ms\":null,\"offline_secs\":null,"
		"\"effective_cap\":null}\n", "status");
	s.has_policy = true;
	s.policy_serial = 7;
	s.has_grant = true;
	s.grant = 4000;
	s.grant_serial = 7;
	s.lease_left_ms = 0;
	s.has_offline = true;
	s.offline_secs = 12;
	s.has_effective_cap = true;
	s.effective_cap = 4000;
	s.flags = TPPGATE_STATUS_F_GRANT_REQUIRED | TPPGATE_STATUS_F_LEASE_LAPSED;
	json_is(tppctl_status_json(&s),
		"{\"version\":\"0.1.0\",\"boot_mode\":\"keep\","
		"\"flags\":[\"grant-required\",\"lease-lapsed\"],\"quarantined\":3,"
		"\"admitted\":1,\"unmanaged_bound\":2,\"unmanaged\":1,"
		"\"over_cap\":0,\"admitted_tpp\":4800,\"node_cap\":6000,"
		"\"policy_serial\":7,\"grant\":4000,\"grant_serial\":7,"
		"\"lease_left_ms\":0,\"offline_secs\":12,"
		"\"effective_cap\":4000}\n", "status with a lapsed grant");
}

static void event_json(void)
{
	struct tppgate_event_info ev = {
		.event = TPPGATE_EVENT_DEVICE_ADMITTED,
		.has_device = true,
		.device = edu,
	};

	ev.device.state = TPPGATE_STATE_ADMITTED;
	ev.device.flags = 0;
	strcpy(ev.device.driver, "edu");
	json_is(tppctl_event_json(&ev),
		"{\"event\":\"admitted\",\"device\":{\"bdf\":\"0000:00:04.0\","
		"\"vendor\":\"0x1234\",\"device\":\"0x11e8\","
		"\"subsystem_vendor\":\"0x1af4\",\"subsystem_device\":\"0x1100\","
		"\"class\":\"0x00ff00\",\"state\":\"admitted\",\"reason\":\"no-policy\","
		"\"tpp\":0,\"flags\":[],\"driver\":\"edu\"},\"policy_serial\":null,"
		"\"status\":null}\n",
		"device event");

	memset(&ev, 0, sizeof(ev));
	ev.event = TPPGATE_EVENT_POLICY_LOADED;
	ev.has_policy_serial = true;
	ev.policy_serial = 9;
	json_is(tppctl_event_json(&ev),
		"{\"event\":\"policy-loaded\",\"device\":null,\"policy_serial\":9,"
		"\"status\":null}\n",
		"policy event");
}

/* What a FILE-writing function printed. */
#define CAPTURE(buf, call) do {						\
	size_t __len;							\
	FILE *f = open_memstream(&(buf), &__len);			\
	call;								\
	fclose(f);							\
} while (0)

static void text(void)
{
	char *buf = NULL, *line2, *save = NULL, *tok;
	struct tppgate_event_info ev = { 0 };
	int i;

	CAPTURE(buf, (tppctl_device_header(f), tppctl_device_row(f, &edu)));
	line2 = strchr(buf, '\n');
	ok(line2 && !strncmp(buf, "BDF ", 4), "the table starts with a header");
	is_str(line2 ? line2 + 1 : NULL,
	       "0000:00:04.0  1234:11e8  00ff00  quarantined      no-policy              0  tppgate           held\n",
	       "a device row");
	/* The VM tests read the state as awk's $4 of the row. */
	tok = line2 ? strtok_r(line2 + 1, " \n", &save) : NULL;
	for (i = 1; tok && i < 4; i++)
		tok = strtok_r(NULL, " \n", &save);
	is_str(tok, "quarantined", "the state is the row's 4th field");
	free(buf);

	ev.event = TPPGATE_EVENT_DEVICE_QUARANTINED;
	ev.has_device = true;
	ev.device = edu;
	CAPTURE(buf, tppctl_event_text(f, &ev));
	is_str(buf, "quarantined 0000:00:04.0 id=1234:11e8 state=quarantined "
	       "reason=no-policy tpp=0 driver=tppgate flags=held\n",
	       "a device event line");
	free(buf);

	memset(&ev, 0, sizeof(ev));
	ev.event = TPPGATE_EVENT_POLICY_EXPIRED;
	CAPTURE(buf, tppctl_event_text(f, &ev));
	is_str(buf, "policy-expired serial=-\n", "a policy event line");
	free(buf);

	ev.event = TPPGATE_EVENT_LEASE_LAPSED;
	ev.has_status = true;
	ev.status.has_grant = true;
	ev.status.grant = 700;
	ev.status.has_effective_cap = true;
	ev.status.effective_cap = 300;
	CAPTURE(buf, tppctl_event_text(f, &ev));
	is_str(buf, "lease-lapsed grant=700 lease_left_ms=0 effective_cap=300\n",
	       "a grant event line: grant, lease left, effective cap");
	free(buf);
}

static void status_text(void)
{
	struct tppgate_status_info s = {
		.version = "0.1.0",
		.boot_mode = TPPGATE_BOOT_QUARANTINE,
		.flags = TPPGATE_STATUS_F_MANUAL | TPPGATE_STATUS_F_POLICY_EXPIRED,
		.n_quarantined = 2, .n_admitted = 1, .n_over_cap = 1,
		.admitted_tpp = 2000, .has_node_cap = true, .node_cap = 1000,
		.has_policy = true, .policy_serial = 3,
	};
	char *buf = NULL;

	CAPTURE(buf, tppctl_status_text(f, &s));
	is_str(buf,
	       "version:          0.1.0\n"
	       "boot mode:        quarantine\n"
	       "flags:            manual,policy-expired\n"
	       "policy serial:    3 (expired)\n"
	       "node cap:         1000 (1000 over)\n"
	       "grant:            -\n"
	       "lease left:       -\n"
	       "offline since:    -\n"
	       "effective cap:    -\n"
	       "admitted TPP:     2000\n"
	       "quarantined:      2\n"
	       "admitted:         1\n"
	       "over-cap:         1\n"
	       "unmanaged-bound:  0\n"
	       "unmanaged:        0\n",
	       "status text: serial, expiry, cap over, over-cap count, flags");
	free(buf);
	s.flags = 0;
	s.node_cap = 6000;
	CAPTURE(buf, tppctl_status_text(f, &s));
	ok(buf && strstr(buf, "policy serial:    3\n") &&
	   strstr(buf, "node cap:         6000 (4000 free)\n"),
	   "status text: a cap with room left");
	free(buf);
	s.has_node_cap = s.has_policy = false;
	CAPTURE(buf, tppctl_status_text(f, &s));
	ok(buf && strstr(buf, "policy serial:    -\n") &&
	   strstr(buf, "node cap:         -\n"), "status text: no policy, no cap");
	free(buf);
	s.has_grant = true;
	s.grant = 800;
	s.grant_serial = 3;
	s.lease_left_ms = 45025;
	s.has_effective_cap = true;
	s.effective_cap = 800;
	CAPTURE(buf, tppctl_status_text(f, &s));
	ok(buf && strstr(buf, "grant:            800 (policy serial 3)\n"
			 "lease left:       45.025 s\n"
			 "offline since:    -\n"
			 "effective cap:    800\n"),
	   "status text: a grant, its lease and the effective cap");
	free(buf);
	s.lease_left_ms = 0;
	s.has_offline = true;
	s.offline_secs = 75;
	s.effective_cap = 0;
	CAPTURE(buf, tppctl_status_text(f, &s));
	ok(buf && strstr(buf, "lease left:       lapsed\n"
			 "offline since:    75 s ago\n"
			 "effective cap:    0\n"),
	   "status text: a lapsed lease, offline, offline cap 0");
	free(buf);
}

static void over_cap_row(void)
{
	struct tppgate_device_info d = edu;
	char *buf = NULL;

	d.state = TPPGATE_STATE_OVER_CAP;
	d.reason = TPPGATE_REASON_OVER_CAP;
	d.tpp = 1000;
	strcpy(d.driver, "tppedu");
	d.flags = 0;
	CAPTURE(buf, tppctl_device_row(f, &d));
	is_str(buf, "0000:00:04.0  1234:11e8  00ff00  over-cap         over-cap            1000  tppedu            -\n",
	       "an over-cap device row");
	free(buf);
	d.state = TPPGATE_STATE_QUARANTINED;
	d.reason = TPPGATE_REASON_UNKNOWN_DEVICE;
	d.driver[0] = '\0';
	json_is(tppctl_device_json(&d),
		"{\"bdf\":\"0000:00:04.0\",\"vendor\":\"0x1234\",\"device\":\"0x11e8\","
		"\"subsystem_vendor\":\"0x1af4\",\"subsystem_device\":\"0x1100\","
		"\"class\":\"0x00ff00\",\"state\":\"quarantined\",\"reason\":\"unknown-device\","
		"\"tpp\":1000,\"flags\":[],\"driver\":null}\n",
		"a device the catalog does not know");
}

static void order(void)
{
	struct tppgate_device_info a = edu, b = edu;

	strcpy(b.bdf, "0000:00:10.0");
	ok(tppctl_device_cmp(&a, &b) < 0 && tppctl_device_cmp(&b, &a) > 0,
	   "00:04.0 sorts before 00:10.0");
	strcpy(a.bdf, "ffff:ff:1f.7");
	strcpy(b.bdf, "10000:00:00.0");
	ok(tppctl_device_cmp(&a, &b) < 0,
	   "domain ffff sorts before domain 10000 (numeric, not textual)");
}

void test_output(void)
{
	device_json();
	status_json();
	event_json();
	text();
	status_text();
	over_cap_row();
	order();
}
