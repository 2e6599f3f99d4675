// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libtppgate and tppctl, one TAP stream. No kernel
 * module needed: the netlink tests stand in for the kernel themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

/* Runs a command quietly in @dir; its exit status, or -1. */
int unit_run_in(const char *dir, char *const argv[])
{
	int status, fd;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chdir(dir))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The SHA-256 of @len bytes at @data as the sha256sum command computes it:
 * known answers for the hashes libtppgate makes, computed apart from it.
 * Return: 0, or a negative errno.
 */
int unit_sha256sum(const void *data, size_t len, unsigned char out[32])
{
	char dir[] = "/tmp/tppgate-sum-XXXXXX", path[64], hex[65];
	char *const sum[] = { "sh", "-c", "sha256sum <in >out", NULL };
	char *const rm[] = { "rm", "-rf", dir, NULL };
	unsigned int i, byte;
	int ret = -EIO;
	FILE *f;

	if (!mkdtemp(dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/in", dir);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		goto out;
	if (unit_run_in(dir, sum))
		goto out;
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "r");
	if (!f)
		goto out;
	if (fscanf(f, "%64[0-9a-f]", hex) == 1 && strlen(hex) == 64) {
		for (i = 0; i < 32; i++) {
			sscanf(hex + 2 * i, "%2x", &byte);
			out[i] = (unsigned char)byte;
		}
		ret = 0;
	}
	fclose(f);
out:
	unit_run_in("/", rm);
	return ret;
}

int main(void)
{
	test_bdf();
	test_names();
	test_decode();
	test_output();
	test_cli();
	test_nl();
	test_policy();
	test_policy_json();
	test_sign();
	test_tppctl_policy();
	test_parity();
	test_daemon();
	test_cluster();
	test_grant();
	return tap_done();
}
