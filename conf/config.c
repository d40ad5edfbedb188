/*
 * config.c - load policy.conf with libconfuse into a config snapshot.
 *
 * The option table below is the single list of keys; conf/policy.conf and
 * policy.conf(5) document each one. Values are checked while parsing (so an
 * error names its line) and the cross-key rules after it. libconfuse's
 * lexer is not reentrant: loads are serialised by a mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <arpa/inet.h>

#include <confuse.h>

#include "conf_check.h"
#include "conf_text.h"
#include "config.h"
#include "socket_spec.h"
#include "dir_file.h"
#include "dir_ldap.h"
#include "dir_postfix_map.h"
#include "ldap_conf.h"
#include "ldap_opts.h"
#include "textutil.h"

#define MSG_MAX 1024

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *parse_file;    /* file of the parse under way */
static char parse_err[MSG_MAX];   /* its first error */
static int parse_socket_line;     /* line of its socket key, 0 if none */

static const char *const stage_names[] = {"mail", "rcpt", "data"};
/* mode; the per-rule keys also take "" (= follow mode) */
static const char *const mode_names[] = {"enforce", "report"};
static const char *const rule_mode_keys[RULE_COUNT] = {
	[RULE_NOT_OWNER] = "not_owner_mode",
	[RULE_NOT_LOCAL] = "not_local_mode",
	[RULE_NEED_AUTH] = "need_auth_mode",
	[RULE_HEADER_FROM] = "header_from_mode",
};
static const char *const direrr_names[] = {"tempfail", "accept", "reject"};
static const char *const home_missing_names[] = {"accept", "refuse"};
static const char *const missing_login_names[] = {"tempfail", "anonymous"};
static const char *const login_encoding_names[] = {"auto", "xtext", "none"};
static const char *const level_names[] = {"error", "warning", "notice",
					  "info", "debug"};
static const int level_values[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE,
				   LOG_INFO, LOG_DEBUG};
static const char *const facility_names[] = {
	"mail", "daemon", "user", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7"};
static const int facility_values[] = {
	LOG_MAIL, LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
	LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static cfg_opt_t policy_opts[] = {
	CFG_BOOL("require_auth", cfg_true, CFGF_NONE),
	CFG_BOOL("check_originator", cfg_true, CFGF_NONE),
	CFG_BOOL("check_home_server", cfg_false, CFGF_NONE),
	CFG_BOOL("allow_null_sender", cfg_true, CFGF_NONE),
	CFG_BOOL("check_header_from", cfg_false, CFGF_NONE),
	CFG_STR("subaddress_delimiter", "+", CFGF_NONE),
	CFG_STR("local_part_case", "insensitive", CFGF_NONE),
	CFG_STR("reject_stage", "mail", CFGF_NONE),
	CFG_STR("on_directory_error", "tempfail", CFGF_NONE),
	CFG_STR("home_server_missing", "accept", CFGF_NONE),
	CFG_STR("on_missing_login", "tempfail", CFGF_NONE),
	CFG_STR("login_encoding", "auto", CFGF_NONE),
	CFG_INT("local_part_max", 64, CFGF_NONE),
	CFG_INT("domain_max", 255, CFGF_NONE),
	CFG_INT("path_max", 256, CFGF_NONE),
	/* report-only mode (applied by milter/ to the verdict) */
	CFG_STR("mode", "enforce", CFGF_NONE),
	CFG_STR("not_owner_mode", "", CFGF_NONE),
	CFG_STR("not_local_mode", "", CFGF_NONE),
	CFG_STR("need_auth_mode", "", CFGF_NONE),
	CFG_STR("header_from_mode", "", CFGF_NONE),
	CFG_BOOL("report_header", cfg_false, CFGF_NONE),
	CFG_STR("report_header_name", "X-Origin-Milter", CFGF_NONE),
	CFG_END()};

/* listener "NAME" { ... }: the keys a listener may override. None has a
 * default: a key left out keeps the top-level value. */
static cfg_opt_t listener_opts[] = {
	CFG_STR("daemon_name", NULL, CFGF_NODEFAULT),
	CFG_STR("daemon_port", NULL, CFGF_NODEFAULT),
	CFG_STR("if_addr", NULL, CFGF_NODEFAULT),
	CFG_BOOL("require_auth", cfg_false, CFGF_NODEFAULT),
	CFG_BOOL("check_originator", cfg_false, CFGF_NODEFAULT),
	CFG_BOOL("check_home_server", cfg_false, CFGF_NODEFAULT),
	CFG_BOOL("allow_null_sender", cfg_false, CFGF_NODEFAULT),
	CFG_BOOL("check_header_from", cfg_false, CFGF_NODEFAULT),
	CFG_STR("reject_stage", NULL, CFGF_NODEFAULT),
	CFG_STR("on_directory_error", NULL, CFGF_NODEFAULT),
	CFG_STR("mode", NULL, CFGF_NODEFAULT),
	CFG_STR("not_owner_mode", NULL, CFGF_NODEFAULT),
	CFG_STR("not_local_mode", NULL, CFGF_NODEFAULT),
	CFG_STR("need_auth_mode", NULL, CFGF_NODEFAULT),
	CFG_STR("header_from_mode", NULL, CFGF_NODEFAULT),
	CFG_BOOL("report_header", cfg_false, CFGF_NODEFAULT),
	CFG_STR("report_header_name", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("trusted_networks", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("allowed_forged_senders", NULL, CFGF_NODEFAULT),
	CFG_END()};

static cfg_opt_t reply_opts[] = {
	CFG_STR("not_owner",
		"554 5.7.1 Originator address does not match "
		"authentication credentials",
		CFGF_NONE),
	CFG_STR("not_local", "554 5.7.1 Mailbox is not local: %s", CFGF_NONE),
	CFG_STR("need_auth", "504 5.7.4 Need to authenticate first",
		CFGF_NONE),
	CFG_STR("tempfail",
		"451 4.7.1 Cannot verify the originator address now, "
		"try again later",
		CFGF_NONE),
	CFG_STR("bad_sender", "501 5.1.7 Bad sender address syntax",
		CFGF_NONE),
	CFG_END()};

static cfg_opt_t identity_opts[] = {
	/* realms and nt_domains default to local_domains (see fill_identity) */
	CFG_STR_LIST("realms", "{}", CFGF_NONE),
	CFG_STR_LIST("nt_domains", "{}", CFGF_NONE),
	/* the old forms: realm = "keep" is realms = {}, strip_nt_domain =
	 * false is nt_domains = {} */
	CFG_BOOL("strip_nt_domain", cfg_true, CFGF_NONE),
	CFG_STR("realm", "strip", CFGF_NONE),
	CFG_BOOL("fold_case", cfg_true, CFGF_NONE),
	CFG_INT("max_length", LOGIN_MAX, CFGF_NONE),
	CFG_END()};

static cfg_opt_t top_opts[] = {
	CFG_STR("socket", "unix:" RUNSTATEDIR "/origin-milter/origin-milter.sock",
		CFGF_NONE),
	CFG_STR("user", "origin-milter", CFGF_NONE),
	CFG_STR("pid_file", RUNSTATEDIR "/origin-milter/origin-milter.pid",
		CFGF_NONE),
	CFG_INT("umask", 007, CFGF_NONE),
	CFG_INT("thread_stack_kb", 1024, CFGF_NONE),
	CFG_BOOL("allow_remote_mta", cfg_false, CFGF_NONE),
	CFG_STR("server_name", "", CFGF_NONE),
	CFG_STR_LIST("local_servers", "{}", CFGF_NONE),
	CFG_STR_LIST("local_domains", "{}", CFGF_NONE),
	CFG_STR_LIST("trusted_networks", "{}", CFGF_NONE),
	CFG_STR_LIST("bypass_logins", "{}", CFGF_NONE),
	CFG_STR_LIST("allowed_forged_senders", "{}", CFGF_NONE),
	CFG_STR("directory", "file", CFGF_NONE),
	CFG_STR("sender_login_map", "/etc/postfix/sender_login_maps",
		CFGF_NONE),
	CFG_STR("accounts_file", SYSCONFDIR "/origin-milter/accounts",
		CFGF_NONE),
	CFG_STR("log_level", "info", CFGF_NONE),
	CFG_STR("syslog_facility", "mail", CFGF_NONE),
	CFG_STR("log", "auto", CFGF_NONE),
	CFG_STR("archive", "", CFGF_NONE),
	CFG_INT("archive_max_message_kb", 10240, CFGF_NONE),
	CFG_INT("archive_max_total_mb", 1024, CFGF_NONE),
	CFG_INT("archive_max_per_interval", 100, CFGF_NONE),
	CFG_INT("archive_interval", 3600, CFGF_NONE),
	CFG_INT("archive_min_free_percent", 5, CFGF_NONE),
	CFG_STR("notify", "", CFGF_NONE),
	CFG_INT("notify_interval", 60, CFGF_NONE),
	CFG_STR("sendmail_path", "/usr/sbin/sendmail", CFGF_NONE),
	CFG_STR("stats_file", "", CFGF_NONE),
	CFG_INT("stats_interval", 60, CFGF_NONE),
	CFG_SEC("policy", policy_opts, CFGF_NONE),
	CFG_SEC("reply", reply_opts, CFGF_NONE),
	CFG_SEC("identity", identity_opts, CFGF_NONE),
	CFG_SEC("ldap", ldap_conf_opts, CFGF_NONE),
	CFG_SEC("listener", listener_opts,
		CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()};

/* libconfuse error sink: keep the first message as FILE:LINE: message. */
static void __attribute__((format(printf, 2, 0)))
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[MSG_MAX / 2];

	if (parse_err[0] != '\0')
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(parse_err, sizeof(parse_err), "%s:%d: %s", parse_file,
		 cfg->line, msg);
}

/* Index of s in names[], or -1. */
static int
lookup_name(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Validator for a string that must be one of a fixed set. */
static int
check_enum(cfg_t *cfg, cfg_opt_t *opt, const char *const *names, size_t n)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char list[256] = "";

	if (lookup_name(names, n, v) >= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		if (i + 1 < n)
			strncat(list, " | ", sizeof(list) - strlen(list) - 1);
	}
	cfg_error(cfg, "%s = \"%s\": must be %s", opt->name, v, list);
	return -1;
}

static int
v_stage(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, stage_names, NELEM(stage_names));
}

static int
v_direrr(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, direrr_names, NELEM(direrr_names));
}

static int
v_level(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, level_names, NELEM(level_names));
}

static int
v_facility(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, facility_names, NELEM(facility_names));
}

static int
v_log(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const names[] = {"auto", "syslog", "stderr"};
	return check_enum(cfg, opt, names, NELEM(names));
}

static int
v_case(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const names[] = {"insensitive", "sensitive"};
	return check_enum(cfg, opt, names, NELEM(names));
}

static int
v_realm(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const names[] = {"strip", "keep"};
	return check_enum(cfg, opt, names, NELEM(names));
}

static int
v_home_missing(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, home_missing_names,
			  NELEM(home_missing_names));
}

static int
v_missing_login(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, missing_login_names,
			  NELEM(missing_login_names));
}

static int
v_login_encoding(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, login_encoding_names,
			  NELEM(login_encoding_names));
}

/* Each nt_domains value: a NetBIOS-style name, no blanks, '\\' or '@'. */
static int
v_nt_domains(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	const char *s = n ? cfg_opt_getnstr(opt, n - 1) : NULL;

	if (s == NULL || (s[0] != '\0' && strlen(s) <= LOGIN_MAX &&
			  strpbrk(s, " \t\\@") == NULL))
		return 0;
	cfg_error(cfg, "nt_domains: \"%s\" is not an NT domain name", s);
	return -1;
}

static int
v_directory(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const names[] = {"file", "ldap", "postfix_map"};
	return check_enum(cfg, opt, names, NELEM(names));
}

static int
v_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	return check_enum(cfg, opt, mode_names, NELEM(mode_names));
}

/* A per-rule mode: enforce | report, or "" to follow mode. */
static int
v_rule_mode(cfg_t *cfg, cfg_opt_t *opt)
{
	static const char *const names[] = {"", "enforce", "report"};
	return check_enum(cfg, opt, names, NELEM(names));
}

/* A header field name: 1-64 printable ASCII octets, no colon. */
static int
v_header_name(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	size_t n = strlen(s);
	const char *p = s;

	while (*p > 32 && *p < 127 && *p != ':')
		p++;
	if (n > 0 && n <= 64 && *p == '\0')
		return 0;
	cfg_error(cfg, "report_header_name = \"%s\": must be a header field "
		       "name (printable ASCII, no colon or space)", s);
	return -1;
}

/* allowed_forged_senders: user@domain, @domain or user@*. */
static int
v_patterns(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	const char *s = n ? cfg_opt_getnstr(opt, n - 1) : NULL;
	struct norm_opts no = {false, ""};
	char key[KEY_BUF];

	if (s == NULL ||
	    exempt_pattern_key(s, &no, key, sizeof(key)) == NORM_OK)
		return 0;
	cfg_error(cfg,
		  "allowed_forged_senders: \"%s\" is not user@domain, "
		  "@domain or user@*", s);
	return -1;
}

/* A listener's if_addr: an address or a prefix. */
static int
v_if_addr(cfg_t *cfg, cfg_opt_t *opt)
{
	struct cidr c;
	const char *s = cfg_opt_getnstr(opt, 0);

	if (cidr_parse(s, &c) == 0)
		return 0;
	cfg_error(cfg, "if_addr = \"%s\": not an address or prefix", s);
	return -1;
}

/* socket: its syntax and, for inet, a host (socket_spec.c); the loopback
 * rule waits for allow_remote_mta, wherever that stands (socket_rule). */
static int
v_socket(cfg_t *cfg, cfg_opt_t *opt)
{
	char msg[MSG_MAX / 2];

	parse_socket_line = cfg->line;
	if (socket_spec_check(cfg_opt_getnstr(opt, 0), true, msg,
			      sizeof(msg)) == 0)
		return 0;
	cfg_error(cfg, "%s", msg);
	return -1;
}

/* Each trusted_networks value must be a CIDR prefix. */
static int
v_networks(cfg_t *cfg, cfg_opt_t *opt)
{
	struct cidr c;
	unsigned n = cfg_opt_size(opt);
	const char *s = n ? cfg_opt_getnstr(opt, n - 1) : NULL;

	if (s == NULL || cidr_parse(s, &c) == 0)
		return 0;
	cfg_error(cfg, "trusted_networks: \"%s\" is not an address or prefix",
		  s);
	return -1;
}

/* Each local_domains value must be a domain (".domain" for subdomains). */
static int
v_domains(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);
	const char *s = n ? cfg_opt_getnstr(opt, n - 1) : NULL;
	char probe[ADDR_BUF + 2], key[KEY_BUF];
	struct norm_opts no = {false, ""};

	if (s == NULL)
		return 0;
	snprintf(probe, sizeof(probe), "@%s", s[0] == '.' ? s + 1 : s);
	if (probe[1] != '\0' &&
	    key_from_text(probe, &no, key, sizeof(key), NULL) == NORM_OK)
		return 0;
	cfg_error(cfg, "%s: \"%s\" is not a domain", opt->name, s);
	return -1;
}

/* A reply line "554 5.7.1 text". */
static int
v_reply(cfg_t *cfg, cfg_opt_t *opt)
{
	struct reply_template t;
	char err[256];
	int allow = strcmp(opt->name, "not_local") == 0;

	if (reply_parse(cfg_opt_getnstr(opt, 0), allow, &t, err,
			sizeof(err)) == 0) {
		char expect = strcmp(opt->name, "tempfail") == 0 ? '4' : '5';
		if (t.code[0] == expect)
			return 0;
		snprintf(err, sizeof(err), "must be a %cxx reply", expect);
	}
	cfg_error(cfg, "reply %s: %s", opt->name, err);
	return -1;
}

static int
v_umask(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 0, 0777);
}

/* 0 (libc's default, the stack rlimit), or 256 KiB to 64 MiB. */
static int
v_stack_kb(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v == 0 || (v >= 256 && v <= 65536))
		return 0;
	cfg_error(cfg, "%s = %ld: must be 0 (the system's default) or between "
		       "256 and 65536", opt->name, v);
	return -1;
}

static int
v_local_max(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 1, ADDR_BUF / 2);
}

static int
v_domain_max(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 1, ADDR_BUF - 1);
}

static int
v_path_max(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 3, ADDR_BUF);
}

static int
v_login_max(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 1, LOGIN_MAX);
}

static int
v_interval(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 1, 86400);
}

/* Archive bounds: 0 (no bound) up to what fits in 32 bits. */
static int
v_archive_bound(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 0, 2147483647);
}

/* Free space to keep on the archive's file system, in percent. */
static int
v_percent(cfg_t *cfg, cfg_opt_t *opt)
{
	return conf_check_range(cfg, opt, 0, 100);
}

/* Sub-address delimiters: a set of '+' and '-' ("" = none). Others ('.',
 * '_', '=' ...) occur inside real local parts (jean.dupont@): splitting
 * there would make the holder of jean@ the owner of jean.dupont@. */
static int
v_delims(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	bool plus = false, minus = false;

	for (const char *p = s; *p; p++) {
		bool *seen = *p == '+' ? &plus : *p == '-' ? &minus : NULL;
		if (seen == NULL || *seen)
			goto bad;
		*seen = true;
	}
	return 0;
bad:
	cfg_error(cfg,
		  "subaddress_delimiter = \"%s\": use \"+\", \"-\", \"+-\" or "
		  "\"\" (off); other characters occur inside real addresses",
		  s);
	return -1;
}

/* Install the validators on a fresh cfg. */
static void
set_validators(cfg_t *cfg)
{
	static const struct {
		const char *name;
		cfg_validate_callback_t fn;
	} v[] = {
		{"socket", v_socket},
		{"umask", v_umask},
		{"thread_stack_kb", v_stack_kb},
		{"trusted_networks", v_networks},
		{"local_domains", v_domains},
		{"directory", v_directory},
		{"log_level", v_level},
		{"syslog_facility", v_facility},
		{"log", v_log},
		{"notify_interval", v_interval},
		{"stats_interval", v_interval},
		{"archive_max_message_kb", v_archive_bound},
		{"archive_max_total_mb", v_archive_bound},
		{"archive_max_per_interval", v_archive_bound},
		{"archive_interval", v_interval},
		{"archive_min_free_percent", v_percent},
		{"policy|reject_stage", v_stage},
		{"policy|on_directory_error", v_direrr},
		{"policy|local_part_case", v_case},
		{"policy|subaddress_delimiter", v_delims},
		{"policy|local_part_max", v_local_max},
		{"policy|domain_max", v_domain_max},
		{"policy|path_max", v_path_max},
		{"identity|realm", v_realm},
		{"identity|realms", v_domains},
		{"identity|nt_domains", v_nt_domains},
		{"policy|home_server_missing", v_home_missing},
		{"policy|on_missing_login", v_missing_login},
		{"policy|login_encoding", v_login_encoding},
		{"identity|max_length", v_login_max},
		{"reply|not_owner", v_reply},
		{"reply|not_local", v_reply},
		{"reply|need_auth", v_reply},
		{"reply|tempfail", v_reply},
		{"reply|bad_sender", v_reply},
		{"policy|mode", v_mode},
		{"policy|not_owner_mode", v_rule_mode},
		{"policy|not_local_mode", v_rule_mode},
		{"policy|need_auth_mode", v_rule_mode},
		{"policy|header_from_mode", v_rule_mode},
		{"policy|report_header_name", v_header_name},
		{"allowed_forged_senders", v_patterns},
		{"listener|if_addr", v_if_addr},
		{"listener|reject_stage", v_stage},
		{"listener|on_directory_error", v_direrr},
		{"listener|mode", v_mode},
		{"listener|not_owner_mode", v_rule_mode},
		{"listener|not_local_mode", v_rule_mode},
		{"listener|need_auth_mode", v_rule_mode},
		{"listener|header_from_mode", v_rule_mode},
		{"listener|report_header_name", v_header_name},
		{"listener|trusted_networks", v_networks},
		{"listener|allowed_forged_senders", v_patterns},
	};
	for (size_t i = 0; i < NELEM(v); i++)
		cfg_set_validate_func(cfg, v[i].name, v[i].fn);
	ldap_conf_set_validators(cfg);
}

/* Keep a copy of s in the snapshot; NULL when out of memory. */
static char *
keep(struct config *c, const char *s)
{
	if (c->nstrings == c->capstrings) {
		size_t cap = c->capstrings ? c->capstrings * 2 : 64;
		char **p = realloc(c->strings, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		c->strings = p;
		c->capstrings = cap;
	}
	char *d = strdup(s);
	if (d != NULL)
		c->strings[c->nstrings++] = d;
	return d;
}

/* Copy a list option into a folded-string set. */
static int
fill_set(struct config *c, cfg_t *cfg, const char *name, struct strmap *set,
	 bool domains)
{
	unsigned n = cfg_size(cfg, name);

	if (strmap_init(set, n) != 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const char *v = cfg_getnstr(cfg, name, i);
		char folded[ADDR_BUF + 2];
		bool dot = domains && v[0] == '.';
		if (domains) {
			folded[0] = '.';
			if (domain_fold(v + dot, strlen(v + dot), folded + dot,
					sizeof(folded) - 1) != 0)
				return -1;
		} else {
			copy_bounded(folded, sizeof(folded), v, strlen(v));
			ascii_lower_str(folded);
		}
		char *k = keep(c, folded);
		if (k == NULL || strmap_add(set, k, k) != 0)
			return -1;
	}
	return 0;
}

/* Parse one reply template (already validated). */
static void
get_reply(cfg_t *sec, const char *name, struct reply_template *t)
{
	char err[256];
	reply_parse(cfg_getstr(sec, name), strcmp(name, "not_local") == 0, t,
		    err, sizeof(err));
}

/* Was the key written in this section (even as an empty list)? */
static bool
given(cfg_t *sec, const char *name)
{
	cfg_opt_t *o = cfg_getopt(sec, name);
	return o != NULL && (o->flags & CFGF_MODIFIED) != 0;
}

/* Rule modes of a section. At the top level a per-rule key "" follows
 * mode; in a listener, keys left out keep what m holds (the top level's)
 * unless the listener sets mode, which then stands for every rule it does
 * not name. */
static void
fill_modes(enum rule_mode *m, cfg_t *sec, bool listener)
{
	bool has_mode = !listener || given(sec, "mode");
	enum rule_mode base = MODE_ENFORCE;

	if (has_mode)
		base = (enum rule_mode)lookup_name(mode_names, NELEM(mode_names),
						   cfg_getstr(sec, "mode"));
	for (int r = 0; r < RULE_COUNT; r++) {
		const char *v = NULL;
		if (!listener || given(sec, rule_mode_keys[r]))
			v = cfg_getstr(sec, rule_mode_keys[r]);
		if (v != NULL && v[0] != '\0')
			m[r] = (enum rule_mode)lookup_name(
				mode_names, NELEM(mode_names), v);
		else if (has_mode)
			m[r] = base;
	}
}

/* allowed_forged_senders of a section into a set (key -> pattern). */
static int
fill_allowed(struct config *c, cfg_t *sec, struct strmap *set)
{
	unsigned n = cfg_size(sec, "allowed_forged_senders");
	char key[KEY_BUF];

	if (strmap_init(set, n) != 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const char *pat = cfg_getnstr(sec, "allowed_forged_senders", i);
		if (exempt_pattern_key(pat, &c->policy.norm, key,
				       sizeof(key)) != NORM_OK)
			return -1;
		char *k = keep(c, key), *v = keep(c, pat);
		if (k == NULL || v == NULL || strmap_add(set, k, v) != 0)
			return -1;
	}
	return 0;
}

/* trusted_networks of a section; *out is allocated (n + 1 entries). */
static int
fill_trusted(cfg_t *sec, struct cidr **out, size_t *nout)
{
	unsigned n = cfg_size(sec, "trusted_networks");

	*out = calloc(n + 1, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (unsigned i = 0; i < n; i++)
		cidr_parse(cfg_getnstr(sec, "trusted_networks", i), &(*out)[i]);
	*nout = n;
	return 0;
}

/* The policy part of the snapshot. */
static int
fill_policy(struct config *c, cfg_t *cfg)
{
	struct policy *p = &c->policy;
	cfg_t *pol = cfg_getsec(cfg, "policy");
	cfg_t *id = cfg_getsec(cfg, "identity");
	cfg_t *rep = cfg_getsec(cfg, "reply");
	unsigned n;

	p->require_auth = cfg_getbool(pol, "require_auth");
	p->check_originator = cfg_getbool(pol, "check_originator");
	p->check_home_server = cfg_getbool(pol, "check_home_server");
	p->allow_null_sender = cfg_getbool(pol, "allow_null_sender");
	c->check_header_from = cfg_getbool(pol, "check_header_from");
	p->on_directory_error = (enum dir_error_mode)lookup_name(
		direrr_names, NELEM(direrr_names),
		cfg_getstr(pol, "on_directory_error"));
	c->reject_stage = (enum reject_stage)lookup_name(
		stage_names, NELEM(stage_names), cfg_getstr(pol, "reject_stage"));
	p->norm.local_case_sensitive =
		strcmp(cfg_getstr(pol, "local_part_case"), "sensitive") == 0;
	snprintf(p->norm.subaddr_delims, sizeof(p->norm.subaddr_delims), "%s",
		 cfg_getstr(pol, "subaddress_delimiter"));
	p->limits.local_max = (size_t)cfg_getint(pol, "local_part_max");
	p->limits.domain_max = (size_t)cfg_getint(pol, "domain_max");
	p->limits.path_max = (size_t)cfg_getint(pol, "path_max");
	p->home_missing_refuse =
		strcmp(cfg_getstr(pol, "home_server_missing"), "refuse") == 0;
	p->on_missing_login = (enum missing_login_mode)lookup_name(
		missing_login_names, NELEM(missing_login_names),
		cfg_getstr(pol, "on_missing_login"));
	p->login_encoding = (enum login_encoding)lookup_name(
		login_encoding_names, NELEM(login_encoding_names),
		cfg_getstr(pol, "login_encoding"));
	p->identity.fold_case = cfg_getbool(id, "fold_case");
	p->identity.max_len = (size_t)cfg_getint(id, "max_length");
	get_reply(rep, "not_owner", &p->not_owner);
	get_reply(rep, "not_local", &p->not_local);
	get_reply(rep, "need_auth", &p->need_auth);
	get_reply(rep, "tempfail", &p->tempfail);
	get_reply(rep, "bad_sender", &p->bad_sender);

	const char *sn = cfg_getstr(cfg, "server_name");
	p->server_name = sn[0] ? keep(c, sn) : NULL;
	n = cfg_size(cfg, "local_servers");
	const char **ls = calloc(n + 1, sizeof(*ls));
	if (ls == NULL)
		return -1;
	for (unsigned i = 0; i < n; i++)
		ls[i] = keep(c, cfg_getnstr(cfg, "local_servers", i));
	p->local_servers = ls;
	p->nlocal_servers = n;

	if (fill_trusted(cfg, &c->trusted, &p->ntrusted) != 0)
		return -1;
	p->trusted = c->trusted;
	fill_modes(p->mode, pol, false);
	p->report_header = cfg_getbool(pol, "report_header");
	p->report_header_name = keep(c, cfg_getstr(pol, "report_header_name"));
	if (p->report_header_name == NULL ||
	    fill_set(c, cfg, "local_domains", &p->local_domains, true) != 0 ||
	    fill_set(c, cfg, "bypass_logins", &p->bypass_logins, false) != 0 ||
	    fill_allowed(c, cfg, &p->allowed_senders) != 0)
		return -1;
	return 0;
}

/* The folded form of the domain list value v (".parent" kept); NULL when
 * out of memory or not a domain. */
static const char *
keep_domain(struct config *c, const char *v)
{
	char folded[ADDR_BUF + 2];
	bool dot = v[0] == '.';

	folded[0] = '.';
	if (domain_fold(v + dot, strlen(v + dot), folded + dot,
			sizeof(folded) - 1) != 0)
		return NULL;
	return keep(c, folded);
}

/* The first label of a local domain (example.com -> example), or NULL
 * for a ".parent" entry. */
static const char *
keep_first_label(struct config *c, const char *v)
{
	char label[ADDR_BUF];

	if (v[0] == '.')
		return NULL;
	copy_bounded(label, sizeof(label), v, strcspn(v, "."));
	ascii_lower_str(label);
	return keep(c, label);
}

/* Fill one identity list: the option when given, none when the old key
 * turned reduction off, else one value per local domain. */
static int
fill_id_list(struct config *c, cfg_t *cfg, const char *name, bool old_off,
	     bool realms, const char ***out, size_t *nout)
{
	cfg_t *id = cfg_getsec(cfg, "identity");
	bool own = given(id, name);
	const char *src = own ? name : "local_domains";
	cfg_t *sec = own ? id : cfg;
	unsigned n = old_off && !own ? 0 : cfg_size(sec, src);
	const char **list = calloc(n + 1, sizeof(*list));
	size_t k = 0;

	if (list == NULL)
		return -1;
	*out = list;
	for (unsigned i = 0; i < n; i++) {
		const char *v = cfg_getnstr(sec, src, i), *kept;
		if (realms)
			kept = keep_domain(c, v);
		else if (own)
			kept = keep(c, v);
		else
			kept = keep_first_label(c, v);
		if (kept == NULL && (realms || own || v[0] != '.'))
			return -1;
		if (kept != NULL)
			list[k++] = kept;
	}
	*nout = k;
	return 0;
}

/* The identity section: which realms and NT domains are reduced. */
static int
fill_identity(struct config *c, cfg_t *cfg, char *err, size_t errsz)
{
	cfg_t *id = cfg_getsec(cfg, "identity");
	struct identity_rules *r = &c->policy.identity;
	const char **realms = NULL, **nts = NULL;
	int rc;

	if (given(id, "realms") && given(id, "realm")) {
		snprintf(err, errsz, "%s: identity: give realms or the old realm, "
			 "not both", c->path);
		return -1;
	}
	if (given(id, "nt_domains") && given(id, "strip_nt_domain")) {
		snprintf(err, errsz, "%s: identity: give nt_domains or the old "
			 "strip_nt_domain, not both", c->path);
		return -1;
	}
	rc = fill_id_list(c, cfg, "realms",
			  strcmp(cfg_getstr(id, "realm"), "keep") == 0, true,
			  &realms, &r->nrealms);
	r->realms = realms;
	if (rc == 0)
		rc = fill_id_list(c, cfg, "nt_domains",
				  !cfg_getbool(id, "strip_nt_domain"), false,
				  &nts, &r->nnt_domains);
	r->nt_domains = nts;
	if (rc != 0)
		snprintf(err, errsz, "%s: out of memory", c->path);
	return rc;
}

/* A listener's matchers and overrides, on a copy of the top level. */
static int
fill_listener(struct config *c, cfg_t *sec, struct listener *l)
{
	struct policy *p = &l->policy;
	static const char *const bools[] = {"require_auth", "check_originator",
					    "check_home_server",
					    "allow_null_sender"};
	bool *const fields[] = {&p->require_auth, &p->check_originator,
				&p->check_home_server, &p->allow_null_sender};

	*p = c->policy;
	l->reject_stage = c->reject_stage;
	l->check_header_from = c->check_header_from;
	l->name = keep(c, cfg_title(sec));
	if (l->name == NULL)
		return -1;
	if (given(sec, "daemon_name") &&
	    (l->daemon_name = keep(c, cfg_getstr(sec, "daemon_name"))) == NULL)
		return -1;
	if (given(sec, "daemon_port") &&
	    (l->daemon_port = keep(c, cfg_getstr(sec, "daemon_port"))) == NULL)
		return -1;
	if (given(sec, "if_addr"))
		l->has_if_addr =
			cidr_parse(cfg_getstr(sec, "if_addr"), &l->if_addr) == 0;
	for (size_t i = 0; i < NELEM(bools); i++)
		if (given(sec, bools[i]))
			*fields[i] = cfg_getbool(sec, bools[i]);
	if (given(sec, "check_header_from"))
		l->check_header_from = cfg_getbool(sec, "check_header_from");
	if (given(sec, "reject_stage"))
		l->reject_stage = (enum reject_stage)lookup_name(
			stage_names, NELEM(stage_names),
			cfg_getstr(sec, "reject_stage"));
	if (given(sec, "on_directory_error"))
		p->on_directory_error = (enum dir_error_mode)lookup_name(
			direrr_names, NELEM(direrr_names),
			cfg_getstr(sec, "on_directory_error"));
	fill_modes(p->mode, sec, true);
	if (given(sec, "report_header"))
		p->report_header = cfg_getbool(sec, "report_header");
	if (given(sec, "report_header_name") &&
	    (p->report_header_name =
		     keep(c, cfg_getstr(sec, "report_header_name"))) == NULL)
		return -1;
	if (given(sec, "trusted_networks")) {
		struct cidr *t;
		if (fill_trusted(sec, &t, &p->ntrusted) != 0)
			return -1;
		p->trusted = t;
		l->own_trusted = true;
	}
	if (given(sec, "allowed_forged_senders")) {
		l->own_allowed = true;
		if (fill_allowed(c, sec, &p->allowed_senders) != 0)
			return -1;
	}
	return 0;
}

/* Every listener section, in file order. */
static int
fill_listeners(struct config *c, cfg_t *cfg, char *err, size_t errsz)
{
	unsigned n = cfg_size(cfg, "listener");

	c->top.policy = c->policy;
	c->top.reject_stage = c->reject_stage;
	c->top.check_header_from = c->check_header_from;
	if (n == 0)
		return 0;
	c->listeners = calloc(n, sizeof(*c->listeners));
	if (c->listeners == NULL)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(cfg, "listener", i);
		struct listener *l = &c->listeners[i];
		c->nlisteners = i + 1;
		if (fill_listener(c, sec, l) != 0)
			return -1;
		if (l->daemon_name == NULL && l->daemon_port == NULL &&
		    !l->has_if_addr) {
			snprintf(err, errsz,
				 "%s:%d: listener \"%s\" needs daemon_name, "
				 "daemon_port or if_addr",
				 c->path, sec->line, l->name);
			return -1;
		}
	}
	return 0;
}

/* The daemon and evidence parts of the snapshot. */
static int
fill_daemon(struct config *c, cfg_t *cfg)
{
	c->socket = keep(c, cfg_getstr(cfg, "socket"));
	c->user = keep(c, cfg_getstr(cfg, "user"));
	c->pid_file = keep(c, cfg_getstr(cfg, "pid_file"));
	c->umask = (mode_t)cfg_getint(cfg, "umask");
	c->thread_stack_kb = (unsigned)cfg_getint(cfg, "thread_stack_kb");
	c->allow_remote_mta = cfg_getbool(cfg, "allow_remote_mta");
	c->directory_kind = keep(c, cfg_getstr(cfg, "directory"));
	c->accounts_file = keep(c, cfg_getstr(cfg, "accounts_file"));
	c->sender_login_map = keep(c, cfg_getstr(cfg, "sender_login_map"));
	c->log_level = level_values[lookup_name(level_names, NELEM(level_names),
						cfg_getstr(cfg, "log_level"))];
	c->syslog_facility = facility_values[lookup_name(
		facility_names, NELEM(facility_names),
		cfg_getstr(cfg, "syslog_facility"))];
	c->log = keep(c, cfg_getstr(cfg, "log"));
	cfg_t *ldap = cfg_getsec(cfg, "ldap");
	const char *pw = ldap ? cfg_getstr(ldap, "bind_password_file") : NULL;
	c->bind_password_file = keep(c, pw ? pw : "");
	c->archive_dir = keep(c, cfg_getstr(cfg, "archive"));
	c->archive_max_message = (uint64_t)cfg_getint(cfg, "archive_max_message_kb") << 10;
	c->archive_max_total = (uint64_t)cfg_getint(cfg, "archive_max_total_mb") << 20;
	c->archive_max_per_interval = (unsigned)cfg_getint(cfg, "archive_max_per_interval");
	c->archive_interval = (unsigned)cfg_getint(cfg, "archive_interval");
	c->archive_min_free = (unsigned)cfg_getint(cfg, "archive_min_free_percent");
	c->notify = keep(c, cfg_getstr(cfg, "notify"));
	c->notify_interval = (unsigned)cfg_getint(cfg, "notify_interval");
	c->sendmail_path = keep(c, cfg_getstr(cfg, "sendmail_path"));
	c->stats_file = keep(c, cfg_getstr(cfg, "stats_file"));
	c->stats_interval = (unsigned)cfg_getint(cfg, "stats_interval");
	if (!c->socket || !c->user || !c->pid_file || !c->directory_kind ||
	    !c->accounts_file || !c->sender_login_map || !c->log || !c->bind_password_file ||
	    !c->archive_dir || !c->notify ||
	    !c->sendmail_path || !c->stats_file)
		return -1;
	return 0;
}

/* Rules that span keys; errors name the file (no single line). */
static int
cross_checks(struct config *c, char *err, size_t errsz)
{
	if (c->archive_dir[0] != '\0' && c->reject_stage != STAGE_DATA) {
		snprintf(err, errsz,
			 "%s: archive needs policy { reject_stage = \"data\" } "
			 "(the message body is only known at end of data)",
			 c->path);
		return -1;
	}
	if (c->archive_dir[0] != '\0' && c->archive_dir[0] != '/') {
		snprintf(err, errsz, "%s: archive must be an absolute path",
			 c->path);
		return -1;
	}
	if (c->notify[0] != '\0' && strchr(c->notify, '@') == NULL) {
		snprintf(err, errsz, "%s: notify must be an address", c->path);
		return -1;
	}
	return 0;
}

/* Open the directory the snapshot names. */
static int
open_directory(struct config *c, cfg_t *cfg, char *err, size_t errsz)
{
	if (strcmp(c->directory_kind, "postfix_map") == 0) {
		c->dir = dir_postfix_map_open(c->sender_login_map,
					      &c->policy.norm,
					      &c->policy.local_domains, err,
					      errsz);
		return c->dir ? 0 : -1;
	}
	if (strcmp(c->directory_kind, "file") == 0) {
		c->dir = dir_file_open(c->accounts_file, &c->policy.norm, err,
				       errsz);
		return c->dir ? 0 : -1;
	}
	struct ldap_opts *lo = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"), err,
						  errsz);
	if (lo == NULL)
		return -1;
	c->dir = dir_ldap_create(lo, &c->policy.norm, err, errsz);
	ldap_opts_release(lo);
	return c->dir ? 0 : -1;
}

/* Check the ldap section even when not opening the directory (-n). */
static int
check_ldap(cfg_t *cfg, char *err, size_t errsz)
{
	struct ldap_opts *lo = ldap_opts_from_cfg(cfg_getsec(cfg, "ldap"), err,
						  errsz);
	if (lo == NULL)
		return -1;
	ldap_opts_release(lo);
	return 0;
}

/* An inet socket on a non-loopback host needs allow_remote_mta: 0, or -1
 * with "FILE:LINE: message" naming the socket line. */
static int
socket_rule(cfg_t *cfg, const char *path, char *err, size_t errsz)
{
	char msg[MSG_MAX / 2];

	if (socket_spec_check(cfg_getstr(cfg, "socket"),
			      cfg_getbool(cfg, "allow_remote_mta"), msg,
			      sizeof(msg)) == 0)
		return 0;
	snprintf(err, errsz, "%s:%d: %s", path, parse_socket_line, msg);
	return -1;
}

/* Parse the file under the lock: libconfuse reads our comment-free copy
 * (conf_text.c), so its line numbers are the file's own. */
static cfg_t *
parse(const char *path, char *err, size_t errsz)
{
	char *text = conf_text_read(path, err, errsz);
	cfg_t *cfg;

	if (text == NULL)
		return NULL;
	pthread_mutex_lock(&parse_lock);
	parse_file = path;
	parse_err[0] = '\0';
	parse_socket_line = 0;
	cfg = cfg_init(top_opts, CFGF_NONE);
	if (cfg != NULL) {
		cfg_set_error_function(cfg, on_error);
		set_validators(cfg);
		if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
			if (parse_err[0] != '\0')
				snprintf(err, errsz, "%s", parse_err);
			else
				snprintf(err, errsz, "%s: syntax error", path);
			cfg_free(cfg);
			cfg = NULL;
		} else if (socket_rule(cfg, path, err, errsz) != 0) {
			cfg_free(cfg);
			cfg = NULL;
		}
	} else {
		snprintf(err, errsz, "%s: out of memory", path);
	}
	pthread_mutex_unlock(&parse_lock);
	free(text);
	return cfg;
}

/* Load a snapshot. */
struct config *
config_load(const char *path, bool open_dir, char *err, size_t errsz)
{
	struct config *c;
	cfg_t *cfg;
	int rc = -1;

	err[0] = '\0';
	cfg = parse(path, err, errsz);
	if (cfg == NULL)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->refs = 1;
		c->path = strdup(path);
		if (c->path != NULL && fill_daemon(c, cfg) == 0 &&
		    fill_policy(c, cfg) == 0) {
			rc = fill_identity(c, cfg, err, errsz);
			if (rc == 0)
				rc = fill_listeners(c, cfg, err, errsz);
			if (rc == 0)
				rc = cross_checks(c, err, errsz);
		} else {
			snprintf(err, errsz, "%s: out of memory", path);
		}
	}
	if (rc == 0 && strcmp(c->directory_kind, "ldap") == 0 && !open_dir)
		rc = check_ldap(cfg, err, errsz);
	if (rc == 0 && open_dir)
		rc = open_directory(c, cfg, err, errsz);
	pthread_mutex_lock(&parse_lock);
	cfg_free(cfg);
	pthread_mutex_unlock(&parse_lock);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, "%s: out of memory", path);
		if (c != NULL)
			config_unref(c);
		return NULL;
	}
	return c;
}

/* One more user of the snapshot. */
struct config *
config_ref(struct config *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

/* One user fewer; the last one frees it. */
void
config_unref(struct config *c)
{
	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	dir_destroy(c->dir);
	strmap_free(&c->policy.local_domains);
	strmap_free(&c->policy.bypass_logins);
	strmap_free(&c->policy.allowed_senders);
	for (size_t i = 0; i < c->nlisteners; i++) {
		struct listener *l = &c->listeners[i];
		if (l->own_allowed)
			strmap_free(&l->policy.allowed_senders);
		if (l->own_trusted)
			free((void *)l->policy.trusted);
	}
	free(c->listeners);
	free((void *)c->policy.local_servers);
	free((void *)c->policy.identity.realms);
	free((void *)c->policy.identity.nt_domains);
	free(c->trusted);
	for (size_t i = 0; i < c->nstrings; i++)
		free(c->strings[i]);
	free(c->strings);
	free(c->path);
	free(c);
}

/* Warnings for a configuration that loads but is likely not what the
 * admin meant (printed by -n); one per line into buf. Returns how many. */
unsigned
config_warnings(const struct config *c, char *buf, size_t size)
{
	unsigned n = 0;
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	if (c->policy.require_auth && c->policy.local_domains.used == 0) {
		n++;
		len += (size_t)snprintf(
			buf + len, size > len ? size - len : 0,
			"%s: warning: require_auth is on but local_domains is "
			"empty: no unauthenticated sender is refused, and no "
			"realm or NT domain is stripped from logins\n",
			c->path);
	}
	return n;
}

/* "mail", "rcpt" or "data". */
const char *
stage_name(enum reject_stage s)
{
	return (unsigned)s < NELEM(stage_names) ? stage_names[s] : "unknown";
}

/* Does the macro value (IPv4, IPv6, Sendmail's "IPv6:..." or "[...]")
 * fall inside the prefix? */
static bool
addr_in(const struct cidr *prefix, const char *text)
{
	char buf[64];
	unsigned char a[16];
	size_t n;

	if (strncasecmp(text, "IPv6:", 5) == 0)
		text += 5;
	if (text[0] == '[')
		text++;
	n = strcspn(text, "]");
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		return cidr_match(prefix, 1, AF_INET, a);
	if (inet_pton(AF_INET6, buf, a) == 1)
		return cidr_match(prefix, 1, AF_INET6, a);
	return false;
}

/* The first listener that matches the connect macros, else the top. */
const struct listener *
config_listener(const struct config *c, const char *daemon_name,
		const char *daemon_port, const char *if_addr)
{
	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct listener *l = &c->listeners[i];
		if (l->daemon_name != NULL &&
		    (daemon_name == NULL || daemon_name[0] == '\0' ||
		     strcasecmp(l->daemon_name, daemon_name) != 0))
			continue;
		if (l->daemon_port != NULL &&
		    (daemon_port == NULL || daemon_port[0] == '\0' || strcmp(l->daemon_port, daemon_port) != 0))
			continue;
		if (l->has_if_addr &&
		    (if_addr == NULL || !addr_in(&l->if_addr, if_addr)))
			continue;
		return l;
	}
	return &c->top;
}
