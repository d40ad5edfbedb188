/*
 * log.h - the one logging function. Every line is key=value pairs after an
 * "event=" key, to syslog and, in the foreground, to stderr as well.
 */
#ifndef MILTER_LOG_H
#define MILTER_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_open(const char *ident, int facility, bool to_stderr);
void log_set_level(int level);
bool log_enabled(int prio);

/* log_event(LOG_NOTICE, "reject", "reason=%s login=%s", ...) */
void log_event(int prio, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Quote a value for a key=value log line: printable ASCII kept, other
 * octets as \xHH, spaces and quotes escaped, bounded. */
const char *log_quote(const char *s, char *buf, size_t size);

#endif
