#!/bin/bash
# ad-fault.sh - the Active Directory rows of the fault suite: a Samba AD DC
# (tests/ad/samba-env.sh) stopped, paused (SIGSTOP) and restarted under
# bounded load from two mgen generators, "good" (logins sending as their
# own address or with Send-As from the mailbox's DACL) and "bad" (sending
# as someone else, or with a deny ACE). While a fault lasts no bad
# message is accepted and a good one is at worst tempfailed (451, never
# refused); after it every good message is accepted again by the same
# filter process. The cache is off, so every message asks the DC. Prints
# TAP; skips (TAP SKIP) only when a DC cannot run here.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
export builddir=$top_builddir
FILTER="$top_builddir/origin-milter"
MGEN="$top_builddir/tests/bench/mgen"
# shellcheck source=tests/ad/samba-env.sh
. "$top_srcdir/tests/ad/samba-env.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/om-adfault.XXXXXX")
n=0
failed=0
fpid=

cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	ad_env_stop
	[ -n "${KEEP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$2"; }

why=$(ad_env_skip_reason)
if [ -n "$why" ]; then
	echo "1..0 # SKIP no Samba AD DC here: $why"
	exit 0
fi
for tool in "$FILTER" "$MGEN"; do
	[ -x "$tool" ] || { echo "1..1"; echo "not ok 1 - $tool not built"; exit 1; }
done
check "Samba AD DC starts" 'ad_env_start > "$T/dc.log" 2>&1'
[ $failed -eq 0 ] || { tail -20 "$T/dc.log" | sed 's/^/# /'; echo "1..$n"; exit 1; }
echo "$AD_BINDPW" >"$T/ad.secret"
chmod 600 "$T/ad.secret"

cat >"$T/policy.conf" <<CONF
socket = "unix:$T/om.sock"
user = ""
pid_file = ""
server_name = "mail1"
local_domains = {"example.com"}
directory = "ldap"
policy {
  reject_stage = "mail"
  on_directory_error = "tempfail"
}
ldap {
	uri = {"ldaps://dc1.ad.example.com"}
	tls_ca_file = "$AD_CA"
	bind_dn = "$AD_BINDDN"
	bind_password_file = "$T/ad.secret"
	base = "$AD_BASE"
	account_filter = "(&(objectClass=user)(objectCategory=person)(|(sAMAccountName=%u)(userPrincipalName=%s)))"
	mailbox_filter = "(msExchHomeServerName=*)"
	address_attributes = {}
	proxy_address_attributes = {proxyAddresses}
	name_attribute = sAMAccountName
	home_server_attribute = msExchHomeServerName
	delegate_attribute = publicDelegates
	send_as_acl = true
	refuse_disabled = true
	timeout = 5
	pool_size = 2
	cache_size = 0
}
CONF
cat >"$T/good.wl" <<'W'
alice alice@example.com
alice a.smith@example.com
EXAMPLE\bob bob@example.com
bob sales@example.com
carol sales@example.com
W
sed 's/$/ accept/' "$T/good.wl" >"$T/good-strict.wl"
cat >"$T/bad.wl" <<'W'
alice bob@example.com
dave sales@example.com
gina sales@example.com
erin erin@example.com
alice x400only@example.com
W

start() {
	rm -f "$T/om.sock"
	# directly, not through a function: $! must be the filter itself
	ip netns exec "$AD_NS" "$FILTER" -f -c "$T/policy.conf" \
		>>"$T/filter.log" 2>&1 &
	fpid=$!
	for i in $(seq 1 300); do [ -S "$T/om.sock" ] && return 0; sleep 0.1; done
	return 1
}
# load SECS CONNS [strict]: good and bad runs side by side (background)
load() {
	local gw=$T/good.wl
	[ "${3:-}" = strict ] && gw=$T/good-strict.wl
	"$MGEN" -s "unix:$T/om.sock" -c "$2" -m 2 -d "$1" -t 15 -w "$gw" \
		-l good >"$T/good.out" 2>&1 &
	GPID=$!
	"$MGEN" -s "unix:$T/om.sock" -c "$2" -m 2 -d "$1" -t 15 -w "$T/bad.wl" \
		-l bad >"$T/bad.out" 2>&1 &
	BPID=$!
}
wait_load() {
	wait "$GPID"; wait "$BPID"
	grep '^RESULT' "$T/good.out" >"$T/good.res" || echo "RESULT none" >"$T/good.res"
	grep '^RESULT' "$T/bad.out" >"$T/bad.res" || echo "RESULT none" >"$T/bad.res"
}
summary() {
	echo "good: $(field msgs "$T/good.res") msgs, accepted $(field accepted "$T/good.res"), refused $(field refused "$T/good.res"), tempfail $(field tempfail "$T/good.res"); bad: $(field msgs "$T/bad.res") msgs, accepted $(field accepted "$T/bad.res"), refused $(field refused "$T/bad.res"), tempfail $(field tempfail "$T/bad.res")"
}
during() {
	local gm gr ba bm
	gm=$(field msgs "$T/good.res"); gr=$(field refused "$T/good.res")
	ba=$(field accepted "$T/bad.res"); bm=$(field msgs "$T/bad.res")
	echo "# $1: $(summary)"
	check "$1: no forbidden message accepted" '[ "${bm:-0}" -gt 0 ] && [ "$ba" = 0 ]'
	check "$1: good messages at worst tempfailed, never refused" \
		'[ "${gm:-0}" -gt 0 ] && [ "$gr" = 0 ]'
}
after() {
	local pid0=$fpid
	load 3 2 strict
	wait_load
	echo "# $1, after: $(summary)"
	check "$1: recovered in the same process (all good accepted, bad refused)" \
		'kill -0 "$pid0" 2>/dev/null && [ "$(field msgs "$T/good.res")" -gt 0 ] &&
		 [ "$(field mismatches "$T/good.res")" = 0 ] &&
		 [ "$(field tempfail "$T/good.res")" = 0 ] &&
		 [ "$(field accepted "$T/bad.res")" = 0 ]'
}

check "filter starts with the AD profile" start
after "baseline"

# 1. the DC stopped (SIGTERM, as an admin's stop), then started again
load 8 2
sleep 2
"$AD_ENV_SH" stop "$AD_DIR" >>"$T/dc.log" 2>&1
sleep 3
check "DC stopped: it starts again" '"$AD_ENV_SH" start "$AD_DIR" >>"$T/dc.log" 2>&1'
wait_load
during "DC stopped and started again"
check "DC stopped: tempfailures seen while it was down" '[ "$(field tempfail "$T/good.res")" -gt 0 ]'
after "DC stopped"

# 2. the DC paused (SIGSTOP) for more than two lookup timeouts, then resumed
load 16 2
sleep 2
"$AD_ENV_SH" pause "$AD_DIR" >>"$T/dc.log" 2>&1
sleep 12
"$AD_ENV_SH" resume "$AD_DIR" >>"$T/dc.log" 2>&1
wait_load
during "DC paused (SIGSTOP) 12 s then resumed"
check "DC paused: lookups timed out into tempfailures (fail closed)" '[ "$(field tempfail "$T/good.res")" -gt 0 ]'
after "DC paused"

# 3. the DC restarted (clean stop and start) under load
load 8 2
sleep 2
check "DC restarted: it stops and starts again" '"$AD_ENV_SH" restart "$AD_DIR" >>"$T/dc.log" 2>&1'
wait_load
during "DC restarted"
after "DC restarted"

echo "1..$n"
[ $failed -eq 0 ]
