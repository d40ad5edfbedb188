#!/bin/sh
# demo.sh - build origin-milter and run it on the sample policy.conf and
# accounts file (the accounts-file default), then show it decide a few SMTP
# transactions driven by miltertest, and explain one refusal.
#   sh contrib/demo.sh
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p _build/default
(cd _build/default && { [ -f Makefile ] || ../../configure -q; } &&
	make -j2 -s origin-milter)
M=_build/default/origin-milter

T=$(mktemp -d /tmp/origin-milter-demo.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT INT TERM
# the sample files, with the socket and pid file in a temporary folder
sed -e "s|^socket = .*|socket = \"unix:$T/milter.sock\"|" \
    -e 's|^user = .*|user = ""|' \
    -e "s|^pid_file = .*|pid_file = \"$T/milter.pid\"|" \
    -e "s|^accounts_file = .*|accounts_file = \"$PWD/conf/accounts\"|" \
    conf/policy.conf > "$T/policy.conf"
"$M" -n -c "$T/policy.conf"
"$M" -f -c "$T/policy.conf" 2> "$T/log" &
pid=$!
sleep 0.5

run() { # LOGIN SENDER
	printf '\n$ MAIL FROM:%s   (AUTH login: %s)\n' "$2" "${1:-none}"
	miltertest -D SOCK="unix:$T/milter.sock" -D LOGIN="$1" -D SENDER="$2" \
		-D CLIENT=192.0.2.10 -D AT=mail -D EXPECT=accept -D CODE= \
		-D XCODE= -D TEXT= -s tests/milter/transaction.lua >/dev/null 2>&1 || true
	sleep 0.1
	tail -n 1 "$T/log" | sed 's/^origin-milter: /  /'
}
run alice '<alice@example.com>'
run alice '<alice+news@example.com>'
run alice '<sales@example.com>'
run alice '<bob@example.com>'
run 'EXAMPLE\jdoe' '<john@example.com>'
run '' '<alice@example.com>'
run '' '<someone@elsewhere.example>'

printf '\n$ origin-milter -x %s %s\n' 'EXAMPLE\alice' bob@example.com
"$M" -c "$T/policy.conf" -x 'EXAMPLE\alice' bob@example.com || true
