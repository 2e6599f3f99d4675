// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: one line per message on stderr, prefixed "<N>" with its syslog
 * priority, which journald turns into the entry's level (SyslogLevelPrefix).
 * The journal is the log; the daemon keeps no log file of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tppgated.h"

static int max_level = 6;

void tppgated_log_level(int level)
{
	max_level = level;
}

void tppgated_log(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t i;

	if (prio > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One message, one line: a newline inside would forge a level. */
	for (i = 0; line[i]; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	fprintf(stderr, "<%d>%s\n", prio, line);
}
