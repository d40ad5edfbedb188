#!/bin/sh
# tsan-reports.sh - the rule tests/sanitize.sh counts ThreadSanitizer
# reports by (tsan-reports.awk), on real reports kept in data/: libmilter's
# own shutdown races with unsymbolized frames (as on a machine without
# llvm-symbolizer) are set aside, a race in a callback libmilter calls is
# counted with or without symbols, and one frame of ours anywhere makes a
# report ours. Prints TAP.
set -u
: "${top_srcdir:?}"
D=$top_srcdir/tests/sanitize
AWK=${AWK:-awk}
n=0
failed=0

# expect NAME WANT FILE...: the classifier's count line must be WANT
expect() {
	name=$1 want=$2
	shift 2
	got=$(cat "$@" | $AWK -f "$D/tsan-reports.awk")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name: $got"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: got $got, want $want"
	fi
}

echo "1..6"
expect "libmilter's shutdown reports, frames unsymbolized" \
	"ours=0 libmilter=4" "$D/data/libmilter-shutdown.unsym"
expect "a race in a callback, frames unsymbolized" \
	"ours=1 libmilter=0" "$D/data/callback-race.unsym"
expect "both kinds, frames symbolized" \
	"ours=1 libmilter=4" "$D/data/mixed.sym"
# one libmilter frame of each report renamed to our module: all ours
sed '0,/libmilter\.so\.1\.0\.1+/s//origin-milter+/' \
	"$D/data/libmilter-shutdown.unsym" > "${TMPDIR:-/tmp}/om-tsan-$$"
expect "one frame of ours makes a report ours" \
	"ours=1 libmilter=3" "${TMPDIR:-/tmp}/om-tsan-$$"
rm -f "${TMPDIR:-/tmp}/om-tsan-$$"
expect "no report at all" "ours=0 libmilter=0" /dev/null
n=$((n + 1))
if cat "$D/data/mixed.sym" | $AWK -v show=ours -f "$D/tsan-reports.awk" |
	grep -q "in cb_envfrom"; then
	echo "ok $n - show=ours prints the counted report whole"
else
	failed=$((failed + 1))
	echo "not ok $n - show=ours prints the counted report whole"
fi
[ $failed -eq 0 ]
