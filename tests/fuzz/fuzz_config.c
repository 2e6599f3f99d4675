// SPDX-License-Identifier: GPL-2.0
/*
 * tppgated's configuration parser on arbitrary text. Beyond not crashing:
 * a refused file leaves the configuration untouched and says why; an
 * accepted one obeys every rule the daemon relies on (lease in range,
 * ledger lease longer than grant lease + renewal + retry, absolute paths).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tppgated.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tppgated_config c, before;
	char err[TPPGATED_ERR_LEN] = "";
	char *text;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	tppgated_config_defaults(&c);
	memset(c.host, 'x', sizeof(c.host) - 1);	/* a marker, not a default */
	before = c;
	if (tppgated_config_parse(text, "f.conf", &c, err, sizeof(err))) {
		if (memcmp(&c, &before, sizeof(c)) || !err[0])
			abort();
	} else {
		if (c.grant_lease < 1 || c.grant_lease > TPPGATE_GRANT_LEASE_MAX ||
		    c.ledger_lease <= c.grant_lease + tppgated_renew_after(&c) + c.retry ||
		    c.policy_file[0] != '/' || c.socket[0] != '/' ||
		    c.state_dir[0] != '/' ||
		    !memchr(c.policy_file, '\0', sizeof(c.policy_file)))
			abort();
	}
	free(text);
	return 0;
}
