// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-daemon, in the VM: tppgated with the module and the local
 * ledger. Measured in one run, reported, never asserted:
 *   - the time from a policy file replaced (rename) to the policy in force
 *     (its POLICY_LOADED event), median of 20, against a bare
 *     `tppctl policy load` of the same kind of file (exec to exit), median
 *     of 20: the ratio (goal <= 1.5);
 *   - the daemon's RSS at steady state (goal < 8 MiB);
 *   - its wake-ups in one idle minute (context switches: every return from
 *     poll() is one), against its renewals (goal: only those).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tppgate.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#define RUNS	20
#define DIR	"/tmp/daemon-bench"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int sign(unsigned int serial)
{
	char cmd[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd), DIR "/p%u.json", serial);
	f = fopen(cmd, "w");
	if (!f)
		return -1;
	fprintf(f, "{\"format\": 1, \"serial\": %u, \"issuer\": \"bench\", "
		"\"not_before\": \"2024-01-01\", \"not_after\": \"2099-01-01\", "
		"\"region\": \"DE\", \"tier\": 2, \"node_cap\": 4000, "
		"\"grant_required\": true, \"default_action\": \"deny\", "
		"\"catalog\": [{\"vendor\": \"0x1234\", \"device\": \"0x11e8\", "
		"\"tpp\": 1000, \"action\": \"count\"}]}\n", serial);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "tppctl policy compile -o " DIR "/p%u.bin " DIR "/p%u.json >/dev/null && "
		 "tppctl policy sign --key /tpp/keys/signer.key --cert /tpp/keys/signer.crt "
		 "-o " DIR "/p%u.tpp " DIR "/p%u.bin >/dev/null",
		 serial, serial, serial, serial);
	return run(cmd);
}

static uint64_t want_serial;
static bool seen;

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TPPGATE_A_MAX + 1], *pi[TPPGATE_POLICY_A_MAX + 1];

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TPPGATE_A_MAX, NULL) ||
	    !tb[TPPGATE_A_EVENT] ||
	    nla_get_u32(tb[TPPGATE_A_EVENT]) != TPPGATE_EVENT_POLICY_LOADED ||
	    !tb[TPPGATE_A_POLICY_INFO] ||
	    nla_parse_nested(pi, TPPGATE_POLICY_A_MAX, tb[TPPGATE_A_POLICY_INFO], NULL) ||
	    !pi[TPPGATE_POLICY_A_SERIAL])
		return NL_OK;
	if (nla_get_u64(pi[TPPGATE_POLICY_A_SERIAL]) == want_serial)
		seen = true;
	return NL_OK;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The daemon's own counts, from one status: poll() returns, grant attempts. */
static void counts(long *wake, long *att)
{
	char line[8192], *p;
	FILE *f;

	*wake = *att = -1;
	f = popen("tppctl daemon status -j --socket " DIR "/tppgated.sock", "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		p = strstr(line, "\"wakeups\":");
		if (p)
			*wake = atol(p + strlen("\"wakeups\":"));
		p = strstr(line, "\"attempts\":");
		if (p)
			*att = atol(p + strlen("\"attempts\":"));
	}
	pclose(f);
}

static long proc_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

int main(void)
{
	uint64_t daemon_ns[RUNS], load_ns[RUNS], t0;
	struct nl_sock *sk;
	unsigned int i;
	long ctx0, ctx1, w0, w1, a0, a1;
	char cmd[512];
	pid_t pid;
	int grp;
	FILE *f;

	mkdir(DIR, 0700);
	mkdir(DIR "/etc", 0700);
	for (i = 1; i <= 2 * RUNS; i++)
		if (sign(i)) {
			printf("daemon bench: cannot sign policy %u\n", i);
			return 1;
		}
	f = fopen(DIR "/tppgated.conf", "w");
	fprintf(f, "[daemon]\npolicy_file = " DIR "/etc/policy.tpp\n"
		"socket = " DIR "/tppgated.sock\nstate_dir = " DIR "/state\n"
		"load_module = no\n");
	fclose(f);
	chmod(DIR "/tppgated.conf", 0600);

	sk = nl_socket_alloc();
	genl_connect(sk);
	grp = genl_ctrl_resolve_grp(sk, TPPGATE_GENL_NAME, TPPGATE_MCGRP_EVENTS);
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	if (grp < 0 || nl_socket_add_membership(sk, grp)) {
		printf("daemon bench: no tppgate events group\n");
		return 1;
	}

	pid = fork();
	if (pid == 0) {
		int fd = open(DIR "/log", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execlp("tppgated", "tppgated", "-f", "-c", DIR "/tppgated.conf", NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && access(DIR "/tppgated.sock", F_OK); i++)
		usleep(100000);

	for (i = 0; i < RUNS; i++) {
		/* The copy is made first: only the rename is timed. */
		snprintf(cmd, sizeof(cmd), "cp " DIR "/p%u.tpp " DIR "/etc/.new", i + 1);
		run(cmd);
		want_serial = i + 1;
		seen = false;
		t0 = now_ns();
		rename(DIR "/etc/.new", DIR "/etc/policy.tpp");
		while (!seen)
			nl_recvmsgs_default(sk);
		daemon_ns[i] = now_ns() - t0;
	}
	for (i = 0; i < RUNS; i++) {
		snprintf(cmd, sizeof(cmd), "tppctl policy load " DIR "/p%u.tpp >/dev/null",
			 RUNS + i + 1);
		t0 = now_ns();
		run(cmd);
		load_ns[i] = now_ns() - t0;
	}
	qsort(daemon_ns, RUNS, sizeof(daemon_ns[0]), cmp);
	qsort(load_ns, RUNS, sizeof(load_ns[0]), cmp);
	printf("policy file replaced -> in force (daemon): median %.2f ms\n",
	       daemon_ns[RUNS / 2] / 1e6);
	printf("tppctl policy load (bare):               median %.2f ms\n",
	       load_ns[RUNS / 2] / 1e6);
	printf("ratio daemon/bare: %.2f (goal <= 1.5)\n",
	       (double)daemon_ns[RUNS / 2] / (double)load_ns[RUNS / 2]);

	sleep(5);
	printf("tppgated RSS at steady state: %ld KiB (goal < 8192)\n",
	       proc_field(pid, "VmRSS:"));
	/* Asking is itself two wake-ups (accept, read), taken off below. */
	counts(&w0, &a0);
	ctx0 = proc_field(pid, "voluntary_ctxt_switches:") +
	       proc_field(pid, "nonvoluntary_ctxt_switches:");
	sleep(60);
	ctx1 = proc_field(pid, "voluntary_ctxt_switches:") +
	       proc_field(pid, "nonvoluntary_ctxt_switches:");
	counts(&w1, &a1);
	printf("tppgated in one idle minute: %ld wake-ups of its loop for %ld renewals "
	       "(goal: only renewals), %ld context switches\n",
	       w1 - w0 - 2, a1 - a0, ctx1 - ctx0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "grep -c '^<3>' " DIR "/log");
	printf("errors the daemon logged: ");
	fflush(stdout);
	run(cmd);
	return 0;
}
