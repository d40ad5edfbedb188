/*
 * dir_reaper.h - destroy directories off the caller's thread.
 *
 * The last user of a configuration snapshot may be a connection closing in
 * a libmilter callback; destroying an LDAP directory unbinds every pooled
 * connection and joins its watchdog thread, which a callback must not wait
 * for. While the reaper runs, dir_destroy() only hands the directory to
 * its thread; before dir_reaper_start() and after dir_reaper_stop() (tools,
 * tests, the daemon's last release) it destroys at once.
 */
#ifndef POLICY_DIR_REAPER_H
#define POLICY_DIR_REAPER_H

#include <stdbool.h>

struct directory;

/* Start the reaper thread; 0, or -1 (then dir_destroy stays synchronous). */
int dir_reaper_start(void);
/* Destroy everything handed over so far and join the thread. */
void dir_reaper_stop(void);
/* Used by dir_destroy(): true if d was handed to the reaper thread. */
bool dir_reaper_take(struct directory *d);

#endif
