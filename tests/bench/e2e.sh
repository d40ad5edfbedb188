# tests/bench/e2e.sh - part 4 of tests/bench/run (sourced by it): messages
# per second through a private Postfix with SASL AUTH (tests/postfix/
# postfix-env.sh), driven by smtpgen, in three set-ups:
#   a. no milter, no sender check;
#   b. smtpd_milters = origin-milter (LDAP directory on the bench slapd if
#      it starts with that configuration, else the accounts file);
#   c. Postfix's own reject_sender_login_mismatch with an ldap:
#      smtpd_sender_login_maps on the same slapd;
# interleaved BENCH_E2E_REPS times (default 3) for BENCH_E2E_SECS each
# (default 3), the median shown with the range.
# Uses run's helpers (row, nm, field, start_slapd, start_origin, ...).

E2E_USERS=${BENCH_E2E_USERS:-100}
E2E_CONNS=${BENCH_E2E_CONNS:-8}
E2E_REPS=${BENCH_E2E_REPS:-3}
E2E_SECS=${BENCH_E2E_SECS:-3}

# e2e_measure LABEL - run smtpgen against the started instance.
e2e_measure() {
	"$BIN/smtpgen" -p "$PF_PORT" -c "$E2E_CONNS" -d "$E2E_SECS" -W "$WARM" \
		-a "$E2E_USERS" -r 10 -P benchpw 2>&1 | tee -a "$LOG" | grep '^RESULT'
}

# e2e_row WHAT RESULT REFERENCE_RATE ALL_RESULTS... - one table row (the
# median run, with the range of all runs).
e2e_row() {
	local what=$1 r=$2 ref=$3
	shift 3
	row 4 "$what" "$(field rate "$r") msg/s ($(spread "$@"))" \
		"p50 $(field p50_us "$r") / p99 $(field p99_us "$r") µs" "" \
		"accepted $(field accepted "$r"), refused $(field refused "$r"), tempfail $(field tempfail "$r"), errors $(field errors "$r")$([ "$(field tempfail "$r")" = 0 ] || echo ' **(not a clean run)**')" \
		"${ref:+$(ratio "$(field rate "$r")" "$ref") × no milter}"
}

# e2e_run - write main.cf from PF_MILTER/PF_MAIN_EXTRA, start, measure.
e2e_run() {
	local res
	[ -z "$SLAPD_UP" ] || ensure_slapd >>"$LOG" 2>&1
	pf_write_main
	pf_start >>"$LOG" 2>&1 || return 1
	res=$(e2e_measure)
	pf_stop
	echo "$res"
}

e2e_part4() {
	local d=$W/p4 i res base op= lt how rep
	local -a ra=() rb=() rc=()
	[ -x "$BIN/smtpgen" ] || { nm 4 "end to end" "smtpgen not built"; return; }
	[ -f "$SRC/tests/postfix/postfix-env.sh" ] || { nm 4 "end to end" "tests/postfix/postfix-env.sh not found"; return; }
	POSTFIX=${POSTFIX:-postfix} SASLPASSWD2=${SASLPASSWD2:-saslpasswd2} SWAKS=${SWAKS:-swaks}
	case $POSTFIX in *-not-found) POSTFIX=/usr/sbin/postfix ;; esac
	case $SASLPASSWD2 in *-not-found) SASLPASSWD2=/usr/sbin/saslpasswd2 ;; esac
	. "$SRC/tests/postfix/postfix-env.sh"
	mkdir -p "$d"
	chmod 0755 "$W" "$d"
	PF_MILTER= PF_MAIN_EXTRA=
	pf_init >>"$LOG" 2>&1 || { nm 4 "end to end" "pf_init failed (see bench.log)"; return; }
	say "adding $E2E_USERS SASL users"
	for i in $(seq 0 $((E2E_USERS - 1))); do
		pf_add_user "user$i" benchpw >>"$LOG" 2>&1 || { nm 4 "end to end" "saslpasswd2 failed"; return; }
	done

	# origin-milter: the LDAP configuration of part 2 on the same slapd,
	# else an accounts file.
	if have_origin; then
		how="accounts file"
		if start_slapd && [ -f "$W/p2/policy.conf" ]; then
			sed "s|$W/p2/|$d/|g" "$W/p2/policy.conf" >"$d/policy.conf"
			cp "$W/p2/bindpw" "$d/bindpw" 2>/dev/null
			how="LDAP"
			read -r op lt < <(start_origin "$d") || true
			started "${op:-}"
		fi
		if [ -z "${op:-}" ]; then
			how="accounts file"
			accounts "$E2E_USERS" "$d/accounts"
			write_conf "$d" 'directory = "file"' "accounts_file = \"$d/accounts\""
			read -r op lt < <(start_origin "$d") || true
			started "${op:-}"
		fi
		chmod 0755 "$d"
	fi
	# Postfix's own check: an ldap: map on the same slapd.
	if start_slapd; then
		cat >"$d/login.cf" <<EOF
server_host = $SLAPD_URI
version = 3
search_base = $SLAPD_SUFFIX
query_filter = (mail=%s)
result_attribute = uid
bind = yes
bind_dn = $SLAPD_BINDDN
bind_pw = $SLAPD_BINDPW
EOF
		chmod 0644 "$d/login.cf"
	fi

	# The three set-ups, interleaved E2E_REPS times.
	for rep in $(seq 1 "$E2E_REPS"); do
		PF_MILTER= PF_MAIN_EXTRA=
		res=$(e2e_run) && ra+=("$res")
		if [ -n "${op:-}" ]; then
			PF_MILTER="unix:$d/om.sock"
			res=$(e2e_run) && rb+=("$res")
			PF_MILTER=
		fi
		if [ -f "$d/login.cf" ]; then
			PF_MAIN_EXTRA="smtpd_sender_login_maps = ldap:$d/login.cf
smtpd_sender_restrictions = reject_sender_login_mismatch"
			res=$(e2e_run) && rc+=("$res")
			PF_MAIN_EXTRA=
		fi
	done
	[ -z "${op:-}" ] || stop_pid "$op"

	if [ ${#ra[@]} = 0 ]; then
		nm 4 "Postfix, no milter" "Postfix did not start (see bench.log)"
		return
	fi
	res=$(median "${ra[@]}")
	base=$(field rate "$res")
	e2e_row "Postfix + SASL, no milter, $E2E_CONNS sessions" "$res" "$base" "${ra[@]}"
	if ! have_origin; then
		nm 4 "Postfix + origin-milter" "$ORIGIN not built"
	elif [ -z "${op:-}" ]; then
		nm 4 "Postfix + origin-milter" "origin-milter did not start (see bench.log)"
	elif [ ${#rb[@]} = 0 ]; then
		nm 4 "Postfix + origin-milter" "Postfix did not start (see bench.log)"
	else
		e2e_row "Postfix + SASL + origin-milter ($how), $E2E_CONNS sessions" "$(median "${rb[@]}")" "$base" "${rb[@]}"
	fi
	if [ ! -f "$d/login.cf" ]; then
		nm 4 "Postfix reject_sender_login_mismatch (ldap:)" "$SLAPD_WHY"
	elif [ ${#rc[@]} = 0 ]; then
		nm 4 "Postfix reject_sender_login_mismatch (ldap:)" "Postfix did not start (see bench.log)"
	else
		e2e_row "Postfix + SASL, reject_sender_login_mismatch, ldap: map, $E2E_CONNS sessions" "$(median "${rc[@]}")" "$base" "${rc[@]}"
	fi
}
