# tests/postfix/tap.sh - tiny TAP helpers for the end-to-end shell tests.
# Source it; results go to stdout, diagnostics to stdout as "# " lines.

TAP_FAILED=0
TAP_N=0

# tap_plan N - print the plan line.
tap_plan() {
	echo "1..$1"
}

# tap_bail MSG - stop the whole test file (the driver counts it as an error).
tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# tap_result NAME STATUS [DIAG...] - print the next ok/not ok, with
# diagnostics when it failed.
tap_result() {
	local n name=$1 st=$2
	shift 2
	TAP_N=$((TAP_N + 1))
	n=$TAP_N
	if [ "$st" = 0 ]; then
		echo "ok $n - $name"
		return 0
	fi
	echo "not ok $n - $name"
	TAP_FAILED=$((TAP_FAILED + 1))
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
	return 1
}

# tap_is NAME GOT WANT - pass when GOT equals WANT exactly.
tap_is() {
	[ "$2" = "$3" ]
	tap_result "$1" $? "got:  '$2'" "want: '$3'"
}

# tap_like NAME GOT ERE - pass when GOT matches the extended regex ERE.
tap_like() {
	printf '%s\n' "$2" | grep -Eq -- "$3"
	tap_result "$1" $? "got:  '$2'" "want: /$3/"
}

# tap_ok NAME CMD... - pass when CMD succeeds (its stderr becomes diagnostics).
tap_ok() {
	local name=$1 err
	shift
	err=$("$@" 2>&1 >/dev/null)
	tap_result "$name" $? "command failed: $*" ${err:+"$err"}
}

# tap_done - exit status for the test file: 1 when a case failed.
tap_done() {
	[ "$TAP_FAILED" = 0 ]
}
