// SPDX-License-Identifier: GPL-2.0
/*
 * tppgated: see tppgated(8). Options, start-up in the order that makes
 * READY=1 true (module, kernel, ledger, policy, grant, socket), the loop,
 * teardown. Every function below returns 0 or a negative errno; only
 * main() turns that into an exit status: 0, 1 failure, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define EUSAGE	4096

static void usage(FILE *f)
{
	fprintf(f, "usage: tppgated [-f] [-c FILE] [-k netlink|shim] [-t] [-h] [-V]\n"
		"  -f, --foreground  stay in the foreground (systemd runs it so)\n"
		"  -c, --config FILE configuration (default %s)\n"
		"  -k, --kernel KIND talk to the module (netlink) or the test shim\n"
		"  -t, --test-config check the configuration and exit\n"
		"  -h, --help        this help\n"
		"  -V, --version     print the version\n", TPPGATED_CONFIG);
}

static int parse_args(int argc, char **argv, struct daemon *d, bool *test,
		      const char **kernel)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "test-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	snprintf(d->cfg_path, sizeof(d->cfg_path), "%s", TPPGATED_CONFIG);
	d->cfg_missing_ok = true;
	while ((c = getopt_long(argc, argv, "fc:k:thV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			/* The daemon never forks; -f is accepted for habit's sake. */
			break;
		case 'c':
			if (strlen(optarg) >= sizeof(d->cfg_path))
				return -EUSAGE;
			snprintf(d->cfg_path, sizeof(d->cfg_path), "%s", optarg);
			d->cfg_missing_ok = false;
			break;
		case 'k':
			if (strcmp(optarg, "netlink") && strcmp(optarg, "shim")) {
				fprintf(stderr, "tppgated: -k takes netlink or shim\n");
				return -EUSAGE;
			}
			*kernel = optarg;
			break;
		case 't':
			*test = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("tppgated %s\n", TPPCTL_VERSION);
			return 1;
		default:
			usage(stderr);
			return -EUSAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EUSAGE;
	}
	return 0;
}

static int setup(struct daemon *d)
{
	char err[TPPGATED_ERR_LEN] = "";
	sigset_t set;
	int ret;

	ret = control_probe(d, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	/* Before anything else: signals only ever arrive through the signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	d->renew_tfd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->sfd < 0 || d->renew_tfd < 0)
		return -errno;
	if (d->cfg.kernel == TPPGATED_KERNEL_NETLINK && d->cfg.load_module) {
		ret = tppgated_load_module(d->cfg.module, err, sizeof(err));
		if (ret)
			log_warn("%s; trying netlink anyway", err);
	}
	d->kops = d->cfg.kernel == TPPGATED_KERNEL_SHIM ? &kernel_shim_ops
							 : &kernel_netlink_ops;
	ret = d->kops->open(&d->k, &d->cfg, err, sizeof(err));
	if (ret) {
		log_err("kernel (%s): %s", d->kops->name, err);
		return ret;
	}
	d->lops = ledger_find(d->cfg.ledger);
	ret = d->lops->open(&d->l, &d->cfg, err, sizeof(err));
	if (ret) {
		log_err("ledger %s: %s", d->lops->name, err);
		return ret;
	}
	daemon_apply_policy_file(d);
	d->force = true;
	daemon_grant(d);
	ret = control_open(d, err, sizeof(err));
	if (ret)
		log_err("%s", err);
	return ret;
}

static void teardown(struct daemon *d)
{
	control_close(d);
	if (d->l)
		d->lops->close(d->l);
	if (d->k)
		d->kops->close(d->k);
	if (d->ino >= 0)
		close(d->ino);
	if (d->wd_tfd >= 0)
		close(d->wd_tfd);
	if (d->renew_tfd >= 0)
		close(d->renew_tfd);
	if (d->sfd >= 0)
		close(d->sfd);
}

int main(int argc, char **argv)
{
	static struct daemon d;
	const char *kernel = NULL;
	char err[TPPGATED_ERR_LEN];
	bool test = false;
	size_t i;
	int ret;

	d.sfd = d.renew_tfd = d.wd_tfd = d.ino = d.ctl_fd = -1;
	for (i = 0; i < CONTROL_CLIENTS; i++)
		d.clients[i].fd = -1;
	ret = parse_args(argc, argv, &d, &test, &kernel);
	if (ret)
		return ret == -EUSAGE ? 2 : 0;
	ret = tppgated_config_load(d.cfg_path, d.cfg_missing_ok, &d.cfg, err,
				   sizeof(err));
	if (ret) {
		log_err("%s", err);
		return 1;
	}
	if (kernel)
		d.cfg.kernel = strcmp(kernel, "shim") ? TPPGATED_KERNEL_NETLINK
						      : TPPGATED_KERNEL_SHIM;
	if (d.cfg.kernel == TPPGATED_KERNEL_SHIM &&
	    (!d.cfg.shim_devices[0] || !d.cfg.shim_state[0])) {
		log_err("%s: kernel shim needs [shim] devices and state", d.cfg_path);
		return 1;
	}
	if (test) {
		printf("%s: ok\n", d.cfg_path);
		return 0;
	}
	tppgated_log_level(d.cfg.log_level);
	d.started = (uint64_t)time(NULL);
	ret = setup(&d);
	if (!ret)
		ret = daemon_run(&d);
	teardown(&d);
	return ret ? 1 : 0;
}
