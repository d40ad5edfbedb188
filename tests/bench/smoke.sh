#!/bin/bash
# smoke.sh - keeps the benchmark tools from rotting: runs mgen for about a
# second against the null filter and checks that it counted replies, then
# drives the full message path (every step to end-of-message, refusals at
# MAIL) and checks each outcome against the workload's expectations.
set -u
B=${top_builddir:-.}/tests/bench
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Start a null filter on a UNIX socket; wait at most 5 s for the socket.
start_filter() {
	local sock=$1 i; shift
	"$B/nullfilter" -p "unix:$sock" "$@" 2>>"$DIR/filter.log" &
	PIDS+=($!)
	for i in $(seq 1 50); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}

echo "1..8"
check "null filter starts" 'start_filter "$DIR/nf.sock"'
out=$("$B/mgen" -s "unix:$DIR/nf.sock" -c 4 -d 1 -r 20 \
	-p "${PIDS[0]}" 2>&1)
echo "$out" | sed 's/^/# /'
res=$(grep '^RESULT' <<<"$out")
check "mgen counted replies in one second" '[ "$(field msgs "$res")" -gt 0 ]'
check "no connection failed" '[ "$(field errors "$res")" = 0 ]'
check "one round trip per message after OPTNEG" \
	'[ "$(field rt_per_msg "$res")" = 2.00 ]'
check "the filter's peak RSS was read" '[ "$(field hwm_kb "$res")" -gt 0 ]'

cat > "$DIR/work" <<'W'
# login sender expectation
alice alice@example.com accept
alice bob@example.com 554 5.7.1
- outsider@remote.example accept
- <> accept
W
check "full-path filter starts" 'start_filter "$DIR/full.sock" -e -m'
out=$("$B/mgen" -s "unix:$DIR/full.sock" -c 2 -m 3 -n 400 -d 10 \
	-w "$DIR/work" 2>&1)
echo "$out" | sed 's/^/# /'
res=$(grep '^RESULT' <<<"$out")
check "every outcome matched its expectation" \
	'[ "$(field msgs "$res")" = 400 ] && [ "$(field mismatches "$res")" = 0 ]'
check "accepted at end of message and refused at MAIL both counted" \
	'grep -q "EOM accept" <<<"$out" && grep -q "MAIL 554 5.7.1" <<<"$out"'
