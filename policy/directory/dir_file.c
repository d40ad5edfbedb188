/*
 * dir_file.c - accounts-file backend: parse the file once into an arena and
 * two hash tables (login -> entries, address key -> entry); read-only and
 * lock-free afterwards. The file format is described in dir_file.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "arena.h"
#include "dir_file.h"
#include "strmap.h"
#include "textutil.h"

#define MAX_LIST 256 /* logins, addresses or delegates on one line */

struct file_entry {
	struct dir_account acct;
	unsigned line;
	int mailbox;
	const char **delegate_names; /* resolved to ids once all are read */
	size_t ndelegate_names;
};

struct file_dir {
	struct directory dir;
	char *path;
	struct arena arena;
	struct strmap by_login;
	struct strmap by_addr;
	size_t nentries;
	struct file_entry **entries;
	size_t cap;
};

/* State of one load. */
struct loader {
	struct file_dir *fd;
	const struct norm_opts *norm;
	unsigned line;
	char *err;
	size_t errsz;
};

/* Record an error as "path:line: message". */
static int __attribute__((format(printf, 2, 3)))
fail(struct loader *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errsz, "%s:%u: %s", ld->fd->path, ld->line, msg);
	return -1;
}

/* Split s on sep into at most max pieces (s is modified). */
static size_t
split(char *s, char sep, char **out, size_t max)
{
	size_t n = 0;

	while (s != NULL && n < max) {
		char *next = strchr(s, sep);
		if (next != NULL)
			*next++ = '\0';
		out[n++] = s;
		s = next;
	}
	return s == NULL ? n : max + 1;
}

/* Store the logins of an entry, folded, in the login table. */
static int
add_logins(struct loader *ld, struct file_entry *e, char *field)
{
	char *names[MAX_LIST];
	size_t n = split(field, ',', names, MAX_LIST);

	if (n > MAX_LIST)
		return fail(ld, "more than %s logins", "256");
	for (size_t i = 0; i < n; i++) {
		if (names[i][0] == '\0' || strlen(names[i]) > LOGIN_MAX)
			return fail(ld, "empty or overlong login in \"%s\"",
				    field);
		ascii_lower_str(names[i]);
		char *login = arena_strndup(&ld->fd->arena, names[i],
					    strlen(names[i]));
		if (login == NULL)
			return fail(ld, "%s", "out of memory");
		if (i == 0) {
			e->acct.name = login;
			e->acct.id = login;
		}
		if (strmap_add(&ld->fd->by_login, login, e) != 0)
			return fail(ld, "%s", "out of memory");
	}
	return 0;
}

/* Parse the addresses of an entry into keys and index them. */
static int
add_addresses(struct loader *ld, struct file_entry *e, char *field)
{
	char *list[MAX_LIST];
	size_t n = split(field, ',', list, MAX_LIST);
	const char **addrs;

	if (n > MAX_LIST)
		return fail(ld, "more than %s addresses", "256");
	addrs = arena_alloc(&ld->fd->arena, n * sizeof(*addrs));
	if (addrs == NULL)
		return fail(ld, "%s", "out of memory");
	for (size_t i = 0; i < n; i++) {
		char key[KEY_BUF];
		enum addr_status ast;
		if (key_from_text(list[i], ld->norm, key, sizeof(key), &ast) !=
		    NORM_OK)
			return fail(ld, "bad address \"%s\" (%s)", list[i],
				    ast != ADDR_OK ? addr_status_name(ast)
						   : "not a valid domain name");
		struct file_entry *other = strmap_get(&ld->fd->by_addr, key, NULL);
		if (other != NULL)
			return fail(ld, "address \"%s\" already belongs to line %u",
				    key, other->line);
		addrs[i] = arena_strndup(&ld->fd->arena, key, strlen(key));
		if (addrs[i] == NULL ||
		    strmap_add(&ld->fd->by_addr, addrs[i], e) != 0)
			return fail(ld, "%s", "out of memory");
	}
	e->acct.addrs = addrs;
	e->acct.naddrs = n;
	return 0;
}

/* Keep the delegate logins until every entry is read. */
static int
add_delegate_names(struct loader *ld, struct file_entry *e, char *value)
{
	char *list[MAX_LIST];
	size_t n = split(value, ',', list, MAX_LIST);

	if (n > MAX_LIST)
		return fail(ld, "more than %s delegates", "256");
	e->delegate_names = arena_alloc(&ld->fd->arena, n * sizeof(char *));
	if (e->delegate_names == NULL)
		return fail(ld, "%s", "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (list[i][0] == '\0')
			return fail(ld, "%s", "empty delegate login");
		ascii_lower_str(list[i]);
		e->delegate_names[i] =
			arena_strndup(&ld->fd->arena, list[i], strlen(list[i]));
	}
	e->ndelegate_names = n;
	return 0;
}

/* One key=value option. */
static int
add_option(struct loader *ld, struct file_entry *e, char *opt)
{
	char *eq = strchr(opt, '=');

	if (eq == NULL || eq == opt || eq[1] == '\0')
		return fail(ld, "option \"%s\" is not key=value", opt);
	*eq++ = '\0';
	if (strcmp(opt, "home") == 0) {
		e->acct.home = arena_strndup(&ld->fd->arena, eq, strlen(eq));
		return 0;
	}
	if (strcmp(opt, "delegates") == 0)
		return add_delegate_names(ld, e, eq);
	if (strcmp(opt, "type") == 0) {
		if (strcmp(eq, "mailbox") != 0 && strcmp(eq, "contact") != 0)
			return fail(ld, "type must be mailbox or contact, not \"%s\"",
				    eq);
		e->mailbox = strcmp(eq, "mailbox") == 0;
		return 0;
	}
	return fail(ld, "unknown option \"%s\" (home, delegates, type)", opt);
}

/* Keep a pointer to every entry (for delegate resolution). */
static int
remember(struct loader *ld, struct file_entry *e)
{
	struct file_dir *fd = ld->fd;

	if (fd->nentries == fd->cap) {
		size_t cap = fd->cap ? fd->cap * 2 : 1024;
		void *p = realloc(fd->entries, cap * sizeof(*fd->entries));
		if (p == NULL)
			return fail(ld, "%s", "out of memory");
		fd->entries = p;
		fd->cap = cap;
	}
	fd->entries[fd->nentries++] = e;
	return 0;
}

/* Make an entry's id unique: a second entry with the same first login
 * gets "login#line". */
static int
unique_id(struct loader *ld, struct file_entry *e)
{
	size_t it;
	char buf[LOGIN_MAX + 16];

	for (struct file_entry *o = strmap_get(&ld->fd->by_login, e->acct.id, &it);
	     o != NULL; o = strmap_next(&ld->fd->by_login, e->acct.id, &it)) {
		if (o != e && strcmp(o->acct.id, e->acct.id) == 0) {
			snprintf(buf, sizeof(buf), "%s#%u", e->acct.name, e->line);
			e->acct.id = arena_strndup(&ld->fd->arena, buf,
						   strlen(buf));
			return e->acct.id ? 0 : fail(ld, "%s", "out of memory");
		}
	}
	return 0;
}

/* Parse one line (already stripped of its newline). */
static int
parse_line(struct loader *ld, char *line)
{
	char *tok[3 + MAX_LIST];
	size_t n = 0;
	struct file_entry *e;

	for (const char *c = line; *c; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t' && *c != '\r') ||
		    *c == 0x7f)
			return fail(ld, "%s", "control character in line");
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r", &save);
	     t != NULL && n < 3 + MAX_LIST; t = strtok_r(NULL, " \t\r", &save)) {
		if (t[0] == '#')
			break;
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (n < 2)
		return fail(ld, "\"%s\": expected logins, then addresses", tok[0]);
	e = arena_alloc(&ld->fd->arena, sizeof(*e));
	if (e == NULL)
		return fail(ld, "%s", "out of memory");
	memset(e, 0, sizeof(*e));
	e->line = ld->line;
	e->mailbox = 1;
	if (add_addresses(ld, e, tok[1]) != 0 || add_logins(ld, e, tok[0]) != 0)
		return -1;
	for (size_t i = 2; i < n; i++)
		if (add_option(ld, e, tok[i]) != 0)
			return -1;
	if (unique_id(ld, e) != 0)
		return -1;
	return remember(ld, e);
}

/* Turn delegate logins into the ids of the mailboxes they name. */
static int
resolve_delegates(struct loader *ld)
{
	struct file_dir *fd = ld->fd;

	for (size_t i = 0; i < fd->nentries; i++) {
		struct file_entry *e = fd->entries[i];
		const char **ids;
		size_t nids = 0;

		if (e->ndelegate_names == 0)
			continue;
		ld->line = e->line;
		ids = arena_alloc(&fd->arena, MAX_LIST * sizeof(*ids));
		if (ids == NULL)
			return fail(ld, "%s", "out of memory");
		for (size_t k = 0; k < e->ndelegate_names; k++) {
			const char *name = e->delegate_names[k];
			size_t it, found = 0;
			for (struct file_entry *d = strmap_get(&fd->by_login, name, &it);
			     d != NULL; d = strmap_next(&fd->by_login, name, &it)) {
				if (d->mailbox && nids < MAX_LIST) {
					ids[nids++] = d->acct.id;
					found++;
				}
			}
			if (found == 0)
				return fail(ld, "delegate \"%s\" is no mailbox's login",
					    name);
		}
		e->acct.delegates = ids;
		e->acct.ndelegates = nids;
	}
	return 0;
}

/* One line as read (len octets, maybe ending in a newline): count it,
 * refuse a NUL inside, parse it. */
static int
parse_one(struct loader *ld, char *line, size_t len)
{
	ld->line++;
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len != strlen(line))
		return fail(ld, "%s", "NUL byte in line");
	return parse_line(ld, line);
}

/* After the last line: refuse a directory without accounts (a truncated
 * file would refuse every sender), then resolve the delegates. */
static int
finish(struct loader *ld)
{
	if (ld->fd->nentries == 0) {
		snprintf(ld->err, ld->errsz,
			 "%s: no account at all (an empty directory would "
			 "refuse every authenticated sender)",
			 ld->fd->path);
		return -1;
	}
	return resolve_delegates(ld);
}

/* True if two stats describe the same file contents (inode, size, mtime,
 * ctime). */
static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Wait (at most SETTLE_MAX seconds) until the file is still: a script or
 * editor writing it in place must not be read half-way. Still means last
 * modified a second ago or more, or unchanged (size, times, inode) while
 * we watched it for a second: a modification time in the future (a file
 * copied from a host whose clock is ahead) settles after that second
 * instead of never. Only a reload or start-up waits, never a message. 0
 * once it settled (or is gone: fopen reports that), -1 if it kept
 * changing. */
#define SETTLE_MAX 5
#define SETTLE_POLL_MS 100
#define SETTLE_QUIET_MS 1000
static int
settle(const char *path)
{
	struct stat seen, st;
	struct timespec now, pause = {0, SETTLE_POLL_MS * 1000 * 1000};
	int quiet_ms = 0; /* how long it has stayed as seen */

	if (stat(path, &seen) != 0)
		return 0;
	for (int i = 0; i < SETTLE_MAX * 1000 / SETTLE_POLL_MS; i++) {
		clock_gettime(CLOCK_REALTIME, &now);
		long long age_ms =
			(long long)(now.tv_sec - seen.st_mtim.tv_sec) * 1000 +
			(now.tv_nsec - seen.st_mtim.tv_nsec) / 1000000;
		if (age_ms >= SETTLE_QUIET_MS || quiet_ms >= SETTLE_QUIET_MS)
			return 0;
		nanosleep(&pause, NULL);
		if (stat(path, &st) != 0)
			return 0;
		if (same_file(&seen, &st)) {
			quiet_ms += SETTLE_POLL_MS;
		} else {
			seen = st;
			quiet_ms = 0;
		}
	}
	return -1;
}

/* Read the whole file; refuse one that changed while it was read, or that
 * holds no account (a truncated file would refuse every sender). */
static int
load(struct loader *ld)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	struct stat before, after;

	if (settle(ld->fd->path) != 0) {
		snprintf(ld->err, ld->errsz,
			 "%s: still being written after %d s (replace it with a "
			 "rename; read again on the next reload)",
			 ld->fd->path, SETTLE_MAX);
		return -1;
	}
	f = fopen(ld->fd->path, "r");
	if (f == NULL || fstat(fileno(f), &before) != 0) {
		snprintf(ld->err, ld->errsz, "%s: %s", ld->fd->path,
			 strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0)
		rc = parse_one(ld, buf, (size_t)len);
	if (rc == 0 && ferror(f))
		rc = fail(ld, "read error: %s", strerror(errno));
	free(buf);
	fclose(f);
	if (rc == 0 && (stat(ld->fd->path, &after) != 0 ||
			!same_file(&before, &after))) {
		snprintf(ld->err, ld->errsz,
			 "%s: changed while it was read (replace it with a "
			 "rename; read again on the next reload)",
			 ld->fd->path);
		return -1;
	}
	return rc != 0 ? rc : finish(ld);
}

/* Parse a whole accounts file held in memory, line by line. */
static int
load_buf(struct loader *ld, const char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	for (size_t at = 0; rc == 0 && at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) + 1 : len - at;
		if (n + 1 > cap) {
			char *p = realloc(line, n + 1);
			if (p == NULL) {
				rc = fail(ld, "%s", "out of memory");
				break;
			}
			line = p;
			cap = n + 1;
		}
		memcpy(line, buf + at, n);
		line[n] = '\0';
		rc = parse_one(ld, line, n);
		at += n;
	}
	free(line);
	return rc != 0 ? rc : finish(ld);
}

/* Fill the trace source with path:line. */
static void
trace_source(struct file_dir *fd, const struct file_entry *e,
	     struct dir_lookup *out)
{
	char *t = out->trace.source, digits[12];
	size_t cap = sizeof(out->trace.source), n = 0, nd = 0;
	unsigned line = e->line;

	/* "file:PATH:LINE" without printf: this runs for every message */
	do
		digits[nd++] = (char)('0' + line % 10);
	while ((line /= 10) != 0 && nd < sizeof(digits));
	n = copy_bounded(t, cap, "file:", 5);
	n += copy_bounded(t + n, cap - n, fd->path, strlen(fd->path));
	if (n + nd + 2 <= cap) {
		t[n++] = ':';
		while (nd > 0)
			t[n++] = digits[--nd];
		t[n] = '\0';
	}
}

/* Login -> exactly one mailbox. */
static void
file_find_account(struct directory *d, const struct identity *id,
		  struct dir_lookup *out)
{
	struct file_dir *fd = d->impl;
	char login[LOGIN_MAX + 1];
	const struct file_entry *box = NULL;
	size_t it, nbox = 0, nall = 0;
	char cand[LOGIN_MAX + 64];

	copy_bounded(login, sizeof(login), id->user, strlen(id->user));
	ascii_lower_str(login);
	for (struct file_entry *e = strmap_get(&fd->by_login, login, &it);
	     e != NULL; e = strmap_next(&fd->by_login, login, &it)) {
		nall++;
		snprintf(cand, sizeof(cand), "%s (line %u, %s)", e->acct.id,
			 e->line, e->mailbox ? "mailbox" : "contact");
		dir_trace_add_candidate(&out->trace, cand);
		if (e->mailbox) {
			box = e;
			nbox++;
		}
	}
	if (nbox == 1) {
		out->status = DIR_OK;
		out->acct = &box->acct;
		trace_source(fd, box, out);
		return;
	}
	snprintf(out->trace.source, sizeof(out->trace.source), "file:%s",
		 fd->path);
	out->status = nbox > 1 ? DIR_AMBIGUOUS : DIR_NOTFOUND;
	if (nall > 0 && nbox == 0)
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "only contacts (custom recipients) carry this login");
	else if (nbox > 1)
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "%zu mailboxes carry this login", nbox);
}

/* Address key -> the entry holding it exactly (a catch-all key "@domain"
 * is looked up as it is). */
static void
file_find_owner(struct directory *d, const char *key, struct dir_lookup *out)
{
	struct file_dir *fd = d->impl;
	const struct file_entry *e = strmap_get(&fd->by_addr, key, NULL);

	if (e == NULL)
		return;
	out->status = DIR_OK;
	out->acct = &e->acct;
	trace_source(fd, e, out);
}

/* One line of statistics. */
static void
file_stats(struct directory *d, char *buf, size_t size)
{
	struct file_dir *fd = d->impl;
	snprintf(buf, size, "accounts=%zu addresses=%zu arena_bytes=%zu",
		 fd->nentries, fd->by_addr.used, fd->arena.total);
}

/* Free everything. */
static void
file_destroy(struct directory *d)
{
	struct file_dir *fd = d->impl;

	strmap_free(&fd->by_login);
	strmap_free(&fd->by_addr);
	arena_free(&fd->arena);
	free(fd->entries);
	free(fd->path);
	free(fd);
}

static const struct directory_ops file_ops = {
	.name = "file",
	.find_account = file_find_account,
	.find_owner = file_find_owner,
	.release = NULL, /* records live as long as the directory */
	.stats = file_stats,
	.destroy = file_destroy,
};

/* A loader for name with empty tables; NULL and err when out of memory. */
static struct file_dir *
create(const char *name, char *err, size_t errsz)
{
	struct file_dir *fd = calloc(1, sizeof(*fd));

	if (fd == NULL || (fd->path = strdup(name)) == NULL) {
		free(fd);
		snprintf(err, errsz, "%s: out of memory", name);
		return NULL;
	}
	arena_init(&fd->arena);
	fd->dir.ops = &file_ops;
	fd->dir.impl = fd;
	if (strmap_init(&fd->by_login, 1024) != 0 ||
	    strmap_init(&fd->by_addr, 1024) != 0) {
		snprintf(err, errsz, "%s: out of memory", name);
		file_destroy(&fd->dir);
		return NULL;
	}
	return fd;
}

/* Give the directory back, or free it and keep the error. */
static struct directory *
done(struct file_dir *fd, int rc, char *err, size_t errsz)
{
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, "%s: out of memory", fd->path);
		file_destroy(&fd->dir);
		return NULL;
	}
	return &fd->dir;
}

/* Load an accounts file. */
struct directory *
dir_file_open(const char *path, const struct norm_opts *norm, char *err,
	      size_t errsz)
{
	struct file_dir *fd;
	struct loader ld;

	if (errsz > 0)
		err[0] = '\0';
	if ((fd = create(path, err, errsz)) == NULL)
		return NULL;
	ld = (struct loader){fd, norm, 0, err, errsz};
	return done(fd, load(&ld), err, errsz);
}

/* Parse an accounts file held in memory. */
struct directory *
dir_file_parse_buf(const char *name, const char *buf, size_t len,
		   const struct norm_opts *norm, char *err, size_t errsz)
{
	struct file_dir *fd;
	struct loader ld;

	if (errsz > 0)
		err[0] = '\0';
	if ((fd = create(name, err, errsz)) == NULL)
		return NULL;
	ld = (struct loader){fd, norm, 0, err, errsz};
	return done(fd, load_buf(&ld, buf, len), err, errsz);
}
