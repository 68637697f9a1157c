/*
 * fuzz-sieve.c: libFuzzer harness for the sieve (sieve.c), differential.
 *
 * The input, with a newline added when it has none, is searched by every
 * implementation this processor runs; they must agree on every hit, no
 * line that anchor.c, the cleaner or a literal would care about may be
 * passed over, and the two halves of the search (bytes, heads) must find
 * every line the whole does.  The literals are a few of the shipped rules' kind, so that
 * the sampled-word search is exercised too.  Aborts on any disagreement.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"
#include "sieve-oracle.h"
#include "fuzz.h"

#define MAX_LINE 512

static const char *const literals[] = {
	"the global interpreter lock (gil) has been enabled",
	"double free or corruption", "mutex that is not ",
	"threadsanitizer: reported ",
};
static const char *const impls[] = { "portable", "avx2", "avx512" };


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sieve_hit hits[nitems(impls)][256];
	size_t		 nh[nitems(impls)], done[nitems(impls)];
	uint64_t	 lines[nitems(impls)];
	struct sieve	*sv;
	char		*buf;
	const char	*p, *e;
	size_t		 n = size, k, i, used = 0, first = SIZE_MAX;

	if (size > 1 << 20)
		return 0;
	buf = xmalloc(size + 1);
	memcpy(buf, data, size);
	if (n == 0 || buf[n - 1] != '\n')
		buf[n++] = '\n';
	sv = sieve_new(MAX_LINE);
	sieve_set_literals(sv, literals, nitems(literals));
	for (k = 0; k < nitems(impls); k++) {
		if (sieve_use(sv, impls[k]) != 0)
			continue;
		/* A fresh sieve each time: what it learns must not matter. */
		sieve_free(sv);
		sv = sieve_new(MAX_LINE);
		sieve_set_literals(sv, literals, nitems(literals));
		(void)sieve_use(sv, impls[k]);
		nh[k] = sieve_scan(sv, buf, n, hits[k], nitems(hits[k]),
		    &done[k], &lines[k]);
		used++;
		if (first == SIZE_MAX) {
			first = k;
			continue;
		}
		if (nh[k] != nh[first] || done[k] != done[first] ||
		    lines[k] != lines[first])
			abort();
		for (i = 0; i < nh[k]; i++) {
			const struct sieve_hit *a = &hits[k][i], *b = &hits[first][i];

			/* Why a line over the limit stopped is left open. */
			e = memchr(buf + a->off, '\n', n - a->off);
			if (a->off != b->off || a->line != b->line ||
			    (a->why != b->why &&
			    (size_t)(e - (buf + a->off)) <= MAX_LINE))
				abort();
		}
	}
	if (used == 0)
		abort();
	/* The two halves find what the whole finds. */
	{
		static struct sieve_hit hb[256], hh[256];
		size_t	 nb, nhh, db, dh, a, b, o;
		uint64_t lb, lh;

		sieve_free(sv);
		sv = sieve_new(MAX_LINE);
		sieve_set_literals(sv, literals, nitems(literals));
		(void)sieve_use(sv, impls[first]);
		nb = sieve_scan_part(sv, buf, n, SIEVE_BYTES, hb, nitems(hb),
		    &db, &lb);
		nhh = sieve_scan_part(sv, buf, n, SIEVE_HEAD, hh, nitems(hh),
		    &dh, &lh);
		/* Compared where all three lists are complete. */
		for (a = b = o = 0; o < nh[first]; o++) {
			uint32_t off = hits[first][o].off;

			if ((db < n && off >= db) || (dh < n && off >= dh))
				break;
			while (a < nb && hb[a].off < off)
				a++;
			while (b < nhh && hh[b].off < off)
				b++;
			if (!((a < nb && hb[a].off == off) ||
			    (b < nhh && hh[b].off == off)))
				abort();
		}
		if (db == n && dh == n && done[first] == n &&
		    (lb != lines[first] || lh != lines[first]))
			abort();
	}
	/* Up to done, every line that matters is a hit. */
	k = first;
	for (p = buf, i = 0; p < buf + done[k]; p = e + 1) {
		e = memchr(p, '\n', (size_t)(buf + n - p));
		if (i < nh[k] && hits[k][i].off == (uint32_t)(p - buf))
			i++;
		else if (oracle_must_stop(p, (size_t)(e - p), MAX_LINE,
		    literals, nitems(literals)))
			abort();
	}
	sieve_free(sv);
	free(buf);
	return 0;
}
