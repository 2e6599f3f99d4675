// SPDX-License-Identifier: GPL-2.0
/*
 * Sends standard input, as it is, to a Unix stream socket, then prints
 * what comes back until the peer closes. For the daemon tests' malformed
 * requests. usage: ctlsend SOCKET < request
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char buf[256 * 1024];
	ssize_t n, len = 0;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("ctlsend");
		return 1;
	}
	while ((n = read(0, buf + len, sizeof(buf) - (size_t)len)) > 0)
		len += n;
	(void)!send(fd, buf, (size_t)len, MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 10000) <= 0)
			return 1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	return 0;
}
