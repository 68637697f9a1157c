/*
 * parse-python.c: CPython's fatal errors and faulthandler dumps.
 *
 * A dialect of the parse stage.  Py_FatalError prints
 *
 *   Fatal Python error: <function>: <message>
 *   Python runtime state: initialized
 *
 *   Current thread 0x00007f.. [name] (most recent call first):
 *     File "x.py", line 5 in func
 *   Thread 0x...                       (other threads)
 *   Current thread's C stack trace (most recent call first):   (3.14+)
 *     Binary file "/path/mod.so", at func+0x42 [0x7f..]
 *   Extension modules: numpy._core._multiarray_umath, ... (total: 2)
 *
 * faulthandler prints the same thread dumps for fatal signals ("Fatal
 * Python error: Segmentation fault", on Windows "Windows fatal exception:
 * access violation") and, with no fatal error, on a timeout ("Timeout
 * (0:10:00)!").  A dump that starts on its own joins a fatal error printed
 * just before it (parse.c holds the fatal error for a few lines).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

enum { PY_BODY = 0, PY_DONE };

/* "Current thread 0x.. (most recent call first):" and friends. */
static int
dump_header(const char *p, size_t len, char **thread)
{
	const char	*t, *e;

	*thread = NULL;
	if (len < 20 || p[len - 1] != ':' ||
	    mem_find(p, len, "(most recent call first)") == NULL)
		return 0;
	if (mem_startswith(p, len, "Current thread's C stack trace"))
		return 2;
	if (mem_startswith(p, len, "Stack ("))
		return 1;
	if (mem_startswith(p, len, "Current thread 0x"))
		t = p + 15;
	else if (mem_startswith(p, len, "Thread 0x"))
		t = p + 7;
	else
		return 0;
	for (e = t; e < p + len && *e != ' '; e++)
		;
	*thread = xstrndup(t, (size_t)(e - t));
	return 1;
}

static int
python_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end), *m;
	size_t		 plen = (size_t)(end - p);
	char		*thread;
	int		 h;

	if (plen < 8)
		return 0;
	/* pytest -v prints the test id, then the crash on the same line. */
	if ((m = mem_find(p, plen, "Fatal Python error")) != NULL ||
	    (m = mem_find(p, plen, "Windows fatal exception: ")) != NULL) {
		p = m;
		plen = (size_t)(end - p);
	}
	if (mem_startswith(p, plen, "Fatal Python error") ||
	    mem_startswith(p, plen, "Windows fatal exception: ")) {
		ps->r = report_new(RK_PYTHON_FATAL);
		ps->r->parts |= RP_PYTHON_FATAL;
		ps->r->title = xstrndup(p, plen);
		m = memchr(p, ':', plen);
		if (m != NULL) {
			m = skip_ws(m + 1, end);
			ps->r->summary = xstrndup(m, (size_t)(end - m));
		}
		ps->state = PY_BODY;
		return 1;
	}
	if (mem_startswith(p, plen, "Timeout (") && p[plen - 1] == '!') {
		ps->r = report_new(RK_FAULTHANDLER);
		ps->r->parts |= RP_FAULTHANDLER;
		ps->r->title = xstrndup(p, plen);
		ps->state = PY_BODY;
		return 1;
	}
	if ((h = dump_header(p, plen, &thread)) != 0) {
		ps->r = report_new(RK_FAULTHANDLER);
		ps->r->parts |= RP_FAULTHANDLER;
		ps->r->title = xstrdup("faulthandler thread dump");
		ps_open_stack(ps, h == 2 ? SR_NATIVE : SR_PYTHON, p, plen);
		if (ps->cur >= 0)
			ps->r->stacks[ps->cur].thread = thread;
		else
			free(thread);
		ps->state = PY_BODY;
		return 1;
	}
	return 0;
}

static void
python_add_frame(struct pstate *ps, struct frame *tmp)
{
	struct stack	*st;
	struct frame	*f;

	if ((st = ps_stack(ps)) == NULL ||
	    (f = stack_add_frame(st)) == NULL) {
		frame_release(tmp);
		return;
	}
	tmp->index = (unsigned)(st->nframes - 1);
	*f = *tmp;
}

static enum pstep
python_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);
	struct report	*r = ps->r;
	struct frame	 tmp;
	char		*thread, *v;
	int		 h;

	if (ps->state == PY_DONE)
		return PS_REJECT;
	if (plen == 0) {
		ps->blanks++;
		return ps->blanks > 2 ? PS_REJECT : PS_TAKE;
	}
	ps->blanks = 0;
	if (mem_startswith(p, plen, "File \"")) {
		if (frame_parse_python(p, plen, &tmp) != 0)
			return PS_REJECT;
		if (ps->cur < 0)
			ps_open_stack(ps, SR_PYTHON, NULL, 0);
		python_add_frame(ps, &tmp);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "Binary file \"")) {
		if (frame_parse_binary_file(p, plen, &tmp) != 0)
			return PS_REJECT;
		python_add_frame(ps, &tmp);
		return PS_TAKE;
	}
	if ((h = dump_header(p, plen, &thread)) != 0) {
		ps_open_stack(ps, h == 2 ? SR_NATIVE : SR_PYTHON, p, plen);
		if (ps->cur >= 0)
			r->stacks[ps->cur].thread = thread;
		else
			free(thread);
		r->parts |= RP_FAULTHANDLER;
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "Python runtime state: ")) {
		v = xstrndup(p + 22, plen - 22);
		report_set_attr(r, "runtime_state", v);
		free(v);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "Extension modules: ")) {
		v = xstrndup(p + 19, plen - 19);
		report_set_attr(r, "extension_modules", v);
		free(v);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "<no Python frame>")) {
		if (ps->cur >= 0)
			ps->other = 1;   /* an empty stack, said so */
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "<Cannot show all threads")) {
		report_set_attr(r, "other_threads", "not shown (GIL disabled)");
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "<truncated rest of calls>") ||
	    mem_startswith(p, plen, "<cannot get C stack")) {
		report_set_attr(r, "c_stack", p[1] == 't' ? "truncated" :
		    "unavailable");
		return PS_TAKE;
	}
	if (plen == 3 && memcmp(p, "...", 3) == 0) {
		report_set_attr(r, "elided", "frames were left out of the "
		    "log (\"...\")");
		return PS_TAKE;
	}
	if (mem_find(p, plen, "(core dumped)") != NULL ||
	    mem_startswith(p, plen, "Aborted") ||
	    mem_startswith(p, plen, "Segmentation fault")) {
		ps->state = PY_DONE;
		return PS_TAKE_END;
	}
	/* Lines a fatal error prints before its dumps. */
	if (r->kind == RK_PYTHON_FATAL && r->nstacks == 0 &&
	    (mem_startswith(p, plen, "Enable tracemalloc") ||
	    mem_startswith(p, plen, "object address") ||
	    mem_startswith(p, plen, "object refcount") ||
	    mem_startswith(p, plen, "object type") ||
	    mem_startswith(p, plen, "object repr") ||
	    mem_startswith(p, plen, "Debug memory block") ||
	    mem_startswith(p, plen, "<object at ")))
		return PS_TAKE;
	return PS_REJECT;
}

static void
python_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	size_t		 i;

	for (i = 0; i < r->nstacks; i++)
		if (r->stacks[i].nframes == 0 && !ps->other &&
		    r->stacks[i].role == SR_PYTHON)
			report_set_missing(r, "a thread dump has no frames "
			    "(cut short?)");
	if (r->kind == RK_FAULTHANDLER && r->nstacks == 0)
		report_set_missing(r, "no thread dump");
}

const struct dialect dialect_python = {
	"python", python_start, python_feed, python_close, 1
};
