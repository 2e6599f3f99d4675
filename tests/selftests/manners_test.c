// SPDX-License-Identifier: GPL-2.0
/*
 * The quarantine driver's manners, in the VM (issue 6, defect 10): across a
 * suspend to RAM a held device stays held with decoding off and an admitted
 * one keeps working; an AER error on a held device, non-fatal or fatal,
 * recovers (the driver's err_handler votes for recovery) and the device
 * stays held, decoding off; a held device unplugged from its hotplug slot,
 * or pulled out by surprise, leaves cleanly.
 *
 * What only QEMU can do (wake the guest, inject an AER error, unplug a
 * device) the host does when asked (gatetest.h host_request()). The VM has
 * two PCIe root ports with a virtio serial controller each (1af4:1043, with
 * an AER capability; no virtio driver in the VM), made accelerators here
 * with ids=: AER_BDF for errors and then the surprise removal, PLUG_BDF for
 * the unplug (tests/vm/lib.bash).
 */

#include <sched.h>

#include <linux/pci_regs.h>

#include "gatetest.h"
#include "kselftest_harness.h"

#define AER_BDF "0000:01:00.0"
#define AER_PORT "0000:00:1c.0"
#define AER_QEMU_ID "aerdev"
#define PLUG_BDF "0000:02:00.0"
#define PLUG_QEMU_ID "plugdev"
#define MANNERS_ARGS "ids=1234:11e8,1af4:1043 boot=quarantine"
/* PCI_ERR_UNC_COMP_ABORT, non-fatal; PCI_ERR_UNC_MALF_TLP, fatal (defaults). */
#define AER_NONFATAL "0x00008000"
#define AER_FATAL "0x00040000"
#define DECODING (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)
#define NO_HOST "no host to ask (tppvm.host=1): only QEMU can do this"

FIXTURE(manners) {
	struct gctx c;
};

FIXTURE_SETUP(manners)
{
	ASSERT_EQ(0, gctx_open(&self->c, MANNERS_ARGS));
	ASSERT_EQ(4, self->c.nedu);
}

FIXTURE_TEARDOWN(manners)
{
	gctx_close(&self->c);
	restore_tppgate();
}

/* Held by the quarantine driver, the gate says so, decoding off. */
static int held_quiet(struct gctx *c, const char *bdf)
{
	return gheld(c, bdf) && (gflags(c, bdf) & TPPGATE_DEVICE_F_HELD) &&
	       pci_command(bdf) >= 0 && !(pci_command(bdf) & DECODING);
}

/*
 * How the kernel's AER recovery ended, from the log since @fd was opened:
 * 1 "device recovery successful", -1 "device recovery failed", 0 not yet.
 * Once seen, an outcome stays in *@seen.
 */
static int recovery(int fd, int *seen)
{
	char rec[2048];
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, "device recovery successful"))
			*seen = 1;
		else if (strstr(rec, "device recovery failed") && *seen == 0)
			*seen = -1;
	}
	return *seen;
}

/* Set @bits in the 16-bit config register at @off of @bdf. */
static int config_set16(const char *bdf, int off, unsigned int bits)
{
	unsigned char v[2];
	int ret;

	ret = pci_config_read(bdf, v, sizeof(v), off);
	if (ret)
		return ret;
	v[0] |= bits & 0xff;
	v[1] |= bits >> 8;
	return pci_config_write(bdf, v, sizeof(v), off);
}

/* The offset of @bdf's PCI Express capability, or -1. */
static int pcie_cap(const char *bdf)
{
	unsigned char cfg[256];
	int pos, hops = 0;

	if (pci_config_read(bdf, cfg, sizeof(cfg), 0))
		return -1;
	for (pos = cfg[PCI_CAPABILITY_LIST] & ~3; pos && hops++ < 48;
	     pos = cfg[pos + 1] & ~3) {
		if (cfg[pos] == PCI_CAP_ID_EXP)
			return pos;
	}
	return -1;
}

/*
 * Let @dev report uncorrectable errors to its root port @port: SERR# enable
 * in both command registers and in the port's bridge control (which
 * firmware sets on real machines; SeaBIOS does not), and non-fatal and
 * fatal reporting in the device's PCIe device control (which 6.12's AER
 * sets for every device, 6.1's leaves to the device's driver). Without
 * them QEMU drops the error message. Returns 0 or a negative errno.
 */
static int report_errors(const char *dev, const char *port)
{
	int cap = pcie_cap(dev);

	if (cap < 0)
		return -ENODEV;
	if (config_set16(dev, PCI_COMMAND, PCI_COMMAND_SERR) ||
	    config_set16(dev, cap + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE) ||
	    config_set16(port, PCI_COMMAND, PCI_COMMAND_SERR) ||
	    config_set16(port, PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_SERR))
		return -EIO;
	return 0;
}

/*
 * Inject an uncorrectable error of @status into the held AER_BDF: the
 * kernel's recovery must succeed, which it does only if every driver below
 * the port votes for it, and the device must stay held, decoding off.
 */
static void aer_recovers(struct __test_metadata *_metadata, struct gctx *c,
			 const char *status)
{
	char what[96];
	int fd, seen = 0;

	ASSERT_TRUE(held_quiet(c, AER_BDF));
	ASSERT_EQ(0, report_errors(AER_BDF, AER_PORT));
	fd = kmsg_open();
	ASSERT_GE(fd, 0);
	snprintf(what, sizeof(what), "pcie_aer_inject_error %s %s", AER_QEMU_ID, status);
	if (host_request(what) == -ENOSYS)
		SKIP(return, NO_HOST);
	/* A bound for a host that never acts; the outcome is in the log. */
	EXPECT_TRUE(WAIT_FOR(60, recovery(fd, &seen)))
		TH_LOG("no AER recovery logged after injecting %s", status);
	EXPECT_EQ(1, seen) TH_LOG("AER recovery of %s failed", AER_BDF);
	close(fd);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, held_quiet(c, AER_BDF)))
		TH_LOG("%s: state %u, driver tppgate %d, command 0x%04x after recovery",
		       AER_BDF, gstate(c, AER_BDF), is_held(AER_BDF), pci_command(AER_BDF));
	EXPECT_EQ(TPPGATE_STATE_QUARANTINED, gstate(c, AER_BDF));
}

TEST_F_TIMEOUT(manners, aer_nonfatal_error_recovers_device_stays_held, 120)
{
	aer_recovers(_metadata, &self->c, AER_NONFATAL);
}

/* Fatal: the port resets the link; the driver puts the held state back. */
TEST_F_TIMEOUT(manners, aer_fatal_error_resets_recovers_device_stays_held, 120)
{
	aer_recovers(_metadata, &self->c, AER_FATAL);
}

/*
 * edu[0] admitted under a cap of one, edu[1..3] and both virtio devices
 * held. After a suspend to RAM (QEMU resets the devices; the kernel
 * restores them) nothing has changed: the held still held, decoding off,
 * the admitted still works.
 */
TEST_F_TIMEOUT(manners, suspend_keeps_held_devices_held_and_admitted_working, 120)
{
	struct gctx *c = &self->c;
	const char *held[] = { c->edu[1], c->edu[2], c->edu[3], AER_BDF, PLUG_BDF };
	struct reply r;
	struct gpol p;
	long long slept;
	unsigned int i;

	gpol_init(&p, 1);
	p.node_cap = EDU_TPP;
	gpol_add(&p, EDU_VENDOR, EDU_DEVICE, EDU_TPP, TPPGATE_ACTION_COUNT);
	ASSERT_EQ(0, gload(c, &p, &r)) TH_LOG("%s", r.msg);
	ASSERT_TRUE(WAIT_FOR(PROMPT_SECS, edu_works(c->edu[0])));
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		ASSERT_TRUE(held_quiet(c, held[i])) TH_LOG("%s", held[i]);
	}

	slept = suspend_for(3);
	if (slept == -ENOSYS)
		SKIP(return, "no suspend to RAM, or " NO_HOST);
	ASSERT_GE(slept, 0) TH_LOG("suspend: %s", strerror(-slept));
	TH_LOG("%lld s in suspend", slept);

	EXPECT_EQ(TPPGATE_STATE_ADMITTED, gstate(c, c->edu[0]));
	EXPECT_TRUE(edu_works(c->edu[0])) TH_LOG("%s no longer works", c->edu[0]);
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		EXPECT_TRUE(held_quiet(c, held[i]))
			TH_LOG("%s: state %u, driver tppgate %d, command 0x%04x after resume",
			       held[i], gstate(c, held[i]), is_held(held[i]),
			       pci_command(held[i]));
		if (i < 3) {
			EXPECT_FALSE(edu_works(held[i]));
		}
	}
}

/*
 * What the log said since @fd was opened, into *@seen: SURPRISE if pciehp
 * removed a card it did not power off (its words for that), REMOVED if
 * the gate announced that @bdf left. Returns *@seen.
 */
#define SURPRISE 1
#define REMOVED 2
static int removal_logged(int fd, const char *bdf, int *seen)
{
	char rec[2048], removed[64];
	ssize_t n;

	snprintf(removed, sizeof(removed), "tppgate: %s: removed", bdf);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, "Card not present") || strstr(rec, "Link Down"))
			*seen |= SURPRISE;
		if (strstr(rec, removed))
			*seen |= REMOVED;
	}
	return *seen;
}

/*
 * @bdf, removed, left cleanly: off the bus (within 60 s), the gate
 * announced it in the log read from @fd, the gate no longer lists it, and
 * the edu devices are still held (the gate still runs).
 */
static void left_cleanly(struct __test_metadata *_metadata, struct gctx *c,
			 const char *bdf, int fd, int *seen)
{
	struct reply r;
	int i;

	EXPECT_TRUE(WAIT_FOR(60, !pci_exists(bdf))) TH_LOG("%s still on the bus", bdf);
	EXPECT_TRUE(WAIT_FOR(PROMPT_SECS, removal_logged(fd, bdf, seen) & REMOVED))
		TH_LOG("the gate did not announce that %s was removed", bdf);
	EXPECT_NE(0, gdev(c, bdf, &r)) TH_LOG("the gate still lists %s", bdf);
	for (i = 0; i < c->nedu; i++) {
		EXPECT_TRUE(gheld(c, c->edu[i])) TH_LOG("%s", c->edu[i]);
	}
}

/*
 * device_del of a held device on a hotplug slot: QEMU presses the slot's
 * attention button, pciehp powers the slot off and removes the device. It
 * leaves cleanly: gone from sysfs and from the gate, which still runs
 * (the edu devices still held). The device stays gone for the rest of the
 * boot (tests run in the order declared).
 */
TEST_F_TIMEOUT(manners, hot_unplug_of_held_device_is_clean, 120)
{
	struct gctx *c = &self->c;
	int fd, seen = 0;

	ASSERT_TRUE(held_quiet(c, PLUG_BDF));
	fd = kmsg_open();
	ASSERT_GE(fd, 0);
	if (host_request("device_del " PLUG_QEMU_ID) == -ENOSYS)
		SKIP(return, NO_HOST);
	/* pciehp waits 5 s after the button for a second press. */
	left_cleanly(_metadata, c, PLUG_BDF, fd, &seen);
	close(fd);
}

/*
 * Pull the card out of @port's slot, from the kernel's point of view, by
 * surprise. QEMU's device_del always goes through the attention button,
 * but QEMU removes a slot's devices when the guest turns its power off
 * (power controller and indicator off) and raises presence detect
 * changed. Power goes back on at once, before pciehp's interrupt thread
 * runs (this thread outranks it for the two writes), so pciehp finds a
 * powered slot with no card: a surprise removal. Returns 0 or -errno.
 */
static int pull_card(const char *port, int cap)
{
	struct sched_param rt = { .sched_priority = sched_get_priority_max(SCHED_FIFO) };
	struct sched_param normal = { 0 };
	unsigned char on[2], off[2];
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", port);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (pread(fd, on, sizeof(on), cap + PCI_EXP_SLTCTL) != sizeof(on)) {
		close(fd);
		return -EIO;
	}
	off[0] = on[0];
	off[1] = on[1] | (PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC) >> 8;
	if (sched_setscheduler(0, SCHED_FIFO, &rt))
		ret = -errno;
	else if (pwrite(fd, off, sizeof(off), cap + PCI_EXP_SLTCTL) != sizeof(off) ||
		 pwrite(fd, on, sizeof(on), cap + PCI_EXP_SLTCTL) != sizeof(on))
		ret = -EIO;
	sched_setscheduler(0, SCHED_OTHER, &normal);
	close(fd);
	return ret;
}

/*
 * A held device pulled out by surprise: pciehp marks it disconnected
 * before it removes it, so the quarantine driver's remove() meets a device
 * that answers nothing. It must leave as cleanly as after device_del.
 * Runs after the AER tests, which need the device.
 */
TEST_F_TIMEOUT(manners, surprise_removal_of_held_device_is_clean, 120)
{
	struct gctx *c = &self->c;
	int cap, fd, seen = 0;

	ASSERT_TRUE(held_quiet(c, AER_BDF));
	cap = pcie_cap(AER_PORT);
	ASSERT_GE(cap, 0);
	fd = kmsg_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, pull_card(AER_PORT, cap));
	left_cleanly(_metadata, c, AER_BDF, fd, &seen);
	EXPECT_TRUE(removal_logged(fd, AER_BDF, &seen) & SURPRISE)
		TH_LOG("pciehp did not log a surprise removal");
	close(fd);
}

TEST_HARNESS_MAIN
