/*
 * evidence.c - the archive copy and the postmaster notice of refused
 * messages (Q186134).
 *
 * Archive: the message is spooled to a 0600 temporary file in the archive
 * folder while it arrives; on refusal a final file is written (a header
 * block naming login, sender, client, reason and time, then the message as
 * received) and renamed into place, so a reader never sees half a file.
 * Notice: queued to one notifier thread that runs the local sendmail
 * command, never the milter thread; at most one notice per
 * notify_interval, later ones are counted and mentioned in the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "log.h"
#include "reply.h"

#define SUMMARY_MAX 300
#define QUEUE_MAX 64

extern char **environ;

struct evidence {
	const struct config *cfg;
	int fd;                 /* spool file, -1 if no archive */
	char tmp[4096];
	bool failed, in_body;
	char to[SUMMARY_MAX], from[SUMMARY_MAX], subject[SUMMARY_MAX];
};

struct notice {
	struct notice *next;
	char *text;             /* the whole message for sendmail */
	char rcpt[512];
	char sendmail[512];
	unsigned interval;
};

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct notice *qhead, **qtail = &qhead;
static unsigned qlen, suppressed;
static time_t last_sent;
static bool running, stopping;
static pthread_t notifier;

/* Append a cleaned, bounded copy of s to a summary field. */
static void
summary_add(char *dst, const char *s)
{
	size_t n = strlen(dst);
	char clean[SUMMARY_MAX * 2 + 8];

	reply_clean(s, strlen(s), SUMMARY_MAX / 2, clean, sizeof(clean));
	snprintf(dst + n, SUMMARY_MAX - n, "%s%s", n ? ", " : "", clean);
}

/* Write all of buf, or mark the spool failed. */
static void
spool_write(struct evidence *e, const void *buf, size_t len)
{
	const char *p = buf;

	while (!e->failed && len > 0) {
		ssize_t w = write(e->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"",
				  e->tmp, strerror(errno));
			e->failed = true;
			return;
		}
		p += w;
		len -= (size_t)w;
	}
}

/* Start collecting for a message whose refusal waits for end of data. */
struct evidence *
evidence_begin(const struct config *c)
{
	struct evidence *e;

	if (c->archive_dir[0] == '\0' && c->notify[0] == '\0')
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->cfg = c;
	e->fd = -1;
	if (c->archive_dir[0] == '\0')
		return e;
	snprintf(e->tmp, sizeof(e->tmp), "%s/.spool-XXXXXX", c->archive_dir);
	e->fd = mkstemp(e->tmp);
	if (e->fd < 0) {
		log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"",
			  c->archive_dir, strerror(errno));
		e->failed = true;
	}
	return e;
}

/* Remember a recipient for the notice. */
void
evidence_rcpt(struct evidence *e, const char *rcpt)
{
	if (e != NULL)
		summary_add(e->to, rcpt);
}

/* One header: spooled, and From/To/Subject kept for the notice. */
void
evidence_header(struct evidence *e, const char *name, const char *value)
{
	if (e == NULL)
		return;
	if (strcasecmp(name, "Subject") == 0 && e->subject[0] == '\0')
		summary_add(e->subject, value);
	else if (strcasecmp(name, "From") == 0 && e->from[0] == '\0')
		summary_add(e->from, value);
	if (e->fd < 0)
		return;
	spool_write(e, name, strlen(name));
	spool_write(e, ": ", 2);
	spool_write(e, value, strlen(value));
	spool_write(e, "\r\n", 2);
}

/* A body chunk, exactly as received. */
void
evidence_body(struct evidence *e, const unsigned char *chunk, size_t len)
{
	if (e == NULL || e->fd < 0)
		return;
	if (!e->in_body) {
		spool_write(e, "\r\n", 2);
		e->in_body = true;
	}
	spool_write(e, chunk, len);
}

/* Copy the spool after the header block into fd. */
static int
copy_spool(struct evidence *e, int out)
{
	char buf[65536];
	ssize_t r;

	if (lseek(e->fd, 0, SEEK_SET) < 0)
		return -1;
	while ((r = read(e->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w <= 0)
				return -1;
			off += w;
		}
	}
	return r < 0 ? -1 : 0;
}

/* Write the final archive file and rename it into place. */
static void
archive_finish(struct evidence *e, const struct evidence_facts *f,
	       const struct verdict *v)
{
	char final[4200], tmp[4200], stamp[32], block[2048];
	time_t now = time(NULL);
	struct tm tm;
	int out;

	if (!e->in_body)
		spool_write(e, "\r\n", 2);
	if (e->failed)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(final, sizeof(final), "%s/%s-%s-%s.eml", e->cfg->archive_dir,
		 stamp, f->qid[0] ? f->qid : "noqid",
		 strrchr(e->tmp, '-') + 1);
	snprintf(tmp, sizeof(tmp), "%s.tmp", e->tmp);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"", tmp,
			  strerror(errno));
		return;
	}
	int n = snprintf(block, sizeof(block),
			 "X-Origin-Milter-Refused: %s\r\n"
			 "X-Origin-Milter-Login: %.256s\r\n"
			 "X-Origin-Milter-Sender: %.300s\r\n"
			 "X-Origin-Milter-Client: %s\r\n"
			 "X-Origin-Milter-Reason: %s\r\n"
			 "X-Origin-Milter-Queue-Id: %s\r\n",
			 stamp, f->login[0] ? f->login : "-",
			 f->sender[0] ? f->sender : "<>", f->client,
			 reason_name(v->reason), f->qid[0] ? f->qid : "-");
	bool ok = write(out, block, (size_t)n) == n && copy_spool(e, out) == 0 &&
		  fsync(out) == 0;
	ok = (close(out) == 0) && ok;
	if (!ok || rename(tmp, final) != 0) {
		log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"",
			  final, strerror(errno));
		unlink(tmp);
		return;
	}
	log_event(LOG_NOTICE, "archive", "path=%s reason=%s qid=%s", final,
		  reason_name(v->reason), f->qid[0] ? f->qid : "-");
}

/* Build the notice text (Q186134's administrator message). */
static char *
notice_text(const struct config *c, const struct evidence_facts *f,
	    const struct verdict *v, const char *to, const char *from,
	    const char *subject)
{
	char *text = NULL, line[600];
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (m == NULL)
		return NULL;
	reply_line(&v->reply, line, sizeof(line));
	fprintf(m,
		"From: origin-milter <MAILER-DAEMON>\n"
		"To: %s\n"
		"Subject: origin-milter refused a message (%s)\n"
		"Auto-Submitted: auto-generated\n\n"
		"An inbound mail message was not accepted because the "
		"authentication\naccount did not have permission to use the "
		"originator address on the\nmessage. The message that caused "
		"this notification was:\n\n"
		"   To: %s\n   From: %s\n   Subject: %s\n   Envelope sender: "
		"%s\n\n"
		"The submitting host was:\n   %s\n\n"
		"The account used to authenticate the connection was:\n   %s\n\n"
		"Reason: %s\nReply: %s\nQueue id: %s\nFacts: %s\n",
		c->notify, reason_name(v->reason), to[0] ? to : "(not known)",
		from[0] ? from : "(not known)",
		subject[0] ? subject : "(not known)",
		f->sender[0] ? f->sender : "<>", f->client,
		f->login[0] ? f->login : "(none)", reason_name(v->reason), line,
		f->qid[0] ? f->qid : "-", v->facts);
	fclose(m);
	return text;
}

/* Queue a notice for the notifier thread (dropped when the queue is full). */
static void
queue_notice(const struct config *c, char *text)
{
	struct notice *n = calloc(1, sizeof(*n));

	if (n == NULL) {
		free(text);
		return;
	}
	n->text = text;
	snprintf(n->rcpt, sizeof(n->rcpt), "%s", c->notify);
	snprintf(n->sendmail, sizeof(n->sendmail), "%s", c->sendmail_path);
	n->interval = c->notify_interval;
	pthread_mutex_lock(&qlock);
	if (!running || qlen >= QUEUE_MAX) {
		suppressed++;
		pthread_mutex_unlock(&qlock);
		free(n->text);
		free(n);
		return;
	}
	*qtail = n;
	qtail = &n->next;
	qlen++;
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qlock);
}

/* The message was refused at end of data. */
void
evidence_refused(struct evidence *e, const struct evidence_facts *f,
		 const struct verdict *v)
{
	if (e == NULL)
		return;
	if (e->fd >= 0)
		archive_finish(e, f, v);
	if (e->cfg->notify[0]) {
		char *t = notice_text(e->cfg, f, v, e->to, e->from, e->subject);
		if (t != NULL)
			queue_notice(e->cfg, t);
	}
}

/* A refusal before data: a notice with what is known. */
void
evidence_notice_only(const struct config *c, const struct evidence_facts *f,
		     const struct verdict *v)
{
	char *t;

	if (c->notify[0] == '\0')
		return;
	t = notice_text(c, f, v, "", "", "");
	if (t != NULL)
		queue_notice(c, t);
}

/* Drop the spool file. */
void
evidence_free(struct evidence *e)
{
	if (e == NULL)
		return;
	if (e->fd >= 0) {
		close(e->fd);
		unlink(e->tmp);
	}
	free(e);
}

/* Run sendmail -i -f <> -- rcpt with text on its stdin. */
static void
send_notice(const struct notice *n, unsigned skipped)
{
	int pipefd[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *argv[] = {(char *)n->sendmail, "-i", "-f", "", "--",
			(char *)n->rcpt, NULL};
	char extra[160] = "";
	int status;

	if (pipe(pipefd) != 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], 0);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	int rc = posix_spawn(&pid, n->sendmail, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[0]);
	if (rc != 0) {
		close(pipefd[1]);
		log_event(LOG_ERR, "notify_error", "command=%s error=\"%s\"",
			  n->sendmail, strerror(rc));
		return;
	}
	if (skipped)
		snprintf(extra, sizeof(extra),
			 "\n%u further refusal(s) since the last notice were "
			 "not reported here; see the log.\n",
			 skipped);
	FILE *w = fdopen(pipefd[1], "w");
	if (w != NULL) {
		fputs(n->text, w);
		fputs(extra, w);
		fclose(w);
	} else {
		close(pipefd[1]);
	}
	waitpid(pid, &status, 0);
	log_event(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? LOG_INFO
								 : LOG_ERR,
		  "notify", "rcpt=%s status=%d", n->rcpt,
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The notifier thread: one notice per interval at most. */
static void *
notifier_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&qlock);
	while (!stopping || qhead != NULL) {
		if (qhead == NULL) {
			pthread_cond_wait(&qcond, &qlock);
			continue;
		}
		struct notice *n = qhead;
		qhead = n->next;
		if (qhead == NULL)
			qtail = &qhead;
		qlen--;
		time_t now = time(NULL);
		if (last_sent != 0 && now - last_sent < (time_t)n->interval) {
			suppressed++;
		} else {
			unsigned skipped = suppressed;
			suppressed = 0;
			last_sent = now;
			pthread_mutex_unlock(&qlock);
			send_notice(n, skipped);
			pthread_mutex_lock(&qlock);
		}
		free(n->text);
		free(n);
	}
	pthread_mutex_unlock(&qlock);
	return NULL;
}

/* Start the notifier thread. */
int
evidence_start(void)
{
	pthread_mutex_lock(&qlock);
	running = true;
	stopping = false;
	pthread_mutex_unlock(&qlock);
	if (pthread_create(&notifier, NULL, notifier_main, NULL) != 0) {
		running = false;
		return -1;
	}
	return 0;
}

/* Send what is queued and stop. */
void
evidence_stop(void)
{
	pthread_mutex_lock(&qlock);
	if (!running) {
		pthread_mutex_unlock(&qlock);
		return;
	}
	stopping = true;
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qlock);
	pthread_join(notifier, NULL);
	running = false;
}
