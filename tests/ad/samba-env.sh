#!/bin/bash
# samba-env.sh - a private Samba AD domain controller for tests.
#
# The domain (realm AD.EXAMPLE.COM, NetBIOS EXAMPLE, base DC=ad,DC=example,
# DC=com) is provisioned ONCE per build into $AD_CACHE (default
# $builddir/tests/ad/cache), with the Exchange schema extension, the test
# users and groups and the Send-As ACLs; every start copies that provision
# into a temporary folder and runs `samba -i` in the foreground inside a
# network namespace of its own (loopback only), so the fixed LDAP ports
# 389/636/3268 collide with nothing and nothing of the machine's own
# configuration is read or written.
#
# Source it and call the functions, or run it as a command:
#   . tests/ad/samba-env.sh
#   ad_env_start              # provision (or reuse) and start the DC
#   ad_exec CMD ...           # run CMD inside the DC's namespace
#   ad_env_stop               # stop the DC, remove the folder and namespace
#   tests/ad/samba-env.sh provision|stop|start|pause|resume|restart DIR
# AD_CACHE may name one cache for several build trees (tests/run-all.sh
# shares one between the plain and the sanitizer builds).
# Variables after ad_env_start: AD_DIR (the run folder), AD_NS (namespace),
# AD_BASE, AD_REALM, AD_CA (CA file of the DC's certificate), AD_BINDDN,
# AD_BINDPW, AD_KEYTAB (keytab of the service account svc-milter),
# AD_KRB5_CONF (krb5.conf naming 127.0.0.1 as the KDC).
# ad_env_skip_reason prints why a DC cannot run here (exit 0) or nothing.

AD_ENV_HOME=${AD_ENV_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
AD_ENV_SH="$AD_ENV_HOME/samba-env.sh"
AD_REALM=AD.EXAMPLE.COM
AD_DOMAIN=EXAMPLE
AD_BASE="DC=ad,DC=example,DC=com"
AD_ADMINPW='Adm1n-Pass!x'
AD_BINDDN="CN=svc-milter,CN=Users,$AD_BASE"
AD_BINDPW='Svc-M1lter!pw'
: "${AD_CACHE:=${builddir:-.}/tests/ad/cache}"
export AD_ENV_SH AD_REALM AD_DOMAIN AD_BASE AD_BINDDN AD_BINDPW AD_CACHE

# Why a DC cannot run on this machine (nothing when it can).
ad_env_skip_reason() {
	local t
	for t in samba samba-tool ldbmodify ldbsearch ip; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null 2>&1 ||
			{ echo "$t not installed (contrib/install-deps.sh)"; return; }
	done
	[ "$(id -u)" -eq 0 ] ||
		{ echo "not root: a network namespace needs CAP_SYS_ADMIN"; return; }
	if ! ip netns add "om-ad-probe-$$" 2>/dev/null; then
		echo "ip netns add refused (no network namespaces here)"; return
	fi
	ip netns del "om-ad-probe-$$"
}

# Run a command inside the DC's namespace.
ad_exec() {
	ip netns exec "$AD_NS" "$@"
}

# ldbmodify/ldbadd/ldbsearch straight on the provision's database.
ad_ldb() {
	local tool=$1; shift
	"$tool" -H "$AD_PROV/private/sam.ldb" "$@"
}

# objectSid of an entry (string form).
ad_sid_of() {
	ad_ldb ldbsearch -b "$1" -s base objectSid |
		sed -n 's/^objectSid: //p'
}

# The test users, groups and contacts (LDIF on stdout).
ad_env_data() {
	local b=$AD_BASE o="OU=Mail,$AD_BASE"
	local home="/o=Example/ou=Exchange Administrative Group/cn=Configuration/cn=Servers/cn="
	cat <<LDIF
dn: $o
objectClass: organizationalUnit
ou: Mail

LDIF
	# user NAME UAC HOME [proxyAddresses...]
	user() {
		local n=$1 uac=$2 h=$3; shift 3
		printf 'dn: CN=%s,%s\nobjectClass: user\nsAMAccountName: %s\n' "$n" "$o" "$n"
		printf 'userPrincipalName: %s@ad.example.com\nuserAccountControl: %s\n' "$n" "$uac"
		printf 'mail: %s@example.com\n' "$n"
		[ -n "$h" ] && printf 'msExchHomeServerName: %s%s\n' "$home" "$h"
		local p
		for p in "$@"; do printf 'proxyAddresses: %s\n' "$p"; done
		printf '\n'
	}
	# 544 = NORMAL_ACCOUNT | PASSWD_NOTREQD; 546 = the same, disabled
	user alice 544 MAIL1 SMTP:alice@example.com smtp:a.smith@example.com \
		"X400:c=US;a= ;p=Example;o=Mail;s=alice;" X400:x400only@example.com
	user bob 544 MAIL1 SMTP:bob@example.com
	user carol 544 MAIL1 SMTP:carol@example.com
	user dave 544 MAIL1 SMTP:dave@example.com
	user erin 546 MAIL1 SMTP:erin@example.com
	user frank 544 MAIL2 SMTP:frank@example.com
	user gina 544 MAIL1 SMTP:gina@example.com
	user sales 544 MAIL1 SMTP:sales@example.com
	user boss 544 MAIL1 SMTP:boss@example.com
	user henry 544 MAIL1 SMTP:henry@example.com
	printf 'dn: CN=boss,%s\nchangetype: modify\nadd: publicDelegates\npublicDelegates: CN=henry,%s\n\n' "$o" "$o"
	# nested groups: carol and dave -> sales-team -> sales-senders
	cat <<LDIF
dn: CN=sales-team,$o
objectClass: group
sAMAccountName: sales-team
member: CN=carol,$o
member: CN=dave,$o

dn: CN=sales-senders,$o
objectClass: group
sAMAccountName: sales-senders
member: CN=sales-team,$o

LDIF
	# a 2,000-member distribution group: 1,999 contacts, then gina
	local i
	for i in $(seq -w 1 1999); do
		printf 'dn: CN=c%s,%s\nobjectClass: contact\nmail: c%s@elsewhere.example\n\n' "$i" "$o" "$i"
	done
	printf 'dn: CN=all-staff,%s\nobjectClass: group\nsAMAccountName: all-staff\n' "$o"
	printf 'groupType: 8\nproxyAddresses: SMTP:all-staff@example.com\n'
	for i in $(seq -w 1 1999); do printf 'member: CN=c%s,%s\n' "$i" "$o"; done
	printf 'member: CN=gina,%s\n\n' "$o"
}

# Part $1 of the schema extension (1: attributes, 2: classes).
ad_env_schema() {
	sed "s/@SCHEMADN@/CN=Schema,CN=Configuration,$AD_BASE/" \
		"$AD_ENV_HOME/schema-exchange.ldif" |
		awk -v part="$1" '/^# -- classes/ { p++ } p + 1 == part' |
		ad_ldb ldbmodify --option="dsdb:schema update allowed=true" \
		>>"$AD_PROV.log" 2>&1
}

# Provision the domain into $1 (a new folder).
ad_env_provision_into() {
	local d=$1 o="OU=Mail,$AD_BASE" sid_bob sid_ss sid_dave
	AD_PROV=$d
	samba-tool domain provision --targetdir="$d" --server-role=dc \
		--realm="$AD_REALM" --domain="$AD_DOMAIN" --host-name=dc1 \
		--host-ip=127.0.0.1 --dns-backend=NONE --adminpass="$AD_ADMINPW" \
		--option="acl_xattr:security_acl_name = user.NTACL" \
		--option="ldb:nosync = true" >"$d.log" 2>&1 || return 1
	ad_env_conf "$d" || return 1
	ad_env_schema 1 && ad_env_schema 2 || return 1
	samba-tool user create svc-milter "$AD_BINDPW" -H "$d/private/sam.ldb" \
		>>"$d.log" 2>&1 || return 1
	ad_env_data >"$d.data.ldif"
	ad_ldb ldbmodify "$d.data.ldif" >>"$d.log" 2>&1 || return 1
	sid_bob=$(ad_sid_of "CN=bob,$o")
	sid_ss=$(ad_sid_of "CN=sales-senders,$o")
	sid_dave=$(ad_sid_of "CN=dave,$o")
	[ -n "$sid_bob" ] && [ -n "$sid_ss" ] && [ -n "$sid_dave" ] || return 1
	# Send-As on sales, in this order: deny dave, allow bob, allow
	# sales-senders (nested); dsacl set puts each new ACE first
	local ace sa=ab721a54-1e2f-11d0-9819-00aa0040529b
	for ace in "(OA;;CR;$sa;;$sid_ss)" "(OA;;CR;$sa;;$sid_bob)" \
		"(OD;;CR;$sa;;$sid_dave)"; do
		samba-tool dsacl set -H "$d/private/sam.ldb" \
			--objectdn="CN=sales,$o" --sddl="$ace" >>"$d.log" 2>&1 ||
			return 1
	done
	# Kerberos service name of LDAP (GSSAPI binds ask for ldap/HOST)
	samba-tool spn add "ldap/dc1.ad.example.com" 'DC1$' \
		-H "$d/private/sam.ldb" >>"$d.log" 2>&1 || return 1
	samba-tool domain exportkeytab "$d/svc-milter.keytab" \
		--principal="svc-milter@$AD_REALM" -s "$d/etc/smb.conf" \
		>>"$d.log" 2>&1 || return 1
}

# Settings for running the DC from folder $1 (written into its smb.conf).
ad_env_conf() {
	local d=$1 c=$1/etc/smb.conf
	# provision's file names its own folder; keep only [global]'s lines
	# we need and say where the pid and log files go
	sed -i -e '/^\tlog file = /d' -e '/^\tserver services = /d' \
		-e '/^\tlogging = /d' -e '/^\tpanic action = /d' "$c"
	sed -i "/^\[global\]/a\\
	pid directory = $d/run\\
	log file = $d/log.samba\\
	logging = file\\
	server services = ldap, kdc\\
	interfaces = lo\\
	bind interfaces only = yes\\
	acl_xattr:security_acl_name = user.NTACL\\
	ldb:nosync = true" "$c"
	grep -q "^	pid directory = $d/run" "$c" || {
		echo "samba-env: could not edit $c" >&2; return 1; }
	mkdir -p "$d/run"
	cat >"$d/krb5.conf" <<KRB
[libdefaults]
	default_realm = $AD_REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
	dns_canonicalize_hostname = false
[realms]
	$AD_REALM = {
		kdc = 127.0.0.1
	}
[domain_realm]
	dc1.ad.example.com = $AD_REALM
KRB
}

# What the provision is made from (the functions that make it, without
# comments, and the schema): a change provisions anew.
ad_env_stamp() {
	{
		declare -f ad_env_data ad_env_provision_into ad_env_conf \
			ad_env_schema
		cat "$AD_ENV_HOME/schema-exchange.ldif"
	} | cksum
}

# Provision into $AD_CACHE once (a lock keeps parallel tests in line).
ad_env_provision() {
	mkdir -p "$(dirname "$AD_CACHE")" || return 1
	(
		flock 9
		[ "$(cat "$AD_CACHE/.done" 2>/dev/null)" = "$(ad_env_stamp)" ] &&
			exit 0
		rm -rf "$AD_CACHE" "$AD_CACHE.new" "$AD_CACHE.new.log"
		if ! ad_env_provision_into "$AD_CACHE.new"; then
			echo "samba-env: provisioning failed:" >&2
			tail -30 "$AD_CACHE.new.log" >&2
			exit 1
		fi
		mv "$AD_CACHE.new.log" "$AD_CACHE.new/provision.log"
		mv "$AD_CACHE.new.data.ldif" "$AD_CACHE.new/data.ldif"
		echo "$AD_CACHE.new" >"$AD_CACHE.new/.origin"
		ad_env_stamp >"$AD_CACHE.new/.done"
		mv "$AD_CACHE.new" "$AD_CACHE"
	) 9>"$AD_CACHE.lock"
}

# Save the variables so "samba-env.sh CMD DIR" can act later.
ad_env_save() {
	cat >"$AD_DIR/env" <<ENV
AD_DIR='$AD_DIR'
AD_NS='$AD_NS'
ENV
}

# Wait (at most 60 s) until the DC answers a root DSE search on 389.
ad_env_wait() {
	local i
	for i in $(seq 1 300); do
		if ! kill -0 "$AD_PID" 2>/dev/null; then
			echo "samba-env: samba exited; its log:" >&2
			tail -20 "$AD_DIR/samba.out" >&2
			return 1
		fi
		ad_exec ldapsearch -x -H ldap://127.0.0.1 -b "" -s base \
			-o nettimeout=1 -l 2 defaultNamingContext 2>/dev/null |
			grep -q '^defaultNamingContext' && return 0
		sleep 0.2
	done
	echo "samba-env: the DC does not answer on 389" >&2
	return 1
}

# Start samba -i in the namespace (the folder exists).
ad_env_run() {
	# not through a shell function: $! must be samba itself (ip netns
	# exec execs it), so stop and pause reach the DC
	ip netns exec "$AD_NS" samba -i -M single -s "$AD_DIR/etc/smb.conf" \
		>>"$AD_DIR/samba.out" 2>&1 </dev/null &
	AD_PID=$!
	echo "$AD_PID" >"$AD_DIR/samba.pid"
	export AD_PID
	ad_env_wait
}

# Copy the provision into a new folder and start the DC there.
ad_env_start() {
	ad_env_provision || return 1
	AD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/om-ad.XXXXXX") || return 1
	cp -a "$AD_CACHE/." "$AD_DIR/" || return 1
	# the provision names the folder it was made in: move every path
	local orig
	orig=$(cat "$AD_CACHE/.origin") || return 1
	grep -rlF --null "$orig" "$AD_DIR/etc" "$AD_DIR/krb5.conf" |
		xargs -0 -r sed -i "s#$orig#$AD_DIR#g"
	AD_NS="om-ad-$$-${RANDOM}"
	ip netns add "$AD_NS" || return 1
	# ip netns exec mounts /etc/netns/NS/hosts over /etc/hosts: the DC's
	# name (its certificate's and Kerberos principal's) is 127.0.0.1
	mkdir -p "/etc/netns/$AD_NS" &&
		printf '127.0.0.1\tdc1.ad.example.com dc1 localhost\n' \
			>"/etc/netns/$AD_NS/hosts" || return 1
	ip netns exec "$AD_NS" ip link set lo up || return 1
	AD_CA=$AD_DIR/private/tls/ca.pem
	AD_KEYTAB=$AD_DIR/svc-milter.keytab
	AD_KRB5_CONF=$AD_DIR/krb5.conf
	export AD_DIR AD_NS AD_CA AD_KEYTAB AD_KRB5_CONF
	ad_env_save
	ad_env_run || return 1
	# the DC writes its TLS files on first start
	local i
	for i in $(seq 1 100); do [ -s "$AD_CA" ] && return 0; sleep 0.1; done
	echo "samba-env: no $AD_CA" >&2
	return 1
}

# Stop the DC (TERM, then KILL after 10 s) and wait for it.
ad_env_halt() {
	local pid i
	pid=$(cat "$AD_DIR/samba.pid" 2>/dev/null) || return 0
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# (samba -M single serves everything in this one process; other
	# processes in the namespace, such as a filter under test, stay)
	rm -f "$AD_DIR/samba.pid"
	return 0
}

# Stop everything and remove the folder and the namespace.
ad_env_stop() {
	[ -n "${AD_DIR:-}" ] || return 0
	ad_env_halt
	# whatever a test left running in the namespace is the test's
	ip netns pids "$AD_NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "$AD_NS" 2>/dev/null
	rm -rf "/etc/netns/$AD_NS" "$AD_DIR"
	AD_DIR=
}

# Command-line use by other processes (fault tests).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=${1:-}
	case $cmd in
	provision) ad_env_provision; exit $? ;;
	esac
	# shellcheck disable=SC1091
	. "$2/env" || exit 1
	case $cmd in
	stop) ad_env_halt ;;
	start) [ -f "$AD_DIR/samba.pid" ] && exit 0; ad_env_run ;;
	pause) kill -STOP "$(cat "$AD_DIR/samba.pid")" ;;
	resume) kill -CONT "$(cat "$AD_DIR/samba.pid")" ;;
	restart) ad_env_halt && ad_env_run ;;
	destroy) ad_env_stop ;;
	*) echo "usage: $0 provision|stop|start|pause|resume|restart|destroy DIR" >&2; exit 2 ;;
	esac
fi
