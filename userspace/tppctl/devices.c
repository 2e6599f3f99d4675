// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl devices [BDF]: every accelerator the module tracks, in PCI order,
 * or one of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tppctl.h"

/* More than any machine has; bounds the memory a dump can take. */
#define MAX_DEVICES	65536

struct devlist {
	struct tppgate_device_info *v;
	size_t n, cap;
};

static int collect(const struct tppgate_device_info *dev, void *ctx)
{
	struct devlist *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *v;

		if (cap > MAX_DEVICES)
			return -E2BIG;
		v = realloc(l->v, cap * sizeof(*l->v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *dev;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return tppctl_device_cmp(a, b);
}

static int print_list(struct tppctl_ctx *ctx, struct devlist *l)
{
	json_t *arr;
	size_t i;

	qsort(l->v, l->n, sizeof(*l->v), cmp);
	if (!ctx->json) {
		tppctl_device_header(ctx->out);
		for (i = 0; i < l->n; i++)
			tppctl_device_row(ctx->out, &l->v[i]);
		return 0;
	}
	arr = json_array();
	for (i = 0; arr && i < l->n; i++) {
		if (json_array_append_new(arr, tppctl_device_json(&l->v[i]))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return tppctl_print_json(ctx, arr);
}

static int list(struct tppctl_ctx *ctx, struct tppgate_handle *h)
{
	struct devlist l = { 0 };
	int err;

	err = tppgate_device_list(h, collect, &l);
	if (err)
		tppctl_report(ctx, h, err, "devices", NULL);
	else
		err = print_list(ctx, &l);
	free(l.v);
	return err;
}

static int show_one(struct tppctl_ctx *ctx, struct tppgate_handle *h,
		    const char *bdf)
{
	struct tppgate_device_info dev;
	int err;

	err = tppgate_device_get(h, bdf, &dev);
	if (err) {
		tppctl_report(ctx, h, err, "devices", bdf);
		return err;
	}
	if (ctx->json)
		return tppctl_print_json(ctx, tppctl_device_json(&dev));
	tppctl_device_header(ctx->out);
	tppctl_device_row(ctx->out, &dev);
	return 0;
}

int devices_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	struct tppgate_handle *h;
	struct tppctl_args args;
	int err;

	err = tppctl_parse_args(argc, argv, TPPCTL_BDF_OPTIONAL, &args,
				ctx->err);
	if (err || args.help)
		return err;
	ctx->json |= args.json;
	err = tppctl_connect(ctx, &h, "devices");
	if (err)
		return err;
	if (args.has_bdf)
		err = show_one(ctx, h, args.bdf);
	else
		err = list(ctx, h);
	tppgate_close(h);
	return err;
}
