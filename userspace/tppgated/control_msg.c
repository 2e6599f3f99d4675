// SPDX-License-Identifier: GPL-2.0
/*
 * Control socket messages: one JSON object per line each way. Requests
 * are parsed here, apart from the socket, so they can be fuzzed. Every
 * reply is an object with "ok"; an error also has "error" and "errno".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tppgated.h"

static const char *const commands[] = {
	[TPPGATED_CMD_STATUS] = "status",
	[TPPGATED_CMD_RECOMPUTE] = "recompute",
};

int tppgated_parse_request(const char *buf, size_t len, char *err,
			   size_t errlen)
{
	json_error_t jerr;
	json_t *req, *cmd;
	const char *key;
	json_t *v;
	size_t i;
	int ret = -EINVAL;

	if (len > TPPGATED_MSG_MAX) {
		snprintf(err, errlen, "request larger than %d bytes",
			 TPPGATED_MSG_MAX);
		return -E2BIG;
	}
	req = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		snprintf(err, errlen, "not JSON: %s at byte %d", jerr.text,
			 jerr.position);
		return -EINVAL;
	}
	if (!json_is_object(req)) {
		snprintf(err, errlen, "a request is a JSON object");
		goto out;
	}
	json_object_foreach(req, key, v) {
		if (strcmp(key, "command")) {
			snprintf(err, errlen, "unknown key '%.32s'", key);
			goto out;
		}
	}
	cmd = json_object_get(req, "command");
	if (!json_is_string(cmd)) {
		snprintf(err, errlen, "\"command\" must be a string");
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(json_string_value(cmd), commands[i])) {
			ret = (int)i;
			goto out;
		}
	}
	snprintf(err, errlen, "unknown command '%.32s' (status, recompute)",
		 json_string_value(cmd));
out:
	json_decref(req);
	return ret;
}

char *tppgated_error_reply(int errnum, const char *msg)
{
	char text[TPPGATED_ERR_LEN];
	json_t *j;
	size_t i;
	char *s;

	/* Messages quote requests, cut anywhere: keep them plain ASCII. */
	snprintf(text, sizeof(text), "%s", msg);
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
			text[i] = '?';
	j = json_pack("{s:b, s:s, s:i}", "ok", 0, "error", text, "errno", errnum);

	if (!j)
		return NULL;
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	return s;
}
