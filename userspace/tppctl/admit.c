// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl admit BDF: release a quarantined accelerator to its real driver.
 * tppctl quarantine BDF: take it back.
 * Both print the device as the kernel reports it after the change.
 */
#include "tppctl.h"

typedef int (*device_op)(struct tppgate_handle *h, const char *bdf,
			 struct tppgate_device_info *out);

static int change(int argc, char **argv, struct tppctl_ctx *ctx,
		  device_op op)
{
	struct tppgate_device_info dev;
	struct tppgate_handle *h;
	struct tppctl_args args;
	int err;

	err = tppctl_parse_args(argc, argv, TPPCTL_BDF_REQUIRED, &args,
				ctx->err);
	if (err || args.help)
		return err;
	ctx->json |= args.json;
	err = tppctl_connect(ctx, &h, argv[0]);
	if (err)
		return err;
	err = op(h, args.bdf, &dev);
	if (err) {
		tppctl_report(ctx, h, err, argv[0], args.bdf);
	} else if (ctx->json) {
		err = tppctl_print_json(ctx, tppctl_device_json(&dev));
	} else {
		tppctl_device_header(ctx->out);
		tppctl_device_row(ctx->out, &dev);
	}
	tppgate_close(h);
	return err;
}

int admit_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	return change(argc, argv, ctx, tppgate_device_admit);
}

int quarantine_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	return change(argc, argv, ctx, tppgate_device_quarantine);
}
