/*
 * browse.c: small helpers shared by the commands that read the store
 * (issues, show, triage): option values such as --since and issue ids,
 * times as text, the culprit as one line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"

/* Seconds per unit of a --since duration. */
static const struct {
	char		 unit;
	int64_t		 seconds;
} since_units[] = {
	{ 's', 1 },
	{ 'm', 60 },
	{ 'h', 3600 },
	{ 'd', 86400 },
	{ 'w', 7 * 86400 },
};

/*
 * Parse a --since value relative to now (unix seconds): a duration such
 * as 30m, 12h, 7d, 2w, or a UTC date or date and time.  0, or -1 when it
 * is neither.
 */
int
browse_parse_since(const char *s, int64_t now, int64_t *out)
{
	struct tm	 tm;
	const char	*end;
	uint64_t	 n;
	size_t		 len = strlen(s), i;

	/* A duration back from now: 30m, 12h, 7d, 2w. */
	if (len >= 2 && parse_u64(s, len - 1, 10, &n) == 0) {
		for (i = 0; i < nitems(since_units); i++) {
			if (since_units[i].unit != s[len - 1])
				continue;
			if (n > (uint64_t)INT64_MAX / 604800u)
				return -1;
			*out = now - (int64_t)n * since_units[i].seconds;
			return 0;
		}
		return -1;
	}
	/* A date or date and time in UTC. */
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*end == 'T' || *end == ' ') {
		const char *t = end + 1;

		if ((end = strptime(t, "%H:%M:%S", &tm)) == NULL &&
		    (end = strptime(t, "%H:%M", &tm)) == NULL)
			return -1;
	}
	if (*end == 'Z')
		end++;
	if (*end != '\0')
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/*
 * A unix time as ISO 8601 UTC text in buf, or "-" when unknown; returns
 * buf.
 */
const char *
browse_time(int64_t t, char *buf, size_t size)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "-");
		return buf;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Parse an issue id ("12" or "#12"); 0, or -1 when it is not one. */
int
browse_parse_id(const char *s, int64_t *id)
{
	uint64_t	n;

	if (*s == '#')
		s++;
	if (parse_u64(s, strlen(s), 10, &n) != 0 || n == 0 ||
	    n > (uint64_t)INT64_MAX)
		return -1;
	*id = (int64_t)n;
	return 0;
}

/* The culprit as one line: function (file:line) in module [package]. */
char *
browse_culprit(const struct store_issue *is)
{
	struct buf	b;

	if (is->culprit_function == NULL && is->culprit_module == NULL)
		return NULL;
	buf_init(&b, 4096);
	buf_adds(&b, is->culprit_function != NULL ? is->culprit_function :
	    "<unknown>");
	if (is->culprit_file != NULL) {
		buf_printf(&b, " (%s", is->culprit_file);
		if (is->culprit_line != 0)
			buf_printf(&b, ":%u", is->culprit_line);
		buf_adds(&b, ")");
	}
	if (is->culprit_module != NULL)
		buf_printf(&b, " in %s", path_basename(is->culprit_module));
	if (is->culprit_package != NULL)
		buf_printf(&b, " [%s]", is->culprit_package);
	else if (is->culprit_class != NULL)
		buf_printf(&b, " [%s]", is->culprit_class);
	return buf_detach(&b);
}

/* The issue's culprit as a JSON object on standard output. */
void
browse_json_culprit(const struct store_issue *is)
{
	fputs("{\"function\":", stdout);
	json_str(stdout, is->culprit_function);
	fputs(",\"file\":", stdout);
	json_str(stdout, is->culprit_file);
	printf(",\"line\":%u,\"module\":", is->culprit_line);
	json_str(stdout, is->culprit_module);
	fputs(",\"package\":", stdout);
	json_str(stdout, is->culprit_package);
	fputs(",\"class\":", stdout);
	json_str(stdout, is->culprit_class);
	fputc('}', stdout);
}
