/*
 * ldap_conf.c - the "ldap" section of policy.conf: every key with its
 * default and meaning, validators that report file:line, and the
 * conversion into struct ldap_opts (reading bind_password_file).
 */
#include <errno.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_check.h"
#include "dir_ldap.h"
#include "ldap_conf.h"
#include "ldap_filter.h"
#include "ldap_opts.h"

#define LDAP_TIMEOUT_MAX 10.0 /* a message may need two lookups: < 30 s */

cfg_opt_t ldap_conf_opts[] = {
	/* Servers, tried in order with failover: ldap://host:port,
	 * ldaps://host:port, ldapi://%2Frun%2Fslapd%2Fldapi. Required. */
	CFG_STR_LIST("uri", NULL, CFGF_NONE),
	/* StartTLS on ldap:// URIs (failure to start TLS is an error). */
	CFG_BOOL("starttls", cfg_false, CFGF_NONE),
	/* CA certificates that verify the server (ldaps://, StartTLS). */
	CFG_STR("tls_ca_file", NULL, CFGF_NONE),
	/* How the server's certificate is checked: never, allow, try,
	 * demand (default: a certificate that does not verify against
	 * tls_ca_file, or names another host, is refused) or hard. */
	CFG_STR("tls_require_cert", "demand", CFGF_NONE),
	/* Client certificate and key, for servers that ask for one (and for
	 * sasl_mech = "EXTERNAL" over TLS). */
	CFG_STR("tls_cert_file", NULL, CFGF_NONE),
	CFG_STR("tls_key_file", NULL, CFGF_NONE),
	/* Simple bind as this DN, with the password in bind_password_file
	 * (first line, readable by origin-milter only). Unset: anonymous. */
	CFG_STR("bind_dn", NULL, CFGF_NONE),
	CFG_STR("bind_password_file", NULL, CFGF_NONE),
	/* "EXTERNAL": SASL EXTERNAL bind (ldapi:// peer credentials or a
	 * TLS client certificate) instead of a simple bind. "GSSAPI":
	 * Kerberos, with the service account's keys in sasl_keytab (made by
	 * `samba-tool domain exportkeytab` or `ktpass`); no password on
	 * disk. The URI must name the server as its Kerberos principal does
	 * (ldap/dc1.corp.example.com), not by address. */
	CFG_STR("sasl_mech", NULL, CFGF_NONE),
	/* GSSAPI: the client keytab (KRB5_CLIENT_KTNAME). Unset: the
	 * environment's or krb5.conf's default. Read at start; a change
	 * needs a restart. */
	CFG_STR("sasl_keytab", NULL, CFGF_NONE),
	/* Search base (required) and scope: base, one or sub. */
	CFG_STR("base", NULL, CFGF_NONE),
	CFG_STR("scope", "sub", CFGF_NONE),
	/* Filter that finds the entry of a login. %u user, %d NT domain or
	 * realm, %s login as sent; each value RFC 4515-escaped. AD:
	 * (&(objectClass=user)(sAMAccountName=%u)). */
	CFG_STR("account_filter", "(&(objectClass=inetOrgPerson)(uid=%u))",
		CFGF_NONE),
	/* When several entries match a login (or hold an address), the
	 * ones this filter selects are the real mailboxes; e.g. AD:
	 * (msExchHomeServerName=*). Unset: several matches are refused. */
	CFG_STR("mailbox_filter", NULL, CFGF_NONE),
	/* Filter that finds the holder of an address, %a = the address key
	 * (or "@domain" for a catch-all). Unset: built from the address
	 * attributes, e.g. (|(mail=%a)(mailLocalAddress=%a)). */
	CFG_STR("owner_filter", NULL, CFGF_NONE),
	/* Attributes holding plain addresses (a catch-all is "@domain"). */
	CFG_STR_LIST("address_attributes", "{mail, mailLocalAddress}",
		     CFGF_NONE),
	/* Attributes holding typed addresses as AD's proxyAddresses:
	 * "SMTP:primary@x", "smtp:alias@x" (prefix in any case); X400:,
	 * X500: and other types are ignored. AD: {proxyAddresses}. */
	CFG_STR_LIST("proxy_address_attributes", "{}", CFGF_NONE),
	/* Attribute with the account name for logs (AD: sAMAccountName). */
	CFG_STR("name_attribute", "uid", CFGF_NONE),
	/* Attribute naming the mailbox's home server: a host name, an X.500
	 * path (/o=Org/.../cn=Servers/cn=SERVER1 -> SERVER1) or a DN below
	 * CN=Servers. AD: msExchHomeServerName. "" to ignore. */
	CFG_STR("home_server_attribute", "mailHost", CFGF_NONE),
	/* Fallback when home_server_attribute is absent: a DN such as AD's
	 * homeMDB; the server is the RDN above CN=Servers. */
	CFG_STR("home_mdb_attribute", NULL, CFGF_NONE),
	/* Attribute holding DNs of the accounts that may send as the entry
	 * (send-as delegation); AD: publicDelegates. */
	CFG_STR("delegate_attribute", NULL, CFGF_NONE),
	/* Members of a group entry may send as the group's addresses. */
	CFG_BOOL("group_send_as", cfg_false, CFGF_NONE),
	/* objectClass values that make an entry a group. */
	CFG_STR_LIST("group_classes", "{groupOfNames, groupOfUniqueNames, group}",
		     CFGF_NONE),
	/* Attribute with the DNs of a group's members. */
	CFG_STR("member_attribute", "member", CFGF_NONE),
	/* Active Directory returns at most 1,500 values of a large
	 * attribute at a time ("member;range=0-1499"). The backend always
	 * follows such ranges; N > 0 also asks for member;range=0-(N-1)
	 * first (AD profile: 1500). 0: ask for the plain attribute. */
	CFG_INT("member_range", 0, CFGF_NONE),
	/* Active Directory: read the objectSid and tokenGroups (every group
	 * the login is in, nested ones included) of a login's entry, so that
	 * group_send_as holds for members of nested groups too. */
	CFG_BOOL("token_groups", cfg_false, CFGF_NONE),
	/* Exchange's Send As: read the DACL of the entry holding an address
	 * (nTSecurityDescriptor, SD-flags control asking for the DACL only)
	 * and grant send-as when the first ACE for the Send-As extended
	 * right (ab721a54-1e2f-11d0-9819-00aa0040529b, or all extended
	 * rights) that names the login or one of its groups allows it; a
	 * deny ACE met first refuses it. Implies token_groups. */
	CFG_BOOL("send_as_acl", cfg_false, CFGF_NONE),
	/* Active Directory: a login whose entry is disabled
	 * (userAccountControl bit 2, ACCOUNTDISABLE) is not an account
	 * (login_unknown, logged as disabled). */
	CFG_BOOL("refuse_disabled", cfg_false, CFGF_NONE),
	/* Exchange's Send on Behalf: the delegates of delegate_attribute
	 * (publicDelegates) may use the principal's address only for a
	 * message that says so: with check_header_from, From: the principal
	 * is accepted only with Sender: the delegate's own address. */
	CFG_BOOL("send_on_behalf", cfg_false, CFGF_NONE),
	/* Seconds one lookup may take in all, every server tried included
	 * (0.1 to 10). When no server answers in time the verdict is the
	 * directory error one (on_directory_error: fail closed, 451). */
	CFG_FLOAT("timeout", 5.0, CFGF_NONE),
	/* Bound connections kept open and shared by all threads (1-64). */
	CFG_INT("pool_size", 4, CFGF_NONE),
	/* Seconds a found entry, and a "no such entry" answer, are cached. */
	CFG_INT("cache_ttl", 300, CFGF_NONE),
	CFG_INT("negative_cache_ttl", 60, CFGF_NONE),
	/* Most answers cached (least recently used go first); 0: no cache. */
	CFG_INT("cache_size", 10000, CFGF_NONE),
	/* While no server answers, an entry expired less than this many
	 * seconds ago is still used (logged as stale). 0: never. */
	CFG_INT("stale_grace", 0, CFGF_NONE),
	/* Seconds a server that failed is tried only after the others. */
	CFG_INT("retry_after", 30, CFGF_NONE),
	CFG_END()
};

/* Each URI must parse and use ldap, ldaps or ldapi. */
static int
check_uri(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	for (unsigned i = 0; i < n; i++) {
		const char *u = cfg_opt_getnstr(opt, i);
		LDAPURLDesc *d = NULL;
		if (ldap_url_parse(u, &d) != LDAP_URL_SUCCESS ||
		    (strcasecmp(d->lud_scheme, "ldap") != 0 &&
		     strcasecmp(d->lud_scheme, "ldaps") != 0 &&
		     strcasecmp(d->lud_scheme, "ldapi") != 0)) {
			cfg_error(cfg, "ldap: uri '%s' is not an ldap://, "
				  "ldaps:// or ldapi:// URI", u);
			ldap_free_urldesc(d);
			return -1;
		}
		ldap_free_urldesc(d);
	}
	return 0;
}

/* Parentheses balance and the template uses only allowed placeholders. */
static int
filter_ok(const char *f, const char *allowed)
{
	int depth = 0;
	if (f[0] != '(')
		return 0;
	for (const char *p = f; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			return 0;
	}
	return depth == 0 && filter_check_template(f, allowed) == 0;
}

/* Validate a filter option against its placeholders. */
static int
check_filter_with(cfg_t *cfg, cfg_opt_t *opt, const char *allowed)
{
	const char *f = cfg_opt_getnstr(opt, 0);
	if (f == NULL || filter_ok(f, allowed))
		return 0;
	cfg_error(cfg, "ldap: %s '%s' is not a filter in parentheses using "
		  "only the placeholders %%%s", cfg_opt_name(opt), f,
		  allowed[0] == 'u' ? "u, %d, %s" : allowed);
	return -1;
}

/* account_filter: %u %d %s. */
static int
check_account_filter(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_filter_with(cfg, opt, "uds");
}

/* owner_filter: %a. */
static int
check_owner_filter(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_filter_with(cfg, opt, "a");
}

/* mailbox_filter: no placeholders. */
static int
check_mailbox_filter(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_filter_with(cfg, opt, "");
}

/* scope: base, one or sub. */
static int
check_scope(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	if (s && (!strcmp(s, "base") || !strcmp(s, "one") || !strcmp(s, "sub")))
		return 0;
	cfg_error(cfg, "ldap: scope must be base, one or sub");
	return -1;
}

/* sasl_mech: EXTERNAL or GSSAPI. */
static int
check_sasl(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	if (s == NULL || strcasecmp(s, "EXTERNAL") == 0 ||
	    strcasecmp(s, "GSSAPI") == 0)
		return 0;
	cfg_error(cfg, "ldap: sasl_mech '%s' is not supported (EXTERNAL, "
		  "GSSAPI)", s);
	return -1;
}

/* tls_require_cert: one of libldap's levels. */
static int
check_tls_level(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	static const char *const ok[] = { "never", "allow", "try", "demand",
					  "hard" };
	for (size_t i = 0; s != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(s, ok[i]) == 0)
			return 0;
	cfg_error(cfg, "ldap: tls_require_cert '%s' is not one of never, "
		  "allow, try, demand, hard", s ? s : "");
	return -1;
}

/* member_range 0 (off) or 2 .. 100000. */
static int
check_member_range(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_getnint(opt, 0) == 0)
		return 0;
	return conf_check_range(cfg, opt, 2, 100000);
}

/* timeout within (0.1, 10] seconds. */
static int
check_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
	double t = cfg_opt_getnfloat(opt, 0);
	if (t >= 0.1 && t <= LDAP_TIMEOUT_MAX)
		return 0;
	cfg_error(cfg, "ldap: timeout %.2f must be between 0.1 and %.0f "
		  "seconds (the MTA waits 30 s for the filter)", t,
		  LDAP_TIMEOUT_MAX);
	return -1;
}

/* pool_size 1..64. */
static int
check_pool(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 1, 64);
}

/* TTLs and grace: 0 .. one day. */
static int
check_seconds(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 0, 86400);
}

/* cache_size 0 .. 10 million. */
static int
check_cache_size(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 0, 10000000);
}

/* Install the validators. */
void
ldap_conf_set_validators(cfg_t *cfg)
{
	static const struct {
		const char *key;
		cfg_validate_callback_t fn;
	} v[] = {
		{ "ldap|uri", check_uri },
		{ "ldap|account_filter", check_account_filter },
		{ "ldap|owner_filter", check_owner_filter },
		{ "ldap|mailbox_filter", check_mailbox_filter },
		{ "ldap|scope", check_scope },
		{ "ldap|sasl_mech", check_sasl },
		{ "ldap|tls_require_cert", check_tls_level },
		{ "ldap|member_range", check_member_range },
		{ "ldap|timeout", check_timeout },
		{ "ldap|pool_size", check_pool },
		{ "ldap|cache_ttl", check_seconds },
		{ "ldap|negative_cache_ttl", check_seconds },
		{ "ldap|stale_grace", check_seconds },
		{ "ldap|retry_after", check_seconds },
		{ "ldap|cache_size", check_cache_size },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cfg_set_validate_func(cfg, v[i].key, v[i].fn);
}

/* A heap copy of a string option, NULL if unset or empty. */
static char *
opt_str(cfg_t *sec, const char *name)
{
	const char *s = cfg_getstr(sec, name);
	return s && *s ? strdup(s) : NULL;
}

/* A heap vector of a list option. */
static char **
opt_list(cfg_t *sec, const char *name, size_t *n)
{
	*n = cfg_size(sec, name);
	char **v = calloc(*n + 1, sizeof(*v));
	for (size_t i = 0; v && i < *n; i++) {
		if ((v[i] = strdup(cfg_getnstr(sec, name, (unsigned)i))) == NULL) {
			strv_free(v, i);
			return NULL;
		}
	}
	return v;
}

/* First line of path (the password); -1 with err on failure. */
static int
read_password(const char *path, char **out, char *err, size_t errsz)
{
	char buf[1024];
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errsz, "ldap: bind_password_file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\r\n")] = '\0';
	*out = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return *out ? 0 : -1;
}

/* LDAP scope constant of a scope name. */
static int
scope_of(const char *s)
{
	if (strcmp(s, "base") == 0)
		return LDAP_SCOPE_BASE;
	if (strcmp(s, "one") == 0)
		return LDAP_SCOPE_ONELEVEL;
	return LDAP_SCOPE_SUBTREE;
}

/* The tls_require_cert value (checked before). */
static enum tls_check
tls_level(const char *s)
{
	static const char *const names[] = {
		[TLS_CHECK_DEMAND] = "demand", [TLS_CHECK_NEVER] = "never",
		[TLS_CHECK_ALLOW] = "allow",   [TLS_CHECK_TRY] = "try",
		[TLS_CHECK_HARD] = "hard",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return (enum tls_check)i;
	return TLS_CHECK_DEMAND;
}

/* Numbers and flags of the section into o. */
static void
fill_numbers(struct ldap_opts *o, cfg_t *sec)
{
	o->starttls = cfg_getbool(sec, "starttls");
	o->tls_require_cert = tls_level(cfg_getstr(sec, "tls_require_cert"));
	o->member_range = (unsigned)cfg_getint(sec, "member_range");
	o->send_as_acl = cfg_getbool(sec, "send_as_acl");
	o->token_groups = cfg_getbool(sec, "token_groups") || o->send_as_acl;
	o->refuse_disabled = cfg_getbool(sec, "refuse_disabled");
	o->send_on_behalf = cfg_getbool(sec, "send_on_behalf");
	o->group_send_as = cfg_getbool(sec, "group_send_as");
	o->scope = scope_of(cfg_getstr(sec, "scope"));
	o->timeout = cfg_getfloat(sec, "timeout");
	o->pool_size = (unsigned)cfg_getint(sec, "pool_size");
	o->cache_ttl = (unsigned)cfg_getint(sec, "cache_ttl");
	o->negative_cache_ttl = (unsigned)cfg_getint(sec, "negative_cache_ttl");
	o->cache_size = (unsigned)cfg_getint(sec, "cache_size");
	o->stale_grace = (unsigned)cfg_getint(sec, "stale_grace");
	o->retry_after = (unsigned)cfg_getint(sec, "retry_after");
}

/* Strings and lists of the section into o; -1 when out of memory. */
static int
fill_strings(struct ldap_opts *o, cfg_t *sec)
{
	o->tls_ca_file = opt_str(sec, "tls_ca_file");
	o->tls_cert_file = opt_str(sec, "tls_cert_file");
	o->tls_key_file = opt_str(sec, "tls_key_file");
	o->sasl_keytab = opt_str(sec, "sasl_keytab");
	o->bind_dn = opt_str(sec, "bind_dn");
	o->base = opt_str(sec, "base");
	o->account_filter = opt_str(sec, "account_filter");
	o->mailbox_filter = opt_str(sec, "mailbox_filter");
	o->owner_filter = opt_str(sec, "owner_filter");
	o->name_attr = opt_str(sec, "name_attribute");
	o->home_attr = opt_str(sec, "home_server_attribute");
	o->home_mdb_attr = opt_str(sec, "home_mdb_attribute");
	o->delegate_attr = opt_str(sec, "delegate_attribute");
	o->member_attr = opt_str(sec, "member_attribute");
	o->uris = opt_list(sec, "uri", &o->nuris);
	o->address_attrs = opt_list(sec, "address_attributes",
				    &o->naddress_attrs);
	o->proxy_attrs = opt_list(sec, "proxy_address_attributes",
				  &o->nproxy_attrs);
	o->group_classes = opt_list(sec, "group_classes", &o->ngroup_classes);
	return o->uris && o->address_attrs && o->proxy_attrs &&
	       o->group_classes ? 0 : -1;
}

/* Bind mode and credentials; -1 with err. */
static int
fill_bind(struct ldap_opts *o, cfg_t *sec, char *err, size_t errsz)
{
	const char *mech = cfg_getstr(sec, "sasl_mech");
	const char *pwfile = cfg_getstr(sec, "bind_password_file");
	if (mech != NULL) {
		o->bind = strcasecmp(mech, "GSSAPI") == 0 ? LDAP_BIND_GSSAPI
							  : LDAP_BIND_EXTERNAL;
		return 0;
	}
	if (o->bind_dn == NULL) {
		o->bind = LDAP_BIND_ANONYMOUS;
		return 0;
	}
	o->bind = LDAP_BIND_SIMPLE;
	if (pwfile == NULL) {
		snprintf(err, errsz, "ldap: bind_dn needs bind_password_file");
		return -1;
	}
	return read_password(pwfile, &o->bind_password, err, errsz);
}

/* Build the options of a parsed "ldap" section. */
struct ldap_opts *
ldap_opts_from_cfg(cfg_t *sec, char *err, size_t errsz)
{
	struct ldap_opts *o = calloc(1, sizeof(*o));
	if (o == NULL) {
		snprintf(err, errsz, "ldap: out of memory");
		return NULL;
	}
	fill_numbers(o, sec);
	if (fill_strings(o, sec) != 0) {
		snprintf(err, errsz, "ldap: out of memory");
		goto fail;
	}
	if (o->nuris == 0 || o->base == NULL) {
		snprintf(err, errsz, "ldap: uri and base are required");
		goto fail;
	}
	if (fill_bind(o, sec, err, errsz) != 0)
		goto fail;
	return o;
fail:
	ldap_opts_release(o);
	return NULL;
}
