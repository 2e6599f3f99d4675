// SPDX-License-Identifier: GPL-2.0
/*
 * tppgated's pure parts: the demand planner, the configuration and the
 * control socket's messages; and how tppctl prints the daemon's status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ledger.h"
#include "tppctl.h"
#include "tppgated.h"
#include "unit.h"

static struct tppgate_device_info dev(const char *bdf, uint32_t state,
				      uint32_t reason, uint64_t tpp,
				      uint32_t flags)
{
	struct tppgate_device_info d;

	memset(&d, 0, sizeof(d));
	snprintf(d.bdf, sizeof(d.bdf), "%s", bdf);
	d.state = state;
	d.reason = reason;
	d.tpp = tpp;
	d.flags = flags;
	return d;
}

#define Q TPPGATE_STATE_QUARANTINED
#define A TPPGATE_STATE_ADMITTED
#define C TPPGATE_DEVICE_F_COUNTED

static void planner(void)
{
	struct tppgated_plan p;
	struct tppgate_device_info d[8];

	/* Listed out of PCI order: 00:10.0 comes after 00:05.0. */
	d[0] = dev("0000:00:10.0", Q, TPPGATE_REASON_NO_GRANT, 500, 0);
	d[1] = dev("0000:00:04.0", A, TPPGATE_REASON_POLICY, 1000, C);
	d[2] = dev("0000:00:05.0", Q, TPPGATE_REASON_NO_GRANT, 2000, 0);
	d[3] = dev("0000:00:06.0", Q, TPPGATE_REASON_DENIED, 700, 0);
	d[4] = dev("0000:00:07.0", Q, TPPGATE_REASON_OVER_CAP, 800, 0);
	is_int(tppgated_plan(d, 5, true, 3600, &p), 0, "plan: five devices");
	/* 1000 running; then 05.0 (2000) fits, 07.0 (800 > 600 left) does not, 10.0 (500) does. */
	ok(p.counted == 1000 && p.waiting == 2500 && p.n_waiting == 2 &&
	   p.n_left_out == 1 && p.demand == 3500,
	   "plan: first fit under the node cap, denied ignored");
	/* Cap 3000: 05.0 takes the room first; in list order 10.0 would. */
	is_int(tppgated_plan(d, 5, true, 3000, &p), 0, "plan: cap 3000");
	ok(p.waiting == 2000 && p.n_waiting == 1 && p.n_left_out == 2 &&
	   p.demand == 3000, "plan: waiting devices are taken in PCI order");

	is_int(tppgated_plan(d, 5, false, 0, &p), 0, "plan: no node cap");
	ok(p.demand == 1000 + 2000 + 800 + 500 && !p.n_left_out,
	   "plan: without a node cap every waiting device counts");

	d[5] = dev("0000:00:08.0", TPPGATE_STATE_OVER_CAP, TPPGATE_REASON_OVER_CAP, 3000, C);
	d[6] = dev("0000:00:09.0", TPPGATE_STATE_UNMANAGED_BOUND, TPPGATE_REASON_BOUND_AT_LOAD, 400, C);
	is_int(tppgated_plan(d, 7, true, 3600, &p), 0, "plan: over the cap already");
	ok(p.counted == 4400 && p.n_waiting == 0 && p.n_left_out == 3 &&
	   p.demand == 3600,
	   "plan: what runs counts (over-cap, unmanaged-bound), demand stops at the node cap");

	d[0] = dev("0000:00:04.0", Q, TPPGATE_REASON_NO_GRANT, 1000,
		   TPPGATE_DEVICE_F_MANUAL);
	d[1] = dev("0000:00:04.1", Q, TPPGATE_REASON_NO_GRANT, 1000,
		   TPPGATE_DEVICE_F_VF);
	d[2] = dev("0000:00:05.0", Q, TPPGATE_REASON_NO_POLICY, 1000, 0);
	d[3] = dev("0000:00:06.0", Q, TPPGATE_REASON_EXPIRED, 1000, 0);
	is_int(tppgated_plan(d, 4, true, 10000, &p), 0, "plan: nothing to gain");
	ok(p.demand == 0 && p.n_waiting == 0,
	   "plan: held by hand, VFs, no policy and expired need no grant");

	d[0] = dev("0000:00:04.0", A, TPPGATE_REASON_POLICY, UINT64_MAX, C);
	d[1] = dev("0000:00:05.0", A, TPPGATE_REASON_POLICY, 1, C);
	is_int(tppgated_plan(d, 2, false, 0, &p), -EINVAL,
	       "plan: a sum that overflows is refused");
	is_int(tppgated_plan(NULL, 0, true, 100, &p), 0, "plan: no devices");
	ok(p.demand == 0, "plan: no devices, no demand");
}

static int parse(const char *text, struct tppgated_config *c, char *err)
{
	return tppgated_config_parse(text, "t.conf", c, err, TPPGATED_ERR_LEN);
}

static void config(void)
{
	struct tppgated_config c, before;
	char err[TPPGATED_ERR_LEN];

	is_int(parse("", &c, err), 0, "config: an empty file gives the defaults");
	ok(!strcmp(c.policy_file, "/etc/tppgate/policy.tpp") &&
	   !strcmp(c.socket, "/run/tppgate/tppgated.sock") &&
	   !strcmp(c.state_dir, "/var/lib/tppgate") &&
	   c.kernel == TPPGATED_KERNEL_NETLINK && c.load_module &&
	   c.grant_lease == 60 && c.renew_percent == 33 && c.retry == 5 &&
	   c.ledger_lease == 120 && !strcmp(c.ledger, "local") &&
	   c.log_level == LOG_INFO,
	   "config: documented defaults");
	is_int(tppgated_renew_after(&c), 19, "config: renew after 33%% of 60 s");
	ok(tppgated_settle_after(&c, 0) == 5 && tppgated_settle_after(&c, 1) == 10 &&
	   tppgated_settle_after(&c, 2) == 19 && tppgated_settle_after(&c, 99) == 19,
	   "config: a grant cut short while the ledger settles: again after 5, 10 s, then the renewal period");

	is_int(parse("# comment\n[daemon]\npolicy_file = /p.tpp\nkernel = shim\n"
		     "log_level = debug ; inline\nload_module = no\n"
		     "[grant]\nlease = 30\nrenew_percent = 50\nretry = 2\n"
		     "[ledger]\nlease = 90\nhost = node-7\n"
		     "[shim]\ndevices = /d.json\nstate = /s.json\n", &c, err), 0,
	       "config: every key");
	ok(!strcmp(c.policy_file, "/p.tpp") && c.kernel == TPPGATED_KERNEL_SHIM &&
	   c.log_level == LOG_DEBUG && !c.load_module && c.grant_lease == 30 &&
	   c.renew_percent == 50 && c.retry == 2 && c.ledger_lease == 90 &&
	   !strcmp(c.host, "node-7") && !strcmp(c.shim_devices, "/d.json"),
	   "config: every key is taken");

	before = c;
	is_int(parse("[daemon]\nsocket = /s\npolicyfile = /x\n", &c, err), -EINVAL,
	       "config: an unknown key is an error");
	is_str(err, "t.conf:3: unknown key 'policyfile' in [daemon]",
	       "config: the message names the file, the line and the key");
	ok(!memcmp(&c, &before, sizeof(c)), "config: a refused file changes nothing");
	is_int(parse("[deamon]\nsocket = /s\n", &c, err), -EINVAL,
	       "config: an unknown section is an error");
	is_str(err, "t.conf:2: unknown section [deamon]", "config: named");
	is_int(parse("socket = /s\n", &c, err), -EINVAL,
	       "config: a key outside a section is an error");
	is_int(parse("[grant]\nlease = 0\n", &c, err), -EINVAL,
	       "config: lease 0 is refused");
	is_str(err, "t.conf:2: '0' is not a whole number in 1..3600",
	       "config: with the range");
	is_int(parse("[grant]\nlease = 3601\n", &c, err), -EINVAL,
	       "config: lease over TPPGATE_GRANT_LEASE_MAX is refused");
	is_int(parse("[grant]\nlease = 60s\n", &c, err), -EINVAL,
	       "config: a unit after the number is refused");
	is_int(parse("[grant]\nlease = -5\n", &c, err), -EINVAL,
	       "config: a negative lease is refused");
	is_int(parse("[daemon]\npolicy_file = etc/p.tpp\n", &c, err), -EINVAL,
	       "config: a relative path is refused");
	is_int(parse("[daemon]\nkernel = ioctl\n", &c, err), -EINVAL,
	       "config: an unknown kernel is refused");
	is_str(err, "t.conf:2: 'ioctl' is not one of netlink shim",
	       "config: with the choices");
	is_int(parse("[daemon]\nload_module = maybe\n", &c, err), -EINVAL,
	       "config: a bool must be yes or no");
	is_int(parse("[daemon]\nmodule = ../evil\n", &c, err), -EINVAL,
	       "config: a module name with a slash is refused");
	is_int(parse("[daemon]\nkernel = shim\n", &c, err), -EINVAL,
	       "config: the shim needs its files");
	is_int(parse("[grant]\nlease = 100\n[ledger]\nlease = 120\n", &c, err),
	       -EINVAL, "config: a ledger lease not longer than grant + renewal + retry");
	is_str(err, "t.conf: [ledger] lease (120 s) must be longer than [grant] lease + renewal period + retry (100 + 33 + 5 s)",
	       "config: says which rule and the numbers");
	is_int(parse("[grant]\nlease = 61\n", &c, err), 0,
	       "config: lease 61 with the default ledger lease of 120 is fine");
	is_int(parse("[daemon\n", &c, err), -EINVAL,
	       "config: a broken section header is an error");
	is_str(err, "t.conf:1: not 'key = value', '[section]' or a comment (or longer than 199 bytes)",
	       "config: a line inih cannot read is named");
}

static void control(void)
{
	char err[TPPGATED_ERR_LEN], *big, *s;
	json_t *j;

	is_int(tppgated_parse_request("{\"command\": \"status\"}", 21, err,
				      sizeof(err)), TPPGATED_CMD_STATUS,
	       "control: status");
	is_int(tppgated_parse_request("{\"command\":\"recompute\"}\n", 24, err,
				      sizeof(err)), TPPGATED_CMD_RECOMPUTE,
	       "control: recompute, trailing newline");
	is_int(tppgated_parse_request("status", 6, err, sizeof(err)), -EINVAL,
	       "control: not JSON");
	ok(!strncmp(err, "not JSON: ", 10), "control: says not JSON");
	is_int(tppgated_parse_request("[\"status\"]", 10, err, sizeof(err)),
	       -EINVAL, "control: an array is not a request");
	is_int(tppgated_parse_request("{\"command\":\"stop\"}", 18, err,
				      sizeof(err)), -EINVAL,
	       "control: an unknown command");
	is_str(err, "unknown command 'stop' (status, recompute)",
	       "control: names it and the known ones");
	is_int(tppgated_parse_request("{\"command\":7}", 13, err, sizeof(err)),
	       -EINVAL, "control: a command must be a string");
	is_int(tppgated_parse_request("{\"command\":\"status\",\"x\":1}", 26, err,
				      sizeof(err)), -EINVAL,
	       "control: an unknown key");
	is_int(tppgated_parse_request("{\"command\":\"status\",\"command\":\"status\"}",
				      39, err, sizeof(err)), -EINVAL,
	       "control: a duplicated key");
	is_int(tppgated_parse_request("{}", 2, err, sizeof(err)), -EINVAL,
	       "control: no command");
	is_int(tppgated_parse_request("{\"command\":\"status\"}\0x", 22, err,
				      sizeof(err)), -EINVAL,
	       "control: a NUL inside the request");
	big = calloc(1, TPPGATED_MSG_MAX + 2);
	memset(big, ' ', TPPGATED_MSG_MAX + 1);
	is_int(tppgated_parse_request(big, TPPGATED_MSG_MAX + 1, err,
				      sizeof(err)), -E2BIG,
	       "control: over 64 KiB is refused unread");
	free(big);

	s = tppgated_error_reply(EACCES, "root only \xc3\xa9\n");
	j = s ? json_loads(s, 0, NULL) : NULL;
	ok(j && json_is_false(json_object_get(j, "ok")) &&
	   json_integer_value(json_object_get(j, "errno")) == EACCES &&
	   !strcmp(json_string_value(json_object_get(j, "error")),
		   "root only ???"),
	   "control: an error reply is JSON with ok false, errno and plain ASCII");
	ok(s && !strchr(s, '\n'), "control: one line");
	json_decref(j);
	free(s);
}

static void state(void)
{
	struct ledger_state a = { .seq = 4, .host = "n1", .reserved = 2500,
				  .expires = 1800000000, .serial = 3,
				  .serial_seen = 5 }, b;
	char err[256], *s = ledger_state_format(&a);

	ok(s && !ledger_state_parse(s, strlen(s), &b, err, sizeof(err)) &&
	   b.seq == 4 && b.reserved == 2500 && b.serial_seen == 5 &&
	   !b.has_cluster_cap && !strcmp(b.host, "n1"),
	   "state: formatted and read back");
	free(s);
	is_int(ledger_state_parse("{\"version\":1}", 13, &b, err, sizeof(err)),
	       -EINVAL, "state: a state without its fields is refused");
	is_int(ledger_state_parse("{\"version\":2,\"seq\":1,\"host\":\"h\",\"reserved\":1,"
				  "\"expires\":1,\"serial\":1,\"serial_seen\":1,"
				  "\"cluster_cap\":null}", 103, &b, err, sizeof(err)),
	       -EINVAL, "state: another version is refused");
	is_str(err, "version 2, not 1", "state: says which version");
	is_int(ledger_state_parse("{\"version\":1,\"seq\":1,\"host\":\"h\",\"reserved\":-1,"
				  "\"expires\":1,\"serial\":1,\"serial_seen\":1,"
				  "\"cluster_cap\":null}", 104, &b, err, sizeof(err)),
	       -EINVAL, "state: a negative reservation is refused");
}

static void status_text(void)
{
	static const char reply[] =
		"{\"ok\":true,\"daemon\":{\"version\":\"0.1.0\",\"kernel\":\"netlink\"},"
		"\"policy\":{\"file\":\"/etc/tppgate/policy.tpp\",\"file_status\":\"in force\","
		"\"file_serial\":4,\"serial\":4,\"grant_required\":true,\"node_cap\":3000,"
		"\"cluster_cap\":8000},"
		"\"demand\":{\"tpp\":3000,\"counted\":2000,\"waiting\":1000},"
		"\"grant\":{\"tpp\":2500,\"serial\":4,\"lease\":60,\"lease_left_ms\":41250,"
		"\"last_renewal\":1798761600,\"next_renewal\":1798761619,"
		"\"limit\":\"the ledger holds 2500 of the 3000 TPP demanded\"},"
		"\"ledger\":{\"backend\":\"local\",\"host\":\"n1\",\"reserved\":2500},"
		"\"last_error\":{\"message\":\"ledger local: disk full\",\"at\":1798761600}}";
	json_t *j = json_loads(reply, 0, NULL);
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	tppctl_daemon_text(f, j);
	fclose(f);
	is_str(buf,
	       "policy serial:    4 (file /etc/tppgate/policy.tpp: serial 4, in force)\n"
	       "caps:             node 3000, cluster 8000, grant required\n"
	       "demand:           3000 TPP (2000 running, 1000 waiting)\n"
	       "grant:            2500 TPP for serial 4\n"
	       "lease left:       41.250 s of 60 s\n"
	       "renewed:          2027-01-01T00:00:00Z, next 2027-01-01T00:00:19Z\n"
	       "limited:          the ledger holds 2500 of the 3000 TPP demanded\n"
	       "ledger:           local, host n1, 2500 TPP reserved\n"
	       "last error:       ledger local: disk full\n",
	       "tppctl daemon status: policy, demand, grant, lease, renewals, ledger, last error");
	free(buf);
	json_decref(j);
}

void test_daemon(void)
{
	planner();
	config();
	control();
	state();
	status_text();
}
