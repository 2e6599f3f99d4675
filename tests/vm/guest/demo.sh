#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows: four quarantined edu devices, one admitted with
# tppctl, and the edu driver reading its identification register.

# shellcheck source=tests/vm/scenarios/lib.sh
. /tpp/scenarios/lib.sh

show()
{
	echo
	echo "# $*"
	"$@"
}

first=$(edu_devices | head -n 1)
show tppctl devices
show tppctl admit "$first"
show tppctl devices
show cat "/sys/bus/pci/devices/$first/edu_ident"
echo
