// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family: turns requests into calls into the gate and
 * the gate's state into messages. No decisions are made here.
 */

#include <linux/device.h>
#include <linux/netlink.h>
#include <linux/pci.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "event.h"
#include "gate.h"
#include "grant.h"
#include "load.h"
#include "manual.h"
#include "netlink.h"
#include "params.h"
#include "policy.h"
#include "registry.h"
#include "version.h"

static const struct nla_policy device_req_policy[TPPGATE_DEVICE_A_MAX + 1] = {
	[TPPGATE_DEVICE_A_BDF] = { .type = NLA_NUL_STRING, .len = TPPGATE_BDF_MAX },
};

static const struct nla_policy device_policy[TPPGATE_A_MAX + 1] = {
	[TPPGATE_A_DEVICE] = NLA_POLICY_NESTED(device_req_policy),
};

static const struct nla_policy policy_set_policy[TPPGATE_A_MAX + 1] = {
	/* Lengths are bounded by hand, for a clear -E2BIG. */
	[TPPGATE_A_POLICY] = { .type = NLA_BINARY },
	[TPPGATE_A_SIGNATURE] = { .type = NLA_BINARY },
};

static const struct nla_policy grant_policy[TPPGATE_GRANT_A_MAX + 1] = {
	[TPPGATE_GRANT_A_TPP] = { .type = NLA_U64 },
	[TPPGATE_GRANT_A_LEASE] = NLA_POLICY_RANGE(NLA_U32, 1, TPPGATE_GRANT_LEASE_MAX),
	[TPPGATE_GRANT_A_SERIAL] = NLA_POLICY_MIN(NLA_U64, 1),
};

static const struct nla_policy grant_set_policy[TPPGATE_A_MAX + 1] = {
	[TPPGATE_A_GRANT] = NLA_POLICY_NESTED(grant_policy),
};

static struct genl_family genl_family;

enum tppgate_mcgrp {
	MCGRP_EVENTS,
};

static const struct genl_multicast_group mcgrps[] = {
	[MCGRP_EVENTS] = { .name = TPPGATE_MCGRP_EVENTS },
};

static int put_device_attrs(struct sk_buff *skb, struct pci_dev *pdev,
			    const struct tppgate_dev_info *info)
{
	struct device_driver *drv = READ_ONCE(pdev->dev.driver);
	struct nlattr *nest;

	nest = nla_nest_start(skb, TPPGATE_A_DEVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, TPPGATE_DEVICE_A_BDF, pci_name(pdev)) ||
	    nla_put_u16(skb, TPPGATE_DEVICE_A_VENDOR, pdev->vendor) ||
	    nla_put_u16(skb, TPPGATE_DEVICE_A_DEVICE, pdev->device) ||
	    nla_put_u16(skb, TPPGATE_DEVICE_A_SUBSYS_VENDOR,
			pdev->subsystem_vendor) ||
	    nla_put_u16(skb, TPPGATE_DEVICE_A_SUBSYS_DEVICE,
			pdev->subsystem_device) ||
	    nla_put_u32(skb, TPPGATE_DEVICE_A_CLASS, pdev->class) ||
	    nla_put_u32(skb, TPPGATE_DEVICE_A_STATE, info->state) ||
	    nla_put_u32(skb, TPPGATE_DEVICE_A_REASON, info->reason) ||
	    nla_put_u64_64bit(skb, TPPGATE_DEVICE_A_TPP, info->tpp,
			      TPPGATE_DEVICE_A_PAD) ||
	    nla_put_u32(skb, TPPGATE_DEVICE_A_FLAGS, info->flags) ||
	    (drv && nla_put_string(skb, TPPGATE_DEVICE_A_DRIVER, drv->name))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Reply to @info with one message, whose attributes @fill writes. */
static int reply(struct genl_info *info,
		 int (*fill)(struct sk_buff *skb, const void *arg),
		 const void *arg)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &genl_family, 0, info->genlhdr->cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free_msg;
	}
	ret = fill(skb, arg);
	if (ret)
		goto err_free_msg;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);

err_free_msg:
	nlmsg_free(skb);
	return ret;
}

struct device_reply {
	struct pci_dev *pdev;
	struct tppgate_dev_info info;
};

static int fill_device(struct sk_buff *skb, const void *arg)
{
	const struct device_reply *r = arg;

	return put_device_attrs(skb, r->pdev, &r->info);
}

static int reply_device(struct genl_info *info, struct pci_dev *pdev)
{
	struct device_reply r = { .pdev = pdev };

	if (tppgate_registry_get(pdev, &r.info)) {
		NL_SET_ERR_MSG_MOD(info->extack, "device is not an accelerator");
		return -EOPNOTSUPP;
	}
	return reply(info, fill_device, &r);
}

/* The device named by the request, referenced; pci_dev_put() it when done. */
static struct pci_dev *lookup_device(struct genl_info *info)
{
	struct nlattr *tb[TPPGATE_DEVICE_A_MAX + 1];
	struct nlattr *nest = info->attrs[TPPGATE_A_DEVICE];
	struct device *dev;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, TPPGATE_A_DEVICE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing device (TPPGATE_A_DEVICE)");
		return ERR_PTR(-EINVAL);
	}
	ret = nla_parse_nested(tb, TPPGATE_DEVICE_A_MAX, nest, device_req_policy,
			       info->extack);
	if (ret)
		return ERR_PTR(ret);
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, TPPGATE_DEVICE_A_BDF)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing device address (BDF)");
		return ERR_PTR(-EINVAL);
	}
	dev = bus_find_device_by_name(&pci_bus_type, NULL,
				      nla_data(tb[TPPGATE_DEVICE_A_BDF]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TPPGATE_DEVICE_A_BDF],
				    "no PCI device at this address");
		return ERR_PTR(-ENODEV);
	}
	return to_pci_dev(dev);
}

static int device_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev *pdev = lookup_device(info);
	int ret;

	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = reply_device(info, pdev);
	pci_dev_put(pdev);
	return ret;
}

struct dump_ctx {
	unsigned long next;
};

static int device_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->ctx;
	struct tppgate_dev_info dev;
	struct pci_dev *pdev;
	void *hdr;
	int ret;

	static_assert(sizeof(*ctx) <= sizeof(cb->ctx));

	while ((pdev = tppgate_registry_get_nth(ctx->next, &dev)) != NULL) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &genl_family, NLM_F_MULTI,
				  TPPGATE_CMD_DEVICE_GET);
		ret = hdr ? put_device_attrs(skb, pdev, &dev) : -EMSGSIZE;
		pci_dev_put(pdev);
		if (ret) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next++;
	}
	return skb->len;
}

/* Admit or quarantine the device the request names, then reply with it. */
static int device_change(struct genl_info *info,
			 int (*change)(struct pci_dev *pdev,
				       struct netlink_ext_ack *extack))
{
	struct pci_dev *pdev = lookup_device(info);
	int ret;

	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = change(pdev, info->extack);
	if (!ret)
		ret = reply_device(info, pdev);
	pci_dev_put(pdev);
	return ret;
}

static int device_admit_doit(struct sk_buff *skb, struct genl_info *info)
{
	return device_change(info, tppgate_manual_admit);
}

static int device_quarantine_doit(struct sk_buff *skb, struct genl_info *info)
{
	return device_change(info, tppgate_manual_quarantine);
}

/* What STATUS_GET reports of the policy in force and the grant. */
struct status_policy {
	bool present;
	bool has_node_cap;
	bool grant_required;
	bool expired;
	u64 serial;
	u64 node_cap;
	struct tppgate_grant_status grant;
};

static void read_status_policy(struct status_policy *sp)
{
	const struct tppgate_policy *p;

	memset(sp, 0, sizeof(*sp));
	rcu_read_lock();
	p = tppgate_gate_policy();
	if (p) {
		sp->present = true;
		sp->has_node_cap = p->has_node_cap;
		sp->grant_required = p->grant_required;
		sp->serial = p->serial;
		sp->node_cap = p->node_cap;
		tppgate_grant_status(p, ktime_get_boottime(), &sp->grant);
	}
	rcu_read_unlock();
	sp->expired = tppgate_gate_policy_expired();
}

static u32 status_flags(const struct status_policy *sp)
{
	u32 flags = 0;

	if (tppgate_params_gate_boot_vga())
		flags |= TPPGATE_STATUS_F_GATE_BOOT_VGA;
	if (tppgate_params_manual())
		flags |= TPPGATE_STATUS_F_MANUAL;
	if (sp->expired)
		flags |= TPPGATE_STATUS_F_POLICY_EXPIRED;
	if (sp->grant_required)
		flags |= TPPGATE_STATUS_F_GRANT_REQUIRED;
	if (sp->grant.phase == TPPGATE_GRANT_LAPSED ||
	    sp->grant.phase == TPPGATE_GRANT_OFFLINE)
		flags |= TPPGATE_STATUS_F_LEASE_LAPSED;
	if (sp->grant.phase == TPPGATE_GRANT_OFFLINE)
		flags |= TPPGATE_STATUS_F_OFFLINE_CAP;
	return flags;
}

static int put_u64(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, TPPGATE_STATUS_A_PAD);
}

static int put_status_policy(struct sk_buff *skb, const struct status_policy *sp)
{
	const struct tppgate_grant_status *g = &sp->grant;
	bool lapsed = g->phase == TPPGATE_GRANT_LAPSED ||
		      g->phase == TPPGATE_GRANT_OFFLINE;

	if (!sp->present)
		return 0;
	/* An expired policy allows nothing: its caps are 0. */
	if ((sp->has_node_cap &&
	     put_u64(skb, TPPGATE_STATUS_A_NODE_CAP, sp->expired ? 0 : sp->node_cap)) ||
	    put_u64(skb, TPPGATE_STATUS_A_POLICY_SERIAL, sp->serial) ||
	    (g->capped &&
	     put_u64(skb, TPPGATE_STATUS_A_EFFECTIVE_CAP, sp->expired ? 0 : g->cap)) ||
	    (lapsed && put_u64(skb, TPPGATE_STATUS_A_OFFLINE_SECS, g->offline_secs)))
		return -EMSGSIZE;
	if (!g->has_grant)
		return 0;
	if (put_u64(skb, TPPGATE_STATUS_A_GRANT, g->tpp) ||
	    put_u64(skb, TPPGATE_STATUS_A_GRANT_SERIAL, g->serial) ||
	    put_u64(skb, TPPGATE_STATUS_A_LEASE_LEFT_MS, g->lease_left_ms))
		return -EMSGSIZE;
	return 0;
}

static int put_status(struct sk_buff *skb, const void *unused)
{
	struct status_policy sp;
	struct tppgate_counts counts;
	struct nlattr *nest;

	read_status_policy(&sp);
	tppgate_registry_counts(&counts);

	nest = nla_nest_start(skb, TPPGATE_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, TPPGATE_STATUS_A_VERSION, TPPGATE_VERSION) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_BOOT_MODE, tppgate_params_boot_mode()) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_FLAGS, status_flags(&sp)) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_QUARANTINED,
			counts.n[TPPGATE_STATE_QUARANTINED]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_ADMITTED,
			counts.n[TPPGATE_STATE_ADMITTED]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_UNMANAGED_BOUND,
			counts.n[TPPGATE_STATE_UNMANAGED_BOUND]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_UNMANAGED,
			counts.n[TPPGATE_STATE_UNMANAGED]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_OVER_CAP,
			counts.n[TPPGATE_STATE_OVER_CAP]) ||
	    put_u64(skb, TPPGATE_STATUS_A_ADMITTED_TPP, counts.counted_tpp) ||
	    put_status_policy(skb, &sp)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int status_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, put_status, NULL);
}

static int put_policy_fields(struct sk_buff *skb, const struct tppgate_policy *p)
{
	const int pad = TPPGATE_POLICY_A_PAD;
	struct nlattr *host;

	if (nla_put_u32(skb, TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_FORMAT) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_SERIAL, p->serial, pad) ||
	    nla_put_string(skb, TPPGATE_POLICY_A_ISSUER, p->issuer) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_NOT_BEFORE, p->not_before, pad) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_NOT_AFTER, p->not_after, pad) ||
	    nla_put_string(skb, TPPGATE_POLICY_A_REGION, p->region) ||
	    nla_put_u8(skb, TPPGATE_POLICY_A_TIER, p->tier) ||
	    (p->has_node_cap &&
	     nla_put_u64_64bit(skb, TPPGATE_POLICY_A_NODE_CAP, p->node_cap, pad)) ||
	    (p->cluster_id[0] &&
	     nla_put_string(skb, TPPGATE_POLICY_A_CLUSTER_ID, p->cluster_id)) ||
	    (p->has_cluster_cap &&
	     nla_put_u64_64bit(skb, TPPGATE_POLICY_A_CLUSTER_CAP, p->cluster_cap, pad)) ||
	    nla_put_u8(skb, TPPGATE_POLICY_A_GRANT_REQUIRED, p->grant_required) ||
	    nla_put_u32(skb, TPPGATE_POLICY_A_OFFLINE_GRACE, p->offline_grace) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_OFFLINE_CAP, p->offline_cap, pad) ||
	    nla_put_u32(skb, TPPGATE_POLICY_A_REVOKE_MODE, p->revoke_mode) ||
	    nla_put_u32(skb, TPPGATE_POLICY_A_REVOKE_DEADLINE, p->revoke_deadline) ||
	    (p->n_classes &&
	     nla_put(skb, TPPGATE_POLICY_A_CLASSES, p->n_classes * sizeof(u16),
		     p->classes)) ||
	    nla_put_u32(skb, TPPGATE_POLICY_A_DEFAULT_ACTION, p->default_action))
		return -EMSGSIZE;
	if (p->has_host) {
		host = nla_nest_start(skb, TPPGATE_POLICY_A_HOST);
		if (!host ||
		    nla_put_u32(skb, TPPGATE_HOST_A_KIND, p->host_kind) ||
		    nla_put(skb, TPPGATE_HOST_A_HASH, TPPGATE_SHA256_LEN, p->host_hash))
			return -EMSGSIZE;
		nla_nest_end(skb, host);
	}
	return 0;
}

static int put_policy_info(struct sk_buff *skb, const void *unused)
{
	const int pad = TPPGATE_POLICY_A_PAD;
	const struct tppgate_policy *p;
	struct nlattr *nest;
	int ret = -ENOENT;

	rcu_read_lock();
	p = tppgate_gate_policy();
	if (!p)
		goto out;
	ret = -EMSGSIZE;
	nest = nla_nest_start(skb, TPPGATE_A_POLICY_INFO);
	if (!nest || put_policy_fields(skb, p) ||
	    nla_put_u32(skb, TPPGATE_POLICY_A_INFO_N_ENTRIES, p->n_entries) ||
	    nla_put(skb, TPPGATE_POLICY_A_INFO_SHA256, TPPGATE_SHA256_LEN, p->sha256) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_INFO_LOADED_AT, p->loaded_at, pad) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_INFO_VERIFY_NS, p->verify_ns, pad) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_INFO_PARSE_NS, p->parse_ns, pad) ||
	    nla_put_u64_64bit(skb, TPPGATE_POLICY_A_INFO_APPLY_NS, p->apply_ns, pad) ||
	    nla_put_u8(skb, TPPGATE_POLICY_A_INFO_EXPIRED, tppgate_gate_policy_expired()))
		goto out;
	nla_nest_end(skb, nest);
	ret = 0;
out:
	rcu_read_unlock();
	return ret;
}

static int reply_policy(struct genl_info *info)
{
	int ret = reply(info, put_policy_info, NULL);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "no policy loaded");
	return ret;
}

static int policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	/* Before the signature reaches the ASN.1 parser. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack, "loading a policy needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (GENL_REQ_ATTR_CHECK(info, TPPGATE_A_POLICY)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing policy blob (TPPGATE_A_POLICY)");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, TPPGATE_A_SIGNATURE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "policy is not signed (no TPPGATE_A_SIGNATURE)");
		return -EINVAL;
	}
	ret = tppgate_load_policy(info->attrs[TPPGATE_A_POLICY],
				  info->attrs[TPPGATE_A_SIGNATURE], info->extack);
	if (ret)
		return ret;
	return reply_policy(info);
}

static int policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply_policy(info);
}

static int grant_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TPPGATE_GRANT_A_MAX + 1];
	struct nlattr *nest = info->attrs[TPPGATE_A_GRANT];
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, TPPGATE_A_GRANT)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing grant (TPPGATE_A_GRANT)");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, TPPGATE_GRANT_A_MAX, nest, grant_policy,
			       info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, TPPGATE_GRANT_A_TPP) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, TPPGATE_GRANT_A_LEASE) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, TPPGATE_GRANT_A_SERIAL)) {
		NL_SET_ERR_MSG_MOD(info->extack, "grant needs TPP, LEASE and SERIAL");
		return -EINVAL;
	}
	ret = tppgate_gate_set_grant(nla_get_u64(tb[TPPGATE_GRANT_A_TPP]),
				     nla_get_u32(tb[TPPGATE_GRANT_A_LEASE]),
				     nla_get_u64(tb[TPPGATE_GRANT_A_SERIAL]),
				     info->extack);
	if (ret)
		return ret;
	return reply(info, put_status, NULL);
}

static const struct genl_ops genl_ops[] = {
	{
		.cmd = TPPGATE_CMD_DEVICE_GET,
		.doit = device_get_doit,
		.dumpit = device_get_dumpit,
		.policy = device_policy,
		.maxattr = TPPGATE_A_MAX,
	},
	{
		.cmd = TPPGATE_CMD_DEVICE_ADMIT,
		.doit = device_admit_doit,
		.policy = device_policy,
		.maxattr = TPPGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = TPPGATE_CMD_DEVICE_QUARANTINE,
		.doit = device_quarantine_doit,
		.policy = device_policy,
		.maxattr = TPPGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		/* No .policy: with resv_start_op = 0 any attribute is rejected. */
		.cmd = TPPGATE_CMD_STATUS_GET,
		.doit = status_get_doit,
	},
	{
		.cmd = TPPGATE_CMD_POLICY_SET,
		.doit = policy_set_doit,
		.policy = policy_set_policy,
		.maxattr = TPPGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = TPPGATE_CMD_POLICY_GET,
		.doit = policy_get_doit,
	},
	{
		.cmd = TPPGATE_CMD_GRANT_SET,
		.doit = grant_set_doit,
		.policy = grant_set_policy,
		.maxattr = TPPGATE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family genl_family __ro_after_init = {
	.name = TPPGATE_GENL_NAME,
	.version = TPPGATE_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.mcgrps = mcgrps,
	.n_mcgrps = ARRAY_SIZE(mcgrps),
	.resv_start_op = 0,
	.netnsok = false,
	/* A slow GPU unbind must not stall every other family's requests. */
	.parallel_ops = true,
};

static int put_event_attrs(struct sk_buff *skb, const struct tppgate_event_info *ev)
{
	if (ev->pdev)
		return put_device_attrs(skb, ev->pdev, ev->dev);
	switch (ev->event) {
	case TPPGATE_EVENT_GRANT_CHANGED:
	case TPPGATE_EVENT_LEASE_LAPSED:
	case TPPGATE_EVENT_OFFLINE_CAP:
		return put_status(skb, NULL);
	default:
		return put_policy_info(skb, NULL);
	}
}

static int event_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	const struct tppgate_event_info *ev = data;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&genl_family, &init_net, MCGRP_EVENTS))
		return NOTIFY_DONE;
	/* A device the gate no longer tracks has no state to report. */
	if (ev->pdev && !ev->dev)
		return NOTIFY_DONE;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NOTIFY_DONE;
	hdr = genlmsg_put(skb, 0, 0, &genl_family, 0, TPPGATE_CMD_EVENT);
	if (!hdr || nla_put_u32(skb, TPPGATE_A_EVENT, ev->event) ||
	    put_event_attrs(skb, ev)) {
		nlmsg_free(skb);
		return NOTIFY_DONE;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&genl_family, skb, 0, MCGRP_EVENTS, GFP_KERNEL);
	return NOTIFY_OK;
}

static struct notifier_block event_nb = {
	.notifier_call = event_notify,
};

/**
 * tppgate_netlink_init() - register the family and listen to gate events
 *
 * Called last at module load: from here on commands reach the gate.
 *
 * Return: 0, or an errno from genl_register_family().
 */
int __init tppgate_netlink_init(void)
{
	int ret;

	ret = genl_register_family(&genl_family);
	if (ret)
		return ret;
	ret = tppgate_event_register(&event_nb);
	if (ret)
		goto err_unregister_family;
	return 0;

err_unregister_family:
	genl_unregister_family(&genl_family);
	return ret;
}

/**
 * tppgate_netlink_uninit() - unregister the family
 *
 * Called first at unload. genl_unregister_family() waits for the handlers
 * still running, so none runs, and none queues an RCU callback, once this
 * returns.
 */
void tppgate_netlink_uninit(void)
{
	tppgate_event_unregister(&event_nb);
	genl_unregister_family(&genl_family);
}
