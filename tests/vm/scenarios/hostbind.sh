#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host binding, the positive path, the way an administrator does it: a
# policy bound to this VM's machine id loads once the module has the id's
# hash (host_id=, from sha256sum, not from tppctl), and so does one bound
# to its DMI product UUID (QEMU's -uuid, which the kernel reads itself).
# tppctl's hashes are checked against sha256sum of the same bytes. Without
# host_id=, a machine-id policy is refused for the reason that applies.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl; then
	skip "host-bound policies with tppctl" "tppctl missing"
	done_testing
	exit 0
fi

key=/tpp/keys/signer.key
crt=/tpp/keys/signer.crt
tmp=$(mktemp -d)
devs=$(edu_devices)
first2=$(echo "$devs" | head -n 2)

restore()
{
	rm -rf "$tmp" /etc/machine-id
	rmmod tppgate 2>/dev/null || true
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$TPP_MODULES/tppgate.ko" $TPPGATE_ARGS boot=quarantine
}
trap restore EXIT

# bound NAME SERIAL HOST: the edu demo policy with SERIAL, bound by HOST
# (a JSON object), compiled and signed into $tmp/NAME.tpp.
bound()
{
	sed -e "s/\"serial\": 1,/\"serial\": $2,/" \
		-e "s/\"tier\": 2,/\"tier\": 2, \"host\": $3,/" \
		/tpp/policies/edu-demo.json >"$tmp/$1.json" &&
		tppctl policy compile "$tmp/$1.json" -o "$tmp/$1.bin" >/dev/null &&
		tppctl policy sign --key "$key" --cert "$crt" -o "$tmp/$1.tpp" \
			"$tmp/$1.bin" >/dev/null
}

serial_in_force()
{
	tppctl -j policy get | sed -n 's/.*"serial": *\([0-9]*\).*/\1/p'
}

machine_id=7470706761746520766d206d61636869
echo "$machine_id" >/etc/machine-id
mid_sum=$(printf '%s' "$machine_id" | sha256sum | cut -d' ' -f1)
uuid=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null || true)
require "the VM has a DMI product UUID (QEMU -uuid)" test -n "$uuid"
uuid_sum=$(printf '%s' "$uuid" | tr 'A-F' 'a-f' | sha256sum | cut -d' ' -f1)

ids=$(tppctl -j policy host-id)
is "$(echo "$ids" | sed -n 's/.*"machine_id_sha256": *"\([0-9a-f]*\)".*/\1/p')" \
	"$mid_sum" "tppctl policy host-id: the machine id's hash is sha256sum's"
is "$(echo "$ids" | sed -n 's/.*"dmi_uuid_sha256": *"\([0-9a-f]*\)".*/\1/p')" \
	"$uuid_sum" "tppctl policy host-id: the DMI UUID's hash is sha256sum's"

require "rmmod tppgate" rmmod tppgate
require "insmod tppgate.ko ids=1234:11e8 boot=quarantine host_id=<sha256sum of /etc/machine-id>" \
	insmod "$TPP_MODULES/tppgate.ko" ids=1234:11e8 boot=quarantine "host_id=$mid_sum"

require "compile and sign a policy bound to this machine id" \
	bound mid 1 "{ \"machine_id\": \"$machine_id\" }"
check "a policy bound to this VM's machine id loads" tppctl policy load "$tmp/mid.tpp"
is "$(serial_in_force)" 1 "it is in force (serial 1)"
for b in $first2; do
	is "$(tppctl_state "$b")" admitted "$b: admitted by the machine-id-bound policy"
done

require "compile and sign a policy bound to this DMI UUID" \
	bound dmi 2 "{ \"dmi_uuid\": \"$uuid\" }"
check "a policy bound to this VM's DMI product UUID loads" tppctl policy load "$tmp/dmi.tpp"
is "$(serial_in_force)" 2 "it is in force (serial 2)"

# The contrast: the same kind of policy without host_id= has nothing to
# match, and says so.
require "rmmod tppgate" rmmod tppgate
require "insmod tppgate.ko ids=1234:11e8 boot=quarantine (no host_id=)" \
	insmod "$TPP_MODULES/tppgate.ko" ids=1234:11e8 boot=quarantine
check_error "without host_id=, the machine-id policy is refused: identity unknown" \
	1 "identity is unknown" tppctl policy load "$tmp/mid.tpp"

trap - EXIT
restore
end_in_default_state
done_testing
