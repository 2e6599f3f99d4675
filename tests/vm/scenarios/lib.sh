# SPDX-License-Identifier: GPL-2.0
#
# Shared by the scenario scripts (busybox sh, sourced): TAP output and the
# facts about PCI devices that the scenarios assert on. Each scenario starts
# and ends in the default state: tppgate loaded with the edu id, tppedu
# loaded, every edu device quarantined.

TPP_MODULES=/tpp/modules
TPPGATE_ARGS=$(cat /tpp/tppgate.args 2>/dev/null || echo "ids=1234:11e8")
EDU_IDENT=0x010000ed
PCI=/sys/bus/pci/devices
PATH=/tpp/tools:$PATH

_tap_n=0
_tap_failed=0
_tap_plan=

# plan N: announce N tests up front. Without it, done_testing prints the
# plan at the end.
plan()
{
	_tap_plan=$1
	echo "1..$1"
}

ok()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok()
{
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

# skip DESC REASON
skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

diag()
{
	echo "# $*"
}

# check DESC CMD...: one test that passes if CMD succeeds.
check()
{
	_desc=$1
	shift
	if "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
	fi
}

# require DESC CMD...: a precondition (rmmod, insmod, a reload), not a
# test. If CMD fails, the program stops here and fails: "Bail out!" with
# DESC, then an attempt to leave the default state for the next program.
require()
{
	_desc=$1
	shift
	if "$@"; then
		diag "precondition ok: $_desc"
		return 0
	fi
	echo "Bail out! precondition failed: $_desc"
	restore_default >/dev/null 2>&1
	exit 1
}

# check_not DESC CMD...: one test that passes if the predicate CMD is false
# (a question such as tppedu_probed_since_mark, never a command that can
# fail for another reason: use check_error for those).
check_not()
{
	_desc=$1
	shift
	if "$@"; then
		not_ok "$_desc"
	else
		ok "$_desc"
	fi
}

# check_error DESC STATUS TEXT CMD...: one test that passes if CMD exits
# with STATUS and its stderr contains TEXT: the failure is the one meant.
check_error()
{
	_desc=$1
	_want_rc=$2
	_want_err=$3
	shift 3
	_rc=0
	_err=$("$@" 2>&1 >/dev/null) || _rc=$?
	case $_err in
	*"$_want_err"*) _found=1 ;;
	*) _found= ;;
	esac
	if [ "$_rc" = "$_want_rc" ] && [ -n "$_found" ]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "  got:  exit $_rc, '$_err'"
		diag "  want: exit $_want_rc, '...$_want_err...'"
	fi
}

# is GOT WANT DESC: one test comparing two strings.
is()
{
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got:  '$1'"
		diag "  want: '$2'"
	fi
}

done_testing()
{
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_plan" != "$_tap_n" ]; then
		echo "# planned $_tap_plan tests but ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" = 0 ] && exit 0
	exit 1
}

# --- PCI devices ------------------------------------------------------------

# pci_find VENDOR DEVICE: the BDFs of matching devices, one per line, in
# address order ("0x1234 0x11e8", as sysfs shows them).
pci_find()
{
	for _d in "$PCI"/*; do
		[ "$(cat "$_d/vendor") $(cat "$_d/device")" = "$1 $2" ] &&
			echo "${_d##*/}"
	done
	return 0
}

# The edu devices.
edu_devices()
{
	pci_find 0x1234 0x11e8
}

pci_class()
{
	cat "$PCI/$1/class"
}

# The driver bound to BDF, or "none".
driver_of()
{
	if [ -e "$PCI/$1/driver" ]; then
		basename "$(readlink "$PCI/$1/driver")"
	else
		echo none
	fi
}

# driver_override of BDF; the kernel shows "(null)" when there is none.
override_of()
{
	cat "$PCI/$1/driver_override"
}

# The edu identification register as tppedu reports it, or "none".
edu_ident_of()
{
	cat "$PCI/$1/edu_ident" 2>/dev/null || echo none
}

# The PCI command register of BDF, as 0xNNNN.
command_of()
{
	printf '0x%04x\n' "0x$(od -An -tx2 -j4 -N2 "$PCI/$1/config" | tr -d ' ')"
}

# True if BDF decodes neither memory nor I/O and is not a bus master.
command_off()
{
	[ $(($(command_of "$1") & 0x7)) = 0 ]
}

# True if BDF decodes memory (its driver enabled it).
command_mem_on()
{
	[ $(($(command_of "$1") & 0x2)) != 0 ]
}

# write_sysfs FILE VALUE: write as echo would; the error text, if any, is
# left in $write_err.
# shellcheck disable=SC2034 # write_err is for the caller
write_sysfs()
{
	write_err=$( (echo "$2" >"$1") 2>&1)
}

# --- kernel log -------------------------------------------------------------

# kmsg_mark NAME: put a unique line into the kernel log; kmsg_since prints
# what was logged after it.
kmsg_mark()
{
	_kmsg_mark="tppgate-test-mark: $1 $$ $(cat /proc/uptime)"
	echo "$_kmsg_mark" >/dev/kmsg
}

kmsg_since()
{
	dmesg | awk -v m="$_kmsg_mark" 'found { print } index($0, m) { found = 1 }'
}

# True if tppedu logged a successful probe of BDF since the last mark.
tppedu_probed_since_mark()
{
	kmsg_since | grep -q "tppedu $1: edu ident"
}

# --- tppctl -----------------------------------------------------------------

have_tppctl()
{
	command -v tppctl >/dev/null 2>&1
}

# The state column of `tppctl devices` for BDF (empty if not listed).
tppctl_state()
{
	tppctl devices 2>/dev/null | awk -v b="$1" '$1 == b { print $4; exit }'
}

# --- states -----------------------------------------------------------------

# True if BDF is held the way the contract says: bound to tppgate, override
# naming it, not decoding, no tppedu attribute.
is_quarantined()
{
	[ "$(driver_of "$1")" = tppgate ] &&
		[ "$(override_of "$1")" = tppgate ] &&
		command_off "$1" &&
		[ ! -e "$PCI/$1/edu_ident" ]
}

# True if BDF runs under tppedu and its MMIO answers.
is_on_tppedu()
{
	[ "$(driver_of "$1")" = tppedu ] &&
		[ "$(edu_ident_of "$1")" = "$EDU_IDENT" ]
}

# describe BDF: a diagnostic line with everything the assertions look at.
describe()
{
	diag "$1: driver=$(driver_of "$1") override=$(override_of "$1")" \
		"command=$(command_of "$1") edu_ident=$(edu_ident_of "$1")" \
		"tppctl=$(have_tppctl && tppctl_state "$1")"
}

# expect_quarantined DESC BDF: one test, with the facts on failure.
expect_quarantined()
{
	if is_quarantined "$2"; then
		ok "$1"
	else
		not_ok "$1"
		describe "$2"
	fi
}

expect_on_tppedu()
{
	if is_on_tppedu "$2"; then
		ok "$1"
	else
		not_ok "$1"
		describe "$2"
	fi
}

# expect_tppctl_state BDF STATE: one test (skipped without tppctl).
expect_tppctl_state()
{
	if ! have_tppctl; then
		skip "$1: tppctl devices reports $2" "tppctl missing"
		return
	fi
	is "$(tppctl_state "$1")" "$2" "$1: tppctl devices reports $2"
}

# --- modules ----------------------------------------------------------------

tppgate_loaded()
{
	[ -d /sys/module/tppgate ]
}

# insmod_tppgate [PARAM...]: load tppgate.ko as at boot, plus PARAMs.
# shellcheck disable=SC2120 # PARAMs are optional
insmod_tppgate()
{
	# shellcheck disable=SC2086 # TPPGATE_ARGS is a list of parameters
	insmod "$TPP_MODULES/tppgate.ko" $TPPGATE_ARGS "$@"
}

# Bring back the default state: tppgate loaded as at boot, then tppedu, so
# that every edu device is quarantined. Prints nothing; returns non-zero if
# a module would not load.
restore_default()
{
	rmmod tppgate 2>/dev/null || true
	rmmod tppedu 2>/dev/null || true
	insmod_tppgate && insmod "$TPP_MODULES/tppedu.ko"
}

# Every edu device quarantined: the state every scenario must leave behind.
all_quarantined()
{
	for _b in $(edu_devices); do
		is_quarantined "$_b" || return 1
	done
}

# end_in_default_state: the last test of every scenario.
end_in_default_state()
{
	if tppgate_loaded && [ -d /sys/module/tppedu ] && all_quarantined; then
		ok "left the default state (tppgate and tppedu loaded, every edu device quarantined)"
		return
	fi
	not_ok "left the default state (tppgate and tppedu loaded, every edu device quarantined)"
	for _b in $(edu_devices); do
		describe "$_b"
	done
	restore_default || diag "could not restore the default state"
}

# --- the module's status, and waiting for it --------------------------------

# The number of devices `tppctl devices` reports admitted.
n_admitted() { tppctl devices | awk '$4 == "admitted" { n++ } END { print n + 0 }'; }
# field KEY: a number from `tppctl -j status` (empty when null).
field() { tppctl -j status | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
# Predicates for until_true, which runs them again each time.
field_is() { [ "$(field "$1")" = "$2" ]; }
admitted_is() { [ "$(n_admitted)" = "$1" ]; }
serial_is() { tppctl -j status | grep -q "\"policy_serial\":$1[,}]"; }
# status_has FLAG: the module's status shows FLAG (lease-lapsed, ...).
status_has() { tppctl -j status | grep -q "\"$1\""; }

# Seconds since boot.
uptime_s() { cut -d. -f1 /proc/uptime; }

# until_true CMD...: wait until CMD succeeds, polling every $WAIT_POLL
# seconds (0.1 by default), for at
# most $WAIT_SECS seconds (30 by default): a bound for a broken build, not
# a timing assertion. A scenario with many waits may also set
# $WAIT_DEADLINE (seconds since boot): past it, a wait tries CMD once. A
# broken build then fails every check and still ends within the guest's
# time limit for one program.
until_true()
{
	_end=$(($(uptime_s) + ${WAIT_SECS:-30}))
	while ! "$@" >/dev/null 2>&1; do
		_now=$(uptime_s)
		[ "$_now" -ge "$_end" ] && return 1
		[ "$_now" -ge "${WAIT_DEADLINE:-$_end}" ] && return 1
		sleep "${WAIT_POLL:-0.1}"
	done
}
