#!/bin/bash
# soak.sh - a bounded soak: MESSAGES (default 1,000,000) through
# origin-milter with the benchmark load generator (tests/bench/mgen), the
# filter's RSS sampled every second. Passes if every outcome matched the
# policy (mismatches 0, errors 0), the filter is the same process at the
# end, and RSS stayed flat: the mean of the last tenth of the samples is
# within 10% (or 2 MiB) of the mean of the second tenth (the first is
# warm-up). Writes rss.csv (seconds,rss_kb,messages) to OUTDIR.
#
#   tests/soak/soak.sh [MESSAGES] [BUILDDIR] [OUTDIR]
#
# e.g. after a normal build in /tmp/build:
#   tests/soak/soak.sh 1000000 /tmp/build /tmp/soak   (about 2-3 minutes)
# Prints TAP. Bounded: ten mgen runs of MESSAGES/10, each at most 600 s.
set -u
MSGS=${1:-1000000}
B=${2:-${top_builddir:-.}}
OUT=${3:-$(mktemp -d "${TMPDIR:-/tmp}/om-soak.XXXXXX")}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ACCOUNTS=10000
T=$(mktemp -d "${TMPDIR:-/tmp}/om-soak-run.XXXXXX")
fpid=
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "1..4"
mkdir -p "$OUT"
for i in $(seq 0 $((ACCOUNTS - 1))); do echo "user$i user$i@example.com"; done > "$T/accounts"
sed -e "s|^socket = .*|socket = \"unix:$T/om.sock\"|" \
    -e 's|^user = .*|user = ""|' -e 's|^pid_file = .*|pid_file = ""|' \
    -e 's|^log_level = .*|log_level = "warning"|' \
    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
    "$SRC/conf/policy.conf" > "$T/policy.conf"
"$B/origin-milter" -f -c "$T/policy.conf" > "$T/filter.log" 2>&1 &
fpid=$!
for i in $(seq 1 300); do [ -S "$T/om.sock" ] && break; sleep 0.1; done
if [ ! -S "$T/om.sock" ]; then
	notok "filter starts: $(tail -3 "$T/filter.log")"
	exit 1
fi
ok "filter starts (pid $fpid)"

# sampler: seconds since start, RSS kB, messages done so far
echo "seconds,rss_kb,messages" > "$OUT/rss.csv"
echo 0 > "$T/done"
(
	t0=$(date +%s)
	while kill -0 "$fpid" 2>/dev/null; do
		r=$(awk '/^VmRSS/ { print $2 }' "/proc/$fpid/status" 2>/dev/null)
		echo "$(( $(date +%s) - t0 )),${r:-0},$(cat "$T/done")" >> "$OUT/rss.csv"
		sleep 1
	done
) &
spid=$!

chunk=$((MSGS / 10))
done_msgs=0 mism=0 errs=0 acc=0 ref=0
start=$(date +%s)
for i in $(seq 1 10); do
	res=$("$B/tests/bench/mgen" -s "unix:$T/om.sock" -c 16 -m 5 -n "$chunk" \
		-d 600 -t 10 -a "$ACCOUNTS" -r 20 -e accept,554 -l "soak$i" 2>&1 |
		grep '^RESULT')
	m=$(field msgs "$res")
	done_msgs=$((done_msgs + ${m:-0}))
	mism=$((mism + $(field mismatches "$res"))) 2>/dev/null || mism=$((mism + 1))
	errs=$((errs + $(field errors "$res"))) 2>/dev/null || errs=$((errs + 1))
	acc=$((acc + $(field accepted "$res")))
	ref=$((ref + $(field refused "$res")))
	echo "$done_msgs" > "$T/done"
	echo "# chunk $i: $res"
done
secs=$(( $(date +%s) - start ))
sleep 1.5
if [ "$done_msgs" -ge "$MSGS" ] && [ "$mism" = 0 ] && [ "$errs" = 0 ]; then
	ok "$done_msgs messages in ${secs}s: accepted $acc, refused $ref, mismatches 0, errors 0"
else
	notok "$done_msgs of $MSGS messages: mismatches $mism, errors $errs"
fi
if kill -0 "$fpid" 2>/dev/null; then ok "the same filter process ran throughout"
else notok "filter died: $(tail -5 "$T/filter.log")"; fi
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; spid=
read -r s tenth2 last first_rss last_rss <<<"$(awk -F, 'NR > 1 { r[++k] = $2 }
	END { t = int(k / 10); if (t < 1) t = 1
	for (i = t + 1; i <= 2 * t && i <= k; i++) { a += r[i]; na++ }
	for (i = k - t + 1; i <= k; i++) { b += r[i]; nb++ }
	printf "%d %d %d %d %d\n", k, a / na, b / nb, r[1], r[k] }' "$OUT/rss.csv")"
echo "# RSS samples: $s; first sample $first_rss kB, last $last_rss kB; mean of 2nd tenth $tenth2 kB, of last tenth $last kB"
echo "# samples in $OUT/rss.csv"
lim=$(( tenth2 / 10 > 2048 ? tenth2 / 10 : 2048 ))
if [ "$s" -ge 10 ] && [ $((last - tenth2)) -le "$lim" ]; then
	ok "RSS flat: $tenth2 kB -> $last kB (limit +$lim kB)"
else
	notok "RSS grew: $tenth2 kB -> $last kB (limit +$lim kB, $s samples)"
fi
[ $failed -eq 0 ]
