/*
 * config.h - a loaded policy.conf: an immutable, reference-counted snapshot.
 *
 * config_load() parses the whole file (libconfuse), validates every key,
 * opens the directory it names and returns a snapshot with one reference.
 * The daemon swaps snapshots whole on reload; a connection keeps the one it
 * started with until it ends. Errors read "FILE:LINE: message".
 */
#ifndef CONF_CONFIG_H
#define CONF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decide.h"
#include "directory.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/origin-milter/policy.conf"

enum reject_stage {
	STAGE_MAIL = 0,
	STAGE_RCPT,
	STAGE_DATA,
};

/* A listener section: overrides for the sessions whose connect macros it
 * matches ({daemon_name}, {daemon_port}, {if_addr} or {daemon_addr}).
 * policy is a whole copy of the top-level one with the overrides applied. */
struct listener {
	const char *name;        /* the section's title */
	const char *daemon_name; /* NULL: any */
	const char *daemon_port; /* NULL: any */
	struct cidr if_addr;     /* valid when has_if_addr */
	bool has_if_addr;
	struct policy policy;
	enum reject_stage reject_stage;
	bool check_header_from;
	bool own_allowed;        /* policy.allowed_senders is its own */
	bool own_trusted;        /* policy.trusted is its own */
};

struct config {
	int refs;                 /* atomic; see config_ref/config_unref */
	char *path;
	/* daemon */
	char *socket;
	char *user;               /* "" = keep the current user */
	char *pid_file;           /* "" = none */
	mode_t umask;
	unsigned thread_stack_kb; /* session threads' stacks; 0 = libc's */
	bool allow_remote_mta;    /* inet socket on a non-loopback host */
	int log_level;            /* LOG_ERR .. LOG_DEBUG */
	int syslog_facility;      /* LOG_MAIL, LOG_LOCAL0, ... */
	char *log;                /* "auto", "syslog" or "stderr" */
	/* what to check, and when */
	enum reject_stage reject_stage;
	bool check_header_from;
	struct policy policy;
	/* directory */
	char *directory_kind;     /* "file", "ldap" or "postfix_map" */
	char *accounts_file;
	char *sender_login_map;   /* directory = postfix_map */
	char *bind_password_file; /* ldap { bind_password_file }; "" = none */
	struct directory *dir;    /* NULL when loaded with open_dir = false */
	/* evidence for the admin */
	char *archive_dir;        /* "" = off */
	uint64_t archive_max_message; /* octets per message; 0 = no bound */
	uint64_t archive_max_total;   /* octets in the folder; 0 = no bound */
	unsigned archive_max_per_interval; /* archived per interval; 0 = no bound */
	unsigned archive_interval;    /* seconds */
	unsigned archive_min_free;    /* percent of the file system kept free */
	char *notify;             /* "" = off; postmaster address */
	char *sendmail_path;
	unsigned notify_interval; /* seconds between notices */
	char *stats_file;         /* "" = off */
	unsigned stats_interval;
	/* the top level as a listener (name NULL), then the listener
	 * sections in file order (the first match wins) */
	struct listener top;
	struct listener *listeners;
	size_t nlisteners;
	/* storage behind struct policy's pointers */
	char **strings;
	size_t nstrings, capstrings;
	struct cidr *trusted;
};

/* Parse and validate path; open the directory when open_dir is set.
 * Returns NULL and "FILE:LINE: message" in err on any error. */
struct config *config_load(const char *path, bool open_dir, char *err,
			   size_t errsz);

/* Take and drop references; the last drop frees the snapshot and closes
 * its directory. */
struct config *config_ref(struct config *c);
void config_unref(struct config *c);

const char *stage_name(enum reject_stage s);
/* Likely mistakes of a configuration that loads (for -n): lines into buf,
 * the number of warnings returned. */
unsigned config_warnings(const struct config *c, char *buf, size_t size);

/* The first listener whose keys all match these connect macros ("" or
 * NULL when the MTA did not send one), else &c->top. */
const struct listener *config_listener(const struct config *c,
				       const char *daemon_name,
				       const char *daemon_port,
				       const char *if_addr);

#endif
