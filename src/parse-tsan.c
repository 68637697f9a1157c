/*
 * parse-tsan.c: ThreadSanitizer reports.
 *
 * A dialect of the parse stage.  The report grammar is compiler-rt's
 * (tsan_report.cpp): a "WARNING: ThreadSanitizer: <type> (pid=N)" header,
 * sections introduced by a line ending in ':' ("  Write of size 8 at ... by
 * thread T1:", "  Previous read ...", "  Location is heap block ...",
 * "  Mutex M0 (0x...) created at:", "  Thread T1 ... created by ... at:")
 * each followed by frames, a "SUMMARY: ThreadSanitizer: ..." line, and a
 * "==================" separator.  Besides the WARNING reports TSan prints
 * fatal start-up failures (unexpected memory mapping, the ASLR personality
 * CHECK), allocator errors and SEGVs in ASan's shape; all are read here.
 *
 * Indentation is not trusted (pytest's "E   " prefix shifts it); sections
 * are recognised by their words.  A report cut short, missing its header
 * or interrupted by another report is kept and marked with what is missing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

enum { TS_BODY = 0, TS_DONE };

static const struct {
	const char	*type;
	enum report_kind kind;
} tsan_types[] = {
	{ "data race on vptr (ctor/dtor vs virtual call)", RK_TSAN_DATA_RACE_VPTR },
	{ "data race", RK_TSAN_DATA_RACE },
	{ "heap-use-after-free (virtual call vs free)", RK_TSAN_HEAP_USE_AFTER_FREE },
	{ "heap-use-after-free", RK_TSAN_HEAP_USE_AFTER_FREE },
	{ "race on external object", RK_TSAN_EXTERNAL_RACE },
	{ "thread leak", RK_TSAN_THREAD_LEAK },
	{ "destroy of a locked mutex", RK_TSAN_MUTEX_DESTROY_LOCKED },
	{ "double lock of a mutex", RK_TSAN_MUTEX_DOUBLE_LOCK },
	{ "use of an invalid mutex (e.g. uninitialized or destroyed)", RK_TSAN_MUTEX_INVALID },
	{ "unlock of an unlocked mutex (or by a wrong thread)", RK_TSAN_MUTEX_BAD_UNLOCK },
	{ "read lock of a write locked mutex", RK_TSAN_MUTEX_BAD_READ_LOCK },
	{ "read unlock of a write locked mutex", RK_TSAN_MUTEX_BAD_READ_UNLOCK },
	{ "signal-unsafe call inside of a signal", RK_TSAN_SIGNAL_UNSAFE_CALL },
	{ "signal handler spoils errno", RK_TSAN_SIGNAL_ERRNO },
	{ "lock-order-inversion (potential deadlock)", RK_TSAN_LOCK_ORDER_INVERSION },
	{ "mutex held in the wrong context", RK_TSAN_MUTEX_WRONG_CONTEXT },
};

/* Section headers, by their first words, and the stack role they open. */
static const struct {
	const char	*prefix;
	enum stack_role	 role;
} tsan_sections[] = {
	{ "Previous ",			SR_PREVIOUS },
	{ "Read of size ",		SR_CURRENT },
	{ "Write of size ",		SR_CURRENT },
	{ "Atomic read of size ",	SR_CURRENT },
	{ "Atomic write of size ",	SR_CURRENT },
	{ "Location is heap block ",	SR_ALLOCATION },
	{ "Location is ",		SR_LOCATION },
	{ "Mutex ",			SR_MUTEX },
	{ "Thread ",			SR_THREAD_CREATION },
	{ "As if synchronized via sleep", SR_UNKNOWN },
};

static int
is_separator(const char *s, size_t len)
{
	size_t	i;

	if (len < 10)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != '=')
			return 0;
	return 1;
}

static long
parse_pid(const char *p, const char *end)
{
	uint64_t	 v;
	const char	*d = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == d || parse_u64(d, (size_t)(p - d), 10, &v) != 0 ||
	    v > 0x7fffffff)
		return -1;
	return (long)v;
}

/* The thread named in "... by thread T1 ..." / "by main thread". */
static char *
access_thread(const char *s, size_t len)
{
	const char *p, *end = s + len, *e;

	if ((p = mem_find(s, len, " by main thread")) != NULL)
		return xstrdup("main thread");
	if ((p = mem_find(s, len, " by thread ")) != NULL) {
		p += 11;
		for (e = p; e < end && *e != ' ' && *e != ':' && *e != ','; e++)
			;
		return xstrndup(p, (size_t)(e - p));
	}
	if (mem_startswith(s, len, "Thread ")) {
		p = s + 7;
		for (e = p; e < end && *e != ' ' && *e != ':'; e++)
			;
		return xstrndup(p, (size_t)(e - p));
	}
	return NULL;
}

/* Start a report from a header found at 'h' ("ThreadSanitizer: ..."). */
static int
tsan_start_header(struct pstate *ps, const char *s, size_t len,
    const char *h)
{
	const char	*end = s + len, *t = h + 17, *pid;
	const char	*lead = skip_ws(s, end);
	size_t		 leadlen = (size_t)(h - lead), i, tlen;
	struct report	*r;
	char		*type;

	/* "WARNING: ThreadSanitizer: <type> (pid=N)" */
	if ((pid = mem_find(t, (size_t)(end - t), " (pid=")) != NULL &&
	    (leadlen == 0 || (leadlen <= 9 &&
	    memcmp(lead, "WARNING: " + (9 - leadlen), leadlen) == 0) ||
	    (leadlen > 9 && memcmp(h - 9, "WARNING: ", 9) == 0))) {
		tlen = (size_t)(pid - t);
		r = report_new(RK_TSAN_OTHER);
		for (i = 0; i < nitems(tsan_types); i++)
			if (strlen(tsan_types[i].type) == tlen &&
			    memcmp(tsan_types[i].type, t, tlen) == 0) {
				r->kind = tsan_types[i].kind;
				break;
			}
		type = xstrndup(t, tlen);
		report_set_attr(r, "tsan_type", type);
		free(type);
		r->pid = parse_pid(pid + 6, end);
		if (leadlen < 9)
			report_set_missing(r, "the header line lost its "
			    "beginning");
		goto opened;
	}
	/* Start-up and runtime failures printed by the TSan runtime. */
	if (mem_startswith(t, (size_t)(end - t), "unexpected memory mapping") ||
	    mem_startswith(t, (size_t)(end - t), "memory layout is incompatible") ||
	    mem_startswith(t, (size_t)(end - t), "Thread limit")) {
		r = report_new(RK_TSAN_ENV);
		r->title = xstrndup(h, trim_len(h, (size_t)(end - h)));
		goto opened;
	}
	if (mem_startswith(t, (size_t)(end - t), "CHECK failed:")) {
		r = report_new(mem_find(t, (size_t)(end - t), "personality") ?
		    RK_TSAN_ENV : RK_TSAN_CHECK_FAILED);
		r->title = xstrndup(h, trim_len(h, (size_t)(end - h)));
		goto opened;
	}
	if (mem_startswith(t, (size_t)(end - t), "SEGV on unknown address") ||
	    mem_startswith(t, (size_t)(end - t), "SEGV ") ||
	    mem_startswith(t, (size_t)(end - t), "BUS on unknown address")) {
		r = report_new(RK_TSAN_SEGV);
		r->title = xstrndup(t, trim_len(t, (size_t)(end - t)));
		if (lead[0] == '=' && lead[1] == '=')
			r->pid = parse_pid(lead + 2, end);
		goto opened;
	}
	if (mem_startswith(t, (size_t)(end - t), "requested allocation size") ||
	    mem_startswith(t, (size_t)(end - t), "allocator is out of memory") ||
	    mem_startswith(t, (size_t)(end - t), "out of memory")) {
		r = report_new(RK_TSAN_ALLOCATOR);
		r->title = xstrndup(t, trim_len(t, (size_t)(end - t)));
		goto opened;
	}
	if (mem_startswith(t, (size_t)(end - t), "nested bug")) {
		r = report_new(RK_TSAN_OTHER);
		r->title = xstrndup(h, trim_len(h, (size_t)(end - h)));
		goto opened;
	}
	return 0;
opened:
	r->parts |= RP_TSAN;
	ps->r = r;
	ps->state = TS_BODY;
	return 1;
}

static void
tsan_add_frame(struct pstate *ps, const char *s, size_t len)
{
	struct frame	 tmp, *f;
	struct stack	*st;

	if (frame_parse_sanitizer(s, len, &tmp) != 0) {
		report_set_missing(ps->r, "a frame line could not be read");
		return;
	}
	if ((st = ps_stack(ps)) == NULL) {
		frame_release(&tmp);
		return;
	}
	ps_check_index(ps, tmp.index);
	if ((f = stack_add_frame(st)) == NULL) {
		frame_release(&tmp);
		return;
	}
	*f = tmp;
	/* Frame #0 of a SEGV is the faulting pc itself. */
	if (ps->r->kind == RK_TSAN_SEGV && f->index == 0 &&
	    ps->r->nstacks == 1)
		f->pc = PC_EXACT;
}

static int
tsan_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*h;

	if (len < 10)
		return 0;
	if ((h = mem_find(s, len, "ThreadSanitizer: ")) != NULL)
		return tsan_start_header(ps, s, len, h);
	/*
	 * A header cut inside its first word ("adSanitizer: data race (pid=1)"):
	 * rebuild the word and read it as a header that lost its beginning.
	 */
	if ((h = mem_find(s, len, "Sanitizer: ")) != NULL &&
	    mem_find(h, (size_t)(s + len - h), " (pid=") != NULL) {
		const char *lead = skip_ws(s, s + len);
		size_t	    n = (size_t)(h - lead);
		struct buf  b;
		int	    ok = 0;

		if (n < 6 && memcmp("Thread" + (6 - n), lead, n) == 0) {
			buf_init(&b, FT_LINE_MAX + 32);
			buf_adds(&b, "ThreadSanitizer: ");
			buf_add(&b, h + 11, (size_t)(s + len - h - 11));
			ok = tsan_start_header(ps, b.data, b.len, b.data);
			buf_release(&b);
			if (ok)
				report_set_missing(ps->r, "the header line lost "
				    "its beginning");
		}
		return ok;
	}
	/* A report whose header is lost: it starts at a TSan-shaped frame. */
	if (line_is_sanitizer_frame(s, len)) {
		const char *p = skip_ws(s, s + len);

		while (p < s + len && *p != ' ')
			p++;
		if (p + 3 < s + len && p[1] == '0' && p[2] == 'x')
			return 0;   /* ASan shape: the asan dialect's */
		ps->r = report_new(RK_TSAN_OTHER);
		ps->r->parts |= RP_TSAN;
		report_set_missing(ps->r, "no header: the report starts at a "
		    "stack frame");
		ps->state = TS_BODY;
		tsan_add_frame(ps, s, len);
		return 1;
	}
	return 0;
}

/* "SUMMARY: ThreadSanitizer: data race /p/f.c:3 in w" or "(/p/m+0x..)". */
static void
tsan_summary(struct pstate *ps, const char *p, size_t len)
{
	const char	*end = p + len, *in, *paren, *plus;
	struct report	*r = ps->r;

	free(r->summary);
	r->summary = xstrndup(p, len);
	if ((in = mem_find(p, len, " in ")) != NULL) {
		const char *fn = in + 4;
		char *s = xstrndup(fn, trim_len(fn, (size_t)(end - fn)));

		report_set_attr(r, "summary_function", s);
		free(s);
	}
	if ((paren = memchr(p, '(', len)) != NULL &&
	    (plus = mem_find(paren, (size_t)(end - paren), "+0x")) != NULL &&
	    memchr(paren, '/', (size_t)(plus - paren)) != NULL) {
		char *s = xstrndup(paren + 1, (size_t)(plus - paren - 1));

		report_set_attr(r, "summary_module", s);
		free(s);
	}
}

static enum pstep
tsan_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p), i;
	struct stack	*st;

	if (ps->state == TS_DONE)
		return PS_REJECT;
	if (plen == 0) {
		ps->blanks++;
		return ps->blanks > 4 ? PS_REJECT : PS_TAKE;
	}
	ps->blanks = 0;
	if (is_separator(p, plen)) {
		if (ps->seen_summary || ps->r->kind == RK_TSAN_ENV) {
			ps->state = TS_DONE;
			return PS_TAKE_END;
		}
		return PS_REJECT;
	}
	if (ps->seen_summary) {
		/* SEGV/allocator reports end with ==N==ABORTING. */
		if (p[0] == '=' && p[1] == '=' &&
		    mem_find(p, plen, "==ABORTING") != NULL) {
			ps->state = TS_DONE;
			return PS_TAKE_END;
		}
		if (mem_find(p, plen, "Sanitizer:DEADLYSIGNAL") != NULL)
			return PS_TAKE;
		return PS_REJECT;
	}
	if (mem_startswith(p, plen, "SUMMARY: ThreadSanitizer: ")) {
		tsan_summary(ps, p + 26, plen - 26);
		ps->seen_summary = 1;
		return PS_TAKE;
	}
	if (*p == '#') {
		if (!line_is_sanitizer_frame(p, plen))
			return PS_REJECT;
		tsan_add_frame(ps, p, plen);
		return PS_TAKE;
	}
	if (mem_find(p, plen, "ThreadSanitizer: ") != NULL &&
	    !mem_startswith(p, plen, "ThreadSanitizer: CHECK"))
		return PS_REJECT;     /* the next report: this one was cut */
	if (mem_startswith(p, plen, "[failed to restore the stack]")) {
		report_set_attr(ps->r, "failed_to_restore_stack", "yes");
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "Cycle in lock order graph: ")) {
		char *v = xstrndup(p + 27, plen - 27);

		report_set_attr(ps->r, "lock_cycle", v);
		free(v);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "HINT: ") ||
	    mem_startswith(p, plen, "And ") ||
	    mem_startswith(p, plen, "Re-execing") ||
	    mem_startswith(p, plen, "N.B. ")) {
		char *v = xstrndup(p, plen);

		report_set_attr(ps->r, mem_startswith(p, plen, "And ") ?
		    "more" : "hint", v);
		free(v);
		return PS_TAKE;
	}
	if (p[0] == '=' && p[1] == '=') {
		/* ==N==The signal is caused by a READ memory access. */
		const char *q = memchr(p + 2, '=', plen - 2);

		if (q != NULL && q + 1 < end && q[1] == '=') {
			if (mem_find(p, plen, "==ABORTING") != NULL) {
				ps->state = TS_DONE;
				return PS_TAKE_END;
			}
			return PS_TAKE;
		}
		return PS_REJECT;
	}
	if (mem_startswith(p, plen, "Location is global ") ||
	    mem_startswith(p, plen, "Location is stack ") ||
	    mem_startswith(p, plen, "Location is TLS ")) {
		char *v = xstrndup(p + 12, plen - 12);

		report_set_attr(ps->r, "location", v);
		free(v);
		if (p[plen - 1] != ':')
			return PS_TAKE;
	}
	if (p[plen - 1] == ':' || mem_startswith(p, plen, "Location is ")) {
		for (i = 0; i < nitems(tsan_sections); i++)
			if (mem_startswith(p, plen, tsan_sections[i].prefix))
				break;
		if (i == nitems(tsan_sections)) {
			if (!(*p >= 'A' && *p <= 'Z'))
				return PS_REJECT;
			st = ps_open_stack(ps, SR_UNKNOWN, p, plen);
		} else {
			enum stack_role role = tsan_sections[i].role;

			/* A second plain access is not "previous" in TSan's
			 * words, but it is the other side of the race. */
			if (role == SR_CURRENT) {
				size_t j;

				for (j = 0; j < ps->r->nstacks; j++)
					if (ps->r->stacks[j].role == SR_CURRENT)
						role = SR_PREVIOUS;
			}
			st = ps_open_stack(ps, role, p, plen);
		}
		if (st != NULL && st->thread == NULL)
			st->thread = access_thread(p, plen);
		return PS_TAKE;
	}
	/* Start-up failure follow-ups and other runtime lines. */
	if (ps->r->kind == RK_TSAN_ENV || ps->r->kind == RK_TSAN_CHECK_FAILED ||
	    ps->r->kind == RK_TSAN_SEGV || ps->r->kind == RK_TSAN_ALLOCATOR) {
		if (mem_find(p, plen, "Sanitizer") != NULL ||
		    mem_startswith(p, plen, "Hint:"))
			return PS_TAKE;
	}
	return PS_REJECT;
}

/* Title: "<type> in <function>", the function from SUMMARY or frame #0. */
static void
tsan_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	const char	*type, *fn = report_attr(r, "summary_function");
	size_t		 i, j;

	if (!ps->seen_summary && r->kind != RK_TSAN_ENV &&
	    r->kind != RK_TSAN_CHECK_FAILED)
		report_set_missing(r, "no SUMMARY line (the report was cut "
		    "short)");
	if (r->nstacks == 0 && r->kind != RK_TSAN_ENV &&
	    r->kind != RK_TSAN_CHECK_FAILED)
		report_set_missing(r, "no stack");
	for (i = 0; fn == NULL && i < r->nstacks; i++)
		for (j = 0; j < r->stacks[i].nframes; j++)
			if (r->stacks[i].frames[j].function != NULL) {
				fn = r->stacks[i].frames[j].function;
				break;
			}
	if (r->title != NULL)
		return;
	type = report_attr(r, "tsan_type");
	if (type == NULL)
		type = report_kind_name(r->kind);
	if (fn != NULL)
		xasprintf(&r->title, "%s in %s", type, fn);
	else
		r->title = xstrdup(type);
}

const struct dialect dialect_tsan = {
	"tsan", tsan_start, tsan_feed, tsan_close, 0
};
