/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the daemon needs of the kernel, as an operation table: the real
 * module over generic netlink (kernel_nl.c), or the shim (shim.c), which
 * stands in for it on a host without the module: devices and policy from
 * files, grants recorded in a file. The daemon's code is the same for both.
 */
#ifndef TPPGATED_KERNEL_H
#define TPPGATED_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "tppgated.h"

struct kernel;

/* What the events since the last read call for. */
enum kernel_change {
	KERNEL_CHANGE_NONE = 0,
	KERNEL_CHANGE_DEVICES = 1 << 0,	/* re-plan */
	KERNEL_CHANGE_POLICY = 1 << 1,	/* re-read the policy, re-plan */
	KERNEL_CHANGE_LAPSED = 1 << 2,	/* the lease lapsed: grant now */
	KERNEL_CHANGE_LOST = 1 << 3,	/* events were lost: assume all */
};

struct kernel_ops {
	const char *name;
	int (*open)(struct kernel **kp, const struct tppgated_config *cfg,
		    char *err, size_t errlen);
	void (*close)(struct kernel *k);
	/* The descriptor to poll for events, and reading them. */
	int (*events_fd)(struct kernel *k);
	int (*events_read)(struct kernel *k, unsigned int *changes);
	int (*status)(struct kernel *k, struct tppgate_status_info *out);
	int (*policy_get)(struct kernel *k, struct tppgate_policy_info *out);
	int (*policy_set)(struct kernel *k, const void *blob, size_t blen,
			  const void *sig, size_t slen);
	int (*grant_set)(struct kernel *k, uint64_t tpp, uint32_t lease,
			 uint64_t serial, struct tppgate_status_info *out);
	/* Every accelerator; *@devs is malloc'd. */
	int (*devices)(struct kernel *k, struct tppgate_device_info **devs,
		       size_t *n);
	/* The kernel's words for the last refusal, or NULL. */
	const char *(*last_error)(struct kernel *k);
};

extern const struct kernel_ops kernel_netlink_ops;
extern const struct kernel_ops kernel_shim_ops;

/* kmod.c: modprobe @name unless it is loaded or built in. */
int tppgated_load_module(const char *name, char *err, size_t errlen);

#endif /* TPPGATED_KERNEL_H */
