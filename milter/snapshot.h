/*
 * snapshot.h - the configuration in force. Readers take a reference for
 * as long as they need it (a connection: from negotiate to close); a reload
 * swaps the whole snapshot at once.
 */
#ifndef MILTER_SNAPSHOT_H
#define MILTER_SNAPSHOT_H

#include "config.h"

/* A reference to the current snapshot (config_unref when done). */
struct config *snapshot_get(void);
/* Install c (taking over its reference); the old one is released. */
void snapshot_set(struct config *c);

#endif
