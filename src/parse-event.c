/*
 * parse-event.c: one-line events the scanner knows by itself.
 *
 * A dialect of the parse stage.  The most common free-threading problem in
 * a log is not a crash but a warning: an extension re-enabled the GIL on
 * import.  CPython words it
 *
 *   RuntimeWarning: The global interpreter lock (GIL) has been enabled to
 *   load module 'mod.name', which has not declared that it can run safely
 *   without the GIL. ...
 *
 * (python -v says "# loading module 'x', which requires the GIL", and
 * pytest-run-parallel "GIL was dynamically re-enabled during test ... to
 * load module 'x'").  Each becomes an event report naming the module; the
 * rule files add the fix and further one-line events.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

static const struct {
	const char	*marker;   /* text that must be on the line */
	const char	*before;   /* the module name follows this */
} gil_events[] = {
	{ "The global interpreter lock (GIL) has been enabled to load module '",
	  "to load module '" },
	{ "GIL was dynamically re-enabled during test",
	  "to load module '" },
	{ "# loading module '",
	  "# loading module '" },
};

static int
event_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *m, *q;
	size_t		 i;
	char		*mod;

	if (len < 18 || memchr(s, 'G', len) == NULL)
		return 0;
	for (i = 0; i < nitems(gil_events); i++) {
		if (mem_find(s, len, gil_events[i].marker) == NULL)
			continue;
		if (i == 2 && mem_find(s, len, "which requires the GIL") == NULL)
			continue;
		m = mem_find(s, len, gil_events[i].before);
		if (m == NULL)
			continue;
		m += strlen(gil_events[i].before);
		if ((q = memchr(m, '\'', (size_t)(end - m))) == NULL)
			q = end;
		mod = xstrndup(m, (size_t)(q - m));
		ps->r = report_new(RK_EVENT);
		ps->r->parts |= RP_EVENT;
		report_set_attr(ps->r, "event", "gil-reenabled");
		report_set_attr(ps->r, "module", mod);
		xasprintf(&ps->r->title, "the GIL was re-enabled to load "
		    "module '%s'", mod);
		{
			char *line = xstrndup(skip_ws(s, end),
			    (size_t)(end - skip_ws(s, end)));

			ps->r->summary = line;
		}
		free(mod);
		return 1;
	}
	return 0;
}

static enum pstep
event_feed(struct pstate *ps, const char *s, size_t len)
{
	return PS_REJECT;
}

const struct dialect dialect_event = {
	"event", event_start, event_feed, NULL, 0
};
