#!/bin/bash
# ad-postfix.sh - the AD matrix end to end: a private Postfix with Cyrus
# SASL (tests/postfix/postfix-env.sh) on the host, origin-milter with the
# AD profile inside the namespace of a Samba AD DC (tests/ad/samba-env.sh),
# binding over StartTLS, reached by Postfix through its unix socket. SASL
# users in the three AD login forms (sAMAccountName, DOMAIN\sAMAccountName
# as one authcid, userPrincipalName in the realm ad.example.com) send as
# their proxyAddresses primary and alias and as someone else's address;
# Send-As from the DACL (user, nested group, deny ACE), a disabled
# account, a mailbox homed elsewhere, an unauthenticated sender. Each row
# asserts the exact MAIL and RCPT reply lines swaks sees and the filter's
# verdict line. TAP; skips exactly when ad-matrix.sh does.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
export builddir=$top_builddir
here=$top_srcdir/tests
# shellcheck source=tests/ad/samba-env.sh
. "$here/ad/samba-env.sh"
. "$here/postfix/postfix-env.sh"
. "$here/postfix/om-env.sh"
. "$here/postfix/tap.sh"

why=$(ad_env_skip_reason)
if [ -n "$why" ]; then
	echo "1..0 # SKIP no Samba AD DC here: $why"
	exit 0
fi

t0=$(date +%s)
OM_REAL=$top_builddir/origin-milter

cleanup() {
	om_stop
	pf_cleanup
	ad_env_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM

OK_MAIL="250 2.1.0 Ok"
OK_RCPT="250 2.1.5 Ok"
NOT_OWNER="554 5.7.1 Originator address does not match authentication credentials"
NEED_AUTH="504 5.7.4 Need to authenticate first"
ACCEPTED="MAIL=$OK_MAIL|RCPT=$OK_RCPT"
REFUSED="MAIL=$NOT_OWNER|RCPT="

# sasl_user LOGIN - a Cyrus SASL user with password pw-LOGIN: "user@realm"
# goes into that realm, anything else (a backslash too) into $PF_HOSTNAME,
# where smtpd looks up realm-less logins.
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

# ad_conf - policy.conf: the AD profile, StartTLS to the DC by its name.
ad_conf() {
	cat >"$OM_DIR/policy.conf" <<CONF
socket = "unix:$OM_SOCK"
pid_file = "$OM_DIR/om.pid"
user = ""
umask = 0
log_level = "info"
server_name = "mail1"
local_domains = {"example.com"}
directory = "ldap"
policy {
  require_auth = true
  check_originator = true
  check_home_server = true
  reject_stage = "mail"
  on_directory_error = "tempfail"
}
ldap {
	uri = {"ldap://dc1.ad.example.com"}
	starttls = true
	tls_ca_file = "$AD_CA"
	tls_require_cert = "demand"
	bind_dn = "$AD_BINDDN"
	bind_password_file = "$OM_DIR/ad.secret"
	base = "$AD_BASE"
	account_filter = "(&(objectClass=user)(objectCategory=person)(|(sAMAccountName=%u)(userPrincipalName=%s)))"
	mailbox_filter = "(msExchHomeServerName=*)"
	address_attributes = {}
	proxy_address_attributes = {proxyAddresses}
	name_attribute = sAMAccountName
	home_server_attribute = msExchHomeServerName
	home_mdb_attribute = homeMDB
	delegate_attribute = publicDelegates
	group_send_as = true
	group_classes = {group}
	member_attribute = member
	refuse_disabled = true
	send_as_acl = true
	member_range = 1500
	timeout = 8
	cache_ttl = 0
	negative_cache_ttl = 0
	cache_size = 0
}
CONF
	printf '%s\n' "$AD_BINDPW" >"$OM_DIR/ad.secret"
	chmod 0600 "$OM_DIR/ad.secret"
	"$OM_REAL" -n -c "$OM_DIR/policy.conf" >>"$OM_LOG" 2>&1
}

# filter_start - the filter in the DC's namespace (ip netns exec execs it,
# so $! is the filter); wait up to 30 s for its socket.
filter_start() {
	local i
	rm -f "$OM_SOCK"
	KRB5_CONFIG=$AD_KRB5_CONF ip netns exec "$AD_NS" "$OM_REAL" -f \
		-c "$OM_DIR/policy.conf" >>"$OM_LOG" 2>&1 &
	OM_PID=$!
	for i in $(seq 1 300); do
		[ -S "$OM_SOCK" ] && return 0
		kill -0 "$OM_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -5 "$OM_LOG" | sed 's/^/# /'
	return 1
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

# row NAME WANT LOGIN SENDER LOG-ERE - one session, one TAP line: the
# replies must be WANT and the filter must have logged a line matching ERE.
row() {
	local name=$1 want=$2 got from
	from=$(wc -l <"$OM_LOG")
	got=$(summary "$3" "$4")
	if [ "$got" = "$want" ] && ! new_log_line "$from" "$5"; then
		tap_result "$name" 1 "no log line /$5/:" \
			"$(tail -n +"$((from + 1))" "$OM_LOG")"
		return
	fi
	tap_is "$name" "$got" "$want"
}

# --- set-up: the DC, Postfix with the SASL users, the filter -------------------
if ! ad_env_start; then
	echo "not ok 1 - the Samba AD DC starts"
	echo "1..1"
	exit 1
fi
tap_result "Samba AD DC provisioned (or reused) and started in $(($(date +%s) - t0)) s" 0
pf_init || tap_bail "no Postfix instance"
om_init "$PF_DIR" || tap_bail "no filter folder"
pf_set "smtpd_milters = unix:$OM_SOCK" || tap_bail "postconf"
for u in alice 'EXAMPLE\alice' alice@ad.example.com bob carol dave gina \
	erin frank henry; do
	sasl_user "$u" || tap_bail "saslpasswd2 $u"
done
ad_conf || tap_bail "origin-milter -n refused the AD policy.conf: $(tail -3 "$OM_LOG")"
filter_start || tap_bail "the filter did not open $OM_SOCK in the DC's namespace"
pf_start || tap_bail "Postfix did not start"
tap_result "Postfix + SASL on 127.0.0.1:$PF_PORT, filter in namespace $AD_NS (StartTLS)" 0

# --- the rows -------------------------------------------------------------------
# each form, and the ERE of its login as the log writes it (a backslash
# is logged doubled)
for form in alice 'EXAMPLE\alice' alice@ad.example.com; do
	case $form in
	alice) q=alice ;;
	EXAMPLE*) q='EXAMPLE\\\\alice' ;;
	*) q='alice@ad\.example\.com' ;;
	esac
	row "$form as the SMTP: primary" "$ACCEPTED" "$form" alice@example.com \
		"reason=owner login=$q account=alice "
	row "$form as the smtp: alias" "$ACCEPTED" "$form" a.smith@example.com \
		"reason=owner login=$q account=alice "
	row "$form as bob's address" "$REFUSED" "$form" bob@example.com \
		"reason=not_owner login=$q account=alice "
done
row "alice as an X400: value (not an address)" "$REFUSED" alice x400only@example.com \
	'reason=not_owner login=alice account=alice '
row "bob: Send-As granted by an allow ACE for him" "$ACCEPTED" bob sales@example.com \
	'reason=send_as .*send_as=acl'
row "carol: Send-As through nested groups" "$ACCEPTED" carol sales@example.com \
	'reason=send_as .*send_as=acl'
row "dave: the deny ACE first" "$REFUSED" dave sales@example.com \
	'send_as=acl_deny'
row "gina: no ACE for her" "$REFUSED" gina sales@example.com \
	'reason=not_owner login=gina account=gina '
row "henry: publicDelegates of boss" "$ACCEPTED" henry boss@example.com \
	'send_as=delegate'
row "erin: disabled account" "$REFUSED" erin erin@example.com \
	'reason=login_unknown login=erin .*account disabled'
row "frank: home server MAIL2 (check_home_server)" \
	"MAIL=554 5.7.1 Mailbox is not local: frank@example.com|RCPT=" \
	frank frank@example.com 'reason=not_local login=frank '
row "unauthenticated, local sender" "MAIL=$NEED_AUTH|RCPT=" - alice@example.com \
	'reason=need_auth'
row "unauthenticated, foreign sender" "$ACCEPTED" - someone@partner.example \
	'reason=foreign_sender'

tap_ok "no message decided without the login" \
	bash -c "! grep -q 'reason=login_missing' '$OM_LOG'"
tap_ok "no lookup failed (no tempfail)" \
	bash -c "! grep -Eq 'action=tempfail|reason=directory_error' '$OM_LOG'"
echo "# AD + Postfix matrix took $(($(date +%s) - t0)) s"
echo "1..$TAP_N"
tap_done
