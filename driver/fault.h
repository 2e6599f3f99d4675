/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the VM tests only: built when Kbuild is given
 * TPPGATE_FAULT_INJECTION=y (tests/vm does; a module built for a host is
 * not), and a no-op otherwise.
 */
#ifndef _TPPGATE_FAULT_H
#define _TPPGATE_FAULT_H

#include <linux/types.h>

struct pci_dev;

#ifdef TPPGATE_FAULT_INJECTION
int tppgate_fault_init(void);
void tppgate_fault_uninit(void);
bool tppgate_fault_fail_claim(struct pci_dev *pdev);
bool tppgate_fault_fail_evaluate(void);
void tppgate_fault_delay_release(void);
void tppgate_fault_call_rcu(void);
void tppgate_fault_barrier_done(void);
#else
static inline int tppgate_fault_init(void)
{
	return 0;
}

static inline void tppgate_fault_uninit(void)
{
}

static inline bool tppgate_fault_fail_claim(struct pci_dev *pdev)
{
	return false;
}

static inline bool tppgate_fault_fail_evaluate(void)
{
	return false;
}

static inline void tppgate_fault_delay_release(void)
{
}

static inline void tppgate_fault_call_rcu(void)
{
}

static inline void tppgate_fault_barrier_done(void)
{
}
#endif

#endif /* _TPPGATE_FAULT_H */
