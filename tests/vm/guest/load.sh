#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VM's boot: the NIC's driver first (a non-accelerator already bound
# when tppgate arrives), then tppgate with the edu id, then the edu test
# driver, which must find every edu device already held. TAP output.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. /tpp/scenarios/lib.sh

if [ -f "$TPP_MODULES/e1000.ko" ]; then
	require "insmod e1000.ko (the NIC's driver, before tppgate)" \
		insmod "$TPP_MODULES/e1000.ko"
else
	diag "no e1000.ko in this kernel's modules: the NIC stays without a driver"
fi
require "insmod tppgate.ko $TPPGATE_ARGS" insmod_tppgate
require "insmod tppedu.ko" insmod "$TPP_MODULES/tppedu.ko"
for b in $(edu_devices); do
	expect_quarantined "$b: held from boot, tppedu did not get it" "$b"
done
done_testing
