// SPDX-License-Identifier: GPL-2.0
/*
 * Alarms: an absolute time on a chosen clock that, when reached, queues a
 * work item. The gate's deadlines use two clocks:
 *
 *  - CLOCK_BOOTTIME for everything measured as elapsed time (revoke
 *    deadlines, the elapsed-time bound of a policy's life): it keeps
 *    counting while the machine sleeps, where jiffies stop, and no one can
 *    step it.
 *  - CLOCK_REALTIME for a policy's not-after, a date: an absolute
 *    CLOCK_REALTIME hrtimer fires as soon as the clock is stepped past it,
 *    not at the next poll.
 *
 * The timer callback only queues work; the work takes the gate's mutex.
 */

#include <linux/hrtimer.h>
#include <linux/workqueue.h>

#include "timer.h"

static enum hrtimer_restart alarm_fired(struct hrtimer *timer)
{
	struct tppgate_alarm *alarm = container_of(timer, struct tppgate_alarm,
						   timer);

	queue_work(alarm->wq, alarm->work);
	return HRTIMER_NORESTART;
}

/**
 * tppgate_alarm_init() - set up an alarm, unarmed
 * @alarm: the alarm
 * @clock: CLOCK_BOOTTIME or CLOCK_REALTIME
 * @wq: the workqueue @work goes to
 * @work: queued when the alarm fires
 */
void tppgate_alarm_init(struct tppgate_alarm *alarm, clockid_t clock,
			struct workqueue_struct *wq, struct work_struct *work)
{
	hrtimer_init(&alarm->timer, clock, HRTIMER_MODE_ABS);
	alarm->timer.function = alarm_fired;
	alarm->wq = wq;
	alarm->work = work;
}

/**
 * tppgate_alarm_arm() - (re)arm an alarm
 * @alarm: the alarm
 * @expires: absolute time on the alarm's clock; in the past fires at once
 *
 * Context: any.
 */
void tppgate_alarm_arm(struct tppgate_alarm *alarm, ktime_t expires)
{
	hrtimer_start(&alarm->timer, expires, HRTIMER_MODE_ABS);
}

/**
 * tppgate_alarm_cancel() - disarm an alarm and wait for its callback
 * @alarm: the alarm
 *
 * The work it may have queued already is the caller's to flush.
 *
 * Context: process context.
 */
void tppgate_alarm_cancel(struct tppgate_alarm *alarm)
{
	hrtimer_cancel(&alarm->timer);
}
