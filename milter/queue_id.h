/*
 * queue_id.h - the MTA's queue id (the `i' macro) is client-influenced
 * text that goes into log lines, archive file names and the archive's
 * header block: only a sane one is used (1 to QUEUE_ID_MAX letters and
 * digits, as Postfix and Sendmail make them); anything else is replaced
 * by a generated id, and the replacement is logged.
 */
#ifndef MILTER_QUEUE_ID_H
#define MILTER_QUEUE_ID_H

#include <stdbool.h>

#define QUEUE_ID_MAX 32

/* Is s a sane queue id? */
bool queue_id_sane(const char *s);

/* The id to use for raw ("" when the MTA sent none): raw itself when it is
 * sane, else the generated id kept in gen (made and logged on first use;
 * gen must start out as ""). */
const char *queue_id_use(const char *raw, char gen[QUEUE_ID_MAX + 1]);

#endif
