#!/bin/bash
# tests/postfix/matrix.sh - origin-milter end to end under a real Postfix:
# swaks authenticates through Cyrus SASL, Postfix hands the session to the
# running filter, and every reply line the client sees is asserted (MAIL,
# RCPT, DATA, end of data). Rows: own address, alias, sub-address, login
# alias, catch-all, send-as, not owner, unknown login, not local (home
# server), unauthenticated local and foreign senders, null sender, refusal
# at RCPT and after DATA (Q262945), the archive copy (body byte-identical),
# the postmaster notice (submitted through Postfix's sendmail), From:/Sender:
# header checks, a SIGUSR1 reload, statistics, and the directory down (451).
# OM_MATRIX_DIRECTORY=ldap runs the same rows against a real slapd
# (matrix-ldap.sh). TAP output; a missing tool fails loudly.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/postfix-env.sh"
. "$here/om-env.sh"
. "$here/tap.sh"
: "${OM_MATRIX_DIRECTORY:=file}"

cleanup() {
	om_stop
	declare -F slapd_env_stop >/dev/null && slapd_env_stop
	pf_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

tap_plan 55

OK_MAIL="250 2.1.0 Ok"
OK_RCPT="250 2.1.5 Ok"
OK_DATA="354 End data with <CR><LF>.<CR><LF>"
OK_END="250 2.0.0 Ok: queued as QID"
NOT_OWNER="554 5.7.1 Originator address does not match authentication credentials"
NOT_LOCAL="554 5.7.1 Mailbox is not local: carol@example.com"
NEED_AUTH="504 5.7.4 Need to authenticate first"
TEMPFAIL="451 4.7.1 Cannot verify the originator address now, try again later"
ACCEPTED="MAIL=$OK_MAIL|RCPT=$OK_RCPT|DATA=$OK_DATA|END=$OK_END"

# at_mail LINE / at_rcpt LINE / at_end LINE - the expected summary when the
# filter refuses with LINE at that step.
at_mail() { echo "MAIL=$1|RCPT=|DATA=|END="; }
at_rcpt() { echo "MAIL=$OK_MAIL|RCPT=$1|DATA=|END="; }
at_end() { echo "MAIL=$OK_MAIL|RCPT=$OK_RCPT|DATA=$OK_DATA|END=$1"; }

# send LOGIN SENDER [SWAKS ARGS...] - one SMTP session; LOGIN "-" skips AUTH.
# Leaves the transcript in $OUT.
send() {
	local login=$1 sender=$2
	shift 2
	local auth=()
	[ "$login" != - ] && auth=(--auth PLAIN --auth-user "$login" \
		--auth-password "pw-$login")
	OUT=$(pf_swaks "${auth[@]}" --from "$sender" --to bob@example.net "$@")
}

# summary - the reply lines of $OUT as MAIL=..|RCPT=..|DATA=..|END=..,
# a queue id written QID.
summary() {
	local m r d e
	m=$(pf_reply_to 'MAIL FROM' <<<"$OUT")
	r=$(pf_reply_to 'RCPT TO' <<<"$OUT")
	d=$(pf_reply_to 'DATA' <<<"$OUT")
	e=$(pf_reply_to '.' <<<"$OUT" |
		sed -E 's/^(250 2\.0\.0 Ok: queued as )[0-9A-Za-z]+$/\1QID/')
	echo "MAIL=$m|RCPT=$r|DATA=$d|END=$e"
}

# row NAME WANT LOGIN SENDER [SWAKS ARGS...] - one session, one TAP line.
row() {
	local name=$1 want=$2
	shift 2
	send "$@"
	tap_is "$name" "$(summary)" "$want" || printf '%s\n' "$OUT" | sed 's/^/#  | /'
}

# sent_body - from a swaks transcript on stdin, the message body exactly as
# it went over the wire: the DATA lines after the header/body separator, up
# to the final ".", dot-stuffing removed, each line ended with CRLF (swaks
# shows the CR of a DATA line in its transcript).
sent_body() {
	awk '
		{ sub(/\r$/, "") }
		indata && $0 == " -> ." { exit }
		indata && inbody { l = substr($0, 5); sub(/^\./, "", l)
			printf "%s\r\n", l; next }
		indata && $0 == " -> " { inbody = 1; next }
		/^<-  354 / { indata = 1 }'
}

# setup_ldap - a slapd with the matrix accounts; OM_LDAP points at it.
setup_ldap() {
	. "$here/../ldap/slapd-env.sh"
	slapd_env_start "$here/data/accounts.ldif" || return 1
	OM_LDAP="  uri = {\"$SLAPD_URI\"}
  bind_dn = \"$SLAPD_BINDDN\"
  bind_password_file = \"$OM_DIR/ldap.secret\"
  base = \"$SLAPD_SUFFIX\"
  delegate_attribute = \"publicDelegates\"
  mailbox_filter = \"(objectClass=inetLocalMailRecipient)\"
  timeout = 2"
	printf '%s\n' "$SLAPD_BINDPW" >"$OM_DIR/ldap.secret"
	chmod 0600 "$OM_DIR/ldap.secret"
}

# setup - the Postfix instance, its SASL users, the directory, the filter.
setup() {
	local u
	pf_init || return 1
	om_init "$PF_DIR" || return 1
	pf_set "smtpd_milters = unix:$OM_SOCK" || return 1
	for u in alice john jdoe carol boss dave jean jeanluc kim; do
		pf_add_user "$u" "pw-$u" || return 1
	done
	om_accounts
	OM_DIRECTORY=$OM_MATRIX_DIRECTORY
	if [ "$OM_MATRIX_DIRECTORY" = ldap ]; then
		setup_ldap || return 1
	fi
	OM_STAGE=mail OM_HOME=true om_restart || return 1
	pf_start
}
setup || tap_bail "set-up failed (Postfix, directory or origin-milter)"

# --- reject_stage = mail ------------------------------------------------------
row "own address"                "$ACCEPTED" alice alice@example.com
row "alias address"              "$ACCEPTED" alice a.smith@example.com
row "sub-address"                "$ACCEPTED" alice alice+tag@example.com
row "address case folded"        "$ACCEPTED" alice ALICE@Example.COM
row "login alias jdoe"           "$ACCEPTED" jdoe john@example.com
row "catch-all"                  "$ACCEPTED" boss anyone@example.org
row "send-as (delegate)"         "$ACCEPTED" alice sales@example.com
# which address an account owns: the exact holder first, then the base
# address, then the catch-all (policy.conf(5))
row "catch-all: exact holder decides" "$(at_mail "$NOT_OWNER")" boss carl@example.org
row "sub-address of another's address" "$(at_mail "$NOT_OWNER")" alice john+x@example.com
row "address containing '-', delimiter +" "$(at_mail "$NOT_OWNER")" jean jean-luc@example.com
row "own address containing '-'" "$ACCEPTED" jeanluc jean-luc@example.com
row "login of a contact only"    "$(at_mail "$NOT_OWNER")" kim kim@partner.example
tap_ok "contact login logged as unknown" om_log_wait \
	'event=reject reason=login_unknown login=kim .*sender=<kim@partner.example>'
row "not owner"                  "$(at_mail "$NOT_OWNER")" alice john@example.com
tap_ok "not owner logged" om_log_wait \
	'event=reject reason=not_owner login=alice .*sender=<john@example.com>'
row "send-as is one way"         "$(at_mail "$NOT_OWNER")" jdoe sales@example.com
row "login not in directory"     "$(at_mail "$NOT_OWNER")" dave dave@example.com
row "not local (home server)"    "$(at_mail "$NOT_LOCAL")" carol carol@example.com
row "unauthenticated, local domain" "$(at_mail "$NEED_AUTH")" - alice@example.com
row "unauthenticated, catch-all domain" "$(at_mail "$NEED_AUTH")" - x@example.org
row "unauthenticated, foreign"   "$ACCEPTED" - someone@foreign.example
row "null sender, authenticated" "$ACCEPTED" alice '<>'
row "null sender, unauthenticated" "$ACCEPTED" - '<>'
# KB843106: an Exchange-only verb before AUTH. Postfix passes unknown
# commands to the milter (SMFIC_UNKNOWN); the client must see 504 5.7.4.
xexch50_reply() {
	local line
	exec 7<>"/dev/tcp/127.0.0.1/$PF_PORT" || return 1
	read -r -t 10 line <&7                       # banner
	printf 'EHLO client.example\r\n' >&7
	while read -r -t 10 line <&7; do
		case $line in 250\ *) break ;; esac
	done
	printf 'XEXCH50 2336 3\r\n' >&7
	read -r -t 10 line <&7
	printf 'QUIT\r\n' >&7
	exec 7<&- 7>&-
	printf '%s' "${line%$'\r'}"
}
tap_is "XEXCH50 before AUTH (KB843106)" "$(xexch50_reply)" \
	"504 5.7.4 Need to authenticate first"

# --- reject_stage = rcpt, home-server rule off ----------------------------------
OM_STAGE=rcpt OM_HOME=false om_restart || tap_bail "filter restart (rcpt)"
row "rcpt stage: not owner"      "$(at_rcpt "$NOT_OWNER")" alice john@example.com
row "rcpt stage: own address"    "$ACCEPTED" alice alice@example.com
row "home rule off: carol"       "$ACCEPTED" carol carol@example.com
# SIGUSR1 reloads policy.conf: the home-server rule comes on, same process.
OM_STAGE=rcpt OM_HOME=true om_conf && kill -USR1 "$OM_PID"
tap_ok "SIGUSR1: reload logged" om_log_wait 'event=reload( |$)'
row "after reload: not local at rcpt" "$(at_rcpt "$NOT_LOCAL")" carol carol@example.com

# --- subaddress_delimiter = "-": jean-luc@ exists, so it is not jean's ------
OM_SUBADDR=- OM_STAGE=rcpt OM_HOME=false om_restart || tap_bail "filter restart (-)"
row "delimiter -: exact holder first" "$(at_rcpt "$NOT_OWNER")" jean jean-luc@example.com
row "delimiter -: own address"   "$ACCEPTED" jeanluc jean-luc@example.com
row "delimiter -: extension of own" "$ACCEPTED" jean jean-x@example.com

# --- reject_stage = data: archive, notice, header From -------------------------
mkdir -m 0700 "$OM_DIR/archive"
OM_MAIN_EXTRA="archive = \"$OM_DIR/archive\"
notify = \"postmaster@example.net\"
notify_interval = 1
sendmail_path = \"$("$POSTCONF" -c "$PF_DIR/etc" -h sendmail_path)\"
stats_file = \"$OM_DIR/om.prom\"
stats_interval = 3600"
OM_POLICY_EXTRA="  check_header_from = true"
# The notice goes through Postfix's sendmail into this instance's queue.
export MAIL_CONFIG="$PF_DIR/etc"
OM_STAGE=data OM_HOME=true om_restart || tap_bail "filter restart (data)"
unset MAIL_CONFIG

row "data stage: own address"    "$ACCEPTED" alice alice@example.com
row "data stage: not local (Q262945)" "$(at_end "$NOT_LOCAL")" carol carol@example.com

body=$'Refused body line one.\nSecond line, tab\there, trailing space \n\n.leading dot\nlast line'
row "data stage: not owner"      "$(at_end "$NOT_OWNER")" alice john@example.com \
	--header "Subject: matrix archive probe" --body "$body"
sent_body <<<"$OUT" >"$OM_DIR/sent-body"

# archive_file - the archive file of the refusal from john@example.com.
archive_file() {
	grep -l -s '^X-Origin-Milter-Sender: <john@example.com>' "$OM_DIR"/archive/*.eml
}
# archived_body FILE - the body of an archived message (after its first
# empty line, the filter's header block and the message headers).
archived_body() {
	sed '1,/^\r\{0,1\}$/d' "$1"
}
om_log_wait 'event=archive ' >/dev/null 2>&1
arch=$(archive_file | head -1)
tap_ok "archive file written" test -n "$arch"
tap_is "archive file mode 0600" "$(stat -c %a "$arch" 2>/dev/null)" 600
tap_like "archive header block" "$(grep -a '^X-Origin-Milter-' "$arch" 2>/dev/null | tr -d '\r' | tr '\n' ' ')" \
	'Refused: .*Login: alice .*Sender: <john@example.com> .*Client: 127\.0\.0\.1 .*Reason: not_owner '
tap_ok "archive has the Subject" grep -q '^Subject: matrix archive probe' "$arch"
archived_body "$arch" >"$OM_DIR/archived-body" 2>/dev/null
tap_ok "archived body byte-identical" cmp "$OM_DIR/sent-body" "$OM_DIR/archived-body"
tap_ok "no temporary file left" test -z "$(ls -A "$OM_DIR/archive" | grep -v '\.eml$')"

tap_ok "notice logged by the filter" om_log_wait 'event=notify rcpt=postmaster@example.net status=0'
tap_ok "notice picked up by Postfix" pf_log_wait \
	'pickup\[[0-9]+\]: [0-9A-F]+: uid=[0-9]+ from=<>'
tap_ok "notice delivered to postmaster" pf_log_wait \
	'to=<postmaster@example.net>.*status=sent'

row "header From: not owned" "$(at_end "$NOT_OWNER")" alice alice@example.com \
	--header "From: John <john@example.com>"
row "header From: two, one not owned" "$(at_end "$NOT_OWNER")" alice alice@example.com \
	--header "From: alice@example.com, john@example.com"
row "header Sender: not owned" "$(at_end "$NOT_OWNER")" alice alice@example.com \
	--header "Sender: john@example.com"
row "header From: alias, send-as" "$ACCEPTED" alice alice@example.com \
	--header "From: A. Smith <a.smith@example.com>, sales@example.com"
# folded as Outlook folds a long name (CRLF TAB): Postfix hands the milter
# the fold as LF + TAB inside the value; it parses, it is not refused
printf 'From: "Smith, Alice (Sales and Marketing Department, Europe, Middle East)"\r\n\t<alice@example.com>\r\nTo: bob@example.net\r\nSubject: folded\r\n\r\nbody\r\n' \
	>"$OM_DIR/folded.eml"
row "header From: folded long name (Outlook)" "$ACCEPTED" alice alice@example.com \
	--data "$OM_DIR/folded.eml"
row "header From: two addresses without a comma" "$(at_end "$NOT_OWNER")" alice alice@example.com \
	--header "From: <alice@example.com> <john@example.com>"
tap_ok "header From: logged as header_unparsable" om_log_wait \
	'reason=header_unparsable .*header_error=syntax'

# --- statistics ------------------------------------------------------------------
kill -USR2 "$OM_PID" 2>/dev/null
om_log_wait 'event=stats' >/dev/null 2>&1
sleep 0.2
tap_ok "statistics file written" test -s "$OM_DIR/om.prom"
# Since the data-stage start: 9 sessions; refused: not owner (envelope) and
# three header rows, not local once, one header unparsable.
tap_is "statistics: refusals per reason" \
	"$(grep -E '^origin_milter_(verdicts_total\{action="reject"|connections_total)' \
		"$OM_DIR/om.prom" 2>/dev/null | sort | tr '\n' ' ')" \
	'origin_milter_connections_total 9 origin_milter_verdicts_total{action="reject",reason="header_unparsable"} 1 origin_milter_verdicts_total{action="reject",reason="not_local"} 1 origin_milter_verdicts_total{action="reject",reason="not_owner"} 4 '

# --- directory down ------------------------------------------------------------
OM_MAIN_EXTRA= OM_POLICY_EXTRA= OM_DIRECTORY=ldap
OM_LDAP="  uri = {\"ldap://127.0.0.1:$(pf_free_port)\"}
  base = \"dc=example,dc=com\"
  timeout = 1"
OM_STAGE=mail om_restart || tap_bail "filter restart (directory down)"
row "directory down: tempfail"   "$(at_mail "$TEMPFAIL")" alice alice@example.com
row "directory down: unauthenticated foreign still accepted" \
	"$ACCEPTED" - someone@foreign.example

tap_done
