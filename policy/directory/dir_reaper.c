/*
 * dir_reaper.c - a thread that destroys the directories of released
 * configuration snapshots (see dir_reaper.h), in the order handed over.
 */
#include <pthread.h>
#include <stdlib.h>

#include "dir_reaper.h"
#include "directory.h"

struct reap {
	struct directory *dir;
	struct reap *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct reap *head, **tail = &head;
static bool running, stopping;
static pthread_t thread;

/* The thread: destroy each directory handed over, until stopped and empty. */
static void *
reaper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (head == NULL)
			break;
		struct reap *r = head;
		head = r->next;
		if (head == NULL)
			tail = &head;
		pthread_mutex_unlock(&lock);
		r->dir->ops->destroy(r->dir);
		free(r);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Start the thread. */
int
dir_reaper_start(void)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (!running) {
		stopping = false;
		rc = pthread_create(&thread, NULL, reaper_main, NULL) == 0 ? 0
		                                                           : -1;
		running = rc == 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

/* Drain and join. */
void
dir_reaper_stop(void)
{
	pthread_mutex_lock(&lock);
	if (!running) {
		pthread_mutex_unlock(&lock);
		return;
	}
	running = false; /* from now on dir_destroy destroys at once */
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
}

/* Hand d over when the thread runs. */
bool
dir_reaper_take(struct directory *d)
{
	struct reap *r = malloc(sizeof(*r));
	bool taken = false;

	if (r == NULL)
		return false; /* destroyed at once rather than leaked */
	r->dir = d;
	r->next = NULL;
	pthread_mutex_lock(&lock);
	if (running) {
		*tail = r;
		tail = &r->next;
		pthread_cond_signal(&wake);
		taken = true;
	}
	pthread_mutex_unlock(&lock);
	if (!taken)
		free(r);
	return taken;
}
