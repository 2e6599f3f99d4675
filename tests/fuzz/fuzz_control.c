// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's request parser on arbitrary bytes, and the error
 * reply built from its message: every refusal has a message, and the
 * reply to it is one line of JSON that parses back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tppgated.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[TPPGATED_ERR_LEN] = "";
	json_t *j;
	char *s;
	int cmd;

	cmd = tppgated_parse_request((const char *)data, size, err, sizeof(err));
	if (cmd >= 0) {
		if (cmd > TPPGATED_CMD_RECOMPUTE)
			abort();
		return 0;
	}
	if (!err[0])
		abort();
	s = tppgated_error_reply(-cmd, err);
	if (!s || strchr(s, '\n'))
		abort();
	j = json_loads(s, 0, NULL);
	if (!json_is_object(j) || !json_is_false(json_object_get(j, "ok")))
		abort();
	json_decref(j);
	free(s);
	return 0;
}
