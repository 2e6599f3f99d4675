// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV, in the VM (issue 6): a virtual function follows its physical
 * function. The VM's QEMU NVMe controller (1b36:0010 at 00:05.0, two VFs)
 * is made an accelerator with ids=; its VFs carry the same id. While the
 * PF is admitted its VFs are admitted at 0 TPP (the PF counts the whole
 * device), reason follows-pf, flag VF; once the PF is not admitted they
 * are held. The nvme driver, which enables the VFs, is loaded here.
 */

#include "gatetest.h"
#include "kselftest_harness.h"

#define NVME_VENDOR 0x1b36
#define NVME_DEVICE 0x0010
#define NVME_TPP 1000
#define PF_BDF "0000:00:05.0"
#define N_VFS 2
#define NVME_MODULES "/tpp/modules/nvme"

FIXTURE(sriov) {
	struct gctx c;
	char vf[N_VFS][TPPGATE_BDF_MAX + 1];
};

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE_SETUP(sriov)
{
	char total[16];

	ASSERT_EQ(0, gctx_open(&self->c, NULL));
	ASSERT_EQ(0, pci_exists(PF_BDF) ? 0 : -ENODEV)
		TH_LOG("no NVMe controller at " PF_BDF " (tests/vm/lib.bash)");
	ASSERT_EQ(0, read_file("/sys/bus/pci/devices/" PF_BDF "/sriov_totalvfs",
			       total, sizeof(total)))
		TH_LOG("the kernel sees no SR-IOV capability on " PF_BDF);
	ASSERT_LE(N_VFS, atoi(total));
	/* Helpers nvme may want (crc, t10-pi) load or are built in. */
	run("cd " NVME_MODULES " && for m in $(cat order); do "
	    "insmod ./$m 2>/dev/null; done");
	ASSERT_EQ(0, access("/sys/module/nvme", F_OK)) TH_LOG("nvme.ko did not load");
	/* Admitted VFs need no driver: the test is about the gate's decision. */
	ASSERT_EQ(0, pci_write(PF_BDF, "sriov_drivers_autoprobe", "0"));
	ASSERT_EQ(0, gctx_reload(&self->c, "ids=1234:11e8,1b36:0010 boot=quarantine"));
	ASSERT_TRUE(gheld(&self->c, PF_BDF));
}

FIXTURE_TEARDOWN(sriov)
{
	gctx_close(&self->c);
	/* Unloading gives the PF back to nvme, which can turn the VFs off. */
	restore_tppgate();
	if (WAIT_FOR(PROMPT_SECS, drv_is(PF_BDF, "nvme")))
		pci_write(PF_BDF, "sriov_numvfs", "0");
	pci_write(PF_BDF, "sriov_drivers_autoprobe", "1");
}

static void load_nvme_policy(struct __test_metadata *_metadata, struct gctx *c,
			     unsigned long long serial, int action)
{
	struct reply r;
	struct gpol p;

	gpol_init(&p, serial);
	p.node_cap = NVME_TPP;
	gpol_add(&p, NVME_VENDOR, NVME_DEVICE, NVME_TPP, action);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
}

/* Enable the VFs through the PF's driver and learn their addresses. */
static void enable_vfs(struct __test_metadata *_metadata,
		       FIXTURE_DATA(sriov) *self)
{
	char num[8], path[256], link[256];
	int i;

	ASSERT_TRUE(WAIT_FOR(PROMPT_SECS, drv_is(PF_BDF, "nvme")));
	snprintf(num, sizeof(num), "%d", N_VFS);
	ASSERT_EQ(0, pci_write(PF_BDF, "sriov_numvfs", num));
	for (i = 0; i < N_VFS; i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/" PF_BDF "/virtfn%d", i);
		n = readlink(path, link, sizeof(link) - 1);
		ASSERT_GT(n, 0) TH_LOG("no %s", path);
		link[n] = '\0';
		snprintf(self->vf[i], sizeof(self->vf[i]), "%.16s", strrchr(link, '/') + 1);
	}
}

static int vf_follows(struct gctx *c, const char *bdf, unsigned int state)
{
	struct reply r;

	return !gdev(c, bdf, &r) && r.dev[0].state == state &&
	       r.dev[0].reason == TPPGATE_REASON_FOLLOWS_PF &&
	       (r.dev[0].flags & TPPGATE_DEVICE_F_VF) && r.dev[0].tpp == 0 &&
	       (state != TPPGATE_STATE_QUARANTINED || is_held(bdf));
}

TEST_F_TIMEOUT(sriov, vfs_of_an_admitted_pf_are_admitted_at_no_cost, 90)
{
	struct gctx *c = &self->c;
	struct reply r;
	int i;

	/* The cap holds the PF and nothing more. */
	load_nvme_policy(_metadata, c, 1, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, PF_BDF));
	enable_vfs(_metadata, self);
	for (i = 0; i < N_VFS; i++) {
		EXPECT_TRUE(WAIT_FOR(PROMPT_SECS,
				     vf_follows(c, self->vf[i], TPPGATE_STATE_ADMITTED)))
			TH_LOG("%s: state %u reason %u flags 0x%x", self->vf[i],
			       gstate(c, self->vf[i]), greason(c, self->vf[i]),
			       gflags(c, self->vf[i]));
		EXPECT_FALSE(is_held(self->vf[i]));
	}
	ASSERT_EQ(0, gstatus(c, &r));
	EXPECT_EQ((unsigned long long)NVME_TPP, r.admitted_tpp);
	EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, PF_BDF));
}

TEST_F_TIMEOUT(sriov, vfs_of_a_pf_not_admitted_are_held, 90)
{
	struct gctx *c = &self->c;
	int i;

	load_nvme_policy(_metadata, c, 1, TPPGATE_ACTION_COUNT);
	enable_vfs(_metadata, self);
	/* The PF is denied now: revoked (deadline 0), and its VFs with it. */
	load_nvme_policy(_metadata, c, 2, TPPGATE_ACTION_DENY);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, gheld(c, PF_BDF)));
	for (i = 0; i < N_VFS; i++) {
		EXPECT_TRUE(WAIT_FOR(PROMPT_SECS,
				     vf_follows(c, self->vf[i], TPPGATE_STATE_QUARANTINED)))
			TH_LOG("%s: state %u reason %u flags 0x%x", self->vf[i],
			       gstate(c, self->vf[i]), greason(c, self->vf[i]),
			       gflags(c, self->vf[i]));
	}
}

TEST_HARNESS_MAIN
