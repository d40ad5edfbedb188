#!/bin/bash
# evidence.sh - what a refusal leaves behind besides the SMTP reply, driven
# through the built origin-milter with Debian's miltertest
# (tests/milter/transaction.lua): the archive copy (only what Q186134
# archives, bounded per message, in total, per interval and by free space,
# the queue id checked), the postmaster notice (its text matching the
# refusal, none for a tempfail; the sendmail command gets no descriptor of
# the filter's and a hung one does not hold up shutdown), header From
# refusals (archived, noticed, counted once), the pid file (no symlink
# followed), and -x deciding as the daemon with the MTA's name (-j).
# Prints TAP.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
MILTERTEST=${MILTERTEST:-miltertest}
FILTER="$top_builddir/origin-milter"
LUA="$top_srcdir/tests/milter/transaction.lua"
T=$(mktemp -d "${TMPDIR:-/tmp}/om-evidence.XXXXXX")
n=0
failed=0
pid=

cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}
# check NAME COMMAND... - ok when the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

if ! command -v "$MILTERTEST" >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - miltertest not installed (apt-get install miltertest)"
	exit 1
fi

cp "$top_srcdir/conf/accounts" "$T/accounts"
mkdir -p "$T/archive"
# The notice command: records its arguments, its descriptors and its text.
cat > "$T/fake-sendmail" <<EOS
#!/bin/sh
# ls lists its own descriptors: what the command inherited, as exec
# passes them on (the shell's own fds change while it sets up a pipeline
# or a redirection, so /proc/\$\$ is a moving target)
ls -l /proc/self/fd > "$T/fds.raw"
sed -n 's/.* \([0-9]*\) -> \(.*\)/\1 -> \2/p' "$T/fds.raw" > "$T/fds.tmp"
echo "ARGS: \$*" > "$T/notice.tmp"
cat >> "$T/notice.tmp"
mv "$T/fds.tmp" "$T/fds.txt"
mv "$T/notice.tmp" "$T/notice.txt"
EOS
cat > "$T/hung-sendmail" <<EOS
#!/bin/sh
echo \$\$ > "$T/hung.pid"
exec sleep 600
EOS
chmod +x "$T/fake-sendmail" "$T/hung-sendmail"

# make_conf EXTRA_SED - $T/policy.conf from the sample: refusals at end of
# data, archive and notice on, statistics file; EXTRA_SED adds to that.
make_conf() {
	sed -e "s|^socket = .*|socket = \"unix:$T/milter.sock\"|" \
	    -e 's|^user = .*|user = ""|' \
	    -e "s|^pid_file = .*|pid_file = \"$T/milter.pid\"|" \
	    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
	    -e 's|^  reject_stage = .*|  reject_stage = "data"|' \
	    -e "s|^archive = .*|archive = \"$T/archive\"|" \
	    -e 's|^notify = .*|notify = "postmaster@example.com"|' \
	    -e 's|^notify_interval = .*|notify_interval = 1|' \
	    -e "s|^sendmail_path = .*|sendmail_path = \"$T/fake-sendmail\"|" \
	    -e "s|^stats_file = .*|stats_file = \"$T/om.prom\"|" \
	    -e "${1:-s|^\$||}" \
	    "$top_srcdir/conf/policy.conf" > "$T/policy.conf"
}

start_filter() {
	: > "$T/filter.log"
	rm -f "$T/milter.sock"
	"$FILTER" -f -c "$T/policy.conf" >> "$T/filter.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$T/milter.sock" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$T/milter.sock" ]
}

stop_filter() {
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# wait_for TEST... - poll (at most 30 s) until the test holds
wait_for() {
	local i=0
	until "$@"; do
		[ $i -ge 300 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}
logged() { grep -q -- "$1" "$T/filter.log"; }
have_file() { [ -f "$1" ]; }

# run NAME LOGIN SENDER AT EXPECT [CODE XCODE TEXT] - one transaction; the
# environment may set QID, FROMHDR and BODYREP for transaction.lua.
run() {
	local name=$1 out
	out=$("$MILTERTEST" -D SOCK="unix:$T/milter.sock" -D LOGIN="$2" \
		-D SENDER="$3" -D CLIENT=192.0.2.10 -D AT="$4" -D EXPECT="$5" \
		-D CODE="${6:-}" -D XCODE="${7:-}" -D TEXT="${8:-}" \
		-D QID="${QID:-}" -D FROMHDR="${FROMHDR:-}" \
		-D BODYREP="${BODYREP:-}" -s "$LUA" 2>&1)
	if [ $? -eq 0 ]; then ok "$name"; else
		not_ok "$name: $(printf %s "$out" | head -c 300)"; fi
}

# The finished archive copies.
emls() { ls "$T"/archive/*.eml 2>/dev/null; }
neml() { emls | wc -l; }
# last_notice_gone - forget the last notice (the next one is awaited)
last_notice_gone() { rm -f "$T/notice.txt" "$T/fds.txt"; }

NOT_OWNER="Originator address does not match authentication credentials"
NEED_AUTH="Need to authenticate first"
PERM="did not have permission to use the originator address"

# --- what is archived, and the notice's text ---------------------------
make_conf
if start_filter; then ok "filter starts with archive and notice"; else
	not_ok "filter starts: $(cat "$T/filter.log")"; fi
run "need_auth refused at end of data" "" "<bob@example.com>" eom reply 504 5.7.4 "$NEED_AUTH"
wait_for have_file "$T/notice.txt"
check "need_auth: no archive copy (internet mail forging our domains)" \
	[ "$(neml)" = 0 ]
check "need_auth: the notice says the client did not authenticate" \
	grep -q "did not authenticate" "$T/notice.txt"
if grep -q "$PERM" "$T/notice.txt"; then
	not_ok "need_auth: the notice does not speak of a permission"
else
	ok "need_auth: the notice does not speak of a permission"
fi
check "notice command: stdin is the pipe, nothing else of the filter's" \
	awk '$1 > 2 && $3 !~ /fake-sendmail$/ && $3 !~ /^\/proc\// { bad = 1 }
	     $1 == 0 && $3 !~ /^pipe:/ { bad = 1 } END { exit bad }' "$T/fds.txt"
[ -f "$T/fds.txt" ] && sed 's/^/# fd /' "$T/fds.txt"
last_notice_gone
sleep 1.1 # notify_interval
run "not_owner refused at end of data" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for have_file "$T/notice.txt"
check "not_owner: archived" [ "$(neml)" = 1 ]
check "not_owner: the notice speaks of the permission" grep -q "$PERM" "$T/notice.txt"
rm -f "$T"/archive/*.eml
stop_filter

# a directory that does not answer: tempfail, neither archive nor notice
make_conf 's|^directory = .*|directory = "ldap"\nldap {\n  uri = {"ldapi://%2Fnonexistent%2Fom-evidence%2Fldapi"}\n  base = "dc=example,dc=com"\n  timeout = 2\n}|'
if start_filter; then ok "filter starts with an LDAP server that is not there"; else
	not_ok "filter starts (ldap): $(tail -3 "$T/filter.log")"; fi
last_notice_gone
run "directory error: tempfail at end of data" alice "<alice@example.com>" eom reply 451 4.7.1 "Cannot verify the originator address now, try again later"
wait_for logged "event=tempfail"
sleep 1.5 # a notice, if one were sent, would be written by now
check "tempfail: no archive copy" [ "$(neml)" = 0 ]
check "tempfail: no notice" [ ! -f "$T/notice.txt" ]
stop_filter

# --- the queue id -------------------------------------------------------
make_conf
start_filter || not_ok "filter starts (queue id)"
QID="../../evil/x" run "queue id with a path: refused as usual" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive "
f=$(emls | head -n 1)
check "queue id with a path: copy archived under a generated id" \
	eval '[ -n "$f" ] && [ "$(dirname "$f")" = "$T/archive" ] && grep -q "^X-Origin-Milter-Queue-Id: OM[0-9A-F]*.$" "$f"'
check "queue id with a path: the replacement is logged" \
	grep -q 'event=queue_id_invalid value="\?\.\./\.\./evil/x"\? .*replaced_by=OM' "$T/filter.log"
check "queue id with a path: not in the log's verdict line" \
	eval '! grep "event=reject" "$T/filter.log" | grep -q "qid=\.\./"'
rm -f "$T"/archive/*.eml
# (miltertest carries no macro of 1,000 octets; test_hostile sends 10 KB)
LONG=$(head -c 600 /dev/zero | tr '\0' Q)
QID=$LONG run "600-octet queue id: refused as usual" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive .*reason=not_owner qid=OM"
f=$(emls | head -n 1)
# the header block is six lines, then the message's own headers
check "long queue id: archived under a generated id, header block intact" \
	eval '[ -n "$f" ] && [ "$(sed -n 7p "$f" | tr -d "\r")" = "From: <bob@example.com>" ] &&
	      ! LC_ALL=C grep -q "[^[:print:][:space:]]" "$f" && ! grep -q QQQQ "$f"'
rm -f "$T"/archive/*.eml
stop_filter

# --- bounds on the archive -------------------------------------------------
make_conf 's|^archive_max_per_interval = .*|archive_max_per_interval = 1|;s|^archive_max_message_kb = .*|archive_max_message_kb = 4|'
start_filter || not_ok "filter starts (bounds): $(tail -2 "$T/filter.log")"
BODYREP=200 run "5 KB message refused" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive_skipped reason=message_size"
check "per-message bound: not archived, logged" eval '[ "$(neml)" = 0 ] && logged "event=archive_skipped reason=message_size"'
check "per-message bound: no spool file left" eval '[ -z "$(ls -A "$T/archive")" ]'
run "small message refused" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
run "second small message refused" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive_skipped reason=rate"
check "per-interval bound: one archived, the next skipped and logged" \
	eval '[ "$(neml)" = 1 ] && logged "event=archive_skipped reason=rate"'
rm -f "$T"/archive/*.eml
stop_filter
make_conf 's|^archive_max_total_mb = .*|archive_max_total_mb = 1|'
head -c 1100000 /dev/zero > "$T/archive/older.eml"
start_filter || not_ok "filter starts (total)"
run "refused with a full archive" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive_skipped"
check "total bound: not archived, logged" \
	eval '[ "$(neml)" = 1 ] && logged "event=archive_skipped reason=total_size"'
rm -f "$T"/archive/*.eml
stop_filter
make_conf 's|^archive_min_free_percent = .*|archive_min_free_percent = 100|'
start_filter || not_ok "filter starts (free space)"
run "refused with no free space to spare" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for logged "event=archive_skipped"
check "free-space check (statvfs): not archived, logged" \
	eval '[ "$(neml)" = 0 ] && logged "event=archive_skipped reason=disk_space"'
stop_filter

# --- header From refusals ------------------------------------------------
make_conf 's|^  check_header_from = .*|  check_header_from = true|'
start_filter || not_ok "filter starts (check_header_from)"
last_notice_gone
FROMHDR="<bob@example.com>" run "header From: refused at end of message" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for have_file "$T/notice.txt"
f=$(emls | head -n 1)
check "header From: archived whole" \
	eval '[ -n "$f" ] && grep -q "^X-Origin-Milter-Reason: not_owner" "$f" && grep -q "^From: <bob@example.com>" "$f" && grep -q "^last line" "$f"'
check "header From: notice sent, naming the header" \
	eval 'grep -q "From: or Sender: header" "$T/notice.txt"'
FROMHDR="<alice@example.com>" run "header From: own address accepted" alice "<alice@example.com>" eom continue
check "header From: nothing spooled for the accepted message" \
	eval '[ "$(neml)" = 1 ] && [ -z "$(ls -A "$T/archive" | grep -v "\.eml$")" ]'
kill -USR2 "$pid"
wait_for logged "event=stats "
check "header From: counted once (reject/not_owner 1, accept/owner 1)" \
	eval 'grep -q "origin_milter_verdicts_total{action=\"reject\",reason=\"not_owner\"} 1$" "$T/om.prom" &&
	      grep -q "origin_milter_verdicts_total{action=\"accept\",reason=\"owner\"} 1$" "$T/om.prom"'
stop_filter

# --- a hung notice command does not hold up shutdown ------------------------
make_conf "s|^sendmail_path = .*|sendmail_path = \"$T/hung-sendmail\"|"
start_filter || not_ok "filter starts (hung sendmail)"
run "refused; the notice command hangs" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
wait_for have_file "$T/hung.pid"
kill "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	not_ok "shutdown with a hung notice command: the filter stops"
	kill -9 "$pid"
else
	ok "shutdown with a hung notice command: the filter stops"
fi
wait "$pid" 2>/dev/null
pid=
check "the hung command was killed and logged" \
	eval 'logged "event=notify_timeout" && ! kill -0 "$(cat "$T/hung.pid")" 2>/dev/null'
kill -9 "$(cat "$T/hung.pid")" 2>/dev/null

# --- the pid file ---------------------------------------------------------
make_conf
echo "precious" > "$T/victim"
ln -s "$T/victim" "$T/milter.pid"
if start_filter; then
	not_ok "pid file planted as a symlink: the filter refuses to start"
	stop_filter
else
	ok "pid file planted as a symlink: the filter refuses to start"
fi
wait "$pid" 2>/dev/null
pid=
check "the symlink's target is untouched" eval '[ "$(cat "$T/victim")" = precious ]'
check "the refusal names the pid file" grep -q "pid file $T/milter.pid" "$T/filter.log"
rm -f "$T/milter.pid"
echo 999999 > "$T/milter.pid"
if start_filter; then ok "a stale pid file is replaced"; else
	not_ok "a stale pid file is replaced: $(tail -2 "$T/filter.log")"; fi
check "the pid file holds the filter's pid" eval '[ "$(cat "$T/milter.pid")" = "$pid" ]'
stop_filter

# --- -x decides as the daemon, given the MTA's name ------------------------
make_conf 's|^server_name = .*|server_name = ""|;s|^  check_home_server = .*|  check_home_server = true|'
"$FILTER" -c "$T/policy.conf" -j mail2.example.com -x carol carol@example.com > "$T/x.out" 2>&1
check "-x -j mail2: carol (homed on mail2) accepted" eval '[ $? = 0 ] || true; grep -q "^verdict:  accept" "$T/x.out"'
"$FILTER" -c "$T/policy.conf" -j mail1.example.com -x carol carol@example.com > "$T/x.out" 2>&1
rc=$?
check "-x -j mail1: carol refused as not local, exit 1" \
	eval '[ $rc = 1 ] && grep -q "reason:   not_local" "$T/x.out"'
make_conf 's|^  check_header_from = .*|  check_header_from = true|'
"$FILTER" -c "$T/policy.conf" -F "Bob <bob@example.com>" -x alice alice@example.com > "$T/x.out" 2>&1
rc=$?
check "-x -F: a From: header alice does not own is refused, exit 1" \
	eval '[ $rc = 1 ] && grep -q "header_from=<\\?bob@example.com" "$T/x.out"'

echo "1..$n"
[ $failed -eq 0 ]
