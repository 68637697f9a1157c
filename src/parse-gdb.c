/*
 * parse-gdb.c: gdb backtraces, one thread ("bt") or all ("thread apply
 * all bt").
 *
 * A dialect of the parse stage.  gdb prints "#N  0xADDR in func (args) at
 * file:line" and wraps long frames over several lines, indenting the
 * continuation; frames of an inline chain after the first have no address.
 * A backtrace may follow "Thread 6 "name" received signal SIGABRT" or
 * "Program received signal ...", and "thread apply all bt" gives one
 * "Thread N (Thread 0x... (LWP n)):" section per thread.  A backtrace right
 * after a Python fatal error joins that report (parse.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

enum { GDB_BODY = 0, GDB_DONE };

/* "Thread 6 "x" received signal SIGABRT, Aborted." and friends. */
static int
signal_line(const char *p, size_t len)
{
	return (mem_startswith(p, len, "Thread ") &&
	    mem_find(p, len, " received signal ") != NULL) ||
	    mem_startswith(p, len, "Program received signal ") ||
	    mem_startswith(p, len, "Program terminated with signal ");
}

/* "Thread 3 (Thread 0x7f.. (LWP 123)):" or "Thread 2 (LWP 9):" */
static int
thread_header(const char *p, size_t len)
{
	return mem_startswith(p, len, "Thread ") && len > 10 &&
	    p[len - 1] == ':' && p[len - 2] == ')' &&
	    memchr(p, '(', len) != NULL && p[7] >= '0' && p[7] <= '9';
}

/* Parse the frame collected in ps->pending into the current stack. */
static void
gdb_flush(struct pstate *ps)
{
	struct frame	 tmp, *f;
	struct stack	*st;

	if (ps->pending.len == 0)
		return;
	if (frame_parse_gdb(ps->pending.data, ps->pending.len, &tmp) != 0) {
		report_set_missing(ps->r, "a frame line could not be read");
		buf_reset(&ps->pending);
		return;
	}
	buf_reset(&ps->pending);
	if ((st = ps_stack(ps)) == NULL) {
		frame_release(&tmp);
		return;
	}
	ps_check_index(ps, tmp.index);
	/* A frame with no pc after #0 is the caller in an inline chain. */
	if (!tmp.has_address && tmp.index > 0 && st->nframes > 0)
		st->frames[st->nframes - 1].inlined = 1;
	if ((f = stack_add_frame(st)) == NULL) {
		frame_release(&tmp);
		return;
	}
	*f = tmp;
}

static int
gdb_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);
	char		*v;

	if (plen < 6)
		return 0;
	if (signal_line(p, plen)) {
		ps->r = report_new(RK_GDB_BACKTRACE);
		ps->r->parts |= RP_GDB;
		v = xstrndup(p, plen);
		report_set_attr(ps->r, "signal", v);
		free(v);
		ps->r->title = xstrndup(p, plen);
		ps->state = GDB_BODY;
		return 1;
	}
	if (thread_header(p, plen) || line_is_gdb_frame(p, plen)) {
		ps->r = report_new(RK_GDB_BACKTRACE);
		ps->r->parts |= RP_GDB;
		ps->state = GDB_BODY;
		if (thread_header(p, plen))
			ps_open_stack(ps, SR_NATIVE, p, plen);
		else {
			ps_open_stack(ps, SR_CURRENT, NULL, 0);
			buf_add(&ps->pending, p, plen);
		}
		return 1;
	}
	return 0;
}

static enum pstep
gdb_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);

	if (ps->state == GDB_DONE)
		return PS_REJECT;
	if (plen == 0) {
		gdb_flush(ps);
		ps->blanks++;
		return ps->blanks > 2 ? PS_REJECT : PS_TAKE;
	}
	if (*p == '#' && line_is_gdb_frame(p, plen)) {
		gdb_flush(ps);
		ps->blanks = 0;
		if (ps->cur < 0)
			ps_open_stack(ps, ps->r->nstacks == 0 ? SR_CURRENT :
			    SR_NATIVE, NULL, 0);
		buf_add(&ps->pending, p, plen);
		return PS_TAKE;
	}
	if (thread_header(p, plen)) {
		gdb_flush(ps);
		ps->blanks = 0;
		ps_open_stack(ps, SR_NATIVE, p, plen);
		return PS_TAKE;
	}
	/* A wrapped frame continues on an indented line. */
	if (ps->pending.len > 0 && s[0] == ' ' && ps->blanks == 0) {
		buf_addc(&ps->pending, ' ');
		buf_add(&ps->pending, p, plen);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "(More stack frames follow") ||
	    mem_startswith(p, plen, "Backtrace stopped") ||
	    mem_startswith(p, plen, "[Switching to ") ||
	    mem_startswith(p, plen, "[Current thread is ") ||
	    mem_startswith(p, plen, "[New Thread ") ||
	    mem_startswith(p, plen, "[Thread debugging")) {
		gdb_flush(ps);
		return PS_TAKE;
	}
	return PS_REJECT;
}

static void
gdb_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	const char	*fn = NULL;
	size_t		 i;

	gdb_flush(ps);
	if (r->nstacks == 0 || r->stacks[0].nframes == 0)
		report_set_missing(r, "no backtrace frames");
	for (i = 0; r->nstacks > 0 && i < r->stacks[0].nframes; i++)
		if ((fn = r->stacks[0].frames[i].function) != NULL)
			break;
	if (r->title == NULL) {
		if (fn != NULL)
			xasprintf(&r->title, "gdb backtrace in %s", fn);
		else
			r->title = xstrdup("gdb backtrace");
	}
}

const struct dialect dialect_gdb = {
	"gdb", gdb_start, gdb_feed, gdb_close, 1
};
