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
 * any occurrence contains a whole g-byte word, g = min(8, (L + 1) / 2),
 * starting at a multiple of g from the start of the block.  Only those
 * words are looked up, in a bitmap of the hashes of every g-byte piece of
 * every literal, case folded as prefilter.c folds.
 *
 * Each implementation (portable, AVX2 chosen at run time) gives the same
 * answer for the same input; the unit test checks that they do, and that
 * every anchor of anchor.c is caught.
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
/* Implementations mark an offset found by a byte with this bit. */
#define SIEVE_BYTES_BIT	((size_t)1 << (sizeof(size_t) * 8 - 1))
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
	unsigned	 g;		/* gram length, 0 without literals */
	uint64_t	 gmask;		/* the low g bytes */
	size_t		 max_line;
	size_t		(*next)(const struct sieve *, const char *, size_t,
			    uint64_t *);
};

static size_t sieve_next_portable(const struct sieve *, const char *, size_t,
    uint64_t *);
#ifdef SIEVE_X86
static size_t sieve_next_avx2(const struct sieve *, const char *, size_t,
    uint64_t *);
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
	sv->next = sieve_next_portable;
#ifdef SIEVE_X86
	if (__builtin_cpu_supports("avx2"))
		sv->next = sieve_next_avx2;
#endif
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
 * Choose the implementation: "portable", "avx2" or "auto".  Returns -1
 * when this build or processor lacks it (for the tests).
 */
int
sieve_use(struct sieve *sv, const char *impl)
{
	if (strcmp(impl, "portable") == 0) {
		sv->next = sieve_next_portable;
		return 0;
	}
#ifdef SIEVE_X86
	if (strcmp(impl, "avx2") == 0 || strcmp(impl, "auto") == 0) {
		if (!__builtin_cpu_supports("avx2"))
			return strcmp(impl, "auto") == 0 ? sieve_use(sv,
			    "portable") : -1;
		sv->next = sieve_next_avx2;
		return 0;
	}
#else
	if (strcmp(impl, "auto") == 0)
		return sieve_use(sv, "portable");
#endif
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
		sv->nents += len - sv->g + 1;
	}
	sv->nlits = n;
	sv->ents = xreallocarray(NULL, sv->nents, sizeof *sv->ents);
	sv->nents = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j + sv->g <= sv->lens[i]; j++) {
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
 * The first line of p[0..n) that may matter: its offset, or n when every
 * line is noise.  p[0] starts a line; p[n - 1] is a newline (only whole
 * lines are judged).  *lines is set to the number of newlines before the
 * offset returned, and *why to SIEVE_BYTES when something in the line
 * stopped the sieve, or to SIEVE_HEAD when only its head or its length
 * did (then the line holds no byte pattern, control byte or piece of a
 * literal).
 */
size_t
sieve_next(const struct sieve *sv, const char *p, size_t n, uint64_t *lines,
    int *why)
{
	size_t	c;

	*lines = 0;
	*why = SIEVE_HEAD;
	if (n == 0)
		return 0;
	if (sv->all) {
		*why = SIEVE_BYTES;
		return 0;
	}
	c = sv->next(sv, p, n, lines);
	if (c & SIEVE_BYTES_BIT) {
		c &= ~SIEVE_BYTES_BIT;
		*why = SIEVE_BYTES;
	}
	return c;
}

/* ---- the portable implementation (and every one's tail) ------------- */

/* Pattern bits matching at p[i] (bytes past n match nothing). */
static inline unsigned
pattern_at(const struct sieve *sv, const unsigned char *u, size_t i, size_t n)
{
	unsigned	m = 0xff;
	size_t		k;

	for (k = 0; k < 3; k++) {
		if (i + k >= n)
			return 0;
		m &= sv->lo[k][u[i + k] & 15] & sv->hi[k][u[i + k] >> 4];
	}
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
line_stops(const struct sieve *sv, const char *p, size_t ls, size_t e)
{
	return e - ls > sv->max_line || line_head(p + ls, e - ls) != 0;
}

/*
 * Continue a search at p[i], where the current line started at ls and is
 * already known to be a candidate if dirty; word samples continue at
 * wpos.  The vector implementations hand their tail over to this.
 */
static size_t
sieve_finish(const struct sieve *sv, const char *p, size_t n, size_t i,
    size_t ls, size_t wpos, uint64_t *lines)
{
	const unsigned char *u = (const unsigned char *)p;

	for (; i < n; i++) {
		int word = 0;

		if (sv->g != 0 && i == wpos) {
			uint64_t w = 0;

			if (i + sv->g <= n) {
				memcpy(&w, p + i, sv->g);
				word = gram_hit(sv, p, n, i, w);
			}
			wpos += sv->g;
		}
		/* What starts on a newline belongs to no line. */
		if (u[i] == '\n') {
			if (line_stops(sv, p, ls, i))
				return ls;
			(*lines)++;
			ls = i + 1;
			continue;
		}
		if (word || control_byte(u[i]) || pattern_at(sv, u, i, n) != 0)
			return ls | SIEVE_BYTES_BIT;
		if (i - ls >= sv->max_line)
			return ls;
	}
	return n;
}

static size_t
sieve_next_portable(const struct sieve *sv, const char *p, size_t n,
    uint64_t *lines)
{
	return sieve_finish(sv, p, n, 0, 0, 0, lines);
}

/* ---- AVX2 ---------------------------------------------------------- */

#ifdef SIEVE_X86
__attribute__((target("avx2")))
static inline __m256i
nibble_match(__m256i v, __m256i lo, __m256i hi, __m256i low4)
{
	__m256i a = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low4));
	__m256i b = _mm256_shuffle_epi8(hi,
	    _mm256_and_si256(_mm256_srli_epi16(v, 4), low4));

	return _mm256_and_si256(a, b);
}

__attribute__((target("avx2")))
static __m256i
table256(const uint8_t t[16])
{
	__m128i x = _mm_loadu_si128((const __m128i *)t);

	return _mm256_broadcastsi128_si256(x);
}

/*
 * 32 bytes a step.  A step reads up to 40 bytes past its start (the third
 * pattern byte, a whole word sampled near its end), so the last steps are
 * left to sieve_finish.
 */
__attribute__((target("avx2")))
static size_t
sieve_next_avx2(const struct sieve *sv, const char *p, size_t n,
    uint64_t *lines)
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
	size_t		 i = 0, ls = 0, wpos = 0;
	uint64_t	 nls = 0;

	while (i + 40 <= n) {
		__m256i	 v = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i	 w = _mm256_loadu_si256((const __m256i *)(p + i + 1));
		__m256i	 x = _mm256_loadu_si256((const __m256i *)(p + i + 2));
		__m256i	 m, nl, ctl;
		uint32_t cand, nlm;

		m = _mm256_and_si256(nibble_match(v, lo0, hi0, low4),
		    nibble_match(w, lo1, hi1, low4));
		m = _mm256_and_si256(m, nibble_match(x, lo2, hi2, low4));
		nl = _mm256_cmpeq_epi8(v, nlv);
		ctl = _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(v, c1f),
		    v), _mm256_cmpeq_epi8(v, del));
		ctl = _mm256_andnot_si256(nl, ctl);
		cand = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m,
		    zero)) | (uint32_t)_mm256_movemask_epi8(ctl);
		nlm = (uint32_t)_mm256_movemask_epi8(nl);
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
			wpos = i + 32;
		} else if (g != 0) {
			for (; wpos < i + 32; wpos += g)
				if (gram_hit(sv, p, n, wpos, load64(p + wpos)))
					cand |= 1u << (wpos - i);
		}
		while (nlm != 0) {
			unsigned j = (unsigned)__builtin_ctz(nlm);
			size_t	 e = i + j;

			if ((cand & ((1u << j) - 1)) != 0) {
				*lines += nls;
				return ls | SIEVE_BYTES_BIT;
			}
			if (line_stops(sv, p, ls, e)) {
				*lines += nls;
				return ls;
			}
			nls++;
			ls = e + 1;
			/* Bits up to the newline were the finished line's. */
			cand &= j == 31 ? 0 : ~((2u << j) - 1);
			nlm &= nlm - 1;
		}
		if (cand != 0) {
			*lines += nls;
			return ls | SIEVE_BYTES_BIT;
		}
		if (i + 32 - ls > sv->max_line) {
			*lines += nls;
			return ls;
		}
		i += 32;
	}
	*lines += nls;
	return sieve_finish(sv, p, n, i, ls, wpos, lines);
}
#endif
