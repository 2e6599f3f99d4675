// SPDX-License-Identifier: GPL-2.0
/*
 * tppgate: keep every accelerator PCI device in quarantine until admitted.
 *
 * The module parameters are checked by their setters before this runs. Then
 * the subsystems come up in dependency order and go down in reverse:
 *
 *  1. the trust anchors, so no policy is checked against a half-built
 *     keyring;
 *  2. the quarantine driver, which must be there before anything is held;
 *  3. the gate's workqueue and alarms;
 *  4. the bus notifier, then the sweep that holds what is on the bus;
 *  5. the netlink family, last: no command can reach a gate that is not
 *     complete, and on the way down none runs once the gate goes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "fault.h"
#include "gate.h"
#include "keys.h"
#include "netlink.h"
#include "notifier.h"
#include "quarantine.h"
#include "version.h"

static int __init tppgate_init(void)
{
	int ret;

	ret = tppgate_keys_init();
	if (ret)
		return ret;
	ret = tppgate_quarantine_init();
	if (ret)
		goto err_uninit_keys;
	ret = tppgate_gate_init();
	if (ret)
		goto err_unregister_driver;
	ret = tppgate_fault_init();
	if (ret)
		goto err_uninit_gate;
	ret = tppgate_notifier_init();
	if (ret)
		goto err_uninit_fault;
	ret = tppgate_netlink_init();
	if (ret)
		goto err_unregister_notifier;

	pr_info("version %s loaded\n", TPPGATE_VERSION);
	return 0;

err_unregister_notifier:
	tppgate_notifier_uninit();
err_uninit_fault:
	tppgate_fault_uninit();
err_uninit_gate:
	tppgate_gate_uninit();
err_unregister_driver:
	tppgate_quarantine_uninit();
err_uninit_keys:
	tppgate_keys_uninit();
	return ret;
}

static void __exit tppgate_exit(void)
{
	tppgate_netlink_uninit();
	tppgate_notifier_uninit();
	tppgate_fault_uninit();
	tppgate_gate_uninit();
	tppgate_quarantine_uninit();
	tppgate_keys_uninit();
	pr_info("unloaded\n");
}

module_init(tppgate_init);
module_exit(tppgate_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Quarantine for accelerator PCI devices, admitted by compute cap");
MODULE_AUTHOR("The tppgate developers");
MODULE_VERSION(TPPGATE_VERSION);
