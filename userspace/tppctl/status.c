// SPDX-License-Identifier: GPL-2.0
/*
 * tppctl status: module-wide state.
 */
#include "tppctl.h"

int status_main(int argc, char **argv, struct tppctl_ctx *ctx)
{
	struct tppgate_status_info st;
	struct tppgate_handle *h;
	struct tppctl_args args;
	int err;

	err = tppctl_parse_args(argc, argv, TPPCTL_BDF_NONE, &args, ctx->err);
	if (err || args.help)
		return err;
	ctx->json |= args.json;
	err = tppctl_connect(ctx, &h, "status");
	if (err)
		return err;
	err = tppgate_status_get(h, &st);
	if (err)
		tppctl_report(ctx, h, err, "status", NULL);
	else if (ctx->json)
		err = tppctl_print_json(ctx, tppctl_status_json(&st));
	else
		tppctl_status_text(ctx->out, &st);
	tppgate_close(h);
	return err;
}
