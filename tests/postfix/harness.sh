#!/bin/bash
# tests/postfix/harness.sh - proves the private Postfix instance itself (no
# milter): it starts, AUTH PLAIN/LOGIN work against the sasldb, a wrong
# password is refused, a message is queued and discarded, and a dead milter
# socket gives the tempfail that milter_default_action promises (Postfix
# delays it to MAIL; AUTH would get 454 4.3.0).
# TAP output. A missing tool fails loudly.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/postfix-env.sh"
. "$here/tap.sh"

trap 'pf_cleanup' EXIT
tap_plan 9

if ! pf_init || ! pf_add_user alice 'pw-alice' || ! pf_start; then
	tap_bail "private Postfix instance did not start"
fi
tap_ok "instance listens on 127.0.0.1:$PF_PORT" true

out=$(pf_swaks --quit-after AUTH --auth PLAIN --auth-user alice --auth-password pw-alice)
tap_is "AUTH PLAIN right password" "$(pf_reply_to 'AUTH' <<<"$out")" \
	"235 2.7.0 Authentication successful"

out=$(pf_swaks --quit-after AUTH --auth LOGIN --auth-user alice --auth-password pw-alice)
tap_is "AUTH LOGIN right password" "$(pf_reply_to "AUTH" <<<"$out")" \
	"235 2.7.0 Authentication successful"

out=$(pf_swaks --quit-after AUTH --auth PLAIN --auth-user alice --auth-password wrong)
tap_is "AUTH PLAIN wrong password" "$(pf_reply_to 'AUTH' <<<"$out")" \
	"535 5.7.8 Error: authentication failed: authentication failure"

out=$(pf_swaks --from alice@example.com --to bob@example.net \
	--auth PLAIN --auth-user alice --auth-password pw-alice)
tap_is "MAIL FROM accepted" "$(pf_reply_to 'MAIL FROM' <<<"$out")" "250 2.1.0 Ok"
q=$(pf_reply_to '.' <<<"$out")
tap_like "message queued" "$q" '^250 2\.0\.0 Ok: queued as [0-9A-F]+$'
qid=${q##* }
tap_ok "message $qid discarded" pf_log_wait "$qid: to=<bob@example.net>.*status=sent"

# A milter socket nobody listens on: every session gets the tempfail.
pf_set "smtpd_milters = unix:$PF_DIR/nobody.sock" &&
	"$POSTFIX" -c "$PF_DIR/etc" reload >/dev/null 2>&1
sleep 1
out=$(pf_swaks --from alice@example.com --to bob@example.net)
tap_is "dead milter: 451 to MAIL" "$(pf_reply_to 'MAIL FROM' <<<"$out")" \
	"451 4.7.1 Service unavailable - try again later"
tap_ok "dead milter logged" pf_log_wait "connect to Milter service unix:$PF_DIR/nobody.sock"
tap_done
