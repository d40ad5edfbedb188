/*
 * signals.h - the control thread: SIGUSR1 reloads policy.conf (libmilter
 * keeps SIGHUP and SIGTERM for itself, as stop), SIGUSR2 logs statistics;
 * it also writes the statistics file every stats_interval seconds.
 */
#ifndef MILTER_SIGNALS_H
#define MILTER_SIGNALS_H

/* Block SIGUSR1/SIGUSR2 (and ignore SIGPIPE) in the calling thread; call
 * before any other thread starts so all inherit the mask. */
void signals_block(void);
/* Start the control thread for the configuration at path. */
int signals_start(const char *config_path);
void signals_stop(void);

/* Reload now (also used by tests); 0 on success, -1 if the old
 * configuration was kept. */
int reload_config(const char *path);

#endif
