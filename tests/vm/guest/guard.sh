#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guard.sh NAME: run by init after each test program. Every program must
# leave the default state behind (tppgate and tppedu loaded, every edu
# device quarantined) for the next one. If NAME did not, print one failing
# TAP test saying so, with the facts, and restore the default state; print
# nothing otherwise.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. /tpp/scenarios/lib.sh

tppgate_loaded && [ -d /sys/module/tppedu ] && all_quarantined && exit 0

echo "1..1"
echo "not ok 1 - $1 left the default state behind (tppgate, tppedu loaded, every edu device quarantined)"
diag "tppgate loaded: $(tppgate_loaded && echo yes || echo no)," \
	"tppedu loaded: $([ -d /sys/module/tppedu ] && echo yes || echo no)"
for b in $(edu_devices); do
	describe "$b"
done
if restore_default && all_quarantined; then
	diag "default state restored for the next test program"
else
	diag "could not restore the default state"
fi
exit 1
