#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading with devices in both states: rmmod succeeds, the module and its
# driver are gone, every device ends up on its real driver. Loading again
# quarantines them all, including ones a driver had enabled.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

devs=$(edu_devices)
admitted=$(echo "$devs" | head -n 2)

if have_tppctl; then
	for b in $admitted; do
		require "tppctl admit $b" tppctl admit "$b"
	done
else
	diag "tppctl missing: every device quarantined when unloading"
fi

check "rmmod tppgate with devices admitted and quarantined" rmmod tppgate
check "/sys/module/tppgate is gone" test ! -e /sys/module/tppgate
check "the tppgate PCI driver is gone" test ! -e /sys/bus/pci/drivers/tppgate
for b in $devs; do
	expect_on_tppedu "$b: on tppedu after unload, edu_ident reads $EDU_IDENT" "$b"
	is "$(override_of "$b")" "(null)" "$b: no driver_override left behind"
done
if have_tppctl; then
	check_error "tppctl devices without the module: kernel module not loaded" \
		1 "kernel module not loaded" tppctl devices
fi

require "rmmod tppedu" rmmod tppedu
require "insmod tppgate.ko $TPPGATE_ARGS again" insmod_tppgate
for b in $devs; do
	expect_quarantined "$b: quarantined after reload (decoding off although tppedu had enabled it)" "$b"
done
require "insmod tppedu.ko" insmod "$TPP_MODULES/tppedu.ko"
for b in $devs; do
	expect_quarantined "$b: still quarantined with tppedu loaded" "$b"
	expect_tppctl_state "$b" quarantined
done

end_in_default_state
done_testing
