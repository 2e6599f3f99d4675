# SPDX-License-Identifier: GPL-2.0
#
# Turn what the guest wrote on its results port into flat TAP lines, each
# test named "<kver> <program>: <test>". Numbers and the plan are added by
# tests/vm/run once every part of the run is in.
#
#   awk -v kver=KVER -f results.awk results.raw
#
# The guest frames each program's output:
#   @@TPPGATE-BEGIN <program>
#   ... its TAP (kselftest or scenario) ...
#   @@TPPGATE-END <program> rc=<exit status>
#   @@TPPGATE-DONE                 (once, when init reached the end)
#
# Only per-test result lines count ("ok N name", "not ok N name", at the
# start of a line); plans and "# " lines are not tests. "Bail out! why" (a
# failed precondition) is one failing test and ends the program's checks. "ok ... # SKIP" is a
# skip. A program gets a failing test of its own if it exits non-zero
# (other than kselftest's 4, "skipped") without a failing test, runs fewer
# tests than it planned, prints no test at all, or never reaches its END
# marker.

function emit(status, desc) {
	print status " - " kver " " prog ": " desc
}

function close_section(rc) {
	if (bailed) {
		prog = ""
		return
	}
	if (n == 0 && !(plan == 0 && planskip))
		emit("not ok", "reported no test results")
	else if (plan >= 0 && n != plan)
		emit("not ok", "planned " plan " tests but ran " n)
	# 4 is kselftest's KSFT_SKIP: the program skipped, it did not fail.
	if (rc != 0 && failed == 0 && rc != 4)
		emit("not ok", "exited with status " rc)
	prog = ""
}

{
	sub(/\r$/, "")
}

/^@@TPPGATE-BEGIN / {
	if (prog != "")
		close_section(1)
	prog = $2
	running = ""
	n = 0
	failed = 0
	bailed = 0
	plan = -1
	planskip = 0
	next
}

/^@@TPPGATE-END / {
	rc = $3
	sub(/^rc=/, "", rc)
	if (prog != "")
		close_section(rc + 0)
	next
}

/^@@TPPGATE-DONE/ {
	done = 1
	next
}

prog == "" {
	if ($0 != "")
		print "# " $0
	next
}

# A program that cannot go on (a precondition failed) says why, once.
/^Bail out!/ {
	if (!bailed) {
		reason = $0
		sub(/^Bail out![ \t]*/, "", reason)
		emit("not ok", "bailed out: " reason)
		bailed = 1
	}
	next
}

# kselftest names the test it starts; 6.1's harness leaves the name out of
# the result line of a skipped test ("ok 3 # SKIP reason").
/^#[ \t]+RUN[ \t]/ {
	running = $3
}

/^1\.\.[0-9]+/ {
	if (plan < 0) {
		plan = substr($1, 4) + 0
		if (plan == 0 && $0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) {
			planskip = 1
			reason = $0
			sub(/^[^#]*#[ \t]*/, "", reason)
			print "ok - " kver " " prog " # " reason
		}
	}
	next
}

/^(not )?ok($|[ \t])/ {
	status = "ok"
	rest = $0
	if (rest ~ /^not /) {
		status = "not ok"
		rest = substr(rest, 8)
	} else {
		rest = substr(rest, 3)
	}
	sub(/^[ \t]*[0-9]*[ \t]*(-[ \t]+)?/, "", rest)
	directive = ""
	if (match(rest, /(^|[ \t])#[ \t]*[A-Za-z]/)) {
		hash = substr(rest, RSTART, 1) == "#" ? RSTART : RSTART + 1
		directive = substr(rest, hash)
		rest = substr(rest, 1, hash - 1)
		sub(/[ \t]+$/, "", rest)
	}
	if (rest == "" && running != "")
		rest = running
	running = ""
	n++
	if (status == "not ok" && toupper(directive) !~ /^#[ \t]*TODO/)
		failed++
	print status " - " kver " " prog ": " rest (directive != "" ? " " directive : "")
	next
}

{
	if ($0 ~ /^#/)
		print "# " prog ": " substr($0, 2)
	else if ($0 != "")
		print "# " prog ": " $0
}

END {
	if (prog != "") {
		emit("not ok", "did not finish (the guest died or hung here)")
		prog = ""
	}
	# A precondition: only its failure is a test result.
	if (!done)
		print "not ok - " kver " guest: reached the end of the test run"
	else
		print "# precondition ok: " kver " guest: reached the end of the test run"
}
