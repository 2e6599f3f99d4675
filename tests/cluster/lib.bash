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

# Ports: a block of 20 per test run, so two runs (or two agents) do not
# meet; all under 32768, where Linux's ephemeral ports begin (a client's
# outgoing connection there once took a port etcd was about to bind).
PORT0=${TPPGATE_ETCD_PORT:-$((20000 + ($$ % 600) * 20))}

# TLS: with ETCD_TLS set to a directory made by tls_certs, etcd_start
# serves https and wants a client certificate its CA signed, and the
# helpers below speak TLS with the good client certificate.
tls_certs() # DIR: ca (server.* for 127.0.0.1, client.*), otherca (rogue.*)
{
	local d=$1
	mkdir -p "$d"
	tls_ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$1.key" \
		-out "$d/$1.crt" -days 2 -subj "/CN=tppgate test $1" 2>/dev/null; }
	tls_cert() { # NAME CA EXTENSIONS
		openssl req -newkey rsa:2048 -nodes -keyout "$d/$1.key" -out "$d/$1.csr" \
			-subj "/CN=$1" 2>/dev/null &&
		printf '%b\n' "$3" >"$d/$1.ext" &&
		openssl x509 -req -in "$d/$1.csr" -CA "$d/$2.crt" -CAkey "$d/$2.key" \
			-CAcreateserial -out "$d/$1.crt" -days 2 -extfile "$d/$1.ext" 2>/dev/null
	}
	# The server certificate is a client one too: etcd's gateway dials
	# etcd's gRPC port with it when client-cert-auth is on.
	tls_ca ca && tls_ca otherca &&
	tls_cert server ca "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth" &&
	tls_cert client ca "extendedKeyUsage=clientAuth" &&
	tls_cert rogue otherca "extendedKeyUsage=clientAuth"
}
etcd_scheme() { if [ -n "${ETCD_TLS-}" ]; then echo https; else echo http; fi; }
ecurl()
{
	if [ -n "${ETCD_TLS-}" ]; then
		curl -sf -m 2 --cacert "$ETCD_TLS/ca.crt" --cert "$ETCD_TLS/client.crt" \
			--key "$ETCD_TLS/client.key" "$@"
	else
		curl -sf -m 2 "$@"
	fi
}

# etcd_start NAME INDEX CLUSTER_SIZE: member INDEX (1..3) of a cluster.
etcd_start()
{
	local name=$1 i=$2 size=$3 cl="" j s
	for j in $(seq "$size"); do
		cl="$cl${cl:+,}$name$j=http://127.0.0.1:$((PORT0 + 5 + j))"
	done
	s=$(etcd_scheme)
	mkdir -p "$T/etcd/$name$i"
	# shellcheck disable=SC2046 # the TLS options are words
	etcd --name "$name$i" --data-dir "$T/etcd/$name$i" \
		--listen-client-urls "$s://127.0.0.1:$((PORT0 + i))" \
		--advertise-client-urls "$s://127.0.0.1:$((PORT0 + i))" \
		$([ -n "${ETCD_TLS-}" ] && echo --cert-file "$ETCD_TLS/server.crt" \
			--key-file "$ETCD_TLS/server.key" --client-cert-auth \
			--trusted-ca-file "$ETCD_TLS/ca.crt") \
		--listen-peer-urls "http://127.0.0.1:$((PORT0 + 5 + i))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((PORT0 + 5 + i))" \
		--listen-metrics-urls "http://127.0.0.1:$((PORT0 + 10 + i))" \
		--initial-cluster "$cl" --initial-cluster-token "tppgate-$$-$name" \
		--initial-cluster-state new --log-level error ${ETCD_EXTRA-} \
		>>"$T/etcd-$name$i.log" 2>&1 &
	echo $! >"$T/etcd-$name$i.pid"
}

etcd_url() { echo "$(etcd_scheme)://127.0.0.1:$((PORT0 + $1))"; }
etcd_urls() { local j out=""; for j in $(seq "$1"); do out="$out${out:+,}$(etcd_url "$j")"; done; echo "$out"; }
etcd_healthy() { ecurl "$(etcd_url "$1")/health" | grep -q '"health":"true"'; }
etcd_stop() { local p; p=$(cat "$T/etcd-$1.pid" 2>/dev/null) || return 0; kill -"${2:-TERM}" "$p" 2>/dev/null; wait "$p" 2>/dev/null; rm -f "$T/etcd-$1.pid"; }
etcd_rev() { ecurl -X POST -d '{"key":"AA==","count_only":true}' "$(etcd_url "${1:-1}")/v3/kv/range" | grep -o '"revision":"[0-9]*"' | grep -o '[0-9]*'; }

mkpolicy() { # SERIAL CLUSTER_CAP(- for none) OUT [CLUSTER_ID]
	local cluster=""
	[ "$2" != - ] && cluster=", \"cluster\": {\"id\": \"${4:-c1}\", \"cap\": $2}"
	cat >"$T/p$1.json" <<EOP
{"format": 1, "serial": $1, "issuer": "test", "not_before": "2024-01-01",
 "not_after": "2099-01-01", "region": "DE", "tier": 2, "node_cap": 8000,
 "grant_required": true, "default_action": "deny"$cluster,
 "catalog": [{"vendor": "0x1234", "device": "0x11e8", "tpp": 1000, "action": "count"}]}
EOP
	"$B/tppctl" policy compile -o "$T/p$1.bin" "$T/p$1.json" &&
	"$B/tppctl" policy sign --key "$T/keys/signing.key" \
		--cert "$T/keys/signing.crt" -o "$T/$3" "$T/p$1.bin" >/dev/null
}

devices() { # DIR N: N edu devices of 1000 TPP at 00:04.0 onwards, atomically
	local i sep="" out='{"devices": ['
	for i in $(seq 0 $(($2 - 1))); do
		out="$out$sep{\"bdf\": \"00:$(printf %02x $((4 + i))).0\", \"vendor\": \"0x1234\", \"device\": \"0x11e8\", \"class\": \"0x120000\"}"
		sep=", "
	done
	echo "$out]}" >"$1/devices.json.new" && mv "$1/devices.json.new" "$1/devices.json"
}

# daemon_conf HOST ENDPOINTS: a daemon's directory and configuration.
daemon_conf()
{
	local d=$T/d/$1
	mkdir -p "$d/etc" "$d/run"
	[ -e "$d/devices.json" ] || devices "$d" 0
	[ -e "$d/etc/policy.tpp" ] || cp "$T/p1.tpp" "$d/etc/policy.tpp"
	cat >"$d/tppgated.conf" <<EOC
[daemon]
policy_file = $d/etc/policy.tpp
socket = $d/run/tppgated.sock
state_dir = $d/state
kernel = shim
log_level = ${DAEMON_LOG:-info}
[grant]
lease = 4
renew_percent = 25
retry = 1
[ledger]
backend = etcd
lease = 10
host = $1
[etcd]
endpoints = $2
cluster = c1
timeout = 1000
[shim]
devices = $d/devices.json
state = $d/shim.json
cert = $T/keys/signing.crt
EOC
	chmod 600 "$d/tppgated.conf"
}

daemon_start() { local d=$T/d/$1; "$B/tppgated" -f -c "$d/tppgated.conf" >>"$d/log" 2>&1 & echo $! >"$d/pid"; }
daemon_stop() { local p; p=$(cat "$T/d/$1/pid" 2>/dev/null) || return 0; kill -"${2:-TERM}" "$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null; wait "$p" 2>/dev/null; rm -f "$T/d/$1/pid"; }
# The grant the shim (the kernel's stand-in) holds for HOST, "null" if none.
kgrant() { grep -o '"grant": [0-9a-z]*' "$T/d/$1/shim.json" 2>/dev/null | cut -d' ' -f2; }
dstatus() { "$B/tppctl" daemon status -j --socket "$T/d/$1/run/tppgated.sock" 2>/dev/null; }
# The share etcd holds for HOST (0 when its key is absent). With ECONF,
# tppctl reads its [etcd] TLS and user settings from that file.
eshare() { "$B/tppctl" cluster status -j ${ECONF:+--config "$ECONF"} --endpoints "$EP" --cluster c1 2>/dev/null | grep -o "\"host\":\"$1\",\"tpp\":[0-9]*" | grep -o '[0-9]*$' || echo 0; }
esum() { "$B/tppctl" cluster status -j ${ECONF:+--config "$ECONF"} --endpoints "$EP" --cluster c1 2>/dev/null | grep -o '"sum":[0-9]*' | cut -d: -f2; }
audit() { "$B/tppctl" cluster audit --endpoints "$EP" --cluster c1 "$@"; }
