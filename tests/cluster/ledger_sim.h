/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ledger-race and ledger-scale share: they drive tppgated's etcd
 * ledger in its library mode (ledger.h), so they renew its leases
 * themselves, and both measure etcd's raw put as their baseline.
 */
#ifndef TPPGATE_LEDGER_SIM_H
#define TPPGATE_LEDGER_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

/* Milliseconds of CLOCK_BOOTTIME, the clock the ledger's deadlines use. */
uint64_t sim_boot_ms(void);

/*
 * One keep-alive of @l's lease over @e (the caller's connection), told to
 * the ledger (ledger_etcd_renewed()). Return: 0, renewed for *@ttl
 * seconds (or the ledger has a newer lease); -ESRCH, no lease to renew;
 * -ENOENT, the lease is gone (the host must reserve again, from 0); or
 * the request's error, with @err.
 */
int sim_renew(struct etcd *e, struct ledger *l, uint64_t *ttl, char *err,
	      size_t errlen);

/*
 * The mod_revision of @cluster's policy key, what a daemon's watch would
 * report (ledger_etcd_policy_seen()). Return: 0; -ENOENT, no policy
 * pushed; or the request's error, with @err.
 */
int sim_policy_rev(struct etcd *e, const char *cluster, uint64_t *rev,
		   char *err, size_t errlen);

/* A put of @key in a transaction with no compare: etcd's raw rate. */
int sim_raw_put(struct etcd *e, const char *key, char *err, size_t errlen);

#endif /* TPPGATE_LEDGER_SIM_H */
