#!/bin/bash
# tests/postfix/rollout.sh - issue 12 end to end under one real Postfix
# instance with three smtpd listeners and one origin-milter:
#   MX   port: the top-level policy, mode = report with report_header;
#   SUB  port: -o milter_macro_daemon_name=ORIGINATING, which policy.conf's
#        listener "submission" enforces;
#   PFX  port: no milter; Postfix's own reject_sender_login_mismatch with
#        smtpd_sender_login_maps = texthash:MAP.
# The directory is directory = postfix_map on the same MAP file, unchanged.
# Part 1: the same spoofed sender is refused on SUB and only reported on MX
# (accepted, logged event=would_reject, X-Origin-Milter in the queued
# message, read back with postcat from the hold queue).
# Part 2: every row goes to SUB (origin-milter) and to PFX (Postfix) and
# the accept/refuse outcome must be the same. TAP output.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/postfix-env.sh"
. "$here/om-env.sh"
. "$here/tap.sh"

cleanup() {
	om_stop
	pf_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

POSTCAT=$(dirname "$(command -v "$POSTFIX" 2>/dev/null || echo /usr/sbin/postfix)")/postcat

# The site's existing map, with a comment, a continuation line, several
# owners and catch-alls; texthash: reads it as is (no postmap).
write_map() {
	cat >"$MAP" <<'EOF'
# smtpd_sender_login_maps - address  logins that own it
alice@example.com       alice
sales@example.com       alice,
                        bob
bob@example.com         bob
@example.org            boss
@example.com            admin
EOF
}

# The filter's policy.conf: report on the MX port, enforce on submission.
write_conf() {
	cat >"$OM_DIR/policy.conf" <<EOF
socket = "unix:$OM_SOCK"
pid_file = "$OM_DIR/om.pid"
user = ""
umask = 0
local_domains = {"example.com", "example.org"}
directory = "postfix_map"
sender_login_map = "$MAP"
policy {
  subaddress_delimiter = "+"
  mode = "report"
  report_header = true
}
# logins compared whole, as Postfix compares \$sasl_username
identity {
  realm = "keep"
  strip_nt_domain = false
}
listener "submission" {
  daemon_name = "ORIGINATING"
  mode = "enforce"
}
EOF
	"$OM_BIN" -n -c "$OM_DIR/policy.conf" >>"$OM_LOG" 2>&1
}

setup() {
	local u
	pf_init || return 1
	om_init "$PF_DIR" || return 1
	MAP=$PF_DIR/etc/sender_login
	write_map
	MX_PORT=$PF_PORT
	SUB_PORT=$(pf_free_port) || return 1
	PFX_PORT=$(pf_free_port) || return 1
	[ "$SUB_PORT" != "$MX_PORT" ] && [ "$PFX_PORT" != "$MX_PORT" ] &&
		[ "$PFX_PORT" != "$SUB_PORT" ] || return 1
	cat >>"$PF_DIR/etc/master.cf" <<EOF
127.0.0.1:$SUB_PORT inet n - n - - smtpd
  -o milter_macro_daemon_name=ORIGINATING
127.0.0.1:$PFX_PORT inet n - n - - smtpd
  -o smtpd_milters=
  -o smtpd_sender_restrictions=reject_sender_login_mismatch
  -o smtpd_sender_login_maps=texthash:$MAP
EOF
	pf_set "smtpd_milters = unix:$OM_SOCK" "recipient_delimiter = +" \
		"smtpd_end_of_data_restrictions = check_client_access static:HOLD" ||
		return 1
	for u in alice bob boss admin carol; do
		pf_add_user "$u" "pw-$u" || return 1
	done
	write_conf || { tail -3 "$OM_LOG" >&2; return 1; }
	om_start || return 1
	pf_start
}

# send PORT LOGIN SENDER - one session; LOGIN "-" skips AUTH; sets $OUT.
send() {
	local port=$1 login=$2 sender=$3 auth=()
	[ "$login" != - ] && auth=(--auth PLAIN --auth-user "$login" \
		--auth-password "pw-$login")
	OUT=$(PF_PORT=$port pf_swaks "${auth[@]}" --from "$sender" \
		--to bob@example.net --header "Subject: rollout $login $sender")
}

# outcome - "accept" when the message was queued, else the first refusal.
outcome() {
	local end
	end=$(pf_reply_to '.' <<<"$OUT")
	case $end in
	"250 2.0.0 Ok: queued as "*) echo accept; return ;;
	esac
	for v in 'MAIL FROM' 'RCPT TO' 'DATA' '.'; do
		r=$(pf_reply_to "$v" <<<"$OUT")
		case $r in [45]*) echo "refuse ${r%% *}"; return ;; esac
	done
	echo "no answer"
}

qid() {
	pf_reply_to '.' <<<"$OUT" | sed -n 's/^250 2\.0\.0 Ok: queued as //p'
}

tap_plan 23
setup || tap_bail "set-up failed (Postfix with three listeners, origin-milter)"

# --- part 1: one spoofed sender, enforced on submission, reported on MX -----
send "$SUB_PORT" alice bob@example.com
tap_is "submission (ORIGINATING): alice as bob@example.com refused at MAIL" \
	"$(pf_reply_to 'MAIL FROM' <<<"$OUT")" \
	"554 5.7.1 Originator address does not match authentication credentials"
tap_ok "submission: logged event=reject with listener=submission" om_log_wait \
	'event=reject reason=not_owner login=alice .*sender=<bob@example.com> .*check=not_owner listener=submission'
send "$MX_PORT" alice bob@example.com
tap_is "MX (report mode): the same message accepted" "$(outcome)" accept
tap_ok "MX: logged event=would_reject, same reason, rule and reply" om_log_wait \
	'event=would_reject reason=not_owner login=alice .*sender=<bob@example.com> .*stage=mail check=not_owner reply="554 5.7.1 Originator address does not match authentication credentials"'
q=$(qid)
hdrs=$("$POSTCAT" -c "$PF_DIR/etc" -hq "$q" 2>&1)
tap_like "MX: the queued message carries X-Origin-Milter" "$hdrs" \
	'^X-Origin-Milter: would-reject check=not_owner reason=not_owner login=alice$'
send "$MX_PORT" alice alice@example.com
q=$(qid)
hdrs=$("$POSTCAT" -c "$PF_DIR/etc" -hq "$q" 2>&1)
tap_is "MX: an owned sender is accepted" "$(outcome)" accept
if [ -n "$q" ] && ! grep -q '^X-Origin-Milter:' <<<"$hdrs"; then
	tap_result "MX: no header on a message nothing was reported for" 0
else
	tap_result "MX: no header on a message nothing was reported for" 1 "$hdrs"
fi

# --- part 2: the same map, origin-milter (SUB) against Postfix (PFX) ---------
# compare NAME WANT LOGIN SENDER - origin-milter and Postfix both give
# WANT (accept or refuse) for the same session.
compare() {
	local name=$1 want=$2 ours theirs
	send "$SUB_PORT" "$3" "$4"
	ours=$(outcome)
	send "$PFX_PORT" "$3" "$4"
	theirs=$(outcome)
	tap_is "$name: $want (origin-milter | Postfix)" \
		"${ours%% *} | ${theirs%% *}" "$want | $want"
}
compare "exact address"                  accept alice alice@example.com
compare "address with an extension"      accept alice alice+news@example.com
compare "two owners, continuation line"  accept bob sales@example.com
compare "two owners, the first"          accept alice sales@example.com
compare "another user's address"         refuse alice bob@example.com
compare "@domain owner"                  accept boss anyone@example.org
compare "@domain owner, other domain"    refuse boss anyone@example.com
compare "login the map does not name"    refuse carol carol@example.com
compare "login not named, foreign sender" refuse carol carol@elsewhere.example
compare "case of the address"            accept alice ALICE@Example.COM
compare "unauthenticated, listed"        refuse - alice@example.com
compare "unauthenticated, @domain listed" refuse - nobody@example.org
compare "unauthenticated, foreign"       accept - someone@elsewhere.example
compare "catch-all owner, unlisted address" accept admin newhire@example.com
# The exact address decides before @domain, as Postfix looks user@domain
# up first.
compare "catch-all owner, another's exact address" refuse admin alice@example.com
compare "null sender"                    accept alice '<>'
tap_done
