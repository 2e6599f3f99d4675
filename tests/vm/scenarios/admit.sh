#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Admission by hand: `tppctl admit` releases one device to its real driver,
# which enables it and finds it working; the others stay held. `tppctl
# quarantine` takes it back. Devices that are not accelerators, or do not
# exist, cannot be admitted.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl; then
	skip "tppctl admit and quarantine" "tppctl missing"
	done_testing
fi

devs=$(edu_devices)
first=$(echo "$devs" | head -n 1)
rest=$(echo "$devs" | tail -n +2)

check "tppctl admit $first succeeds" tppctl admit "$first"
expect_on_tppedu "$first: bound to tppedu, edu_ident reads $EDU_IDENT" "$first"
is "$(override_of "$first")" "(null)" "$first: driver_override cleared"
check "$first: tppedu enabled memory decoding" command_mem_on "$first"
expect_tppctl_state "$first" admitted
for b in $rest; do
	expect_quarantined "$b: still quarantined while $first is admitted" "$b"
done

check "tppctl admit $first again succeeds (no change)" tppctl admit "$first"
expect_on_tppedu "$first: still on tppedu" "$first"

check "tppctl quarantine $first succeeds" tppctl quarantine "$first"
expect_quarantined "$first: quarantined again (tppgate, override, decoding off)" "$first"
check "$first: edu_ident gone" test ! -e "$PCI/$first/edu_ident"
expect_tppctl_state "$first" quarantined

# Every device in and out, in one go.
for b in $devs; do
	check "tppctl admit $b" tppctl admit "$b"
done
for b in $devs; do
	expect_on_tppedu "$b: admitted and working" "$b"
done
for b in $devs; do
	check "tppctl quarantine $b" tppctl quarantine "$b"
done
for b in $devs; do
	expect_quarantined "$b: quarantined again" "$b"
done

# Refusals: a missing device and a device that is not an accelerator.
check_error "tppctl admit of a BDF with no device: no such PCI device" \
	1 "0000:00:1f.7: no such PCI device" tppctl admit 0000:00:1f.7
nic=$(pci_find 0x8086 0x100e)
if [ -n "$nic" ]; then
	nic_driver=$(driver_of "$nic")
	check_error "tppctl admit $nic (the e1000): not an accelerator" \
		1 "$nic: not an accelerator, tppgate does not manage it" \
		tppctl admit "$nic"
	check_error "tppctl quarantine $nic (the e1000): not an accelerator" \
		1 "$nic: not an accelerator, tppgate does not manage it" \
		tppctl quarantine "$nic"
	is "$(driver_of "$nic")" "$nic_driver" "$nic: the e1000 keeps its driver ($nic_driver)"
	is "$(override_of "$nic")" "(null)" "$nic: the e1000 still has no driver_override"
fi
check_error "tppctl admit of a malformed BDF is a usage error" \
	2 "invalid PCI address" tppctl admit not-a-bdf

end_in_default_state
done_testing
