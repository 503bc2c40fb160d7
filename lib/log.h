/*
 * Logging for the daemons, in the shape of OpenBSD's log.c: plain lines
 * on stderr in the foreground (the journal captures them), syslog(3)
 * when detached.  Repeated messages are rate-limited per call site.
 */
#ifndef BW_LOG_H
#define BW_LOG_H

#include <stdarg.h>

struct bw_error;

void	log_init(const char *, int, int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx_error(const struct bw_error *);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* BW_LOG_H */
