/*
 * mstats.c - counters and latency percentiles for mgen (see mstats.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mstats.h"

/* Count a label. */
static void
add_label(struct mstats *s, const char *label, uint64_t n)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->label[i], label) == 0) {
			s->count[i] += n;
			return;
		}
	}
	if (s->nlabels == MS_LABELS)
		i = MS_LABELS - 1; /* the last slot collects the rest */
	else
		s->nlabels++;
	strncpy(s->label[i], label, sizeof s->label[i] - 1);
	s->count[i] += n;
}

/* Count one message. */
void
ms_add(struct mstats *s, uint32_t us, const char *label, int cls)
{
	uint32_t *p;

	if (s->nlat == s->caplat) {
		size_t cap = s->caplat ? 2 * s->caplat : 4096;
		if ((p = realloc(s->lat_us, cap * sizeof *p))) {
			s->lat_us = p;
			s->caplat = cap;
		}
	}
	if (s->nlat < s->caplat)
		s->lat_us[s->nlat++] = us;
	s->msgs++;
	add_label(s, label, 1);
	if (cls == MS_ACCEPTED)
		s->accepted++;
	else if (cls == MS_REFUSED)
		s->refused++;
	else if (cls == MS_TEMPFAILED)
		s->tempfailed++;
	else
		s->other++;
}

/* Merge b into a. */
void
ms_merge(struct mstats *a, const struct mstats *b)
{
	size_t i;
	uint32_t *p;

	if (b->nlat &&
	    (p = realloc(a->lat_us, (a->nlat + b->nlat) * sizeof *p))) {
		memcpy(p + a->nlat, b->lat_us, b->nlat * sizeof *p);
		a->lat_us = p;
		a->nlat += b->nlat;
		a->caplat = a->nlat;
	}
	a->msgs += b->msgs;
	a->accepted += b->accepted;
	a->refused += b->refused;
	a->tempfailed += b->tempfailed;
	a->other += b->other;
	a->mismatches += b->mismatches;
	a->errors += b->errors;
	a->sessions += b->sessions;
	a->replies += b->replies;
	for (i = 0; i < b->nlabels; i++)
		add_label(a, b->label[i], b->count[i]);
	if (!a->first_error[0])
		memcpy(a->first_error, b->first_error, sizeof a->first_error);
}

/* Order two samples. */
static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* Sort the samples. */
void
ms_sort(struct mstats *s)
{
	qsort(s->lat_us, s->nlat, sizeof *s->lat_us, cmp_u32);
}

/* The p-th percentile of sorted samples (nearest rank). */
uint32_t
ms_pct(const struct mstats *s, double p)
{
	size_t rank;

	if (s->nlat == 0)
		return 0;
	rank = (size_t)(p / 100.0 * (double)s->nlat + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->nlat)
		rank = s->nlat;
	return s->lat_us[rank - 1];
}

/* Free the samples. */
void
ms_free(struct mstats *s)
{
	free(s->lat_us);
	s->lat_us = NULL;
	s->nlat = s->caplat = 0;
}
