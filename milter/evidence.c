/*
 * evidence.c - the archive copy and the postmaster notice of refused
 * messages (Q186134).
 *
 * Archive: only what Q186134 archives - an authenticated client refused
 * because its account may not use the originator address (not_owner and
 * the login refusals that answer with the same reply, not_local, and the
 * header From check). Never a need_auth refusal (internet mail forging our
 * domains), never a temporary failure. The message is spooled to a 0600
 * temporary file in the archive folder while it arrives; on refusal a
 * final file is written (a header block naming login, sender, client,
 * reason and time, then the message as received) and renamed into place,
 * so a reader never sees half a file. Bounded: per message, in total, per
 * interval and by the free space left; each bound that bites is logged
 * (event=archive_skipped reason=...).
 * Notice: queued to one notifier thread that runs the local sendmail
 * command (no inherited descriptors, killed when it hangs), never on the
 * milter thread; at most one notice per notify_interval, later ones are
 * counted and mentioned in the next. Its text says what the refusal was;
 * temporary failures send none.
 */
#define _GNU_SOURCE /* mkostemp, pipe2, posix_spawn_file_actions_addclosefrom_np */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "log.h"
#include "reply.h"

#define SUMMARY_MAX 300
#define QUEUE_MAX 64
#define HOLD_MAX (256 * 1024) /* headers held before the header check */
#define FIELD_MAX 300         /* octets of a client value in the archive */
#define NOTIFY_TIMEOUT 60     /* seconds a notice command may run */
#define STOP_TIMEOUT 5        /* seconds it may still run at shutdown */

extern char **environ;

struct evidence {
	const struct config *cfg;
	int fd;                 /* spool file, -1 if none (yet) */
	char tmp[4096];
	bool archive;           /* an archive copy is wanted */
	bool pending;           /* header check pending: headers held */
	bool header_from;       /* refused by the header From check */
	bool failed, in_body;
	const char *skip;       /* the bound that stopped the copy */
	uint64_t size;          /* octets spooled */
	char *held;             /* headers before the spool exists */
	size_t held_len;
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
static time_t last_sent, stop_at;
static bool running, stopping;
static pthread_t notifier;

/* Archive bounds shared by all messages (guarded by alock). */
static pthread_mutex_t alock = PTHREAD_MUTEX_INITIALIZER;
static char total_dir[4096]; /* folder total_bytes was counted for */
static uint64_t total_bytes;
static time_t window_start;
static unsigned window_count;

/* Would Q186134 keep a copy of a message refused with this verdict? */
bool
evidence_archives(const struct verdict *v, bool authenticated)
{
	if (!authenticated || v->action != ACT_REJECT)
		return false;
	switch (v->reason) {
	case R_NOT_OWNER:
	case R_NOT_LOCAL:
	case R_LOGIN_UNKNOWN:
	case R_LOGIN_AMBIGUOUS:
	case R_LOGIN_INVALID:
		return true;
	default:
		return false;
	}
}

/* Is a notice sent for this verdict? Refusals only, never a tempfail. */
bool
evidence_notifies(const struct verdict *v)
{
	return v->action == ACT_REJECT;
}

/* Append a cleaned, bounded copy of s to a summary field. */
static void
summary_add(char *dst, const char *s)
{
	size_t n = strlen(dst), k;
	char clean[SUMMARY_MAX * 2 + 8];

	if (n + 3 >= SUMMARY_MAX)
		return;
	k = reply_clean(s, strlen(s), SUMMARY_MAX / 2, clean, sizeof(clean));
	if (n > 0) {
		memcpy(dst + n, ", ", 2);
		n += 2;
	}
	if (k > SUMMARY_MAX - 1 - n)
		k = SUMMARY_MAX - 1 - n;
	memcpy(dst + n, clean, k);
	dst[n + k] = '\0';
}

/* Printable ASCII copy of client bytes (others as '?'), at most max. */
static const char *
printable(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		buf[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	buf[n] = '\0';
	return buf;
}

/* Stop the copy: note which bound bit, drop the spool file. */
static void
skip(struct evidence *e, const char *why)
{
	if (e->skip == NULL)
		e->skip = why;
	e->archive = false;
	free(e->held);
	e->held = NULL;
	if (e->fd >= 0) {
		close(e->fd);
		unlink(e->tmp);
		e->fd = -1;
	}
}

/* Write all of buf to the spool (or hold it), or mark the copy failed. */
static void
spool_write(struct evidence *e, const void *buf, size_t len)
{
	const char *p = buf;

	if (!e->archive || e->failed)
		return;
	e->size += len;
	if (e->cfg->archive_max_message &&
	    e->size > e->cfg->archive_max_message) {
		skip(e, "message_size");
		return;
	}
	if (e->fd < 0) { /* before the header check: held in memory */
		char *h = e->size <= HOLD_MAX ? realloc(e->held, e->held_len + len)
					      : NULL;
		if (h == NULL) {
			skip(e, "held_headers");
			return;
		}
		memcpy(h + e->held_len, buf, len);
		e->held = h;
		e->held_len += len;
		return;
	}
	while (len > 0) {
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

/* Free space the archive may use on its file system (statvfs), after
 * keeping archive_min_free percent free; 0 when it cannot tell. */
static uint64_t
free_space(const struct config *c)
{
	struct statvfs sv;
	uint64_t avail, keep;

	if (statvfs(c->archive_dir, &sv) != 0)
		return 0;
	if (sv.f_files > 0 && sv.f_favail < 2)
		return 0;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	keep = (uint64_t)sv.f_blocks * sv.f_frsize / 100 * c->archive_min_free;
	return avail > keep ? avail - keep : 0;
}

/* Octets held by the finished copies (*.eml) in the archive folder. */
static uint64_t
folder_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	uint64_t sum = 0;
	struct stat st;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 4 && strcmp(de->d_name + n - 4, ".eml") == 0 &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			sum += (uint64_t)st.st_size;
	}
	closedir(d);
	return sum;
}

/* The bound a copy of size octets would break now, or NULL (and then it
 * is counted against the interval and the total). Caller holds alock. */
static const char *
bound_bites(const struct config *c, uint64_t size, bool commit)
{
	time_t now = time(NULL);

	if (strcmp(total_dir, c->archive_dir) != 0) {
		snprintf(total_dir, sizeof(total_dir), "%s", c->archive_dir);
		total_bytes = folder_bytes(c->archive_dir);
	}
	if (now - window_start >= (time_t)c->archive_interval || now < window_start) {
		window_start = now;
		window_count = 0;
	}
	if (c->archive_max_per_interval &&
	    window_count >= c->archive_max_per_interval)
		return "rate";
	if (c->archive_max_total && total_bytes + size > c->archive_max_total) {
		total_bytes = folder_bytes(c->archive_dir); /* files removed? */
		if (total_bytes + size > c->archive_max_total)
			return "total_size";
	}
	if (free_space(c) <= size)
		return "disk_space";
	if (commit) {
		window_count++;
		total_bytes += size;
	}
	return NULL;
}

/* Would a new copy be refused before it starts? */
static const char *
bound_before(const struct config *c)
{
	const char *why;

	pthread_mutex_lock(&alock);
	why = bound_bites(c, 0, false);
	pthread_mutex_unlock(&alock);
	return why;
}

/* Open the spool file (mode 0600, not inherited by the notice command)
 * and write what was held. */
static void
spool_open(struct evidence *e)
{
	char *held = e->held;
	size_t len = e->held_len;

	snprintf(e->tmp, sizeof(e->tmp), "%s/.spool-XXXXXX",
		 e->cfg->archive_dir);
	e->fd = mkostemp(e->tmp, O_CLOEXEC);
	if (e->fd < 0) {
		log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"",
			  e->cfg->archive_dir, strerror(errno));
		e->failed = true;
		return;
	}
	e->held = NULL;
	e->held_len = 0;
	e->size = 0;
	if (held != NULL)
		spool_write(e, held, len);
	free(held);
}

/* Start the archive copy, unless a bound already stops it. */
static void
start_copy(struct evidence *e)
{
	const char *why = bound_before(e->cfg);

	if (why != NULL)
		skip(e, why);
	else
		spool_open(e);
}

/* Start collecting; v is the envelope's refusal, or NULL while the header
 * check is still to come. */
struct evidence *
evidence_begin(const struct config *c, const struct verdict *v,
	       bool authenticated)
{
	bool pending = v == NULL;
	bool archive = c->archive_dir[0] != '\0' &&
		       (pending || evidence_archives(v, authenticated));
	bool notice = c->notify[0] != '\0' && (pending || evidence_notifies(v));
	struct evidence *e;

	if (!archive && !notice)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->cfg = c;
	e->fd = -1;
	e->archive = archive;
	e->pending = pending;
	if (archive && !pending)
		start_copy(e);
	return e;
}

/* The header check refused the message: spool from here on. */
void
evidence_keep(struct evidence *e)
{
	if (e == NULL)
		return;
	e->pending = false;
	e->header_from = true;
	if (e->archive && !e->failed && e->fd < 0)
		start_copy(e);
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
	spool_write(e, name, strlen(name));
	spool_write(e, ": ", 2);
	spool_write(e, value, strlen(value));
	spool_write(e, "\r\n", 2);
}

/* A body chunk, exactly as received (not held: the header check has
 * decided by now, at end of headers). */
void
evidence_body(struct evidence *e, const unsigned char *chunk, size_t len)
{
	if (e == NULL || !e->archive)
		return;
	if (e->pending) { /* no end-of-headers step: the copy is incomplete */
		skip(e, "no_end_of_headers");
		return;
	}
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

/* The header block of an archive copy; its length (never more than
 * size - 1: every field is bounded and snprintf's result is clamped). */
static size_t
header_block(char *block, size_t size, const char *stamp,
	     const struct evidence_facts *f, const struct verdict *v)
{
	char login[FIELD_MAX + 1], sender[FIELD_MAX + 1], client[FIELD_MAX + 1];
	int n = snprintf(block, size,
			 "X-Origin-Milter-Refused: %s\r\n"
			 "X-Origin-Milter-Login: %s\r\n"
			 "X-Origin-Milter-Sender: %s\r\n"
			 "X-Origin-Milter-Client: %s\r\n"
			 "X-Origin-Milter-Reason: %s\r\n"
			 "X-Origin-Milter-Queue-Id: %s\r\n",
			 stamp,
			 f->login[0] ? printable(f->login, login, sizeof(login))
				     : "-",
			 f->sender[0]
				 ? printable(f->sender, sender, sizeof(sender))
				 : "<>",
			 printable(f->client, client, sizeof(client)),
			 reason_name(v->reason), f->qid[0] ? f->qid : "-");

	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

/* Write the final archive file and rename it into place. */
static void
archive_finish(struct evidence *e, const struct evidence_facts *f,
	       const struct verdict *v)
{
	char final[4200], tmp[4200], stamp[32], block[2048];
	time_t now = time(NULL);
	struct tm tm;
	const char *why;
	size_t n;
	int out;

	if (!e->in_body)
		spool_write(e, "\r\n", 2);
	if (e->failed || e->fd < 0)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	n = header_block(block, sizeof(block), stamp, f, v);
	pthread_mutex_lock(&alock);
	why = bound_bites(e->cfg, e->size + n, true);
	pthread_mutex_unlock(&alock);
	if (why != NULL) {
		skip(e, why);
		return;
	}
	snprintf(final, sizeof(final), "%s/%s-%s-%s.eml", e->cfg->archive_dir,
		 stamp, f->qid[0] ? f->qid : "noqid",
		 strrchr(e->tmp, '-') + 1);
	snprintf(tmp, sizeof(tmp), "%s.tmp", e->tmp);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	if (out < 0) {
		log_event(LOG_ERR, "archive_error", "path=%s error=\"%s\"", tmp,
			  strerror(errno));
		return;
	}
	bool ok = write(out, block, n) == (ssize_t)n &&
		  copy_spool(e, out) == 0 && fsync(out) == 0;
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

/* What happened, in the words of Q186134's administrator message, for
 * each kind of refusal. */
static const char *
notice_why(const struct verdict *v, bool header_from)
{
	if (header_from)
		return "the From: or Sender: header names an address the "
		       "authentication\naccount did not have permission to use";
	switch (v->reason) {
	case R_NOT_OWNER:
	case R_LOGIN_UNKNOWN:
	case R_LOGIN_AMBIGUOUS:
	case R_LOGIN_INVALID:
		return "the authentication account did not have permission to "
		       "use the originator address\non the message";
	case R_NOT_LOCAL:
		return "the mailbox of the authentication account is homed on "
		       "another server\n(check_home_server)";
	case R_NEED_AUTH:
	case R_UNKNOWN_VERB:
		return "the client did not authenticate and used an originator "
		       "address in one\nof our domains (require_auth)";
	case R_SENDER_INVALID:
		return "the originator address on the message is not a valid "
		       "address";
	case R_NULL_DENIED:
		return "an authenticated client used the null sender <>, which "
		       "the policy\ndoes not allow (allow_null_sender)";
	case R_DIR_ERROR:
		return "the directory did not answer and on_directory_error "
		       "refuses such\nmessages";
	default:
		return "the policy refused it";
	}
}

/* Build the notice text (after Q186134's administrator message). */
static char *
notice_text(const struct config *c, const struct evidence_facts *f,
	    const struct verdict *v, bool header_from, const char *to,
	    const char *from, const char *subject)
{
	char *text = NULL, line[600], login[FIELD_MAX + 1];
	char sender[FIELD_MAX + 1], client[FIELD_MAX + 1];
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
		"An inbound mail message was not accepted because\n%s.\n"
		"The message that caused this notification was:\n\n"
		"   To: %s\n   From: %s\n   Subject: %s\n   Envelope sender: "
		"%s\n\n"
		"The submitting host was:\n   %s\n\n"
		"The account used to authenticate the connection was:\n   %s\n\n"
		"Reason: %s\nReply: %s\nQueue id: %s\nFacts: %s\n",
		c->notify, reason_name(v->reason), notice_why(v, header_from),
		to[0] ? to : "(not known)", from[0] ? from : "(not known)",
		subject[0] ? subject : "(not known)",
		f->sender[0] ? printable(f->sender, sender, sizeof(sender)) : "<>",
		printable(f->client, client, sizeof(client)),
		f->login[0] ? printable(f->login, login, sizeof(login))
			    : "(none)",
		reason_name(v->reason), line, f->qid[0] ? f->qid : "-",
		v->facts);
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
	if (e->archive && evidence_archives(v, f->login[0] != '\0'))
		archive_finish(e, f, v);
	if (e->skip != NULL && evidence_archives(v, f->login[0] != '\0'))
		log_event(LOG_WARNING, "archive_skipped",
			  "reason=%s qid=%s verdict=%s", e->skip,
			  f->qid[0] ? f->qid : "-", reason_name(v->reason));
	if (e->cfg->notify[0] && evidence_notifies(v)) {
		char *t = notice_text(e->cfg, f, v, e->header_from, e->to,
				      e->from, e->subject);
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

	if (c->notify[0] == '\0' || !evidence_notifies(v))
		return;
	t = notice_text(c, f, v, false, "", "", "");
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
	free(e->held);
	free(e);
}

/* Wait for the notice command; kill it when it runs past its time (or
 * past a short grace once the filter stops). Returns its wait status. */
static int
reap(pid_t pid)
{
	time_t deadline = time(NULL) + NOTIFY_TIMEOUT;
	const struct timespec tick = {0, 20 * 1000 * 1000};
	int status = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return r == pid ? status : -1;
		time_t now = time(NULL);
		pthread_mutex_lock(&qlock);
		time_t stop = stopping ? stop_at + STOP_TIMEOUT : 0;
		pthread_mutex_unlock(&qlock);
		if (now >= deadline || (stop != 0 && now >= stop)) {
			log_event(LOG_ERR, "notify_timeout",
				  "pid=%ld note=\"killed after %ld s\"",
				  (long)pid, (long)(now - deadline + NOTIFY_TIMEOUT));
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		nanosleep(&tick, NULL);
	}
}

/* Run sendmail -i -f <> -- rcpt with text on its stdin; the command gets
 * stdin, stdout and stderr only (nothing else of the filter's). */
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

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
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
	status = reap(pid);
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
		if ((last_sent != 0 && now - last_sent < (time_t)n->interval) ||
		    (stopping && now >= stop_at + STOP_TIMEOUT)) {
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

/* Send what is queued and stop; a hung command is killed after a short
 * grace, so shutdown is bounded. */
void
evidence_stop(void)
{
	pthread_mutex_lock(&qlock);
	if (!running) {
		pthread_mutex_unlock(&qlock);
		return;
	}
	stopping = true;
	stop_at = time(NULL);
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qlock);
	pthread_join(notifier, NULL);
	running = false;
}
