/*
 * dir_postfix_map.c - the postfix_map backend: a Postfix
 * smtpd_sender_login_maps source file as a directory (format and meaning
 * in dir_postfix_map.h). Built once per snapshot into an arena and two
 * hash tables; read-only and lock-free afterwards.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dir_postfix_map.h"
#include "textutil.h"

#define MAX_OWNERS 256 /* logins on one line */

/* One login while the file is read: its addresses grow. */
struct pm_login {
	struct dir_account acct;
	const char **addrs;
	size_t naddrs, cap;
	unsigned line; /* first line naming it */
};

struct pm_dir {
	struct directory dir;
	char *path;
	struct arena arena;
	struct strmap by_login; /* folded login -> pm_login */
	struct strmap by_addr;  /* key -> pm_login (several: every owner) */
	struct strmap keys;     /* key -> line of its first definition */
	struct pm_login **logins;
	size_t nlogins, cap;
	unsigned duplicates;    /* later lines for a key already defined */
};

struct pm_loader {
	struct pm_dir *pd;
	const struct norm_opts *norm;
	unsigned line; /* first physical line of the logical line */
	char *err;
	size_t errsz;
	/* bare "user" keys, expanded once every explicit key is known */
	char **bare;
	unsigned *bare_line;
	size_t nbare, capbare;
};

/* "path:line: message". */
static int __attribute__((format(printf, 2, 3)))
pm_fail(struct pm_loader *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errsz, "%s:%u: %s", ld->pd->path, ld->line, msg);
	return -1;
}

/* The account of a login, created on first use. */
static struct pm_login *
login_get(struct pm_loader *ld, const char *name)
{
	struct pm_dir *pd = ld->pd;
	char folded[LOGIN_MAX + 1];
	struct pm_login *l;

	copy_bounded(folded, sizeof(folded), name, strlen(name));
	ascii_lower_str(folded);
	if ((l = strmap_get(&pd->by_login, folded, NULL)) != NULL)
		return l;
	if (pd->nlogins == pd->cap) {
		size_t cap = pd->cap ? pd->cap * 2 : 64;
		struct pm_login **p = realloc(pd->logins, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		pd->logins = p;
		pd->cap = cap;
	}
	l = arena_alloc(&pd->arena, sizeof(*l));
	if (l == NULL)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->acct.id = l->acct.name = arena_strndup(&pd->arena, folded,
						  strlen(folded));
	l->line = ld->line;
	if (l->acct.id == NULL || strmap_add(&pd->by_login, l->acct.id, l) != 0)
		return NULL;
	pd->logins[pd->nlogins++] = l;
	return l;
}

/* Give key (kept in the arena) to the login's account. */
static int
login_add_addr(struct pm_login *l, const char *key)
{
	for (size_t i = 0; i < l->naddrs; i++)
		if (strcmp(l->addrs[i], key) == 0)
			return 0;
	if (l->naddrs == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		const char **p = realloc(l->addrs, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		l->addrs = p;
		l->cap = cap;
	}
	l->addrs[l->naddrs++] = key;
	return 0;
}

/* Record "key -> owners" (owners: comma/blank separated, modified). */
static int
add_entry(struct pm_loader *ld, const char *key, char *owners)
{
	struct pm_dir *pd = ld->pd;
	char *k, *tok, *save = NULL;
	size_t n = 0;

	if (strmap_get(&pd->keys, key, NULL) != NULL) {
		pd->duplicates++; /* Postfix keeps the first as well */
		return 0;
	}
	k = arena_strndup(&pd->arena, key, strlen(key));
	if (k == NULL || strmap_add(&pd->keys, k, k) != 0)
		return pm_fail(ld, "out of memory");
	for (tok = strtok_r(owners, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		struct pm_login *l;
		if (++n > MAX_OWNERS)
			return pm_fail(ld, "more than %d logins", MAX_OWNERS);
		if (strlen(tok) > LOGIN_MAX)
			return pm_fail(ld, "login longer than %d octets",
				       LOGIN_MAX);
		l = login_get(ld, tok);
		if (l == NULL || login_add_addr(l, k) != 0 ||
		    strmap_add(&pd->by_addr, k, l) != 0)
			return pm_fail(ld, "out of memory");
	}
	if (n == 0)
		return pm_fail(ld, "\"%s\" has no login", key);
	return 0;
}

/* Remember a bare "user" key for the local domains. */
static int
keep_bare(struct pm_loader *ld, const char *user, char *owners)
{
	size_t ul = strlen(user), ol = strlen(owners);
	char *s;

	if (ld->nbare == ld->capbare) {
		size_t cap = ld->capbare ? ld->capbare * 2 : 16;
		char **p = realloc(ld->bare, cap * sizeof(*p));
		unsigned *q = realloc(ld->bare_line, cap * sizeof(*q));
		if (p != NULL)
			ld->bare = p;
		if (q != NULL)
			ld->bare_line = q;
		if (p == NULL || q == NULL)
			return pm_fail(ld, "out of memory");
		ld->capbare = cap;
	}
	s = arena_alloc(&ld->pd->arena, ul + ol + 2);
	if (s == NULL)
		return pm_fail(ld, "out of memory");
	memcpy(s, user, ul + 1);
	memcpy(s + ul + 1, owners, ol + 1);
	ld->bare[ld->nbare] = s;
	ld->bare_line[ld->nbare++] = ld->line;
	return 0;
}

/* One logical line: key, blanks, owners. */
static int
parse_logical(struct pm_loader *ld, char *s)
{
	char *key = s, *rest, keybuf[KEY_BUF];
	enum addr_status ast;

	if (*s == '"') { /* Postfix 3.2: a quoted key may hold blanks */
		key = s + 1;
		rest = strchr(key, '"');
		if (rest == NULL)
			return pm_fail(ld, "unterminated quoted key");
		*rest++ = '\0';
	} else {
		rest = s + strcspn(s, " \t");
		if (*rest != '\0')
			*rest++ = '\0';
	}
	rest += strspn(rest, " \t");
	if (*rest == '\0')
		return pm_fail(ld, "\"%s\" has no value (expected: key logins)",
			       key);
	if (strchr(key, '@') == NULL)
		return keep_bare(ld, key, rest);
	if (key_from_text(key, ld->norm, keybuf, sizeof(keybuf), &ast) !=
	    NORM_OK)
		return pm_fail(ld, "\"%s\" is not an address or @domain", key);
	return add_entry(ld, keybuf, rest);
}

/* A bare "user" key: user@domain for every local domain no explicit line
 * names (Postfix looks user@domain up before user). */
static int
expand_bare(struct pm_loader *ld, const struct strmap *domains)
{
	char text[KEY_BUF], key[KEY_BUF];

	for (size_t b = 0; b < ld->nbare; b++) {
		const char *user = ld->bare[b];
		char *owners = ld->bare[b] + strlen(user) + 1;
		ld->line = ld->bare_line[b];
		for (size_t i = 0; domains != NULL && i < domains->cap; i++) {
			const char *d = domains->slots[i].key;
			char copy[LOGIN_MAX * 4 + 8];
			if (d == NULL || d[0] == '.')
				continue;
			snprintf(text, sizeof(text), "%s@%s", user, d);
			if (key_from_text(text, ld->norm, key, sizeof(key),
					  NULL) != NORM_OK)
				return pm_fail(ld, "\"%s\" is not a local part",
					       user);
			copy_bounded(copy, sizeof(copy), owners, strlen(owners));
			if (strmap_get(&ld->pd->keys, key, NULL) == NULL &&
			    add_entry(ld, key, copy) != 0)
				return -1;
		}
	}
	return 0;
}

/* Read the file into logical lines. */
static int
pm_load(struct pm_loader *ld)
{
	FILE *f = fopen(ld->pd->path, "r");
	char *buf = NULL, *logical = NULL;
	size_t cap = 0, lcap = 0, llen = 0;
	ssize_t len;
	unsigned phys = 0;
	int rc = 0;

	if (f == NULL) {
		snprintf(ld->err, ld->errsz, "%s: %s", ld->pd->path,
			 strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0) {
		phys++;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if ((size_t)len != strlen(buf)) {
			ld->line = phys;
			rc = pm_fail(ld, "NUL byte in line");
			break;
		}
		char *t = buf + strspn(buf, " \t");
		if (*t == '\0' || *t == '#')
			continue; /* blank or comment: ends nothing */
		if (t != buf && llen > 0) { /* continuation */
			if (llen + 1 + strlen(t) + 1 > lcap) {
				lcap = (llen + strlen(t) + 2) * 2;
				char *p = realloc(logical, lcap);
				if (p == NULL) {
					rc = pm_fail(ld, "out of memory");
					break;
				}
				logical = p;
			}
			logical[llen++] = ' ';
			memcpy(logical + llen, t, strlen(t) + 1);
			llen += strlen(t);
			continue;
		}
		if (t != buf) {
			ld->line = phys;
			rc = pm_fail(ld, "continuation line with nothing to "
					 "continue");
			break;
		}
		if (llen > 0)
			rc = parse_logical(ld, logical);
		ld->line = phys;
		llen = strlen(buf);
		if (llen + 1 > lcap) {
			lcap = (llen + 1) * 2;
			char *p = realloc(logical, lcap);
			if (p == NULL) {
				rc = pm_fail(ld, "out of memory");
				break;
			}
			logical = p;
		}
		memcpy(logical, buf, llen + 1);
	}
	if (rc == 0 && llen > 0)
		rc = parse_logical(ld, logical);
	if (rc == 0 && ferror(f))
		rc = pm_fail(ld, "read error: %s", strerror(errno));
	free(buf);
	free(logical);
	fclose(f);
	return rc;
}

/* Copy each login's address list into the arena (final records). */
static int
pm_finish(struct pm_dir *pd)
{
	for (size_t i = 0; i < pd->nlogins; i++) {
		struct pm_login *l = pd->logins[i];
		const char **a = arena_alloc(&pd->arena,
					     (l->naddrs + 1) * sizeof(*a));
		if (a == NULL)
			return -1;
		memcpy(a, l->addrs, l->naddrs * sizeof(*a));
		a[l->naddrs] = NULL;
		free(l->addrs);
		l->addrs = NULL;
		l->acct.addrs = a;
		l->acct.naddrs = l->naddrs;
	}
	return 0;
}

/* "postfix_map:PATH". */
static void
pm_source(const struct pm_dir *pd, struct dir_lookup *out)
{
	size_t n = copy_bounded(out->trace.source, sizeof(out->trace.source),
				"postfix_map:", 12);
	copy_bounded(out->trace.source + n, sizeof(out->trace.source) - n,
		     pd->path, strlen(pd->path));
}

/* Login -> its account (every login is one). */
static void
pm_find_account(struct directory *d, const struct identity *id,
		struct dir_lookup *out)
{
	struct pm_dir *pd = d->impl;
	char login[LOGIN_MAX + 1];
	struct pm_login *l;

	copy_bounded(login, sizeof(login), id->user, strlen(id->user));
	ascii_lower_str(login);
	pm_source(pd, out);
	l = strmap_get(&pd->by_login, login, NULL);
	if (l == NULL) {
		snprintf(out->trace.error, sizeof(out->trace.error),
			 "the login owns no address in the map");
		return;
	}
	out->status = DIR_OK;
	out->acct = &l->acct;
}

/* Address key (exactly; "@domain" is a key like any) -> one of the
 * logins that own it: any will do, the caller only asks whether the
 * account itself or someone else holds the key. */
static void
pm_find_owner(struct directory *d, const char *key, struct dir_lookup *out)
{
	struct pm_dir *pd = d->impl;
	struct pm_login *l = strmap_get(&pd->by_addr, key, NULL);

	if (l == NULL)
		return;
	out->status = DIR_OK;
	out->acct = &l->acct;
	pm_source(pd, out);
}

static void
pm_stats(struct directory *d, char *buf, size_t size)
{
	struct pm_dir *pd = d->impl;
	snprintf(buf, size, "logins=%zu keys=%zu duplicate_keys=%u",
		 pd->nlogins, pd->keys.used, pd->duplicates);
}

static void
pm_destroy(struct directory *d)
{
	struct pm_dir *pd = d->impl;

	for (size_t i = 0; i < pd->nlogins; i++)
		free(pd->logins[i]->addrs);
	strmap_free(&pd->by_login);
	strmap_free(&pd->by_addr);
	strmap_free(&pd->keys);
	arena_free(&pd->arena);
	free(pd->logins);
	free(pd->path);
	free(pd);
}

static const struct directory_ops pm_ops = {
	.name = "postfix_map",
	.find_account = pm_find_account,
	.find_owner = pm_find_owner,
	.release = NULL,
	.stats = pm_stats,
	.destroy = pm_destroy,
};

/* Load a smtpd_sender_login_maps source file. */
struct directory *
dir_postfix_map_open(const char *path, const struct norm_opts *norm,
		     const struct strmap *local_domains, char *err,
		     size_t errsz)
{
	struct pm_dir *pd = calloc(1, sizeof(*pd));
	struct pm_loader ld = {.pd = pd, .norm = norm, .err = err,
			       .errsz = errsz};
	int rc;

	err[0] = '\0';
	if (pd == NULL || (pd->path = strdup(path)) == NULL) {
		free(pd);
		snprintf(err, errsz, "%s: out of memory", path);
		return NULL;
	}
	arena_init(&pd->arena);
	pd->dir.ops = &pm_ops;
	pd->dir.impl = pd;
	rc = strmap_init(&pd->by_login, 256) | strmap_init(&pd->by_addr, 1024) |
	     strmap_init(&pd->keys, 1024);
	if (rc == 0)
		rc = pm_load(&ld);
	if (rc == 0)
		rc = expand_bare(&ld, local_domains);
	if (rc == 0 && pd->nlogins == 0) {
		snprintf(err, errsz, "%s: no login at all (an empty map would "
				     "refuse every authenticated sender)", path);
		rc = -1;
	}
	if (rc == 0)
		rc = pm_finish(pd);
	free(ld.bare);
	free(ld.bare_line);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errsz, "%s: out of memory", path);
		pm_destroy(&pd->dir);
		return NULL;
	}
	return &pd->dir;
}
