/*
 * parse-pyexc.c: an exception that killed a Python thread.
 *
 * A dialect of the parse stage.  threading's excepthook prints
 *
 *   Exception in thread Thread-1 (worker):
 *   Traceback (most recent call last):
 *     File "x.py", line 5, in worker
 *       code line
 *   ValueError: generator already executing
 *
 * Under free-threading such exceptions are a common symptom of a race in
 * Python code.  "Exception in thread" that is not followed by a traceback
 * is withdrawn: it is not a report.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

enum { PX_WANT_TB = 0, PX_FRAMES, PX_DONE };

static int
pyexc_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);
	char		*th;

	if (!mem_startswith(p, plen, "Exception in thread ") ||
	    p[plen - 1] != ':')
		return 0;
	ps->r = report_new(RK_PYTHON_EXCEPTION);
	ps->r->parts |= RP_PYEXC;
	th = xstrndup(p + 20, plen - 21);
	report_set_attr(ps->r, "thread", th);
	free(th);
	ps->state = PX_WANT_TB;
	return 1;
}

static enum pstep
pyexc_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);
	struct frame	 tmp, *f;
	struct stack	*st;

	switch (ps->state) {
	case PX_WANT_TB:
		if (!mem_startswith(p, plen, "Traceback (most recent call "
		    "last):"))
			return PS_REJECT;
		ps_open_stack(ps, SR_PYTHON, p, plen);
		ps->state = PX_FRAMES;
		return PS_TAKE;
	case PX_FRAMES:
		if (plen == 0)
			return PS_REJECT;
		if (mem_startswith(p, plen, "File \"")) {
			if (frame_parse_python(p, plen, &tmp) != 0)
				return PS_REJECT;
			if ((st = ps_stack(ps)) != NULL &&
			    (f = stack_add_frame(st)) != NULL) {
				tmp.index = (unsigned)(st->nframes - 1);
				*f = tmp;
			} else
				frame_release(&tmp);
			return PS_TAKE;
		}
		if (s[0] == ' ')
			return PS_TAKE;   /* the source line, carets */
		free(ps->r->summary);
		ps->r->summary = xstrndup(p, plen);
		ps->state = PX_DONE;
		return PS_TAKE_END;
	default:
		return PS_REJECT;
	}
}

static void
pyexc_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	const char	*th = report_attr(r, "thread");

	if (ps->state == PX_WANT_TB) {
		report_free(r);
		ps->r = NULL;
		return;
	}
	if (ps->state != PX_DONE)
		report_set_missing(r, "the traceback was cut short");
	/* Traceback frames are oldest first; report them newest first. */
	if (r->nstacks > 0) {
		struct stack *st = &r->stacks[0];
		size_t i;

		for (i = 0; i < st->nframes / 2; i++) {
			struct frame t = st->frames[i];

			st->frames[i] = st->frames[st->nframes - 1 - i];
			st->frames[st->nframes - 1 - i] = t;
		}
		for (i = 0; i < st->nframes; i++)
			st->frames[i].index = (unsigned)i;
	}
	xasprintf(&r->title, "%s in thread %s", r->summary ? r->summary :
	    "exception", th ? th : "?");
}

const struct dialect dialect_pyexc = {
	"pyexc", pyexc_start, pyexc_feed, pyexc_close, 0
};
