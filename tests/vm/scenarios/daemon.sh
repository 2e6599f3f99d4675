#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tppgated end to end with the module: the local ledger, a signed policy
# file with grant_required, the four edu devices of 1000 TPP each.
#   - devices are admitted within the grant (the cluster cap);
#   - the file replaced by a higher serial is applied;
#   - a device hot-added (remove + rescan) gets more grant if it fits;
#   - SIGKILL: the lease lapses, then after the grace the offline cap holds;
#   - a restarted daemon grants again;
#   - SIGSTOP past the lease: fail-closed meanwhile; SIGCONT recovers.
# The grant part is skipped while the module has no GRANT_SET.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl || ! command -v tppgated >/dev/null 2>&1; then
	skip "tppgated end to end" "tppctl or tppgated missing"
	done_testing
	exit 0
fi

key=/tpp/keys/signer.key
crt=/tpp/keys/signer.crt
tmp=$(mktemp -d)
sock=$tmp/run/tppgated.sock
devs=$(edu_devices)
last=$(echo "$devs" | tail -n 1)
pid=

restore()
{
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	kill -CONT "$pid" 2>/dev/null || true
	echo 1 >/sys/bus/pci/rescan
	rm -rf "$tmp"
	rmmod tppgate 2>/dev/null || true
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$TPP_MODULES/tppgate.ko" $TPPGATE_ARGS boot=quarantine
}
trap restore EXIT

# policy SERIAL NODE_CAP CLUSTER_CAP: a signed policy with grant_required,
# a 3 s offline grace, an offline cap of one device, revocation at once.
policy()
{
	cat >"$tmp/p$1.json" <<EOP
{"format": 1, "serial": $1, "issuer": "daemon test", "not_before": "2024-01-01",
 "not_after": "2099-01-01", "region": "DE", "tier": 2, "node_cap": $2,
 "cluster": {"id": "vm", "cap": $3}, "grant_required": true,
 "offline": {"grace": "3s", "cap": 1000},
 "revoke": {"mode": "deadline", "deadline": "0s"}, "default_action": "deny",
 "catalog": [{"vendor": "0x1234", "device": "0x11e8", "tpp": 1000, "action": "count"}]}
EOP
	tppctl policy compile -o "$tmp/p$1.bin" "$tmp/p$1.json" >/dev/null &&
	tppctl policy sign --key "$key" --cert "$crt" -o "$tmp/p$1.tpp" \
		"$tmp/p$1.bin" >/dev/null
}

start_daemon()
{
	tppgated -f -c "$tmp/tppgated.conf" >>"$tmp/log" 2>&1 &
	pid=$!
}

mkdir -p "$tmp/etc" "$tmp/run"
cat >"$tmp/tppgated.conf" <<EOF2
[daemon]
policy_file = $tmp/etc/policy.tpp
socket = $sock
state_dir = $tmp/state
load_module = no
[grant]
lease = 5
renew_percent = 33
retry = 1
[ledger]
lease = 15
EOF2
chmod 600 "$tmp/tppgated.conf"

check "reload tppgate without manual=1" rmmod tppgate
check "insmod tppgate.ko ids=1234:11e8 boot=quarantine" \
	insmod "$TPP_MODULES/tppgate.ko" ids=1234:11e8 boot=quarantine
if policy 1 4000 2000 && policy 2 4000 3000 && policy 3 4000 4000; then
	ok "policies 1, 2 and 3 signed"
else
	not_ok "policies 1, 2 and 3 signed"
	done_testing
	exit 0
fi
install_policy() { cp "$tmp/p$1.tpp" "$tmp/etc/.new" && mv "$tmp/etc/.new" "$tmp/etc/policy.tpp"; }
install_policy 1

# The policy file, over netlink: no grant needed for this part.
start_daemon
check "the daemon serves" until_true test -S "$sock"
check "it loaded the policy file: serial 1 in force" until_true serial_is 1
install_policy 2
check "the file replaced by serial 2 is applied" until_true serial_is 2
install_policy 1
check "the file replaced by serial 1 is refused" \
	until_true grep -q "serial 1) refused by the kernel" "$tmp/log"
check "with the kernel's own reason" grep -q "kernel: tppgate" "$tmp/log"
check "and serial 2 stays in force" serial_is 2

if tppctl daemon status --socket "$sock" | grep -q "not supported"; then
	skip "tppgated grants" "the module has no GRANT_SET yet"
	done_testing
	exit 0
fi
check "the kernel reports the grant of 3000 (cluster cap)" until_true field_is grant 3000
check "three devices admitted within the grant" until_true admitted_is 3
check "effective cap is the grant" test "$(field effective_cap)" = 3000

install_policy 3
check "the replaced file, serial 3, is applied" until_true serial_is 3
check "the grant follows: 4000" until_true field_is grant 4000
check "four devices admitted" until_true admitted_is 4

echo 1 >"$PCI/$last/remove"
check "a removed device lowers the grant to 3000" until_true field_is grant 3000
echo 1 >/sys/bus/pci/rescan
check "hot-added again, it gets more grant: 4000" until_true field_is grant 4000
check "and is admitted" until_true admitted_is 4

kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
check "SIGKILL: the lease lapses" until_true status_has lease-lapsed
check "after the 3 s grace the offline cap (1000) is in force" \
	until_true status_has offline-cap
check "devices above the offline cap are revoked: one admitted" until_true admitted_is 1

start_daemon
lease_held() { [ "$(field lease_left_ms)" -gt 0 ]; }
if until_true lease_held; then
	ok "restarted, the daemon grants again"
else
	not_ok "restarted, the daemon grants again"
	diag "$(tppctl -j status)"
	diag "$(tail -n 5 "$tmp/log")"
fi
check "all four admitted again" until_true admitted_is 4

kill -STOP "$pid"
check "SIGSTOP: the lease lapses (fail-closed)" until_true status_has lease-lapsed
kill -CONT "$pid"
check "SIGCONT: the daemon renews" until_true eval "! status_has lease-lapsed"
check "and four devices run" until_true admitted_is 4
check "no grant was refused" sh -c "! grep -q 'refused the grant' $tmp/log"
done_testing
