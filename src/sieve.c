/*
 * sieve.c: find the lines of a block that may matter, near memory speed.
 *
 * Part of the parse stage, in front of anchor.c.  While no report is open,
 * nearly every line of a CI log is noise, and looking at it line by line
 * costs more than reading it.  The sieve looks at a block of whole lines
 * at once and returns the first line that might not be noise: one that
 * holds a byte pattern an anchor begins with, a control byte, a "> " that
 * may end a stream prefix, a piece of a line rule's literal, an anchor or
 * a prefix at its head (after a CI timestamp), or more bytes than the line
 * limit.  It may stop at a line that is noise after all (the caller asks
 * anchor.c and the rules about that line, exactly); it never passes over
 * a line that is not.
 *
 * Byte patterns are up to eight triples of byte classes, matched with
 * nibble tables (the "shufti" technique of vectorised regex engines): for
 * each of three positions the low and the high nibble of a byte each
 * select a mask of patterns from a 16-entry table, and a pattern matches
 * where all six masks have its bit.  A table stands for the product of the
 * low and high nibbles it was built from, a superset of the class, which
 * is all a sieve needs.  With AVX2 that is six table look-ups per 32 bytes.
 *
 * Literals: when every literal of the line rules is at least L bytes long,
 * take g = min(8, (L + 1) / 2).  Words of g bytes are read at every
 * multiple of g from the start of the block, so the first word that
 * starts inside an occurrence starts at one of its first g bytes and lies
 * whole inside it.  Only the words read are looked up, in a bitmap of the
 * hashes of the first g pieces of every literal (case folded as
 * prefilter.c folds); a word that hits is confirmed by comparing the
 * literals it may begin.
 *
 * Heads: the vector implementations look at a chunk of a few KiB first,
 * noting where its newlines and candidate bytes are, then walk its lines:
 * a line that starts with the learnt CI timestamp and whose head starts
 * with no prefix's or header word's first two bytes is told apart without
 * a branch on its contents; only the others are checked exactly.
 *
 * Each implementation (portable; AVX2 and AVX-512 chosen at run time)
 * gives the same answer for the same input; the unit test checks that
 * they do, and that every anchor of anchor.c is caught.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SIEVE_X86 1
#endif

#include "fttriage.h"
#include "parse.h"

#define GRAM_BITS	18		/* a 32 KiB bitmap */
#define SIEVE_CHUNK	4096		/* bytes a vector sieve looks at before
					 * it walks their lines */
#define GRAM_MULT	0x9e3779b97f4a7c15ULL

/*
 * The byte patterns, one bit each: the first bytes of every anchor that
 * anchor_at finds anywhere in a line, and raw bytes that cleaning would
 * change.  A NULL class matches any byte.  Control bytes are tested apart
 * (a nibble table cannot leave out the newline).
 */
static const struct sieve_pattern {
	const char	*cls[3];
} sieve_patterns[] = {
	{ { "#", "0123456789", NULL } },     /* frames: "#0" */
	{ { "#", " ", NULL } },              /* and "# 0" */
	{ { "z", "e", "r" } },               /* "Sanitizer" */
	{ { "F", "a", "t" } },               /* "Fatal Python error" */
	{ { "WG", "iI", "nL" } },            /* "Windows fatal", "GIL" */
	{ { ":", " ", "ef" } },              /* ": error", ": fatal error" */
	{ { ":", " ", "rA" } },              /* ": runtime error", ": Assertion" */
	{ { ">", " ", NULL } },              /* a "pkg> " stream prefix */
};

/*
 * The CI timestamp that starts most lines of a log, learnt from a line:
 * a line whose first len bytes have digits and the same other bytes where
 * it has them has a timestamp of the same length.
 */
struct stamp {
	size_t		 len;		/* 0 until one is learnt */
	uint32_t	 digits;	/* bit i: byte i is a digit */
	uint32_t	 exact;		/* bit i: byte i is tpl[i] */
	char		 tpl[32];
};

struct scan;

/* A g-byte piece of a literal: where it sits in which literal. */
struct gram {
	unsigned	 hash;
	unsigned	 lit;
	size_t		 off;
};

struct sieve {
	uint8_t		 lo[3][16];	/* nibble tables, by position */
	uint8_t		 hi[3][16];
	uint64_t	*grams;		/* 1 << GRAM_BITS bits, or NULL */
	struct gram	*ents;		/* every piece, by hash */
	size_t		 nents;
	char		**lits;		/* the literals, folded */
	size_t		*lens;
	size_t		 nlits;
	int		 all;		/* an empty literal: every line */
	uint8_t		 wordbyte[128];	/* 0xff: a byte a sampled word of a
					 * literal may hold (case aside) */
	unsigned	 g;		/* gram length, 0 without literals */
	uint64_t	 gmask;		/* the low g bytes */
	size_t		 max_line;
	struct stamp	 stamp;
	int		(*scan)(struct sieve *, const char *, size_t,
			    struct scan *);
};

/* A search in progress: the hits so far and the line being read. */
struct scan {
	struct sieve_hit *hits;
	size_t		 nhits;
	size_t		 max;
	size_t		 ls;		/* where the current line starts */
	uint64_t	 nls;		/* newlines before it */
	size_t		 wpos;		/* the next word to sample */
	int		 inhit;		/* the current line is a hit already */
	int		 mode;		/* SIEVE_BYTES, SIEVE_HEAD: what to look at */
	/* A vector implementation's chunk (from cb): where its newlines
	 * and candidate bytes are, as offsets from cb. */
	size_t		 cb;
	size_t		 nnl, ncand;
	uint16_t	 nl[SIEVE_CHUNK + 2];
	uint16_t	 cand[SIEVE_CHUNK];
};

static int sieve_scan_portable(struct sieve *, const char *, size_t,
    struct scan *);
#ifdef SIEVE_X86
static int sieve_scan_avx2(struct sieve *, const char *, size_t,
    struct scan *);
static int sieve_scan_avx512(struct sieve *, const char *, size_t,
    struct scan *);

static int
have_avx512(void)
{
	return __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512vbmi");
}
#endif

static void
sieve_build_patterns(struct sieve *sv)
{
	size_t		 i, k, c;
	const char	*cls;

	memset(sv->lo, 0, sizeof sv->lo);
	memset(sv->hi, 0, sizeof sv->hi);
	for (i = 0; i < nitems(sieve_patterns); i++) {
		uint8_t bit = (uint8_t)(1u << i);

		for (k = 0; k < 3; k++) {
			cls = sieve_patterns[i].cls[k];
			if (cls == NULL) {
				for (c = 0; c < 16; c++) {
					sv->lo[k][c] |= bit;
					sv->hi[k][c] |= bit;
				}
				continue;
			}
			for (; *cls != '\0'; cls++) {
				sv->lo[k][(unsigned char)*cls & 15] |= bit;
				sv->hi[k][(unsigned char)*cls >> 4] |= bit;
			}
		}
	}
}

/*
 * A sieve for lines of at most max_line bytes (longer ones are always
 * returned, so the caller can cut them).  It uses the fastest
 * implementation this processor runs.
 */
struct sieve *
sieve_new(size_t max_line)
{
	struct sieve	*sv;

	sv = xcalloc(1, sizeof *sv);
	sv->max_line = max_line;
	sieve_build_patterns(sv);
	if (sieve_use(sv, "auto") != 0)
		sv->scan = sieve_scan_portable;
	return sv;
}

static void
sieve_clear_literals(struct sieve *sv)
{
	size_t	i;

	for (i = 0; i < sv->nlits; i++)
		free(sv->lits[i]);
	free(sv->lits);
	free(sv->lens);
	free(sv->ents);
	free(sv->grams);
	sv->lits = NULL;
	sv->lens = NULL;
	sv->ents = NULL;
	sv->grams = NULL;
	sv->nlits = sv->nents = 0;
	sv->g = 0;
	sv->all = 0;
}

void
sieve_free(struct sieve *sv)
{
	if (sv == NULL)
		return;
	sieve_clear_literals(sv);
	free(sv);
}

/*
 * Choose the implementation: "portable", "avx2", "avx512" or "auto" (the
 * fastest this processor runs).  Returns -1 when this build or processor
 * lacks it (for the tests).
 */
int
sieve_use(struct sieve *sv, const char *impl)
{
	int	any = strcmp(impl, "auto") == 0;

#ifdef SIEVE_X86
	if ((any || strcmp(impl, "avx512") == 0) && have_avx512()) {
		sv->scan = sieve_scan_avx512;
		return 0;
	}
	if ((any || strcmp(impl, "avx2") == 0) &&
	    __builtin_cpu_supports("avx2")) {
		sv->scan = sieve_scan_avx2;
		return 0;
	}
#endif
	if (any || strcmp(impl, "portable") == 0) {
		sv->scan = sieve_scan_portable;
		return 0;
	}
	return -1;
}

static inline uint64_t
load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline unsigned
gram_hash(const struct sieve *sv, uint64_t w)
{
	return (unsigned)((((w | 0x2020202020202020ULL) & sv->gmask) *
	    GRAM_MULT) >> (64 - GRAM_BITS));
}

static int
gram_cmp(const void *a, const void *b)
{
	const struct gram *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/*
 * The word at p[i] hashes to a piece of a literal: does one of the
 * literals with that piece really start where the piece would put it?
 */
static int
gram_confirm(const struct sieve *sv, const char *p, size_t n, size_t i,
    unsigned h)
{
	size_t	lo = 0, hi = sv->nents, k, j, start;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sv->ents[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < sv->nents && sv->ents[k].hash == h; k++) {
		const struct gram *e = &sv->ents[k];
		const char	  *lit = sv->lits[e->lit];
		size_t		   len = sv->lens[e->lit];

		if (e->off > i || (start = i - e->off) + len > n)
			continue;
		for (j = 0; j < len; j++)
			if ((p[start + j] | 0x20) != lit[j])
				break;
		if (j == len)
			return 1;
	}
	return 0;
}

/* Does a literal hold the word w read at p[i]? */
static inline int
gram_hit(const struct sieve *sv, const char *p, size_t n, size_t i,
    uint64_t w)
{
	unsigned h = gram_hash(sv, w);

	return ((sv->grams[h >> 6] >> (h & 63)) & 1) &&
	    gram_confirm(sv, p, n, i, h);
}

/*
 * The literals every match of a line rule contains (NULL or none: no
 * literal search).  An empty literal is in every line: the sieve then
 * stops at every line.
 */
void
sieve_set_literals(struct sieve *sv, const char *const *lits, size_t n)
{
	size_t		 i, j, len, min = SIZE_MAX;
	uint64_t	 w;

	sieve_clear_literals(sv);
	if (lits == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		if ((len = strlen(lits[i])) < min)
			min = len;
	if (min == 0) {
		sv->all = 1;
		return;
	}
	sv->g = min >= 15 ? 8 : (unsigned)((min + 1) / 2);
	sv->gmask = sv->g == 8 ? ~0ULL : (1ULL << (8 * sv->g)) - 1;
	sv->grams = xcalloc((1u << GRAM_BITS) / 64, sizeof *sv->grams);
	sv->lits = xreallocarray(NULL, n, sizeof *sv->lits);
	sv->lens = xreallocarray(NULL, n, sizeof *sv->lens);
	for (i = 0; i < n; i++) {
		len = strlen(lits[i]);
		sv->lits[i] = xmalloc(len + 1);
		for (j = 0; j <= len; j++)
			sv->lits[i][j] = (char)(lits[i][j] | (j < len ? 0x20 : 0));
		sv->lens[i] = len;
		sv->nents += sv->g;
	}
	sv->nlits = n;
	/*
	 * The bytes a sampled piece can hold: the first 2g - 1 of each
	 * literal.  A word with any other byte is no piece; a literal with a
	 * byte past ASCII lets every word through.
	 */
	memset(sv->wordbyte, 0, sizeof sv->wordbyte);
	for (i = 0; i < n; i++)
		for (j = 0; j < 2 * sv->g - 1 && j < sv->lens[i]; j++) {
			unsigned char c = (unsigned char)sv->lits[i][j];

			if (c >= 0x80) {
				memset(sv->wordbyte, 0xff, sizeof sv->wordbyte);
				break;
			}
			sv->wordbyte[c] = 0xff;
		}
	for (j = 0; j < 128; j++)
		if (sv->wordbyte[j | 0x20])
			sv->wordbyte[j] = 0xff;
	sv->ents = xreallocarray(NULL, sv->nents, sizeof *sv->ents);
	sv->nents = 0;
	for (i = 0; i < n; i++) {
		/* len >= 2g - 1: each of the first g pieces is whole. */
		for (j = 0; j < sv->g && j + sv->g <= sv->lens[i]; j++) {
			struct gram *e = &sv->ents[sv->nents++];

			w = 0;
			memcpy(&w, sv->lits[i] + j, sv->g);
			e->hash = gram_hash(sv, w);
			e->lit = (unsigned)i;
			e->off = j;
			sv->grams[e->hash >> 6] |= 1ULL << (e->hash & 63);
		}
	}
	qsort(sv->ents, sv->nents, sizeof *sv->ents, gram_cmp);
}

/*
 * The lines of p[0..n) that may matter, in order: up to max of them go to
 * hits, each with its offset, the number of newlines before it, and why
 * (SIEVE_BYTES when something inside the line stopped the sieve, else
 * SIEVE_HEAD: only its head or its length did, and the line holds no byte
 * pattern, control byte or piece of a literal).  p[0] starts a line;
 * p[n - 1] is a newline (only whole lines are judged).  Returns the number
 * of hits.  *done is how far the list is complete: n, or when hits filled
 * up, the offset of the last hit; *lines is the number of newlines before
 * *done.
 */
size_t
sieve_scan(struct sieve *sv, const char *p, size_t n, struct sieve_hit *hits,
    size_t max, size_t *done, uint64_t *lines)
{
	return sieve_scan_part(sv, p, n, SIEVE_BYTES | SIEVE_HEAD, hits, max,
	    done, lines);
}

/*
 * sieve_scan() looking only at the bytes inside lines (SIEVE_BYTES: the
 * same lines it calls SIEVE_BYTES), or only at heads and lengths
 * (SIEVE_HEAD: the lines whose head or length alone would stop it).  The
 * two halves may run in two threads; together they find the lines
 * sieve_scan() does, a line found by both being SIEVE_BYTES.
 */
size_t
sieve_scan_part(struct sieve *sv, const char *p, size_t n, int what,
    struct sieve_hit *hits, size_t max, size_t *done, uint64_t *lines)
{
	struct scan	sc;

	/* (Not the chunk's lists: they are written before they are read.) */
	sc.nhits = sc.ls = sc.wpos = sc.cb = sc.nnl = sc.ncand = 0;
	sc.nls = 0;
	sc.inhit = 0;
	sc.hits = hits;
	sc.max = max;
	sc.mode = what;
	*done = n;
	*lines = 0;
	if (n == 0 || max == 0)
		return 0;
	if (sv->all && (what & SIEVE_BYTES)) {
		/* Every line holds the empty literal: each is a hit. */
		const char *q = p, *e;

		while (sc.nhits < max && (e = memchr(q, '\n',
		    (size_t)(p + n - q))) != NULL) {
			hits[sc.nhits].off = (uint32_t)(q - p);
			hits[sc.nhits].line = (uint32_t)sc.nhits;
			hits[sc.nhits].len = (uint32_t)(e - q);
			hits[sc.nhits++].why = SIEVE_BYTES;
			q = e + 1;
		}
		*done = sc.nhits == max ? hits[max - 1].off : n;
		*lines = sc.nhits == max ? max - 1 : sc.nhits;
		return sc.nhits;
	}
	if (sv->scan(sv, p, n, &sc)) {
		*done = hits[sc.nhits - 1].off;
		*lines = hits[sc.nhits - 1].line;
	} else
		*lines = sc.nls;
	return sc.nhits;
}

/* The current line ends at e: a hit on it learns its length. */
static inline void
scan_line_end(struct scan *sc, size_t e)
{
	if (sc->inhit)
		sc->hits[sc->nhits - 1].len = (uint32_t)(e - sc->ls);
}

/* Record the current line as a hit; 1 when the list is full. */
static inline int
scan_hit(struct scan *sc, int why)
{
	struct sieve_hit *h = &sc->hits[sc->nhits++];

	h->off = (uint32_t)sc->ls;
	h->line = (uint32_t)sc->nls;
	h->len = 0;
	h->why = (uint8_t)why;
	sc->inhit = 1;
	return sc->nhits == sc->max;
}

/* ---- the portable implementation (and every one's tail) ------------- */

/* Pattern bits of a match ending at p[i] (i >= 2: the block's own bytes). */
static inline unsigned
pattern_end(const struct sieve *sv, const unsigned char *u, size_t i)
{
	unsigned	m = 0xff;
	size_t		k;

	for (k = 0; k < 3; k++)
		m &= sv->lo[k][u[i - 2 + k] & 15] & sv->hi[k][u[i - 2 + k] >> 4];
	return m;
}

/* A byte cleaning would change: control bytes and DEL, not the newline. */
static inline int
control_byte(unsigned char c)
{
	return (c < 0x20 && c != '\n') || c == 0x7f;
}

/*
 * Is the line p[ls..e) (e at its newline) a candidate by its head or its
 * length?  Its bytes were all looked at already.
 */
static inline int
line_stops(struct sieve *sv, const char *p, size_t ls, size_t e)
{
	const char	*s = p + ls;
	size_t		 len = e - ls, t, i;

	if (len > sv->max_line)
		return 1;
	t = clean_timestamp_len(s, len);
	if (t >= 20 && t <= 32 && t != sv->stamp.len) {
		/* Learn it: the vector implementations check it at once. */
		struct stamp *st = &sv->stamp;

		st->len = t;
		st->digits = st->exact = 0;
		for (i = 0; i < t; i++) {
			if (s[i] >= '0' && s[i] <= '9')
				st->digits |= 1u << i;
			else {
				st->exact |= 1u << i;
				st->tpl[i] = s[i];
			}
		}
	}
	return line_head_after(s, len, t) != 0;
}

#ifdef SIEVE_X86
/*
 * The first two bytes of what line_head_after() looks for at a head's
 * first byte that is not a space: "[g" of an xdist prefix, "E " of the
 * failure prefix, and the start of every bol_anchor() word, in sixteen
 * 16-bit lanes (the last ones repeat the first).
 */
#define HEAD_PAIR(a, b) ((uint16_t)((unsigned char)(a) | (unsigned char)(b) << 8))
static const uint16_t head_pairs[16] = {
	HEAD_PAIR('[', 'g'), HEAD_PAIR('E', ' '), HEAD_PAIR('T', 'h'),
	HEAD_PAIR('T', 'i'), HEAD_PAIR('C', 'u'), HEAD_PAIR('S', 't'),
	HEAD_PAIR('P', 'r'), HEAD_PAIR('E', 'x'), HEAD_PAIR('e', 'r'),
	HEAD_PAIR('[', 'g'), HEAD_PAIR('[', 'g'), HEAD_PAIR('[', 'g'),
	HEAD_PAIR('[', 'g'), HEAD_PAIR('[', 'g'), HEAD_PAIR('[', 'g'),
	HEAD_PAIR('[', 'g'),
};

/*
 * How line_stops() would judge the line p[ls..e), found without a branch
 * on its contents: LINE_QUIET (it would say no: a line that starts with
 * the learnt timestamp, checked with one vector compare, and whose head
 * after the stamp and any spaces starts with none of head_pairs),
 * LINE_HEAD (such a line whose head does: line_head_after() says), or
 * LINE_ASK (ask line_stops()).  The line's first bytes, up to 32 after
 * the stamp, must be in the block; they may run past the line (a pair
 * read there only costs the exact check).
 */
#define LINE_QUIET	0
#define LINE_HEAD	1
#define LINE_ASK	2

__attribute__((target("avx2"), always_inline))
static inline int
line_kind(const struct sieve *sv, const char *p, size_t n, size_t ls,
    size_t e)
{
	const struct stamp *st = &sv->stamp;
	const char	*s = p + ls;
	size_t		 t = st->len, len = e - ls;
	__m256i		 v, d, h;
	uint32_t	 dm, xm, sp;
	uint16_t	 pair;
	unsigned	 b;
	int		 stamped, other;

	if (t == 0 || len <= t + 3 || ls + t + 32 > n || len > sv->max_line)
		return LINE_ASK;
	v = _mm256_loadu_si256((const __m256i *)s);
	d = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
	d = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
	dm = (uint32_t)_mm256_movemask_epi8(d);
	xm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v,
	    _mm256_loadu_si256((const __m256i *)st->tpl)));
	h = _mm256_loadu_si256((const __m256i *)(s + t));
	sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(h,
	    _mm256_set1_epi8(' ')));
	b = (unsigned)__builtin_ctz(~sp | 0x80000000u);
	memcpy(&pair, s + t + (b > 30 ? 30 : b), sizeof pair);
	other = _mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_set1_epi16(
	    (short)pair), _mm256_loadu_si256((const __m256i *)head_pairs))) != 0;
	/* ... and no GitLab stream marker after the stamp. */
	stamped = ((dm & st->digits) == st->digits) &
	    ((xm & st->exact) == st->exact) &
	    !((unsigned char)(s[t] - '0') <= 9) & (b <= 30);
	return !stamped ? LINE_ASK : other ? LINE_HEAD : LINE_QUIET;
}

/*
 * Note where the newlines (nlm) and candidate bytes (cand) of the step at
 * p[i] are, in the chunk from sc->cb.  Two newlines are noted without a
 * branch (a step seldom has more); the list has room for two past its end.
 */
static inline void
chunk_note(struct scan *sc, size_t i, uint64_t nlm, uint64_t cand)
{
	uint16_t r = (uint16_t)(i - sc->cb);

	sc->nl[sc->nnl] = (uint16_t)(r + __builtin_ctzll(nlm | 1ULL << 63));
	sc->nnl += nlm != 0;
	nlm &= nlm - 1;
	sc->nl[sc->nnl] = (uint16_t)(r + __builtin_ctzll(nlm | 1ULL << 63));
	sc->nnl += nlm != 0;
	nlm &= nlm - 1;
	while (nlm != 0) {
		sc->nl[sc->nnl++] = (uint16_t)(r + __builtin_ctzll(nlm));
		nlm &= nlm - 1;
	}
	while (cand != 0) {
		sc->cand[sc->ncand++] = (uint16_t)(r + __builtin_ctzll(cand));
		cand &= cand - 1;
	}
}

/*
 * The lines of a chunk, which ends before p[ce]: each is a hit by a
 * candidate byte in it (up to its newline), or by its head or length.
 * The line still open at ce is a hit when it has a candidate byte, or is
 * longer than the limit already.  Returns 1 when the hits filled up.
 */
__attribute__((target("avx2"), always_inline))
static inline int
chunk_lines(struct sieve *sv, const char *p, size_t n, struct scan *sc,
    size_t ce)
{
	size_t	k, c = 0, e;

	for (k = 0; k < sc->nnl; k++) {
		e = sc->cb + sc->nl[k];
		if (!sc->inhit) {
			if (c < sc->ncand && sc->cb + sc->cand[c] <= e) {
				if (scan_hit(sc, SIEVE_BYTES))
					return 1;
			} else {
				int kind = line_kind(sv, p, n, sc->ls, e);

				if (kind != LINE_QUIET && (kind == LINE_HEAD ?
				    line_head_after(p + sc->ls, e - sc->ls,
				    sv->stamp.len) != 0 :
				    line_stops(sv, p, sc->ls, e)) &&
				    scan_hit(sc, SIEVE_HEAD))
					return 1;
			}
		}
		while (c < sc->ncand && sc->cb + sc->cand[c] <= e)
			c++;
		scan_line_end(sc, e);
		sc->inhit = 0;
		sc->nls++;
		sc->ls = e + 1;
	}
	if (!sc->inhit && c < sc->ncand && scan_hit(sc, SIEVE_BYTES))
		return 1;
	if (!sc->inhit && ce - sc->ls > sv->max_line && scan_hit(sc, SIEVE_HEAD))
		return 1;
	sc->cb = ce;
	sc->nnl = sc->ncand = 0;
	return 0;
}
#endif

/*
 * Continue a search at p[i] (the vector implementations hand their tail
 * over to this).  Returns 1 when the hits filled up.
 */
static int
sieve_finish(struct sieve *sv, const char *p, size_t n, size_t i,
    struct scan *sc)
{
	const unsigned char *u = (const unsigned char *)p;
	const int	 bytes = sc->mode & SIEVE_BYTES;
	const int	 heads = sc->mode & SIEVE_HEAD;

	for (; i < n; i++) {
		int hit = 0;

		if (bytes && sv->g != 0 && i == sc->wpos) {
			uint64_t w = 0;

			if (!sc->inhit && i + sv->g <= n) {
				memcpy(&w, p + i, sv->g);
				hit = gram_hit(sv, p, n, i, w);
			}
			sc->wpos += sv->g;
		}
		/*
		 * A pattern counts for the line it ends in, and a newline is
		 * its line's last byte: an anchor never spans lines, and may
		 * end on the newline only when its last byte may be any.
		 */
		if (bytes && !sc->inhit && (hit || (i >= 2 &&
		    pattern_end(sv, u, i) != 0)) && scan_hit(sc, SIEVE_BYTES))
			return 1;
		if (u[i] == '\n') {
			if (heads && !sc->inhit &&
			    line_stops(sv, p, sc->ls, i) &&
			    scan_hit(sc, SIEVE_HEAD))
				return 1;
			scan_line_end(sc, i);
			sc->inhit = 0;
			sc->nls++;
			sc->ls = i + 1;
			continue;
		}
		if (bytes && !sc->inhit && control_byte(u[i]) &&
		    scan_hit(sc, SIEVE_BYTES))
			return 1;
		if (heads && !sc->inhit && i - sc->ls >= sv->max_line &&
		    scan_hit(sc, SIEVE_HEAD))
			return 1;
	}
	return 0;
}

static int
sieve_scan_portable(struct sieve *sv, const char *p, size_t n,
    struct scan *sc)
{
	return sieve_finish(sv, p, n, 0, sc);
}

/* ---- AVX2 ---------------------------------------------------------- */

#ifdef SIEVE_X86
/*
 * Pieces of literals in the words of one step (of w bytes from p[i]) when
 * words are not 8 bytes long: candidate bits at the words' starts.
 */
static inline uint64_t
step_words(const struct sieve *sv, const char *p, size_t n, struct scan *sc,
    size_t i, unsigned w)
{
	uint64_t	cand = 0, word;

	for (; sc->wpos < i + w; sc->wpos += sv->g) {
		word = 0;
		if (sc->wpos + sv->g > n)
			continue;
		memcpy(&word, p + sc->wpos, sv->g);
		if (gram_hit(sv, p, n, sc->wpos, word))
			cand |= 1ULL << (sc->wpos - i);
	}
	return cand;
}

/*
 * The lines of one step of a vector implementation looking at bytes only
 * (SIEVE_BYTES): the step starts at p[i]; cand and nlm mark its candidate
 * bytes and its newlines.  Returns 1 when the hits filled up.
 */
static inline int
step_bytes(struct scan *sc, size_t i, uint64_t cand, uint64_t nlm)
{
	if (cand == 0) {
		/* None here: count lines. */
		if (nlm != 0) {
			scan_line_end(sc, i + (size_t)__builtin_ctzll(nlm));
			sc->nls += (uint64_t)__builtin_popcountll(nlm);
			sc->ls = i + 64 - (size_t)__builtin_clzll(nlm);
			sc->inhit = 0;
		}
		return 0;
	}
	while (nlm != 0) {
		unsigned j = (unsigned)__builtin_ctzll(nlm);
		size_t	 e = i + j;
		uint64_t upto = (2ULL << j) - 1;   /* bits 0..j */

		if (!sc->inhit && (cand & upto) != 0 &&
		    scan_hit(sc, SIEVE_BYTES))
			return 1;
		scan_line_end(sc, e);
		sc->inhit = 0;
		sc->nls++;
		sc->ls = e + 1;
		cand &= ~upto;
		nlm &= nlm - 1;
	}
	return !sc->inhit && cand != 0 && scan_hit(sc, SIEVE_BYTES);
}

/*
 * The end of a vector step of w bytes at p[i]: its lines are walked now
 * (bytes only), or noted for its chunk, whose lines are walked when the
 * chunk is full or the block has no whole step left.  Returns 1 when the
 * hits filled up.
 */
__attribute__((target("avx2"), always_inline))
static inline int
step_done(struct sieve *sv, const char *p, size_t n, struct scan *sc,
    size_t i, unsigned w, uint64_t cand, uint64_t nlm)
{
	if (!(sc->mode & SIEVE_HEAD))
		return step_bytes(sc, i, cand, nlm);
	chunk_note(sc, i, nlm, cand);
	i += w;
	return (i - sc->cb >= SIEVE_CHUNK || i + w > n) &&
	    chunk_lines(sv, p, n, sc, i);
}

__attribute__((target("avx2")))
static __m256i
table256(const uint8_t t[16])
{
	__m128i x = _mm_loadu_si128((const __m128i *)t);

	return _mm256_broadcastsi128_si256(x);
}

/* Table results of the step before, moved up by k bytes: r[i] = x[i - k]. */
__attribute__((target("avx2")))
static inline __m256i
carry2(__m256i prev, __m256i cur)
{
	__m256i x = _mm256_permute2x128_si256(prev, cur, 0x21);

	return _mm256_alignr_epi8(cur, x, 14);
}

__attribute__((target("avx2")))
static inline __m256i
carry1(__m256i prev, __m256i cur)
{
	__m256i x = _mm256_permute2x128_si256(prev, cur, 0x21);

	return _mm256_alignr_epi8(cur, x, 15);
}

/*
 * 32 bytes a step.  Each byte is split into nibbles once; the first and
 * second bytes' table results are carried over from the step before, so
 * a pattern is found at its last byte.  A step reads up to 32 bytes past
 * its start (a whole word sampled near its end reads 8 from there).
 */
__attribute__((target("avx2")))
static int
sieve_scan_avx2(struct sieve *sv, const char *p, size_t n, struct scan *sc)
{
	const __m256i	 lo0 = table256(sv->lo[0]), hi0 = table256(sv->hi[0]);
	const __m256i	 lo1 = table256(sv->lo[1]), hi1 = table256(sv->hi[1]);
	const __m256i	 lo2 = table256(sv->lo[2]), hi2 = table256(sv->hi[2]);
	const __m256i	 low4 = _mm256_set1_epi8(0x0f);
	const __m256i	 nlv = _mm256_set1_epi8('\n');
	const __m256i	 c1f = _mm256_set1_epi8(0x1f);
	const __m256i	 del = _mm256_set1_epi8(0x7f);
	const __m256i	 zero = _mm256_setzero_si256();
	const unsigned	 g = sv->g;
	__m256i		 pt0 = zero, pt1 = zero;
	size_t		 i = 0;
	const int	 bytes = sc->mode & SIEVE_BYTES;

	while (i + 32 <= n) {
		__m256i	 v = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i	 lo = _mm256_and_si256(v, low4);
		__m256i	 hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low4);
		__m256i	 t0, t1, m, nl, ctl;
		uint32_t cand = 0, nlm;

		nl = _mm256_cmpeq_epi8(v, nlv);
		nlm = (uint32_t)_mm256_movemask_epi8(nl);
		if (!bytes)
			goto lines;
		t0 = _mm256_and_si256(_mm256_shuffle_epi8(lo0, lo),
		    _mm256_shuffle_epi8(hi0, hi));
		t1 = _mm256_and_si256(_mm256_shuffle_epi8(lo1, lo),
		    _mm256_shuffle_epi8(hi1, hi));
		m = _mm256_and_si256(_mm256_shuffle_epi8(lo2, lo),
		    _mm256_shuffle_epi8(hi2, hi));
		m = _mm256_and_si256(m, _mm256_and_si256(carry2(pt0, t0),
		    carry1(pt1, t1)));
		pt0 = t0;
		pt1 = t1;
		ctl = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f),
		    v), _mm256_cmpeq_epi8(v, del));
		ctl = _mm256_andnot_si256(nl, ctl);
		cand = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m,
		    zero)) | (uint32_t)_mm256_movemask_epi8(ctl);
		if (g == 8) {
			/* The usual case, without branches: the four words of
			 * the step, looked up in the bitmap at once. */
			unsigned h0 = gram_hash(sv, load64(p + i));
			unsigned h1 = gram_hash(sv, load64(p + i + 8));
			unsigned h2 = gram_hash(sv, load64(p + i + 16));
			unsigned h3 = gram_hash(sv, load64(p + i + 24));
			uint64_t b = ((sv->grams[h0 >> 6] >> (h0 & 63)) & 1) |
			    ((sv->grams[h1 >> 6] >> (h1 & 63)) & 1) << 8 |
			    ((sv->grams[h2 >> 6] >> (h2 & 63)) & 1) << 16 |
			    ((sv->grams[h3 >> 6] >> (h3 & 63)) & 1) << 24;

			if (b != 0) {
				if ((b & 1) && gram_confirm(sv, p, n, i, h0))
					cand |= 1u;
				if ((b >> 8 & 1) && gram_confirm(sv, p, n,
				    i + 8, h1))
					cand |= 1u << 8;
				if ((b >> 16 & 1) && gram_confirm(sv, p, n,
				    i + 16, h2))
					cand |= 1u << 16;
				if ((b >> 24 & 1) && gram_confirm(sv, p, n,
				    i + 24, h3))
					cand |= 1u << 24;
			}
			sc->wpos = i + 32;
		} else if (g != 0)
			cand |= step_words(sv, p, n, sc, i, 32);
lines:
		if (step_done(sv, p, n, sc, i, 32, cand, nlm))
			return 1;
		i += 32;
	}
	return sieve_finish(sv, p, n, i, sc);
}

/* ---- AVX-512 (with VBMI's byte permutes) ------------------------------ */

#define AVX512_TARGET "avx512f,avx512bw,avx512dq,avx512vbmi"

__attribute__((target(AVX512_TARGET)))
static __m512i
table512(const uint8_t t[16])
{
	__m128i x = _mm_loadu_si128((const __m128i *)t);

	return _mm512_broadcast_i32x4(x);
}

/* Byte indexes for vpermt2b: r[i] = (prev:cur)[64 + i - k]. */
__attribute__((target(AVX512_TARGET)))
static __m512i
carry_index(int k)
{
	uint8_t	 idx[64];
	int	 i;

	for (i = 0; i < 64; i++)
		idx[i] = (uint8_t)(64 - k + i);
	return _mm512_loadu_si512((const void *)idx);
}

/*
 * 64 bytes a step, as the AVX2 version does 32; the eight words of a step
 * are hashed and looked up together when g is 8.
 */
__attribute__((target(AVX512_TARGET)))
static int
sieve_scan_avx512(struct sieve *sv, const char *p, size_t n, struct scan *sc)
{
	const __m512i	 lo0 = table512(sv->lo[0]), hi0 = table512(sv->hi[0]);
	const __m512i	 lo1 = table512(sv->lo[1]), hi1 = table512(sv->hi[1]);
	const __m512i	 lo2 = table512(sv->lo[2]), hi2 = table512(sv->hi[2]);
	const __m512i	 by2 = carry_index(2), by1 = carry_index(1);
	const __m512i	 low4 = _mm512_set1_epi8(0x0f);
	const __m512i	 nlv = _mm512_set1_epi8('\n');
	const __m512i	 c1f = _mm512_set1_epi8(0x1f);
	const __m512i	 del = _mm512_set1_epi8(0x7f);
	const __m512i	 fold = _mm512_set1_epi8(0x20);
	const __m512i	 mult = _mm512_set1_epi64((long long)GRAM_MULT);
	const __m512i	 wb0 = _mm512_loadu_si512((const void *)sv->wordbyte);
	const __m512i	 wb1 = _mm512_loadu_si512((const void *)(sv->wordbyte + 64));
	const __m512i	 ones = _mm512_set1_epi8(-1);
	const unsigned	 g = sv->g;
	__m512i		 pt0 = _mm512_setzero_si512(), pt1 = pt0;
	size_t		 i = 0;
	const int	 bytes = sc->mode & SIEVE_BYTES;

	while (i + 64 <= n) {
		__m512i	 v = _mm512_loadu_si512((const void *)(p + i));
		__m512i	 lo = _mm512_and_si512(v, low4);
		__m512i	 hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4);
		__m512i	 t0, t1, t2;
		uint64_t cand = 0, nlm;

		nlm = _mm512_cmpeq_epi8_mask(v, nlv);
		if (!bytes)
			goto lines;

		t0 = _mm512_and_si512(_mm512_shuffle_epi8(lo0, lo),
		    _mm512_shuffle_epi8(hi0, hi));
		t1 = _mm512_and_si512(_mm512_shuffle_epi8(lo1, lo),
		    _mm512_shuffle_epi8(hi1, hi));
		t2 = _mm512_and_si512(_mm512_shuffle_epi8(lo2, lo),
		    _mm512_shuffle_epi8(hi2, hi));
		/* t2 & t1 moved up one byte & t0 moved up two. */
		t2 = _mm512_ternarylogic_epi64(t2,
		    _mm512_permutex2var_epi8(pt1, by1, t1),
		    _mm512_permutex2var_epi8(pt0, by2, t0), 0x80);
		pt0 = t0;
		pt1 = t1;
		cand = _mm512_test_epi8_mask(t2, t2) |
		    ((_mm512_cmple_epu8_mask(v, c1f) |
		    _mm512_cmpeq_epi8_mask(v, del)) & ~nlm);
		if (g == 8) {
			/* Hashed and looked up together, by one gather of
			 * the words whose bytes all occur in the literals'
			 * heads (eight loads instead cost more), then each
			 * hit confirmed on its own. */
			__m512i	 h = _mm512_srli_epi64(_mm512_mullo_epi64(
			    _mm512_or_si512(v, fold), mult), 64 - GRAM_BITS);
			uint64_t hs[8];
			unsigned hit = 0, k, clean;
			__m512i	 ok = _mm512_permutex2var_epi8(wb0, v, wb1);

			ok = _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), ok,
			    _mm512_setzero_si512());
			clean = _mm512_cmpeq_epi64_mask(ok, ones);
			_mm512_storeu_si512((void *)hs, h);
			if (clean != 0) {
				__m512i wv = _mm512_mask_i64gather_epi64(
				    _mm512_setzero_si512(), (__mmask8)clean,
				    _mm512_srli_epi64(h, 6),
				    (const long long *)sv->grams, 8);

				wv = _mm512_srlv_epi64(wv, _mm512_and_si512(h,
				    _mm512_set1_epi64(63)));
				hit = _mm512_test_epi64_mask(wv,
				    _mm512_set1_epi64(1));
			}
			if (hit != 0) {
				for (k = 0; k < 8; k++)
					if ((hit >> k & 1) &&
					    gram_confirm(sv, p, n, i + 8 * k,
					    (unsigned)hs[k]))
						cand |= 1ULL << (8 * k);
			}
			sc->wpos = i + 64;
		} else if (g != 0)
			cand |= step_words(sv, p, n, sc, i, 64);
lines:
		if (step_done(sv, p, n, sc, i, 64, cand, nlm))
			return 1;
		i += 64;
	}
	return sieve_finish(sv, p, n, i, sc);
}
#endif
