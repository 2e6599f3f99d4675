// SPDX-License-Identifier: GPL-2.0
/*
 * Stands in for systemd's notification socket: binds NOTIFY_SOCK (a
 * datagram socket) and prints every message on one line, for SECONDS.
 * When a message has READY=1, it also says whether CONTROL_SOCK already
 * accepts a connection then ("control: up" or "control: down").
 * usage: notify-recv NOTIFY_SOCK SECONDS [CONTROL_SOCK]
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int bind_path(int type, const char *path, int do_connect)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if ((do_connect ? connect : bind)(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	time_t end;
	char buf[4096];
	int fd, i;

	if (argc < 3)
		return 2;
	unlink(argv[1]);
	fd = bind_path(SOCK_DGRAM, argv[1], 0);
	if (fd < 0) {
		perror("notify-recv");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
		printf("%s\n", buf);
		if (argc > 3 && strstr(buf, "READY=1")) {
			int c = bind_path(SOCK_STREAM, argv[3], 1);

			printf("control: %s\n", c >= 0 ? "up" : "down");
			if (c >= 0)
				close(c);
		}
	}
	return 0;
}
