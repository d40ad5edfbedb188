/*
 * mwork.c - workload files and generated workloads for mgen (see mwork.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwork.h"

/* Read a whole file into memory. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)size + 1))) {
		fclose(f);
		return NULL;
	}
	buf[fread(buf, 1, (size_t)size, f)] = '\0';
	fclose(f);
	return buf;
}

/* Split one line into an entry; 0 if it is blank or a comment. */
static int
parse_line(char *line, struct mw_entry *e)
{
	char *login, *sender, *expect;

	login = strtok(line, " \t\r");
	if (!login || login[0] == '#')
		return 0;
	sender = strtok(NULL, " \t\r");
	if (!sender)
		return -1;
	expect = strtok(NULL, "\r");
	while (expect && (*expect == ' ' || *expect == '\t'))
		expect++;
	e->login = strcmp(login, "-") == 0 ? NULL : login;
	e->sender = strcmp(sender, "<>") == 0 ? "" : sender;
	e->expect = expect && *expect ? expect : NULL;
	return 1;
}

/* Load a workload file. */
int
mw_load(struct mworkload *w, const char *path)
{
	char *line, *next;
	size_t lines = 1, lineno = 0;
	int r;

	memset(w, 0, sizeof *w);
	if (!(w->text = slurp(path))) {
		perror(path);
		return -1;
	}
	for (line = w->text; *line; line++)
		lines += *line == '\n';
	if (!(w->e = calloc(lines, sizeof *w->e)))
		return -1;
	for (line = w->text; line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if ((r = parse_line(line, &w->e[w->n])) < 0) {
			fprintf(stderr, "%s:%zu: LOGIN SENDER [EXPECT]\n",
				path, lineno);
			return -1;
		}
		w->n += (size_t)r;
	}
	if (w->n == 0) {
		fprintf(stderr, "%s: no entries\n", path);
		return -1;
	}
	return 0;
}

/* A generated workload. */
void
mw_generate(struct mworkload *w, size_t n, unsigned refuse_pct)
{
	memset(w, 0, sizeof *w);
	w->n = n ? n : 1;
	w->refuse_pct = refuse_pct > 100 ? 100 : refuse_pct;
}

/* Entry i of the workload. */
void
mw_pick(const struct mworkload *w, size_t i, struct mw_entry *out,
	char *login, char *sender, size_t size)
{
	size_t acct = i % w->n;
	int bad;

	if (w->e) {
		*out = w->e[acct];
		return;
	}
	/* Spread refusals evenly: 100 consecutive entries hold exactly
	 * refuse_pct refusals; each further pass over the accounts shifts
	 * the slots, so an account sends both kinds over time. */
	bad = (size_t)((acct + i / w->n * 7) * 37 % 100) < w->refuse_pct;
	snprintf(login, size, "user%zu", acct);
	snprintf(sender, size, "user%zu@example.com",
		 bad ? (acct + 1) % w->n : acct);
	out->login = login;
	out->sender = sender;
	out->expect = bad ? w->gen_expect_bad : w->gen_expect_ok;
	if (w->n == 1 && bad) /* one account has no neighbour */
		snprintf(sender, size, "nobody@example.com");
}

/* Free a loaded workload. */
void
mw_free(struct mworkload *w)
{
	free(w->e);
	free(w->text);
	memset(w, 0, sizeof *w);
}
