#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hotplug through sysfs: a device removed and found again by a rescan comes
# back quarantined, whether it was quarantined or admitted before. The bus
# notifier, not the load-time sweep, must catch it.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

devs=$(edu_devices)
first=$(echo "$devs" | head -n 1)
second=$(echo "$devs" | sed -n 2p)

# remove_rescan BDF: remove the device, check it is gone, rescan the bus.
remove_rescan()
{
	echo 1 >"$PCI/$1/remove"
	check "$1: gone after remove" test ! -e "$PCI/$1"
	echo 1 >/sys/bus/pci/rescan
	check "$1: back after rescan" test -e "$PCI/$1"
}

kmsg_mark rescan-quarantined
remove_rescan "$first"
expect_quarantined "$first: quarantined after remove and rescan" "$first"
check_not "$first: tppedu did not probe it on rescan" \
	tppedu_probed_since_mark "$first"
expect_tppctl_state "$first" quarantined

if have_tppctl; then
	require "tppctl admit $second" tppctl admit "$second"
	expect_on_tppedu "$second: admitted" "$second"
	kmsg_mark rescan-admitted
	remove_rescan "$second"
	expect_quarantined "$second: admitted, removed, rescanned: quarantined" "$second"
	check_not "$second: tppedu did not probe it on rescan" \
		tppedu_probed_since_mark "$second"
	expect_tppctl_state "$second" quarantined
else
	skip "$second: admitted, removed, rescanned: quarantined" "tppctl missing"
fi

# All four at once, and a rescan that finds nothing new changes nothing.
kmsg_mark rescan-all
for b in $devs; do
	echo 1 >"$PCI/$b/remove"
done
is "$(edu_devices | grep -c . || true)" 0 "every edu device removed"
echo 1 >/sys/bus/pci/rescan
is "$(edu_devices | grep -c .)" 4 "four edu devices after rescan"
for b in $devs; do
	expect_quarantined "$b: quarantined after removing all and rescanning" "$b"
	check_not "$b: tppedu did not probe it" tppedu_probed_since_mark "$b"
done
echo 1 >/sys/bus/pci/rescan
for b in $devs; do
	expect_quarantined "$b: still quarantined after a second rescan" "$b"
done

end_in_default_state
done_testing
