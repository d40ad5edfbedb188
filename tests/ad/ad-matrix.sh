#!/bin/bash
# ad-matrix.sh - origin-milter against a real Active Directory: a Samba AD
# DC (tests/ad/samba-env.sh) in a network namespace of its own, the milter
# in that namespace with the AD profile, driven through whole transactions
# by Debian's miltertest (tests/milter/transaction.lua). Logins in the
# three AD forms, proxyAddresses, Exchange's home server, Send-As from the
# mailbox's DACL (user, nested group, deny ACE), a disabled account, a
# 2,000-member group (ranged member values), and every bind: LDAPS,
# StartTLS, GSSAPI with a keytab, a Global Catalog URI, and the plain
# simple bind AD refuses. Prints TAP; skips (TAP SKIP) only when a DC
# cannot run here (samba-env.sh says why).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
export builddir=$top_builddir
MILTERTEST=${MILTERTEST:-miltertest}
FILTER="$top_builddir/origin-milter"
LUA="$top_srcdir/tests/milter/transaction.lua"
# shellcheck source=tests/ad/samba-env.sh
. "$top_srcdir/tests/ad/samba-env.sh"
T=$(mktemp -d /tmp/om-admatrix.XXXXXX)
n=0
failed=0
pid=
t0=$(date +%s)

cleanup() {
	stop_filter
	ad_env_stop
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}

why=$(ad_env_skip_reason)
if [ -n "$why" ]; then
	echo "1..0 # SKIP no Samba AD DC here: $why"
	exit 0
fi
if ! ad_env_start; then
	echo "1..1"
	echo "not ok 1 - the Samba AD DC starts"
	exit 1
fi
ok "Samba AD DC provisioned (or reused) and started in $(($(date +%s) - t0)) s"
echo "$AD_BINDPW" >"$T/ad.secret"
chmod 600 "$T/ad.secret"

# Write $T/policy.conf: the AD profile; $1 = the lines of the bind (uri,
# TLS, credentials), $2 = more ldap lines.
make_conf() {
	cat >"$T/policy.conf" <<CONF
socket = "unix:$T/milter.sock"
user = ""
pid_file = "$T/milter.pid"
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
$1
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
	timeout = 8
	cache_ttl = 0
	negative_cache_ttl = 0
	cache_size = 0
${2:-}
}
CONF
}

# The bind lines of each way AD sites connect.
DCNAME=dc1.ad.example.com
BIND_SIMPLE="	bind_dn = \"$AD_BINDDN\"
	bind_password_file = \"$T/ad.secret\""
LDAPS="	uri = {\"ldaps://$DCNAME\"}
	tls_ca_file = \"$AD_CA\"
$BIND_SIMPLE"
STARTTLS="	uri = {\"ldap://$DCNAME\"}
	starttls = true
	tls_ca_file = \"$AD_CA\"
	tls_require_cert = \"demand\"
$BIND_SIMPLE"
GSSAPI="	uri = {\"ldap://$DCNAME\"}
	sasl_mech = \"GSSAPI\"
	sasl_keytab = \"$AD_KEYTAB\""
GC="	uri = {\"ldap://$DCNAME:3268\"}
	starttls = true
	tls_ca_file = \"$AD_CA\"
$BIND_SIMPLE"
PLAIN="	uri = {\"ldap://$DCNAME\"}
$BIND_SIMPLE"
AD_PERMS="	send_as_acl = true
	member_range = 1500"

start_filter() {
	: >"$T/filter.log"
	rm -f "$T/milter.sock"
	# directly, not through a function: $! must be the filter itself
	KRB5_CONFIG=$AD_KRB5_CONF ip netns exec "$AD_NS" "$FILTER" -f \
		-c "$T/policy.conf" >>"$T/filter.log" 2>&1 &
	pid=$!
	local i=0
	while [ ! -S "$T/milter.sock" ] && [ $i -lt 300 ]; do
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

NOT_OWNER="Originator address does not match authentication credentials"
TEMPFAIL="Cannot verify the originator address now, try again later"

# tcase NAME LOGIN SENDER EXPECT [CODE XCODE TEXT [LOG-PATTERN]]
# (AT=mail; AT=eom with the headers of $HDRS, e.g. -D SENDERHDR=...)
AT=mail
HDRS=()
# EXPECT accept|reply at MAIL; LOG-PATTERN must then be in the verdict line.
tcase() {
	local name=$1 login=$2 sender=$3 expect=$4 code=${5:-} xcode=${6:-}
	local text=${7:-} pat=${8:-} before out rc
	before=$(wc -l <"$T/filter.log")
	out=$("$MILTERTEST" -D SOCK="unix:$T/milter.sock" -D LOGIN="$login" \
		-D SENDER="$sender" -D CLIENT=192.0.2.10 -D AT="$AT" "${HDRS[@]}" \
		-D EXPECT="$expect" -D CODE="$code" -D XCODE="$xcode" \
		-D TEXT="$text" -s "$LUA" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$name: miltertest rc=$rc: $out"
		tail -n +"$((before + 1))" "$T/filter.log" | sed 's/^/# /'
		return
	fi
	# the verdict line is written before the reply goes out
	local new i=0
	while :; do
		new=$(tail -n +"$((before + 1))" "$T/filter.log")
		[ -z "$pat" ] || printf '%s\n' "$new" | grep -q -- "$pat" && break
		[ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -n "$pat" ] && ! printf '%s\n' "$new" | grep -q -- "$pat"; then
		not_ok "$name: the log has no '$pat'"
		printf '%s\n' "$new" | sed 's/^/# /'
		return
	fi
	ok "$name ($expect${code:+ $code $xcode $text})"
}

# --- the whole AD profile over LDAPS ------------------------------------------
make_conf "$LDAPS" "$AD_PERMS"
if start_filter; then ok "filter starts with the AD profile over LDAPS"; else
	not_ok "filter starts: $(cat "$T/filter.log")"; fi
tcase "sAMAccountName login, SMTP: primary" alice "<alice@example.com>" accept "" "" "" "reason=owner"
tcase "smtp: alias" alice "<a.smith@example.com>" accept "" "" "" "reason=owner"
tcase "X400: value is not an address" alice "<x400only@example.com>" reply 554 5.7.1 "$NOT_OWNER" "reason=not_owner"
tcase "NT domain login EXAMPLE\\alice" 'EXAMPLE\alice' "<alice@example.com>" accept "" "" "" "reason=owner"
tcase "userPrincipalName login" alice@ad.example.com "<alice@example.com>" accept "" "" "" "reason=owner"
tcase "another user's address" alice "<bob@example.com>" reply 554 5.7.1 "$NOT_OWNER" "reason=not_owner"
tcase "home via msExchHomeServerName (MAIL2)" frank "<frank@example.com>" reply 554 5.7.1 "Mailbox is not local: frank@example.com" "reason=not_local"
tcase "Send-As by ACL to the user" bob "<sales@example.com>" accept "" "" "" "send_as=acl"
tcase "Send-As by ACL to a nested group" carol "<sales@example.com>" accept "" "" "" "send_as=acl"
tcase "Send-As denied by a deny ACE first" dave "<sales@example.com>" reply 554 5.7.1 "$NOT_OWNER" "send_as=acl_deny"
tcase "no Send-As ACE for the login" gina "<sales@example.com>" reply 554 5.7.1 "$NOT_OWNER" "reason=not_owner"
tcase "disabled account" erin "<erin@example.com>" reply 554 5.7.1 "$NOT_OWNER" "account disabled"
tcase "member #2000 of a 2,000-member group" gina "<all-staff@example.com>" accept "" "" "" "reason=send_as"
tcase "not a member of the big group" alice "<all-staff@example.com>" reply 554 5.7.1 "$NOT_OWNER" "reason=not_owner"
tcase "publicDelegates (Send on Behalf) on the envelope" henry "<boss@example.com>" accept "" "" "" "send_as=delegate"
stop_filter

# --- Send on Behalf: From: the principal needs Sender: the delegate ---------
make_conf "$LDAPS" "$AD_PERMS
	send_on_behalf = true"
sed -i -e 's/^  reject_stage = "mail"/  reject_stage = "data"\n  check_header_from = true/' "$T/policy.conf"
start_filter || not_ok "filter starts (send_on_behalf, check_header_from)"
AT=eom
HDRS=(-D SENDERHDR="<henry@example.com>")
tcase "Send on Behalf with Sender: the delegate" henry "<boss@example.com>" continue "" "" "" "send_as=on_behalf"
HDRS=()
tcase "Send on Behalf without Sender:" henry "<boss@example.com>" reply 554 5.7.1 "$NOT_OWNER" "on_behalf_needs_sender"
HDRS=(-D SENDERHDR="<boss@example.com>")
tcase "Send on Behalf, Sender: not the delegate's own" henry "<boss@example.com>" reply 554 5.7.1 "$NOT_OWNER" "on_behalf_sender_not_own"
HDRS=()
tcase "Send-As by ACL needs no Sender:" bob "<sales@example.com>" continue "" "" "" "send_as=acl"
HDRS=()
AT=mail
stop_filter

# --- the member list alone (no tokenGroups): ranged values must be read -----
make_conf "$LDAPS" "	member_range = 1500"
start_filter || not_ok "filter starts (member list only)"
tcase "member #2000 found through member;range=1500-*" gina "<all-staff@example.com>" accept "" "" "" "send_as=delegate"
tcase "ACL not read without send_as_acl" bob "<sales@example.com>" reply 554 5.7.1 "$NOT_OWNER" "reason=not_owner"
stop_filter

# --- how sites bind -------------------------------------------------------------
for mode in STARTTLS GSSAPI GC; do
	make_conf "${!mode}" "$AD_PERMS"
	start_filter || not_ok "filter starts ($mode)"
	tcase "$mode: own address" alice "<alice@example.com>" accept "" "" "" "reason=owner"
	tcase "$mode: Send-As by nested group" carol "<sales@example.com>" accept "" "" "" "send_as=acl"
	stop_filter
done
make_conf "$PLAIN" ""
start_filter || not_ok "filter starts (plain simple bind)"
tcase "plain simple bind refused: tempfail naming the fix" alice "<alice@example.com>" reply 451 4.7.1 "$TEMPFAIL" "ldap server require strong auth"
stop_filter

# --- a referral in the answer is not chased -------------------------------------
refs=$(ad_exec env LDAPTLS_CACERT="$AD_CA" ldapsearch -x -ZZ -H "ldap://$DCNAME" \
	-D "$AD_BINDDN" -w "$AD_BINDPW" -b "$AD_BASE" "(sAMAccountName=alice)" dn 2>&1 |
	grep -c '^ref: ')
if [ "${refs:-0}" -gt 0 ]; then
	ok "the DC answers the subtree search with $refs referral(s), which the lookups above did not chase"
else
	not_ok "the DC returned no referral to the subtree search"
fi

echo "# AD matrix took $(($(date +%s) - t0)) s"
echo "1..$n"
[ $failed -eq 0 ]
