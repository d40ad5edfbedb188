# tests/postfix/tap.sh - tiny TAP helpers for the end-to-end shell tests.
# Source it; results go to stdout, diagnostics to stdout as "# " lines.

TAP_FAILED=0

# tap_plan N - print the plan line.
tap_plan() {
	echo "1..$1"
}

# tap_bail MSG - stop the whole test file (the driver counts it as an error).
tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# tap_result N NAME STATUS [DIAG...] - print ok/not ok with diagnostics.
tap_result() {
	local n=$1 name=$2 st=$3
	shift 3
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

# tap_is N NAME GOT WANT - pass when GOT equals WANT exactly.
tap_is() {
	[ "$3" = "$4" ]
	tap_result "$1" "$2" $? "got:  '$3'" "want: '$4'"
}

# tap_like N NAME GOT ERE - pass when GOT matches the extended regex ERE.
tap_like() {
	printf '%s\n' "$3" | grep -Eq -- "$4"
	tap_result "$1" "$2" $? "got:  '$3'" "want: /$4/"
}

# tap_ok N NAME CMD... - pass when CMD succeeds.
tap_ok() {
	local n=$1 name=$2
	shift 2
	"$@" >/dev/null 2>&1
	tap_result "$n" "$name" $? "command failed: $*"
}
