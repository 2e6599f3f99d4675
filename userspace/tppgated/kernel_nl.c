// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel over generic netlink, through libtppgate.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel.h"

struct kernel {
	struct tppgate_handle *h;
};

/*
 * The family appears a moment after the module is loaded: wait for it a
 * little (tlshd says clearly what is missing; so do we, after trying).
 */
static int nl_open(struct kernel **kp, const struct tppgated_config *cfg,
		   char *err, size_t errlen)
{
	struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	struct kernel *k;
	int ret, i;

	(void)cfg;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	for (i = 0; i < 50; i++) {
		ret = tppgate_connect(&k->h);
		if (ret != -EPROTONOSUPPORT)
			break;
		nanosleep(&ts, NULL);
	}
	if (ret) {
		snprintf(err, errlen, ret == -EPROTONOSUPPORT ?
			 "the tppgate netlink family is not registered: is tppgate.ko loaded?" :
			 "cannot open a generic netlink socket: %s", strerror(-ret));
		free(k);
		return ret;
	}
	ret = tppgate_events_subscribe(k->h);
	if (ret) {
		snprintf(err, errlen, "cannot join the tppgate events group: %s",
			 strerror(-ret));
		tppgate_close(k->h);
		free(k);
		return ret;
	}
	*kp = k;
	return 0;
}

static void nl_close(struct kernel *k)
{
	tppgate_close(k->h);
	free(k);
}

static int nl_events_fd(struct kernel *k)
{
	return tppgate_events_fd(k->h);
}

static int on_event(const struct tppgate_event_info *ev, void *ctx)
{
	unsigned int *changes = ctx;

	switch (ev->event) {
	case TPPGATE_EVENT_POLICY_LOADED:
	case TPPGATE_EVENT_POLICY_EXPIRED:
		*changes |= KERNEL_CHANGE_POLICY;
		break;
	case TPPGATE_EVENT_LEASE_LAPSED:
	case TPPGATE_EVENT_OFFLINE_CAP:
		*changes |= KERNEL_CHANGE_LAPSED;
		break;
	case TPPGATE_EVENT_GRANT_CHANGED:
		/* Our own doing (or another granter's, which the plan ignores). */
		break;
	default:
		*changes |= KERNEL_CHANGE_DEVICES;
		break;
	}
	return 0;
}

static int nl_events_read(struct kernel *k, unsigned int *changes)
{
	int ret = tppgate_events_read(k->h, on_event, changes);

	if (ret == -ENOBUFS) {
		*changes |= KERNEL_CHANGE_LOST;
		return 0;
	}
	return ret == -EBADMSG ? 0 : ret;
}

static int nl_status(struct kernel *k, struct tppgate_status_info *out)
{
	return tppgate_status_get(k->h, out);
}

static int nl_policy_get(struct kernel *k, struct tppgate_policy_info *out)
{
	return tppgate_policy_get(k->h, out);
}

static int nl_policy_set(struct kernel *k, const void *blob, size_t blen,
			 const void *sig, size_t slen)
{
	return tppgate_policy_set(k->h, blob, blen, sig, slen, NULL);
}

static int nl_grant_set(struct kernel *k, uint64_t tpp, uint32_t lease,
			uint64_t serial, struct tppgate_status_info *out)
{
	return tppgate_grant_set(k->h, tpp, lease, serial, out);
}

struct dev_list {
	struct tppgate_device_info *v;
	size_t n, cap;
};

static int add_dev(const struct tppgate_device_info *d, void *ctx)
{
	struct dev_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *d;
	return 0;
}

static int nl_devices(struct kernel *k, struct tppgate_device_info **devs,
		      size_t *n)
{
	struct dev_list l = { 0 };
	int ret = tppgate_device_list(k->h, add_dev, &l);

	if (ret) {
		free(l.v);
		return ret;
	}
	*devs = l.v;
	*n = l.n;
	return 0;
}

static const char *nl_last_error(struct kernel *k)
{
	return tppgate_last_error_msg(k->h);
}

const struct kernel_ops kernel_netlink_ops = {
	.name = "netlink",
	.open = nl_open,
	.close = nl_close,
	.events_fd = nl_events_fd,
	.events_read = nl_events_read,
	.status = nl_status,
	.policy_get = nl_policy_get,
	.policy_set = nl_policy_set,
	.grant_set = nl_grant_set,
	.devices = nl_devices,
	.last_error = nl_last_error,
};
