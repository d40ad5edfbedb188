#!/bin/sh
# replay.sh - replay every fuzz target's seed corpus (and any crash
# reproducer kept there) through the target built without libFuzzer, as
# part of make check (and so under ASan/UBSan in tests/sanitize.sh). TAP.
: "${top_srcdir:?}" "${top_builddir:?}"
n=0
failed=0
echo "1..9"
for t in address identity reply accounts config callbacks ldapfilter header sd; do
	n=$((n + 1))
	out=$("$top_builddir/tests/fuzz/replay_$t" "$top_srcdir/tests/fuzz/corpus/$t" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz_$t: $out"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz_$t: exit $rc"
		printf '%s\n' "$out" | tail -20 | sed 's/^/# /'
	fi
done
[ $failed -eq 0 ]
