#!/bin/bash
# tests/postfix/logins.sh - login forms end to end under a real Postfix with
# Cyrus SASL (policy.conf(5) LOGIN FORMS and UNAUTHENTICATED SENDERS): users
# in the realms example.com and other.org (saslpasswd2 -u), full-address
# logins of two hosting customers, each sending as its own and as the
# other's address, DOMAIN\user logins with a listed and an unlisted NT
# domain, a login with '+', and unauthenticated senders Postfix accepts but
# RFC 5321 does not. Every reply line the client sees is asserted. The rows
# run against the accounts file, then against a private slapd holding the
# same accounts (data/logins.ldif). TAP output.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/postfix-env.sh"
. "$here/om-env.sh"
. "$here/tap.sh"

cleanup() {
	om_stop
	declare -F slapd_env_stop >/dev/null && slapd_env_stop
	pf_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ROWS=17
tap_plan $((2 * ROWS + 1))

OK_MAIL="250 2.1.0 Ok"
OK_RCPT="250 2.1.5 Ok"
NOT_OWNER="554 5.7.1 Originator address does not match authentication credentials"
NEED_AUTH="504 5.7.4 Need to authenticate first"
ACCEPTED="MAIL=$OK_MAIL|RCPT=$OK_RCPT"
REFUSED="MAIL=$NOT_OWNER|RCPT="
NEEDAUTH="MAIL=$NEED_AUTH|RCPT="
SRS="SRS0=HHH=TT=partner.example=averyveryveryveryveryveryveryverylongbouncelocalpart"

# logins_accounts - the accounts file (same people as data/logins.ldif).
logins_accounts() {
	cat >"$OM_DIR/accounts" <<'ACCOUNTS'
# logins          addresses
alice             alice@example.com,a.smith@example.com
erin@example.com  erin@example.com
erin@other.org    erin@other.org
OTHER\dave        dave@other.org
frank+ops         frank@example.com
ACCOUNTS
}

# sasl_user LOGIN - a Cyrus SASL user: "user@realm" goes into that realm,
# anything else into $PF_HOSTNAME (where smtpd looks up realm-less logins).
sasl_user() {
	local login=$1 user realm
	case $login in
	*@*) user=${login%@*} realm=${login##*@} ;;
	*) user=$login realm=$PF_HOSTNAME ;;
	esac
	printf '%s' "pw-$login" | "$SASLPASSWD2" -c -p -f "$PF_DIR/sasldb2" \
		-u "$realm" "$user" || return 1
	chown postfix:postfix "$PF_DIR/sasldb2" && chmod 0640 "$PF_DIR/sasldb2"
}

# summary LOGIN SENDER - the MAIL and RCPT replies of one session; LOGIN
# "-" skips AUTH.
summary() {
	local login=$1 sender=$2 auth=() out m r
	[ "$login" != - ] && auth=(--auth PLAIN --auth-user "$login" \
		--auth-password "pw-$login")
	out=$(pf_swaks "${auth[@]}" --from "$sender" --to bob@example.net \
		--quit-after RCPT)
	m=$(pf_reply_to 'MAIL FROM' <<<"$out")
	r=$(pf_reply_to 'RCPT TO' <<<"$out")
	echo "MAIL=$m|RCPT=$r"
	[ "$m" = "" ] && printf '%s\n' "$out" | sed 's/^/#  | /' >&2
}

# new_log_line FROM ERE - wait up to 20 s for a filter log line after line
# FROM matching ERE.
new_log_line() {
	local i
	for i in $(seq 1 200); do
		tail -n +"$(($1 + 1))" "$OM_LOG" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# row NAME WANT LOGIN SENDER [LOG-ERE] - one session, one TAP line; with
# LOG-ERE the filter must also have logged a line matching it.
row() {
	local name="$DIRNAME: $1" want=$2 got from
	from=$(wc -l <"$OM_LOG")
	got=$(summary "$3" "$4")
	if [ -n "${5:-}" ] && [ "$got" = "$want" ] &&
		! new_log_line "$from" "$5"; then
		tap_result "$name" 1 "no log line /$5/:" \
			"$(tail -n +"$((from + 1))" "$OM_LOG")"
		return
	fi
	tap_is "$name" "$got" "$want"
}

# rows - the table, once per directory.
rows() {
	# listed realm (a local domain): alice@example.com is alice
	row "alice@example.com as her own" "$ACCEPTED" alice@example.com alice@example.com \
		'reason=owner login=alice@example.com account=alice '
	row "alice@example.com as her alias" "$ACCEPTED" alice@example.com a.smith@example.com
	# another customer's realm is never the local alice
	row "alice@other.org as alice@example.com" "$REFUSED" alice@other.org alice@example.com \
		'reason=login_unknown login=alice@other.org '
	row "alice@other.org as alice@other.org" "$REFUSED" alice@other.org alice@other.org
	# two hosting customers with full-address logins
	row "erin@example.com as her own" "$ACCEPTED" erin@example.com erin@example.com \
		'reason=owner login=erin@example.com account=erin@example.com '
	row "erin@example.com as erin@other.org" "$REFUSED" erin@example.com erin@other.org \
		'reason=not_owner login=erin@example.com account=erin@example.com '
	row "erin@other.org as her own" "$ACCEPTED" erin@other.org erin@other.org \
		'reason=owner login=erin@other.org account=erin@other.org '
	row "erin@other.org as erin@example.com" "$REFUSED" erin@other.org erin@example.com
	# DOMAIN\user: EXAMPLE is listed (first label of example.com), OTHER not
	row "EXAMPLE\\alice as alice" "$ACCEPTED" 'EXAMPLE\alice' alice@example.com
	row "OTHER\\alice as alice" "$REFUSED" 'OTHER\alice' alice@example.com \
		'reason=login_unknown login=OTHER\\\\alice .*user="other\\\\alice"'
	row "OTHER\\dave (whole login) as his own" "$ACCEPTED" 'OTHER\dave' dave@other.org
	row "OTHER\\dave as alice" "$REFUSED" 'OTHER\dave' alice@example.com
	# a login with '+'
	row "frank+ops as his own" "$ACCEPTED" frank+ops frank@example.com
	# unauthenticated senders Postfix takes but RFC 5321 refuses
	row "unauthenticated SRS, local part over 64" "$ACCEPTED" - "$SRS@forwarder.example" \
		'reason=sender_unparsable .*sender_error=local_part_too_long'
	row "unauthenticated SRS, local domain" "$NEEDAUTH" - "$SRS@example.com"
	row "unauthenticated a..b, foreign" "$ACCEPTED" - john..doe@partner.example
	row "unauthenticated a..b, local" "$NEEDAUTH" - john..doe@example.com
}

# setup - Postfix with the SASL users, the filter on the accounts file.
setup() {
	local u
	pf_init || return 1
	om_init "$PF_DIR" || return 1
	pf_set "smtpd_milters = unix:$OM_SOCK" || return 1
	for u in alice alice@example.com alice@other.org erin@example.com \
		erin@other.org 'EXAMPLE\alice' 'OTHER\alice' 'OTHER\dave' \
		frank+ops; do
		sasl_user "$u" || return 1
	done
	logins_accounts
	OM_DIRECTORY=file OM_STAGE=mail OM_HOME=false om_restart || return 1
	pf_start
}
setup || tap_bail "set-up failed (Postfix, SASL users or origin-milter)"

DIRNAME=file
rows

# the same rows with the accounts in slapd
. "$here/../ldap/slapd-env.sh"
slapd_env_start "$here/data/logins.ldif" || tap_bail "slapd did not start"
printf '%s\n' "$SLAPD_BINDPW" >"$OM_DIR/ldap.secret"
chmod 0600 "$OM_DIR/ldap.secret"
OM_LDAP="  uri = {\"$SLAPD_URI\"}
  bind_dn = \"$SLAPD_BINDDN\"
  bind_password_file = \"$OM_DIR/ldap.secret\"
  base = \"$SLAPD_SUFFIX\"
  mailbox_filter = \"(objectClass=inetLocalMailRecipient)\"
  timeout = 2"
OM_DIRECTORY=ldap OM_STAGE=mail OM_HOME=false om_restart ||
	tap_bail "filter restart (ldap)"
DIRNAME=ldap
rows

tap_ok "no message decided without the login" \
	bash -c "! grep -q 'reason=login_missing' '$OM_LOG'"
tap_done
