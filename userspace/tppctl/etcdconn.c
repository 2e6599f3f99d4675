// SPDX-License-Identifier: GPL-2.0
/*
 * How tppctl push and tppctl cluster reach etcd: the [etcd] section of
 * tppgated.conf (the same file the daemons read), or --endpoints and
 * --cluster on the command line, which win over it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tppctl.h"
#include "cluster.h"

int tppctl_etcd_open(struct tppctl_ctx *ctx, const char *cmd,
		     const char *config, const char *endpoints,
		     const char *cluster, struct tppctl_etcd *te)
{
	char err[TPPGATED_ERR_LEN] = "";
	struct tppgated_config c;
	int ret;

	memset(te, 0, sizeof(*te));
	ret = tppgated_config_load(config ? config : TPPGATED_CONFIG,
				   !config && endpoints && cluster, &c, err,
				   sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: %s: %s\n", cmd, err);
		return ret;
	}
	if (endpoints) {
		char urls[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX];

		if (etcd_parse_endpoints(endpoints, urls, ETCD_ENDPOINTS_MAX,
					 err, sizeof(err)) < 0 ||
		    strlen(endpoints) >= sizeof(c.etcd.endpoints)) {
			fprintf(ctx->err, "tppctl: %s: --endpoints: %s\n", cmd,
				err[0] ? err : "too long");
			return -TPPCTL_EUSAGE;
		}
		snprintf(c.etcd.endpoints, sizeof(c.etcd.endpoints), "%s", endpoints);
	}
	if (cluster) {
		if (!etcd_name_ok(cluster)) {
			fprintf(ctx->err, "tppctl: %s: --cluster: '%.64s' is not a cluster name\n",
				cmd, cluster);
			return -TPPCTL_EUSAGE;
		}
		snprintf(c.etcd.cluster, sizeof(c.etcd.cluster), "%s", cluster);
	}
	if (!c.etcd.endpoints[0] || !c.etcd.cluster[0]) {
		fprintf(ctx->err, "tppctl: %s: no etcd endpoints or cluster (set [etcd] in %s, or --endpoints and --cluster)\n",
			cmd, config ? config : TPPGATED_CONFIG);
		return -TPPCTL_EUSAGE;
	}
	ret = etcd_open(&te->e, &c.etcd, 0, err, sizeof(err));
	if (ret) {
		fprintf(ctx->err, "tppctl: %s: %s\n", cmd, err);
		return ret;
	}
	snprintf(te->cluster, sizeof(te->cluster), "%s", c.etcd.cluster);
	snprintf(te->prefix, sizeof(te->prefix), "/tppgate/%s/", c.etcd.cluster);
	snprintf(te->nodes, sizeof(te->nodes), "%snodes/", te->prefix);
	snprintf(te->policy, sizeof(te->policy), "%spolicy", te->prefix);
	return 0;
}
