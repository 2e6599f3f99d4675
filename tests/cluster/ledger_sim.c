// SPDX-License-Identifier: GPL-2.0
/*
 * ledger_sim.h: lease renewals and raw puts for the simulators that run
 * tppgated's etcd ledger as a library.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "ledger_sim.h"

uint64_t sim_boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int sim_renew(struct etcd *e, struct ledger *l, uint64_t *ttl, char *err,
	      size_t errlen)
{
	uint64_t id = ledger_etcd_lease(l), t0 = sim_boot_ms();
	json_t *r = NULL;
	int ret;

	*ttl = 0;
	if (!id)
		return -ESRCH;
	ret = etcd_post(e, "/v3/lease/keepalive",
			json_pack("{s:o}", "ID", etcd_u64_json(id)), &r, err,
			errlen);
	if (!ret)
		*ttl = etcd_u64(json_object_get(r, "result"), "TTL");
	json_decref(r);
	/* As the daemon's keep-alive: 200 without a TTL is a lease gone. */
	if (ret && ret != -ENOENT)
		return ret;
	ledger_etcd_renewed(l, id, t0, *ttl);
	if (*ttl)
		return 0;
	/* Gone, unless a reserve took a new lease meanwhile. */
	return ledger_etcd_lease(l) ? 0 : -ENOENT;
}

int sim_policy_rev(struct etcd *e, const char *cluster, uint64_t *rev,
		   char *err, size_t errlen)
{
	char key[200];
	json_t *r = NULL;
	int ret;

	snprintf(key, sizeof(key), "/tppgate/%s/policy", cluster);
	ret = etcd_post(e, "/v3/kv/range",
			json_pack("{s:o, s:b}", "key", etcd_b64s(key), "keys_only", 1),
			&r, err, errlen);
	*rev = ret ? 0 : etcd_u64(json_array_get(json_object_get(r, "kvs"), 0),
				  "mod_revision");
	json_decref(r);
	if (!ret && !*rev) {
		snprintf(err, errlen, "no policy at %s", key);
		ret = -ENOENT;
	}
	return ret;
}

int sim_raw_put(struct etcd *e, const char *key, char *err, size_t errlen)
{
	json_t *r = NULL;
	int ret;

	ret = etcd_post(e, "/v3/kv/txn",
			json_pack("{s:[], s:[{s:{s:o, s:o}}]}", "compare",
				  "success", "request_put", "key", etcd_b64s(key),
				  "value", etcd_b64s("{\"tpp\": 1}")),
			&r, err, errlen);
	json_decref(r);
	return ret;
}
