# tests/postfix/postfix-env.sh - a private Postfix instance for end-to-end tests.
#
# Source this file from bash, then:
#   pf_init                 create the instance in a fresh temp folder ($PF_DIR)
#   pf_add_user LOGIN PASS  add a Cyrus SASL user (realm $PF_HOSTNAME)
#   pf_set NAME=VALUE...    change main.cf (before pf_start, or reload)
#   pf_start                start it; 127.0.0.1:$PF_PORT answers SMTP
#   pf_swaks ARGS...        run swaks against it
#   pf_cleanup              stop it and remove the folder (put it in a trap)
#   pf_write_main           rewrite main.cf from the settings (tests/bench/e2e.sh
#                           changes PF_MILTER/PF_MAIN_EXTRA between runs)
# Settings read by pf_init (set them before calling it):
#   PF_HOSTNAME   myhostname, also the SASL realm   (mail1.example.net)
#   PF_MILTER     smtpd_milters value, e.g. unix:/tmp/x/om.sock (none)
#   PF_MAIN_EXTRA more main.cf lines, one per line  (none)
# The instance: own config, queue and data folders; chroot off; listens on
# 127.0.0.1 only; every message is discarded; AUTH PLAIN/LOGIN via a sasldb
# in the folder; the mail log goes to $PF_DIR/maillog (postlogd).
# Facts it relies on (Debian 12, Postfix 3.7): smtpd looks SASL users up in
# the realm $myhostname; chroot must be off to reach the sasldb and a milter
# socket outside the queue; data_directory must belong to postfix.

: "${POSTFIX:=postfix}"
case $POSTFIX in *-not-found) POSTFIX=postfix ;; esac
: "${SASLPASSWD2:=saslpasswd2}"
: "${SWAKS:=swaks}"
: "${PF_HOSTNAME:=mail1.example.net}"
: "${PF_MILTER:=}"
: "${PF_MAIN_EXTRA:=}"
PF_DIR=
PF_PORT=

# pf_die MSG - print MSG on stderr and fail the caller.
pf_die() {
	echo "postfix-env: $*" >&2
	return 1
}

# pf_tool_check - fail loudly when a tool the instance needs is missing.
pf_tool_check() {
	local t
	POSTCONF=$(dirname "$(command -v "$POSTFIX" 2>/dev/null || echo /usr/sbin/postfix)")/postconf
	for t in "$POSTFIX" "$POSTCONF" "$SASLPASSWD2" "$SWAKS"; do
		command -v "$t" >/dev/null 2>&1 || { pf_die "missing tool: $t"; return 1; }
	done
	id postfix >/dev/null 2>&1 || { pf_die "no postfix user"; return 1; }
	getent group postdrop >/dev/null 2>&1 || { pf_die "no postdrop group"; return 1; }
}

# pf_port_busy PORT - true when something listens on 127.0.0.1:PORT.
pf_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pf_free_port - print a TCP port on 127.0.0.1 that nobody listens on.
pf_free_port() {
	local i p
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 12000))  # below the ephemeral range
		pf_port_busy "$p" || { echo "$p"; return 0; }
	done
	pf_die "no free port after 50 tries"
}

# pf_write_main - write main.cf for the instance.
pf_write_main() {
	cat >"$PF_DIR/etc/main.cf" <<EOF
# main.cf - private test instance written by tests/postfix/postfix-env.sh
compatibility_level = 3.6
config_directory = $PF_DIR/etc
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = om-postfix
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
myhostname = $PF_HOSTNAME
mydomain = example.net
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination = \$myhostname, localhost, example.net
local_recipient_maps =
alias_maps =
alias_database =
biff = no
local_transport = discard:local
default_transport = discard:remote
relay_transport = discard:relay
virtual_transport = discard:virtual
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $PF_DIR/etc/sasl
smtpd_sasl_security_options = noanonymous
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 2000
smtpd_error_sleep_time = 0
smtpd_junk_command_limit = 1000
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
in_flow_delay = 0
smtpd_milters = $PF_MILTER
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 10s
milter_content_timeout = 30s
$PF_MAIN_EXTRA
EOF
}

# pf_write_master - write master.cf: chroot off (n) everywhere, SMTP on the port.
pf_write_master() {
	cat >"$PF_DIR/etc/master.cf" <<EOF
# master.cf - private test instance; column 5 (chroot) is n for every service
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# pf_write_sasl - Cyrus SASL application config for smtpd, sasldb in the folder.
pf_write_sasl() {
	cat >"$PF_DIR/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $PF_DIR/sasldb2
mech_list: PLAIN LOGIN
EOF
}

# pf_init - create the instance folder and its configuration.
pf_init() {
	pf_tool_check || return 1
	PF_DIR=$(mktemp -d /tmp/om-postfix.XXXXXX) || return 1
	chmod 0755 "$PF_DIR"
	mkdir -p "$PF_DIR/etc" "$PF_DIR/queue" "$PF_DIR/data" "$PF_DIR/etc/sasl"
	chown postfix:postfix "$PF_DIR/data"
	chmod 0700 "$PF_DIR/data"
	PF_PORT=$(pf_free_port) || return 1
	pf_write_main && pf_write_master && pf_write_sasl || return 1
	: >"$PF_DIR/maillog"
	export PF_DIR PF_PORT
}

# pf_set NAME=VALUE... - set main.cf parameters of the instance.
pf_set() {
	"$POSTCONF" -c "$PF_DIR/etc" -e "$@"
}

# pf_add_user LOGIN PASSWORD - add LOGIN to the sasldb in realm $PF_HOSTNAME.
pf_add_user() {
	printf '%s' "$2" | "$SASLPASSWD2" -c -p -f "$PF_DIR/sasldb2" \
		-u "$PF_HOSTNAME" "$1" || { pf_die "saslpasswd2 $1 failed"; return 1; }
	chown postfix:postfix "$PF_DIR/sasldb2"
	chmod 0640 "$PF_DIR/sasldb2"
}

# pf_master_pid - print the running master's pid, if any.
pf_master_pid() {
	local f="$PF_DIR/queue/pid/master.pid"
	[ -s "$f" ] || return 1
	tr -d ' \n' <"$f"
}

# pf_wait_port - wait up to 15 s for 127.0.0.1:$PF_PORT to accept.
pf_wait_port() {
	local i
	for i in $(seq 1 150); do
		pf_port_busy "$PF_PORT" && return 0
		sleep 0.1
	done
	return 1
}

# pf_start - check and start the instance; show its log when it fails.
pf_start() {
	if ! "$POSTFIX" -c "$PF_DIR/etc" check >"$PF_DIR/check.out" 2>&1 ||
	   ! "$POSTFIX" -c "$PF_DIR/etc" start >"$PF_DIR/start.out" 2>&1 ||
	   ! pf_wait_port; then
		echo "postfix-env: start failed in $PF_DIR" >&2
		cat "$PF_DIR/check.out" "$PF_DIR/start.out" "$PF_DIR/maillog" >&2 2>/dev/null
		return 1
	fi
}

# pf_stop - stop the instance; kill its master when it does not go in 10 s.
pf_stop() {
	local pid i
	[ -n "$PF_DIR" ] && [ -d "$PF_DIR/etc" ] || return 0
	pid=$(pf_master_pid) || return 0
	"$POSTFIX" -c "$PF_DIR/etc" stop >/dev/null 2>&1
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

# pf_cleanup - stop the instance and remove its folder (keep it: PF_KEEP=1).
pf_cleanup() {
	pf_stop
	[ -n "$PF_DIR" ] && [ -d "$PF_DIR" ] || return 0
	if [ -n "${PF_KEEP:-}" ]; then
		echo "postfix-env: kept $PF_DIR" >&2
		return 0
	fi
	rm -rf "$PF_DIR"
}

# pf_swaks ARGS... - swaks against the instance, no TLS, short timeout.
pf_swaks() {
	"$SWAKS" --server 127.0.0.1 --port "$PF_PORT" --helo client.example.net \
		--timeout 20 "$@" 2>&1
}

# pf_replies - read a swaks transcript, print the server's reply lines bare.
pf_replies() {
	sed -n 's/^<\(-\|\*\*\) \{1,2\}//p'
}

# pf_reply_to VERB - from a swaks transcript on stdin, print the last line of
# the server's reply to the first command starting with VERB ("MAIL FROM",
# "RCPT TO", "DATA", or "." for the end of the message); a 334 challenge
# is skipped, so "AUTH" gives the final AUTH reply.
pf_reply_to() {
	awk -v verb="$1" '
		/^ *(->|\*\*>|~>) / {
			line = $0; sub(/^ *(->|\*\*>|~>) /, "", line)
			if (want == 0 && !done) {
				if (verb == "." && line == ".") want = 1
				else if (verb != "." && index(line, verb) == 1) want = 1
			}
			next
		}
		/^ *(<-|<\*\*|<~) / {
			if (want == 1) {
				line = $0; sub(/^ *(<-|<\*\*|<~) +/, "", line)
				last = line
				if (line ~ /^334 /) next
				if (line ~ /^[0-9][0-9][0-9] /) { print last; want = 0; done = 1 }
			}
		}'
}

# pf_log_wait ERE - wait up to 30 s for a mail log line matching ERE.
pf_log_wait() {
	local i
	for i in $(seq 1 300); do
		grep -Eq -- "$1" "$PF_DIR/maillog" && return 0
		sleep 0.1
	done
	echo "postfix-env: no log line /$1/ in $PF_DIR/maillog" >&2
	return 1
}
