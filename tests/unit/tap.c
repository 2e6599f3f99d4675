// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static unsigned int n_tests, n_failed;

static void vreport(bool cond, const char *fmt, va_list ap) TAP_PRINTF(2, 0);

static void vreport(bool cond, const char *fmt, va_list ap)
{
	char name[512];
	size_t i;

	n_tests++;
	if (!cond)
		n_failed++;
	vsnprintf(name, sizeof(name), fmt, ap);
	/* A test name is one line of TAP, whatever it quotes. */
	printf("%sok %u - ", cond ? "" : "not ", n_tests);
	for (i = 0; name[i]; i++) {
		if (name[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(name[i]);
	}
	putchar('\n');
	fflush(stdout);
}

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("failed at %s:%d", file, line);
	return cond;
}

bool tap_is_int(long long got, long long want, const char *file, int line,
		const char *fmt, ...)
{
	bool cond = got == want;
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("at %s:%d: got %lld, want %lld", file, line, got, want);
	return cond;
}

bool tap_is_str(const char *got, const char *want, const char *file,
		int line, const char *fmt, ...)
{
	bool cond = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("at %s:%d:\n#   got:  '%s'\n#   want: '%s'", file, line,
			 got ? got : "(null)", want ? want : "(null)");
	return cond;
}

bool tap_pre(bool cond, const char *file, int line, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (cond) {
		tap_diag("precondition ok: %s", name);
		return true;
	}
	tap_ok(false, file, line, "precondition: %s", name);
	return false;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	printf("ok %u - ", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%u\n", n_tests);
	if (n_failed)
		tap_diag("%u of %u tests failed", n_failed, n_tests);
	return n_failed || !n_tests;
}
