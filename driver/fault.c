// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only fault injection (TPPGATE_FAULT_INJECTION=y at build time).
 *
 * /sys/kernel/debug/tppgate/fail_claim takes a PCI address: the quarantine
 * driver's next claims of that device fail as if it could not bind, until
 * the file is written empty. Nothing in QEMU makes a real claim fail, and a
 * failed claim is a path the gate must get right: the device stays
 * quarantined in intent, with no driver, and an administrator's intent
 * stays.
 *
 * /sys/kernel/debug/tppgate/fail_evaluate takes a count: that many of the
 * next evaluations fail their allocation as if memory ran out (reading it
 * gives what is left). Nothing in the VM makes a small kcalloc() fail on
 * cue, and an evaluation that runs out of memory must retry, backing off,
 * until it succeeds.
 *
 * /sys/kernel/debug/tppgate/delay_release takes milliseconds: a policy load
 * that put its policy in force sleeps that long between dropping the gate's
 * mutex and queueing the old policy's call_rcu(). That is the window in which an
 * rmmod could pass the module's last rcu_barrier() (issue 6, defect 1); a
 * test widens it to land an rmmod in it on cue. The module then checks its
 * own rule: no call_rcu() after the last barrier (a WARN, so the VM's
 * panic_on_warn fails the run), where a real kernel would run the callback
 * in freed module text, or not, depending on timing.
 */

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tppgate.h>
#include <linux/uaccess.h>

#include "fault.h"

static struct dentry *dir;
/* Protects fail_bdf. */
static DEFINE_SPINLOCK(lock);
static char fail_bdf[TPPGATE_BDF_MAX + 1];
/* How many of the next evaluations fail their allocation. */
static atomic_t fail_evaluate = ATOMIC_INIT(0);
/* Milliseconds a load sleeps before it queues the old policy's call_rcu(). */
static u32 delay_release;
/* Set once the module's last rcu_barrier() has run. */
static bool barrier_done;

static ssize_t fail_claim_write(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	char bdf[TPPGATE_BDF_MAX + 2];

	if (len >= sizeof(bdf))
		return -EINVAL;
	if (copy_from_user(bdf, buf, len))
		return -EFAULT;
	bdf[len] = '\0';
	spin_lock(&lock);
	strscpy(fail_bdf, strim(bdf), sizeof(fail_bdf));
	spin_unlock(&lock);
	return len;
}

static ssize_t fail_claim_read(struct file *file, char __user *buf,
			       size_t len, loff_t *ppos)
{
	char bdf[TPPGATE_BDF_MAX + 2];
	int n;

	spin_lock(&lock);
	n = scnprintf(bdf, sizeof(bdf), "%s\n", fail_bdf);
	spin_unlock(&lock);
	return simple_read_from_buffer(buf, len, ppos, bdf, n);
}

static const struct file_operations fail_claim_fops = {
	.owner = THIS_MODULE,
	.read = fail_claim_read,
	.write = fail_claim_write,
	.llseek = default_llseek,
};

/**
 * tppgate_fault_fail_claim() - should this claim fail?
 * @pdev: the device being claimed
 *
 * Return: true if the test asked for claims of @pdev to fail.
 */
bool tppgate_fault_fail_claim(struct pci_dev *pdev)
{
	bool fail;

	spin_lock(&lock);
	fail = fail_bdf[0] && !strcmp(fail_bdf, pci_name(pdev));
	spin_unlock(&lock);
	return fail;
}

/**
 * tppgate_fault_fail_evaluate() - should this evaluation's allocation fail?
 *
 * Counts one injected failure down.
 *
 * Return: true if the test asked for more failed evaluations.
 */
bool tppgate_fault_fail_evaluate(void)
{
	return atomic_dec_if_positive(&fail_evaluate) >= 0;
}

/**
 * tppgate_fault_delay_release() - sleep as the test asked, before call_rcu()
 */
void tppgate_fault_delay_release(void)
{
	u32 ms = READ_ONCE(delay_release);

	if (ms)
		msleep(ms);
}

/**
 * tppgate_fault_call_rcu() - a call_rcu() into the module is about to be queued
 *
 * Warns if the module's last rcu_barrier() has already run: the callback
 * could then run after the module's text is freed.
 */
void tppgate_fault_call_rcu(void)
{
	WARN(READ_ONCE(barrier_done),
	     "tppgate: call_rcu() queued after the module's last rcu_barrier()\n");
}

/**
 * tppgate_fault_barrier_done() - the module's last rcu_barrier() has run
 */
void tppgate_fault_barrier_done(void)
{
	WRITE_ONCE(barrier_done, true);
}

/**
 * tppgate_fault_init() - create /sys/kernel/debug/tppgate
 *
 * Return: 0 (debugfs errors are not the module's to fail on).
 */
int tppgate_fault_init(void)
{
	dir = debugfs_create_dir("tppgate", NULL);
	debugfs_create_file("fail_claim", 0600, dir, NULL, &fail_claim_fops);
	debugfs_create_atomic_t("fail_evaluate", 0600, dir, &fail_evaluate);
	debugfs_create_u32("delay_release", 0600, dir, &delay_release);
	return 0;
}

/**
 * tppgate_fault_uninit() - remove it
 */
void tppgate_fault_uninit(void)
{
	debugfs_remove_recursive(dir);
}
