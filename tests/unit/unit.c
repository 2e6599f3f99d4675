// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libtppgate and tppctl, one TAP stream. No kernel
 * module needed: the netlink tests stand in for the kernel themselves.
 */
#include <fcntl.h>
#include <stdio.h>
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
	test_daemon();
	test_grant();
	return tap_done();
}
