/*
 * parse-build.c: compiler errors in build logs.
 *
 * A dialect of the parse stage.  Free-threaded builds fail in a handful of
 * known ways (old Cython output, the limited API, MSVC atomics, direct
 * ob_refcnt access); the rules name them, this file finds the errors:
 *
 *   gcc/clang  path/file.c:12:5: error: message      (also "fatal error:")
 *                 12 | source line
 *                    |     ^~~~
 *   MSVC       path\file.c(12): fatal error C1189: message
 *              LINK : fatal error LNK1104: cannot open file 'x.lib'
 *   rustc      error[E0425]: message
 *                --> src/lib.rs:3:5
 *
 * Each error is one report whose single frame is the error's location; the
 * function named on the quoted source line, when there is one, is kept as
 * the frame's function.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

/* "path:12:5" or "path:12" before ": error:"; fills the frame. */
static int
gcc_location(const char *p, const char *colon, struct frame *f)
{
	const char	*q = colon, *d1, *d2 = NULL;
	unsigned	 a, b;

	d1 = q;
	while (d1 > p && d1[-1] >= '0' && d1[-1] <= '9')
		d1--;
	if (d1 == q || d1 == p || d1[-1] != ':')
		return -1;
	if (parse_uint(d1, (size_t)(q - d1), &b) != 0)
		return -1;
	q = d1 - 1;
	d2 = q;
	while (d2 > p && d2[-1] >= '0' && d2[-1] <= '9')
		d2--;
	if (d2 < q && d2 > p && d2[-1] == ':' &&
	    parse_uint(d2, (size_t)(q - d2), &a) == 0) {
		f->line = a;
		f->column = b;
		q = d2 - 1;
	} else
		f->line = b;
	if (q == p || memchr(p, ' ', (size_t)(q - p)) != NULL)
		return -1;
	f->file = xstrndup(p, (size_t)(q - p));
	return 0;
}

/* MSVC "path(12): ..." or "path(12,5): ..." */
static int
msvc_location(const char *p, const char *colon, struct frame *f)
{
	const char	*open, *close = colon - 1;
	unsigned	 line;

	if (close <= p || *close != ')')
		return -1;
	for (open = close; open > p && *open != '('; open--)
		;
	if (open == p)
		return -1;
	{
		const char *c = memchr(open, ',', (size_t)(close - open));
		const char *e = c ? c : close;

		if (parse_uint(open + 1, (size_t)(e - open - 1), &line) != 0)
			return -1;
	}
	f->line = line;
	f->file = xstrndup(p, (size_t)(open - p));
	return 0;
}

static void
open_error(struct pstate *ps, const char *msg, size_t msglen,
    struct frame *loc)
{
	struct stack	*st;
	struct frame	*f;

	ps->r = report_new(RK_BUILD_ERROR);
	ps->r->parts |= RP_BUILD;
	ps->r->title = xstrndup(msg, trim_len(msg, msglen));
	ps->r->summary = xstrdup(ps->r->title);
	st = ps_open_stack(ps, SR_CURRENT, NULL, 0);
	if (st != NULL && (f = stack_add_frame(st)) != NULL) {
		*f = *loc;
		f->pc = PC_NONE;
	} else
		frame_release(loc);
}

static int
build_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end), *e;
	size_t		 plen = (size_t)(end - p);
	struct frame	 loc;

	if (plen < 10)
		return 0;
	memset(&loc, 0, sizeof loc);
	if ((e = mem_find(p, plen, ": error: ")) != NULL ||
	    (e = mem_find(p, plen, ": fatal error: ")) != NULL) {
		if (gcc_location(p, e, &loc) == 0) {
			open_error(ps, e + 2, (size_t)(end - e - 2), &loc);
			return 1;
		}
		frame_release(&loc);
		if (msvc_location(p, e, &loc) == 0) {
			open_error(ps, e + 2, (size_t)(end - e - 2), &loc);
			return 1;
		}
		frame_release(&loc);
		return 0;
	}
	if ((e = mem_find(p, plen, ": fatal error C")) != NULL ||
	    (e = mem_find(p, plen, ": error C")) != NULL ||
	    (e = mem_find(p, plen, ": fatal error LNK")) != NULL ||
	    (e = mem_find(p, plen, ": error LNK")) != NULL) {
		if (msvc_location(p, e, &loc) != 0) {
			frame_release(&loc);
			if (!mem_startswith(p, plen, "LINK : "))
				return 0;
		}
		open_error(ps, e + 2, (size_t)(end - e - 2), &loc);
		return 1;
	}
	if (mem_startswith(p, plen, "error[E") &&
	    (e = memchr(p, ']', plen)) != NULL && e + 2 < end && e[1] == ':') {
		open_error(ps, p, plen, &loc);
		return 1;
	}
	return 0;
}

/* The identifier just before the first '(' of a quoted source line. */
static void
source_function(struct pstate *ps, const char *code, size_t len)
{
	const char	*paren = memchr(code, '(', len), *b;
	struct frame	*f;

	if (paren == NULL || ps->r->nstacks == 0 ||
	    ps->r->stacks[0].nframes == 0)
		return;
	f = &ps->r->stacks[0].frames[0];
	if (f->function != NULL)
		return;
	for (b = paren; b > code && (b[-1] == '_' || (b[-1] >= 'a' &&
	    b[-1] <= 'z') || (b[-1] >= 'A' && b[-1] <= 'Z') ||
	    (b[-1] >= '0' && b[-1] <= '9')); b--)
		;
	if (b < paren && !(*b >= '0' && *b <= '9'))
		f->function = xstrndup(b, (size_t)(paren - b));
}

static enum pstep
build_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end), *bar;
	size_t		 plen = (size_t)(end - p);

	if (plen == 0)
		return PS_REJECT;
	/* " 4543 | code" and "      |   ^~~~" */
	if ((bar = memchr(p, '|', plen)) != NULL && bar + 1 <= end) {
		const char *q = p;

		while (q < bar && *q >= '0' && *q <= '9')
			q++;
		q = skip_ws(q, bar);
		if (q == bar) {
			if (bar > p && p[0] >= '0' && p[0] <= '9')
				source_function(ps, bar + 1,
				    (size_t)(end - bar - 1));
			return PS_TAKE;
		}
	}
	/* rustc's "  --> src/lib.rs:3:5" */
	if (mem_startswith(p, plen, "--> ") && ps->r->nstacks > 0 &&
	    ps->r->stacks[0].nframes > 0 &&
	    ps->r->stacks[0].frames[0].file == NULL) {
		struct frame *f = &ps->r->stacks[0].frames[0];
		struct frame  loc;
		const char   *colon = end;

		memset(&loc, 0, sizeof loc);
		if (gcc_location(p + 4, colon, &loc) == 0) {
			f->file = loc.file;
			f->line = loc.line;
			f->column = loc.column;
		} else
			frame_release(&loc);
		return PS_TAKE;
	}
	if (mem_find(p, plen, ": note: ") != NULL)
		return PS_TAKE;
	return PS_REJECT;
}

const struct dialect dialect_build = {
	"build", build_start, build_feed, NULL, 0
};
