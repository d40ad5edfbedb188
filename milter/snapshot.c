/*
 * snapshot.c - the current configuration pointer and its swap.
 */
#include <pthread.h>

#include "snapshot.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct config *current;

/* A reference to the snapshot in force. */
struct config *
snapshot_get(void)
{
	struct config *c;

	pthread_mutex_lock(&lock);
	c = current ? config_ref(current) : NULL;
	pthread_mutex_unlock(&lock);
	return c;
}

/* Swap in a new snapshot; connections in flight keep the old one. */
void
snapshot_set(struct config *c)
{
	struct config *old;

	pthread_mutex_lock(&lock);
	old = current;
	current = c;
	pthread_mutex_unlock(&lock);
	config_unref(old);
}
