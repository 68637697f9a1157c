/*
 * prefilter.c: find which of many literals occur in a line, fast.
 *
 * The line rules run on every log line that is not part of a report, so
 * most lines must be turned away without PCRE2.  Each line rule names
 * literals that any match contains; this is a Wu-Manber search for all of
 * them at once.  It hashes the last four bytes of a window as long as the
 * shortest literal (capped), and a shift table says how far the window may
 * jump when those bytes end no literal's prefix: on ordinary log text the
 * search advances several bytes per step.  Where a prefix may end, the
 * literals hashed there are compared in full.  Comparison ignores the ASCII
 * case bit, so a literal stands for a superset of its matches; PCRE2
 * decides.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define PF_BLOCK	4		/* bytes hashed per step */
#define PF_WINDOW_MAX	24		/* longest window used */
#define PF_HASH_BITS	14		/* the shift table stays in L1 */
#define PF_HASH_SIZE	(1u << PF_HASH_BITS)

struct pf_lit {
	unsigned char	*text;		/* folded */
	size_t		 len;
	unsigned	 id;
	size_t		 next;		/* next in its hash bucket, or SIZE_MAX */
};

struct prefilter {
	struct pf_lit	*lits;
	size_t		 nlits;
	size_t		 window;	/* 0 before build or when empty */
	unsigned char	 shift[PF_HASH_SIZE];
	size_t		 bucket[PF_HASH_SIZE];
	const char	**texts;	/* the folded literals, for callers */
	unsigned	*seen;		/* per id: stamp of the last scan */
	size_t		 nseen;
	unsigned	 stamp;
};

static unsigned char fold[256];

/*
 * The hash of the block ending a window: four bytes read at once with the
 * ASCII case bit set (so 'A' and 'a' hash alike; a few punctuation pairs
 * do too, which only lets more candidates through), then a multiplicative
 * hash.  No table look-up, so a step of the search is a short chain.
 */
static inline unsigned
pf_hash(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	v |= 0x20202020u;
	return (unsigned)((v * 2654435761u) >> (32 - PF_HASH_BITS));
}

struct prefilter *
prefilter_new(void)
{
	struct prefilter *pf;
	unsigned	  c;

	if (fold['A'] == 0) {
		for (c = 0; c < 256; c++)
			fold[c] = (unsigned char)(c | 0x20);
	}
	pf = xcalloc(1, sizeof *pf);
	return pf;
}

void
prefilter_free(struct prefilter *pf)
{
	size_t	i;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->nlits; i++)
		free(pf->lits[i].text);
	free(pf->lits);
	free(pf->texts);
	free(pf->seen);
	free(pf);
}

/* Add a literal reported as id; literals shorter than a block are ignored. */
void
prefilter_add(struct prefilter *pf, const char *lit, unsigned id)
{
	struct pf_lit	*l;
	size_t		 i, len = strlen(lit);

	if (len < PF_BLOCK)
		return;
	pf->lits = xreallocarray(pf->lits, pf->nlits + 1, sizeof *pf->lits);
	l = &pf->lits[pf->nlits++];
	l->text = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		l->text[i] = fold[(unsigned char)lit[i]];
	l->text[len] = '\0';
	l->len = len;
	l->id = id;
	if (id >= pf->nseen) {
		pf->seen = xreallocarray(pf->seen, id + 1, sizeof *pf->seen);
		memset(pf->seen + pf->nseen, 0,
		    (id + 1 - pf->nseen) * sizeof *pf->seen);
		pf->nseen = id + 1;
	}
}

/* Build the tables; call after the last prefilter_add. */
void
prefilter_build(struct prefilter *pf)
{
	size_t	 i, j, m, h;

	m = PF_WINDOW_MAX;
	for (i = 0; i < pf->nlits; i++)
		if (pf->lits[i].len < m)
			m = pf->lits[i].len;
	pf->window = pf->nlits == 0 ? 0 : m;
	free(pf->texts);
	pf->texts = xreallocarray(NULL, pf->nlits + 1, sizeof *pf->texts);
	for (i = 0; i < pf->nlits; i++)
		pf->texts[i] = (const char *)pf->lits[i].text;
	/* prefilter_add keeps only literals of PF_BLOCK bytes or more. */
	for (h = 0; h < PF_HASH_SIZE; h++) {
		pf->shift[h] = (unsigned char)(m - PF_BLOCK + 1);
		pf->bucket[h] = SIZE_MAX;
	}
	for (i = 0; i < pf->nlits; i++) {
		const unsigned char *t = pf->lits[i].text;

		for (j = PF_BLOCK; j <= m; j++) {
			h = pf_hash(t + j - PF_BLOCK);
			if (pf->shift[h] > m - j)
				pf->shift[h] = (unsigned char)(m - j);
		}
		h = pf_hash(t + m - PF_BLOCK);
		pf->lits[i].next = pf->bucket[h];
		pf->bucket[h] = i;
	}
}

/*
 * The literals searched for, case folded (ASCII lower case), after
 * prefilter_build: prefilter_scan finds something only in a line that
 * holds one of them.  Valid until the next build or prefilter_free.
 */
const char *const *
prefilter_literals(const struct prefilter *pf, size_t *n)
{
	*n = pf->texts != NULL ? pf->nlits : 0;
	return pf->texts;
}

static int
fold_equal(const unsigned char *a, const unsigned char *folded, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (fold[a[i]] != folded[i])
			return 0;
	return 1;
}

/* Compare the literals hashed at a window ending at pos; record hits. */
static size_t
pf_check(struct prefilter *pf, const unsigned char *u, size_t len, size_t pos,
    unsigned *ids, size_t n, size_t max)
{
	size_t	 start = pos + 1 - pf->window, k;

	for (k = pf->bucket[pf_hash(u + pos + 1 - PF_BLOCK)]; k != SIZE_MAX;
	    k = pf->lits[k].next) {
		struct pf_lit *l = &pf->lits[k];

		if (pf->seen[l->id] == pf->stamp || l->len > len - start ||
		    !fold_equal(u + start, l->text, l->len))
			continue;
		pf->seen[l->id] = pf->stamp;
		if (n < max)
			ids[n++] = l->id;
	}
	return n;
}

/*
 * Scan s[0..len): put the ids of the literals found (each once) in ids,
 * at most max of them, and return how many.  A long line is searched from
 * its start and from its middle at once: each step waits on the one before
 * it, so two independent searches keep the processor busy.
 */
size_t
prefilter_scan(struct prefilter *pf, const char *s, size_t len, unsigned *ids,
    size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t		 m = pf->window, a, b, a_end, n = 0;
	unsigned	 sa, sb;

	if (m == 0 || len < m)
		return 0;
	if (++pf->stamp == 0) {
		memset(pf->seen, 0, pf->nseen * sizeof *pf->seen);
		pf->stamp = 1;
	}
	/* Windows starting before mid are the first search's, the rest the
	 * second's. */
	a = m - 1;
	a_end = len;
	b = len;
	if (len >= 4 * m) {
		a_end = len / 2 + m - 1;
		b = a_end;
		while (a < a_end && b < len) {
			sa = pf->shift[pf_hash(u + a + 1 - PF_BLOCK)];
			sb = pf->shift[pf_hash(u + b + 1 - PF_BLOCK)];
			if (sa == 0) {
				n = pf_check(pf, u, len, a, ids, n, max);
				sa = 1;
			}
			if (sb == 0) {
				n = pf_check(pf, u, len, b, ids, n, max);
				sb = 1;
			}
			a += sa;
			b += sb;
		}
	}
	while (a < a_end) {
		sa = pf->shift[pf_hash(u + a + 1 - PF_BLOCK)];
		if (sa == 0) {
			n = pf_check(pf, u, len, a, ids, n, max);
			sa = 1;
		}
		a += sa;
	}
	while (b < len) {
		sb = pf->shift[pf_hash(u + b + 1 - PF_BLOCK)];
		if (sb == 0) {
			n = pf_check(pf, u, len, b, ids, n, max);
			sb = 1;
		}
		b += sb;
	}
	return n;
}
