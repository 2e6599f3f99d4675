// SPDX-License-Identifier: GPL-2.0
/*
 * How long loading a signed policy takes, by phase, at 10, 1,000 and 4,096
 * catalog entries: signature verification, parsing and applying, as the
 * module measures them (TPPGATE_POLICY_A_INFO_*_NS in the POLICY_SET reply).
 *
 * Run by hand in the VM (make bench-policy), never by make check: the
 * machine is shared and noisy. The signature check is the baseline measured
 * in the same run; the figure that matters is (parse + apply) / verify,
 * which the goal wants below 1 at 1,000 entries.
 */

#include <stdlib.h>

#include "../selftests/polbuild.h"

#define ROUNDS 25

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static unsigned long long median(unsigned long long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

int main(void)
{
	static const int sizes[] = { 10, 1000, TPPGATE_CATALOG_MAX };
	unsigned long long verify[ROUNDS], parse[ROUNDS], apply[ROUNDS];
	unsigned long long serial = 1;
	struct nl_sock *sk = open_sock();
	EVP_PKEY *key = load_key(KEY_FILE);
	X509 *cert = load_cert(CERT_FILE);
	int fam = sk ? family_id(sk) : -1;
	int s, i;

	if (fam <= 0 || !key || !cert) {
		fprintf(stderr, "policy_bench: needs tppgate loaded and %s\n", KEY_FILE);
		return 1;
	}
	printf("# policy load, median of %d, microseconds\n", ROUNDS);
	printf("# %7s %10s %10s %10s %12s\n", "entries", "verify", "parse",
	       "apply", "(p+a)/verify");
	for (s = 0; s < 3; s++) {
		for (i = 0; i < ROUNDS; i++) {
			unsigned char *sig = NULL;
			struct reply r;
			struct pol p;
			struct nl_msg *m;
			int blen, slen, ret;
			void *blob;

			pol_default(&p, serial++);
			p.n_entries = sizes[s] - 1;	/* plus the edu */
			p.node_cap = 2 * EDU_TPP;
			m = pol_build(&p);
			blob = blob_of(m, &blen);
			slen = sign(key, cert, blob, blen, &sig);
			ret = transact(sk, set_req(fam, blob, blen, sig, slen), &r);
			OPENSSL_free(sig);
			nlmsg_free(m);
			if (ret) {
				fprintf(stderr, "policy_bench: load failed: %d %s\n",
					ret, r.msg);
				return 1;
			}
			verify[i] = r.verify_ns;
			parse[i] = r.parse_ns;
			apply[i] = r.apply_ns;
		}
		{
			unsigned long long v = median(verify, ROUNDS);
			unsigned long long p = median(parse, ROUNDS);
			unsigned long long a = median(apply, ROUNDS);

			printf("  %7d %10.1f %10.1f %10.1f %12.3f\n", sizes[s],
			       v / 1e3, p / 1e3, a / 1e3, v ? (double)(p + a) / v : 0);
		}
	}
	nl_socket_free(sk);
	return 0;
}
