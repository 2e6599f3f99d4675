#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows: four edu accelerators (1000 TPP each) held from
# boot; a signed policy with a node cap of 2000 admits exactly the first two
# (the edu driver then reads their identification register); a policy with a
# higher serial raises the cap and the other two follow. The module is
# loaded as in production (tests/vm/demo: no manual=1), so the policy alone
# decides.

# shellcheck source=tests/vm/scenarios/lib.sh
. /tpp/scenarios/lib.sh

show()
{
	echo
	echo "# $*"
	"$@"
}

# compile_sign NAME: policies/examples/NAME.json -> /tmp/NAME.tpp
compile_sign()
{
	show tppctl policy compile "/tpp/policies/$1.json" -o "/tmp/$1.bin"
	show tppctl policy sign --key /tpp/keys/signer.key \
		--cert /tpp/keys/signer.crt "/tmp/$1.bin" -o "/tmp/$1.tpp"
}

idents()
{
	for bdf in $(edu_devices); do
		printf '%s edu_ident: %s\n' "$bdf" \
			"$(cat "/sys/bus/pci/devices/$bdf/edu_ident" 2>/dev/null || echo '(not bound: quarantined)')"
	done
}

show cat /sys/module/tppgate/parameters/manual
show tppctl devices
compile_sign edu-demo
show tppctl policy show /tmp/edu-demo.tpp
show tppctl policy load /tmp/edu-demo.tpp
show tppctl devices
show idents
compile_sign edu-demo-raise
show tppctl policy load /tmp/edu-demo-raise.tpp
show tppctl devices
show idents
show tppctl status
show tppctl policy get

# The daemon: it loads the policy file (grant_required) and grants the host
# what the local ledger holds, bounded by the cluster cap of 3000.
if command -v tppgated >/dev/null; then
	compile_sign edu-demo-daemon
	mkdir -p /etc/tppgate /run /var/lib
	cp /tmp/edu-demo-daemon.tpp /etc/tppgate/policy.tpp
	printf '[daemon]\nload_module = no\n' >/etc/tppgate/tppgated.conf
	chmod 600 /etc/tppgate/tppgated.conf
	echo
	echo "# tppgated -f &"
	tppgated -f 2>/tmp/tppgated.log &
	i=0
	while [ ! -S /run/tppgate/tppgated.sock ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	show tppctl daemon status
	show tppctl status
	show tppctl devices
	show cat /tmp/tppgated.log
fi
echo
