# SPDX-License-Identifier: GPL-2.0
#
# The cluster tests' helpers: a real etcd (Debian's etcd-server) on
# 127.0.0.1 with a temporary data directory, stopped by PID; tppgated
# daemons on the kernel shim, each in its own directory. Sourced by
# tests/cluster/run and the bench scripts. Needs $B (build dir) and $T
# (scratch dir).

# shellcheck disable=SC2034 # read by the sourcing script
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
check() { local d=$1; shift; "$@" >/dev/null 2>&1; ok $? "$d"; }
diag() { sed 's/^/# /'; }
# Waits (bounded: 30 s) until a command succeeds.
until_ok() { local i; for i in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# The etcd, policy and daemon helpers, shared with the VM's cluster scenario.
# shellcheck source=tests/cluster/etcd.sh
. "$(dirname "${BASH_SOURCE[0]}")/etcd.sh"
# The shard of host NAME among N (FNV-1a, as tppgated's shard_of()).
shard_of() { local s=$1 h=2166136261 i c; for ((i = 0; i < ${#s}; i++)); do printf -v c %d "'${s:i:1}"; h=$(( ((h ^ c) * 16777619) & 0xffffffff )); done; echo $((h % $2)); }
