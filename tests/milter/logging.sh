#!/bin/sh
# logging.sh - where the built origin-milter logs, and what a reload says.
# One destination, never two: with log = auto and -f every verdict is one
# line on stderr and none in syslog; log = syslog sends them to syslog only;
# when JOURNAL_STREAM names stderr the lines carry journald's <prio>. A
# private syslog socket (a mount namespace with our own /dev/log, read by a
# Perl datagram sink) lets the test count syslog lines. Also: a reload that
# changes umask or pid_file logs event=restart_required; a file the
# unprivileged user cannot read is named at start, by -n, and on reload.
# Prints TAP.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
MILTERTEST=${MILTERTEST:-miltertest}
FILTER=$(cd "$top_builddir" && pwd)/origin-milter
LUA="$top_srcdir/tests/milter/transaction.lua"
T=$(mktemp -d /tmp/om-logging.XXXXXX)
chmod 0755 "$T"
n=0
failed=0
pid=
sink=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$sink" ] && kill "$sink" 2>/dev/null && wait "$sink" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}
skip() { n=$((n + 1)); printf 'ok %d - %s # SKIP %s\n' "$n" "$1" "$2"; }
# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}

if ! command -v "$MILTERTEST" >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - miltertest not installed (apt-get install miltertest)"
	exit 1
fi

# The syslog sink: a datagram socket that writes each message as a line.
perl -MIO::Socket::UNIX -MSocket -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0])
		or die "sink: $!";
	open(my $f, ">>", $ARGV[1]) or die "sink: $!";
	$f->autoflush(1);
	print $f "$m\n" while defined $s->recv($m, 65536);
' "$T/log.sock" "$T/syslog.txt" &
sink=$!
i=0
while [ ! -S "$T/log.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
: > "$T/syslog.txt"
chmod 0666 "$T/log.sock"

# unshare -m sh -c "$NS" sh $T CMD... - run CMD with /dev/log = the sink,
# in a private /dev, by exec all along (so $! is CMD's pid). Fails when
# mount namespaces are not allowed.
NS='T=$1; shift
mkdir -p "$T/dev" && mount -t tmpfs -o mode=0755 none "$T/dev" || exit 97
for f in null zero random urandom; do
	touch "$T/dev/$f" && mount --bind "/dev/$f" "$T/dev/$f" || exit 97
done
ln -s /proc/self/fd "$T/dev/fd"
touch "$T/dev/log" && mount --bind "$T/log.sock" "$T/dev/log" &&
	mount --rbind "$T/dev" /dev || exit 97
exec "$@"'
have_ns=no
if [ "$(id -u)" -eq 0 ] &&
    unshare -m sh -c "$NS" sh "$T" logger -t om-logging-probe probe 2>/dev/null; then
	i=0
	while ! grep -q om-logging-probe "$T/syslog.txt" && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q om-logging-probe "$T/syslog.txt" && have_ns=yes
fi
: > "$T/syslog.txt"

# make_conf LOG [extra sed] - $T/policy.conf from the sample.
make_conf() {
	sed -e "s|^socket = .*|socket = \"unix:$T/milter.sock\"|" \
	    -e 's|^user = .*|user = ""|' \
	    -e "s|^pid_file = .*|pid_file = \"$T/milter.pid\"|" \
	    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
	    -e "s|^log = .*|log = \"$1\"|" \
	    -e "${2:-s|^\$||}" \
	    "$top_srcdir/conf/policy.conf" > "$T/policy.conf"
}

# start_filter [ENV=VALUE...] - the filter with -f, stderr in filter.log,
# in the syslog namespace when there is one.
start_filter() {
	: > "$T/filter.log"
	rm -f "$T/milter.sock"
	if [ $have_ns = yes ]; then
		unshare -m sh -c "$NS" sh "$T" env "$@" "$FILTER" -f \
			-c "$T/policy.conf" >> "$T/filter.log" 2>&1 &
	else
		env "$@" "$FILTER" -f -c "$T/policy.conf" >> "$T/filter.log" 2>&1 &
	fi
	pid=$!
	i=0
	while [ ! -S "$T/milter.sock" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$T/milter.sock" ]
}

stop_filter() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# wait_for FILE PATTERN COUNT - until FILE has COUNT lines matching (30 s).
wait_for() {
	i=0
	while [ "$(grep -Ec "$2" "$1")" -lt "$3" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# count FILE PATTERN - lines matching the ERE.
count() { grep -Ec "$2" "$1"; }

# four transactions: two accepted, two refused; each must answer as asked.
traffic() {
	for tx in "alice <alice@example.com> accept" "alice <bob@example.com> reply" \
	    "bob <bob@example.com> accept" "carol <alice@example.com> reply"; do
		set -- $tx
		if ! "$MILTERTEST" -D SOCK="unix:$T/milter.sock" -D LOGIN="$1" \
		    -D SENDER="$2" -D CLIENT=192.0.2.10 -D AT=mail -D EXPECT="$3" \
		    -D CODE= -D XCODE= -D TEXT= -s "$LUA" >> "$T/mt.log" 2>&1; then
			return 1
		fi
	done
}

VERDICT='event=(accept|reject|tempfail) reason='
cp "$top_srcdir/conf/accounts" "$T/accounts"
chmod 0644 "$T/accounts"

# --- log = auto with -f: stderr only ---------------------------------------
make_conf auto
if start_filter && traffic; then ok "auto: filter answers four transactions"; else
	not_ok "auto: filter answers: $(cat "$T/filter.log" "$T/mt.log")"; fi
wait_for "$T/filter.log" "$VERDICT" 4
stop_filter
is "auto, -f: one stderr line per verdict" "$(count "$T/filter.log" "$VERDICT")" 4
is "auto, -f: stderr lines are 'origin-milter: event=...'" \
	"$(count "$T/filter.log" "^origin-milter: $VERDICT")" 4
if [ $have_ns = yes ]; then
	is "auto, -f: nothing in syslog" "$(count "$T/syslog.txt" "event=")" 0
else
	skip "auto, -f: nothing in syslog" "no mount namespace for a private /dev/log"
fi

# --- log = syslog with -f: syslog only -------------------------------------
: > "$T/syslog.txt"
make_conf syslog
if start_filter && traffic; then ok "syslog: filter answers four transactions"; else
	not_ok "syslog: filter answers: $(cat "$T/filter.log" "$T/mt.log")"; fi
if [ $have_ns = yes ]; then
	wait_for "$T/syslog.txt" "$VERDICT" 4
	sleep 0.2
	is "syslog: one syslog line per verdict" "$(count "$T/syslog.txt" "$VERDICT")" 4
	is "syslog: facility mail, tagged origin-milter[pid]" \
		"$(count "$T/syslog.txt" "^<(21|22)>.*origin-milter\[[0-9]+\]: $VERDICT")" 4
fi
stop_filter
is "syslog: nothing on stderr" "$(count "$T/filter.log" "event=")" 0
[ $have_ns = yes ] || skip "syslog: one syslog line per verdict" "no mount namespace"

# --- stderr is the journal's stream: <prio> prefix, stderr only -------------
: > "$T/syslog.txt"
make_conf auto
: > "$T/filter.log"
js=$(stat -c '%d:%i' "$T/filter.log")
if start_filter JOURNAL_STREAM="$js" && traffic; then
	ok "journal: filter answers four transactions"; else
	not_ok "journal: filter answers: $(cat "$T/filter.log" "$T/mt.log")"; fi
wait_for "$T/filter.log" "$VERDICT" 4
stop_filter
is "journal: one line per verdict, with journald's <prio>" \
	"$(count "$T/filter.log" "^<[56]>$VERDICT")" 4
is "journal: no 'origin-milter:' prefix (journald names the unit)" \
	"$(count "$T/filter.log" "^origin-milter:")" 0
if [ $have_ns = yes ]; then
	is "journal: nothing in syslog" "$(count "$T/syslog.txt" "event=")" 0
else
	skip "journal: nothing in syslog" "no mount namespace"
fi

# --- reload: what needs a restart says so ----------------------------------
make_conf auto
start_filter || not_ok "filter starts (reload)"
make_conf auto "s|^umask = .*|umask = 022|;s|^log_level = .*|log_level = \"notice\"|"
kill -USR1 "$pid"
wait_for "$T/filter.log" "event=reload " 1
is "reload changing umask: restart_required key=umask" \
	"$(count "$T/filter.log" 'event=restart_required key=umask running=0007 configured=0022')" 1
is "reload changing umask: only that key is named" \
	"$(count "$T/filter.log" 'event=restart_required')" 1
is "reload still applies the rest (status=ok)" \
	"$(count "$T/filter.log" 'event=reload config=.* status=ok')" 1
make_conf auto "s|^umask = .*|umask = 022|;s|^pid_file = .*|pid_file = \"$T/other.pid\"|"
kill -USR1 "$pid"
wait_for "$T/filter.log" "event=reload " 2
is "reload changing pid_file: restart_required key=pid_file" \
	"$(count "$T/filter.log" "event=restart_required key=pid_file running=$T/milter.pid configured=$T/other.pid")" 1
is "the start line names the session threads' stack size" \
	"$(count "$T/filter.log" 'event=start .* thread_stack_kb=1024$')" 1
make_conf auto "s|^thread_stack_kb = .*|thread_stack_kb = 512|"
kill -USR1 "$pid"
wait_for "$T/filter.log" "event=reload " 3
is "reload changing thread_stack_kb: restart_required key=thread_stack_kb" \
	"$(count "$T/filter.log" 'event=restart_required key=thread_stack_kb running=1024 configured=512')" 1
stop_filter

# --- files a reload reads, as the unprivileged user -------------------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -m 0777 "$T/run"
	make_conf auto "s|^user = .*|user = \"nobody\"|;s|^socket = .*|socket = \"unix:$T/run/milter.sock\"|"
	chmod 0644 "$T/policy.conf"
	chmod 0600 "$T/accounts"
	out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
	case $out in
	*"warning: accounts_file $T/accounts: Permission denied as user \"nobody\""*"ok"*)
		ok "-n as root warns: accounts_file unreadable for user nobody" ;;
	*) not_ok "-n as root warns: accounts_file unreadable: $out" ;;
	esac
	: > "$T/filter.log"
	"$FILTER" -f -c "$T/policy.conf" >> "$T/filter.log" 2>&1 &
	pid=$!
	wait_for "$T/filter.log" "event=start " 1
	is "start as root, user nobody: reload_will_fail key=accounts_file" \
		"$(count "$T/filter.log" "event=reload_will_fail key=accounts_file path=$T/accounts user=nobody")" 1
	kill -USR1 "$pid"
	wait_for "$T/filter.log" "event=reload_failed" 1
	is "and the reload does fail, logged" \
		"$(count "$T/filter.log" "event=reload_failed.*accounts.*kept=previous")" 1
	stop_filter
	chmod 0644 "$T/accounts"
	out=$("$FILTER" -n -c "$T/policy.conf" 2>&1)
	is "-n as root, readable files: no warning" "$out" "$T/policy.conf: ok"
else
	for t in 1 2 3 4; do skip "unprivileged reload check $t" "needs root and user nobody"; done
fi

echo "1..$n"
[ $failed -eq 0 ]
