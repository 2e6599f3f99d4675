#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The cluster ledger end to end with the real module (issue 9, item 9).
# Everything runs inside this VM: a 1-member etcd (Debian's etcd-server)
# on 127.0.0.1 with a data directory under /tmp, stopped by PID; host A,
# tppgated on the real module (netlink) with the etcd backend; host B,
# tppgated on the kernel shim. One cluster cap, edu devices of 1000 TPP:
#   a) the two hosts share the cap: A's kernel admits only what fits its
#      share (admitted devices work, held ones cannot be enabled), and the
#      auditor proves the shares in etcd never summed over the cap;
#   b) a policy pushed with `tppctl push` reaches the real kernel (serial
#      and sha256 from POLICY_GET) without restarting the daemon;
#   c) etcd killed: no new grant, the kernel's grant lapses, and after the
#      policy's offline grace the kernel enforces its offline cap: devices
#      above it are revoked and a device that comes back stays held.
# The helpers that start etcd, make policies and configure daemons are
# tests/cluster/etcd.sh, shared with the host's cluster tests.

set -u
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl || ! command -v tppgated >/dev/null 2>&1 ||
	! command -v etcd >/dev/null 2>&1 || [ ! -f /tpp/cluster/etcd.sh ]; then
	skip "cluster ledger end to end" "tppctl, tppgated or etcd missing"
	done_testing
	exit 0
fi

# etcd.sh's environment: tppctl and tppgated in $B, scratch in $T.
B=/usr/bin
T=$(mktemp -d)
# shellcheck source=tests/cluster/etcd.sh
. /tpp/cluster/etcd.sh
# Bounds, not measures: one wait may take 30 s, and no wait goes on past
# 200 s into the scenario (a passing run takes about 30 s in all), so that
# a broken build fails every check within the guest's 300 s per program.
WAIT_DEADLINE=$(($(uptime_s) + 200))
# Poll gently: etcd, both daemons and the polls share the guest's one
# vCPU, and a starved daemon lets its grant lapse (fail-closed, and it
# recovers, but it slows the run down).
WAIT_POLL=0.5
CAP1=3000 CAP2=4000

cleanup()
{
	daemon_stop hA KILL
	daemon_stop hB KILL
	etcd_stop s1 KILL
	echo 1 >/sys/bus/pci/rescan
	rm -rf "$T"
	rmmod tppgate 2>/dev/null || true
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$TPP_MODULES/tppgate.ko" $TPPGATE_ARGS boot=quarantine
}
trap cleanup EXIT

edus=$(edu_devices)
first=$(echo "$edus" | head -n 1)
last=$(echo "$edus" | tail -n 1)
# The edu devices after the first N, in address order.
after() { echo "$edus" | tail -n "+$(($1 + 1))"; }

# held_for_good BDF: quarantined (bound to tppgate, not decoding) and an
# attempt to enable it is refused.
held_for_good()
{
	is_quarantined "$1" || return 1
	! write_sysfs "$PCI/$1/enable" 1 && [ "$(cat "$PCI/$1/enable")" = 0 ]
}

# expect_split N: the first N edu devices run under tppedu (its probe read
# the ident register), and every other one is held for good.
expect_split()
{
	_bad=
	for _b in $(echo "$edus" | head -n "$1"); do
		is_on_tppedu "$_b" || { _bad=1; describe "$_b"; }
	done
	for _b in $(after "$1"); do
		held_for_good "$_b" || { _bad=1; describe "$_b"; }
	done
	[ -z "$_bad" ]
}

# check_split N DESC: one test, waiting until expect_split N holds; the
# facts of every device on failure.
check_split()
{
	if until_true expect_split "$1"; then
		ok "$2"
	else
		not_ok "$2"
		expect_split "$1"
	fi
}

# The reason `tppctl devices` gives for BDF.
reason_of() { tppctl devices | awk -v b="$1" '$1 == b { print $5; exit }'; }

mkdir -p "$T/keys" "$T/d"
cp /tpp/keys/signer.key "$T/keys/signing.key"
cp /tpp/keys/signer.crt "$T/keys/signing.crt"
# A 3 s offline grace, an offline cap of one device, revocation at once.
POLICY_EXTRA=', "offline": {"grace": "3s", "cap": 1000}, "revoke": {"mode": "deadline", "deadline": "0s"}'
require "signed policies: serial 1 (cluster cap $CAP1), serial 2 (cap $CAP2)" \
	eval "mkpolicy 1 $CAP1 p1.tpp && mkpolicy 2 $CAP2 p2.tpp"

require "loopback up" ip link set lo up
etcd_start s 1 1
EP=$(etcd_url 1)
require "etcd (Debian etcd-server) serves on $EP inside the VM" until_true etcd_healthy 1
diag "etcd $(etcd --version | head -n 1 | cut -d' ' -f3), pid $(cat "$T/etcd-s1.pid")"
require "tppctl push stores serial 1" \
	tppctl push --cert "$T/keys/signing.crt" --endpoints "$EP" --cluster c1 "$T/p1.tpp"

# Host B (the shim) asks for two devices first and gets them.
daemon_conf hB "$EP"
devices "$T/d/hB" 2
daemon_start hB
require "host B (kernel shim) holds 2000 of the cap" until_true eval '[ "$(eshare hB)" = 2000 ]'

# Host A: the real module, as a production host loads it (no manual=1).
require "reload tppgate without manual=1" rmmod tppgate
require "insmod tppgate.ko ids=1234:11e8 boot=quarantine" \
	insmod "$TPP_MODULES/tppgate.ko" ids=1234:11e8 boot=quarantine
daemon_conf hA "$EP" netlink
daemon_start hA
pidA=$(cat "$T/d/hA/pid")

# --- a) two hosts, one cap ---
# A wants all four devices (4000); B holds 2000 of 3000.
check "A's kernel is granted what B left of the cap: $((CAP1 - 2000))" \
	until_true field_is grant $((CAP1 - 2000))
check "A's kernel admits exactly the one device that fits" until_true admitted_is 1
check_split 1 "$first runs under tppedu (ident read); the other three are held and cannot be enabled"
shares_are() { [ "$(eshare hA) $(eshare hB)" = "$1 $2" ]; }
if until_true shares_are 1000 2000; then
	ok "etcd holds A's grant (1000) and B's 2000: the cap, no more"
else
	not_ok "etcd holds A's grant (1000) and B's 2000: the cap, no more"
	diag "A $(eshare hA), B $(eshare hB)"
fi

# B needs nothing any more: its release goes to A, up to the cap.
devices "$T/d/hB" 0
check "B released: A's kernel is granted the whole cap, $CAP1" until_true field_is grant "$CAP1"
check "A's kernel admits three devices" until_true admitted_is 3
check_split 3 "the first three run under tppedu; $last is held and cannot be enabled"
if audit --from 1 >"$T/audit.out" 2>&1; then
	ok "tppctl cluster audit, every revision: no share was raised over the cap"
else
	not_ok "tppctl cluster audit, every revision: no share was raised over the cap"
fi
sed 's/^/# /' "$T/audit.out"
check "(the auditor saw the sum reach the cap of $CAP1)" grep -q "highest sum $CAP1\$" "$T/audit.out"

# --- b) a pushed policy reaches the real kernel ---
require "tppctl push stores serial 2" \
	tppctl push --cert "$T/keys/signing.crt" --endpoints "$EP" --cluster c1 "$T/p2.tpp"
check "the pushed serial 2 reaches the real kernel through the running daemon (not restarted)" \
	until_true eval "serial_is 2 && kill -0 $pidA"
is "$(tppctl -j policy get | sed -n 's/.*"sha256": *"\([0-9a-f]*\)".*/\1/p')" \
	"$(sha256sum "$T/p2.bin" | cut -d' ' -f1)" \
	"POLICY_GET's sha256 is sha256sum of the pushed policy's blob"
check "the grant follows the pushed cap: $CAP2, four devices admitted" \
	until_true eval "field_is grant $CAP2 && admitted_is 4"

# --- c) etcd down: fail-closed ---
diag "etcd's memory: $(grep VmRSS "/proc/$(cat "$T/etcd-s1.pid")/status" | tr -s ' \t' ' ')"
R=$(etcd_rev)
etcd_stop s1 KILL
diag "etcd killed at revision $R"
check "etcd down: A's kernel grant lapses (lease-lapsed)" until_true status_has lease-lapsed
check "after the 3 s grace the kernel enforces the offline cap" until_true status_has offline-cap
check "devices above the offline cap (1000) are revoked: one admitted" until_true admitted_is 1
check_split 1 "$first still runs; the three revoked are held and cannot be enabled"
# A device that comes back is not admitted while offline, whatever room
# the offline cap would leave.
echo 1 >"$PCI/$last/remove"
echo 1 >/sys/bus/pci/rescan
require "$last is back on the bus" until_true test -e "$PCI/$last/enable"
if until_true is_quarantined "$last" && held_for_good "$last" &&
	[ "$(reason_of "$last")" = no-grant ]; then
	ok "$last removed and rescanned while offline: held (no-grant), cannot be enabled"
else
	not_ok "$last removed and rescanned while offline: held (no-grant), cannot be enabled"
	describe "$last"
	diag "reason: $(reason_of "$last")"
fi
if kill -0 "$pidA" && status_has offline-cap &&
	grep -q "ledger etcd: reserving [0-9]* TPP: $EP" "$T/d/hA/log"; then
	ok "the daemon runs on and grants nothing: it cannot reserve (and says so)"
else
	not_ok "the daemon runs on and grants nothing: it cannot reserve (and says so)"
	diag "$(tppctl -j status)"
	tail -n 5 "$T/d/hA/log" | sed 's/^/# /'
fi
diag "memory: $(grep -E 'MemTotal|MemAvailable' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
done_testing
