// SPDX-License-Identifier: GPL-2.0
/*
 * Loading tppgate.ko as modprobe would (options from /etc/modprobe.d, the
 * blacklist honoured), the way systemd's module-util.c does it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libkmod.h>

#include "kernel.h"

int tppgated_load_module(const char *name, char *err, size_t errlen)
{
	struct kmod_list *list = NULL, *it;
	struct kmod_ctx *ctx;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(err, errlen, "libkmod: cannot set up");
		return -ENOMEM;
	}
	kmod_load_resources(ctx);
	ret = kmod_module_new_from_lookup(ctx, name, &list);
	if (ret < 0) {
		snprintf(err, errlen, "module %s: lookup failed: %s", name,
			 strerror(-ret));
		goto out;
	}
	if (!list) {
		snprintf(err, errlen,
			 "module %s not found for this kernel (make install; depmod)",
			 name);
		ret = -ENOENT;
		goto out;
	}
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		int state = kmod_module_get_initstate(mod);

		if (state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE) {
			ret = 0;
		} else {
			ret = kmod_module_probe_insert_module(mod,
				KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
				NULL);
			if (ret == -EPERM)
				snprintf(err, errlen,
					 "module %s: not permitted (CAP_SYS_MODULE? lockdown or an unsigned module?)",
					 name);
			else if (ret == -ENODEV || ret == -ENOENT)
				snprintf(err, errlen,
					 "module %s: %s (blacklisted, or not built for this kernel)",
					 name, strerror(-ret));
			else if (ret > 0)
				snprintf(err, errlen, "module %s is blacklisted",
					 name), ret = -EPERM;
			else if (ret < 0)
				snprintf(err, errlen, "module %s: %s", name,
					 strerror(-ret));
		}
		kmod_module_unref(mod);
		if (ret)
			break;
	}
	kmod_module_unref_list(list);
out:
	kmod_unref(ctx);
	return ret;
}
