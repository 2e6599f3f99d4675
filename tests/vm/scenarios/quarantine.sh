#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The quarantine holds. From load on, every edu device is bound to tppgate,
# does not decode, and none of root's ways of handing a device to another
# driver works while it is held: sysfs enable, a rewritten driver_override
# with bind or drivers_probe, new_id, mmap of a BAR. Devices that are not
# accelerators, and the boot VGA device, are left alone.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

devs=$(edu_devices)
is "$(echo "$devs" | grep -c .)" 4 "the VM has four edu devices"
check "the tppgate driver has no unbind file" \
	test ! -e /sys/bus/pci/drivers/tppgate/unbind
check "the tppgate driver has no bind file" \
	test ! -e /sys/bus/pci/drivers/tppgate/bind

for b in $devs; do
	is "$(driver_of "$b")" tppgate "$b: bound to tppgate"
	is "$(override_of "$b")" tppgate "$b: driver_override is tppgate"
	check "$b: tppedu never bound it (no edu_ident)" \
		test ! -e "$PCI/$b/edu_ident"
	check "$b: memory and I/O decoding and bus mastering are off" \
		command_off "$b"
	expect_tppctl_state "$b" quarantined

	if write_sysfs "$PCI/$b/enable" 1; then
		not_ok "$b: writing 1 to enable fails with EBUSY"
	else
		case $write_err in
		*"Device or resource busy"*)
			ok "$b: writing 1 to enable fails with EBUSY" ;;
		*)
			not_ok "$b: writing 1 to enable fails with EBUSY"
			diag "$write_err" ;;
		esac
	fi
	is "$(cat "$PCI/$b/enable")" 0 "$b: enable still reads 0"

	if out=$(mmap_bar "$PCI/$b/resource0" 2>&1); then
		not_ok "$b: mmap of resource0 fails"
	else
		ok "$b: mmap of resource0 fails"
	fi
	diag "$out"
done

# Root rewrites driver_override to name tppedu and asks tppedu to bind, then
# asks the driver core to probe again. The device must stay held.
for b in $devs; do
	kmsg_mark "bind $b"
	if ! write_sysfs "$PCI/$b/driver_override" tppedu; then
		diag "$b: driver_override write refused: $write_err"
	fi
	if write_sysfs /sys/bus/pci/drivers/tppedu/bind "$b"; then
		not_ok "$b: bind to tppedu fails after driver_override=tppedu"
	else
		ok "$b: bind to tppedu fails after driver_override=tppedu"
	fi
	write_sysfs /sys/bus/pci/drivers_probe "$b" || true
	is "$(driver_of "$b")" tppgate "$b: still bound to tppgate after bind and drivers_probe"
	check "$b: still no edu_ident" test ! -e "$PCI/$b/edu_ident"
	check_not "$b: tppedu did not probe it" tppedu_probed_since_mark "$b"
	check "$b: still not decoding" command_off "$b"
	# Put the override back: the gate does not watch the attribute, and a
	# device released later must not go to whatever root wrote there.
	write_sysfs "$PCI/$b/driver_override" tppgate || true
	is "$(override_of "$b")" tppgate "$b: driver_override restored to tppgate"
done

# new_id: a driver that matches nothing by itself is given the edu id. The
# write must be accepted (so the attempt is real) and must bind nothing.
require "rmmod tppedu" rmmod tppedu
require "insmod tppedu.ko dynamic_ids_only=1" \
	insmod "$TPP_MODULES/tppedu.ko" dynamic_ids_only=1
kmsg_mark new_id
if write_sysfs /sys/bus/pci/drivers/tppedu/new_id "1234 11e8"; then
	ok "new_id 1234 11e8 accepted by tppedu (dynamic_ids_only=1)"
else
	not_ok "new_id 1234 11e8 accepted by tppedu (dynamic_ids_only=1)"
	diag "$write_err"
fi
for b in $devs; do
	is "$(driver_of "$b")" tppgate "$b: still bound to tppgate after new_id"
	check_not "$b: tppedu did not probe it after new_id" \
		tppedu_probed_since_mark "$b"
done
require "rmmod tppedu" rmmod tppedu
require "insmod tppedu.ko" insmod "$TPP_MODULES/tppedu.ko"

# Not accelerators: no override, never bound to tppgate.
for d in "$PCI"/*; do
	b=${d##*/}
	class=$(pci_class "$b")
	case $class in
	0x0300*) continue ;;
	esac
	[ "$(cat "$d/vendor") $(cat "$d/device")" = "0x1234 0x11e8" ] && continue
	if [ "$(driver_of "$b")" != tppgate ] &&
		[ "$(override_of "$b")" = "(null)" ]; then
		ok "$b (class $class, driver $(driver_of "$b")): not held, no driver_override"
	else
		not_ok "$b (class $class): not held, no driver_override"
		describe "$b"
	fi
done

# The e1000 keeps its own driver (the boot step loaded it before tppgate).
nic=$(pci_find 0x8086 0x100e)
if [ -z "$nic" ]; then
	not_ok "the VM has an e1000"
elif [ -d /sys/module/e1000 ]; then
	is "$(driver_of "$nic")" e1000 "$nic: the e1000 stays bound to e1000"
else
	skip "$nic: the e1000 stays bound to e1000" "e1000.ko not loaded"
fi

# The boot VGA device: left alone, still decoding (its console stays alive).
vga=
for d in "$PCI"/*; do
	[ "$(cat "$d/boot_vga" 2>/dev/null)" = 1 ] && vga=${d##*/}
done
if [ -z "$vga" ]; then
	not_ok "the VM has a boot VGA device"
else
	is "$(pci_class "$vga")" 0x030000 "$vga: the boot VGA device is class 0x0300"
	check "$vga: boot VGA not bound to tppgate" \
		test "$(driver_of "$vga")" != tppgate
	is "$(override_of "$vga")" "(null)" "$vga: boot VGA has no driver_override"
	check "$vga: boot VGA still decodes ($(command_of "$vga"))" \
		test $(($(command_of "$vga") & 0x3)) != 0
	expect_tppctl_state "$vga" unmanaged
fi

end_in_default_state
done_testing
