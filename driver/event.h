/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_EVENT_H
#define _TPPGATE_EVENT_H

#include <linux/notifier.h>
#include <linux/tppgate.h>

#include "types.h"

struct pci_dev;

/**
 * struct tppgate_event_info - what a listener on the event chain receives
 * @event: what changed
 * @pdev: the device, referenced for the duration of the call; NULL for
 *	events about the host (policy and grant)
 * @dev: the device's state after the change, for device events
 */
struct tppgate_event_info {
	enum tppgate_event event;
	struct pci_dev *pdev;
	const struct tppgate_dev_info *dev;
};

int tppgate_event_register(struct notifier_block *nb);
void tppgate_event_unregister(struct notifier_block *nb);
void tppgate_event_device(enum tppgate_event event, struct pci_dev *pdev,
			  const struct tppgate_dev_info *dev);
void tppgate_event_host(enum tppgate_event event);
const char *tppgate_event_name(enum tppgate_event event);
const char *tppgate_state_name(enum tppgate_state state);
const char *tppgate_reason_name(enum tppgate_reason reason);

#endif /* _TPPGATE_EVENT_H */
