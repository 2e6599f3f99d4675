#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module parameters: classes= gates by class code as ids= does by id,
# nothing gates the edu device without either, gate_boot_vga=1 holds the
# boot VGA device too, and bad values make the load fail instead of
# gating less than asked.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

devs=$(edu_devices)
vga=
for d in "$PCI"/*; do
	[ "$(cat "$d/boot_vga" 2>/dev/null)" = 1 ] && vga=${d##*/}
done

require "rmmod tppgate" rmmod tppgate
require "rmmod tppedu" rmmod tppedu

# The parameters of the default load other than ids=, e.g. manual=1.
other_args=$(echo "$TPPGATE_ARGS" | tr ' ' '\n' | grep -v '^ids=' | tr '\n' ' ')

# shellcheck disable=SC2086 # other_args is a list of parameters
require "insmod tppgate.ko classes=0x00ff (the edu class, no ids=)" \
	insmod "$TPP_MODULES/tppgate.ko" classes=0x00ff $other_args
require "insmod tppedu.ko" insmod "$TPP_MODULES/tppedu.ko"
for b in $devs; do
	expect_quarantined "$b: gated by class 0x00ff" "$b"
done
require "rmmod tppgate" rmmod tppgate
require "rmmod tppedu" rmmod tppedu

# shellcheck disable=SC2086 # other_args is a list of parameters
require "insmod tppgate.ko with neither ids= nor classes=" \
	insmod "$TPP_MODULES/tppgate.ko" $other_args
require "insmod tppedu.ko" insmod "$TPP_MODULES/tppedu.ko"
for b in $devs; do
	expect_on_tppedu "$b: not an accelerator without ids=: tppedu has it" "$b"
	is "$(override_of "$b")" "(null)" "$b: no driver_override"
	if have_tppctl; then
		is "$(tppctl_state "$b")" "" "$b: tppctl devices does not list it"
	fi
done
require "rmmod tppgate" rmmod tppgate
require "rmmod tppedu" rmmod tppedu

if [ -n "$vga" ]; then
	require "insmod tppgate.ko $TPPGATE_ARGS gate_boot_vga=1" \
		insmod_tppgate gate_boot_vga=1
	is "$(driver_of "$vga")" tppgate "$vga: gate_boot_vga=1 holds the boot VGA device"
	is "$(override_of "$vga")" tppgate "$vga: its driver_override is tppgate"
	expect_tppctl_state "$vga" quarantined
	require "rmmod tppgate" rmmod tppgate
	check "$vga: released on unload" test "$(driver_of "$vga")" != tppgate
	is "$(override_of "$vga")" "(null)" "$vga: no driver_override after unload"
else
	not_ok "the VM has a boot VGA device"
fi

for bad in "boot=sometimes" "ids=1234" "ids=1234:zzzz" "classes=0x1ffff"; do
	if insmod_tppgate "$bad" 2>/dev/null; then
		not_ok "insmod tppgate.ko $bad is refused"
		rmmod tppgate
	else
		ok "insmod tppgate.ko $bad is refused"
	fi
	check "not loaded after $bad" test ! -e /sys/module/tppgate
done
for b in $devs; do
	is "$(override_of "$b")" "(null)" "$b: no driver_override left by the refused loads"
done

require "reload tppgate then tppedu in the default configuration" restore_default
end_in_default_state
done_testing
