/*
 * parse.c: cleaned lines -> reports, by dialect.
 *
 * The second stage of the pipeline.  Each line belongs to a stream (its
 * channel: an xdist worker or build-tool prefix, or the main stream); each
 * stream has at most one open report.  An idle line is offered to each
 * dialect's start function in table order; the open report's dialect gets
 * every following line until it rejects one (then that line is looked at
 * again as idle) or ends on one.
 *
 * Output that belongs to one crash is one report: a "Fatal Python error"
 * is held for a few lines after it ends, and a gdb or lldb backtrace or a
 * faulthandler dump that starts in that window joins it.  Reports are handed
 * to the callback as soon as they are complete, so memory does not grow
 * with the log.  The pytest test that was running, when the log shows it,
 * is remembered per stream and stamped on each report.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"

/* Lines a finished fatal error waits for its gdb/faulthandler part. */
#define FATAL_LINGER 12

static const struct dialect *const dialects[] = {
	&dialect_tsan,
	&dialect_asan,
	&dialect_python,
	&dialect_gdb,
	&dialect_lldb,
	&dialect_pyexc,
	&dialect_build,
	&dialect_event,
};

struct chan {
	char		*key;        /* NULL for the main stream */
	struct pstate	 ps;
	struct report	*held;       /* a finished fatal error, lingering */
	unsigned	 held_for;   /* lines seen since it finished */
	char		*test;       /* pytest node id last seen */
	uint64_t	 last_used;  /* line number, for eviction */
};

struct parser {
	char			*name;
	long			 default_pid;
	report_cb		 cb;
	void			*arg;
	struct line_hook	 hook;
	int			 have_hook;
	struct chan		*chans[FT_CHANNELS_MAX];
	size_t			 nchans;
	uint64_t		 lines;
};

/* ---- helpers for the dialects ------------------------------------- */

const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

size_t
trim_len(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return len;
}

/* The stack frames go to, opening an unlabelled current one if none. */
struct stack *
ps_stack(struct pstate *ps)
{
	if (ps->cur < 0 || (size_t)ps->cur >= ps->r->nstacks)
		return ps_open_stack(ps, ps->r->nstacks == 0 ? SR_CURRENT :
		    SR_UNKNOWN, NULL, 0);
	return &ps->r->stacks[ps->cur];
}

/* Start a new stack with a label taken from the line (trimmed). */
struct stack *
ps_open_stack(struct pstate *ps, enum stack_role role, const char *label,
    size_t len)
{
	struct stack	*s;
	char		*l = NULL;

	if (label != NULL) {
		const char *p = skip_ws(label, label + len);

		l = xstrndup(p, trim_len(p, (size_t)(label + len - p)));
	}
	s = report_add_stack(ps->r, role, l);
	free(l);
	ps->next_index = 0;
	if (s == NULL) {
		ps->cur = -1;
		return NULL;
	}
	ps->cur = (int)(ps->r->nstacks - 1);
	return s;
}

/*
 * Frame numbers run 0, 1, 2 ... within a stack.  A gap or a restart means
 * lines were lost or two reports' lines are interleaved: keep the frames,
 * say so.
 */
void
ps_check_index(struct pstate *ps, unsigned index)
{
	if (index != ps->next_index) {
		if (index == 0 && ps->next_index > 0)
			report_set_missing(ps->r,
			    "frame numbers restart inside a stack "
			    "(interleaved output?)");
		else if (index > ps->next_index && ps->next_index == 0)
			report_set_missing(ps->r, "stack starts past frame #0");
		else
			report_set_missing(ps->r,
			    "frame numbers out of sequence");
	}
	ps->next_index = index + 1;
}

/* ---- pytest context ------------------------------------------------ */

/*
 * Remember which test is running.  Recognised: a verbose pytest line that
 * starts with a node id ("tests/test_x.py::test_y PASSED"), a failure
 * section header ("____ test_y ____"), and CPython's regrtest progress
 * ("[10/14/1] test_logging").
 */
static void
track_test(struct chan *ch, const char *s, size_t len)
{
	const char	*p, *end = s + len, *sp;
	char		*t = NULL;

	if (len > 6 && s[0] == '_' && s[1] == '_' && s[len - 1] == '_') {
		p = s;
		while (p < end && *p == '_')
			p++;
		if (p < end && *p == ' ') {
			p++;
			sp = memchr(p, ' ', (size_t)(end - p));
			if (sp != NULL && sp > p && sp + 1 < end && sp[1] == '_')
				t = xstrndup(p, (size_t)(sp - p));
		}
	} else if ((p = mem_find(s, len > 200 ? 200 : len, ".py::")) != NULL &&
	    memchr(s, ' ', (size_t)(p - s)) == NULL) {
		sp = memchr(p, ' ', (size_t)(end - p));
		t = xstrndup(s, sp ? (size_t)(sp - s) : len);
	} else if (len > 8 && (p = memchr(s, '[', len > 60 ? 60 : len)) != NULL) {
		/* regrtest: "0:00:51 load avg: 3.02 [10/14/1] test_x ..." */
		const char *q = memchr(p, ']', (size_t)(end - p));

		if (q != NULL && q + 7 < end && memcmp(q + 1, " test_", 6) == 0 &&
		    p + 1 < q && p[1] >= '0' && p[1] <= '9') {
			const char *w = q + 2;

			sp = w;
			while (sp < end && *sp != ' ')
				sp++;
			t = xstrndup(w, (size_t)(sp - w));
		}
	}
	if (t != NULL) {
		free(ch->test);
		ch->test = t;
	}
}

/* ---- emitting ------------------------------------------------------ */

static void
emit(struct parser *p, struct chan *ch, struct report *r)
{
	if (r->origin.path == NULL)
		r->origin.path = xstrdup(p->name);
	if (r->pid < 0)
		r->pid = p->default_pid;
	if (r->test == NULL && ch->test != NULL)
		r->test = xstrdup(ch->test);
	if (r->channel == NULL && ch->key != NULL)
		r->channel = xstrdup(ch->key);
	if (r->title == NULL)
		r->title = xstrdup(report_kind_name(r->kind));
	p->cb(r, p->arg);
}

static void
emit_held(struct parser *p, struct chan *ch)
{
	if (ch->held != NULL) {
		emit(p, ch, ch->held);
		ch->held = NULL;
	}
}

/* Fold a finished gdb/lldb/faulthandler part into the held fatal error. */
static void
merge_into_held(struct chan *ch, struct report *part)
{
	struct report	*h = ch->held;
	size_t		 i;

	for (i = 0; i < part->nstacks; i++) {
		struct stack *src = &part->stacks[i], *dst;

		dst = report_add_stack(h, src->role, src->label);
		if (dst == NULL)
			break;
		dst->frames = src->frames;
		dst->nframes = src->nframes;
		dst->cap = src->cap;
		dst->dropped = src->dropped;
		dst->thread = src->thread;
		src->frames = NULL;
		src->nframes = src->cap = 0;
		src->thread = NULL;
	}
	for (i = 0; i < part->nattrs; i++)
		if (report_attr(h, part->attrs[i].key) == NULL)
			report_set_attr(h, part->attrs[i].key,
			    part->attrs[i].value);
	h->parts |= part->parts;
	if (!part->complete && part->missing != NULL)
		report_set_missing(h, part->missing);
	if (part->text_len > 0)
		report_add_text(h, part->text, part->text_len - 1);
	h->origin.last_line = part->origin.last_line;
	h->origin.end_byte = part->origin.end_byte;
	report_free(part);
}

/*
 * The open report on a stream is finished: let its dialect check it, then
 * merge it into a held fatal error, hold it (a fatal error waits for its
 * backtrace), or emit it.
 */
static void
finish_open(struct parser *p, struct chan *ch)
{
	struct pstate		*ps = &ch->ps;
	struct report		*r = ps->r;
	const struct dialect	*d = ps->d;

	if (r == NULL)
		return;
	if (d->close != NULL)
		d->close(ps);
	r = ps->r;      /* a dialect may withdraw a tentative start */
	ps->r = NULL;
	ps->d = NULL;
	ps->cur = -1;
	ps->state = 0;
	ps->seen_summary = 0;
	ps->blanks = 0;
	ps->other = 0;
	buf_reset(&ps->pending);
	if (r == NULL)
		return;

	if (ch->held != NULL && d->merge_into_fatal &&
	    r->kind != RK_PYTHON_FATAL) {
		merge_into_held(ch, r);
		return;
	}
	emit_held(p, ch);
	if (r->kind == RK_PYTHON_FATAL) {
		ch->held = r;
		ch->held_for = 0;
		return;
	}
	emit(p, ch, r);
}

static void
chan_free(struct chan *ch)
{
	report_free(ch->ps.r);
	report_free(ch->held);
	buf_release(&ch->ps.pending);
	free(ch->test);
	free(ch->key);
	free(ch);
}

/* Close and emit everything a stream holds. */
static void
chan_flush(struct parser *p, struct chan *ch)
{
	finish_open(p, ch);
	emit_held(p, ch);
}

/* ---- channels ------------------------------------------------------ */

static struct chan *
chan_get(struct parser *p, const char *key, size_t keylen)
{
	struct chan	*ch;
	size_t		 i, victim = 0;

	for (i = 0; i < p->nchans; i++) {
		ch = p->chans[i];
		if (ch->key == NULL ? keylen == 0 :
		    (keylen == strlen(ch->key) &&
		    memcmp(ch->key, key, keylen) == 0))
			return ch;
	}
	if (p->nchans == FT_CHANNELS_MAX) {
		/* Evict the stream idle longest (never the main stream). */
		for (i = 1; i < p->nchans; i++)
			if (victim == 0 || p->chans[i]->last_used <
			    p->chans[victim]->last_used)
				victim = i;
		ch = p->chans[victim];
		p->chans[victim] = p->chans[--p->nchans];
		if (ch->ps.r != NULL)
			report_set_missing(ch->ps.r,
			    "too many interleaved streams; this one was cut");
		chan_flush(p, ch);
		chan_free(ch);
	}
	ch = xcalloc(1, sizeof *ch);
	ch->key = keylen ? xstrndup(key, keylen) : NULL;
	ch->ps.cur = -1;
	buf_init(&ch->ps.pending, FT_LINE_MAX);
	p->chans[p->nchans++] = ch;
	return ch;
}

/* ---- feeding ------------------------------------------------------- */

static void
note_line(struct report *r, const struct line *l)
{
	if (r->origin.first_line == 0) {
		r->origin.first_line = l->number;
		r->origin.first_byte = l->offset;
	}
	if (l->len > 0 || r->origin.last_line == 0) {
		r->origin.last_line = l->number;
		r->origin.end_byte = l->next;
	}
	if (l->cut)
		report_set_missing(r, "a line was longer than the line limit "
		    "and was cut");
	if (l->binary)
		report_set_missing(r, "binary bytes replaced");
}

/* Try the dialects on an idle line; a line rule may make an event. */
static void
start_idle(struct parser *p, struct chan *ch, const struct line *l)
{
	struct pstate	*ps = &ch->ps;
	struct report	*r;
	size_t		 i;

	for (i = 0; i < nitems(dialects); i++) {
		ps->cur = -1;
		ps->next_index = 0;
		if (dialects[i]->start(ps, l->text, l->len)) {
			ps->d = dialects[i];
			note_line(ps->r, l);
			report_add_text(ps->r, l->text, l->len);
			return;
		}
	}
	if (p->have_hook &&
	    (r = p->hook.match(p->hook.arg, l->text, l->len)) != NULL) {
		note_line(r, l);
		if (r->text_len == 0)
			report_add_text(r, l->text, l->len);
		emit(p, ch, r);
	}
}

static void
feed_chan(struct parser *p, struct chan *ch, const struct line *l)
{
	struct pstate	*ps = &ch->ps;
	enum pstep	 step;

	ch->last_used = l->number;
	if (ps->r != NULL) {
		step = ps->d->feed(ps, l->text, l->len);
		if (step != PS_REJECT) {
			note_line(ps->r, l);
			report_add_text(ps->r, l->text, l->len);
			if (ps->r->origin.last_line - ps->r->origin.first_line >=
			    FT_REPORT_LINES_MAX) {
				report_set_missing(ps->r, "report longer than "
				    "the line limit; cut there");
				step = PS_TAKE_END;
			}
			if (step == PS_TAKE_END)
				finish_open(p, ch);
			return;
		}
		finish_open(p, ch);
	}
	if (ch->held != NULL && ++ch->held_for > FATAL_LINGER)
		emit_held(p, ch);
	track_test(ch, l->text, l->len);
	start_idle(p, ch, l);
}

/* ---- the interface -------------------------------------------------- */

/* Guess a pid from a sanitizer log_path name like "tsan.12345". */
static long
pid_from_name(const char *name)
{
	const char	*dot = strrchr(name, '.');
	uint64_t	 v;

	if (dot == NULL || dot[1] == '\0')
		return -1;
	if (parse_u64(dot + 1, strlen(dot + 1), 10, &v) != 0 || v > 0x7fffffff)
		return -1;
	return (long)v;
}

/*
 * A parser for one source.  Reports go to cb(report, arg) as they are
 * complete; the callee owns each report.
 */
struct parser *
parser_new(const char *source_name, report_cb cb, void *arg)
{
	struct parser *p;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(source_name);
	p->default_pid = pid_from_name(path_basename(source_name));
	p->cb = cb;
	p->arg = arg;
	chan_get(p, NULL, 0);
	return p;
}

/* Let a rule set turn single lines into event reports. */
void
parser_set_line_hook(struct parser *p, const struct line_hook *h)
{
	if (h == NULL || h->match == NULL) {
		p->have_hook = 0;
		return;
	}
	p->hook = *h;
	p->have_hook = 1;
}

/* Feed one cleaned line. */
void
parser_feed(struct parser *p, const struct line *l)
{
	p->lines++;
	feed_chan(p, chan_get(p, l->channel, l->channel_len), l);
}

/* End of input: close every open report as it stands and emit it. */
void
parser_finish(struct parser *p)
{
	size_t	i;

	for (i = 0; i < p->nchans; i++)
		chan_flush(p, p->chans[i]);
}

void
parser_free(struct parser *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nchans; i++)
		chan_free(p->chans[i]);
	free(p->name);
	free(p);
}

uint64_t
parser_lines(const struct parser *p)
{
	return p->lines;
}
