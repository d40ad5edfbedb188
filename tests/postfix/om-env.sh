# tests/postfix/om-env.sh - run the built origin-milter beside a private MTA.
#
# Source after postfix-env.sh (or with OM_DIR set), then:
#   om_init DIR              files go to DIR/om (socket, pid, conf, log)
#   om_accounts              write the test accounts file
#   om_conf                  write policy.conf from the OM_* settings below
#   om_start / om_stop       run the filter in the foreground, in background
#   om_restart               om_stop + om_conf + om_start
# Settings read by om_conf:
#   OM_STAGE        reject_stage               (mail)
#   OM_HOME         check_home_server          (true)
#   OM_DIRECTORY    directory                  (file)
#   OM_MAIN_EXTRA   more top-level lines       (none)
#   OM_POLICY_EXTRA more lines in policy { }   (none)
#   OM_LDAP         the body of ldap { }       (none)
#   OM_ETC          folder for policy.conf and accounts ($OM_DIR); the
#                   Debian package test (tests/pkg/pkg.sh) sets
#                   /etc/origin-milter, where the package put them
# The binary: $OM_BIN, else $top_builddir/origin-milter.

: "${OM_STAGE:=mail}"
: "${OM_HOME:=true}"
: "${OM_DIRECTORY:=file}"
: "${OM_MAIN_EXTRA:=}"
: "${OM_POLICY_EXTRA:=}"
: "${OM_LDAP:=}"
: "${OM_ETC:=}"
OM_DIR=
OM_PID=

# om_init DIR - choose the folder and the binary; fail loudly without one.
om_init() {
	OM_DIR=$1/om
	mkdir -p "$OM_DIR" && chmod 0755 "$OM_DIR" || return 1
	: "${OM_BIN:=${top_builddir:-.}/origin-milter}"
	if [ ! -x "$OM_BIN" ]; then
		echo "om-env: origin-milter not built: $OM_BIN" >&2
		return 1
	fi
	OM_SOCK=$OM_DIR/om.sock
	OM_LOG=$OM_DIR/filter.log
	OM_CONF_DIR=${OM_ETC:-$OM_DIR}
	: >"$OM_LOG"
	export OM_DIR OM_SOCK OM_LOG OM_BIN OM_CONF_DIR
}

# om_accounts - the accounts of the matrix (same people as the LDAP data).
om_accounts() {
	cat >"$OM_CONF_DIR/accounts" <<'EOF'
# logins     addresses                               options
alice        alice@example.com,a.smith@example.com
jdoe,john    john@example.com                        home=mail1
carol        carol@example.com                       home=mail2
sales        sales@example.com                       delegates=alice
boss         boss@example.com,@example.org
jean         jean@example.com
jeanluc      jean-luc@example.com
carl         carl@example.org
kim          kim@partner.example                     type=contact
EOF
}

# om_conf - write $OM_CONF_DIR/policy.conf for a test run (an existing
# file keeps its owner and mode: the package's 0640 root:origin-milter).
om_conf() {
	cat >"$OM_CONF_DIR/policy.conf" <<EOF
# policy.conf - written by tests/postfix/om-env.sh
socket = "unix:$OM_SOCK"
pid_file = "$OM_DIR/om.pid"
user = ""
umask = 0
log_level = "info"
server_name = "mail1"
local_servers = {"mail1"}
local_domains = {"example.com", "example.org"}
trusted_networks = {}
bypass_logins = {"relay"}
directory = "$OM_DIRECTORY"
accounts_file = "$OM_CONF_DIR/accounts"
$OM_MAIN_EXTRA
policy {
  require_auth = true
  check_originator = true
  check_home_server = $OM_HOME
  allow_null_sender = true
  subaddress_delimiter = "${OM_SUBADDR:-+}"
  local_part_case = "insensitive"
  reject_stage = "$OM_STAGE"
  on_directory_error = "tempfail"
$OM_POLICY_EXTRA
}
identity {
  strip_nt_domain = true
  realm = "strip"
  fold_case = true
}
EOF
	if [ -n "$OM_LDAP" ]; then
		printf 'ldap {\n%s\n}\n' "$OM_LDAP" >>"$OM_CONF_DIR/policy.conf"
	fi
	"$OM_BIN" -n -c "$OM_CONF_DIR/policy.conf" >>"$OM_LOG" 2>&1 || {
		echo "om-env: origin-milter -n refused $OM_CONF_DIR/policy.conf:" >&2
		tail -5 "$OM_LOG" >&2
		return 1
	}
}

# om_start - start the filter and wait (5 s at most) for its socket.
om_start() {
	local i
	rm -f "$OM_SOCK"
	"$OM_BIN" -f -c "$OM_CONF_DIR/policy.conf" >>"$OM_LOG" 2>&1 &
	OM_PID=$!
	for i in $(seq 1 50); do
		[ -S "$OM_SOCK" ] && return 0
		kill -0 "$OM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "om-env: origin-milter did not open $OM_SOCK:" >&2
	tail -5 "$OM_LOG" >&2
	return 1
}

# om_stop - SIGTERM the filter, SIGKILL it after 5 s.
om_stop() {
	local i
	[ -n "$OM_PID" ] || return 0
	kill -TERM "$OM_PID" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$OM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$OM_PID" 2>/dev/null
	wait "$OM_PID" 2>/dev/null
	OM_PID=
	rm -f "$OM_SOCK"
}

# om_restart - run the filter again with the current OM_* settings.
om_restart() {
	om_stop
	om_conf && om_start
}

# om_log_wait ERE - wait up to 20 s for a filter log line matching ERE.
om_log_wait() {
	local i
	for i in $(seq 1 200); do
		grep -Eq -- "$1" "$OM_LOG" && return 0
		sleep 0.1
	done
	echo "om-env: no log line /$1/ in $OM_LOG" >&2
	return 1
}
