/*
 * log.c - key=value event lines to one destination: syslog, or stderr
 * (plain, or with journald's "<prio>" prefix when stderr is the journal).
 *
 * Lines to stderr are written by whichever thread holds the write lock.
 * A thread that finds it taken leaves its line in a queue and goes on;
 * the holder writes the queue before it lets go, and looks again after
 * (so no line is left behind). Without contention every line is written
 * before log_event returns; under load, lines written at once share one
 * write(2) instead of queueing on the file's own lock (tests/bench).
 */
#include <errno.h>
#include <pthread.h>
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

/* Copy s (without its NUL) at p, within end; returns the new end. */
static char *
put(char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if (n > (size_t)(end - p))
		n = (size_t)(end - p);
	memcpy(p, s, n);
	return p + n;
}

/* Lines waiting for the write lock's holder, and the holder's batch. */
#define LOG_QUEUE (64 * 1024)
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static char queue_a[LOG_QUEUE], queue_b[LOG_QUEUE];
static char *queue = queue_a;  /* filled under queue_lock */
static size_t queued;
static char *batch = queue_b;  /* the holder's, under write_lock */

/* All of buf to stderr (a short write is continued). */
static void
write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nowhere left to say it */
		buf += n;
		len -= (size_t)n;
	}
}

/* Take the queue (swap it with the holder's batch); its length. */
static size_t
take_queue(void)
{
	char *q;
	size_t n;

	pthread_mutex_lock(&queue_lock);
	q = queue;
	queue = batch;
	batch = q;
	n = queued;
	queued = 0;
	pthread_mutex_unlock(&queue_lock);
	return n;
}

/* With the write lock held: write what is queued, let go, and take the
 * lock again if lines came in meanwhile and nobody else holds it. */
static void
drain_and_unlock(void)
{
	for (;;) {
		size_t n = take_queue();
		bool more;

		if (n > 0)
			write_all(batch, n);
		pthread_mutex_unlock(&write_lock);
		pthread_mutex_lock(&queue_lock);
		more = queued > 0;
		pthread_mutex_unlock(&queue_lock);
		if (!more || pthread_mutex_trylock(&write_lock) != 0)
			return;
	}
}

/* One whole line to stderr, in order with the lines queued before it. */
static void
emit(const char *line, size_t len)
{
	if (pthread_mutex_trylock(&write_lock) != 0) {
		bool fits;

		pthread_mutex_lock(&queue_lock);
		fits = queued + len <= LOG_QUEUE;
		if (fits) {
			memcpy(queue + queued, line, len);
			queued += len;
		}
		pthread_mutex_unlock(&queue_lock);
		if (fits) {
			/* the holder may have let go before it saw our line */
			if (pthread_mutex_trylock(&write_lock) == 0)
				drain_and_unlock();
			return;
		}
		pthread_mutex_lock(&write_lock); /* queue full: wait our turn */
	}
	{
		size_t n = take_queue(); /* lines queued before ours first */
		if (n > 0)
			write_all(batch, n);
	}
	write_all(line, len);
	drain_and_unlock();
}

/* Write one event line. On stderr the line is formatted once, straight
 * into the buffer that is written, prefix and newline included, and
 * written whole (emit), so that lines of concurrent threads never
 * interleave. */
void
log_event(int prio, const char *event, const char *fmt, ...)
{
	char line[4096 + 32];
	char *p = line, *end = line + sizeof(line) - 1; /* room for '\n' */
	char *body;
	int n;
	va_list ap;

	if (!log_enabled(prio))
		return;
	if (dest == LOG_DEST_JOURNAL) {
		*p++ = '<';
		*p++ = (char)('0' + (prio & 7));
		*p++ = '>';
	} else if (dest == LOG_DEST_STDERR) {
		p = put(p, end, "origin-milter: ");
	}
	body = p;
	p = put(p, end, "event=");
	p = put(p, end, event);
	if (p < end)
		*p++ = ' ';
	va_start(ap, fmt);
	n = vsnprintf(p, (size_t)(end - p) + 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		p += (size_t)n < (size_t)(end - p) ? (size_t)n : (size_t)(end - p);
	if (dest == LOG_DEST_SYSLOG) {
		*p = '\0';
		syslog(__atomic_load_n(&log_facility, __ATOMIC_RELAXED) | prio,
		       "%s", body);
		return;
	}
	*p++ = '\n';
	emit(line, (size_t)(p - line));
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
