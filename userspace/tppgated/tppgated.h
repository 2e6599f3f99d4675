/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tppgated: loads the signed policy, reserves this host's TPP in a ledger
 * and grants it to the kernel under a lease.
 *
 * Threading model: one thread, one poll() loop (loop.c). Every input is a
 * file descriptor in that loop: a signalfd (signals are blocked before
 * anything else starts), a CLOCK_BOOTTIME timerfd for renewals (the
 * kernel's lease runs on the same clock, so time asleep counts for both),
 * a CLOCK_MONOTONIC timerfd for the systemd watchdog, inotify on the
 * policy file's directory, the kernel's event socket and the control
 * socket with its clients. Idle, the loop sleeps until the next renewal.
 * Nothing blocks for long except requests to the kernel (which answers
 * at once) and fsync() of the ledger state. A backend that needs a thread
 * of its own (etcd) hands results to the loop through a descriptor.
 *
 * Layers: parsing is pure and apart from I/O (config.c, control_msg.c,
 * planner.c, state.c), so the unit tests and fuzzers use it directly. The
 * kernel and the ledger are behind small operation tables (kernel.h,
 * ledger.h). Functions return 0 or a negative errno; only main() picks the
 * exit status.
 */
#ifndef TPPGATED_H
#define TPPGATED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "libtppgate.h"
#include "etcd.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TPPGATED_CONFIG		"/etc/tppgate/tppgated.conf"
#define TPPGATED_POLICY		"/etc/tppgate/policy.tpp"
#define TPPGATED_SOCKET		"/run/tppgate/tppgated.sock"
#define TPPGATED_STATE_DIR	"/var/lib/tppgate"
#define TPPGATED_PATH_MAX	256
#define TPPGATED_ERR_LEN	512

/* Largest control message, either way. */
#define TPPGATED_MSG_MAX	(64 * 1024)

enum tppgated_kernel_kind {
	TPPGATED_KERNEL_NETLINK,
	TPPGATED_KERNEL_SHIM,
};

/**
 * struct tppgated_config - tppgated.conf (see tppgated.conf(5))
 * @policy_file: the signed policy to load and watch
 * @socket: the control socket
 * @state_dir: where the local ledger keeps its state
 * @kernel: netlink, or the shim that stands in for the kernel
 * @load_module: load tppgate.ko with libkmod when it is absent
 * @module: its name
 * @log_level: LOG_ERR..LOG_DEBUG; messages above it are dropped
 * @grant_lease: seconds of the kernel grant's lease
 * @renew_percent: renew once this much of the lease has passed
 * @retry: seconds between attempts after a failure
 * @ledger: "local" or "etcd"
 * @ledger_lease: seconds a reservation is held in the ledger without
 *	renewal; always longer than @grant_lease plus one renewal period
 * @host: this host's name in the ledger ("" means the hostname)
 * @shim_devices, @shim_state, @shim_cert: the shim's inputs and outputs
 * @etcd: the [etcd] section, for ledger = etcd and tppctl push/cluster
 */
struct tppgated_config {
	char policy_file[TPPGATED_PATH_MAX];
	char socket[TPPGATED_PATH_MAX];
	char state_dir[TPPGATED_PATH_MAX];
	enum tppgated_kernel_kind kernel;
	bool load_module;
	char module[64];
	int log_level;
	uint32_t grant_lease;
	uint32_t renew_percent;
	uint32_t retry;
	char ledger[16];
	uint32_t ledger_lease;
	char host[64];
	char shim_devices[TPPGATED_PATH_MAX];
	char shim_state[TPPGATED_PATH_MAX];
	char shim_cert[TPPGATED_PATH_MAX];
	struct etcd_config etcd;
};

/* config.c */
void tppgated_config_defaults(struct tppgated_config *c);
/*
 * Parses @text (INI, see tppgated.conf(5)) over the defaults into @c.
 * Unknown sections and keys, malformed values and inconsistent settings
 * are errors: @err gets "NAME:LINE: what is wrong" (or "NAME: ..." for a
 * rule across keys) and @c is left as it was. Return: 0 or -EINVAL.
 */
int tppgated_config_parse(const char *text, const char *name,
			  struct tppgated_config *c, char *err, size_t errlen);
/*
 * Reads and parses @path. Refuses a file that is not a regular file owned
 * by root, or that group or others may write (-EPERM). A missing file
 * gives the defaults when @missing_ok.
 */
int tppgated_config_load(const char *path, bool missing_ok,
			 struct tppgated_config *c, char *err, size_t errlen);
/* Seconds from one grant to its renewal. */
uint32_t tppgated_renew_after(const struct tppgated_config *c);
/*
 * Seconds from a grant the ledger cut short while settling (struct
 * ledger_res) to the next attempt: [grant] retry, doubling with each
 * such grant in a row (@n of them before this one), at most the renewal
 * period.
 */
uint32_t tppgated_settle_after(const struct tppgated_config *c,
			       unsigned int n);

/* log.c: stderr, one line per message, with a syslog priority prefix */
void tppgated_log_level(int level);
void tppgated_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...)	tppgated_log(3, __VA_ARGS__)
#define log_warn(...)	tppgated_log(4, __VA_ARGS__)
#define log_notice(...)	tppgated_log(5, __VA_ARGS__)
#define log_info(...)	tppgated_log(6, __VA_ARGS__)
#define log_debug(...)	tppgated_log(7, __VA_ARGS__)

/* planner.c: how much TPP this host needs (pure) */

/**
 * struct tppgated_plan - what the devices need under a policy
 * @counted: TPP that runs now (devices flagged counted)
 * @waiting: TPP of devices held only for lack of cap or grant that fit
 *	under the node cap, in admission order
 * @n_waiting: how many such devices fit
 * @n_left_out: devices held for lack of cap or grant that would not fit
 *	under the node cap even with a grant
 * @demand: counted + waiting, at most the node cap
 */
struct tppgated_plan {
	uint64_t counted;
	uint64_t waiting;
	unsigned int n_waiting;
	unsigned int n_left_out;
	uint64_t demand;
};

/*
 * @devs in any order; @has_cap/@node_cap from the policy in force.
 * Return: 0, or -EINVAL for a sum that overflows.
 */
int tppgated_plan(const struct tppgate_device_info *devs, size_t n,
		  bool has_cap, uint64_t node_cap, struct tppgated_plan *out);

/* control_msg.c: the control socket's messages (pure) */

enum tppgated_cmd {
	TPPGATED_CMD_STATUS,
	TPPGATED_CMD_RECOMPUTE,
};

/*
 * One request: a JSON object on one line, {"command": "status"}.
 * Return: the command (>= 0), or -EINVAL / -E2BIG with @err saying why.
 */
int tppgated_parse_request(const char *buf, size_t len, char *err,
			   size_t errlen);
/* {"ok": false, "error": @msg, "errno": @errnum}, compact, one line. */
char *tppgated_error_reply(int errnum, const char *msg);

#endif /* TPPGATED_H */
