/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parity corpus: signed policies (.tpp) that tppctl policy verify and
 * the kernel's POLICY_SET must judge alike. Built from this table at test
 * time, with the signing key of the run (never committed), by code that
 * shares nothing with libtppgate: it writes netlink attributes and CMS
 * signatures itself, so a bug in the library cannot hide in both halves.
 *
 * Users: tests/unit/test_parity.c (tppctl on the host) and
 * tests/selftests/parity_test.c (tppctl and POLICY_SET in the VM).
 */
#ifndef TPPGATE_PARITY_CORPUS_H
#define TPPGATE_PARITY_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/*
 * What a case depends on besides its bytes. The kernel judges these rules
 * against its state; tppctl policy verify cannot know that state offline,
 * so the test hands it over:
 *   serial: the kernel refuses a serial not above the one in force
 *     (-ESTALE). verify is run with --in-force SERIAL, the serial that the
 *     kernel has in force when the case comes (parity_in_force()).
 *   host: a host binding is judged against the machine that loads it
 *     (-EACCES). verify is run with --here on the machine that loads it.
 *   clock: the time window is judged by both against their own clock;
 *     the corpus uses times so far in the past or future that any sane
 *     clock agrees.
 */
struct parity_keys {
	EVP_PKEY *key;		/* the trusted signer */
	X509 *cert;
	EVP_PKEY *other_key;	/* a signer nobody trusts */
	X509 *other_cert;
	/* SHA-256 of this host's DMI product UUID; NULL if unknown */
	const uint8_t *dmi_hash;
};

struct parity_build;

/*
 * Where kernels differ, tppctl takes the newest kernel's rule (a policy it
 * passes then loads everywhere) and @old_err says what kernels before
 * @old_below (major << 8 | minor) answer: the VM expects that of them.
 */
struct parity_case {
	const char *name;
	int err;		/* expected: 0 accepted, else a positive errno */
	const char *rule;	/* the kernel's rule it exercises */
	void (*make)(struct parity_build *b);
	unsigned int old_below;
	int old_err;
};

extern const struct parity_case parity_cases[];
extern const size_t parity_n_cases;

/*
 * The .tpp file of case @i (malloc'd in *@file). Return: 0, or -1 if
 * libcrypto failed.
 */
int parity_make(const struct parity_keys *k, size_t i, uint8_t **file,
		size_t *len);

/* The serial the kernel has in force before case @i, 0 for none. */
uint64_t parity_in_force(const struct parity_keys *k, size_t i);

/* Case @i's expected errno, given this host (see the host cases). */
int parity_expected(const struct parity_keys *k, size_t i);
/* The same for the kernel @release ("6.1.0-57-amd64") judging it. */
int parity_kernel_expected(const struct parity_keys *k, size_t i,
			   const char *release);

/* Does case @i's verdict depend on the machine that judges it (--here)? */
bool parity_machine_dependent(size_t i);

/* A fresh self-signed RSA pair (for the untrusted signer). */
int parity_new_pair(const char *cn, EVP_PKEY **key, X509 **cert);

/* "EINVAL" and so on; "0" for 0. */
const char *parity_errname(int err);

#endif /* TPPGATE_PARITY_CORPUS_H */
