// SPDX-License-Identifier: GPL-2.0
/*
 * A policy that came from the ledger (etcd's /tppgate/<cluster>/policy,
 * stored there by `tppctl push`) goes to the kernel as it is: the kernel
 * checks its signature and that its serial is higher than the one in
 * force. The daemon never signs anything, and a policy the kernel refuses
 * changes nothing here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

void daemon_apply_ledger_policy(struct daemon *d)
{
	struct tppgate_policy_info in_force;
	struct tppgate_policy_src p;
	uint8_t *file = NULL, sha[TPPGATE_SHA256_LEN];
	const void *blob, *sig;
	size_t len = 0, blen, slen;
	uint64_t serial = 0;
	char msg[256];
	int ret;

	if (!d->lops->take_policy || d->lops->take_policy(d->l, &file, &len))
		return;
	ret = tppgate_file_split(file, len, &blob, &blen, &sig, &slen);
	if (ret) {
		log_err("ledger %s: the pushed policy is not a signed policy (.tpp): %s; the policy in force stays",
			d->lops->name, strerror(-ret));
		goto out;
	}
	if (!tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg)))
		serial = p.serial;
	tppgate_policy_free(&p);
	tppgate_sha256(blob, blen, sha);
	if (!d->kops->policy_get(d->k, &in_force) &&
	    !memcmp(in_force.sha256, sha, sizeof(sha)))
		goto out;
	ret = d->kops->policy_set(d->k, blob, blen, sig, slen);
	if (ret) {
		const char *k = d->kops->last_error(d->k);

		log_err("ledger %s: pushed policy (serial %llu) refused by the kernel: %s; kernel: %s; the policy in force stays",
			d->lops->name, (unsigned long long)serial,
			strerror(-ret), k ? k : "no message");
		goto out;
	}
	log_notice("ledger %s: pushed policy (serial %llu) loaded",
		   d->lops->name, (unsigned long long)serial);
	d->dirty = true;
	d->force = true;
out:
	free(file);
}
