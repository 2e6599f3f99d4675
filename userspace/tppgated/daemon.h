/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's state, shared by the loop (loop.c), the grant logic
 * (daemon.c) and the control socket (control.c). One instance, owned by
 * the loop's thread.
 */
#ifndef TPPGATED_DAEMON_H
#define TPPGATED_DAEMON_H

#include "kernel.h"
#include "ledger.h"
#include "tppgated.h"

#define CONTROL_CLIENTS	8

struct client {
	int fd;
	size_t len;
	char *buf;		/* TPPGATED_MSG_MAX + 1 */
};

struct daemon {
	struct tppgated_config cfg;
	char cfg_path[TPPGATED_PATH_MAX];
	bool cfg_missing_ok;
	const struct kernel_ops *kops;
	struct kernel *k;
	const struct ledger_ops *lops;
	struct ledger *l;

	int sfd, renew_tfd, wd_tfd, ino, ctl_fd;
	struct client clients[CONTROL_CLIENTS];
	uint64_t watchdog_usec;
	bool stop;
	bool dirty;		/* devices or policy changed: re-plan */
	bool force;		/* grant even if nothing changed */
	uint64_t started;	/* UTC seconds */
	uint64_t wakeups;	/* returns from poll(), for the benchmark */

	/* The policy file. */
	char file_status[TPPGATED_ERR_LEN];
	bool has_file_serial;
	uint64_t file_serial;

	/* The policy in force, as the last plan saw it. */
	bool has_policy;
	uint64_t serial;
	bool grant_required;
	bool has_node_cap, has_cluster_cap;
	uint64_t node_cap, cluster_cap;
	struct tppgated_plan plan;

	/* The grant. */
	bool has_grant;
	uint64_t granted, grant_serial, held;
	uint64_t lease_end_ms;		/* CLOCK_BOOTTIME */
	uint64_t last_renewal;		/* UTC seconds, 0: never */
	uint64_t next_renewal_ms;	/* CLOCK_BOOTTIME, 0: none planned */
	bool settling;			/* the ledger cut the grant short settling */
	unsigned int settled;		/* such grants in a row before it */
	char limit[TPPGATED_ERR_LEN];	/* why the grant is below demand */
	char last_error[TPPGATED_ERR_LEN];
	uint64_t last_error_at;
	uint64_t attempts, failures;
};

uint64_t tppgated_boot_ms(void);

/* daemon.c */
int daemon_apply_policy_file(struct daemon *d);
/* Re-plans; grants when something changed, @d->force is set or a renewal is due. */
void daemon_grant(struct daemon *d);
json_t *daemon_status_json(struct daemon *d);
void daemon_schedule(struct daemon *d, uint64_t at_ms);

/* remote.c: a policy the ledger brought, to the kernel */
void daemon_apply_ledger_policy(struct daemon *d);

/* control.c */
/* -EADDRINUSE when another daemon answers on the socket: checked first. */
int control_probe(struct daemon *d, char *err, size_t errlen);
int control_open(struct daemon *d, char *err, size_t errlen);
void control_close(struct daemon *d);
void control_accept(struct daemon *d);
void control_client_io(struct daemon *d, struct client *c);

/* loop.c */
int daemon_run(struct daemon *d);

#endif /* TPPGATED_DAEMON_H */
