# SPDX-License-Identifier: GPL-2.0
#
# Host side of the QEMU harness, shared by tests/vm/run and tests/vm/demo
# (sourced, not run). For one Debian kernel it builds tppgate.ko and the edu
# test driver against that kernel's headers, packs a busybox initramfs with
# the modules, tppctl, the test programs and the scenario scripts, and boots
# it under QEMU with four edu devices, an e1000 and the std VGA.
#
# Build layout, all under build/:
#   vm/<kver>/src/{driver,uapi}   copy of the module sources, built there
#   vm/<kver>/edu/                the edu test driver, built there
#   vm/<kver>/rootfs/             the initramfs tree; initramfs.cpio.gz
#   vm/<kver>/results.raw         what the guest wrote on its second serial port
#   vm/tools/, selftests/         kernel-independent test programs
#   results/vm-<kver>.{tap,console}

# shellcheck disable=SC2034 # VM_* are for the scripts that source this
VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_DIR=$VM_TOP/tests/vm
VM_BUILD=$VM_TOP/build/vm

VM_RESULTS=$VM_TOP/build/results

# How the VM loads tppgate by default: QEMU's edu device is class 0x00ff, so
# it is added by id; manual=1 lets tppctl admit and quarantine by hand,
# overriding the policy. The guest reads this from /tpp/tppgate.args
# (scenarios/lib.sh).
VM_TPPGATE_ARGS="ids=1234:11e8 manual=1"
VM_EDU_ADDRS="10 11 12 13"
# The VM's DMI product UUID (QEMU leaves it all zeros, which Linux does not
# show), for the host-binding scenario.
VM_UUID=7470706d-0000-4000-8000-000000000001

vm_die()
{
	echo "tests/vm: $*" >&2
	exit 1
}

vm_note()
{
	echo "tests/vm: $*" >&2
}

# Kernels to test, one per line: $TPPGATE_KERNELS, else every /boot/vmlinuz-*
# whose headers are installed.
vm_kernels()
{
	local f kver

	if [ -n "${TPPGATE_KERNELS:-}" ]; then
		# shellcheck disable=SC2086 # a space-separated list
		printf '%s\n' $TPPGATE_KERNELS
		return
	fi
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		kver=${f#/boot/vmlinuz-}
		[ -f "/usr/src/linux-headers-$kver/Makefile" ] && echo "$kver"
	done | sort -V
}

vm_check_kernel()
{
	local kver=$1

	[ -r "/boot/vmlinuz-$kver" ] || vm_die "no readable /boot/vmlinuz-$kver"
	[ -f "/usr/src/linux-headers-$kver/Makefile" ] ||
		vm_die "no headers for $kver in /usr/src/linux-headers-$kver"
}

# vm_copy_sources FROM DEST PATH...: copy the sources under FROM, leaving
# out anything a previous in-tree build left there.
vm_copy_sources()
{
	local from=$1 dest=$2

	shift 2
	mkdir -p "$dest"
	tar -C "$from" -cf - \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude='modules.order' --exclude='Module.symvers' \
		--exclude='.tmp_versions' --exclude='*.d' "$@" |
		tar -C "$dest" -xf -
}

# vm_signer: set TPPGATE_CERTS (the certificates tppgate.ko embeds to
# verify policies; Kbuild reads it) and TPPGATE_SIGNING_KEY (the matching
# private key, for tests in the VM that sign policies). Unless the caller
# names a certificate, both are the development pair of `make keys`; the
# key of a certificate X.crt is X.key beside it unless named.
vm_signer()
{
	if [ -z "${TPPGATE_CERTS:-}" ]; then
		make -s -C "$VM_TOP" keys >/dev/null || vm_die "make keys failed"
		TPPGATE_CERTS=$VM_TOP/build/keys/signing.crt
	fi
	# Kbuild runs in the kernel's tree: the path must be absolute.
	TPPGATE_CERTS=$(realpath "$TPPGATE_CERTS")
	if [ -z "${TPPGATE_SIGNING_KEY:-}" ] && [ -f "${TPPGATE_CERTS%.crt}.key" ]; then
		TPPGATE_SIGNING_KEY=${TPPGATE_CERTS%.crt}.key
	fi
	export TPPGATE_CERTS TPPGATE_SIGNING_KEY=${TPPGATE_SIGNING_KEY:-}
}

# vm_kbuild KVER DIR LOG: build the external module in DIR, W=1. A module
# builds in seconds; the time limit keeps a compiler that spins on a broken
# source from holding up the whole run.
vm_kbuild()
{
	local kver=$1 dir=$2 log=$3

	timeout -k 10 600 make -C "/usr/src/linux-headers-$kver" M="$dir" W=1 \
		-j"$(nproc)" modules >"$log" 2>&1
}

# Build tppgate.ko for KVER into build/vm/KVER/src/driver/.
# The module's sources come from driver/ (or $TPPGATE_DRIVER_DIR, a tree
# with driver/ and uapi/ side by side, to try another version).
vm_build_tppgate()
{
	local kver=$1 b=$VM_BUILD/$1 srcroot=${TPPGATE_DRIVER_DIR:-$VM_TOP}

	rm -rf "$b/src"
	mkdir -p "$b/src"
	[ -f "$srcroot/driver/Kbuild" ] || {
		echo "no $srcroot/driver/Kbuild" >"$b/build-tppgate.log"
		return 1
	}
	vm_copy_sources "$srcroot" "$b/src" driver uapi
	vm_signer
	# The VM's module has the test-only fault injection (driver/fault.c).
	TPPGATE_FAULT_INJECTION=y vm_kbuild "$kver" "$b/src/driver" "$b/build-tppgate.log" &&
		[ -f "$b/src/driver/tppgate.ko" ]
}

vm_build_tppedu()
{
	local kver=$1 b=$VM_BUILD/$1

	rm -rf "$b/edu"
	vm_copy_sources "$VM_TOP/tests/edu" "$b/edu" .
	vm_kbuild "$kver" "$b/edu" "$b/build-tppedu.log" &&
		[ -f "$b/edu/tppedu.ko" ]
}

# Compiler warnings in a kbuild log, one per line.
vm_build_warnings()
{
	grep -E 'warning:' "$1" || true
}

# The kernel-independent programs: the selftests and the tools.
vm_build_programs()
{
	mkdir -p "$VM_BUILD/tools"
	make -C "$VM_TOP/tests/selftests" O="$VM_TOP/build/selftests" \
		>"$VM_BUILD/build-selftests.log" 2>&1 || return 1
	cc -static -O2 -Wall -Wextra -Werror -o "$VM_BUILD/tools/mmap_bar" \
		"$VM_DIR/tools/mmap_bar.c" >>"$VM_BUILD/build-selftests.log" 2>&1 || return 1
	# Benchmarks (make bench-*): built always, run only in bench mode.
	mkdir -p "$VM_TOP/build/bench"
	for f in "$VM_TOP"/tests/bench/*.c; do
		[ -f "$f" ] || continue
		cc -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
			-I"$VM_TOP/uapi" -I"$VM_TOP/tests/selftests" \
			$(pkg-config --cflags libnl-genl-3.0) \
			-o "$VM_TOP/build/bench/$(basename "$f" .c)" "$f" \
			$(pkg-config --libs libnl-genl-3.0 libcrypto) \
			>>"$VM_BUILD/build-selftests.log" 2>&1 || return 1
	done
}

# vm_install_bin ROOT SRC DEST: copy an executable and every shared library
# it loads (as ldd resolves them on the host), keeping their paths.
vm_install_bin()
{
	local root=$1 src=$2 dest=$3 lib

	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
	chmod 0755 "$root$dest"
	# A static binary makes ldd fail; it needs nothing more.
	ldd "$src" >/dev/null 2>&1 || return 0
	for lib in $(ldd "$src" | awk '
		/=> not found/ { print "MISSING:" $1; next }
		/=>/ { if ($3 ~ /^\//) print $3; next }
		$1 ~ /^\// { print $1 }'); do
		case $lib in
		MISSING:*) vm_die "$src needs ${lib#MISSING:}, which is not installed" ;;
		esac
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# vm_build_initramfs KVER: pack build/vm/KVER/initramfs.cpio.gz.
vm_build_initramfs()
{
	local kver=$1 b=$VM_BUILD/$1 root=$VM_BUILD/$1/rootfs
	local busybox applet f e1000

	busybox=$(command -v busybox) || vm_die "busybox not found (busybox-static)"
	rm -rf "$root"
	mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin \
		"$root"/lib "$root"/lib64 "$root"/etc "$root"/proc "$root"/sys \
		"$root"/dev "$root"/tmp "$root"/root "$root"/tpp/modules \
		"$root"/tpp/selftests "$root"/tpp/scenarios "$root"/tpp/tools

	cp "$busybox" "$root/bin/busybox"
	# util-linux setpriv (busybox's lacks --bounding-set and friends).
	vm_install_bin "$root" "$(command -v setpriv)" /usr/bin/setpriv
	for applet in $("$busybox" --list); do
		case $applet in
		busybox | setpriv) continue ;;
		esac
		ln -s busybox "$root/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	# The kernel opens /dev/console for init before init can mount devtmpfs.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

	cp "$b/src/driver/tppgate.ko" "$b/edu/tppedu.ko" "$root/tpp/modules/"
	# The NIC's real driver, so the tests can see that tppgate leaves a
	# bound non-accelerator alone.
	for e1000 in /lib/modules/"$kver"/kernel/drivers/net/ethernet/intel/e1000/e1000.ko*; do
		case $e1000 in
		*.ko) cp "$e1000" "$root/tpp/modules/e1000.ko" ;;
		*.ko.xz) xz -dc "$e1000" >"$root/tpp/modules/e1000.ko" ;;
		*.ko.zst) zstd -qdc "$e1000" >"$root/tpp/modules/e1000.ko" ;;
		esac
	done
	# SHA-384/512 for policy signatures: a module on 6.1 (built in later),
	# which a real system autoloads; parity_test loads it.
	for f in /lib/modules/"$kver"/kernel/crypto/sha512_generic.ko*; do
		case $f in
		*.ko) cp "$f" "$root/tpp/modules/sha512_generic.ko" ;;
		*.ko.xz) xz -dc "$f" >"$root/tpp/modules/sha512_generic.ko" ;;
		*.ko.zst) zstd -qdc "$f" >"$root/tpp/modules/sha512_generic.ko" ;;
		esac
	done

	# nvme and what it needs, in load order (the SR-IOV test loads them):
	# the PF's driver is what enables its virtual functions.
	mkdir -p "$root/tpp/modules/nvme"
	modprobe -S "$kver" --show-depends nvme 2>/dev/null |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
		while read -r f; do
			m=$(basename "${f%.*}")
			case $f in
			*.ko) cp "$f" "$root/tpp/modules/nvme/" ; m=$(basename "$f") ;;
			*.ko.xz) xz -dc "$f" >"$root/tpp/modules/nvme/$m" ;;
			*.ko.zst) zstd -qdc "$f" >"$root/tpp/modules/nvme/$m" ;;
			*) continue ;;
			esac
			echo "$m" >>"$root/tpp/modules/nvme/order"
		done

	# openssl, for tests that sign policies in the VM.
	if command -v openssl >/dev/null; then
		vm_install_bin "$root" "$(command -v openssl)" /usr/bin/openssl
		mkdir -p "$root/usr/lib/ssl"
		cp -L "$(openssl version -d | sed 's/^OPENSSLDIR: "\(.*\)"$/\1/')/openssl.cnf" \
			"$root/usr/lib/ssl/openssl.cnf"
	fi
	if [ -x "$VM_TOP/build/userspace/tppctl" ]; then
		vm_install_bin "$root" "$VM_TOP/build/userspace/tppctl" /usr/bin/tppctl
	fi
	if [ -x "$VM_TOP/build/userspace/tppgated" ]; then
		vm_install_bin "$root" "$VM_TOP/build/userspace/tppgated" /usr/bin/tppgated
	fi
	# etcd (Debian's etcd-server) runs inside the guest for the cluster
	# scenario, with curl for its health checks and the helpers it shares
	# with tests/cluster (etcd.sh). Without etcd the scenario skips.
	if command -v etcd >/dev/null && command -v curl >/dev/null; then
		vm_install_bin "$root" "$(command -v etcd)" /usr/bin/etcd
		vm_install_bin "$root" "$(command -v curl)" /usr/bin/curl
	fi
	mkdir -p "$root/tpp/cluster"
	cp "$VM_TOP/tests/cluster/etcd.sh" "$root/tpp/cluster/"
	for f in "$VM_TOP"/build/selftests/*; do
		if [ -f "$f" ] && [ -x "$f" ]; then
			vm_install_bin "$root" "$f" "/tpp/selftests/${f##*/}"
		fi
	done
	cp "$VM_BUILD/tools/mmap_bar" "$root/tpp/tools/"
	mkdir -p "$root/tpp/bench"
	for f in "$VM_TOP"/build/bench/*; do
		[ -x "$f" ] && vm_install_bin "$root" "$f" "/tpp/bench/${f##*/}"
	done
	# The policy signer, for tests that load signed policies.
	mkdir -p "$root/tpp/keys"
	cp "$TPPGATE_CERTS" "$root/tpp/keys/signer.crt" 2>/dev/null || true
	if [ -n "${TPPGATE_SIGNING_KEY:-}" ]; then
		cp "$TPPGATE_SIGNING_KEY" "$root/tpp/keys/signer.key"
	fi
	cp "$VM_DIR"/scenarios/*.sh "$root/tpp/scenarios/"
	# The shipped policy sources, for the demo and the tppctl scenarios.
	mkdir -p "$root/tpp/policies"
	cp "$VM_TOP"/policies/catalog.json "$VM_TOP"/policies/examples/*.json \
		"$root/tpp/policies/" 2>/dev/null || true
	cp "$VM_DIR"/guest/*.sh "$root/tpp/"
	cp "$VM_DIR/guest/init" "$root/init"
	chmod 0755 "$root/init" "$root"/tpp/*.sh "$root"/tpp/scenarios/*.sh
	echo "$VM_TPPGATE_ARGS" >"$root/tpp/tppgate.args"

	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) |
		gzip -1 >"$b/initramfs.cpio.gz"
}

# vm_host_watch RAW MON QPID: the host's side of what the guest asks of
# QEMU itself (gatetest.h host_request()): each line "@@TPPGATE-HOST WHAT"
# the guest writes on its results port becomes an HMP command on QEMU's
# monitor, whose input is the FIFO MON.in (output MON.out, logged to
# MON.log). Ends when QEMU (process QPID) does. WHAT is one of
#   wake [SECS]                    once the guest is suspended (S3), wait
#                                  SECS seconds (default 0), system_wakeup
#   pcie_aer_inject_error ARGS     as HMP has it (an AER error on a device)
#   device_del ID                  hot-unplug a device (pciehp, the button)
# and nothing else.
vm_host_watch()
{
	local raw=$1 mon=$2 qpid=$3 line what secs n i

	# Read-write opens of the FIFOs never wait for QEMU to open its end.
	exec 7<>"$mon.in" 8<>"$mon.out"
	cat <&8 >>"$mon.log" &
	tail --pid="$qpid" -n +1 -F "$raw" 2>/dev/null | while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"@@TPPGATE-HOST "*) what=${line#@@TPPGATE-HOST } ;;
		*) continue ;;
		esac
		echo "tests/vm: guest asks: $what" >>"$mon.log"
		case $what in
		wake | "wake "*)
			secs=${what#wake}
			# The guest asks before it suspends: wait for a new
			# "suspended" answer (a bound of 5 minutes).
			n=$(grep -c 'VM status: paused (suspended)' "$mon.log")
			for ((i = 0; i < 600; i++)); do
				echo "info status" >&7
				sleep 0.5
				[ "$(grep -c 'VM status: paused (suspended)' "$mon.log")" -gt "$n" ] && break
			done
			sleep "${secs:-0}"
			echo system_wakeup >&7
			;;
		"pcie_aer_inject_error "* | "device_del "*)
			echo "$what" >&7
			;;
		*)
			echo "tests/vm: refused: $what" >>"$mon.log"
			;;
		esac
	done
	kill "$!" 2>/dev/null
	exec 7>&- 8<&-
}

# vm_boot KVER MODE CONSOLE RAW [interactive]: boot the VM once.
# MODE is what the guest's init does (run, shell, demo). Non-interactive
# boots have the console in CONSOLE and a hard timeout; interactive ones
# have the console on this terminal (Ctrl-A X quits QEMU). The guest's test
# results come back on its second serial port, into RAW. A second monitor
# of QEMU's, on FIFOs beside RAW, serves what the guest asks of the host
# (vm_host_watch; tppvm.host=1 tells the guest it may ask).
# shellcheck disable=SC2054 # QEMU options have commas
vm_boot()
{
	local kver=$1 mode=$2 console=$3 raw=$4 interactive=${5:-} ret=0
	local -a qemu
	local addr mon=${4%.raw}.monitor qpid

	# q35: PCI Express, whose extended config space SR-IOV needs. S3 is
	# on (QEMU leaves it off on q35) for the suspend tests, which the
	# host wakes.
	qemu=(qemu-system-x86_64 -machine q35 -m 512M -smp "${TPPGATE_VM_SMP:-1}" -nographic -no-reboot)
	qemu+=(-global ICH9-LPC.disable_s3=0)
	# Native PCIe hotplug (pciehp) for the root ports, not ACPI's.
	qemu+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off)
	if [ "${TPPGATE_KVM:-0}" = 1 ]; then
		qemu+=(-accel kvm -cpu host)
	else
		qemu+=(-accel tcg)
	fi
	qemu+=(-uuid "$VM_UUID")
	qemu+=(-kernel "/boot/vmlinuz-$kver" -initrd "$VM_BUILD/$kver/initramfs.cpio.gz")
	qemu+=(-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic quiet loglevel=5 tppvm.mode=$mode tppvm.host=1${interactive:+ tppvm.interactive=1}${TPPGATE_VM_ONLY:+ tppvm.only=${TPPGATE_VM_ONLY// /,}}${TPPGATE_VM_APPEND:+ $TPPGATE_VM_APPEND}")
	# 00:02.0 std VGA (the boot VGA device), 00:03.0 e1000, 00:05.0 an
	# NVMe controller with two SR-IOV virtual functions (00:05.1, 00:05.2
	# once enabled), 00:10.0-00:13.0 edu. The NIC's backend is isolated
	# slirp: no traffic leaves QEMU.
	qemu+=(-vga none -device VGA,addr=02.0)
	qemu+=(-nic none -netdev user,id=net0,restrict=on)
	qemu+=(-device e1000,netdev=net0,addr=03.0)
	qemu+=(-device nvme-subsys,id=nvmesubsys)
	qemu+=(-device nvme,serial=tppgate0,subsys=nvmesubsys,addr=05.0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2)
	for addr in $VM_EDU_ADDRS; do
		qemu+=(-device "edu,addr=$addr.0")
	done
	# Two hotplug-capable PCIe root ports (00:1c.0, 00:1c.1), each with a
	# virtio serial controller (1af4:1043, class 0x0780; the VM has no
	# virtio driver) that has an AER capability: QEMU ids aerdev (01:00.0)
	# to inject AER errors into and plugdev (02:00.0) to hot-unplug, made
	# accelerators by the tests with ids=.
	qemu+=(-device pcie-root-port,id=rp1,bus=pcie.0,addr=1c.0,multifunction=on,chassis=1,slot=1)
	qemu+=(-device virtio-serial-pci,id=aerdev,bus=rp1,addr=00.0,disable-legacy=on,aer=on)
	qemu+=(-device pcie-root-port,id=rp2,bus=pcie.0,addr=1c.1,chassis=2,slot=2)
	qemu+=(-device virtio-serial-pci,id=plugdev,bus=rp2,addr=00.0,disable-legacy=on,aer=on)
	qemu+=(-chardev "file,id=results,path=$raw" -device isa-serial,chardev=results)
	rm -f "$mon.in" "$mon.out" "$mon.log"
	mkfifo "$mon.in" "$mon.out"
	qemu+=(-chardev "pipe,id=hostmon,path=$mon" -mon chardev=hostmon,mode=readline)

	: >"$raw"
	if [ -n "$interactive" ]; then
		qemu+=(-serial mon:stdio)
		# In the background, but still reading this terminal.
		"${qemu[@]}" <&0 &
		qpid=$!
		vm_host_watch "$raw" "$mon" "$qpid" &
		wait "$qpid" || ret=$?
	else
		qemu+=(-serial stdio -monitor none)
		timeout -k 10 "${TPPGATE_VM_TIMEOUT:-1800}" "${qemu[@]}" \
			</dev/null >"$console" 2>&1 &
		qpid=$!
		vm_host_watch "$raw" "$mon" "$qpid" &
		wait "$qpid" || ret=$?
	fi
	wait "$!"
	rm -f "$mon.in" "$mon.out"
	return $ret
}
