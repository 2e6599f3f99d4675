/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the gate tests (gate_test, lifetime_test, clock_test,
 * sriov_test): a context holding the netlink socket and the signer, a
 * policy builder with any catalog and CLASSES (polbuild.h's fixed one has
 * only the edu and the e1000), and bounded waits.
 */
#ifndef _TPPGATE_GATETEST_H
#define _TPPGATE_GATETEST_H

#include <stdbool.h>
#include <sys/syscall.h>

#include "polbuild.h"

/* QEMU's std VGA, the VM's boot VGA device. */
#define VGA_VENDOR 0x1234
#define VGA_DEVICE 0x1111
#define VGA_BDF "0000:00:02.0"
/* The default arguments, without manual=1, holding the edu from the start. */
#define GATE_ARGS "ids=1234:11e8 boot=quarantine"
/* A bounded wait for something the gate does on its own ("within seconds"). */
#define PROMPT_SECS 10

struct gctx {
	struct nl_sock *sk;
	int fam;
	EVP_PKEY *key;
	X509 *cert;
	int nedu;
	char edu[MAX_DEVS][TPPGATE_BDF_MAX + 1];
};

/* What a test policy says. */
struct gpol {
	unsigned long long serial;
	long long not_after;		/* absolute UTC seconds; 0: now + 1 day */
	unsigned long long node_cap;	/* 0: no cap */
	int revoke_mode;
	unsigned int deadline;
	int n_cat;
	struct tppgate_catalog_entry cat[8];
	int n_classes;
	unsigned short classes[TPPGATE_CLASSES_MAX];
};

static inline void gpol_init(struct gpol *p, unsigned long long serial)
{
	memset(p, 0, sizeof(*p));
	p->serial = serial;
	p->revoke_mode = TPPGATE_REVOKE_DEADLINE;
}

static inline void gpol_add(struct gpol *p, unsigned short vendor,
			    unsigned short device, unsigned int tpp, int action)
{
	p->cat[p->n_cat++] = (struct tppgate_catalog_entry){
		.vendor = vendor, .device = device, .tpp = tpp, .action = action,
	};
}

static inline int cat_cmp(const void *a, const void *b)
{
	const struct tppgate_catalog_entry *x = a, *y = b;

	if (x->vendor != y->vendor)
		return x->vendor < y->vendor ? -1 : 1;
	return x->device < y->device ? -1 : x->device > y->device;
}

static inline struct nl_msg *gpol_build(struct gpol *p)
{
	struct nl_msg *msg = nlmsg_alloc_size(16 * 1024);
	time_t now = time(NULL);

	nla_put_u32(msg, TPPGATE_POLICY_A_FORMAT, TPPGATE_POLICY_FORMAT);
	nla_put_u64(msg, TPPGATE_POLICY_A_SERIAL, p->serial);
	nla_put_string(msg, TPPGATE_POLICY_A_ISSUER, "tppgate gate test");
	nla_put_u64(msg, TPPGATE_POLICY_A_NOT_BEFORE, now - 3600);
	nla_put_u64(msg, TPPGATE_POLICY_A_NOT_AFTER,
		    p->not_after ? (unsigned long long)p->not_after :
				   (unsigned long long)now + 86400);
	nla_put_string(msg, TPPGATE_POLICY_A_REGION, "DE");
	nla_put_u8(msg, TPPGATE_POLICY_A_TIER, 2);
	if (p->node_cap)
		nla_put_u64(msg, TPPGATE_POLICY_A_NODE_CAP, p->node_cap);
	nla_put_u32(msg, TPPGATE_POLICY_A_REVOKE_MODE, p->revoke_mode);
	nla_put_u32(msg, TPPGATE_POLICY_A_REVOKE_DEADLINE, p->deadline);
	if (p->n_classes)
		nla_put(msg, TPPGATE_POLICY_A_CLASSES,
			p->n_classes * sizeof(p->classes[0]), p->classes);
	nla_put_u32(msg, TPPGATE_POLICY_A_DEFAULT_ACTION, TPPGATE_ACTION_DENY);
	if (p->n_cat) {
		qsort(p->cat, p->n_cat, sizeof(p->cat[0]), cat_cmp);
		nla_put(msg, TPPGATE_POLICY_A_CATALOG,
			p->n_cat * sizeof(p->cat[0]), p->cat);
	}
	return msg;
}

/* Resolve the family again: a reloaded module may get another id. */
static inline int gctx_refam(struct gctx *c)
{
	c->fam = family_id(c->sk);
	return c->fam > 0 ? 0 : -ENOENT;
}

/* Reload tppgate.ko with @args (NULL: leave it as it is) and connect. */
static inline int gctx_open(struct gctx *c, const char *args)
{
	memset(c, 0, sizeof(*c));
	if (args && reload_tppgate(args))
		return -EIO;
	c->sk = open_sock();
	if (!c->sk)
		return -ENOMEM;
	c->key = load_key(KEY_FILE);
	c->cert = load_cert(CERT_FILE);
	if (!c->key || !c->cert)
		return -ENOKEY;
	c->nedu = edu_devices(c->edu, MAX_DEVS);
	return gctx_refam(c);
}

static inline int gctx_reload(struct gctx *c, const char *args)
{
	if (reload_tppgate(args))
		return -EIO;
	return gctx_refam(c);
}

/*
 * Reload with @args while tppedu is out, so that every edu is held from the
 * load whatever boot= says; the other devices keep their drivers.
 */
static inline int gctx_reload_held(struct gctx *c, const char *args)
{
	char cmd[256];
	int status;

	snprintf(cmd, sizeof(cmd), "rmmod tppgate 2>/dev/null; rmmod tppedu; "
		 "insmod %s %s && insmod /tpp/modules/tppedu.ko", MODULE, args);
	status = system(cmd);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return gctx_refam(c);
}

/* The ifindex of @bdf's network interface: a new probe makes a new one. */
static inline int ifindex_of(const char *bdf)
{
	struct dirent **names;
	char path[512], val[16];
	int n, i, ret = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", bdf);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (ret < 0 && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net/%s/ifindex",
				 bdf, names[i]->d_name);
			if (!read_file(path, val, sizeof(val)))
				ret = atoi(val);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return ret;
}

static inline void gctx_close(struct gctx *c)
{
	if (c->sk)
		nl_socket_free(c->sk);
	EVP_PKEY_free(c->key);
	X509_free(c->cert);
	c->sk = NULL;
	c->key = NULL;
	c->cert = NULL;
}

/* Sign @p with the trusted key and load it: the kernel's answer. */
static inline int gload(struct gctx *c, struct gpol *p, struct reply *r)
{
	struct nl_msg *m = gpol_build(p);
	unsigned char *sig = NULL;
	int blen, slen, ret;
	void *blob = blob_of(m, &blen);

	slen = sign(c->key, c->cert, blob, blen, &sig);
	if (slen < 0) {
		nlmsg_free(m);
		return -EIO;
	}
	ret = transact(c->sk, set_req(c->fam, blob, blen, sig, slen), r);
	OPENSSL_free(sig);
	nlmsg_free(m);
	return ret;
}

static inline int gstatus(struct gctx *c, struct reply *r)
{
	return transact(c->sk, new_req(c->fam, TPPGATE_CMD_STATUS_GET, 0), r);
}

static inline int gpolicy_get(struct gctx *c, struct reply *r)
{
	return transact(c->sk, new_req(c->fam, TPPGATE_CMD_POLICY_GET, 0), r);
}

/* DEVICE_GET of @bdf into r->dev[0]. Returns 0 or a negative errno. */
static inline int gdev(struct gctx *c, const char *bdf, struct reply *r)
{
	int ret = transact(c->sk, bdf_req(c->fam, TPPGATE_CMD_DEVICE_GET, bdf), r);

	if (!ret && r->ndev != 1)
		ret = -ENODATA;
	return ret;
}

static inline int gcmd(struct gctx *c, int cmd, const char *bdf, struct reply *r)
{
	return transact(c->sk, bdf_req(c->fam, cmd, bdf), r);
}

/* The state of @bdf, or ~0u if the module does not report it. */
static inline unsigned int gstate(struct gctx *c, const char *bdf)
{
	struct reply r;

	return gdev(c, bdf, &r) ? ~0u : r.dev[0].state;
}

static inline unsigned int greason(struct gctx *c, const char *bdf)
{
	struct reply r;

	return gdev(c, bdf, &r) ? ~0u : r.dev[0].reason;
}

static inline unsigned int gflags(struct gctx *c, const char *bdf)
{
	struct reply r;

	return gdev(c, bdf, &r) ? 0 : r.dev[0].flags;
}

static inline int drv_is(const char *bdf, const char *name)
{
	char drv[64];

	driver_of(bdf, drv, sizeof(drv));
	return !strcmp(drv, name);
}

static inline int is_held(const char *bdf)
{
	return drv_is(bdf, TPPGATE_DRIVER_NAME);
}

/* The edu driver reads the identification register: the device works. */
static inline int edu_works(const char *bdf)
{
	char ident[32];

	ident_of(bdf, ident, sizeof(ident));
	return !strcmp(ident, EDU_IDENT);
}

/* Quarantined and bound to the quarantine driver. */
static inline int gheld(struct gctx *c, const char *bdf)
{
	return gstate(c, bdf) == TPPGATE_STATE_QUARANTINED && is_held(bdf);
}

/*
 * Poll @cond every 100 ms for at most @secs seconds. A bound, not a timing
 * assertion: it only keeps a broken module from hanging the run.
 */
#define WAIT_FOR(secs, cond) ({						\
	int __i, __ok = 0;						\
	for (__i = 0; __i < (secs) * 10; __i++) {			\
		if (cond) {						\
			__ok = 1;					\
			break;						\
		}							\
		usleep(100000);						\
	}								\
	__ok;								\
})

/* A socket in the "events" group of the family, or NULL. */
static inline struct nl_sock *gevents(struct gctx *c)
{
	struct nl_sock *ev = open_sock();
	int grp;

	if (!ev)
		return NULL;
	grp = genl_ctrl_resolve_grp(c->sk, TPPGATE_GENL_NAME, TPPGATE_MCGRP_EVENTS);
	if (grp < 0 || nl_socket_add_membership(ev, grp)) {
		nl_socket_free(ev);
		return NULL;
	}
	return ev;
}

/* Write "1" to /sys/bus/pci/devices/@bdf/@file. */
static inline int pci_write(const char *bdf, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	return write_file(path, val);
}

static inline int pci_exists(const char *bdf)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return access(path, F_OK) == 0;
}

/*
 * @len bytes of @path at @off, read into @buf or written from it (@write),
 * as pread(2) and pwrite(2); 0 or -errno.
 */
static inline int file_io(const char *path, void *buf, size_t len, off_t off, bool write)
{
	int fd = open(path, write ? O_WRONLY : O_RDONLY), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	if (n != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

static inline int pread_file(const char *path, void *buf, size_t len, off_t off)
{
	return file_io(path, buf, len, off, false);
}

static inline int pwrite_file(const char *path, const void *buf, size_t len, off_t off)
{
	return file_io(path, (void *)buf, len, off, true);
}

/* @len bytes of @bdf's config space at @off, as file_io(); 0 or -errno. */
static inline int pci_config_io(const char *bdf, void *buf, size_t len, off_t off,
				bool write)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	return file_io(path, buf, len, off, write);
}

static inline int pci_config_read(const char *bdf, void *buf, size_t len, off_t off)
{
	return pci_config_io(bdf, buf, len, off, false);
}

static inline int pci_config_write(const char *bdf, const void *buf, size_t len,
				   off_t off)
{
	return pci_config_io(bdf, (void *)buf, len, off, true);
}

/* The PCI command register of @bdf, from its config space; -1 on error. */
static inline int pci_command(const char *bdf)
{
	unsigned char cmd[2];

	if (pci_config_read(bdf, cmd, sizeof(cmd), 4 /* PCI_COMMAND */))
		return -1;
	return cmd[0] | cmd[1] << 8;
}

/*
 * The kernel log from now on: open /dev/kmsg at its end; kmsg_grep() then
 * looks for @needle in what was logged since.
 */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static inline int kmsg_grep(int fd, const char *needle, char *found, size_t len)
{
	char rec[2048];
	ssize_t n;
	int hit = 0;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (!hit && strstr(rec, needle)) {
			hit = 1;
			if (found)
				snprintf(found, len, "%s", rec);
		}
	}
	return hit;
}

/* Load and unload modules by syscall: the errno is the kernel's own. */
static inline int load_module(const char *path, const char *args)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, args, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * Ask the host for something only QEMU can do (tests/vm/lib.bash,
 * vm_host_watch): @what is "wake [SECS]" (wake the suspended guest, SECS
 * seconds after it suspended), "pcie_aer_inject_error ..." or "device_del
 * ID", as HMP has them. The request is a line on the results port; the
 * host acts on it later, so the caller waits for the outcome. Returns 0,
 * or -ENOSYS when no host listens (no tppvm.host=1 on the command line).
 */
static inline int host_request(const char *what)
{
	char cmdline[1024], line[256];
	int fd, n, ret = 0;

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) ||
	    !strstr(cmdline, "tppvm.host=1"))
		return -ENOSYS;
	fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY);
	if (fd < 0)
		return -errno;
	fflush(stdout);
	n = snprintf(line, sizeof(line), "@@TPPGATE-HOST %s\n", what);
	if (write(fd, line, n) != n)
		ret = -EIO;
	close(fd);
	return ret;
}

static inline long long clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* QEMU's Q35 host bridge and its PCI Express (MMCONFIG) base register. */
#define HOST_BRIDGE_CONFIG "/sys/bus/pci/devices/0000:00:00.0/config"
#define PCIEXBAR 0x60
/* Its ICH9 LPC bridge: ACPI I/O base (PMBASE) and enable (ACPI_CNTL, 0x44). */
#define LPC_CONFIG "/sys/bus/pci/devices/0000:00:1f.0/config"
#define PMBASE 0x40

/*
 * Suspend to RAM (S3) for about @secs seconds: the host wakes the guest
 * (QEMU's system_wakeup). Suspend to idle with an RTC alarm, what rtcwake
 * -m freeze does, never resumes in QEMU 7.2 under TCG. Returns how long the
 * kernel says it was suspended (CLOCK_BOOTTIME gained over CLOCK_MONOTONIC),
 * in seconds; -ENOSYS if the VM cannot (no host, no S3), or a negative
 * errno.
 */
static inline long long suspend_for(int secs)
{
	long long gap = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
	char states[128], what[32];
	unsigned char pciexbar[8], pmbase[8];
	int ret;

	if (read_file("/sys/power/mem_sleep", states, sizeof(states)) ||
	    !strstr(states, "deep") || write_file("/sys/power/mem_sleep", "deep"))
		return -ENOSYS;
	snprintf(what, sizeof(what), "wake %d", secs);
	ret = pread_file(HOST_BRIDGE_CONFIG, pciexbar, sizeof(pciexbar), PCIEXBAR);
	if (!ret)
		ret = pread_file(LPC_CONFIG, pmbase, sizeof(pmbase), PMBASE);
	if (!ret)
		ret = host_request(what);
	if (!ret)
		ret = write_file("/sys/power/state", "mem");
	/*
	 * QEMU resets the machine on the wake-up and SeaBIOS's resume does
	 * not set the Q35 host bridge's PCIEXBAR again, nor the LPC bridge's
	 * ACPI I/O base and enable: without them there is no extended config
	 * space (AER, SR-IOV) and no further S3 or power-off for the rest of
	 * the boot. Put them back as firmware would (enable bits last).
	 */
	if (!ret)
		ret = pwrite_file(HOST_BRIDGE_CONFIG, pciexbar + 4, 4, PCIEXBAR + 4);
	if (!ret)
		ret = pwrite_file(HOST_BRIDGE_CONFIG, pciexbar, 4, PCIEXBAR);
	if (!ret)
		ret = pwrite_file(LPC_CONFIG, pmbase, 4, PMBASE);
	if (!ret)
		ret = pwrite_file(LPC_CONFIG, pmbase + 4, 4, PMBASE + 4);
	if (ret)
		return ret;
	return (clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC) - gap) / 1000000000LL;
}

#endif /* _TPPGATE_GATETEST_H */
