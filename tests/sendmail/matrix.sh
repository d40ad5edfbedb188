#!/bin/bash
# tests/sendmail/matrix.sh - origin-milter end to end under Debian's real
# sendmail 8.17 (run from the unpacked package, see sendmail-env.sh): SMTP
# AUTH through Cyrus SASL, the INPUT_MAIL_FILTER and
# confMILTER_MACROS_ENVFROM lines of contrib/sendmail/origin-milter.mc, and
# the exact reply lines a client sees for the core matrix, and the login
# forms (policy.conf(5) LOGIN FORMS) as sendmail passes them: xtext-encoded
# (DOMAIN\user arrives as DOMAIN+5Cuser, a '+' as +2B), user@realm from
# Cyrus realms. TAP output; a missing tool or package fails loudly.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../postfix/postfix-env.sh"     # pf_reply_to: transcript parsing
. "$here/../postfix/om-env.sh"
. "$here/../postfix/tap.sh"
. "$here/sendmail-env.sh"

cleanup() {
	sm_stop
	om_stop
	sm_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

tap_plan 35

RCPT=root@example.net
OK_RCPT="250 2.1.5 <$RCPT>... Recipient ok"
OK_DATA="354 End data with <CR><LF>.<CR><LF>"
OK_END="250 2.0.0 QID Message accepted for delivery"
NOT_OWNER="554 5.7.1 Originator address does not match authentication credentials"
NOT_LOCAL="554 5.7.1 Mailbox is not local: carol@example.com"
NEED_AUTH="504 5.7.4 Need to authenticate first"
TEMPFAIL="451 4.7.1 Cannot verify the originator address now, try again later"

# ok_mail SENDER - sendmail's reply to an accepted MAIL FROM.
ok_mail() { echo "250 2.1.0 <$1>... Sender ok"; }
accepted() { echo "MAIL=$(ok_mail "$1")|RCPT=$OK_RCPT|DATA=$OK_DATA|END=$OK_END"; }
at_mail() { echo "MAIL=$1|RCPT=|DATA=|END="; }
at_end() { echo "MAIL=$(ok_mail "$1")|RCPT=$OK_RCPT|DATA=$OK_DATA|END=$2"; }

# send LOGIN SENDER [SWAKS ARGS...] - one session; LOGIN "-" skips AUTH.
send() {
	local login=$1 sender=$2
	shift 2
	local auth=()
	[ "$login" != - ] && auth=(--auth PLAIN --auth-user "$login" \
		--auth-password "pw-$login")
	OUT=$(sm_swaks "${auth[@]}" --from "$sender" --to "$RCPT" "$@")
}

# summary - MAIL=..|RCPT=..|DATA=..|END=.. from $OUT, the queue id as QID.
summary() {
	local m r d e
	m=$(pf_reply_to 'MAIL FROM' <<<"$OUT")
	r=$(pf_reply_to 'RCPT TO' <<<"$OUT")
	d=$(pf_reply_to 'DATA' <<<"$OUT")
	e=$(pf_reply_to '.' <<<"$OUT" |
		sed -E 's/^(250 2\.0\.0 )[0-9A-Za-z]+( Message accepted)/\1QID\2/')
	echo "MAIL=$m|RCPT=$r|DATA=$d|END=$e"
}

# row NAME WANT LOGIN SENDER [SWAKS ARGS...] - one session, one TAP line.
row() {
	local name=$1 want=$2
	shift 2
	send "$@"
	tap_is "$name" "$(summary)" "$want" || printf '%s\n' "$OUT" | sed 's/^/#  | /'
}

# setup - sendmail with SASL users, the filter on the file directory.
setup() {
	local u
	sm_init || return 1
	om_init "$SM_DIR" || return 1
	# sendmail.cf names the socket: rebuild it now that OM_SOCK is known.
	SM_MILTER_SOCK=$OM_SOCK
	sm_build_cf || return 1
	for u in alice jdoe carol boss dave jean jeanluc kim 'EXAMPLE\alice' \
		'OTHER\alice' 'OTHER\dave' frank+ops; do
		sm_add_user "$u" "pw-$u" || return 1
	done
	# user@realm logins: the user in that Cyrus realm
	for u in alice@example.com alice@other.org erin@other.org; do
		printf '%s' "pw-$u" | "$SASLPASSWD2" -c -p -f "$SM_DIR/sasldb2" \
			-u "${u#*@}" "${u%@*}" || return 1
	done
	om_accounts
	cat >>"$OM_DIR/accounts" <<'ACCOUNTS'
erin@other.org   erin@other.org
OTHER\dave       dave@other.org
frank+ops        frank@example.com
ACCOUNTS
	OM_STAGE=mail OM_HOME=true om_restart || return 1
	sm_start
}
setup || tap_bail "set-up failed (sendmail package, SASL or origin-milter)"

tap_ok "milter macros in sendmail.cf" grep -q \
	'^O Milter.macros.envfrom=.*{auth_authen}' "$SM_DIR/sendmail.cf"
out=$(sm_swaks --quit-after AUTH --auth PLAIN --auth-user alice --auth-password wrong)
tap_is "AUTH wrong password refused" "$(pf_reply_to AUTH <<<"$out")" \
	"535 5.7.0 authentication failed"

row "own address"               "$(accepted alice@example.com)" alice alice@example.com
row "alias address"             "$(accepted a.smith@example.com)" alice a.smith@example.com
row "sub-address"               "$(accepted alice+tag@example.com)" alice alice+tag@example.com
row "login alias jdoe"          "$(accepted john@example.com)" jdoe john@example.com
row "catch-all"                 "$(accepted anyone@example.org)" boss anyone@example.org
row "send-as (delegate)"        "$(accepted sales@example.com)" alice sales@example.com
# the most specific entry decides (policy.conf(5), WHICH ADDRESS AN ACCOUNT OWNS)
row "catch-all: exact holder decides" "$(at_mail "$NOT_OWNER")" boss carl@example.org
row "address containing '-'"    "$(at_mail "$NOT_OWNER")" jean jean-luc@example.com
row "own address containing '-'" "$(accepted jean-luc@example.com)" jeanluc jean-luc@example.com
row "login of a contact only"   "$(at_mail "$NOT_OWNER")" kim kim@partner.example
row "not owner"                 "$(at_mail "$NOT_OWNER")" alice john@example.com
tap_ok "not owner logged with the SASL login from {auth_authen}" om_log_wait \
	'event=reject reason=not_owner login=alice .*sender=<john@example.com>'
row "login not in directory"    "$(at_mail "$NOT_OWNER")" dave dave@example.com
row "not local (home server)"   "$(at_mail "$NOT_LOCAL")" carol carol@example.com
row "unauthenticated, local domain" "$(at_mail "$NEED_AUTH")" - alice@example.com
row "unauthenticated, foreign"  "$(accepted someone@foreign.example)" - someone@foreign.example
row "null sender, authenticated" "$(accepted '')" alice '<>'

# --- login forms, xtext-decoded (sendmail's v macro: login_encoding = auto)
row "EXAMPLE\\alice as alice"      "$(accepted alice@example.com)" 'EXAMPLE\alice' alice@example.com
tap_ok "EXAMPLE\\alice came xtext-encoded, was decoded" om_log_wait \
	'event=accept reason=owner login=EXAMPLE\+5Calice account=alice .*login_decoded="EXAMPLE\\\\alice"'
row "OTHER\\alice (NT domain not listed) as alice" "$(at_mail "$NOT_OWNER")" 'OTHER\alice' alice@example.com
row "OTHER\\dave (whole login) as his own" "$(accepted dave@other.org)" 'OTHER\dave' dave@other.org
row "frank+ops (a '+' in the login)" "$(accepted frank@example.com)" frank+ops frank@example.com
tap_ok "frank+ops came as frank+2Bops" om_log_wait \
	'event=accept reason=owner login=frank\+2Bops account=frank\+ops '
row "alice@example.com (listed realm) as alice" "$(accepted alice@example.com)" alice@example.com alice@example.com
row "alice@other.org as alice@example.com" "$(at_mail "$NOT_OWNER")" alice@other.org alice@example.com
tap_ok "alice@other.org is not alice" om_log_wait \
	'event=reject reason=login_unknown login=alice@other.org .*sender=<alice@example.com>'
row "erin@other.org (full-address login) as her own" "$(accepted erin@other.org)" erin@other.org erin@other.org

OM_STAGE=data om_restart || tap_bail "filter restart (data)"
row "data stage: not owner"     "$(at_end john@example.com "$NOT_OWNER")" alice john@example.com

# a listener section selected by Sendmail's {daemon_name} (DaemonPortOptions
# Name=MTA): that listener only reports, and adds the report header
OM_STAGE=mail OM_MAIN_EXTRA='listener "mta" {
  daemon_name = "MTA"
  mode = "report"
  report_header = true
}' om_restart || tap_bail "filter restart (listener)"
row "listener MTA in report mode: spoof accepted" "$(accepted john@example.com)" alice john@example.com
tap_ok "listener MTA: logged as would_reject, listener=mta" om_log_wait \
	'event=would_reject reason=not_owner login=alice .*sender=<john@example.com> .*check=not_owner listener=mta'
OM_MAIN_EXTRA='listener "msa" {
  daemon_name = "MSA"
  mode = "report"
}' om_restart || tap_bail "filter restart (other listener)"
row "a listener for another daemon does not apply" "$(at_mail "$NOT_OWNER")" alice john@example.com
OM_MAIN_EXTRA=

OM_DIRECTORY=ldap OM_LDAP="  uri = {\"ldap://127.0.0.1:$(sm_free_port)\"}
  base = \"dc=example,dc=com\"
  timeout = 1"
OM_STAGE=mail om_restart || tap_bail "filter restart (directory down)"
row "directory down: tempfail"  "$(at_mail "$TEMPFAIL")" alice alice@example.com

# F=T: with the filter gone, sendmail itself answers with a temporary failure.
om_stop
row "filter stopped: F=T tempfail" "$(at_mail "451 4.3.2 Please try again later")" \
	- someone@foreign.example

tap_done
