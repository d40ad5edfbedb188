/*
 * queue_id.c - checking the MTA's queue id; generated ids for bad ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "queue_id.h"

/* 1 to QUEUE_ID_MAX ASCII letters and digits. */
bool
queue_id_sane(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		char ch = s[n];
		if (n >= QUEUE_ID_MAX ||
		    !((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= 'a' && ch <= 'z')))
			return false;
	}
	return n > 0;
}

/* raw if sane, else a generated "OM..." id, logged once per message. */
const char *
queue_id_use(const char *raw, char gen[QUEUE_ID_MAX + 1])
{
	static uint64_t counter;
	struct timespec ts;
	char q[200];

	if (raw[0] == '\0' || queue_id_sane(raw))
		return raw;
	if (gen[0] != '\0')
		return gen;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(gen, QUEUE_ID_MAX + 1, "OM%08lX%06lX%04X",
		 (unsigned long)ts.tv_sec & 0xffffffffUL,
		 (unsigned long)(ts.tv_nsec / 1000),
		 (unsigned)(__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) &
			    0xffff));
	log_event(LOG_WARNING, "queue_id_invalid",
		  "value=%s length=%zu replaced_by=%s",
		  log_quote(raw, q, 64 < sizeof(q) ? 64 : sizeof(q)),
		  strlen(raw), gen);
	return gen;
}
