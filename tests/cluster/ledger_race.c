// SPDX-License-Identifier: GPL-2.0
/*
 * ledger-race: N processes run tppgated's etcd ledger (the same
 * ledger_etcd.c, as a library) in a loop for some seconds, each as its
 * own host with its own lease, asking for random shares (40% releases to
 * 0, else 1..@max TPP), with @think ms between calls. The cluster tests
 * run it for the race and its negative control (TPPGATED_ETCD_UNGUARDED=1
 * in the environment); make bench-ledger for its figures.
 *
 *   ledger-race CONF N SECONDS THINK_MS MAX [raw | steady | lib] [timer]
 *
 * "lib" runs the N ledgers in one process in the library mode of
 * ledger.h: one shared connection, no thread per ledger, the hosts
 * reserving in turn and this loop renewing every lease every third of it.
 *
 * "raw" measures etcd itself through the same client library: each
 * process puts its own key in a transaction with no compare (N separate
 * ledgers, nothing shared), the rate the guarded scheme is compared with.
 * "steady" is a daemon's renewals: each process asks for MAX/2 every
 * time (the first call takes it, the others change nothing).
 *
 * Without "timer", each process sleeps THINK_MS after each call, so all N
 * start in step and stay close to it: their calls arrive at etcd in
 * bursts. With "timer", each calls every THINK_MS on its own clock,
 * started at a random phase within the first period, as independent
 * daemons would (a call that overruns its slot starts the next at once).
 *
 * Prints one JSON line: decisions, grants (calls that granted > 0),
 * per-second rates and the decision latency's p50 and p99 in ms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledger_sim.h"

#define LAT_MAX	(1 << 20)

struct shared {
	uint64_t decisions, grants, errors;
	uint32_t n_lat;
	float lat[LAT_MAX];
	uint8_t reqs[LAT_MAX];	/* HTTP requests the decision took */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* One decision: its latency and how many requests it took. */
struct dec {
	float ms;
	uint8_t reqs;
};

static int cmp_dec(const void *a, const void *b)
{
	return cmp_float(&((const struct dec *)a)->ms, &((const struct dec *)b)->ms);
}

static void record(struct shared *sh, double ms, uint64_t reqs)
{
	uint32_t k = __atomic_fetch_add(&sh->n_lat, 1, __ATOMIC_RELAXED);

	if (k < LAT_MAX) {
		sh->lat[k] = (float)ms;
		sh->reqs[k] = (uint8_t)(reqs < 255 ? reqs : 255);
	}
	__atomic_add_fetch(&sh->decisions, 1, __ATOMIC_RELAXED);
}

/* "timer": each process's next call, on its own schedule. */
static bool timed;

static void ts_add(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

static void pace_start(struct timespec *next, unsigned int think,
		       unsigned int *seed)
{
	clock_gettime(CLOCK_MONOTONIC, next);
	ts_add(next, think ? (long)(rand_r(seed) % (think * 1000)) * 1000 : 0);
	if (timed && think)
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
}

static void pace(struct timespec *next, unsigned int think)
{
	struct timespec now;

	if (!think)
		return;
	if (!timed) {
		usleep(think * 1000);
		return;
	}
	ts_add(next, (long)think * 1000000L);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > next->tv_sec ||
	    (now.tv_sec == next->tv_sec && now.tv_nsec > next->tv_nsec))
		*next = now;
	else
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
}

static int run_ledger(struct tppgated_config *c, int i, double end,
		      unsigned int think, unsigned int max, bool steady,
		      struct shared *sh)
{
	struct ledger *l;
	char err[512] = "";
	unsigned int seed = (unsigned int)getpid();
	struct timespec next;

	snprintf(c->host, sizeof(c->host), "race%d", i);
	if (ledger_etcd_ops.open(&l, c, err, sizeof(err))) {
		fprintf(stderr, "ledger-race %d: %s\n", i, err);
		return 1;
	}
	pace_start(&next, think, &seed);
	while (now_s() < end) {
		struct ledger_req req = { .cluster_id = "" };
		struct ledger_res res;
		double t0 = now_s();
		uint64_t r0 = etcd_requests();
		int ret;

		req.want = steady ? max / 2 :
			   rand_r(&seed) % 100 < 40 ? 0 : 1 + rand_r(&seed) % max;
		ret = ledger_etcd_ops.reserve(l, &req, &res, err, sizeof(err));
		t0 = (now_s() - t0) * 1000;
		if (ret) {
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
		} else {
			record(sh, t0, etcd_requests() - r0);
			if (req.want && res.held)
				__atomic_add_fetch(&sh->grants, 1, __ATOMIC_RELAXED);
		}
		pace(&next, think);
	}
	ledger_etcd_ops.close(l);
	return 0;
}

/* The lib mode: every lease renewed on the shared connection. */
static void renew_all(struct etcd *e, struct ledger **l, int n)
{
	char err[512];
	uint64_t ttl;
	int i;

	for (i = 0; i < n; i++)
		sim_renew(e, l[i], &ttl, err, sizeof(err));
}

static int run_lib(struct tppgated_config *c, int n, double end,
		   unsigned int think, unsigned int max, struct shared *sh)
{
	struct ledger *l[64];
	char err[512] = "";
	unsigned int seed = (unsigned int)getpid();
	uint64_t ka = sim_boot_ms();
	struct timespec next;
	struct etcd *e;
	int i, failed = 0;

	if (etcd_open(&e, &c->etcd, 0, err, sizeof(err))) {
		fprintf(stderr, "ledger-race: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(c->host, sizeof(c->host), "race%d", i);
		if (ledger_etcd_open_lib(&l[i], c, e, err, sizeof(err))) {
			fprintf(stderr, "ledger-race %d: %s\n", i, err);
			n = i;
			failed = 1;
			break;
		}
	}
	pace_start(&next, 0, &seed);
	while (!failed && now_s() < end) {
		if (sim_boot_ms() - ka >= (uint64_t)c->ledger_lease * 1000 / 3) {
			ka = sim_boot_ms();
			renew_all(e, l, n);
		}
		for (i = 0; i < n; i++) {
			struct ledger_req req = { .cluster_id = "" };
			struct ledger_res res;
			double t0 = now_s();
			uint64_t r0 = etcd_requests();
			int ret;

			req.want = rand_r(&seed) % 100 < 40 ? 0 : 1 + rand_r(&seed) % max;
			ret = ledger_etcd_ops.reserve(l[i], &req, &res, err, sizeof(err));
			t0 = (now_s() - t0) * 1000;
			if (ret) {
				sh->errors++;
				fprintf(stderr, "ledger-race %d: %s\n", i, err);
				continue;
			}
			record(sh, t0, etcd_requests() - r0);
			if (req.want && res.held)
				sh->grants++;
		}
		pace(&next, think);
	}
	for (i = 0; i < n; i++)
		ledger_etcd_ops.close(l[i]);
	etcd_close(e);
	return failed;
}

/* One key of our own, a transaction with no compare: etcd's raw rate. */
static int run_raw(struct tppgated_config *c, int i, double end,
		   unsigned int think, struct shared *sh)
{
	char err[512], key[128];
	unsigned int seed = (unsigned int)getpid();
	struct timespec next;
	struct etcd *e;

	snprintf(key, sizeof(key), "/tppgate-raw/%s/%d", c->etcd.cluster, i);
	if (etcd_open(&e, &c->etcd, 0, err, sizeof(err))) {
		fprintf(stderr, "ledger-race %d: %s\n", i, err);
		return 1;
	}
	pace_start(&next, think, &seed);
	while (now_s() < end) {
		double t0 = now_s();
		uint64_t r0 = etcd_requests();
		int ret = sim_raw_put(e, key, err, sizeof(err));

		t0 = (now_s() - t0) * 1000;
		if (ret) {
			__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
		} else {
			record(sh, t0, etcd_requests() - r0);
			__atomic_add_fetch(&sh->grants, 1, __ATOMIC_RELAXED);
		}
		pace(&next, think);
	}
	etcd_close(e);
	return 0;
}

/*
 * Where the tail comes from: the mean requests per decision, the p99 of
 * decisions that took one request (the round trip alone), and the mean
 * requests of the slowest 1% (retries, when it is well above 1).
 */
struct profile {
	double reqs, p99_one, reqs_slow;
};

static void profile(const struct shared *sh, uint32_t m, struct profile *pr)
{
	struct dec *d = calloc(m ? m : 1, sizeof(*d));
	float *one = calloc(m ? m : 1, sizeof(*one));
	uint32_t i, n1 = 0, slow = 0;
	double sum = 0, sum_slow = 0;

	memset(pr, 0, sizeof(*pr));
	if (!d || !one || !m)
		goto out;
	for (i = 0; i < m; i++) {
		d[i].ms = sh->lat[i];
		d[i].reqs = sh->reqs[i];
		sum += sh->reqs[i];
		if (sh->reqs[i] == 1)
			one[n1++] = sh->lat[i];
	}
	qsort(d, m, sizeof(*d), cmp_dec);
	qsort(one, n1, sizeof(*one), cmp_float);
	for (i = (uint32_t)((double)m * 0.99); i < m; i++, slow++)
		sum_slow += d[i].reqs;
	pr->reqs = sum / m;
	pr->p99_one = n1 ? one[(size_t)((double)n1 * 0.99)] : 0;
	pr->reqs_slow = slow ? sum_slow / slow : 0;
out:
	free(d);
	free(one);
}

int main(int argc, char **argv)
{
	struct profile pr;
	struct tppgated_config c;
	char err[512];
	struct shared *sh;
	double secs, end, t0;
	unsigned int think, max;
	int n, i, failed = 0;
	bool raw, steady, lib;
	uint32_t m;

	if (argc < 6) {
		fprintf(stderr, "usage: ledger-race CONF N SECONDS THINK_MS MAX [raw | steady | lib] [timer]\n");
		return 2;
	}
	if (tppgated_config_load(argv[1], false, &c, err, sizeof(err))) {
		fprintf(stderr, "ledger-race: %s\n", err);
		return 1;
	}
	tppgated_log_level(3);
	n = atoi(argv[2]);
	secs = atof(argv[3]);
	think = (unsigned int)atoi(argv[4]);
	max = (unsigned int)atoi(argv[5]);
	raw = steady = lib = false;
	for (i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "raw"))
			raw = true;
		else if (!strcmp(argv[i], "steady"))
			steady = true;
		else if (!strcmp(argv[i], "lib"))
			lib = true;
		else if (!strcmp(argv[i], "timer"))
			timed = true;
		else
			n = 0;	/* an unknown word: bad arguments */
	}
	if (n < 1 || n > 64 || secs <= 0 || !max) {
		fprintf(stderr, "ledger-race: bad arguments\n");
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	t0 = now_s();
	end = t0 + secs;
	for (i = 0; i < (lib ? 1 : n); i++) {
		pid_t p = fork();

		if (p < 0)
			return 1;
		if (!p)
			_exit(lib ? run_lib(&c, n, end, think, max, sh) :
			      raw ? run_raw(&c, i, end, think, sh) :
			      run_ledger(&c, i, end, think, max, steady, sh));
	}
	for (i = 0; i < (lib ? 1 : n); i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	}
	secs = now_s() - t0;
	m = sh->n_lat < LAT_MAX ? sh->n_lat : LAT_MAX;
	profile(sh, m, &pr);
	qsort(sh->lat, m, sizeof(float), cmp_float);
	printf("{\"mode\": \"%s\", \"timer\": %s, \"processes\": %d, \"seconds\": %.1f, \"think_ms\": %u, "
	       "\"decisions\": %llu, \"grants\": %llu, \"errors\": %llu, "
	       "\"decisions_per_s\": %.0f, \"grants_per_s\": %.0f, "
	       "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"requests_per_decision\": %.2f, "
	       "\"p99_one_request_ms\": %.2f, \"requests_slowest_1pct\": %.2f}\n",
	       raw ? "raw" : steady ? "steady" : lib ? "lib" : "ledger",
	       timed ? "true" : "false", n, secs, think,
	       (unsigned long long)sh->decisions, (unsigned long long)sh->grants,
	       (unsigned long long)sh->errors, sh->decisions / secs,
	       sh->grants / secs, m ? sh->lat[m / 2] : 0.0,
	       m ? sh->lat[(size_t)((double)m * 0.99)] : 0.0, pr.reqs,
	       pr.p99_one, pr.reqs_slow);
	return failed;
}
