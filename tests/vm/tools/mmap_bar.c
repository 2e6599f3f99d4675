// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_bar: try to map a PCI BAR through sysfs, as a user-space driver would.
 *
 *   mmap_bar /sys/bus/pci/devices/<BDF>/resource0
 *
 * Exits 0 if the mapping succeeded, 1 if open or mmap failed (the reason is
 * printed), 2 on a usage error. A quarantined device must make it exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	void *map;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /sys/bus/pci/devices/<BDF>/resourceN\n",
			argv[0]);
		return 2;
	}

	fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}

	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		printf("mmap %s: %s\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}

	printf("mmap %s: mapped\n", argv[1]);
	munmap(map, page);
	close(fd);
	return 0;
}
