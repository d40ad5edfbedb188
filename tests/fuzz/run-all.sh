#!/bin/sh
# run-all.sh - run every libFuzzer target for a bounded time and print TAP.
#
#   tests/fuzz/run-all.sh SECONDS [BUILDDIR]
#
# BUILDDIR is a tree configured with "CC=clang ./configure --enable-fuzzing"
# (default: $TMPDIR/om-fuzz-build, configured on first use); the targets
# are (re)made there before each run. Each
# target starts from a copy of its seed corpus tests/fuzz/corpus/<target>/
# (the repository copy is never modified), runs -max_total_time=SECONDS,
# and any crash, leak, timeout or sanitizer report fails its test; the
# reproducer is kept in $FUZZ_ARTIFACTS (default $TMPDIR/om-fuzz-artifacts).
# Long runs: see tests/fuzz/README.md.
set -u
secs=${1:?usage: run-all.sh SECONDS [BUILDDIR]}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=${TMPDIR:-/tmp}
build=${2:-$tmp/om-fuzz-build}
art=${FUZZ_ARTIFACTS:-$tmp/om-fuzz-artifacts}
TARGETS="address identity reply accounts config callbacks ldapfilter header oracle sd"
work=$(mktemp -d "$tmp/om-fuzz-run.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

echo "1..$(echo $TARGETS | wc -w)"
# configure once; make every time (incremental), so no stale target runs
mkdir -p "$build"
if ! (cd "$build" && { [ -f Makefile ] || "$src/configure" -q CC=clang \
    --enable-fuzzing; } && make -j2 $(for t in $TARGETS; do
    printf 'tests/fuzz/fuzz_%s ' "$t"; done)) > "$work/build.log" 2>&1
then
	sed 's/^/# /' "$work/build.log" | tail -40
	i=0
	for t in $TARGETS; do
		i=$((i + 1))
		echo "not ok $i - fuzz_$t: build failed"
	done
	exit 1
fi
mkdir -p "$art"
n=0
failed=0
for t in $TARGETS; do
	n=$((n + 1))
	bin="$build/tests/fuzz/fuzz_$t"
	mkdir -p "$work/$t"
	cp "$src/tests/fuzz/corpus/$t/"* "$work/$t/" 2>/dev/null
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz_$t: $bin missing"
		failed=$((failed + 1))
		continue
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=12000 -print_final_stats=1 \
		-artifact_prefix="$art/$t-" "$work/$t" > "$work/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1)
	if [ $rc -eq 0 ] && ! grep -q 'ERROR: \(Address\|Leak\|libFuzzer\)\|runtime error:' "$work/$t.log"; then
		echo "ok $n - fuzz_$t: ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz_$t: exit $rc (reproducer in $art/$t-*)"
		grep -A30 'ERROR\|runtime error\|violated' "$work/$t.log" | head -60 |
			sed 's/^/# /'
	fi
done
[ $failed -eq 0 ]
