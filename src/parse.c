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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
	int		 draining;   /* passing over the frames of a cut report */
};

struct parser {
	char			*name;
	long			 default_pid;
	report_cb		 cb;
	void			*arg;
	struct line_hook	 hook;
	int			 have_hook;
	int			 busy;     /* some stream has a report or a held one */
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
 * Append a parsed frame to the current stack (opening one if needed),
 * checking its number.  The frame's strings move to the stack; returns the
 * stored frame, or NULL when the stack is full (the frame is released).
 */
struct frame *
ps_add_frame(struct pstate *ps, struct frame *tmp)
{
	struct stack	*st;
	struct frame	*f;

	if ((st = ps_stack(ps)) == NULL) {
		frame_release(tmp);
		return NULL;
	}
	ps_check_index(ps, tmp->index);
	if ((f = stack_add_frame(st)) == NULL) {
		frame_release(tmp);
		return NULL;
	}
	*f = *tmp;
	return f;
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
 * The first ".py::" in s[0..len), or NULL.  Nearly every line of verbose
 * pytest output has one; looking for its colons is quicker than memmem.
 */
static const char *
find_node_id(const char *s, size_t len)
{
	const char	*q = s, *end = s + len;

	while ((q = memchr(q, ':', (size_t)(end - q))) != NULL) {
		if (q + 1 < end && q[1] == ':' && q - s >= 3 &&
		    memcmp(q - 3, ".py", 3) == 0)
			return q - 3;
		q++;
	}
	return NULL;
}

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
	} else if ((p = find_node_id(s, len > 200 ? 200 : len)) != NULL &&
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

	if (keylen == 0 && p->nchans > 0)
		return p->chans[0];     /* the main stream, made first */
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

/* ---- the idle-line prefilter --------------------------------------- */

/*
 * Most lines of a CI log are noise that every dialect's start function
 * would reject.  Each line a dialect can start on contains an anchor
 * (checked against every start function): "Sanitizer" in every sanitizer
 * header, '#' and a digit or space in frames, ": error", ": fatal error",
 * and ": runtime error" from compilers and UBSan, "GIL" in the GIL
 * events, "Fatal Python error" and "Windows fatal exception" anywhere in a
 * line; and at the start of a line, the first word of CPython's, gdb's and
 * threading's headers.  The pytest markers track_test looks for are
 * anchors of their own.  Lines with no anchor skip the dialects; a vector
 * scan for the seven anchor bytes keeps that test near memchr's speed.
 */
#define ANCHOR_START 1   /* a dialect may start here */
#define ANCHOR_TEST  2   /* track_test may learn from it */
#define ANCHOR_RAW   4   /* raw text: control bytes or a '>' prefix */

/* The anchor at s[i] (s[i] is one of the seven bytes), as ANCHOR_* bits. */
static int
anchor_at(const char *s, size_t len, size_t i)
{
	size_t	rest = len - i;

	switch (s[i]) {
	case '#':
		return rest > 1 && ((s[i + 1] >= '0' && s[i + 1] <= '9') ||
		    s[i + 1] == ' ') ? ANCHOR_START : 0;
	case 'z':
		return i >= 6 && rest >= 3 && memcmp(s + i - 6, "Sanitizer", 9) == 0 ?
		    ANCHOR_START : 0;
	case 'F':
		return rest >= 18 && memcmp(s + i, "Fatal Python error", 18) == 0 ?
		    ANCHOR_START : 0;
	case 'W':
		return rest >= 23 &&
		    memcmp(s + i, "Windows fatal exception", 23) == 0 ?
		    ANCHOR_START : 0;
	case 'G':
		return rest >= 3 && s[i + 1] == 'I' && s[i + 2] == 'L' ?
		    ANCHOR_START : 0;
	case ']':
		return rest >= 7 && memcmp(s + i, "] test_", 7) == 0 ?
		    ANCHOR_TEST : 0;
	case ':':
		if (rest >= 2 && s[i + 1] == ':')
			return i >= 3 && memcmp(s + i - 3, ".py", 3) == 0 ?
			    ANCHOR_TEST : 0;
		if (rest >= 7 && s[i + 1] == ' ' && (s[i + 2] == 'e' ||
		    s[i + 2] == 'f' || s[i + 2] == 'r' || s[i + 2] == 'A'))
			return ((rest >= 7 && memcmp(s + i, ": error", 7) == 0) ||
			    (rest >= 13 && memcmp(s + i, ": fatal error", 13) == 0) ||
			    (rest >= 15 && memcmp(s + i, ": runtime error", 15) == 0) ||
			    (rest >= 12 && memcmp(s + i, ": Assertion ", 12) == 0)) ?
			    ANCHOR_START : 0;
		return 0;
	}
	return 0;
}

#define STARTS(s, n, lit) ((n) >= sizeof(lit) - 1 && \
	memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* Header words that count only at the start of a line. */
static int
bol_anchor(const char *s, size_t n)
{
	switch (s[0]) {
	case 'T':
		return STARTS(s, n, "Thread ") || STARTS(s, n, "Timeout (");
	case 'C':
		return STARTS(s, n, "Current thread");
	case 'S':
		return STARTS(s, n, "Stack (most recent");
	case 'P':
		return STARTS(s, n, "Program received") ||
		    STARTS(s, n, "Program terminated");
	case 'E':
		return STARTS(s, n, "Exception in thread");
	case 'e':
		return STARTS(s, n, "error[E");
	}
	return 0;   /* "frame #", "thread #" are found by their '#' */
}

/*
 * ANCHOR_* bits for a line.  With raw set, the line has not been cleaned:
 * control bytes and '>' (a stream prefix) are reported as ANCHOR_RAW.
 */
static int
line_anchors(const char *s, size_t len, int raw)
{
	size_t	 i = 0, b;
	int	 found = 0;

	for (b = 0; b < len && s[b] == ' '; b++)
		;
	if (b < len) {
		if (s[b] == '_' && len - b >= 3 && s[b + 1] == '_' &&
		    s[b + 2] == '_')
			found |= ANCHOR_TEST;
		if (bol_anchor(s + b, len - b))
			return found | ANCHOR_START;
	}
#if defined(__SSE2__)
	{
		/*
		 * Candidates are anchor bytes followed by the byte anchor_at
		 * wants next ('#' and a digit or space, "ze" of Sanitizer,
		 * "Fa", "Wi", "GI", "] ", ": " or "::"), so that the ':' and
		 * capitals of ordinary text rarely reach anchor_at.  Reading
		 * one byte ahead needs 17 bytes in the line; the last block
		 * is read overlapping the one before (its bytes already seen
		 * are masked off) rather than byte by byte.
		 */
		const __m128i c1 = _mm_set1_epi8('#'), c2 = _mm_set1_epi8('z');
		const __m128i c3 = _mm_set1_epi8('F'), c4 = _mm_set1_epi8('W');
		const __m128i c5 = _mm_set1_epi8('G'), c6 = _mm_set1_epi8(':');
		const __m128i c7 = _mm_set1_epi8(']'), gt = _mm_set1_epi8('>');
		const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
		const __m128i n1 = _mm_set1_epi8('e'), n3 = _mm_set1_epi8('a');
		const __m128i n4 = _mm_set1_epi8('i'), n5 = _mm_set1_epi8('I');
		const __m128i d0 = _mm_set1_epi8('0'), d9 = _mm_set1_epi8('9');

		while (len >= 17 && i < len - 1) {
			size_t	 at = i + 17 <= len ? i : len - 17;
			__m128i	 v = _mm_loadu_si128((const __m128i *)(s + at));
			__m128i	 w = _mm_loadu_si128((const __m128i *)(s + at + 1));
			__m128i	 m, wsp, wdig;
			unsigned bits;

			if (raw) {
				/* v < 0x20 (unsigned), v == 0x7f, or '>' */
				m = _mm_andnot_si128(_mm_cmpeq_epi8(v, sp),
				    _mm_cmpeq_epi8(_mm_max_epu8(v, sp), sp));
				m = _mm_or_si128(m, _mm_or_si128(
				    _mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, gt)));
				if (_mm_movemask_epi8(m) != 0)
					return found | ANCHOR_RAW;
			}
			wsp = _mm_cmpeq_epi8(w, sp);
			wdig = _mm_and_si128(
			    _mm_cmpeq_epi8(_mm_max_epu8(w, d0), w),
			    _mm_cmpeq_epi8(_mm_min_epu8(w, d9), w));
			m = _mm_or_si128(
			    _mm_and_si128(_mm_cmpeq_epi8(v, c1),
			    _mm_or_si128(wsp, wdig)),
			    _mm_and_si128(_mm_cmpeq_epi8(v, c2),
			    _mm_cmpeq_epi8(w, n1)));
			m = _mm_or_si128(m, _mm_or_si128(
			    _mm_and_si128(_mm_cmpeq_epi8(v, c3),
			    _mm_cmpeq_epi8(w, n3)),
			    _mm_and_si128(_mm_cmpeq_epi8(v, c4),
			    _mm_cmpeq_epi8(w, n4))));
			m = _mm_or_si128(m, _mm_or_si128(
			    _mm_and_si128(_mm_cmpeq_epi8(v, c5),
			    _mm_cmpeq_epi8(w, n5)),
			    _mm_and_si128(_mm_cmpeq_epi8(v, c7), wsp)));
			m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(v, c6),
			    _mm_or_si128(wsp, _mm_cmpeq_epi8(w, c6))));
			bits = (unsigned)_mm_movemask_epi8(m) &
			    ~((1U << (i - at)) - 1);
			while (bits != 0) {
				size_t j = at + (size_t)__builtin_ctz(bits);

				found |= anchor_at(s, len, j);
				if (found & ANCHOR_START)
					return found;
				bits &= bits - 1;
			}
			i = at + 16;
		}
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (raw && (c < 0x20 || c == 0x7f || c == '>'))
			return found | ANCHOR_RAW;
		switch (c) {
		case '#': case 'z': case 'F': case 'W': case 'G': case ':':
		case ']':
			found |= anchor_at(s, len, i);
			if (found & ANCHOR_START)
				return found;
		}
	}
	return found;
}

/*
 * Can a raw line (before cleaning) be passed over?  Only when no stream
 * has a report open or a fatal error waiting, no line rule wants it, and
 * the line has no control byte (cleaning would change it), no '>' or
 * leading '[' or "E " (a prefix could hide its start), and no anchor.  A
 * line that passes cannot change anything.
 */
int
parser_can_skip(void *arg, const char *raw, size_t len)
{
	struct parser	*p = arg;
	size_t		 t;

	if (p->busy)
		return 0;
	t = clean_timestamp_len(raw, len);
	if (t < len && (raw[t] == '[' || (raw[t] == 'E' && t + 1 < len &&
	    raw[t + 1] == ' ')))
		return 0;
	if (line_anchors(raw + t, len - t, 1) != 0)
		return 0;
	/* Last: a line kept for the checks above meets the hook anyway. */
	return !p->have_hook || (p->hook.quiet != NULL &&
	    p->hook.quiet(p->hook.arg, raw, len));
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

/*
 * Any printed stack frame.  Once a report is cut at the line limit, the
 * frames that follow are the rest of its stack, not new reports.
 */
static int
line_is_any_frame(const char *s, size_t len)
{
	const char	*p = skip_ws(s, s + len);
	size_t		 n = (size_t)(s + len - p);

	return line_is_sanitizer_frame(p, n) || line_is_gdb_frame(p, n) ||
	    mem_startswith(p, n, "File \"") ||
	    mem_startswith(p, n, "Binary file \"") ||
	    mem_startswith(p, n, "frame #") ||
	    mem_startswith(p, n, "* frame #");
}

static void
feed_chan(struct parser *p, struct chan *ch, const struct line *l)
{
	struct pstate	*ps = &ch->ps;
	enum pstep	 step;
	int		 anchors;

	ch->last_used = l->number;
	if (ch->draining) {
		if (line_is_any_frame(l->text, l->len))
			return;
		ch->draining = 0;
	}
	if (ps->r != NULL) {
		step = ps->d->feed(ps, l->text, l->len);
		if (step == PS_REJECT && l->cut) {
			/*
			 * A line cut at FT_LINE_MAX cannot be judged; it
			 * does not end the report, the next line will.
			 */
			report_set_missing(ps->r, "a line inside the report "
			    "was too long and was cut");
			step = PS_TAKE;
		}
		if (step != PS_REJECT) {
			note_line(ps->r, l);
			report_add_text(ps->r, l->text, l->len);
			if (ps->r->origin.last_line - ps->r->origin.first_line >=
			    FT_REPORT_LINES_MAX) {
				report_set_missing(ps->r, "report longer than "
				    "the line limit; cut there");
				step = PS_TAKE_END;
				ch->draining = 1;
			}
			if (step == PS_TAKE_END)
				finish_open(p, ch);
			return;
		}
		finish_open(p, ch);
	}
	if (ch->held != NULL && ++ch->held_for > FATAL_LINGER)
		emit_held(p, ch);
	anchors = line_anchors(l->text, l->len, 0);
	if (anchors & ANCHOR_TEST)
		track_test(ch, l->text, l->len);
	if (!(anchors & ANCHOR_START)) {
		struct report *r;

		if (p->have_hook &&
		    (r = p->hook.match(p->hook.arg, l->text, l->len)) != NULL) {
			note_line(r, l);
			if (r->text_len == 0)
				report_add_text(r, l->text, l->len);
			emit(p, ch, r);
		}
		return;
	}
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
	struct chan	*ch;
	size_t		 i;

	p->lines++;
	ch = chan_get(p, l->channel, l->channel_len);
	feed_chan(p, ch, l);
	if (ch->ps.r != NULL || ch->held != NULL || ch->draining)
		p->busy = 1;
	else if (p->busy) {
		p->busy = 0;
		for (i = 0; i < p->nchans; i++)
			if (p->chans[i]->ps.r != NULL ||
			    p->chans[i]->held != NULL || p->chans[i]->draining)
				p->busy = 1;
	}
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

int
parser_idle(const struct parser *p)
{
	return !p->busy;
}

uint64_t
parser_lines(const struct parser *p)
{
	return p->lines;
}
