#!/bin/sh
# socket.sh - the milter socket rule, with the built filter: an inet
# socket with no host, or on a host that is not loopback without
# allow_remote_mta = true, is refused (in policy.conf naming FILE:LINE, and
# with -p) before anything listens; a loopback one listens on loopback
# only (read from /proc/net/tcp). No fixed port: a free one is probed.
# Prints TAP.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
FILTER="$top_builddir/origin-milter"
T=$(mktemp -d /tmp/om-socket.XXXXXX)
n=0
failed=0
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}

# conf SOCKET [EXTRA-LINE]: $T/policy.conf from the sample
conf() {
	sed -e "s|^socket = .*|socket = \"$1\"|" \
	    -e 's|^user = .*|user = ""|' \
	    -e "s|^pid_file = .*|pid_file = \"$T/milter.pid\"|" \
	    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
	    "$top_srcdir/conf/policy.conf" > "$T/policy.conf"
	[ -n "${2:-}" ] && printf '%s\n' "$2" >> "$T/policy.conf"
	return 0
}

# listening PORT: the local addresses (hex, as /proc/net/tcp{,6} write
# them) of sockets listening on PORT, one per line
listening() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $2 }'
}

echo "1..8"
cp "$top_srcdir/conf/accounts" "$T/accounts"
line=$(grep -n '^socket = ' "$top_srcdir/conf/policy.conf" | cut -d: -f1)

# 1-3: policy.conf, checked with -n
conf "inet:8895"
out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
rc=$?
case "$rc $out" in
"1 $T/policy.conf:$line: socket = \"inet:8895\": name the host"*)
	ok "-n: inet:PORT without a host is refused at line $line" ;;
*) not_ok "-n: inet:PORT without a host: rc=$rc $out" ;;
esac
conf "inet:8895@0.0.0.0"
out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
rc=$?
case "$rc $out" in
"1 $T/policy.conf:$line: "*"0.0.0.0 is not a loopback address"*"allow_remote_mta = true"*)
	ok "-n: a non-loopback host is refused at line $line" ;;
*) not_ok "-n: non-loopback host: rc=$rc $out" ;;
esac
conf "inet:8895@0.0.0.0" "allow_remote_mta = true # the MTA is elsewhere"
out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "-n: allow_remote_mta = true lets a non-loopback host pass"
else not_ok "-n: allow_remote_mta = true: rc=$rc $out"; fi

# a port nobody listens on now (the filter binds it just after)
port=
for try in 1 2 3 4 5 6 7 8 9 10; do
	p=$(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000 ))
	[ -z "$(listening "$p")" ] && { port=$p; break; }
done

# 4-5: -p is held to the same rule, and nothing listens
conf "unix:$T/milter.sock"
for spec in "inet:$port" "inet:$port@0.0.0.0"; do
	out=$(timeout 20 "$FILTER" -f -c "$T/policy.conf" -p "$spec" 2>&1)
	rc=$?
	if [ $rc -eq 64 ] && [ -z "$(listening "$port")" ] &&
	   echo "$out" | grep -q "^origin-milter: -p: socket = \"$spec\""; then
		ok "-p $spec is refused (exit 64), nothing listens"
	else
		not_ok "-p $spec: rc=$rc listening=$(listening "$port") $out"
	fi
done

# 6-8: a loopback socket listens on 127.0.0.1 only
"$FILTER" -f -c "$T/policy.conf" -p "inet:$port@127.0.0.1" > "$T/filter.log" 2>&1 &
pid=$!
i=0
while [ -z "$(listening "$port")" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
addrs=$(listening "$port")
if [ -n "$addrs" ]; then ok "-p inet:PORT@127.0.0.1 listens"
else not_ok "-p inet:PORT@127.0.0.1 listens: $(cat "$T/filter.log")"; fi
if [ "$addrs" = "$(printf '0100007F:%04X' "$port")" ]; then
	ok "it listens on 127.0.0.1 only"
else
	not_ok "it listens on 127.0.0.1 only: $addrs"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
# the sample itself (a unix socket) is unaffected
conf "unix:$T/milter.sock"
out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "the sample's unix socket passes"
else not_ok "the sample's unix socket: rc=$rc $out"; fi
[ $failed -eq 0 ]
