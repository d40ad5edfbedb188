/*
 * signals.c - reload on SIGUSR1, statistics on SIGUSR2 and on a timer.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "restart.h"
#include "signals.h"
#include "snapshot.h"
#include "stats.h"

static pthread_t control;
static _Atomic int stop_flag; /* read by the control thread */
static const char *cfg_path;

/* Block the control signals so only the control thread takes them, and
 * libmilter's stop signals so only its signal thread (sigwait) takes those:
 * every thread started afterwards inherits the mask. */
void
signals_block(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Parse the whole new configuration; swap only on success. */
int
reload_config(const char *path)
{
	char err[1024];
	struct config *old = snapshot_get();
	struct config *c = config_load(path, true, err, sizeof(err));

	if (c == NULL) {
		log_event(LOG_ERR, "reload_failed",
			  "config=%s error=\"%s\" kept=previous", path, err);
		config_unref(old);
		return -1;
	}
	config_unref(old);
	restart_check(c);
	log_set_level(c->log_level);
	log_set_facility(c->syslog_facility);
	snapshot_set(c);
	log_event(LOG_NOTICE, "reload", "config=%s status=ok", path);
	return 0;
}

/* Write the statistics file if one is configured. */
static void
write_stats(void)
{
	struct config *c = snapshot_get();

	if (c != NULL && c->stats_file[0] && stats_write(c->stats_file) != 0)
		log_event(LOG_ERR, "stats_error", "path=%s error=\"%s\"",
			  c->stats_file, strerror(errno));
	config_unref(c);
}

/* Wait for signals; write statistics when due. */
static void *
control_main(void *arg)
{
	sigset_t set;
	struct timespec tick = {1, 0};
	time_t last = time(NULL);

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	while (!stop_flag) {
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGUSR1) {
			reload_config(cfg_path);
		} else if (sig == SIGUSR2) {
			stats_log();
			write_stats();
		}
		struct config *c = snapshot_get();
		unsigned every = c ? c->stats_interval : 60;
		config_unref(c);
		if (time(NULL) - last >= (time_t)every) {
			last = time(NULL);
			write_stats();
		}
	}
	return NULL;
}

int
signals_start(const char *config_path)
{
	cfg_path = config_path;
	stop_flag = 0;
	return pthread_create(&control, NULL, control_main, NULL) == 0 ? 0 : -1;
}

void
signals_stop(void)
{
	stop_flag = 1;
	pthread_join(control, NULL);
	write_stats();
}
