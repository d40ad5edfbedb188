#!/bin/bash
# slapd-env.sh - a private slapd for tests, in a temporary folder.
#
# Source it and call the functions, or run it as a command:
#   . tests/ldap/slapd-env.sh
#   slapd_env_start DATA.ldif [MORE.ldif ...]   # slapadd, then start
#   ... use $SLAPD_URI (ldap://127.0.0.1:PORT, StartTLS offered),
#       $SLAPD_LDAPS_URI (ldaps://127.0.0.1:PORT+1), $SLAPD_LDAPI_URI,
#       $SLAPD_ENV_HOME/tls/ca.pem (the CA that verifies both),
#       $SLAPD_SUFFIX, $SLAPD_ROOTDN/$SLAPD_ROOTPW, $SLAPD_BINDDN/$SLAPD_BINDPW
#   slapd_env_stop                              # stop and remove the folder
#   tests/ldap/slapd-env.sh stop|start|pause|resume|restart|destroy DIR
#     (start does nothing if slapd runs; pause returns once it is stopped)
#
# The database is mdb with the core, cosine, inetorgperson, nis and misc
# schemas plus tests/ldap/schema/ad-test.schema (sAMAccountName,
# proxyAddresses, msExchHomeServerName, publicDelegates, ...). Only
# cn=milter (password milterpw), the rootdn and the local root user over
# ldapi (SASL EXTERNAL) may read entries; anonymous users see nothing.
# Listens on 127.0.0.1 and on an ldapi socket in the folder only.
# Environment: SLAPD, SLAPADD, LDAPSEARCH (paths), SLAPD_SUFFIX,
# SLAPD_EXTRA_CONF (lines appended to slapd.conf), TMPDIR.

SLAPD_ENV_HOME=${SLAPD_ENV_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
SLAPD_ENV_SH="$SLAPD_ENV_HOME/slapd-env.sh"
: "${SLAPD_SUFFIX:=dc=example,dc=com}"
SLAPD_ROOTDN="cn=admin,$SLAPD_SUFFIX"
SLAPD_ROOTPW=secret
SLAPD_BINDDN="cn=milter,$SLAPD_SUFFIX"
SLAPD_BINDPW=milterpw
export SLAPD_ENV_SH SLAPD_SUFFIX SLAPD_ROOTDN SLAPD_ROOTPW SLAPD_BINDDN \
	SLAPD_BINDPW

# Find a tool or fail loudly.
slapd_env_tool() {
	local var=$1 name=$2 path
	path=${!var}
	case $path in ''|*-not-found) path=$(PATH=$PATH:/usr/sbin:/sbin command -v "$name");; esac
	if [ -z "$path" ] || [ ! -x "$path" ]; then
		echo "slapd-env: $name not found (apt-get install slapd ldap-utils)" >&2
		return 1
	fi
	printf '%s' "$path"
}

# Write slapd.conf into $SLAPD_DIR.
slapd_env_conf() {
	local s=/etc/ldap/schema
	cat > "$SLAPD_DIR/slapd.conf" <<CONF
include $s/core.schema
include $s/cosine.schema
include $s/inetorgperson.schema
include $s/nis.schema
include $s/misc.schema
include $SLAPD_ENV_HOME/schema/ad-test.schema
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $SLAPD_ENV_HOME/tls/ca.pem
TLSCertificateFile $SLAPD_ENV_HOME/tls/server.pem
TLSCertificateKeyFile $SLAPD_ENV_HOME/tls/server.key
pidfile $SLAPD_DIR/slapd.pid
argsfile $SLAPD_DIR/slapd.args
database mdb
maxsize 2147483648
suffix "$SLAPD_SUFFIX"
rootdn "$SLAPD_ROOTDN"
rootpw $SLAPD_ROOTPW
directory $SLAPD_DIR/db
index objectClass,uid,mail,mailLocalAddress eq
index sAMAccountName,userPrincipalName,proxyAddresses,mailNickname eq
index member eq
access to attrs=userPassword
	by anonymous auth
	by * none
access to *
	by dn.exact="$SLAPD_BINDDN" read
	by dn.exact="gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth" read
	by * none
${SLAPD_EXTRA_CONF:-}
CONF
}

# Save the variables so "slapd-env.sh CMD DIR" can act later.
slapd_env_save() {
	cat > "$SLAPD_DIR/env" <<ENV
SLAPD_DIR='$SLAPD_DIR'
SLAPD_PORT='$SLAPD_PORT'
SLAPD_URI='$SLAPD_URI'
SLAPD_LDAPS_URI='$SLAPD_LDAPS_URI'
SLAPD_LDAPI_URI='$SLAPD_LDAPI_URI'
SLAPD_BIN='$SLAPD_BIN'
ENV
}

# Wait (at most 5 s) until slapd answers a root DSE search.
slapd_env_wait() {
	local ls i
	ls=$(slapd_env_tool LDAPSEARCH ldapsearch) || return 1
	for i in $(seq 1 50); do
		"$ls" -x -H "$SLAPD_URI" -b "" -s base -o nettimeout=1 \
			-l 1 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "slapd-env: slapd on $SLAPD_URI does not answer" >&2
	return 1
}

# Start slapd on $SLAPD_PORT (already chosen) in $SLAPD_DIR.
slapd_env_run() {
	"$SLAPD_BIN" -f "$SLAPD_DIR/slapd.conf" -n slapd-test \
		-h "$SLAPD_URI/ $SLAPD_LDAPS_URI/ $SLAPD_LDAPI_URI" \
		2>>"$SLAPD_DIR/slapd.log" \
		|| return 1
	SLAPD_PID=$(cat "$SLAPD_DIR/slapd.pid" 2>/dev/null)
	export SLAPD_PID
	slapd_env_wait
}

# Load LDIF files and start slapd on a free port.
slapd_env_start() {
	local add try sock
	SLAPD_BIN=$(slapd_env_tool SLAPD slapd) || return 1
	add=$(slapd_env_tool SLAPADD slapadd) || return 1
	SLAPD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/slapd.XXXXXX") || return 1
	mkdir -p "$SLAPD_DIR/db"
	slapd_env_conf
	for f in "$@"; do cat "$f" && echo; done |
		"$add" -q -f "$SLAPD_DIR/slapd.conf" \
		>>"$SLAPD_DIR/slapd.log" 2>&1 || {
		echo "slapd-env: slapadd failed:" >&2
		tail -5 "$SLAPD_DIR/slapd.log" >&2
		return 1; }
	sock=$(printf '%s' "$SLAPD_DIR/ldapi" | sed 's|/|%2F|g')
	SLAPD_LDAPI_URI="ldapi://$sock"
	# Ports below Linux's ephemeral range (32768-60999): while slapd is
	# down (the fault tests kill it), no client's outgoing connection can
	# be given its port, so it can always start again on it.
	# SLAPD_ENV_PORT forces a port (to reproduce a run).
	for try in $(seq 1 20); do
		SLAPD_PORT=${SLAPD_ENV_PORT:-$((20000 + (RANDOM % 6000) * 2))}
		SLAPD_URI="ldap://127.0.0.1:$SLAPD_PORT"
		SLAPD_LDAPS_URI="ldaps://127.0.0.1:$((SLAPD_PORT + 1))"
		export SLAPD_DIR SLAPD_PORT SLAPD_URI SLAPD_LDAPS_URI \
			SLAPD_LDAPI_URI SLAPD_BIN
		slapd_env_save
		slapd_env_run && return 0
		slapd_env_kill
	done
	echo "slapd-env: slapd did not start, see $SLAPD_DIR/slapd.log" >&2
	return 1
}

# Stop slapd (SIGTERM, then SIGKILL after 5 s), keep the folder.
slapd_env_kill() {
	local pid i
	pid=$(cat "$SLAPD_DIR/slapd.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		slapd_env_gone "$pid" && break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		slapd_env_gone "$pid" && break
		sleep 0.1
	done
	rm -f "$SLAPD_DIR/slapd.pid"
}

# True once process PID has exited (a zombie counts as gone: it holds no
# socket any more, but kill -0 still finds it until init reaps it).
slapd_env_gone() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# Stop slapd and remove its folder.
slapd_env_stop() {
	[ -n "${SLAPD_DIR:-}" ] && [ -d "$SLAPD_DIR" ] || return 0
	slapd_env_kill
	rm -rf "$SLAPD_DIR"
	SLAPD_DIR=
}

# Restart on the same port and socket (the data stay).
slapd_env_restart() {
	slapd_env_kill
	rm -f "$SLAPD_DIR/ldapi"
	slapd_env_run
}

# True if the slapd of $SLAPD_DIR is running. A SIGKILLed slapd leaves its
# pid file, and until init reaps it the process is a zombie that kill -0
# still finds: look at its state instead.
slapd_env_alive() {
	local pid
	pid=$(cat "$SLAPD_DIR/slapd.pid" 2>/dev/null) && [ -n "$pid" ] ||
		return 1
	! slapd_env_gone "$pid"
}

# Stop slapd with SIGSTOP and wait (1 s at most) until it is stopped.
slapd_env_pause() {
	local pid i
	pid=$(cat "$SLAPD_DIR/slapd.pid") || return 1
	kill -STOP "$pid" || return 1
	for i in $(seq 1 100); do
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ] &&
			return 0
		sleep 0.01
	done
	echo "slapd-env: slapd $pid did not stop" >&2
	return 1
}

# As a command: act on an existing folder.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=$1 dir=$2
	[ -n "$cmd" ] && [ -f "$dir/env" ] || {
		echo "usage: $0 stop|start|pause|resume|restart|destroy DIR" >&2
		exit 2; }
	. "$dir/env"
	case $cmd in
	stop) slapd_env_kill ;;
	start) slapd_env_alive || { rm -f "$SLAPD_DIR/ldapi"; slapd_env_run; } ;;
	restart) slapd_env_restart ;;
	pause) slapd_env_pause ;;
	resume) kill -CONT "$(cat "$SLAPD_DIR/slapd.pid")" ;;
	destroy) slapd_env_stop ;;
	*) echo "$0: unknown command $cmd" >&2; exit 2 ;;
	esac
fi
