# tests/sendmail/sendmail-env.sh - a private sendmail daemon for end-to-end tests.
#
# Debian's sendmail conflicts with postfix as the installed MTA, so the test
# runs sendmail from the unpacked packages instead of installing them:
# $SENDMAIL_ROOT if it holds usr/libexec/sendmail/sendmail, else
# "apt-get download sendmail-bin sendmail-cf" + "dpkg -x" into the temp folder.
# Source it from bash, then:
#   sm_init                 temp folder ($SM_DIR), sendmail.cf from a .mc
#   sm_build_cf             rebuild sendmail.cf after changing a setting
#   sm_add_user LOGIN PASS  add a Cyrus SASL user (realm $SM_HOSTNAME)
#   sm_start                run "sendmail -bD" on 127.0.0.1:$SM_PORT
#   sm_swaks ARGS...        run swaks against it
#   sm_cleanup              stop it and remove the folder (put it in a trap)
# Settings read by sm_init: SM_HOSTNAME (mail1.example.net), SM_MILTER_SOCK
# (the filter's UNIX socket; the INPUT_MAIL_FILTER line), SM_MC_EXTRA.
# The daemon runs in its own UTS and mount namespaces (unshare -u -m):
#  - its host name is $SM_HOSTNAME (a bare "vm" makes sendmail sleep 60 s
#    trying to qualify it);
#  - $SM_DIR/sasl is bind-mounted on /usr/lib/sasl2, one of the folders
#    libsasl2 searches for Sendmail.conf (sendmail sets no config path and
#    clears its environment), so the sasldb in $SM_DIR is used and nothing
#    outside the folder changes.
# Messages are accepted into the private queue (DeliveryMode=queueonly) and
# removed with the folder: nothing is delivered anywhere.

: "${SWAKS:=swaks}"
: "${SASLPASSWD2:=saslpasswd2}"
: "${SM_HOSTNAME:=mail1.example.net}"
: "${SM_MILTER_SOCK:=}"
: "${SM_MC_EXTRA:=}"
SM_DIR=
SM_PORT=
SM_ROOT=

# sm_die MSG - print MSG on stderr and fail the caller.
sm_die() {
	echo "sendmail-env: $*" >&2
	return 1
}

# sm_port_busy PORT - true when something listens on 127.0.0.1:PORT.
sm_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# sm_tools - fail loudly when a tool the instance needs is missing.
sm_tools() {
	local t
	for t in m4 unshare mount hostname dpkg "$SASLPASSWD2" "$SWAKS"; do
		command -v "$t" >/dev/null 2>&1 || { sm_die "missing tool: $t"; return 1; }
	done
	unshare -u -m true 2>/dev/null ||
		{ sm_die "unshare -u -m is not permitted here (needs root)"; return 1; }
}

# sm_fetch - find or unpack sendmail-bin and sendmail-cf; sets SM_ROOT.
sm_fetch() {
	local d f
	if [ -n "${SENDMAIL_ROOT:-}" ] && [ -x "$SENDMAIL_ROOT/usr/libexec/sendmail/sendmail" ]; then
		SM_ROOT=$SENDMAIL_ROOT
	else
		d=$SM_DIR/pkg
		mkdir -p "$d" && chmod 0777 "$d"
		(cd "$d" && apt-get download sendmail-bin sendmail-cf) \
			>"$SM_DIR/apt.out" 2>&1 || {
			cat "$SM_DIR/apt.out" >&2
			sm_die "apt-get download sendmail-bin sendmail-cf failed"
			return 1
		}
		for f in "$d"/*.deb; do
			dpkg -x "$f" "$d/root" || { sm_die "dpkg -x $f failed"; return 1; }
		done
		SM_ROOT=$d/root
	fi
	SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
	SM_CF=$SM_ROOT/usr/share/sendmail/cf
	[ -x "$SM_BIN" ] && [ -f "$SM_CF/m4/cf.m4" ] ||
		{ sm_die "no sendmail binary or cf/m4 in $SM_ROOT"; return 1; }
	if ldd "$SM_BIN" | grep -q 'not found'; then
		ldd "$SM_BIN" | grep 'not found' >&2
		sm_die "sendmail needs libraries that are not installed (see above)"
		return 1
	fi
	export SM_ROOT SM_BIN SM_CF
}

# sm_free_port - print a TCP port on 127.0.0.1 that nobody listens on.
sm_free_port() {
	local i p
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 12000))  # below the ephemeral range
		sm_port_busy "$p" || { echo "$p"; return 0; }
	done
	sm_die "no free port after 50 tries"
}

# sm_write_mc - the test sendmail.mc; the milter lines are those of
# contrib/sendmail/origin-milter.mc with the socket of this test.
sm_write_mc() {
	cat >"$SM_DIR/sendmail.mc" <<EOF
divert(-1)
# sendmail.mc - private test instance written by tests/sendmail/sendmail-env.sh
divert(0)dnl
VERSIONID(\`origin-milter end-to-end test')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$SM_HOSTNAME')dnl
define(\`QUEUE_DIR', \`$SM_DIR/queue')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`confCW_FILE', \`$SM_DIR/local-host-names')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDELIVERY_MODE', \`queueonly')dnl
define(\`confTO_IDENT', \`0s')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
undefine(\`ALIAS_FILE')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(\`Family=inet, Name=MTA, Addr=127.0.0.1, Port=$SM_PORT')dnl
INPUT_MAIL_FILTER(\`origin', \`S=unix:$SM_MILTER_SOCK, F=T, T=S:10s;R:30s;E:5m')dnl
define(\`confMILTER_MACROS_ENVFROM', confMILTER_MACROS_ENVFROM\`, {auth_authen}, {auth_type}, {auth_author}')dnl
$SM_MC_EXTRA
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
}

# sm_init - create the folder, fetch sendmail, build sendmail.cf.
sm_init() {
	sm_tools || return 1
	SM_DIR=$(mktemp -d /tmp/om-sendmail.XXXXXX) || return 1
	chmod 0755 "$SM_DIR"
	mkdir -p "$SM_DIR/queue" "$SM_DIR/sasl"
	chmod 0700 "$SM_DIR/queue"
	sm_fetch || return 1
	SM_PORT=$(sm_free_port) || return 1
	printf '%s\n' "$SM_HOSTNAME" "${SM_HOSTNAME#*.}" >"$SM_DIR/local-host-names"
	printf 'hosts files\naliases files\npasswd files\n' >"$SM_DIR/service.switch"
	cat >"$SM_DIR/sasl/Sendmail.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $SM_DIR/sasldb2
mech_list: PLAIN LOGIN
EOF
	sm_build_cf || return 1
	export SM_DIR SM_PORT
}

# sm_build_cf - write sendmail.mc and build sendmail.cf with the package's m4
# files (again after SM_MILTER_SOCK or SM_MC_EXTRA changed).
sm_build_cf() {
	sm_write_mc
	m4 -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$SM_DIR/sendmail.mc" \
		>"$SM_DIR/sendmail.cf" 2>"$SM_DIR/m4.err" && [ ! -s "$SM_DIR/m4.err" ] || {
		cat "$SM_DIR/m4.err" >&2
		sm_die "m4 could not build sendmail.cf"
		return 1
	}
}

# sm_add_user LOGIN PASSWORD - add LOGIN to the sasldb in realm $SM_HOSTNAME.
sm_add_user() {
	printf '%s' "$2" | "$SASLPASSWD2" -c -p -f "$SM_DIR/sasldb2" \
		-u "$SM_HOSTNAME" "$1" || { sm_die "saslpasswd2 $1 failed"; return 1; }
	chmod 0600 "$SM_DIR/sasldb2"
}

# sm_start - run the daemon (foreground -bD, in the background) and wait up
# to 15 s for its port.
sm_start() {
	local i
	unshare -u -m sh -c 'hostname "$1" && mount --bind "$2/sasl" /usr/lib/sasl2 &&
		exec "$3" -bD -C "$2/sendmail.cf"' sh \
		"$SM_HOSTNAME" "$SM_DIR" "$SM_BIN" >"$SM_DIR/sendmail.out" 2>&1 &
	SM_PID=$!
	for i in $(seq 1 150); do
		sm_port_busy "$SM_PORT" && return 0
		kill -0 "$SM_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$SM_DIR/sendmail.out" >&2
	sm_die "sendmail did not listen on 127.0.0.1:$SM_PORT"
}

# sm_stop - SIGTERM the daemon, SIGKILL it after 5 s.
sm_stop() {
	local i
	[ -n "${SM_PID:-}" ] || return 0
	kill -TERM "$SM_PID" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$SM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$SM_PID" 2>/dev/null
	wait "$SM_PID" 2>/dev/null
	SM_PID=
}

# sm_cleanup - stop the daemon, remove the folder (keep it: SM_KEEP=1).
sm_cleanup() {
	sm_stop
	[ -n "$SM_DIR" ] && [ -d "$SM_DIR" ] || return 0
	if [ -n "${SM_KEEP:-}" ]; then
		echo "sendmail-env: kept $SM_DIR" >&2
		return 0
	fi
	rm -rf "$SM_DIR"
}

# sm_swaks ARGS... - swaks against the daemon.
sm_swaks() {
	"$SWAKS" --server 127.0.0.1 --port "$SM_PORT" --helo client.example.net \
		--timeout 20 "$@" 2>&1
}
