/*
 * parse-asan.c: AddressSanitizer, LeakSanitizer, MemorySanitizer and
 * UndefinedBehaviorSanitizer reports.
 *
 * A dialect of the parse stage.  sanitizer_common prints these in one
 * shape: "==PID==ERROR: AddressSanitizer: <what> ..." then stacks whose
 * frames carry a pc ("#3 0x7f.. in func file.c:12:5"), sections introduced
 * by a line ending in "here:" or "from:", a SUMMARY line, a shadow-memory
 * dump, and "==PID==ABORTING".  UBSan prints "file:line:col: runtime error:
 * <what>", an optional stack and its own SUMMARY.  "DEADLYSIGNAL" lines from
 * other threads may appear anywhere and are skipped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

enum { AS_BODY = 0, AS_AFTER_SUMMARY, AS_DONE };

static const struct {
	const char	*tool;
	enum report_kind kind;
	unsigned	 part;
} asan_tools[] = {
	{ "AddressSanitizer: ",		RK_ASAN, RP_ASAN },
	{ "HWAddressSanitizer: ",	RK_ASAN, RP_ASAN },
	{ "LeakSanitizer: ",		RK_LSAN, RP_LSAN },
	{ "MemorySanitizer: ",		RK_MSAN, RP_MSAN },
};

static long
pid_prefix(const char *p, const char *end)
{
	uint64_t	 v;
	const char	*d;

	if (end - p < 5 || p[0] != '=' || p[1] != '=')
		return -1;
	d = p += 2;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == d || p + 1 >= end || p[0] != '=' || p[1] != '=' ||
	    parse_u64(d, (size_t)(p - d), 10, &v) != 0 || v > 0x7fffffff)
		return -1;
	return (long)v;
}

static void
asan_add_frame(struct pstate *ps, const char *s, size_t len)
{
	struct frame	 tmp, *f;

	if (frame_parse_sanitizer(s, len, &tmp) != 0) {
		report_set_missing(ps->r, "a frame line could not be read");
		return;
	}
	if ((f = ps_add_frame(ps, &tmp)) == NULL)
		return;
	if (f->index == 0 && ps->r->nstacks == 1 &&
	    mem_find(ps->r->title ? ps->r->title : "", ps->r->title ?
	    strlen(ps->r->title) : 0, "SEGV") != NULL)
		f->pc = PC_EXACT;
}

static int
asan_start(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end), *h, *t;
	size_t		 i;
	long		 pid;

	if (len < 12)
		return 0;
	pid = pid_prefix(p, end);
	for (i = 0; i < nitems(asan_tools); i++) {
		if ((h = mem_find(p, (size_t)(end - p), asan_tools[i].tool)) ==
		    NULL)
			continue;
		if (!((h - p >= 7 && memcmp(h - 7, "ERROR: ", 7) == 0) ||
		    (h - p >= 9 && memcmp(h - 9, "WARNING: ", 9) == 0)))
			continue;
		t = h + strlen(asan_tools[i].tool);
		ps->r = report_new(asan_tools[i].kind);
		ps->r->parts |= asan_tools[i].part;
		ps->r->pid = pid;
		ps->r->title = xstrndup(t, trim_len(t, (size_t)(end - t)));
		ps->state = AS_BODY;
		return 1;
	}
	/* UBSan: "file.c:12:5: runtime error: signed integer overflow" */
	if ((h = mem_find(p, (size_t)(end - p), ": runtime error: ")) != NULL) {
		struct frame loc;

		ps->r = report_new(RK_UBSAN);
		ps->r->parts |= RP_UBSAN;
		t = h + 17;
		ps->r->title = xstrndup(t, trim_len(t, (size_t)(end - t)));
		memset(&loc, 0, sizeof loc);
		{
			char *where = xstrndup(p, (size_t)(h - p));

			report_set_attr(ps->r, "location", where);
			free(where);
		}
		ps->state = AS_BODY;
		return 1;
	}
	/* A report whose header is lost, starting at an ASan-shaped frame. */
	if (line_is_sanitizer_frame(p, (size_t)(end - p))) {
		const char *q = p;

		while (q < end && *q != ' ')
			q++;
		if (q + 3 < end && q[1] == '0' && q[2] == 'x') {
			ps->r = report_new(RK_ASAN);
			ps->r->parts |= RP_ASAN;
			report_set_missing(ps->r, "no header: the report starts "
			    "at a stack frame");
			ps->state = AS_BODY;
			asan_add_frame(ps, p, (size_t)(end - p));
			return 1;
		}
	}
	return 0;
}

/* Sections: "freed by thread T0 here:", "Direct leak of 8 byte(s) ...:" */
static enum stack_role
asan_section_role(const char *p, size_t len)
{
	if (mem_startswith(p, len, "freed by "))
		return SR_FREE;
	if (mem_startswith(p, len, "previously allocated by ") ||
	    mem_startswith(p, len, "allocated by ") ||
	    mem_startswith(p, len, "Direct leak of ") ||
	    mem_startswith(p, len, "Indirect leak of "))
		return SR_ALLOCATION;
	if (mem_startswith(p, len, "Thread T") &&
	    mem_find(p, len, " created by ") != NULL)
		return SR_THREAD_CREATION;
	if (mem_startswith(p, len, "READ of size ") ||
	    mem_startswith(p, len, "WRITE of size "))
		return SR_CURRENT;
	return SR_UNKNOWN;
}

static enum pstep
asan_feed(struct pstate *ps, const char *s, size_t len)
{
	const char	*end = s + len, *p = skip_ws(s, end);
	size_t		 plen = (size_t)(end - p);
	struct report	*r = ps->r;
	enum stack_role	 role;

	if (ps->state == AS_DONE)
		return PS_REJECT;
	if (plen == 0) {
		ps->blanks++;
		return ps->blanks > 3 ? PS_REJECT : PS_TAKE;
	}
	ps->blanks = 0;
	if (mem_find(p, plen, "Sanitizer:DEADLYSIGNAL") != NULL)
		return PS_TAKE;
	if (pid_prefix(p, end) >= 0) {
		if (mem_find(p, plen, "==ABORTING") != NULL) {
			ps->state = AS_DONE;
			return PS_TAKE_END;
		}
		if (mem_find(p, plen, "ERROR: ") != NULL)
			return PS_REJECT;   /* another report */
		if (mem_find(p, plen, "The signal is caused by") != NULL) {
			char *v = xstrndup(p, plen);

			report_set_attr(r, "signal", v);
			free(v);
		}
		return PS_TAKE;
	}
	if (*p == '#') {
		if (!line_is_sanitizer_frame(p, plen))
			return PS_REJECT;
		if (ps->state == AS_AFTER_SUMMARY && ps->cur >= 0 &&
		    r->stacks[ps->cur].role != SR_THREAD_CREATION)
			return PS_REJECT;
		asan_add_frame(ps, p, plen);
		return PS_TAKE;
	}
	if (mem_startswith(p, plen, "SUMMARY: ")) {
		if (mem_find(p, plen, "Sanitizer") == NULL)
			return PS_REJECT;
		free(r->summary);
		r->summary = xstrndup(p + 9, plen - 9);
		{
			const char *in = mem_find(p, plen, " in ");

			if (in != NULL) {
				char *fn = xstrndup(in + 4,
				    (size_t)(end - in - 4));

				report_set_attr(r, "summary_function", fn);
				free(fn);
			}
		}
		ps->seen_summary = 1;
		ps->state = AS_AFTER_SUMMARY;
		if (r->kind == RK_UBSAN) {
			ps->state = AS_DONE;
			return PS_TAKE_END;
		}
		return PS_TAKE;
	}
	if (ps->state == AS_AFTER_SUMMARY) {
		/* Shadow dump, legend, late thread-creation stacks. */
		if (mem_startswith(p, plen, "Shadow ") || s[0] == ' ' ||
		    mem_startswith(p, plen, "=>") ||
		    mem_startswith(p, plen, "0x")) {
			if (mem_startswith(p, plen, "Thread T") &&
			    p[plen - 1] == ':')
				ps_open_stack(ps, SR_THREAD_CREATION, p, plen);
			return PS_TAKE;
		}
		if (mem_startswith(p, plen, "Thread T") && p[plen - 1] == ':') {
			ps_open_stack(ps, SR_THREAD_CREATION, p, plen);
			return PS_TAKE;
		}
		return PS_REJECT;
	}
	if (r->kind == RK_UBSAN)
		return PS_REJECT;
	if (mem_startswith(p, plen, "Register values") ||
	    (plen > 6 && p[0] >= 'a' && p[0] <= 'z' && p[1] != ' ' &&
	    mem_find(p, plen, " = 0x") != NULL) ||
	    mem_startswith(p, plen, "AddressSanitizer can not") ||
	    mem_startswith(p, plen, "HINT: ") ||
	    mem_startswith(p, plen, "Hint: ") ||
	    mem_startswith(p, plen, "0x") ||
	    mem_startswith(p, plen, "Address 0x") ||
	    mem_startswith(p, plen, "This frame has") ||
	    mem_startswith(p, plen, "[") ||
	    mem_startswith(p, plen, "(longjmp") ||
	    mem_startswith(p, plen, "Uninitialized value"))
	{
		if (mem_startswith(p, plen, "0x") &&
		    mem_find(p, plen, " is located ") != NULL) {
			char *v = xstrndup(p, plen);

			report_set_attr(r, "location", v);
			free(v);
		}
		return PS_TAKE;
	}
	if (p[plen - 1] == ':') {
		role = asan_section_role(p, plen);
		if (role == SR_CURRENT && r->nstacks == 0) {
			ps_open_stack(ps, SR_CURRENT, p, plen);
			return PS_TAKE;
		}
		if (role != SR_UNKNOWN || (*p >= 'A' && *p <= 'Z')) {
			ps_open_stack(ps, role, p, plen);
			return PS_TAKE;
		}
	}
	if (mem_startswith(p, plen, "READ of size ") ||
	    mem_startswith(p, plen, "WRITE of size ")) {
		ps_open_stack(ps, SR_CURRENT, p, plen);
		return PS_TAKE;
	}
	return PS_REJECT;
}

/* Title "<what> in <function>" without addresses. */
static void
asan_close(struct pstate *ps)
{
	struct report	*r = ps->r;
	const char	*fn = report_attr(r, "summary_function"), *t, *cut;
	char		*what;
	size_t		 i, j, n;

	if (!ps->seen_summary && r->kind != RK_UBSAN)
		report_set_missing(r, "no SUMMARY line (the report was cut "
		    "short)");
	for (i = 0; fn == NULL && i < r->nstacks; i++)
		for (j = 0; j < r->stacks[i].nframes; j++)
			if (r->stacks[i].frames[j].function != NULL) {
				fn = r->stacks[i].frames[j].function;
				break;
			}
	t = r->title != NULL ? r->title : report_kind_name(r->kind);
	n = strlen(t);
	if ((cut = strstr(t, " on address ")) != NULL ||
	    (cut = strstr(t, " on unknown address")) != NULL ||
	    (cut = strstr(t, " at pc ")) != NULL ||
	    (cut = strstr(t, " (pc ")) != NULL)
		n = (size_t)(cut - t);
	what = xstrndup(t, n);
	free(r->title);
	if (fn != NULL && r->kind != RK_LSAN)
		xasprintf(&r->title, "%s in %s", what, fn);
	else
		r->title = xstrdup(what);
	free(what);
}

const struct dialect dialect_asan = {
	"asan", asan_start, asan_feed, asan_close, 0
};
