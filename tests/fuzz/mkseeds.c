// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the committed seed corpus of the fuzzers: well-formed messages as
 * the kernel sends them, built with the unit tests' builders (msgs.c).
 * Run by `make -C userspace fuzz-seeds`; the output is committed.
 *
 *   mkseeds DIR   writes the files under DIR/fuzz_bdf, fuzz_decode, fuzz_nlmsg,
 *                 fuzz_policy, fuzz_tppfile, fuzz_policy_json
 */
#include <errno.h>
#include <stdbool.h>
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

static struct tppgate_catalog_item seed_entries[] = {
	{ .vendor = 0x1234, .device = 0x11e8, .tpp = 1000, .pd = 100,
	  .action = TPPGATE_ACTION_COUNT, .name = "QEMU edu" },
	{ .vendor = 0x10de, .device = 0x2330, .has_subsys = true,
	  .subsystem_vendor = 0x10de, .subsystem_device = 0x16c1,
	  .tpp = 15832, .pd = 1945, .action = TPPGATE_ACTION_COUNT,
	  .name = "H100 SXM5" },
	{ .vendor = 0x10de, .device = 0x233b, .action = TPPGATE_ACTION_DENY },
};

/* A policy with every field set, and a minimal one. */
static void seed_policy(struct tppgate_policy_src *p, bool full)
{
	tppgate_policy_init(p);
	p->serial = 7;
	strcpy(p->issuer, "Example Cloud compliance");
	p->not_before = 1767225600;
	p->not_after = 1798761600;
	strcpy(p->region, "DE");
	p->tier = 2;
	if (!full)
		return;
	p->has_host = true;
	p->host_kind = TPPGATE_HOST_MACHINE_ID;
	memset(p->host_hash, 0x5a, sizeof(p->host_hash));
	p->has_node_cap = true;
	p->node_cap = 20000;
	strcpy(p->cluster_id, "eu-west-1a");
	p->has_cluster_cap = true;
	p->cluster_cap = 5000000;
	p->offline_grace = 600;
	p->revoke_deadline = 300;
	p->n_classes = 2;
	p->classes[0] = 0x1200;
	p->classes[1] = 0x0b40;
	p->n_entries = 3;
	p->entries = seed_entries;
}

static int policy_seeds(void)
{
	static uint8_t blob[TPPGATE_POLICY_MAX], file[TPPGATE_FILE_MAX];
	static const uint8_t sig[64] = { 0x30, 0x82 };
	struct tppgate_policy_src p;
	size_t len, flen;
	int err = 0;

	seed_policy(&p, true);
	err |= tppgate_policy_encode(&p, blob, sizeof(blob), &len, NULL, 0);
	err |= put_file("fuzz_policy", "full", blob, len);
	err |= tppgate_file_join(blob, len, sig, sizeof(sig), file,
				 sizeof(file), &flen);
	err |= put_file("fuzz_tppfile", "signed", file, flen);
	file[flen - 32] = 2;	/* trailer version */
	err |= put_file("fuzz_tppfile", "version-2", file, flen);
	seed_policy(&p, false);
	err |= tppgate_policy_encode(&p, blob, sizeof(blob), &len, NULL, 0);
	err |= put_file("fuzz_policy", "minimal", blob, len);
	return err ? -1 : 0;
}

static int json_seeds(void)
{
	static const char full[] =
		"{ \"format\": 1, \"serial\": 7, \"issuer\": \"Example\",\n"
		"  \"not_before\": \"2026-01-01T00:00:00Z\", \"not_after\": 1798761600,\n"
		"  \"region\": \"DE\", \"tier\": 2,\n"
		"  \"host\": { \"machine_id\": \"0123456789abcdef0123456789abcdef\" },\n"
		"  \"node_cap\": 20000, \"cluster\": { \"id\": \"eu-1\", \"cap\": 5000000 },\n"
		"  \"grant_required\": false, \"offline\": { \"grace\": \"10m\", \"cap\": 0 },\n"
		"  \"revoke\": { \"mode\": \"deadline\", \"deadline\": 300 },\n"
		"  \"classes\": [\"0x1200\"], \"default_action\": \"deny\",\n"
		"  \"catalog\": [\n"
		"    { \"vendor\": \"0x10de\", \"device\": [\"0x2330\", \"0x2337\"],\n"
		"      \"subsystem\": { \"vendor\": \"0x10de\", \"device\": \"0x16c1\" },\n"
		"      \"tpp\": 15832, \"pd\": 19.45, \"name\": \"H100\", \"action\": \"count\",\n"
		"      \"source\": \"https://example.com\", \"comment\": \"x\" } ] }\n";
	static const char include[] =
		"{ \"format\": 1, \"serial\": 1, \"issuer\": \"x\", \"not_before\": 0,\n"
		"  \"not_after\": 1, \"region\": \"MO\", \"tier\": 3,\n"
		"  \"include\": [\"self.json\", { \"file\": \"self.json\", \"action\": \"deny\" }] }\n";
	static const char catalog[] =
		"{ \"catalog\": [ { \"vendor\": \"1234\", \"device\": \"11e8\",\n"
		"  \"tpp\": 1000, \"action\": \"exempt\" } ] }\n";

	return put_file("fuzz_policy_json", "full", full, strlen(full)) |
	       put_file("fuzz_policy_json", "include", include, strlen(include)) |
	       put_file("fuzz_policy_json", "catalog", catalog, strlen(catalog));
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
	return bdf_seeds() || decode_seeds() || nlmsg_seeds() ||
	       policy_seeds() || json_seeds();
}
