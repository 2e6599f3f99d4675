// SPDX-License-Identifier: GPL-2.0
/*
 * Crash safety of the local ledger's state file: a child writes state
 * after state with the daemon's own ledger_state_write(), announcing in
 * shared memory which sequence number it is writing and which it
 * finished; the parent SIGKILLs it at a random moment, then reads the
 * file. It must always parse, and hold the state last finished or the one
 * being written: old or new, never torn, never missing. One TAP line.
 *
 * usage: state-crash DIR [KILLS] [SEED]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"

struct shared {
	volatile uint64_t writing;	/* being written, 0 before the first */
	volatile uint64_t done;		/* last finished */
};

static void fill(struct ledger_state *s, uint64_t seq)
{
	memset(s, 0, sizeof(*s));
	s->seq = seq;
	/* Different lengths, so a torn file could not pass for a whole one. */
	snprintf(s->host, sizeof(s->host), "host-%llu%s",
		 (unsigned long long)seq, seq % 2 ? "-odd-padding-padding" : "");
	s->reserved = seq * 1000;
	s->expires = 2000000000ULL + seq;
	s->serial = seq;
	s->serial_seen = seq;
	s->has_cluster_cap = seq % 3;
	s->cluster_cap = seq * 7;
}

static void writer(const char *dir, struct shared *sh, uint64_t from)
{
	struct ledger_state s;
	uint64_t seq;

	for (seq = from;; seq++) {
		fill(&s, seq);
		sh->writing = seq;
		if (ledger_state_write(dir, &s))
			_exit(2);
		sh->done = seq;
	}
}

static bool same(const struct ledger_state *a, uint64_t seq)
{
	struct ledger_state b;

	fill(&b, seq);
	return a->seq == b.seq && !strcmp(a->host, b.host) &&
	       a->reserved == b.reserved && a->expires == b.expires &&
	       a->serial == b.serial && a->serial_seen == b.serial_seen &&
	       a->has_cluster_cap == b.has_cluster_cap &&
	       (!a->has_cluster_cap || a->cluster_cap == b.cluster_cap);
}

int main(int argc, char **argv)
{
	unsigned int kills = argc > 2 ? (unsigned int)atoi(argv[2]) : 200;
	unsigned int seed = argc > 3 ? (unsigned int)atoi(argv[3]) : (unsigned int)time(NULL);
	struct ledger_state first, got;
	unsigned int i, mid = 0, bad = 0;
	char err[256];
	struct shared *sh;
	uint64_t next = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: state-crash DIR [KILLS] [SEED]\n");
		return 2;
	}
	srand(seed);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fill(&first, 1);
	if (sh == MAP_FAILED || ledger_state_write(argv[1], &first)) {
		printf("not ok 1 - state file: cannot write the first state in %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < kills && !bad; i++) {
		pid_t pid;
		int status;

		sh->writing = 0;
		sh->done = next - 1;
		pid = fork();
		if (pid == 0)
			writer(argv[1], sh, next);
		/* Up to a few writes' time: some kills land before the first. */
		usleep((useconds_t)(rand() % 3000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (ledger_state_read(argv[1], &got, err, sizeof(err))) {
			printf("# kill %u: the state does not read: %s\n", i, err);
			bad++;
			break;
		}
		if (!(same(&got, sh->done) ||
		      (sh->writing && same(&got, sh->writing)))) {
			printf("# kill %u: state seq %llu, neither the old (%llu) nor the new (%llu)\n",
			       i, (unsigned long long)got.seq,
			       (unsigned long long)sh->done,
			       (unsigned long long)sh->writing);
			bad++;
		}
		if (sh->writing && sh->writing != sh->done)
			mid++;
		/* The next child starts from what the file holds now. */
		next = got.seq + 1;
	}
	printf("# seed %u: %u kills, %u of them during a write\n", seed, i, mid);
	printf("%sok 1 - state file: %u kills of the writer at random points, always the old or the new state\n",
	       bad ? "not " : "", kills);
	return bad ? 1 : 0;
}
