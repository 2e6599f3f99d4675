#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reading is for everyone, changing needs CAP_NET_ADMIN: as nobody with no
# capabilities, and as root without CAP_NET_ADMIN, `tppctl devices` works
# but admit and quarantine are refused and change nothing.

set -eu
# shellcheck source=tests/vm/scenarios/lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_tppctl; then
	skip "unprivileged tppctl" "tppctl missing"
	done_testing
fi

# util-linux setpriv by path: busybox sh runs its own applet of that name
# first, and that one lacks these options.
SETPRIV=/usr/bin/setpriv

as_nobody()
{
	"$SETPRIV" --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

as_root_without_net_admin()
{
	"$SETPRIV" --inh-caps=-all --bounding-set=-net_admin "$@"
}

# expect_denied DESC CMD...: CMD fails and says "permission denied".
expect_denied()
{
	_d=$1
	shift
	if _out=$("$@" 2>&1); then
		not_ok "$_d"
		diag "it succeeded: $_out"
		return
	fi
	case $(echo "$_out" | tr '[:upper:]' '[:lower:]') in
	*"permission denied"*)
		ok "$_d" ;;
	*)
		not_ok "$_d"
		diag "no 'permission denied' in: $_out" ;;
	esac
}

devs=$(edu_devices)
first=$(echo "$devs" | head -n 1)

require "as nobody: setpriv works at all" as_nobody true
check "as nobody: tppctl devices succeeds" as_nobody tppctl devices
listed=$(as_nobody tppctl devices 2>/dev/null | awk '{ print $1 }' | grep -cxF "$devs" || true)
is "$listed" 4 "as nobody: tppctl devices lists the four edu devices"
is "$(as_nobody tppctl devices 2>/dev/null | awk -v b="$first" '$1 == b { print $4 }')" \
	quarantined "as nobody: $first shows as quarantined"
check "as nobody: tppctl status succeeds" as_nobody tppctl status

# The control: root can do what the others are refused, so a refusal below
# is about privilege and nothing else.
control()
{
	tppctl admit "$first" && is_on_tppedu "$first" &&
		tppctl quarantine "$first" && is_quarantined "$first"
}
require "as root: tppctl admit and quarantine $first work (the control)" control

expect_denied "as nobody: tppctl admit $first is denied" as_nobody tppctl admit "$first"
expect_quarantined "$first: still quarantined after nobody's admit" "$first"
expect_denied "as root without CAP_NET_ADMIN: tppctl admit $first is denied" \
	as_root_without_net_admin tppctl admit "$first"
expect_quarantined "$first: still quarantined after the capless admit" "$first"

require "as root: tppctl admit $first" tppctl admit "$first"
expect_denied "as nobody: tppctl quarantine $first is denied" \
	as_nobody tppctl quarantine "$first"
expect_on_tppedu "$first: still admitted after nobody's quarantine" "$first"
expect_denied "as root without CAP_NET_ADMIN: tppctl quarantine $first is denied" \
	as_root_without_net_admin tppctl quarantine "$first"
expect_on_tppedu "$first: still admitted after the capless quarantine" "$first"
require "as root: tppctl quarantine $first" tppctl quarantine "$first"

end_in_default_state
done_testing
