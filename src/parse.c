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
	size_t		 keylen;
	struct pstate	 ps;
	struct report	*held;       /* a finished fatal error, lingering */
	unsigned	 held_for;   /* lines seen since it finished */
	char		*test;       /* pytest node id last seen */
	uint64_t	 last_used;  /* parser tick of last use, for eviction */
	int		 draining;   /* passing over the frames of a cut report */
};

/* The sieve's hits in the source's buffer, judged one at a time. */
struct sieved {
	uint64_t		 gen;      /* the source's buffer; 0: none */
	const char		*start;    /* the hits hold from here: those
					    * of the pieces before base were
					    * all passed */
	const char		*base;     /* where this piece began */
	uint64_t		 line;     /* lines before base */
	size_t			 n;        /* bytes searched from base */
	size_t			 done;     /* the hits are complete up to here */
	uint64_t		 done_lines; /* newlines before done */
	int			 what;     /* the sieve's SIEVE_* half, or both */
	const char		*limit;    /* heads: searched piece by piece
					    * up to here */
	struct sieve_hit	 hits[4096];
	size_t			 nhits;
	size_t			 next;     /* the first hit not yet passed */
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
	uint64_t		 tick;     /* orders streams by last use */
	struct sieve		*sv;       /* finds lines worth looking at */
	struct sieved		 sieved;   /* what it found in the buffer */
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
 * A verbose pytest line starts with a node id: ".py::" in its first 200
 * bytes and before any space.  The id's length, or 0.
 */
static size_t
node_id_len(const char *s, size_t len)
{
	const char	*sp = memchr(s, ' ', len);
	size_t		 n = sp != NULL ? (size_t)(sp - s) : len;

	return find_node_id(s, n > 200 ? 200 : n) != NULL ? n : 0;
}

/*
 * The test a line names, if it names one: a verbose pytest line that
 * starts with a node id ("tests/test_x.py::test_y PASSED"), a failure
 * section header ("____ test_y ____"), or CPython's regrtest progress
 * ("[10/14/1] test_logging").  Sets *name and *nlen and returns 1, or 0.
 * The line is cleaned text with none of anchor.c's start anchors; only a
 * line with a test anchor (ANCHOR_TEST) is asked.
 */
static int
test_span(const char *s, size_t len, const char **name, size_t *nlen)
{
	const char	*p, *end = s + len, *sp;
	size_t		 n;

	if (len > 6 && s[0] == '_' && s[1] == '_' && s[len - 1] == '_') {
		p = s;
		while (p < end && *p == '_')
			p++;
		if (p < end && *p == ' ') {
			p++;
			sp = memchr(p, ' ', (size_t)(end - p));
			if (sp != NULL && sp > p && sp + 1 < end && sp[1] == '_') {
				*name = p;
				*nlen = (size_t)(sp - p);
				return 1;
			}
		}
	} else if ((n = node_id_len(s, len)) != 0) {
		*name = s;
		*nlen = n;
		return 1;
	} else if (len > 8 && (p = memchr(s, '[', len > 60 ? 60 : len)) != NULL) {
		/* regrtest: "0:00:51 load avg: 3.02 [10/14/1] test_x ..." */
		const char *q = memchr(p, ']', (size_t)(end - p));

		if (q != NULL && q + 7 < end && memcmp(q + 1, " test_", 6) == 0 &&
		    p + 1 < q && p[1] >= '0' && p[1] <= '9') {
			const char *w = q + 2;

			sp = w;
			while (sp < end && *sp != ' ')
				sp++;
			*name = w;
			*nlen = (size_t)(sp - w);
			return 1;
		}
	}
	return 0;
}

/* Remember which test is running on a stream, if the line says. */
static void
track_test(struct chan *ch, const char *s, size_t len)
{
	const char	*name;
	size_t		 nlen;

	if (!test_span(s, len, &name, &nlen))
		return;
	if (ch->test != NULL && strlen(ch->test) == nlen &&
	    memcmp(ch->test, name, nlen) == 0)
		return;
	free(ch->test);
	ch->test = xstrndup(name, nlen);
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
		    (keylen == ch->keylen && memcmp(ch->key, key, keylen) == 0))
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
	ch->keylen = keylen;
	ch->ps.cur = -1;
	buf_init(&ch->ps.pending, FT_LINE_MAX);
	p->chans[p->nchans++] = ch;
	return ch;
}

/* Does a noise line have a test anchor?  (As line_anchors would say.) */
static int
test_anchor(const char *s, size_t len)
{
	const char *b = skip_ws(s, s + len);

	return ((size_t)(s + len - b) >= 3 && memcmp(b, "___", 3) == 0) ||
	    find_node_id(s, len) != NULL ||
	    memmem(s, len, "] test_", 7) != NULL;
}

/*
 * Can a raw line (before cleaning) be passed over?  Only when no stream
 * has a report open or a fatal error waiting, no line rule wants it, and
 * the line has no control byte (cleaning would change it), no "> " (a
 * stream prefix may end there), and no anchor but a test's.  A line may
 * carry one xdist worker prefix ("[gw1] "); what follows it is judged.
 * The test the line names, if any, is learnt for its stream, as feeding it
 * would; the line changes nothing else.  With quiet set, the caller knows
 * the line holds no byte an anchor or a rule's literal starts with.
 */
static int
skip_line(struct parser *p, const char *raw, size_t len, int quiet)
{
	const char	*s, *key = NULL;
	size_t		 t, n, keylen = 0, pre;
	int		 anchors = 0;
	struct chan	*ch;

	if (p->busy || len > FT_LINE_MAX)
		return 0;
	t = clean_timestamp_len(raw, len);
	s = raw + t;
	n = len - t;
	if (n > 0 && s[0] == '[' &&
	    (pre = clean_channel_prefix(s, n, &key, &keylen)) != 0) {
		s += pre;
		n -= pre;
		/* Another prefix behind it: let cleaning sort them out. */
		if (n > 0 && (clean_failure_prefix(s, n) || (s[0] == '[' &&
		    clean_channel_prefix(s, n, &key, &keylen) != 0)))
			return 0;
	} else if (line_head_after(raw, len, t) != 0)
		return 0;
	if (!quiet) {
		anchors = line_anchors(s, n, 1);
		if ((anchors & ~ANCHOR_TEST) != 0)
			return 0;
		/* Last: a line kept for the checks above meets the hook. */
		if (p->have_hook && (p->hook.quiet == NULL ||
		    !p->hook.quiet(p->hook.arg, raw, len)))
			return 0;
	} else {
		const char	*b = skip_ws(s, s + n), *name;
		size_t		 nlen;

		if (b < s + n && bol_anchor(b, (size_t)(s + n - b)))
			return 0;
		/* The cheaper test first: most lines name no test. */
		n = trim_len(s, n);
		if (test_span(s, n, &name, &nlen) && test_anchor(s, n))
			anchors = ANCHOR_TEST;
	}
	if (keylen > 0) {
		ch = chan_get(p, key, keylen);
		ch->last_used = ++p->tick;
	} else
		ch = p->chans[0];
	if (anchors & ANCHOR_TEST)
		track_test(ch, s, trim_len(s, n));
	return 1;
}

/*
 * parser_skip passed over s[0..n), whole lines: learn the main stream's
 * running test from the last of them that names one, as feeding them all
 * would have.  Lines behind a worker prefix belong to other streams
 * (skip_line told those).
 */
static void
learn_test(struct parser *p, const char *s, size_t n)
{
	const char	*ls, *le = s + n - 1;   /* le: a line's newline */
	const char	*name, *key;
	size_t		 t, len, nlen, keylen;

	while (le >= s) {
		ls = le > s ? memrchr(s, '\n', (size_t)(le - s)) : NULL;
		ls = ls != NULL ? ls + 1 : s;
		t = clean_timestamp_len(ls, (size_t)(le - ls));
		len = trim_len(ls + t, (size_t)(le - ls) - t);
		if (!(len > 0 && ls[t] == '[' &&
		    clean_channel_prefix(ls + t, len, &key, &keylen) != 0) &&
		    test_span(ls + t, len, &name, &nlen) &&
		    test_anchor(ls + t, len)) {
			track_test(p->chans[0], ls + t, len);
			return;
		}
		le = ls - 1;
	}
}

/*
 * Run the sieve (what: SIEVE_BYTES, SIEVE_HEAD or both) over [from, end),
 * whole lines; line is the number of lines before from.
 */
static void
sieve_from(struct parser *p, const char *from, const char *end, uint64_t gen,
    uint64_t line, int what)
{
	struct sieved	*c = &p->sieved;

	c->gen = gen;
	c->start = c->base = from;
	c->line = line;
	c->n = (size_t)(end - from);
	c->what = what;
	c->limit = end;
	c->nhits = sieve_scan_part(p->sv, from, c->n, what, c->hits,
	    nitems(c->hits), &c->done, &c->done_lines);
	c->next = 0;
}

/* Are the kept hits for [buf, limit), of this half of the sieve? */
static int
sieved_fits(const struct sieved *c, const struct skip_at *at,
    const char *limit, int what)
{
	return c->gen == at->gen && at->gen != 0 && c->what == what &&
	    at->buf >= c->start && at->buf <= c->base + c->done &&
	    c->limit == limit;
}

/*
 * Run the sieve (what: as sieve_from) over the lines from 'from', a piece
 * of [from, limit) at a time: each piece's marked lines are judged at
 * once, while its bytes are still in the processor's cache.
 */
#define SIEVE_PIECE (32 * 1024)

static void
sieve_piece(struct parser *p, const char *from, const char *limit,
    uint64_t gen, uint64_t line, int what)
{
	const char	*end = limit, *nl;

	if ((size_t)(limit - from) > SIEVE_PIECE &&
	    (nl = memchr(from + SIEVE_PIECE - 1, '\n',
	    (size_t)(limit - (from + SIEVE_PIECE - 1)))) != NULL)
		end = nl + 1;
	sieve_from(p, from, end, gen, line, what);
	p->sieved.limit = limit;
}

/*
 * The kept hits are used up: sieve on from pos (cur lines before it) when
 * they filled up before the end of their piece, or the next piece when
 * [pos, limit) has one.  0 when the hits said all there is up to limit.
 */
static int
sieved_more(struct parser *p, const char *pos, uint64_t cur,
    const char *limit, uint64_t gen, int what)
{
	struct sieved	*c = &p->sieved;
	const char	*start = c->start;

	if (c->done != c->n)
		sieve_piece(p, pos, limit, gen, cur, what);
	else if (c->base + c->n < limit)
		sieve_piece(p, c->base + c->n, limit, gen,
		    c->line + c->done_lines, what);
	else
		return 0;
	/* Nothing before the new piece is left to pass: the kept hits
	 * still hold for a reader anywhere from the old start. */
	c->start = start;
	return 1;
}

/* The first of the marks at or after offset off. */
static size_t
first_mark(const struct line_marks *m, uint64_t off)
{
	size_t	lo = 0, hi = m->nhits, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->from + m->hits[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where a marked line ends: its newline, known or looked for. */
static inline const char *
hit_end(const char *hp, const struct sieve_hit *h, const char *end)
{
	if (h->len != 0 && (size_t)(end - hp) > h->len && hp[h->len] == '\n')
		return hp + h->len;
	return memchr(hp, '\n', (size_t)(end - hp));
}

/*
 * The lines up to end that marks say nothing of are noise: how many
 * newlines there are from pos to end (pos at a line start, end after a
 * newline).
 */
static uint64_t
count_lines(const char *pos, const char *end)
{
	uint64_t	 n = 0;
	const char	*nl;

	while (pos < end && (nl = memchr(pos, '\n', (size_t)(end - pos))) != NULL) {
		n++;
		pos = nl + 1;
	}
	return n;
}

/*
 * parser_skip() over marks of what is inside lines only: the heads and
 * lengths of the lines are looked at here, up to the end of the marks or
 * of the buffer, and the two lists walked together.  Returns where it
 * stopped, and the lines before that in *cur.
 */
static const char *
skip_marked_heads(struct parser *p, const struct skip_at *at,
    const char *end, uint64_t bufend, uint64_t *curp)
{
	struct sieved	*c = &p->sieved;
	const struct line_marks *m = at->marks;
	const char	*buf = at->buf, *pos = buf, *lim, *bp, *cp, *hp, *nl;
	const struct sieve_hit *h;
	uint64_t	 cur = at->line;
	size_t		 lo;
	int		 why;

	lim = m->to <= bufend ? buf + (m->to - at->offset) : end;
	if (!sieved_fits(c, at, lim, SIEVE_HEAD))
		sieve_piece(p, buf, lim, at->gen, at->line, SIEVE_HEAD);
	lo = first_mark(m, at->offset);
	for (;;) {
		while (lo < m->nhits && m->from + m->hits[lo].off <
		    at->offset + (uint64_t)(pos - buf))
			lo++;
		while (c->next < c->nhits && c->base + c->hits[c->next].off < pos)
			c->next++;
		if (c->next == c->nhits &&
		    sieved_more(p, pos, cur, lim, at->gen, SIEVE_HEAD))
			continue;
		bp = lo < m->nhits && m->from + m->hits[lo].off < at->offset +
		    (uint64_t)(lim - buf) ? buf + (m->from + m->hits[lo].off -
		    at->offset) : NULL;
		cp = c->next < c->nhits ? c->base + c->hits[c->next].off : NULL;
		if (bp == NULL && cp == NULL) {
			/* The rest up to lim is noise. */
			cur = c->line + c->done_lines;
			pos = lim;
			break;
		}
		if (bp != NULL && (cp == NULL || bp <= cp)) {
			hp = bp;
			h = &m->hits[lo];
			cur = m->from_line + h->line;
			why = h->why;
		} else {
			hp = cp;
			h = &c->hits[c->next];
			cur = c->line + h->line;
			why = SIEVE_HEAD;
		}
		pos = hp;
		nl = hit_end(hp, h, end);
		if (!skip_line(p, hp, (size_t)(nl - hp), why == SIEVE_HEAD))
			break;
		cur++;
		pos = nl + 1;
	}
	*curp = cur;
	return pos;
}

/*
 * Pass over the noise at the start of buf[0..n): the whole lines that
 * skip_line() would pass over one by one.  Returns how many bytes, and
 * the number of lines in *lines.  The lines worth a look come from the
 * readahead's marks when they cover buf (off is buf's offset in the
 * source), else from the sieve run here over the whole buffer, whose hits
 * are kept while the source says its buffer is the same (gen); each is
 * judged exactly when reached.  line is the number of lines before buf.
 */
size_t
parser_skip(void *arg, const struct skip_at *at, uint64_t *lines)
{
	struct parser	*p = arg;
	struct sieved	*c = &p->sieved;
	const struct line_marks *m = at->marks;
	const char	*buf = at->buf, *last, *nl, *pos = buf, *end, *hp;
	uint64_t	 cur = at->line, bufend;
	const struct sieve_hit *h;
	size_t		 lo;

	*lines = 0;
	/* A hook that cannot say which lines are quiet sees every line. */
	if (p->busy || at->n == 0 || (p->have_hook && p->hook.quiet == NULL) ||
	    (last = memrchr(buf, '\n', at->n)) == NULL)
		return 0;
	end = last + 1;
	bufend = at->offset + (uint64_t)(end - buf);
	if (m != NULL && m->from <= at->offset && at->offset < m->to &&
	    !(m->what & SIEVE_HEAD)) {
		pos = skip_marked_heads(p, at, end, bufend, &cur);
		goto done;
	}
	if (m != NULL && m->from <= at->offset && at->offset < m->to) {
		lo = first_mark(m, at->offset);
		for (;; lo++) {
			if (lo < m->nhits && m->from + m->hits[lo].off < bufend) {
				h = &m->hits[lo];
				hp = buf + (m->from + h->off - at->offset);
				nl = hit_end(hp, h, end);
				/*
				 * The indexer read these bytes on another
				 * processor long ago: ask for the next marked
				 * lines while this one is judged.
				 */
				if (lo + 4 < m->nhits && m->from +
				    m->hits[lo + 4].off < bufend) {
					const char *q = buf + (m->from +
					    m->hits[lo + 4].off - at->offset);

					__builtin_prefetch(q);
					__builtin_prefetch(q + 64);
				}
				cur = m->from_line + h->line;
				pos = hp;
				if (!skip_line(p, hp, (size_t)(nl - hp),
				    h->why == SIEVE_HEAD))
					break;
				cur++;
				pos = nl + 1;
				continue;
			}
			/* No mark is left in the buffer: the rest is noise. */
			if (m->to <= bufend) {
				pos = buf + (m->to - at->offset);
				cur = m->to_line;
			} else {
				cur += count_lines(pos, end);
				pos = end;
			}
			break;
		}
		goto done;
	}
	if (!sieved_fits(c, at, end, SIEVE_BYTES | SIEVE_HEAD))
		sieve_piece(p, buf, end, at->gen, at->line,
		    SIEVE_BYTES | SIEVE_HEAD);
	for (;;) {
		while (c->next < c->nhits && c->base + c->hits[c->next].off < pos)
			c->next++;
		if (c->next == c->nhits) {
			if (sieved_more(p, pos, cur, end, at->gen,
			    SIEVE_BYTES | SIEVE_HEAD))
				continue;
			/* The rest is noise. */
			cur = c->line + c->done_lines;
			pos = end;
			break;
		}
		h = &c->hits[c->next];
		hp = c->base + h->off;
		cur = c->line + h->line;
		pos = hp;
		nl = hit_end(hp, h, end);
		if (!skip_line(p, hp, (size_t)(nl - hp), h->why == SIEVE_HEAD))
			break;
		cur++;
		pos = nl + 1;
		c->next++;
	}
done:
	*lines = cur - at->line;
	if (pos > buf)
		learn_test(p, buf, (size_t)(pos - buf));
	return (size_t)(pos - buf);
}

static size_t
indexer_scan(void *state, const char *p, size_t n, int what,
    struct sieve_hit *hits, size_t max, size_t *done, uint64_t *lines)
{
	return sieve_scan_part(state, p, n, what, hits, max, done, lines);
}

static void
indexer_free(void *state)
{
	sieve_free(state);
}

/*
 * An indexer that marks lines as parser_skip's own sieve would, with a
 * sieve of its own (it runs in another thread).  Call it after the line
 * hook is set.
 */
void
parser_indexer(struct parser *p, struct indexer *ix)
{
	struct sieve	*sv = sieve_new(FT_LINE_MAX);

	if (p->have_hook)
		sieve_set_literals(sv, p->hook.literals, p->hook.nliterals);
	ix->scan = indexer_scan;
	ix->free = indexer_free;
	ix->state = sv;
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

	ch->last_used = ++p->tick;
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
	p->sv = sieve_new(FT_LINE_MAX);
	chan_get(p, NULL, 0);
	return p;
}

/* Let a rule set turn single lines into event reports. */
void
parser_set_line_hook(struct parser *p, const struct line_hook *h)
{
	if (h == NULL || h->match == NULL) {
		p->have_hook = 0;
		sieve_set_literals(p->sv, NULL, 0);
		return;
	}
	p->hook = *h;
	p->have_hook = 1;
	sieve_set_literals(p->sv, h->literals, h->nliterals);
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
	sieve_free(p->sv);
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
