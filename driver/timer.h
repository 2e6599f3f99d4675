/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPPGATE_TIMER_H
#define _TPPGATE_TIMER_H

#include <linux/hrtimer.h>
#include <linux/ktime.h>

struct work_struct;
struct workqueue_struct;

/**
 * struct tppgate_alarm - queue a work item at an absolute time on one clock
 * @timer: the hrtimer, absolute on @timer's clock
 * @wq: where @work goes when it fires
 * @work: what runs, in process context
 */
struct tppgate_alarm {
	struct hrtimer timer;
	struct workqueue_struct *wq;
	struct work_struct *work;
};

void tppgate_alarm_init(struct tppgate_alarm *alarm, clockid_t clock,
			struct workqueue_struct *wq, struct work_struct *work);
void tppgate_alarm_arm(struct tppgate_alarm *alarm, ktime_t expires);
void tppgate_alarm_cancel(struct tppgate_alarm *alarm);

#endif /* _TPPGATE_TIMER_H */
