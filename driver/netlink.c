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
#include "netlink.h"
#include "version.h"

static const struct nla_policy device_req_policy[TPPGATE_DEVICE_A_MAX + 1] = {
	[TPPGATE_DEVICE_A_BDF] = { .type = NLA_NUL_STRING, .len = TPPGATE_BDF_MAX },
};

static const struct nla_policy device_policy[TPPGATE_A_MAX + 1] = {
	[TPPGATE_A_DEVICE] = NLA_POLICY_NESTED(device_req_policy),
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

static int reply_device(struct genl_info *info, struct pci_dev *pdev)
{
	struct tppgate_dev_info dev;
	struct sk_buff *skb;
	void *hdr;
	int ret;

	ret = tppgate_gate_get(pdev, &dev);
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack, "device is not an accelerator");
		return -EOPNOTSUPP;
	}
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &genl_family, 0, info->genlhdr->cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free_msg;
	}
	ret = put_device_attrs(skb, pdev, &dev);
	if (ret)
		goto err_free_msg;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);

err_free_msg:
	nlmsg_free(skb);
	return ret;
}

/* The device named by the request, referenced; pci_dev_put() it when done. */
static struct pci_dev *lookup_device(struct genl_info *info)
{
	struct nlattr *tb[TPPGATE_DEVICE_A_MAX + 1];
	struct nlattr *nest = info->attrs[TPPGATE_A_DEVICE];
	struct device *dev;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, TPPGATE_A_DEVICE))
		return ERR_PTR(-EINVAL);
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

	while ((pdev = tppgate_gate_get_nth(ctx->next, &dev)) != NULL) {
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

static int device_admit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev *pdev = lookup_device(info);
	int ret;

	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = tppgate_gate_admit(pdev, info->extack);
	if (!ret)
		ret = reply_device(info, pdev);
	pci_dev_put(pdev);
	return ret;
}

static int device_quarantine_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev *pdev = lookup_device(info);
	int ret;

	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = tppgate_gate_quarantine(pdev, info->extack);
	if (!ret)
		ret = reply_device(info, pdev);
	pci_dev_put(pdev);
	return ret;
}

static int put_status(struct sk_buff *skb)
{
	struct tppgate_counts counts;
	struct nlattr *nest;
	u32 flags = 0;

	if (tppgate_gate_boot_vga_gated())
		flags |= TPPGATE_STATUS_F_GATE_BOOT_VGA;
	tppgate_gate_counts(&counts);

	nest = nla_nest_start(skb, TPPGATE_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, TPPGATE_STATUS_A_VERSION, TPPGATE_VERSION) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_BOOT_MODE, tppgate_gate_boot_mode()) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_FLAGS, flags) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_QUARANTINED,
			counts.n[TPPGATE_STATE_QUARANTINED]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_ADMITTED,
			counts.n[TPPGATE_STATE_ADMITTED]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_UNMANAGED_BOUND,
			counts.n[TPPGATE_STATE_UNMANAGED_BOUND]) ||
	    nla_put_u32(skb, TPPGATE_STATUS_A_N_UNMANAGED,
			counts.n[TPPGATE_STATE_UNMANAGED])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int status_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &genl_family, 0, TPPGATE_CMD_STATUS_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free_msg;
	}
	ret = put_status(msg);
	if (ret)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return ret;
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

static int event_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	const struct tppgate_event_info *ev = data;
	struct tppgate_dev_info dev;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&genl_family, &init_net, MCGRP_EVENTS))
		return NOTIFY_DONE;
	if (tppgate_gate_get(ev->pdev, &dev))
		return NOTIFY_DONE;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NOTIFY_DONE;
	hdr = genlmsg_put(skb, 0, 0, &genl_family, 0, TPPGATE_CMD_EVENT);
	if (!hdr || nla_put_u32(skb, TPPGATE_A_EVENT, ev->event) ||
	    put_device_attrs(skb, ev->pdev, &dev)) {
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

void tppgate_netlink_uninit(void)
{
	tppgate_event_unregister(&event_nb);
	genl_unregister_family(&genl_family);
}
