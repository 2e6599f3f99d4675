// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl push: stores a signed policy at /tppgate/<cluster>/policy, where
 * every tppgated of the cluster watches it and hands it to its kernel.
 * The policy is checked here first (signature against --cert, a cluster
 * cap, the cluster's name), then written by compare-and-swap: only over
 * the value it read, and only with a higher serial, so two admins pushing
 * at once cannot roll the cluster back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"
#include "cluster.h"

#define PUSH_TRIES	5

static int stored_serial(const char *b64, uint64_t *serial)
{
	struct tppgate_policy_src p;
	const void *blob, *sig;
	size_t len, blen, slen;
	uint8_t *file;
	char msg[128];
	int ret;

	ret = etcd_unb64(b64, &file, &len);
	if (ret)
		return ret;
	ret = tppgate_file_split(file, len, &blob, &blen, &sig, &slen);
	if (!ret)
		ret = tppgate_policy_decode(blob, blen, &p, msg, sizeof(msg));
	if (!ret) {
		*serial = p.serial;
		tppgate_policy_free(&p);
	}
	free(file);
	return ret;
}

static int verify(struct tppctl_ctx *ctx, const char *path, const char *cert,
		  const struct tppctl_policy_file *pf)
{
	char err[256];
	size_t clen;
	char *c;
	int ret;

	ret = tppctl_read_file(cert, 1024 * 1024, &c, &clen);
	if (ret)
		return tppctl_file_error(ctx, cert, ret);
	ret = tppgate_verify(pf->blob, pf->blen, pf->sig, pf->slen, c, clen,
			     err, sizeof(err));
	free(c);
	if (ret)
		fprintf(ctx->err, "tppctl: push: %s: %s\n", path, err);
	return ret;
}

int push_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	static const char usage[] =
		"usage: tppctl push [-j] --cert CERTS.pem [--config FILE] [--endpoints URLS] [--cluster NAME] FILE.tpp\n"
		"  Verify a signed policy and store it for every host of the cluster\n"
		"  (its serial must be higher than the stored one).\n";
	const char *cert = NULL, *config = NULL, *endpoints = NULL, *cluster = NULL;
	const struct tppctl_opt opts[] = {
		{ NULL, "--cert", "CERTS.pem", &cert, NULL },
		{ NULL, "--config", "FILE", &config, NULL },
		{ NULL, "--endpoints", "URLS", &endpoints, NULL },
		{ NULL, "--cluster", "NAME", &cluster, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	struct tppctl_policy_file pf = { 0 };
	struct tppctl_etcd te = { 0 };
	struct tppctl_parsed a;
	char err[TPPGATED_ERR_LEN];
	uint64_t serial, old = 0, rev = 0;
	int ret, i;

	ret = tppctl_parse_opts(argc, argv, "push", opts, 1, 1, usage, &a,
				ctx->err);
	if (ret || a.help)
		return ret;
	if (!cert) {
		fprintf(ctx->err, "tppctl: push: --cert is required: the policy is verified before it is pushed\n%s",
			usage);
		return -TPPCTL_EUSAGE;
	}
	ret = tppctl_policy_open(ctx, a.pos[0], true, &pf);
	if (ret)
		return ret;
	if (pf.kind != TPPCTL_POLICY_SIGNED) {
		fprintf(ctx->err, "tppctl: push: %s: not a signed policy (.tpp); sign it with tppctl policy sign\n",
			a.pos[0]);
		ret = -EINVAL;
		goto out;
	}
	ret = verify(ctx, a.pos[0], cert, &pf);
	if (ret)
		goto out;
	serial = pf.src.serial;
	if (!pf.src.has_cluster_cap) {
		fprintf(ctx->err, "tppctl: push: %s: the policy sets no cluster cap\n",
			a.pos[0]);
		ret = -EINVAL;
		goto out;
	}
	ret = tppctl_etcd_open(ctx, "push", config, endpoints, cluster, &te);
	if (ret)
		goto out;
	if (pf.src.cluster_id[0] && strcmp(pf.src.cluster_id, te.cluster)) {
		fprintf(ctx->err, "tppctl: push: %s is for cluster '%s', not '%s'\n",
			a.pos[0], pf.src.cluster_id, te.cluster);
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < PUSH_TRIES; i++) {
		json_t *r = NULL, *kv, *cmp;

		ret = etcd_post(te.e, "/v3/kv/range",
				json_pack("{s:o}", "key", etcd_b64s(te.policy)),
				&r, err, sizeof(err));
		if (ret)
			break;
		kv = json_array_get(json_object_get(r, "kvs"), 0);
		rev = etcd_u64(kv, "mod_revision");
		if (kv && stored_serial(json_string_value(json_object_get(kv, "value")) ?: "",
					&old)) {
			/* Whatever is there is no policy: a higher serial is moot. */
			old = 0;
		}
		json_decref(r);
		r = NULL;
		if (kv && serial <= old) {
			fprintf(ctx->err, "tppctl: push: serial %llu is not higher than the stored policy's %llu: nothing pushed\n",
				(unsigned long long)serial, (unsigned long long)old);
			ret = -ESTALE;
			goto out;
		}
		/* Only over what we read: absent (version 0) or this revision. */
		cmp = kv ? json_pack("[{s:o, s:s, s:s, s:o}]", "key", etcd_b64s(te.policy),
				     "target", "MOD", "result", "EQUAL",
				     "mod_revision", etcd_u64_json(rev)) :
			   json_pack("[{s:o, s:s, s:s, s:o}]", "key", etcd_b64s(te.policy),
				     "target", "VERSION", "result", "EQUAL",
				     "version", etcd_u64_json(0));
		ret = etcd_post(te.e, "/v3/kv/txn",
				json_pack("{s:o, s:[{s:{s:o, s:o}}]}", "compare", cmp,
					  "success", "request_put", "key", etcd_b64s(te.policy),
					  "value", etcd_b64(pf.data, pf.len)),
				&r, err, sizeof(err));
		if (ret)
			break;
		if (json_is_true(json_object_get(r, "succeeded"))) {
			rev = etcd_u64(json_object_get(r, "header"), "revision");
			json_decref(r);
			if (ctx->json)
				ret = tppctl_print_json(ctx, json_pack("{s:s, s:o, s:o, s:o}",
					"cluster", te.cluster, "serial", tppctl_u64_json(serial),
					"replaced", tppctl_u64_json(old),
					"revision", tppctl_u64_json(rev)));
			else
				fprintf(ctx->out, "pushed serial %llu to cluster %s (revision %llu)\n",
					(unsigned long long)serial, te.cluster,
					(unsigned long long)rev);
			goto out;
		}
		json_decref(r);
	}
	if (!ret) {
		fprintf(ctx->err, "tppctl: push: the stored policy kept changing; nothing pushed\n");
		ret = -EAGAIN;
	} else {
		fprintf(ctx->err, "tppctl: push: %s\n", err);
	}
out:
	etcd_close(te.e);
	tppctl_policy_close(&pf);
	return ret;
}
