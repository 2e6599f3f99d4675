/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A very small TAP producer: one stream, the plan printed at the end.
 * Every check prints "ok N - name" or "not ok N - name" and, on failure,
 * a diagnostic with what was expected and where. A precondition (pre():
 * a key made, a file written, the openssl command run) is not a test: it
 * prints a "not ok" only when it fails, and a comment otherwise.
 */
#ifndef TAP_H
#define TAP_H

#include <stdbool.h>

#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))

bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	TAP_PRINTF(4, 5);
bool tap_is_int(long long got, long long want, const char *file, int line,
		const char *fmt, ...) TAP_PRINTF(5, 6);
bool tap_is_str(const char *got, const char *want, const char *file,
		int line, const char *fmt, ...) TAP_PRINTF(5, 6);
bool tap_pre(bool cond, const char *file, int line, const char *fmt, ...)
	TAP_PRINTF(4, 5);
void tap_skip(const char *why, const char *fmt, ...) TAP_PRINTF(2, 3);
void tap_diag(const char *fmt, ...) TAP_PRINTF(1, 2);
/* Prints the plan; returns the exit status (0 if everything passed). */
int tap_done(void);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define pre(cond, ...) tap_pre(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
		   __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#endif /* TAP_H */
