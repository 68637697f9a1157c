/*
 * log.c: diagnostics.
 *
 * Commands print "fttriage: <message>" to stderr; the daemon may send the
 * same lines to syslog with a level.  Messages are lowercase and name the
 * thing they are about.
 */
#include "config.h"

#include <stdlib.h>
#include <syslog.h>

#include "fttriage.h"

const char	*ft_progname = "fttriage";
static enum log_level	 log_level = LOG_LVL_WARN;
static int		 log_syslog;

void
log_set_level(enum log_level level)
{
	log_level = level;
}

void
log_use_syslog(int on)
{
	if (on && !log_syslog)
		openlog(ft_progname, LOG_PID, LOG_DAEMON);
	log_syslog = on;
}

static void log_vmsg(enum log_level, const char *, va_list) FT_PRINTF(2, 0);

/*
 * Messages quote text from logs and file names from logs, so control bytes
 * and C1 controls are masked before they reach a terminal or syslog.
 */
static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char	*msg;

	if (level > log_level)
		return;
	xvasprintf(&msg, fmt, ap);
	if (log_syslog) {
		size_t i;

		for (i = 0; msg[i] != '\0'; i++)
			if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
				msg[i] = '?';
		syslog(prio[level], "%s", msg);
		free(msg);
		return;
	}
	fprintf(stderr, "%s: ", ft_progname);
	if (level != LOG_LVL_ERROR)
		fprintf(stderr, "%s: ", names[level]);
	fputs_safe(msg, stderr);
	fputc('\n', stderr);
	free(msg);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
ft_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
}

void
ft_fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
	exit(2);
}
