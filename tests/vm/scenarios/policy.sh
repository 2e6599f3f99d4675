#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The provider's workflow with the real tools: compile the shipped edu demo
# policies, sign them with tppctl (and once with openssl cms), load them,
# and see the cap decide. A tampered .tpp is refused with the kernel's
# reason and changes nothing. The module is reloaded without manual=1, so
# only the policy admits.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl; then
	skip "policy workflow with tppctl" "tppctl missing"
	done_testing
	exit 0
fi

key=/tpp/keys/signer.key
crt=/tpp/keys/signer.crt
src=/tpp/policies
tmp=$(mktemp -d)
devs=$(edu_devices)
first2=$(echo "$devs" | head -n 2)
last2=$(echo "$devs" | tail -n 2)

restore()
{
	rm -rf "$tmp"
	rmmod tppgate 2>/dev/null || true
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$TPP_MODULES/tppgate.ko" $TPPGATE_ARGS boot=quarantine
}
trap restore EXIT

require "reload tppgate without manual=1" rmmod tppgate
require "insmod tppgate.ko ids=1234:11e8 boot=quarantine" \
	insmod "$TPP_MODULES/tppgate.ko" ids=1234:11e8 boot=quarantine

require "compile edu-demo.json" \
	tppctl policy compile "$src/edu-demo.json" -o "$tmp/demo.bin"
require "sign it" tppctl policy sign --key "$key" --cert "$crt" \
	-o "$tmp/demo.tpp" "$tmp/demo.bin"
check "verify it against the signer's certificate" \
	tppctl policy verify --cert "$crt" "$tmp/demo.tpp"
check "load it (cap for two of four)" tppctl policy load "$tmp/demo.tpp"
for b in $first2; do
	is "$(tppctl_state "$b")" admitted "$b: admitted by the policy"
	is "$(edu_ident_of "$b")" "$EDU_IDENT" "$b: the edu driver reads its ident register"
done
for b in $last2; do
	is "$(tppctl_state "$b")" quarantined "$b: over the cap, still quarantined"
	is "$(driver_of "$b")" tppgate "$b: held by the quarantine driver"
done
check "policy get reports serial 1" sh -c 'tppctl -j policy get | grep -q "\"serial\":1[,}]"'

# A tampered policy: one byte of the blob changed after signing.
require "compile and sign edu-demo-raise.json" sh -c "
	tppctl policy compile $src/edu-demo-raise.json -o $tmp/raise.bin &&
	tppctl policy sign --key $key --cert $crt -o $tmp/raise.tpp $tmp/raise.bin"
cp "$tmp/raise.tpp" "$tmp/bad.tpp"
printf 'X' | dd of="$tmp/bad.tpp" bs=1 seek=40 conv=notrunc 2>/dev/null
check_error "a tampered policy is refused: the signature does not match" \
	1 "the signature does not match" tppctl policy load "$tmp/bad.tpp"
check "the policy in force is still serial 1" \
	sh -c 'tppctl -j policy get | grep -q "\"serial\":1[,}]"'
for b in $last2; do
	is "$(tppctl_state "$b")" quarantined "$b: still quarantined after the refusal"
done

# The same raise, signed by openssl cms and assembled with --sig.
require "openssl cms signs the blob" openssl cms -sign -binary -noattr -nocerts \
	-md sha256 -in "$tmp/raise.bin" -signer "$crt" -inkey "$key" \
	-outform DER -out "$tmp/raise.p7s"
check "tppctl assembles the .tpp from it" tppctl policy sign \
	--sig "$tmp/raise.p7s" --cert "$crt" -o "$tmp/raise-ossl.tpp" "$tmp/raise.bin"
check "load it (serial 2 raises the cap)" tppctl policy load "$tmp/raise-ossl.tpp"
for b in $devs; do
	is "$(tppctl_state "$b")" admitted "$b: admitted after the raise"
	is "$(edu_ident_of "$b")" "$EDU_IDENT" "$b: ident readable"
done
check_error "loading serial 2 again is refused as a rollback" \
	1 "rollback" tppctl policy load "$tmp/raise.tpp"

done_testing
