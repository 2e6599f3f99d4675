// SPDX-License-Identifier: GPL-2.0
/*
 * ledger-scale: make bench-scale's simulator. One process runs N hosts of
 * one cluster, each with tppgated's own etcd ledger (ledger_etcd.c in its
 * library mode, ledger_etcd_open_lib(): see ledger.h), its own lease and
 * its own key, and measures what a cap change costs.
 *
 *   ledger-scale CONF N DEMAND ETCD_PID POLICY
 *
 * CONF is a tppgated.conf ([ledger] lease is the TTL; [etcd] as the
 * daemon's, [etcd] shards included). A signed policy
 * with serial 1 and the cluster cap N*DEMAND is in etcd already. POLICY is
 * a command: "POLICY make SERIAL CAP" writes a signed policy and prints
 * its path, "POLICY push FILE" pushes it (tppctl push); only the push is
 * inside the measured time.
 *
 * Threads: W workers (SCALE_WORKERS, 8) each own the hosts i with
 * i % W == w and one connection, shared by those hosts' ledgers for their
 * reserve() calls (one connection per host would need 3 descriptors each
 * with libcurl, over this machine's limit of 20,000); a worker serves its
 * hosts from its own queue, so at most W are in flight, as when W hosts
 * act at the same instant. K keep-alive threads (SCALE_KA, 64) renew
 * every lease every TTL/3 over a connection of their own each (one HTTP
 * keep-alive connection), with the daemon's request, and tell the ledger
 * (ledger_etcd_renewed()); a host whose lease is gone reserves again. One
 * watch on the policy key stands in for every host's watch: when it
 * delivers, every host is told (ledger_etcd_policy_seen()) and reserves
 * again, as the daemon does.
 *
 * Within a reserve phase a host reserves again as tppgated's loop would
 * (daemon.c): after a reserve that failed, [grant] retry seconds later;
 * after one that succeeded, at its next grant renewal
 * (tppgated_renew_after(): [grant] lease * renew_percent), whether it
 * got DEMAND or less (a short grant is not an error to the daemon), but
 * sooner (tppgated_settle_after()) after one the ledger cut short while
 * settling after a new policy (struct ledger_res); at once when a new
 * policy arrives or its lease is gone. A renewal that
 * changes nothing is a compare-only transaction from the host's cache; a
 * host short of DEMAND reads afresh (the cache never denies), and a
 * shard's fixer may run a fix.
 *
 * Phases, each but open cut at SCALE_LIMIT seconds (default 120):
 *   open    every host opens its ledger (one lease grant each)
 *   join    every host reserves DEMAND under the cap N*DEMAND (all from 0)
 *   raw     the baseline: N plain puts (a txn with no compare, one key per
 *           host, outside the cluster's prefix) by the same W workers
 *   lower   the cap halved (half the sum join reached: N*DEMAND/2 when
 *           every host joined): converged when the sum is under it
 *           ("sum") and every host has reserved again ("all")
 *   idle    SCALE_IDLE seconds (default the TTL): keep-alives only
 *   raise   the cap back to the sum join reached: converged when it is
 *           fully handed out (every host holds DEMAND when all joined)
 * Every phase takes the hosts in a new random order. The sum is the
 * simulator's own (each host's last answer, 0 once its lease is lost); at
 * the end it is compared with the one etcd holds.
 *
 * Each phase prints one JSON line: its times, etcd's CPU seconds (utime +
 * stime of ETCD_PID) and memory (VmRSS, VmHWM), and the keep-alive and
 * reserve traffic libcurl counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger_sim.h"

/* ledger_snap.c's reading of a node key's value. */
uint64_t ledger_etcd_value_tpp(const char *text, size_t len);

enum job { JOB_OPEN, JOB_RESERVE, JOB_RAW };

/*
 * @queued, @busy, @again, @done, @retry_at: under @mu. @retry_at: when
 * to reserve again (ms), 0 for never.
 */
struct host {
	struct ledger *l;
	uint64_t held;
	uint64_t ka_due;	/* ms; 0 while not open */
	uint64_t retry_at;
	unsigned int settled;	/* grants cut short settling, in a row */
	bool queued, busy, again, done;
};

static struct tppgated_config cfg;
static struct host *hosts;
static int n_hosts, n_ka = 64, n_workers = 8;
static uint64_t demand, serial;
/* The daemon's renewal period and retry interval, ms (from CONF). */
static uint64_t renew_ms, retry_ms;

/*
 * The work queues, one per worker, of the hosts it owns (i % W == w):
 * every host at most once in its queue.
 */
struct wqueue {
	int *q, head, len, cap;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct wqueue *wq;
static int active, quit;
static enum job job;
static bool phase_stop;
static uint64_t sum, done_count, calls, errors, renewals, retries;

/* The keep-alive threads' counters, and the watch's last revision. */
struct ka_stats {
	uint64_t requests, sent, received, renewed, lost, failed, late_max_ms;
};
static struct ka_stats *ka_stats;
static struct etcd_traffic *wk_traffic;	/* each worker's, between jobs */
static volatile int stop_all;
static uint64_t policy_rev;
static char policy_key[160];

static uint64_t now_ms(void)
{
	return sim_boot_ms();
}

static void sleep_ms(uint64_t ms)
{
	usleep((useconds_t)ms * 1000);
}

/* Under @mu. A host being served goes round again when it is done. */
static void enqueue(int i)
{
	struct host *h = &hosts[i];
	struct wqueue *w = &wq[i % n_workers];

	h->retry_at = 0;
	if (h->queued)
		return;
	if (h->busy) {
		h->again = true;
		return;
	}
	w->q[(w->head + w->len) % w->cap] = i;
	w->len++;
	h->queued = true;
	pthread_cond_broadcast(&cv);
}

static uint64_t held_of(struct ledger *l)
{
	json_t *st = ledger_etcd_ops.status(l);
	uint64_t v = etcd_u64(st, "reserved");

	json_decref(st);
	return v;
}

/* Return: -1, failed; 0, done; 1, a reserve cut short while settling. */
static int run_job(enum job j, int i, struct etcd *conn, struct tppgated_config *c)
{
	struct host *h = &hosts[i];
	bool settling = false;
	char err[512] = "";
	int ret;

	if (j == JOB_OPEN) {
		snprintf(c->host, sizeof(c->host), "h%05d", i);
		ret = ledger_etcd_open_lib(&h->l, c, conn, err, sizeof(err));
		if (!ret) {
			ledger_etcd_policy_seen(h->l, __atomic_load_n(&policy_rev, __ATOMIC_ACQUIRE));
			__atomic_store_n(&h->ka_due, now_ms() + cfg.ledger_lease * 1000 / 3,
					 __ATOMIC_RELEASE);
		}
	} else if (j == JOB_RAW) {
		char key[128];

		snprintf(key, sizeof(key), "/tppgate-raw/%s/h%05d", cfg.etcd.cluster, i);
		ret = sim_raw_put(conn, key, err, sizeof(err));
	} else {
		struct ledger_req req = { .want = demand, .cluster_id = "",
					  .serial = serial };
		struct ledger_res res;
		uint64_t held;

		/* On @conn: the host's ledger was opened on it (JOB_OPEN). */
		ret = ledger_etcd_ops.reserve(h->l, &req, &res, err, sizeof(err));
		held = ret ? held_of(h->l) : res.held;
		settling = !ret && res.settling;
		held -= __atomic_exchange_n(&h->held, held, __ATOMIC_RELAXED);
		__atomic_add_fetch(&sum, held, __ATOMIC_RELAXED);
		__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	}
	if (ret) {
		__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
		if (getenv("SCALE_VERBOSE"))
			fprintf(stderr, "ledger-scale: host %d: %s\n", i, err);
		return -1;
	}
	return settling;
}

static void *worker(void *arg)
{
	struct tppgated_config c = cfg;
	int w = (int)(long)arg;
	struct wqueue *q = &wq[w];
	struct etcd *conn;
	char err[256];

	if (etcd_open(&conn, &cfg.etcd, 0, err, sizeof(err))) {
		fprintf(stderr, "ledger-scale: %s\n", err);
		exit(1);
	}
	pthread_mutex_lock(&mu);
	for (;;) {
		enum job j;
		int i, st;

		while (!q->len && !quit)
			pthread_cond_wait(&cv, &mu);
		if (quit)
			break;
		i = q->q[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		hosts[i].queued = false;
		hosts[i].busy = true;
		j = job;
		active++;
		pthread_mutex_unlock(&mu);
		st = run_job(j, i, conn, &c);
		pthread_mutex_lock(&mu);
		etcd_traffic(conn, &wk_traffic[w]);
		active--;
		hosts[i].busy = false;
		if (hosts[i].again || (st < 0 && j != JOB_RESERVE)) {
			/* A new policy or a lost lease meanwhile: at once. */
			hosts[i].again = false;
			if (!phase_stop)
				enqueue(i);
		} else if (st < 0) {
			if (!phase_stop)
				hosts[i].retry_at = now_ms() + retry_ms;
		} else {
			uint64_t after = renew_ms;

			if (!hosts[i].done) {
				hosts[i].done = true;
				done_count++;
			}
			if (st > 0)
				after = (uint64_t)tppgated_settle_after(&cfg,
						hosts[i].settled++) * 1000;
			else
				hosts[i].settled = 0;
			if (j == JOB_RESERVE && !phase_stop)
				hosts[i].retry_at = now_ms() + after;
		}
		pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&mu);
	etcd_close(conn);
	return NULL;
}

/* Keep-alive thread k renews hosts k, k+K, ... when each is due. */
static void *keepalive(void *arg)
{
	int k = (int)(long)arg, i;
	struct ka_stats *st = &ka_stats[k];
	uint64_t third = cfg.ledger_lease * 1000 / 3;
	struct etcd_traffic t;
	struct etcd *e;
	char err[256];

	if (etcd_open(&e, &cfg.etcd, 1000, err, sizeof(err))) {
		fprintf(stderr, "ledger-scale: %s\n", err);
		exit(1);
	}
	while (!stop_all) {
		uint64_t now = now_ms(), next = now + 50;

		for (i = k; i < n_hosts && !stop_all; i += n_ka) {
			struct host *h = &hosts[i];
			uint64_t due = __atomic_load_n(&h->ka_due, __ATOMIC_ACQUIRE), ttl;
			int ret;

			if (!due)
				continue;
			if (due <= now) {
				if (now - due > __atomic_load_n(&st->late_max_ms, __ATOMIC_RELAXED))
					__atomic_store_n(&st->late_max_ms, now - due, __ATOMIC_RELAXED);
				ret = sim_renew(e, h->l, &ttl, err, sizeof(err));
				now = now_ms();
				if (!ret) {
					/* 0: the lease changed meanwhile (a reserve took one). */
					due = now + (ttl ? ttl * 1000 / 3 : third);
					__atomic_add_fetch(&st->renewed, 1, __ATOMIC_RELAXED);
				} else if (ret == -ENOENT) {
					/*
					 * etcd dropped the key with the lease. The
					 * daemon's loop is woken and reserves again
					 * (a new lease, from 0): so does a host here,
					 * in a reserve phase.
					 */
					__atomic_sub_fetch(&sum, __atomic_exchange_n(&h->held, 0, __ATOMIC_RELAXED),
							   __ATOMIC_RELAXED);
					pthread_mutex_lock(&mu);
					if (job == JOB_RESERVE && !phase_stop) {
						if (h->done) {
							h->done = false;
							done_count--;
						}
						enqueue(i);
					}
					pthread_mutex_unlock(&mu);
					due = now + third;
					__atomic_add_fetch(&st->lost, 1, __ATOMIC_RELAXED);
				} else {
					due = now + (ret == -ESRCH ? 100 : 300);
					if (ret != -ESRCH)
						__atomic_add_fetch(&st->failed, 1, __ATOMIC_RELAXED);
				}
				__atomic_store_n(&h->ka_due, due, __ATOMIC_RELEASE);
				etcd_traffic(e, &t);
				__atomic_store_n(&st->requests, t.requests, __ATOMIC_RELAXED);
				__atomic_store_n(&st->sent, t.sent, __ATOMIC_RELAXED);
				__atomic_store_n(&st->received, t.received, __ATOMIC_RELAXED);
			}
			if (due < next)
				next = due;
		}
		now = now_ms();
		if (next > now)
			sleep_ms(next - now > 50 ? 50 : next - now);
	}
	etcd_close(e);
	return NULL;
}

static pthread_cond_t watch_cv = PTHREAD_COND_INITIALIZER;

static int on_watch(json_t *msg, void *arg)
{
	json_t *ev;
	size_t i;

	(void)arg;
	json_array_foreach(json_object_get(json_object_get(msg, "result"), "events"), i, ev) {
		if (json_is_string(json_object_get(ev, "type")))
			continue;	/* a DELETE */
		pthread_mutex_lock(&mu);
		policy_rev = etcd_u64(json_object_get(ev, "kv"), "mod_revision");
		pthread_cond_broadcast(&watch_cv);
		pthread_mutex_unlock(&mu);
	}
	return 0;
}

static void *watch(void *arg)
{
	struct etcd *e;
	char err[256];

	(void)arg;
	if (etcd_open(&e, &cfg.etcd, 0, err, sizeof(err)))
		return NULL;
	while (!stop_all) {
		uint64_t rev = __atomic_load_n(&policy_rev, __ATOMIC_ACQUIRE);

		etcd_stream(e, "/v3/watch",
			    json_pack("{s:{s:o, s:o}}", "create_request",
				      "key", etcd_b64s(policy_key),
				      "start_revision", etcd_u64_json(rev + 1)),
			    on_watch, NULL, &stop_all, err, sizeof(err));
		if (!stop_all)
			sleep_ms(200);
	}
	etcd_close(e);
	return NULL;
}

/* ---- measures ---- */

struct sample {
	uint64_t ms;
	double cpu_s;
	uint64_t rss_kib, hwm_kib;
	struct ka_stats ka;
	uint64_t reserve_rx, reserve_tx;
};

static void etcd_proc(int pid, struct sample *s)
{
	char path[64], line[1024], *p;
	unsigned long long ut = 0, stt = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			p = strrchr(line, ')');
			/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
			if (p)
				sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				       &ut, &stt);
		}
		fclose(f);
	}
	s->cpu_s = (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %llu", (unsigned long long *)&s->rss_kib);
		sscanf(line, "VmHWM: %llu", (unsigned long long *)&s->hwm_kib);
	}
	fclose(f);
}

static void sample(int pid, struct sample *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->ms = now_ms();
	etcd_proc(pid, s);
	for (i = 0; i < n_ka; i++) {
		s->ka.requests += __atomic_load_n(&ka_stats[i].requests, __ATOMIC_RELAXED);
		s->ka.sent += __atomic_load_n(&ka_stats[i].sent, __ATOMIC_RELAXED);
		s->ka.received += __atomic_load_n(&ka_stats[i].received, __ATOMIC_RELAXED);
		s->ka.lost += __atomic_load_n(&ka_stats[i].lost, __ATOMIC_RELAXED);
		s->ka.failed += __atomic_load_n(&ka_stats[i].failed, __ATOMIC_RELAXED);
		s->ka.late_max_ms = s->ka.late_max_ms > ka_stats[i].late_max_ms ?
				    s->ka.late_max_ms : ka_stats[i].late_max_ms;
		__atomic_store_n(&ka_stats[i].late_max_ms, 0, __ATOMIC_RELAXED);
	}
	pthread_mutex_lock(&mu);
	for (i = 0; i < n_workers; i++) {
		s->reserve_rx += wk_traffic[i].received;
		s->reserve_tx += wk_traffic[i].sent;
	}
	pthread_mutex_unlock(&mu);
}

/* Hosts that hold less than DEMAND now. */
static int n_short(void)
{
	int i, n = 0;

	for (i = 0; i < n_hosts; i++)
		n += __atomic_load_n(&hosts[i].held, __ATOMIC_RELAXED) < demand;
	return n;
}

static void report(const char *phase, int pid, const struct sample *a,
		   double sum_s, double all_s, bool converged, uint64_t target)
{
	struct sample b;
	double secs;

	sample(pid, &b);
	secs = (double)(b.ms - a->ms) / 1000;
	printf("{\"phase\": \"%s\", \"hosts\": %d, \"seconds\": %.2f, \"sum_s\": %.2f, \"all_s\": %.2f, "
	       "\"converged\": %s, \"done\": %llu, \"sum\": %llu, \"target\": %llu, "
	       "\"calls\": %llu, \"errors\": %llu, \"renewals\": %llu, \"retries\": %llu, "
	       "\"short\": %d, \"etcd_cpu_s\": %.2f, "
	       "\"etcd_rss_mib\": %.1f, \"etcd_hwm_mib\": %.1f, "
	       "\"ka_req_s\": %.0f, \"ka_bytes_s\": %.0f, \"ka_lost\": %llu, \"ka_failed\": %llu, "
	       "\"ka_late_max_ms\": %llu, \"reserve_mib\": %.1f}\n",
	       phase, n_hosts, secs, sum_s, all_s, converged ? "true" : "false",
	       (unsigned long long)done_count, (unsigned long long)sum,
	       (unsigned long long)target, (unsigned long long)calls,
	       (unsigned long long)errors, (unsigned long long)renewals,
	       (unsigned long long)retries, n_short(), b.cpu_s - a->cpu_s,
	       (double)b.rss_kib / 1024, (double)b.hwm_kib / 1024,
	       (double)(b.ka.requests - a->ka.requests) / secs,
	       (double)(b.ka.sent + b.ka.received - a->ka.sent - a->ka.received) / secs,
	       (unsigned long long)(b.ka.lost - a->ka.lost),
	       (unsigned long long)(b.ka.failed - a->ka.failed),
	       (unsigned long long)b.ka.late_max_ms,
	       (double)(b.reserve_rx + b.reserve_tx - a->reserve_rx - a->reserve_tx) /
	       (1024.0 * 1024.0));
	fflush(stdout);
}

/*
 * Runs @j for every host until done, @limit_s passes, or (@target) the
 * sum condition and every host are done. @lower: the condition is
 * sum <= target, else sum == target.
 */
static void phase(const char *name, enum job j, int pid, const struct sample *a,
		  uint64_t t0, uint64_t target, bool lower, double limit_s)
{
	double sum_s = -1, all_s = -1;
	uint64_t end = t0 + (uint64_t)(limit_s * 1000), scan = 0;
	int i, w;

	pthread_mutex_lock(&mu);
	job = j;
	phase_stop = false;
	done_count = 0;
	calls = errors = renewals = retries = 0;
	for (i = 0; i < n_hosts; i++) {
		hosts[i].done = hosts[i].again = false;
		enqueue(i);
	}
	/* Hosts act in no particular order: shuffle (Fisher-Yates). */
	for (w = 0; w < n_workers; w++) {
		struct wqueue *q = &wq[w];

		/* Over the ring's slots from its head: it may have wrapped. */
		for (i = q->len - 1; i > 0; i--) {
			int p = (q->head + i) % q->cap;
			int r = (q->head + (int)(random() % (i + 1))) % q->cap;
			int x = q->q[p];

			q->q[p] = q->q[r];
			q->q[r] = x;
		}
	}
	pthread_mutex_unlock(&mu);
	for (;;) {
		uint64_t now = now_ms(), s = __atomic_load_n(&sum, __ATOMIC_RELAXED);
		bool all;

		pthread_mutex_lock(&mu);
		all = done_count == (uint64_t)n_hosts;
		/* Every 50 ms: the hosts whose renewal or retry is due. */
		if (now >= scan) {
			for (i = 0; i < n_hosts; i++) {
				struct host *h = &hosts[i];

				if (!h->retry_at || h->retry_at > now)
					continue;
				if (h->done)
					renewals++;
				else
					retries++;
				enqueue(i);
			}
			scan = now + 50;
		}
		pthread_mutex_unlock(&mu);
		if (sum_s < 0 && (j != JOB_RESERVE || (lower ? s <= target : s == target)))
			sum_s = (double)(now - t0) / 1000;
		if (all_s < 0 && all)
			all_s = (double)(now - t0) / 1000;
		if ((sum_s >= 0 && all_s >= 0) || now >= end)
			break;
		sleep_ms(5);
	}
	pthread_mutex_lock(&mu);
	phase_stop = true;
	for (i = 0; i < n_hosts; i++)
		hosts[i].retry_at = 0;
	for (w = 0; w < n_workers; w++)
		for (; wq[w].len; wq[w].len--, wq[w].head = (wq[w].head + 1) % wq[w].cap)
			hosts[wq[w].q[wq[w].head]].queued = false;
	while (active)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	report(name, pid, a, sum_s, all_s, sum_s >= 0 && all_s >= 0, target);
	/* SCALE_VERBOSE: the ledger status of every host left short. */
	for (i = 0; j == JOB_RESERVE && getenv("SCALE_VERBOSE") && i < n_hosts; i++) {
		json_t *st;
		char *txt;

		if (hosts[i].held >= demand)
			continue;
		st = ledger_etcd_ops.status(hosts[i].l);
		txt = json_dumps(st, JSON_COMPACT);
		fprintf(stderr, "ledger-scale: %s: short: %s\n", name, txt ? txt : "?");
		free(txt);
		json_decref(st);
	}
}

/*
 * Makes a policy with @serial and @cap (untimed), then sets *@t0 and
 * pushes it, and waits for the watch to bring it. Return: 0 or -1.
 */
static int push(const char *cmd, uint64_t serial_no, uint64_t cap, uint64_t *t0)
{
	char line[2048], file[1024] = "";
	uint64_t before, rev;
	struct timespec dl;
	FILE *p;
	int i;

	snprintf(line, sizeof(line), "%s make %llu %llu", cmd,
		 (unsigned long long)serial_no, (unsigned long long)cap);
	p = popen(line, "r");
	if (!p || !fgets(file, sizeof(file), p) || pclose(p)) {
		fprintf(stderr, "ledger-scale: %s failed\n", line);
		return -1;
	}
	file[strcspn(file, "\n")] = '\0';
	pthread_mutex_lock(&mu);
	before = policy_rev;
	pthread_mutex_unlock(&mu);
	snprintf(line, sizeof(line), "%s push '%s' >/dev/null", cmd, file);
	*t0 = now_ms();
	if (system(line)) {
		fprintf(stderr, "ledger-scale: %s failed\n", line);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 30;
	pthread_mutex_lock(&mu);
	while (policy_rev == before)
		if (pthread_cond_timedwait(&watch_cv, &mu, &dl)) {
			pthread_mutex_unlock(&mu);
			fprintf(stderr, "ledger-scale: the watch brought nothing\n");
			return -1;
		}
	rev = policy_rev;
	pthread_mutex_unlock(&mu);
	/* What each host's watch thread does when the policy arrives. */
	for (i = 0; i < n_hosts; i++)
		if (hosts[i].l)
			ledger_etcd_policy_seen(hosts[i].l, rev);
	return 0;
}

/* The sum etcd holds over the cluster's prefix, and the range's cost. */
static void etcd_check(void)
{
	char prefix[160], err[256];
	struct etcd_traffic t0, t1;
	uint64_t total = 0, ms;
	json_t *r = NULL, *kv;
	struct etcd *e;
	size_t i;

	snprintf(prefix, sizeof(prefix), "/tppgate/%s/", cfg.etcd.cluster);
	if (etcd_open(&e, &cfg.etcd, 60000, err, sizeof(err)))
		return;
	etcd_traffic(e, &t0);
	ms = now_ms();
	if (etcd_post(e, "/v3/kv/range",
		      json_pack("{s:o, s:o}", "key", etcd_b64s(prefix),
				"range_end", etcd_prefix_end(prefix)), &r, err, sizeof(err))) {
		fprintf(stderr, "ledger-scale: %s\n", err);
		etcd_close(e);
		return;
	}
	ms = now_ms() - ms;
	etcd_traffic(e, &t1);
	json_array_foreach(json_object_get(r, "kvs"), i, kv) {
		uint8_t *v;
		size_t len;

		if (!etcd_unb64(json_string_value(json_object_get(kv, "value")) ?: "", &v, &len)) {
			total += ledger_etcd_value_tpp((char *)v, len);
			free(v);
		}
	}
	printf("{\"phase\": \"check\", \"hosts\": %d, \"etcd_sum\": %llu, \"sim_sum\": %llu, "
	       "\"snapshot_ms\": %llu, \"snapshot_kib\": %.0f}\n", n_hosts,
	       (unsigned long long)total, (unsigned long long)sum,
	       (unsigned long long)ms, (double)(t1.received - t0.received) / 1024);
	json_decref(r);
	etcd_close(e);
}

int main(int argc, char **argv)
{
	pthread_t *wk, *ka, wt;
	int pid, i;
	double limit = 120, idle;
	struct sample a;
	char err[512];
	uint64_t t0, joined;

	if (argc != 6) {
		fprintf(stderr, "usage: ledger-scale CONF N DEMAND ETCD_PID POLICY\n");
		return 2;
	}
	if (tppgated_config_load(argv[1], false, &cfg, err, sizeof(err))) {
		fprintf(stderr, "ledger-scale: %s\n", err);
		return 1;
	}
	tppgated_log_level(getenv("SCALE_VERBOSE") ? 6 : 3);
	n_hosts = atoi(argv[2]);
	demand = strtoull(argv[3], NULL, 10);
	pid = atoi(argv[4]);
	if (getenv("SCALE_WORKERS"))
		n_workers = atoi(getenv("SCALE_WORKERS"));
	if (getenv("SCALE_KA"))
		n_ka = atoi(getenv("SCALE_KA"));
	if (getenv("SCALE_LIMIT"))
		limit = atof(getenv("SCALE_LIMIT"));
	idle = getenv("SCALE_IDLE") ? atof(getenv("SCALE_IDLE")) : cfg.ledger_lease;
	renew_ms = (uint64_t)tppgated_renew_after(&cfg) * 1000;
	retry_ms = (uint64_t)cfg.retry * 1000;
	if (n_hosts < 1 || n_hosts > 100000 || demand < 2 || pid < 1 ||
	    n_workers < 1 || n_workers > 256 || n_ka < 1 || n_ka > 256 || limit <= 0) {
		fprintf(stderr, "ledger-scale: bad arguments\n");
		return 2;
	}
	hosts = calloc((size_t)n_hosts, sizeof(*hosts));
	wq = calloc((size_t)n_workers, sizeof(*wq));
	wk = calloc((size_t)n_workers, sizeof(*wk));
	ka = calloc((size_t)n_ka, sizeof(*ka));
	ka_stats = calloc((size_t)n_ka, sizeof(*ka_stats));
	wk_traffic = calloc((size_t)n_workers, sizeof(*wk_traffic));
	if (!hosts || !wq || !wk || !ka || !ka_stats || !wk_traffic)
		return 1;
	for (i = 0; i < n_workers; i++) {
		wq[i].cap = (n_hosts + n_workers - 1) / n_workers;
		wq[i].q = calloc((size_t)wq[i].cap, sizeof(*wq[i].q));
		if (!wq[i].q)
			return 1;
	}
	snprintf(policy_key, sizeof(policy_key), "/tppgate/%s/policy", cfg.etcd.cluster);

	/* The policy P_HIGH is in etcd: its revision, then the watch from there. */
	{
		struct etcd *e;

		if (etcd_open(&e, &cfg.etcd, 0, err, sizeof(err)) ||
		    sim_policy_rev(e, cfg.etcd.cluster, &policy_rev, err, sizeof(err))) {
			fprintf(stderr, "ledger-scale: %s\n", err);
			return 1;
		}
		etcd_close(e);
	}
	if (pthread_create(&wt, NULL, watch, NULL))
		return 1;
	for (i = 0; i < n_workers; i++)
		if (pthread_create(&wk[i], NULL, worker, (void *)(long)i))
			return 1;
	for (i = 0; i < n_ka; i++)
		if (pthread_create(&ka[i], NULL, keepalive, (void *)(long)i))
			return 1;

	serial = 1;
	sample(pid, &a);
	/* Every host must be open for what follows: no limit but a sanity one. */
	phase("open", JOB_OPEN, pid, &a, a.ms, 0, false, 3600);
	sample(pid, &a);
	phase("join", JOB_RESERVE, pid, &a, a.ms, (uint64_t)n_hosts * demand, false, limit);
	sample(pid, &a);
	phase("raw", JOB_RAW, pid, &a, a.ms, 0, false, limit);

	joined = __atomic_load_n(&sum, __ATOMIC_RELAXED);
	serial = 2;
	sample(pid, &a);
	if (push(argv[5], serial, joined / 2, &t0))
		return 1;
	phase("lower", JOB_RESERVE, pid, &a, t0, joined / 2, true, limit);

	sample(pid, &a);
	sleep_ms((uint64_t)(idle * 1000));
	report("idle", pid, &a, -1, -1, true, 0);

	serial = 3;
	sample(pid, &a);
	if (push(argv[5], serial, joined, &t0))
		return 1;
	phase("raise", JOB_RESERVE, pid, &a, t0, joined, false, limit);
	etcd_check();

	stop_all = 1;
	pthread_mutex_lock(&mu);
	quit = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < n_workers; i++)
		pthread_join(wk[i], NULL);
	for (i = 0; i < n_ka; i++)
		pthread_join(ka[i], NULL);
	pthread_join(wt, NULL);
	for (i = 0; i < n_hosts; i++)
		if (hosts[i].l)
			ledger_etcd_ops.close(hosts[i].l);
	return 0;
}
