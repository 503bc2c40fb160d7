/*
 * Daemon logging with the API of OpenBSD's log.c.  In the foreground
 * each message is one line on stderr, "ident: text", with a "<N>"
 * priority prefix when stderr is the journal ($JOURNAL_STREAM names it);
 * detached, messages go to syslog(3) as LOG_DAEMON.
 *
 * A daemon that hits the same fault on every packet or every second
 * must not flood the journal, so each call site (format string) may log
 * LOG_BURST messages per LOG_WINDOW seconds; the rest are counted and
 * the count is reported with the next message that gets through.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define LOG_BURST	10
#define LOG_WINDOW	60.0
#define LOG_SITES	64

struct log_site {
	const char	*fmt;
	double		 start;		/* of the current window */
	unsigned	 count;		/* messages in the window */
	unsigned	 dropped;	/* suppressed in the window */
	double		 used;		/* for replacement */
};

static const char	*log_ident = "bwmon";
static int		 log_fg = 1;
static int		 log_verbose;
static int		 log_journal;
static struct log_site	 log_sites[LOG_SITES];

/* Is stderr the journal's stream?  $JOURNAL_STREAM is "dev:inode". */
static int
stderr_is_journal(void)
{
	struct stat		 st;
	const char		*s;
	unsigned long long	 dev, ino;

	if ((s = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(s, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *ident, int foreground, int verbose)
{
	log_ident = ident;
	log_fg = foreground;
	log_verbose = verbose;
	log_journal = foreground && stderr_is_journal();
	memset(log_sites, 0, sizeof(log_sites));
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

int
log_getverbose(void)
{
	return log_verbose;
}

/*
 * May a message from this call site go out now?  *dropped gets the
 * number suppressed since the last one that did.
 */
static int
log_allow(const char *fmt, unsigned *dropped)
{
	struct log_site	*s, *victim = &log_sites[0];
	double		 now = bw_mono();
	int		 i;

	*dropped = 0;
	for (i = 0; i < LOG_SITES; i++) {
		s = &log_sites[i];
		if (s->fmt == fmt)
			goto found;
		if (s->used < victim->used)
			victim = s;
	}
	s = victim;
	memset(s, 0, sizeof(*s));
	s->fmt = fmt;
	s->start = now;
found:
	s->used = now;
	if (now - s->start >= LOG_WINDOW) {
		*dropped = s->dropped;
		s->start = now;
		s->count = 0;
		s->dropped = 0;
	}
	if (s->count >= LOG_BURST) {
		s->dropped++;
		return 0;
	}
	s->count++;
	return 1;
}

static void __attribute__((format(printf, 2, 0)))
log_emit(int pri, const char *fmt, va_list ap, int err, int limit)
{
	char		 msg[1024];
	unsigned	 dropped = 0;
	size_t		 n;

	if (limit && !log_allow(fmt, &dropped))
		return;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (err != 0 && n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - n, ": %s",
		    strerror(err));
	n = strlen(msg);
	if (dropped > 0 && n < sizeof(msg))
		(void)snprintf(msg + n, sizeof(msg) - n,
		    " (%u similar messages suppressed)", dropped);
	if (log_fg) {
		if (log_journal)
			(void)fprintf(stderr, "<%d>%s: %s\n", pri, log_ident,
			    msg);
		else
			(void)fprintf(stderr, "%s: %s\n", log_ident, msg);
		(void)fflush(stderr);
	} else
		syslog(pri, "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_ERR, fmt, ap, saved, 1);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, fmt, ap, 0, 1);
	va_end(ap);
	errno = saved;
}

/* A parser's warning (a configuration or names file) as "file:line: text". */
void
log_warnx_error(const struct bw_error *e)
{
	log_warnx("%s:%d: %s", e->file, e->line, e->text);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_INFO, fmt, ap, 0, 1);
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, fmt, ap, 0, 0);	/* asked for: not limited */
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, saved, 0);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, fmt, ap, 0, 0);
	va_end(ap);
	exit(1);
}
