#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Loading the module when accelerators already have a driver: boot=keep
# leaves them running (unmanaged-bound), boot=quarantine takes them.
# Unloading gives held devices back to their driver. The NIC and the boot
# VGA device are never touched.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

devs=$(edu_devices)
first=$(echo "$devs" | head -n 1)
nic=$(pci_find 0x8086 0x100e)
nic_driver=$(driver_of "$nic")

# check_nic WHEN: the e1000 kept its driver and has no override.
check_nic()
{
	if [ "$(driver_of "$nic")" = "$nic_driver" ] &&
		[ "$(override_of "$nic")" = "(null)" ]; then
		ok "$nic: the e1000 still on $nic_driver, no driver_override $1"
	else
		not_ok "$nic: the e1000 still on $nic_driver, no driver_override $1"
		describe "$nic"
	fi
}

require "rmmod tppgate" rmmod tppgate
for b in $devs; do
	expect_on_tppedu "$b: released to tppedu on unload, edu_ident reads $EDU_IDENT" "$b"
done

require "insmod tppgate.ko $TPPGATE_ARGS boot=keep" insmod_tppgate boot=keep
for b in $devs; do
	expect_on_tppedu "$b: boot=keep leaves it on tppedu, MMIO works" "$b"
	is "$(override_of "$b")" "(null)" "$b: boot=keep sets no driver_override"
	expect_tppctl_state "$b" unmanaged-bound
done
check_nic "after boot=keep"

# An unmanaged-bound device can still be taken back by hand.
if have_tppctl; then
	check "tppctl quarantine $first (unmanaged-bound)" tppctl quarantine "$first"
	expect_quarantined "$first: quarantined by hand under boot=keep" "$first"
	expect_tppctl_state "$first" quarantined
	for b in $(echo "$devs" | tail -n +2); do
		expect_on_tppedu "$b: the others stay on tppedu" "$b"
	done
else
	skip "tppctl quarantine of an unmanaged-bound device" "tppctl missing"
fi

require "rmmod tppgate (boot=keep)" rmmod tppgate
for b in $devs; do
	expect_on_tppedu "$b: on tppedu after unloading boot=keep" "$b"
done

require "insmod tppgate.ko $TPPGATE_ARGS boot=quarantine" \
	insmod_tppgate boot=quarantine
for b in $devs; do
	expect_quarantined "$b: boot=quarantine took it from tppedu" "$b"
	expect_tppctl_state "$b" quarantined
done
check_nic "after boot=quarantine"
for d in "$PCI"/*; do
	[ "$(cat "$d/boot_vga" 2>/dev/null)" = 1 ] || continue
	check "${d##*/}: boot=quarantine leaves the boot VGA device alone" \
		test "$(driver_of "${d##*/}")" != tppgate
done

require "rmmod tppgate (boot=quarantine)" rmmod tppgate
for b in $devs; do
	expect_on_tppedu "$b: released to tppedu again" "$b"
done

require "reload tppgate then tppedu in the default configuration" restore_default
end_in_default_state
done_testing
