// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the committed seed corpus of the fuzzers: well-formed messages as
 * the kernel sends them, built with the unit tests' builders (msgs.c).
 * Run by `make -C userspace fuzz-seeds`; the output is committed.
 *
 *   mkseeds DIR   writes the files under DIR/fuzz_bdf, fuzz_decode, fuzz_nlmsg
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <netlink/attr.h>

#include "libtppgate.h"
#include "msgs.h"

#define FAMILY 0x20	/* the family id fuzz_nlmsg takes as tppgate's */

static const char *dir;

static int put_file(const char *sub, const char *name, const void *p,
		    size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		perror(path);
		return -1;
	}
	return fclose(f);
}

static int put_msg(const char *sub, const char *name, struct nl_msg *m,
		   int whole)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	int err;

	if (whole)
		err = put_file(sub, name, nlh, nlh->nlmsg_len);
	else
		err = put_file(sub, name, nlmsg_data(nlh),
			       (size_t)nlmsg_datalen(nlh));
	nlmsg_free(m);
	return err;
}

static struct nl_msg *event(uint32_t ev, int with_device)
{
	static const struct attr serial[] = {
		{ TPPGATE_POLICY_A_SERIAL, A_U64, 3, NULL, 0 },
	};
	struct nl_msg *m = genl_msg(FAMILY, TPPGATE_CMD_EVENT, 0, 0, 0);

	nla_put_u32(m, TPPGATE_A_EVENT, ev);
	if (with_device)
		put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	else
		put_nest(m, TPPGATE_A_POLICY_INFO, serial, 1);
	return m;
}

static int bdf_seeds(void)
{
	static const char *const s[] = {
		"0000:00:04.0", "00:04.0", "ffffffff:ff:1f.7", "0000:AB:1F.7",
		"00:20.0", "0:0.0", "not-a-bdf",
	};
	char name[16];
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		snprintf(name, sizeof(name), "bdf-%zu", i);
		if (put_file("fuzz_bdf", name, s[i], strlen(s[i])))
			return -1;
	}
	return 0;
}

static int decode_seeds(void)
{
	struct nl_msg *m;
	int err = 0;

	m = attrs_msg();
	put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	err |= put_msg("fuzz_decode", "device", m, 0);
	m = attrs_msg();
	put_nest(m, TPPGATE_A_STATUS, good_status, STATUS_ATTRS);
	err |= put_msg("fuzz_decode", "status", m, 0);
	m = attrs_msg();
	nla_put_u32(m, TPPGATE_A_EVENT, TPPGATE_EVENT_DEVICE_ADMITTED);
	put_nest(m, TPPGATE_A_DEVICE, good_device, DEVICE_ATTRS);
	err |= put_msg("fuzz_decode", "event-device", m, 0);
	m = attrs_msg();
	nla_put_u32(m, TPPGATE_A_EVENT, TPPGATE_EVENT_POLICY_LOADED);
	err |= put_msg("fuzz_decode", "event-policy", m, 0);
	return err;
}

static int nlmsg_seeds(void)
{
	uint32_t buf[256];
	struct nl_msg *a, *b;
	size_t len;
	int err = 0;

	len = error_msg(buf, -EPERM, 1, NLM_F_CAPPED, 0, "tppgate: nope");
	err |= put_file("fuzz_nlmsg", "error-capped", buf, len);
	len = error_msg(buf, -EINVAL, 1, 0, 9, "bad attribute");
	err |= put_file("fuzz_nlmsg", "error-echo", buf, len);
	len = error_msg(buf, 0, 1, NLM_F_CAPPED, 0, NULL);
	err |= put_file("fuzz_nlmsg", "ack", buf, len);
	len = done_msg(buf, -EIO, 1, "dump broke");
	err |= put_file("fuzz_nlmsg", "done", buf, len);

	/* An events datagram: two messages back to back. */
	a = event(TPPGATE_EVENT_DEVICE_ADDED, 1);
	b = event(TPPGATE_EVENT_POLICY_LOADED, 0);
	len = NLMSG_ALIGN(nlmsg_hdr(a)->nlmsg_len);
	memcpy(buf, nlmsg_hdr(a), nlmsg_hdr(a)->nlmsg_len);
	memcpy((char *)buf + len, nlmsg_hdr(b), nlmsg_hdr(b)->nlmsg_len);
	len += nlmsg_hdr(b)->nlmsg_len;
	err |= put_file("fuzz_nlmsg", "events", buf, len);
	nlmsg_free(a);
	nlmsg_free(b);
	return err;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	return bdf_seeds() || decode_seeds() || nlmsg_seeds();
}
