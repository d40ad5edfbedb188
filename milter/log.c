/*
 * log.c - key=value event lines to one destination: syslog, or stderr
 * (plain, or with journald's "<prio>" prefix when stderr is the journal).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int max_level = LOG_INFO;
static int log_facility = LOG_MAIL;
static enum log_dest dest = LOG_DEST_SYSLOG;

/* Is fd 2 the stream systemd set up for the journal (JOURNAL_STREAM is
 * "device:inode" of that stream)? */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

enum log_dest
log_choose(const char *setting, bool foreground)
{
	bool to_stderr = foreground && (strcmp(setting, "auto") == 0 ||
	                                strcmp(setting, "stderr") == 0);

	if (!to_stderr)
		return LOG_DEST_SYSLOG;
	return stderr_is_journal() ? LOG_DEST_JOURNAL : LOG_DEST_STDERR;
}

/* Start logging to d; syslog is opened only when it is the destination. */
void
log_open(const char *ident, int facility, enum log_dest d)
{
	dest = d;
	log_set_facility(facility);
	if (d == LOG_DEST_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

/* Where lines go. */
enum log_dest
log_destination(void)
{
	return dest;
}

void
log_set_facility(int facility)
{
	__atomic_store_n(&log_facility, facility, __ATOMIC_RELAXED);
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

/* Send one finished line to the destination: one write(2) per line on
 * stderr, so that lines of concurrent threads never interleave. */
static void
emit(int prio, const char *line)
{
	char out[4096 + 32];
	int n;

	if (dest == LOG_DEST_SYSLOG) {
		syslog(__atomic_load_n(&log_facility, __ATOMIC_RELAXED) | prio,
		       "%s", line);
		return;
	}
	if (dest == LOG_DEST_JOURNAL)
		n = snprintf(out, sizeof(out), "<%d>%s\n", prio, line);
	else
		n = snprintf(out, sizeof(out), "origin-milter: %s\n", line);
	if (n >= (int)sizeof(out)) {
		n = (int)sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	if (n > 0 && write(STDERR_FILENO, out, (size_t)n) < 0)
		return; /* nowhere left to say it */
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
	emit(prio, line);
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
