/*
 * log.h - the one logging function. Every line is key=value pairs after an
 * "event=" key, written to ONE destination: syslog, or stderr (which under
 * systemd is the journal). policy.conf's "log" chooses; see log_choose().
 */
#ifndef MILTER_LOG_H
#define MILTER_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_dest {
	LOG_DEST_SYSLOG,  /* syslog(3) with the configured facility */
	LOG_DEST_STDERR,  /* "origin-milter: line" on stderr */
	LOG_DEST_JOURNAL, /* stderr is journald's stream: "<prio>line" */
};

/* The destination for policy.conf's log = "auto" | "syslog" | "stderr":
 * auto is stderr in the foreground (-f), syslog when detached; stderr
 * without -f falls back to syslog (a detached daemon has no stderr).
 * Either stderr becomes LOG_DEST_JOURNAL when JOURNAL_STREAM names fd 2. */
enum log_dest log_choose(const char *setting, bool foreground);
void log_open(const char *ident, int facility, enum log_dest dest);
enum log_dest log_destination(void);
/* The syslog facility; applied at once (a reload may change it). */
void log_set_facility(int facility);
void log_set_level(int level);
bool log_enabled(int prio);

/* log_event(LOG_NOTICE, "reject", "reason=%s login=%s", ...) */
void log_event(int prio, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Quote a value for a key=value log line: printable ASCII kept, other
 * octets as \xHH, spaces and quotes escaped, bounded. */
const char *log_quote(const char *s, char *buf, size_t size);

#endif
