#!/bin/sh
# protocol.sh - drive the built origin-milter through whole SMTP
# transactions with Debian's miltertest, on the sample policy.conf and
# accounts file, at each reject_stage. Asserts the reply code the milter
# sends at each step and the exact KB reply texts (from the milter's reply
# at end of message, and from the verdict line of its log at MAIL/RCPT).
# Prints TAP.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
MILTERTEST=${MILTERTEST:-miltertest}
FILTER="$top_builddir/origin-milter"
LUA="$top_srcdir/tests/milter/transaction.lua"
T=$(mktemp -d /tmp/om-protocol.XXXXXX)
n=0
failed=0
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
[ -n "${KEEP:-}" ] && trap - EXIT

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}

if ! command -v "$MILTERTEST" >/dev/null 2>&1; then
	echo "1..1"
	echo "not ok 1 - miltertest not installed (apt-get install miltertest)"
	exit 1
fi

# Write $T/policy.conf from the sample with test paths and settings.
# $1 = reject_stage, $2 = check_home_server, $3 = extra sed expression
make_conf() {
	sed -e "s|^socket = .*|socket = \"unix:$T/milter.sock\"|" \
	    -e 's|^user = .*|user = ""|' \
	    -e "s|^pid_file = .*|pid_file = \"$T/milter.pid\"|" \
	    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
	    -e "s|^  reject_stage = .*|  reject_stage = \"$1\"|" \
	    -e "s|^  check_home_server = .*|  check_home_server = $2|" \
	    -e "${3:-s|^\$||}" \
	    "$top_srcdir/conf/policy.conf" > "$T/policy.conf"
}

start_filter() {
	: > "$T/filter.log"
	"$FILTER" -f -c "$T/policy.conf" >> "$T/filter.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$T/milter.sock" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$T/milter.sock" ]
}

# wait_log PATTERN COUNT - until the log holds COUNT lines matching PATTERN
# (at most 30 s); a reload may wait for a freshly written file to settle.
wait_log() {
	i=0
	while [ "$(grep -c "$1" "$T/filter.log")" -lt "$2" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# log_since BEFORE TEXT - the log, after its first BEFORE lines, holds TEXT
# (a fixed string); polled for at most 30 s, as the line is written just
# after the reply the MTA (miltertest) already has
log_since() {
	i=0
	while ! tail -n +"$(($1 + 1))" "$T/filter.log" | grep -qF -- "$2"; do
		[ $i -ge 300 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

stop_filter() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	rm -f "$T/milter.sock"
}

# case NAME LOGIN SENDER AT EXPECT [CODE XCODE TEXT]
# With AT=mail|rcpt and EXPECT=reply the text is checked in the log line.
# FROMHDR, FROMHDR2, SENDERHDR (environment, optional): the From: and
# Sender: headers sent, "\r", "\n", "\t" standing for CR, LF, TAB.
tcase() {
	name=$1 login=$2 sender=$3 at=$4 expect=$5
	code=${6:-} xcode=${7:-} text=${8:-}
	before=$(wc -l < "$T/filter.log")
	out=$("$MILTERTEST" -D SOCK="unix:$T/milter.sock" -D LOGIN="$login" \
		-D SENDER="$sender" -D CLIENT=192.0.2.10 -D AT="$at" \
		-D EXPECT="$expect" -D CODE="$code" -D XCODE="$xcode" \
		-D TEXT="$text" -D FROMHDR="${FROMHDR:-}" \
		-D FROMHDR2="${FROMHDR2:-}" -D SENDERHDR="${SENDERHDR:-}" \
		-D DNAME="${DNAME:-}" \
		-D ADDHDRS="${ADDHDRS:-}" -D HDRNAME="${HDRNAME:-}" \
		-D HDRVALUE="${HDRVALUE:-}" -D NOHDR="${NOHDR:-}" \
		-D MTAV="${MTAV:-}" -D AUTHTYPE="${AUTHTYPE:-}" \
		-s "$LUA" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$name ($at: $expect) miltertest rc=$rc: $out"
		return
	fi
	if [ "$expect" = reply ] && [ "$at" != eom ]; then
		if ! log_since "$before" "reply=\"$code $xcode $text\""; then
			not_ok "$name: log has no reply=\"$code $xcode $text\""
			return
		fi
	fi
	ok "$name ($at: $expect${code:+ $code $xcode $text})"
}

NOT_OWNER="Originator address does not match authentication credentials"
cp "$top_srcdir/conf/accounts" "$T/accounts"

# --- reject_stage = mail, home-server rule on --------------------------------
make_conf mail true
if start_filter; then ok "filter starts on the sample policy.conf"; else
	not_ok "filter starts: $(cat "$T/filter.log")"; fi
tcase "own address" alice "<alice@example.com>" mail accept
tcase "second address (alias)" alice "<A.Smith@Example.com>" mail accept
tcase "sub-address" alice "<alice+lists@example.com>" mail accept
tcase "catch-all" boss "<anyone@example.org>" mail accept
tcase "send-as (delegate)" alice "<sales@example.com>" mail accept
tcase "not owner" alice "<bob@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "not owner, NT domain login" 'EXAMPLE\alice' "<bob@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "not local (homed on mail2)" carol "<carol@example.com>" mail reply 554 5.7.1 "Mailbox is not local: carol@example.com"
tcase "unauthenticated, local domain" "" "<alice@example.com>" mail reply 504 5.7.4 "Need to authenticate first"
tcase "unauthenticated, foreign domain" "" "<someone@elsewhere.example>" mail accept
tcase "unauthenticated, null sender" "" "<>" mail accept
tcase "authenticated, null sender" alice "<>" mail accept
tcase "Q191558: DOMAIN\\account, alias differs" 'EXAMPLE\jdoe' "<john@example.com>" mail accept
tcase "user@REALM login" 'jdoe@EXAMPLE.COM' "<john@example.com>" mail accept
tcase "Q198704: custom recipient shares the alias" john "<john@partner.example>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "hostile login (LDAP filter characters)" '*)(uid=*' "<alice@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "malformed sender" alice "<alice@exa mple.com>" mail reply 501 5.1.7 "Bad sender address syntax"
tcase "quoted local part smuggling an @" alice '<"alice@example.com"@evil.example>' mail reply 554 5.7.1 "$NOT_OWNER"
if grep -q 'event=reject reason=login_unknown login="\*)(uid=\*"' "$T/filter.log" ||
   grep -q 'event=reject reason=login_unknown login=\*)(uid=\*' "$T/filter.log"; then
	ok "log names the refused login and reason"
else
	not_ok "log names the refused login and reason"
fi

# --- reload: a broken file keeps the old configuration; a good one applies ---
cp "$T/policy.conf" "$T/good.conf"
printf 'policy {\n  reject_stage = "sometime"\n}\n' >> "$T/policy.conf"
kill -USR1 "$pid"
wait_log "event=reload_failed" 1
if grep -q "event=reload_failed.*policy.conf:[0-9]*: .*reject_stage" "$T/filter.log"; then
	ok "reload with a broken policy.conf is refused with FILE:LINE"
else
	not_ok "reload with a broken policy.conf is refused with FILE:LINE"
fi
tcase "old configuration still in force" alice "<bob@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
cp "$T/good.conf" "$T/policy.conf"
sed 's/^bob .*/bob bob@example.com/' "$T/accounts" > "$T/accounts.new"
echo "alice2 ceo@example.com delegates=alice" >> "$T/accounts.new"
mv "$T/accounts.new" "$T/accounts"
kill -USR1 "$pid"
wait_log "event=reload config" 1
tcase "reload applies a new accounts file" alice "<ceo@example.com>" mail accept
stop_filter

# --- reject_stage = data: refusals after the message (Q262945) ---------------
cp "$top_srcdir/conf/accounts" "$T/accounts"
make_conf data true
start_filter || not_ok "filter starts (data stage)"
tcase "data stage: accepted message" alice "<alice@example.com>" mail accept
tcase "data stage: not owner" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
tcase "data stage: not local" carol "<carol@example.com>" eom reply 554 5.7.1 "Mailbox is not local: carol@example.com"
tcase "data stage: need auth" "" "<bob@example.com>" eom reply 504 5.7.4 "Need to authenticate first"
stop_filter

# --- check_header_from: folded headers as Postfix/Sendmail pass them ------
# (the fold kept inside the value as LF + blank; CRLF + blank accepted too)
make_conf mail false 's|^  check_header_from = .*|  check_header_from = true|'
start_filter || not_ok "filter starts (check_header_from)"
FROMHDR='"Smith, Alice (Sales and Marketing Department, Europe, Middle East)"\n\t<alice@example.com>' \
	tcase "header From: Outlook long name folded (LF TAB)" alice "<alice@example.com>" eom continue
FROMHDR='=?UTF-8?Q?J=c3=bcrgen_M=c3=bcller_=28Vertrieb_und_Marketing=2c_Europa?=\r\n =?UTF-8?Q?=29?= <alice@example.com>' \
	tcase "header From: Thunderbird encoded words folded (CRLF SPACE)" alice "<alice@example.com>" eom continue
FROMHDR='Alice <alice@example.com>,\n The Boss <boss@example.com>' \
	tcase "header From: folded list, second not owned" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
FROMHDR='<alice@example.com> <boss@example.com>' \
	tcase "header From: two addresses without a comma" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
if tail -n 5 "$T/filter.log" | grep -q 'reason=header_unparsable .*header_error=syntax'; then
	ok "header From: logged as header_unparsable, header_error=syntax"
else
	not_ok "header From: logged as header_unparsable ($(tail -n 2 "$T/filter.log"))"
fi
FROMHDR='Alice <alice@example.com>' FROMHDR2='The Boss <boss@example.com>' \
	tcase "header From: two From: headers" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
FROMHDR='Sales <sales@example.com>' SENDERHDR='"Smith,\n Alice" <alice@example.com>' \
	tcase "header From: send on behalf, folded Sender:" alice "<alice@example.com>" eom continue
FROMHDR='Alice <alice@example.com>' SENDERHDR='The Boss <boss@example.com>' \
	tcase "header Sender: not owned" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
FROMHDR='Alice\n<alice@example.com>' \
	tcase "header From: LF without a blank is no fold" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
stop_filter

# --- reject_stage = rcpt ----------------------------------------------------------
make_conf rcpt false
start_filter || not_ok "filter starts (rcpt stage)"
tcase "rcpt stage: not owner" alice "<bob@example.com>" rcpt reply 554 5.7.1 "$NOT_OWNER"
tcase "rcpt stage: home rule off, carol accepted" carol "<carol@example.com>" mail accept
stop_filter

# --- evidence: archive copy, postmaster notice, statistics (Q186134) -------
mkdir -p "$T/archive"
cat > "$T/fake-sendmail" <<EOS
#!/bin/sh
echo "ARGS: \$*" > "$T/notice.tmp"
cat >> "$T/notice.tmp"
mv "$T/notice.tmp" "$T/notice.txt"
EOS
chmod +x "$T/fake-sendmail"
make_conf data false "s|^archive = .*|archive = \"$T/archive\"|;s|^notify = .*|notify = \"postmaster@example.com\"|;s|^sendmail_path = .*|sendmail_path = \"$T/fake-sendmail\"|;s|^stats_file = .*|stats_file = \"$T/om.prom\"|"
start_filter || not_ok "filter starts (evidence)"
tcase "archive: not owner refused at end of data" alice "<bob@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
i=0
while [ -z "$(ls "$T"/archive/*.eml 2>/dev/null)" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
f=$(ls "$T"/archive/*.eml 2>/dev/null | head -n 1)
if [ -n "$f" ] && [ "$(stat -c %a "$f")" = 600 ]; then
	ok "archive: refused message stored, mode 0600"
else
	not_ok "archive: refused message stored, mode 0600 ($(ls -la "$T/archive"))"
fi
printf 'line one\r\n.dot line\r\nlast line\r\n' > "$T/body.expected"
if [ -n "$f" ] && tail -c "$(wc -c < "$T/body.expected")" "$f" | cmp -s - "$T/body.expected"; then
	ok "archive: body byte-identical to what was sent"
else
	not_ok "archive: body byte-identical to what was sent"
fi
if [ -n "$f" ] && grep -q "^X-Origin-Milter-Login: alice" "$f" &&
    grep -q "^X-Origin-Milter-Reason: not_owner" "$f" &&
    grep -q "^X-Origin-Milter-Client: 192.0.2.10" "$f" &&
    grep -q "^Subject: test <bob@example.com>" "$f"; then
	ok "archive: header block names login, reason, client; headers kept"
else
	not_ok "archive: header block names login, reason, client; headers kept"
fi
if [ -z "$(ls -A "$T"/archive | grep -v '\.eml$')" ]; then
	ok "archive: no spool or temporary file left behind"
else
	not_ok "archive: no spool or temporary file left behind ($(ls -A "$T/archive"))"
fi
tcase "archive: accepted message" alice "<alice@example.com>" mail accept
i=0
while [ ! -f "$T/notice.txt" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if [ -f "$T/notice.txt" ] && grep -q "^ARGS: -i -f  -- postmaster@example.com" "$T/notice.txt" &&
    grep -q "did not have permission to use the originator address" "$T/notice.txt" &&
    grep -q "^   alice$" "$T/notice.txt" && grep -q "^   192.0.2.10$" "$T/notice.txt" &&
    grep -q "Subject: test <bob@example.com>" "$T/notice.txt"; then
	ok "notice: postmaster told To/From/Subject, host and account"
else
	not_ok "notice: postmaster told To/From/Subject, host and account ($(cat "$T/notice.txt" 2>/dev/null | head -5))"
fi
kill -USR2 "$pid"
# the file is rewritten and the counters logged on SIGUSR2: poll for both
i=0
while ! grep -q 'origin_milter_decision_seconds_count 2' "$T/om.prom" 2>/dev/null &&
    [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait_log "event=stats connections=" 1
if grep -q 'origin_milter_verdicts_total{action="reject",reason="not_owner"} 1' "$T/om.prom" &&
    grep -q 'origin_milter_verdicts_total{action="accept",reason="owner"} 1' "$T/om.prom" &&
    grep -q 'origin_milter_decision_seconds_count 2' "$T/om.prom"; then
	ok "statistics: Prometheus file counts verdicts by reason"
else
	not_ok "statistics: Prometheus file counts verdicts by reason"
fi
if grep -q "event=stats connections=" "$T/filter.log"; then
	ok "statistics: SIGUSR2 logs the counters"
else
	not_ok "statistics: SIGUSR2 logs the counters"
fi
stop_filter

# --- report-only mode (issue 12) ------------------------------------------------
# logged NAME PATTERN - the log has a line matching PATTERN (extended regexp)
logged() {
	i=0
	while ! grep -Eq "$2" "$T/filter.log" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -Eq "$2" "$T/filter.log"; then ok "$1"; else
		not_ok "$1: no log line matching $2"; fi
}
make_conf mail true "s|^stats_file = .*|stats_file = \"$T/om.prom\"|;s|^  mode = .*|  mode = \"report\"|;s|^  need_auth_mode = .*|  need_auth_mode = \"enforce\"|"
start_filter || not_ok "filter starts (report mode)"
ADDHDRS=no tcase "report: not owner accepted at MAIL, no add-header negotiated" alice "<bob@example.com>" mail accept
logged "report: event=would_reject with the reason, rule and reply enforce mode logs" \
	'event=would_reject reason=not_owner login=alice .*sender=<bob@example.com> .*stage=mail check=not_owner reply="554 5.7.1 Originator address does not match authentication credentials" .*addresses='
tcase "report: not local accepted" carol "<carol@example.com>" mail accept
logged "report: not_local logged as would_reject" 'event=would_reject reason=not_local login=carol .*check=not_local'
tcase "report: need_auth still enforced (need_auth_mode = enforce)" "" "<alice@example.com>" mail reply 504 5.7.4 "Need to authenticate first"
tcase "report: owner accepted as before" alice "<alice@example.com>" mail accept
kill -USR2 "$pid"
wait_log "event=stats" 1
if grep -q 'origin_milter_verdicts_total{action="would_reject",reason="not_owner"} 1' "$T/om.prom" &&
    grep -q 'origin_milter_would_reject_total{rule="not_owner"} 1' "$T/om.prom" &&
    grep -q 'origin_milter_would_reject_total{rule="not_local"} 1' "$T/om.prom" &&
    grep -q 'origin_milter_verdicts_total{action="reject",reason="need_auth"} 1' "$T/om.prom" &&
    ! grep -q 'action="reject",reason="not_owner"' "$T/om.prom"; then
	ok "report: statistics count would_reject per rule, not as refusals"
else
	not_ok "report: statistics count would_reject per rule ($(grep -i would "$T/om.prom"))"
fi
# a reload that turns the header on: new connections negotiate add-header
sed -i 's|^  report_header = .*|  report_header = true|' "$T/policy.conf"
kill -USR1 "$pid"
wait_log "event=reload config" 1
ADDHDRS=yes HDRNAME=X-Origin-Milter HDRVALUE="would-reject check=not_owner reason=not_owner login=alice" \
	tcase "report header after reload: add-header negotiated, header added at end of message" alice "<bob@example.com>" eom continue
ADDHDRS=yes NOHDR=X-Origin-Milter tcase "report header: an accepted message passes at MAIL, no header" alice "<alice@example.com>" mail accept
HDRNAME=X-Origin-Milter HDRVALUE="would-reject check=not_owner reason=login_invalid login=x??y" \
	tcase "report header: value cleaned of CR/LF" "$(printf 'x\r\ny')" "<bob@example.com>" eom continue
stop_filter

# per-rule modes and listeners: enforce the envelope, watch header From;
# the listener ORIGINATING enforces everything
cat >> "$T/policy.conf" <<EOC
listener "submission" {
  daemon_name = "ORIGINATING"
  mode = "enforce"
}
EOC
sed -i 's|^  check_header_from = .*|  check_header_from = true|;s|^  mode = .*|  mode = "enforce"|;s|^  header_from_mode = .*|  header_from_mode = "report"|' "$T/policy.conf"
start_filter || not_ok "filter starts (per-rule modes, listeners)"
tcase "per rule: envelope not owner enforced" alice "<bob@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
FROMHDR="Bob <bob@example.com>" HDRNAME=X-Origin-Milter HDRVALUE="would-reject check=header_from reason=not_owner login=alice" \
	tcase "per rule: header From not owned, only reported, header added" alice "<alice@example.com>" eom continue
logged "per rule: header From logged as would_reject rule=header_from" 'event=would_reject reason=not_owner login=alice .*stage=data check=header_from'
DNAME=ORIGINATING FROMHDR="Bob <bob@example.com>" \
	tcase "listener ORIGINATING: header From refused" alice "<alice@example.com>" eom reply 554 5.7.1 "$NOT_OWNER"
logged "listener: the log names the listener" 'event=reject reason=not_owner login=alice .*check=header_from listener=submission'
stop_filter

# allowed_forged_senders: each use logged with its own reason
make_conf mail true 's|^allowed_forged_senders = .*|allowed_forged_senders = {"noreply@example.com", "@apps.example.org"}|'
start_filter || not_ok "filter starts (allowed_forged_senders)"
tcase "allowed sender, unauthenticated" "" "<noreply@example.com>" mail accept
tcase "allowed sender, any login" bob "<x@apps.example.org>" mail accept
logged "allowed sender logged with its own reason" 'event=accept reason=allowed_forged_sender login=bob .*exempted=not_owner pattern=@apps.example.org'
tcase "not listed: still refused" bob "<alice@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
stop_filter

# -x decides as a listener does (-L), and says what report mode does
make_conf mail true 's|^  mode = .*|  mode = "report"|'
printf 'listener "submission" {\n  daemon_name = "ORIGINATING"\n  mode = "enforce"\n}\n' >> "$T/policy.conf"
out=$("$FILTER" -c "$T/policy.conf" -x alice "<bob@example.com>" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^listener: (top level)' &&
    printf '%s\n' "$out" | grep -q '^verdict:  would_reject' &&
    printf '%s\n' "$out" | grep -q '^check:    not_owner (report)'; then
	ok "-x: top level in report mode: would_reject, exit 0"
else
	not_ok "-x: top level in report mode (rc=$rc): $out"
fi
out=$("$FILTER" -c "$T/policy.conf" -L submission -x alice "<bob@example.com>" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^listener: submission' &&
    printf '%s\n' "$out" | grep -q '^verdict:  reject' &&
    printf '%s\n' "$out" | grep -q '^check:    not_owner (enforce)'; then
	ok "-x -L submission: the listener enforces, exit 1"
else
	not_ok "-x -L submission (rc=$rc): $out"
fi
"$FILTER" -c "$T/policy.conf" -L nosuch -x alice "<bob@example.com>" >/dev/null 2>&1
rc=$?
if [ $rc -eq 64 ]; then ok "-x -L with an unknown listener: usage error"; else
	not_ok "-x -L with an unknown listener: rc=$rc"; fi

# --- a custom reply text with a % and the sender -------------------------------
make_conf data true 's|^  not_local = .*|  not_local = "554 5.7.1 100% not here: %s"|'
start_filter || not_ok "filter starts (custom reply)"
tcase "custom reply, % doubled for libmilter" carol "<carol@example.com>" eom reply 554 5.7.1 "100%% not here: carol@example.com"
stop_filter

# --- logins as the MTA passes them (policy.conf(5) LOGIN FORMS) ---------------
TEMPFAIL_TEXT="Cannot verify the originator address now, try again later"
make_conf mail false
start_filter || not_ok "filter starts (login forms)"
MTAV=8.17.1 tcase "Sendmail (v 8.17.1): xtext EXAMPLE+5Calice is alice" 'EXAMPLE+5Calice' "<alice@example.com>" mail accept
logged "xtext login logged decoded" 'event=accept reason=owner login=EXAMPLE\+5Calice account=alice .*login_decoded="EXAMPLE\\\\alice"'
MTAV="Postfix 3.7.11" tcase "Postfix: EXAMPLE+5Calice taken as is, nobody" 'EXAMPLE+5Calice' "<alice@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "OTHER\\alice (NT domain not listed) is not alice" 'OTHER\alice' "<alice@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
tcase "alice@other.org (realm not listed) is not alice" 'alice@other.org' "<alice@example.com>" mail reply 554 5.7.1 "$NOT_OWNER"
AUTHTYPE=PLAIN tcase "{auth_type} without {auth_authen}: 451" "" "<alice@example.com>" mail reply 451 4.7.1 "$TEMPFAIL_TEXT"
AUTHTYPE=PLAIN tcase "... foreign sender: 451 too" "" "<someone@elsewhere.example>" mail reply 451 4.7.1 "$TEMPFAIL_TEXT"
# both messages logged first, then the once-only line counted
wait_log 'event=tempfail reason=login_missing' 2
if [ "$(grep -c 'event=error what=missing_login auth_type=PLAIN' "$T/filter.log")" = 1 ]; then
	ok "missing login logged once, loudly"
else
	not_ok "missing login logged once: $(grep -c missing_login "$T/filter.log") lines"
fi
logged "each such message logged with reason=login_missing" 'event=tempfail reason=login_missing login=- .*auth_type=PLAIN'
stop_filter
make_conf mail false 's|^  on_missing_login = .*|  on_missing_login = "anonymous"|'
start_filter || not_ok "filter starts (on_missing_login = anonymous)"
AUTHTYPE=PLAIN tcase "on_missing_login = anonymous: local sender 504" "" "<alice@example.com>" mail reply 504 5.7.4 "Need to authenticate first"
AUTHTYPE=PLAIN tcase "on_missing_login = anonymous: foreign sender accepted" "" "<someone@elsewhere.example>" mail accept
stop_filter

echo "1..$n"
[ $failed -eq 0 ]
