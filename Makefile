# SPDX-License-Identifier: GPL-2.0
#
# tppgate: the kernel module, its userspace and its tests.
#
#   make              build the module for KDIR and the userspace tools
#   make check        every test: host unit tests, fuzzers, static checks,
#                     and the module booted in QEMU on each Debian kernel
#   make demo         boot the QEMU demo (4 edu accelerators, one admitted)
#   make bench-policy time policy loads in the VM, by phase (by hand only)
#   make bench-daemon tppgated's reload latency, RSS, idle wake-ups (by hand)
#   make bench-ledger the etcd ledger's rate and latency vs raw etcd (by hand)
#   make bench-scale  cap changes at 100..10,000 simulated hosts (by hand)
#   make install      install the module (for KDIR) and the tools
#   make style        checkpatch --strict and sparse on driver/

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
BUILD := $(CURDIR)/build

# Who may sign policies: PEM certificate(s) embedded in the module. By
# default a development key pair, generated here once and never committed.
DEV_KEY := $(BUILD)/keys/signing.key
DEV_CERT := $(BUILD)/keys/signing.crt
TPPGATE_CERTS ?= $(DEV_CERT)
# Kbuild runs in KDIR: a relative path would name a file there. Sub-makes
# get the absolute path as an argument, which wins over the relative one
# they inherit through MAKEFLAGS.
override TPPGATE_CERTS := $(abspath $(TPPGATE_CERTS))
export TPPGATE_CERTS

all: module userspace

keys: $(DEV_CERT)

$(DEV_CERT):
	@mkdir -p $(dir $@)
	openssl req -new -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 \
		-subj "/CN=tppgate development policy signer/" \
		-addext keyUsage=digitalSignature \
		-keyout $(DEV_KEY) -out $@ 2>/dev/null
	@chmod 600 $(DEV_KEY)
	@echo "tppgate: development signing key in $(dir $@) (not for production)"

module: $(if $(filter $(DEV_CERT),$(TPPGATE_CERTS)),$(DEV_CERT))
	@if [ "$(TPPGATE_CERTS)" = "$(DEV_CERT)" ]; then \
		echo "WARNING: tppgate.ko will trust the DEVELOPMENT key in build/keys:"; \
		echo "WARNING: anyone holding it can sign policies. For a real host, build"; \
		echo "WARNING: with TPPGATE_CERTS=/path/to/your-signers.pem"; fi >&2
	@test -f $(KDIR)/Makefile || { \
		echo "no kernel build tree at KDIR=$(KDIR)"; \
		echo "install linux-headers-$$(uname -r) or pass KDIR=/usr/src/linux-headers-VERSION"; \
		exit 1; } >&2
	$(MAKE) -C driver KDIR=$(KDIR) TPPGATE_CERTS=$(TPPGATE_CERTS)

userspace:
	$(MAKE) -C userspace O=$(BUILD)/userspace

# Installs the Debian packages the build and the tests need (idempotent).
deps:
	@if [ "$$(id -u)" = 0 ]; then scripts/install-deps; \
	else echo "make deps: not root, assuming dependencies are installed" >&2; fi

# Every test, into build/results (emptied first); the summary ends with the
# one line "N passed, M failed". See tests/check.
check: deps
	@tests/check

demo: deps userspace keys
	tests/vm/demo

# Benchmarks, run by hand (never by make check): ratios, not thresholds.
bench-policy: deps userspace keys
	TPPGATE_VM_ONLY=policy_bench tests/vm/bench

# tppgated in the VM: policy file to policy in force against a bare
# tppctl policy load, RSS, idle wake-ups. Needs the module's GRANT_SET.
bench-daemon: deps userspace keys
	TPPGATE_VM_ONLY=daemon_bench tests/vm/bench

# The etcd ledger against etcd's raw txn rate, in one run (needs etcd-server).
bench-ledger: deps userspace
	$(MAKE) -s -C userspace O=$(BUILD)/userspace $(BUILD)/userspace/ledger-race
	tests/cluster/bench $(BUILD)/userspace

# N hosts in one process on the etcd ledger, N = 100 .. 10,000: time to
# converge after a lowered and a raised cap, etcd's CPU and memory,
# keep-alive traffic; a table and a gnuplot SVG in build/bench-scale.
bench-scale: deps userspace
	$(MAKE) -s -C userspace O=$(BUILD)/userspace $(BUILD)/userspace/ledger-scale
	tests/cluster/bench-scale $(BUILD)/userspace $(BUILD)/bench-scale

style:
	tests/static/run

# Installs what was built; never rebuilds the module, which would embed
# whatever TPPGATE_CERTS says now (the development key, by default).
install: userspace
	@test -f driver/tppgate.ko || { echo "build the module first: make TPPGATE_CERTS=..." >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/driver modules_install
	@# Kbuild skips depmod without a System.map, which Debian's headers lack.
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) \
		$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
	$(MAKE) -C userspace install O=$(BUILD)/userspace PREFIX=$(PREFIX) \
		DESTDIR=$(DESTDIR)
	install -D -m 0644 uapi/linux/tppgate.h $(DESTDIR)$(PREFIX)/include/linux/tppgate.h

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C driver KDIR=$(KDIR) clean 2>/dev/null

.PHONY: all keys module userspace deps check demo bench-policy bench-daemon \
	bench-ledger bench-scale style \
	install clean
