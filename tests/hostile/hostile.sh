#!/bin/bash
# hostile.sh - hostile logins and senders end to end: the built
# origin-milter on a UNIX socket, driven by Debian's miltertest through
# whole transactions (tests/milter/transaction.lua), refusals at end of
# message so the exact SMTP reply (code, enhanced code, text) the MTA
# would send is checked. Each case names the verdict the policy demands;
# a refusal's text must be the configured one with any client bytes
# cleaned ('%' doubled, no CR/LF, no control or non-ASCII octets). At the
# end the filter must still run and its log must hold no raw control
# octet from a client. Prints TAP.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
MILTERTEST=${MILTERTEST:-miltertest}
FILTER="$top_builddir/origin-milter"
LUA="$top_srcdir/tests/milter/transaction.lua"
T=$(mktemp -d "${TMPDIR:-/tmp}/om-hostile.XXXXXX")
n=0
failed=0
pid=

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

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

cat > "$T/accounts" <<'A'
alice  alice@example.com,a.smith@example.com
bob    bob@example.com
carol  carol@example.com  home=mail2
sales  sales@example.com  delegates=alice
idn    idn@xn--bcher-kva.example
A
sed -e "s|^socket = .*|socket = \"unix:$T/milter.sock\"|" \
    -e 's|^user = .*|user = ""|' \
    -e "s|^pid_file = .*|pid_file = \"\"|" \
    -e "s|^accounts_file = .*|accounts_file = \"$T/accounts\"|" \
    -e 's|^local_domains = .*|local_domains = {"example.com", "example.org", "xn--bcher-kva.example"}|' \
    -e 's|^  reject_stage = .*|  reject_stage = "data"|' \
    -e 's|^  check_home_server = .*|  check_home_server = true|' \
    "$top_srcdir/conf/policy.conf" > "$T/policy.conf"

"$FILTER" -f -c "$T/policy.conf" > "$T/filter.log" 2>&1 &
pid=$!
for i in $(seq 1 300); do
	[ -S "$T/milter.sock" ] && break
	sleep 0.1
done

# tcase NAME LOGIN SENDER accept | reply CODE XCODE TEXT
tcase() {
	local name=$1 login=$2 sender=$3 expect=$4 out rc at=eom
	# an accepted message is accepted at MAIL: nothing more is asked
	[ "$expect" = accept ] && at=mail
	out=$("$MILTERTEST" -D SOCK="unix:$T/milter.sock" -D LOGIN="$login" \
		-D SENDER="$sender" -D CLIENT=192.0.2.10 -D AT="$at" \
		-D EXPECT="$expect" -D CODE="${5:-}" -D XCODE="${6:-}" \
		-D TEXT="${7:-}" -s "$LUA" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$name: ${5:-accept} ${6:-} ${7:-}"
	else
		not_ok "$name: want ${5:-accept} ${6:-} ${7:-}; miltertest rc=$rc: $(printf %s "$out" | tr -c '[:print:]' '?')"
	fi
}

NO="Originator address does not match authentication credentials"
NA="Need to authenticate first"
BAD="Bad sender address syntax"
CR=$'\r'
LF=$'\n'
# miltertest cannot carry 10 KB values (it stops, or smashes its stack);
# the 10 KB forms run in test_hostile, 300-octet ones (beyond every limit) here
BIG=$(head -c 300 /dev/zero | tr '\0' a)

if [ -S "$T/milter.sock" ]; then ok "filter starts"; else
	not_ok "filter starts: $(cat "$T/filter.log")"; fi
# LDAP filter characters
tcase "login *)(uid=*" '*)(uid=*' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "login alice*" 'alice*' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "login alice)(|(uid=*))" 'alice)(|(uid=*))' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "login al\\2aice" 'al\2aice' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "sender *)(mail=* (no atext)" alice '<*)(mail=*@example.com>' reply 501 5.1.7 "$BAD"
# CR/LF and controls
tcase "login with CR/LF" "alice${CR}${LF}bob" '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "login with TAB" "ali	ce" '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "sender with CR/LF and a command" alice "<alice@example.com>${CR}${LF}RCPT TO:<x@evil.example>" reply 501 5.1.7 "$BAD"
tcase "sender with ESC" carol "<carol"$'\e'"[2J@example.com>" reply 501 5.1.7 "$BAD"
# without AUTH a sender is judged by its domain (policy.conf(5)
# UNAUTHENTICATED SENDERS): local, or no usable domain at all -> 504
tcase "no AUTH, sender with CR/LF" "" "<alice${CR}${LF}@example.com>" reply 504 5.7.4 "Need to authenticate first"
tcase "no AUTH, CR/LF and a command after a foreign domain" "" "<alice@evil.example${CR}${LF}RCPT TO:<x@example.com>>" reply 504 5.7.4 "Need to authenticate first"
# % sequences (on the wire every '%' is doubled, as smfi_setreply wants)
tcase "login %s%n%x" '%s%n%x' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "own sub-address with %s%n" alice '<alice+%s%n@example.com>' accept
tcase "not local: % doubled in the echoed sender" carol '<carol+%s%n%%@example.com>' reply 554 5.7.1 'Mailbox is not local: carol+%%s%%n%%%%@example.com'
tcase "not local, plain" carol '<carol@example.com>' reply 554 5.7.1 'Mailbox is not local: carol@example.com'
# long values
tcase "300-octet login" "$BIG" '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "alice + 300-octet login" "alice$BIG" '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "300-octet sender (owner's sub-address)" carol "<carol+$BIG@example.com>" reply 501 5.1.7 "$BAD"
tcase "300-octet domain" alice "<alice@$BIG.example.com>" reply 501 5.1.7 "$BAD"
# invalid UTF-8
tcase "login with 0xff" $'al\xffice' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "login overlong /" $'\xc0\xafalice' '<alice@example.com>' reply 554 5.7.1 "$NO"
tcase "sender with 0xff" alice $'<alice\xff@example.com>' reply 501 5.1.7 "$BAD"
tcase "sender with a surrogate, no AUTH" "" $'<alice@example.com\xed\xa0\x80>' reply 504 5.7.4 "Need to authenticate first"
tcase "sender with 0xff, no AUTH, foreign domain" "" $'<alice\xff@partner.example>' accept
# IDNA
tcase "IDN A-label" idn '<idn@xn--bcher-kva.example>' accept
tcase "IDN U-label" idn $'<idn@b\xc3\xbccher.example>' accept
tcase "IDN U-label upper case" idn $'<idn@B\xc3\x9cCHER.example>' accept
tcase "IDN look-alike without the umlaut" idn '<idn@bucher.example>' reply 554 5.7.1 "$NO"
tcase "alice as exämple.com (A-label)" alice '<alice@xn--exmple-cua.com>' reply 554 5.7.1 "$NO"
tcase "no AUTH, IDN local domain in U-label" "" $'<idn@b\xc3\xbccher.example>' reply 504 5.7.4 "$NA"
# quoted local parts smuggling an @
tcase "quoted @ to a foreign domain" alice '<"alice@example.com"@evil.example>' reply 554 5.7.1 "$NO"
tcase "quoted @ inside a local domain" alice '<"alice@example.com"@example.com>' reply 554 5.7.1 "$NO"
tcase "quoted own local part" alice '<"alice"@example.com>' accept
tcase "no AUTH, quoted @ in a local domain" "" '<"bob@evil.example"@example.com>' reply 504 5.7.4 "$NA"
# case variants
tcase "upper-case login and sender" ALICE '<Alice@EXAMPLE.com>' accept
tcase "BOB as ALICE" BOB '<ALICE@EXAMPLE.COM>' reply 554 5.7.1 "$NO"
tcase "no AUTH, upper-case local domain" "" '<alice@Example.Org>' reply 504 5.7.4 "$NA"
# source routes
tcase "route through another domain to own mailbox" alice '<@evil.example:alice@example.com>' accept
tcase "route naming a local domain to a foreign mailbox" alice '<@example.com:bob@evil.example>' reply 554 5.7.1 "$NO"
tcase "no AUTH, route to a local mailbox" "" '<@evil.example:alice@example.com>' reply 504 5.7.4 "$NA"

if kill -0 "$pid" 2>/dev/null; then ok "filter still running"; else
	not_ok "filter still running: $(tail -5 "$T/filter.log")"; fi
# a raw CR, ESC or 0xff in the log means client bytes went in uncleaned
if LC_ALL=C grep -q $'[\r\x1b\xff]' "$T/filter.log"; then
	not_ok "log holds raw client control octets"
else
	ok "log holds no raw client control octets"
fi
echo "1..$n"
[ $failed -eq 0 ]
