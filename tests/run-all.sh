#!/bin/sh
# run-all.sh - run every test of origin-milter on a Debian 12 machine:
# installs the packages, builds out of tree, runs `make check` (unit,
# miltertest, slapd, Postfix, hostile-input, fault and benchmark-smoke
# suites), `make distcheck`, the sanitizer suite, short fuzz runs and the
# Debian package test (build, lintian, install, Postfix matrix, purge), then
# prints one line "N passed, N failed" counting every test case that ran.
#   sh tests/run-all.sh
set -u
cd "$(dirname "$0")/.."
SRC=$PWD
LOGS=$SRC/_build/logs
mkdir -p "$LOGS"
rm -f "$LOGS"/*.out
status=0

step() { # NAME COMMAND...: run, keep the output, note a failure
	name=$1
	shift
	echo "=== $name: $*"
	"$@" > "$LOGS/$name.out" 2>&1
	rc=$?
	tail -n 25 "$LOGS/$name.out"
	if [ $rc -ne 0 ]; then
		echo "=== $name FAILED (exit $rc); full output: $LOGS/$name.out"
		status=1
	fi
	return $rc
}

sh contrib/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
autoreconf -fi > "$LOGS/autoreconf.log" 2>&1 ||
	{ cat "$LOGS/autoreconf.log"; echo "0 passed, 1 failed"; exit 1; }

# one Samba AD provision (tests/ad/samba-env.sh) for every build tree
AD_CACHE="$SRC/_build/ad-cache"
export AD_CACHE
mkdir -p _build/default
cd _build/default
step configure ../../configure -q &&
	step build make -j2 &&
	step check make -j2 check
step distcheck make -j2 distcheck \
	TESTS="tests/unit/test_address tests/unit/test_identity tests/unit/test_reply tests/unit/test_decide tests/unit/test_dir_file tests/unit/test_header_from tests/unit/test_config tests/unit/test_cache tests/milter/protocol.sh"
cd "$SRC"
# their build folders live inside this tree: a folder configured from
# another checkout would test that checkout's code
step sanitize sh tests/sanitize.sh "$SRC/_build/sanitize"
step fuzz sh tests/fuzz/run-all.sh 20 "$SRC/_build/fuzz"
# the Debian package: built, lintian, installed system-wide, the Postfix
# matrix on it, purged (root; not in make check for that reason)
step pkg bash tests/pkg/pkg.sh "$SRC/_build/pkg"

# Count every test case: automake summaries ("# PASS:  N", also when a
# step quotes them inside one of its own TAP lines, as the sanitizer suite
# does) and the TAP lines of steps that do not go through automake.
passed=0
failed=0
for f in "$LOGS"/*.out; do
	p=$(grep -o '# PASS: *[0-9]*' "$f" | awk '{s+=$3} END {print s+0}')
	x=$(grep -oE '# (FAIL|ERROR|XPASS): *[0-9]*' "$f" |
		awk '{s+=$3} END {print s+0}')
	tp=$(grep '^ok [0-9]' "$f" | grep -vc '# PASS:')
	tx=$(grep -c '^not ok [0-9]' "$f")
	passed=$((passed + p + tp))
	failed=$((failed + x + tx))
done
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1
echo "$passed passed, $failed failed"
[ $status -eq 0 ] && [ $failed -eq 0 ]
