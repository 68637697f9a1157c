/*
 * parse-lldb.c: lldb backtraces ("bt", "thread backtrace all").
 *
 * A dialect of the parse stage.  lldb prints "* thread #1, name = 'x',
 * stop reason = ..." and then "frame #N: 0xADDR module`func(args) + 42 at
 * file.c:12".  Like a gdb backtrace, one right after a Python fatal error
 * joins that report.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

static int
thread_line(const char *p, size_t len)
{
	if (len > 0 && *p == '*')
		p++, len--;
	while (len > 0 && *p == ' ')
		p++, len--;
	return mem_startswith(p, len, "thread #") &&
	    mem_find(p, len, "stop reason") != NULL;
}

static int
is_frame(const char *p, size_t len)
{
	if (len > 0 && *p == '*')
		p++, len--;
	while (len > 0 && *p == ' ')
		p++, len--;
	return mem_startswith(p, len, "frame #") &&
	    mem_find(p, len, ": 0x") != NULL;
}

static void
lldb_add(struct pstate *ps, const char *p, size_t len)
{
	struct frame	 tmp;

	if (frame_parse_lldb(p, len, &tmp) != 0) {
		report_set_missing(ps->r, "a frame line could not be read");
		return;
	}
	ps_add_frame(ps, &tmp);
}

static int
lldb_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);

	if (thread_line(p, plen)) {
		ps->r = report_new(RK_LLDB_BACKTRACE);
		ps->r->parts |= RP_LLDB;
		ps_open_stack(ps, SR_CURRENT, p, plen);
		return 1;
	}
	if (is_frame(p, plen)) {
		ps->r = report_new(RK_LLDB_BACKTRACE);
		ps->r->parts |= RP_LLDB;
		ps_open_stack(ps, SR_CURRENT, NULL, 0);
		lldb_add(ps, p, plen);
		return 1;
	}
	return 0;
}

static enum pstep
lldb_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);

	if (plen == 0) {
		ps->blanks++;
		return ps->blanks > 1 ? PS_REJECT : PS_TAKE;
	}
	ps->blanks = 0;
	if (thread_line(p, plen)) {
		ps_open_stack(ps, SR_NATIVE, p, plen);
		return PS_TAKE;
	}
	if (is_frame(p, plen)) {
		lldb_add(ps, p, plen);
		return PS_TAKE;
	}
	return PS_REJECT;
}

static void
lldb_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	size_t		 i;

	if (r->title != NULL)
		return;
	for (i = 0; r->nstacks > 0 && i < r->stacks[0].nframes; i++)
		if (r->stacks[0].frames[i].function != NULL) {
			xasprintf(&r->title, "lldb backtrace in %s",
			    r->stacks[0].frames[i].function);
			return;
		}
	r->title = xstrdup("lldb backtrace");
}

const struct dialect dialect_lldb = {
	"lldb", lldb_start, lldb_feed, lldb_close, 1
};
