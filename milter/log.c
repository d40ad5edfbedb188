/*
 * log.c - key=value event lines to syslog (and stderr in the foreground).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool echo_stderr;

/* Open syslog; echo to stderr when running in the foreground. */
void
log_open(const char *ident, int facility, bool to_stderr)
{
	echo_stderr = to_stderr;
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_level(int level)
{
	__atomic_store_n(&max_level, level, __ATOMIC_RELAXED);
}

/* Would a line of this priority be written? */
bool
log_enabled(int prio)
{
	return prio <= __atomic_load_n(&max_level, __ATOMIC_RELAXED);
}

/* Write one event line. */
void
log_event(int prio, const char *event, const char *fmt, ...)
{
	char line[4096];
	int n;
	va_list ap;

	if (!log_enabled(prio))
		return;
	n = snprintf(line, sizeof(line), "event=%s ", event);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	syslog(prio, "%s", line);
	if (echo_stderr)
		fprintf(stderr, "origin-milter: %s\n", line);
}

/* Quote a value for a log line. */
const char *
log_quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	bool quote = s[0] == '\0' || strpbrk(s, " \"=") != NULL;

	if (size < 8)
		return "";
	if (quote)
		buf[n++] = '"';
	for (; *s && n + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f) {
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		} else {
			if (c == '"' || c == '\\')
				buf[n++] = '\\';
			buf[n++] = (char)c;
		}
	}
	if (quote)
		buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}
