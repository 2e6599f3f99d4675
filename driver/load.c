// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a policy, the one place where its steps meet: bound the sizes,
 * verify the signature (keys.c) before a byte of the blob is parsed, parse
 * it (policy.c), and hand it to the gate (gate.c), which checks it against
 * the policy in force and the clock and publishes it.
 */

#include <linux/ktime.h>
#include <net/netlink.h>

#include "gate.h"
#include "keys.h"
#include "load.h"
#include "policy.h"

/**
 * tppgate_load_policy() - verify, parse and put in force a signed policy
 * @blob: the TPPGATE_A_POLICY attribute
 * @sig: the TPPGATE_A_SIGNATURE attribute
 * @extack: where to say why it was refused
 *
 * The signature is checked before a single byte of the blob is parsed.
 * How long each phase took is kept in the policy (POLICY_GET reports it).
 *
 * Context: process context; may sleep for long (device unbinds).
 * Return: 0, or the errnos of tppgate_keys_verify(), tppgate_policy_parse()
 * and tppgate_gate_set_policy(); -E2BIG if @blob or @sig is too large. On
 * error nothing changed.
 */
int tppgate_load_policy(const struct nlattr *blob, const struct nlattr *sig,
			struct netlink_ext_ack *extack)
{
	struct tppgate_policy *p;
	u64 t0, t1;
	int ret;

	if (nla_len(blob) > TPPGATE_POLICY_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, blob, "policy larger than 60 KiB");
		return -E2BIG;
	}
	if (nla_len(sig) > TPPGATE_SIGNATURE_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, sig, "signature larger than 8 KiB");
		return -E2BIG;
	}

	t0 = ktime_get_ns();
	ret = tppgate_keys_verify(nla_data(blob), nla_len(blob), nla_data(sig),
				  nla_len(sig), extack);
	if (ret)
		return ret;
	t1 = ktime_get_ns();
	p = tppgate_policy_parse(blob, extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	p->verify_ns = t1 - t0;
	p->parse_ns = ktime_get_ns() - t1;

	ret = tppgate_gate_set_policy(p, extack);
	if (ret)
		tppgate_policy_free(p);
	return ret;
}
