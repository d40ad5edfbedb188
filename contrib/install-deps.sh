#!/bin/sh
# install-deps.sh - install what origin-milter needs to build and to run its
# whole test suite on Debian 12 (bookworm). Idempotent; run as root (or
# with sudo). Used by contrib/demo.sh, tests/run-all.sh and .ci/run.
set -eu
PKGS="autoconf automake libtool make pkg-config gcc clang libclang-rt-14-dev
 libmilter-dev libconfuse-dev libldap-dev libidn2-dev libcmocka-dev
 miltertest slapd ldap-utils postfix postfix-ldap sasl2-bin libsasl2-modules
 swaks gnuplot-nox valgrind procps psmisc iproute2 ca-certificates
 libnsl2 libwrap0 util-linux m4 libsasl2-dev
 debhelper dpkg-dev fakeroot lintian adduser
 samba samba-ad-dc samba-ad-provision winbind krb5-user ldb-tools
 libsasl2-modules-gssapi-mit"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# no prompts, and no system-wide configuration for the test-only servers
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
echo "krb5-config krb5-config/default_realm string" | $SUDO debconf-set-selections
# the test-only servers (slapd, Postfix, Samba's smbd/nmbd/samba-ad-dc)
# must not start on install: invoke-rc.d asks policy-rc.d, and 101 means
# "not allowed"; ours is removed again afterwards (a machine's own one
# stays as it was)
prc=/usr/sbin/policy-rc.d
own_prc=
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
	$SUDO chmod 755 "$prc"
	own_prc=1
fi
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing || rc=$?
[ -z "$own_prc" ] || $SUDO rm -f "$prc"
exit "${rc:-0}"
