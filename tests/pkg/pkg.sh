#!/bin/bash
# tests/pkg/pkg.sh - the Debian package, built, checked, installed and used:
# dpkg-buildpackage -us -uc -b on a copy of this tree, lintian (no E: or W:
# line), apt-get install of the .deb, then the system user, the conffiles
# and their modes, the unit (systemd-analyze verify), the filter started as
# the unit starts it (as origin-milter, socket in /run/origin-milter) and
# reached by the postfix user once README.Debian's step 1 made it a group
# member, a reload as the unprivileged user, and the Postfix end-to-end
# matrix (tests/postfix/matrix.sh) on the installed binary with its
# configuration in /etc/origin-milter. Purges the package at the end and
# removes the user the test made, so the machine is left as it was.
# Installs system-wide: run as root by tests/run-all.sh, not by make check.
#   bash tests/pkg/pkg.sh [WORKDIR]
# TAP output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$here/../.." && pwd)
. "$SRC/tests/postfix/tap.sh"
PKG=origin-milter
W=$(realpath -m "${1:-$SRC/_build/pkg}")
LUA=$SRC/tests/milter/transaction.lua
pid=
installed_by_us=no
user_by_us=no
locked_by_us=no
export DEBIAN_FRONTEND=noninteractive

# say CMD... - run CMD, its output as TAP comments, its status returned.
say() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	return $rc
}

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	if [ $installed_by_us = yes ] && dpkg-query -W "$PKG" >/dev/null 2>&1; then
		apt-get purge -y -q "$PKG" >/dev/null 2>&1
	fi
	if [ $user_by_us = yes ]; then
		deluser --quiet --system "$PKG" >/dev/null 2>&1
		delgroup --quiet --system "$PKG" >/dev/null 2>&1
	fi
	[ $locked_by_us = yes ] && rm -rf "$lockdir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- preconditions ----------------------------------------------------------
[ "$(id -u)" -eq 0 ] || tap_bail "must run as root (installs a package)"
for t in dpkg-buildpackage lintian apt-get miltertest setpriv adduser; do
	command -v "$t" >/dev/null 2>&1 ||
		tap_bail "missing tool $t: sh contrib/install-deps.sh"
done
# The package is machine-wide: a second run on this machine (another
# clone's CI) waits for the first to purge it instead of failing. The lock
# is a directory naming its holder (a daemon that inherited a descriptor
# cannot keep it; a holder that died leaves it to be taken).
lockdir=/tmp/origin-milter-pkg-test.lock
waited=0
while ! mkdir "$lockdir" 2>/dev/null; do
	holder=$(cat "$lockdir/pid" 2>/dev/null)
	if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
		rm -rf "$lockdir"
		continue
	fi
	[ $waited -eq 0 ] &&
		echo "# another run (pid ${holder:-?}) holds the package test; waiting"
	[ $waited -ge 1800 ] && tap_bail "the package test lock stayed taken 30 min"
	sleep 5
	waited=$((waited + 5))
done
echo $$ >"$lockdir/pid"
locked_by_us=yes
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q installed; then
	tap_bail "$PKG is already installed; this test installs and purges it"
fi
getent passwd "$PKG" >/dev/null || user_by_us=yes

# --- build --------------------------------------------------------------------
rm -rf "$W" && mkdir -p "$W/src" || tap_bail "cannot make $W"
# a copy of this tree as it is (tracked and new files, nothing generated)
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -co --exclude-standard -z |
		tar --null -T - -cf -) | tar -C "$W/src" -xf -
else
	(cd "$SRC" && tar --exclude=./_build --exclude=./.git -cf - .) |
		tar -C "$W/src" -xf -
fi
start=$(date +%s)
(cd "$W/src" && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b) \
	>"$W/build.log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
grep -E '^(dpkg-deb: building|dpkg-buildpackage: info)' "$W/build.log" |
	sed 's/^/# /'
# (the unit tests' automake summary, reworded: tests/run-all.sh counts
# "# PASS: N" lines, and these cases are this file's test 3)
echo "# unit tests in the build:" $(grep -E '^# (TOTAL|PASS|FAIL|ERROR):' \
	"$W/build.log" | tr -d '#:')
tap_result "dpkg-buildpackage -us -uc -b (${secs} s)" $rc \
	"$(tail -n 30 "$W/build.log")" || tap_bail "no package to test"
deb=$(ls "$W"/${PKG}_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
changes=$(ls "$W"/${PKG}_*.changes 2>/dev/null | head -1)
tap_ok "package file $(basename "$deb") built" test -f "$deb"
tap_like "the build ran the unit tests only, all passed" \
	"$(grep -E '^# (PASS|FAIL|ERROR):' "$W/build.log" | tr -s ' ' | tr '\n' ' ')" \
	'^# PASS: [1-9][0-9]* # FAIL: 0 # ERROR: 0 $'

# --- lintian --------------------------------------------------------------------
lintian --allow-root -I --show-overrides "$changes" >"$W/lintian.log" 2>&1
echo "# lintian -I --show-overrides $(basename "$changes"): exit $?"
sed 's/^/#   /' "$W/lintian.log"
tap_is "lintian: no error or warning" \
	"$(grep -cE '^[EW]: ' "$W/lintian.log")" 0

# --- install --------------------------------------------------------------------
apt-get install -y -q "$deb" >"$W/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && installed_by_us=yes
tap_result "apt-get install $(basename "$deb")" $rc "$(tail -n 20 "$W/install.log")" ||
	tap_bail "not installed"

tap_like "system user $PKG: system uid, no login, no home" \
	"$(getent passwd "$PKG")" \
	"^$PKG:x:[0-9]+:[0-9]+:[^:]*:/nonexistent:/usr/sbin/nologin$"
tap_ok "system group $PKG" getent group "$PKG"
uid=$(id -u "$PKG" 2>/dev/null)
tap_ok "uid $uid is a system uid (< 1000)" test "${uid:-1000}" -lt 1000
if getent group postdrop >/dev/null; then
	tap_like "$PKG is in postdrop (notify = under NoNewPrivileges)" \
		" $(id -nG "$PKG") " " postdrop "
fi
tap_is "conffiles" \
	"$(dpkg-query -W -f='${Conffiles}\n' "$PKG" | awk 'NF {print $1}' | sort | tr '\n' ' ')" \
	"/etc/mail/m4/origin-milter.m4 /etc/origin-milter/accounts /etc/origin-milter/policy.conf "
tap_is "policy.conf 0640 root:$PKG" \
	"$(stat -c '%a %U:%G' /etc/origin-milter/policy.conf)" "640 root:$PKG"
tap_is "accounts 0640 root:$PKG" \
	"$(stat -c '%a %U:%G' /etc/origin-milter/accounts)" "640 root:$PKG"
tap_is "modes kept by dpkg-statoverride" \
	"$(dpkg-statoverride --list '/etc/origin-milter/*' | sort | tr '\n' ' ')" \
	"root $PKG 640 /etc/origin-milter/accounts root $PKG 640 /etc/origin-milter/policy.conf "
tap_like "binary /usr/sbin/origin-milter" "$(/usr/sbin/origin-milter -V)" \
	'^origin-milter [0-9]'
tap_ok "man pages origin-milter(8), policy.conf(5)" test \
	-f /usr/share/man/man8/origin-milter.8.gz -a \
	-f /usr/share/man/man5/policy.conf.5.gz
tap_ok "Sendmail snippet in /etc/mail/m4" grep -q '^INPUT_MAIL_FILTER(' \
	/etc/mail/m4/origin-milter.m4
tap_ok "README.Debian" grep -q 'adduser postfix origin-milter' \
	/usr/share/doc/$PKG/README.Debian
unit=/lib/systemd/system/$PKG.service
tap_ok "unit file installed" test -f "$unit"
for k in 'Type=simple' 'ExecStart=/usr/sbin/origin-milter -f ' \
    'ExecReload=/bin/kill -USR1 $MAINPID' "User=$PKG" 'UMask=0007' \
    "RuntimeDirectory=$PKG" 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'ReadWritePaths=' 'PrivateTmp=yes' 'PrivateDevices=yes' \
    'ProtectHome=yes' 'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' \
    'ProtectKernelLogs=yes' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
    'RestrictNamespaces=yes' 'SystemCallArchitectures=native'; do
	tap_ok "unit: $k" grep -qF -- "$k" "$unit"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(systemd-analyze verify "$unit" 2>&1)
	tap_result "systemd-analyze verify: clean" \
		$([ $? -eq 0 ] && [ -z "$out" ] && echo 0 || echo 1) "$out"
fi
tap_is "origin-milter -n on the installed configuration (as root: also \
checks what the user may read)" "$(/usr/sbin/origin-milter -n 2>&1)" \
	"/etc/origin-milter/policy.conf: ok"

# --- the filter as the unit runs it ------------------------------------------------
# RuntimeDirectory=origin-milter (mode 0750), User=/Group=, UMask=0007,
# ExecStartPre -n, ExecStart -f; no systemd needed.
as_pkg() { setpriv --reuid="$PKG" --regid="$PKG" --init-groups "$@"; }
as_postfix() { setpriv --reuid=postfix --regid=postfix --init-groups "$@"; }
install -d -o "$PKG" -g "$PKG" -m 0750 /run/$PKG
tap_is "ExecStartPre: -n as $PKG" "$(as_pkg /usr/sbin/origin-milter -n 2>&1)" \
	"/etc/origin-milter/policy.conf: ok"
cp "$LUA" "$W/transaction.lua" && chmod 0755 "$W" && chmod 0644 "$W/transaction.lua"
: >"$W/unit.log"
(umask 0007 && exec setpriv --reuid="$PKG" --regid="$PKG" --init-groups \
	/usr/sbin/origin-milter -f -c /etc/origin-milter/policy.conf) \
	>>"$W/unit.log" 2>&1 &
pid=$!
sock=/run/$PKG/$PKG.sock
for i in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
tap_is "socket srwxrwx--- $PKG:$PKG" "$(stat -c '%A %U:%G' "$sock" 2>&1)" \
	"srwxrwx--- $PKG:$PKG"
tap_is "process runs as $PKG" "$(ps -o uid= -p "$pid" 2>&1 | tr -d ' ')" \
	"$(id -u "$PKG")"
# transaction LOGIN SENDER EXPECT - one miltertest session as user postfix
transaction() {
	as_postfix miltertest -D SOCK="unix:$sock" -D LOGIN="$1" -D SENDER="$2" \
		-D CLIENT=192.0.2.10 -D AT=mail -D EXPECT="$3" -D CODE= \
		-D XCODE= -D TEXT= -s "$W/transaction.lua"
}
member_before=no
id -nG postfix | tr ' ' '\n' | grep -qx "$PKG" && member_before=yes
if [ $member_before = no ]; then
	tap_result "postfix, not in group $PKG, cannot connect" \
		$(transaction alice '<bob@example.com>' reply >/dev/null 2>&1 && echo 1 || echo 0)
	adduser --quiet postfix "$PKG"
fi
tap_ok "README.Debian step 1 (adduser postfix $PKG): postfix gets the verdict" \
	transaction alice '<bob@example.com>' reply
tap_ok "and an accept" transaction alice '<alice@example.com>' accept
kill -USR1 "$pid"
for i in $(seq 1 100); do grep -q 'event=reload ' "$W/unit.log" && break; sleep 0.1; done
tap_ok "reload as $PKG: status=ok" grep -q \
	'event=reload config=/etc/origin-milter/policy.conf status=ok' "$W/unit.log"
tap_is "nothing the user cannot read (no reload_will_fail)" \
	"$(grep -c 'reload_will_fail' "$W/unit.log")" 0
tap_is "log = auto with -f: one line per verdict, on stderr only" \
	"$(grep -cE '^origin-milter: event=(accept|reject) reason=' "$W/unit.log")" 2
kill "$pid" && wait "$pid" 2>/dev/null
pid=
[ $member_before = no ] && deluser --quiet postfix "$PKG"
sed 's/^/#   /' "$W/unit.log"

# --- the Postfix matrix on the installed binary and /etc/origin-milter -----------
# Run as root (user = ""), as every matrix run: the notice rows submit
# through a private Postfix instance, whose MAIL_CONFIG postdrop trusts only
# for root. Its TAP lines become ours.
OM_BIN=/usr/sbin/origin-milter OM_ETC=/etc/origin-milter \
	bash "$SRC/tests/postfix/matrix.sh" >"$W/matrix.log" 2>&1
mrc=$?
while IFS= read -r l; do
	case $l in
	"ok "[0-9]*) tap_result "matrix: ${l#ok * - }" 0 ;;
	"not ok "[0-9]*) tap_result "matrix: ${l#not ok * - }" 1 ;;
	"Bail out!"*) tap_result "matrix: $l" 1 ;;
	"#"*) echo "$l" ;;
	esac
done <"$W/matrix.log"
tap_is "matrix exit status" $mrc 0
tap_is "policy.conf still 0640 root:$PKG after the matrix rewrote it" \
	"$(stat -c '%a %U:%G' /etc/origin-milter/policy.conf)" "640 root:$PKG"

# --- purge ------------------------------------------------------------------------
apt-get purge -y -q "$PKG" >"$W/purge.log" 2>&1
tap_result "apt-get purge $PKG" $? "$(tail -n 20 "$W/purge.log")"
tap_ok "package gone" sh -c "! dpkg-query -W -f='\${Status}' $PKG 2>/dev/null | grep -q installed"
tap_ok "/etc/origin-milter and the unit gone" test ! -e /etc/origin-milter -a ! -e "$unit" \
	-a ! -e /etc/mail/m4/origin-milter.m4
tap_is "statoverrides gone" "$(dpkg-statoverride --list '/etc/origin-milter/*')" ""
installed_by_us=no
echo "1..$TAP_N"
tap_done
