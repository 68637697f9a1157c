/*
 * test-sieve.c: unit tests of sieve.c against anchor.c.
 *
 * The sieve may stop at a line that is noise, but must never pass over a
 * line that anchor.c, the cleaner or a rule's literal would care about;
 * and every implementation this machine runs must give the same answer.
 * Logs are made at random from CI noise, every anchor, control bytes,
 * prefixes, timestamps and literals at every alignment.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "parse.h"
#include "sieve-oracle.h"

#define MAX_LINE 300		/* small, so that long lines come up */
#define MAX_HITS 4096

static const char *const impls[] = { "portable", "avx2", "avx512" };

/* What anchor.c and the cleaner look for, at the start or inside. */
static const char *const inside[] = {
	"#0 0x4a5b in f", "    #12 main", "frame # 3", "WARNING: ThreadSanitizer:",
	"==1==ERROR: AddressSanitizer: heap", "LeakSanitizer", "Fatal Python error: x",
	"Windows fatal exception: access", "GIL", "x.c:3:4: error: y",
	"a.c:1: fatal error: b", "a.c:2:3: runtime error: signed", "f: Assertion `x'",
	"pkg> ", "python3.13t-cython> building", "tests/x.py::test_y PASSED",
	"[10/14/1] test_logging", "____ test_x ____",
};
static const char *const heads[] = {
	"[gw0] ", "[gw12] [ 50%] PASSED x", "E   AssertionError", "Thread 0x7f (most",
	"Timeout (0:00:10)!", "Current thread 0x1", "Stack (most recent call first):",
	"Program received signal SIGSEGV", "Program terminated with signal",
	"Exception in thread Thread-1", "error[E0425]: cannot", "  Thread 2 (LWP 3)",
};
static const char *const noise[] = {
	"tests/test_io.py::test_read[shared-4] PASSED [ 12%]",
	"  /opt/hostedtoolcache/Python/3.13.1/x64/lib/python3.13t/site-packages/x.py:3: DeprecationWarning: resize() is deprecated",
	"Collecting numpy>=1.2", "Requirement already satisfied: io in ./venv",
	"gcc -pthread -O3 -c src/a.c -o build/a.o", "##[group]Run pytest",
	"ValueError: cannot decode buffer", "Traceback (most recent call last):",
	"  File \"/x/y.py\", line 3, in f", "", "size resize Jar var Will Gin Fal",
	"The Thread:", "a: b", "::", "z e r", "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93",
};
static const char *const stamps[] = {
	"", "", "2025-03-14T00:00:20.0528569Z ", "2024-01-02T03:04:05Z ",
	"2025-05-01T05:34:57.923+02:00 ", "2025-05-01T05:34:57.923456Z 00O ",
	"2025-05-01T05:34:57.9Z 01E+ ", "2025-13-01T05:34:57Z ", "2025-0x-01T05",
};
static const char *const long_literals[] = {
	"the global interpreter lock (gil) has been enabled",
	"double free or corruption", "mutex that is not ",
	" with exit code 66]", "is currently incompatible with ",
};
/* With a short one, words are sampled shorter than 8 bytes. */
static const char *const short_literals[] = {
	"mutex that is not ", "gil re", "threadsanitizer: reported ",
};
static const char *const *literals = long_literals;
static size_t nliterals = nitems(long_literals);

static uint64_t rnd_state = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static void
add(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* A random line, newline included. */
static void
make_line(struct buf *b)
{
	unsigned	k = rnd(100), i;
	char		c[2] = { 0, 0 };

	add(b, stamps[rnd(nitems(stamps))]);
	if (k < 50)
		add(b, noise[rnd(nitems(noise))]);
	else if (k < 62) {
		add(b, noise[rnd(nitems(noise))]);
		add(b, inside[rnd(nitems(inside))]);
		add(b, noise[rnd(nitems(noise))]);
	} else if (k < 72) {
		add(b, heads[rnd(nitems(heads))]);
		add(b, noise[rnd(nitems(noise))]);
	} else if (k < 80) {
		/* A literal in any case, anywhere. */
		const char *l = literals[rnd((unsigned)nliterals)];

		for (i = rnd(70); i > 0; i--)
			buf_add(b, "x", 1);
		for (; *l != '\0'; l++) {
			c[0] = rnd(4) == 0 && *l >= 'a' && *l <= 'z' ?
			    (char)(*l - 32) : *l;
			add(b, c);
		}
		add(b, noise[rnd(nitems(noise))]);
	} else if (k < 86) {
		/* Half a literal: noise that looks like one. */
		const char *l = literals[rnd((unsigned)nliterals)];

		buf_add(b, l, strlen(l) / 2);
	} else if (k < 92) {
		add(b, noise[rnd(nitems(noise))]);
		c[0] = (char)rnd(0x20);
		if (c[0] == '\n' || c[0] == '\0')
			c[0] = rnd(2) ? '\x7f' : '\t';
		add(b, c);
		add(b, noise[rnd(nitems(noise))]);
	} else if (k < 96) {
		for (i = 200 + rnd(300); i > 0; i--)
			buf_add(b, "ab cd", 1 + rnd(5));
	} else {
		for (i = rnd(200); i > 0; i--) {
			c[0] = (char)(rnd(255) + 1);
			if (c[0] == '\n')
				c[0] = ' ';
			add(b, c);
		}
	}
	buf_add(b, "\n", 1);
}

struct result {
	struct sieve_hit hits[MAX_HITS];
	size_t		 nhits;
	size_t		 done;
	uint64_t	 lines;
};

static struct sieve *
new_sieve(void)
{
	struct sieve *sv = sieve_new(MAX_LINE);

	sieve_set_literals(sv, literals, nliterals);
	return sv;
}

/*
 * The two halves of the sieve, in every implementation, together find
 * what the whole finds: the same lines, a line of both being SIEVE_BYTES.
 */
static void
check_halves(const char *log, size_t n, const struct result *whole)
{
	static struct result b, h;
	struct sieve	*sv;
	size_t		 k, i, j, o;

	for (k = 0; k < nitems(impls); k++) {
		sv = new_sieve();
		if (sieve_use(sv, impls[k]) != 0) {
			sieve_free(sv);
			continue;
		}
		b.nhits = sieve_scan_part(sv, log, n, SIEVE_BYTES, b.hits,
		    MAX_HITS, &b.done, &b.lines);
		h.nhits = sieve_scan_part(sv, log, n, SIEVE_HEAD, h.hits,
		    MAX_HITS, &h.done, &h.lines);
		ck_assert_uint_eq(b.done, n);
		ck_assert_uint_eq(h.done, n);
		ck_assert_uint_eq(b.lines, whole->lines);
		ck_assert_uint_eq(h.lines, whole->lines);
		for (i = j = o = 0; i < b.nhits || j < h.nhits; o++) {
			const struct sieve_hit *x;
			int why;

			if (j == h.nhits || (i < b.nhits &&
			    b.hits[i].off <= h.hits[j].off)) {
				x = &b.hits[i];
				why = SIEVE_BYTES;
				if (j < h.nhits && h.hits[j].off == x->off)
					j++;
				i++;
			} else {
				x = &h.hits[j++];
				why = SIEVE_HEAD;
			}
			ck_assert_msg(o < whole->nhits, "%s: halves find more",
			    impls[k]);
			ck_assert_uint_eq(x->off, whole->hits[o].off);
			ck_assert_uint_eq(x->line, whole->hits[o].line);
			/* Why a line over the limit is hit is left open. */
			if (memchr(log + x->off, '\n', MAX_LINE + 1) != NULL)
				ck_assert_int_eq(why, whole->hits[o].why);
		}
		ck_assert_uint_eq(o, whole->nhits);
		sieve_free(sv);
	}
}

/* The sieve over a log from each offset given, in every implementation. */
static void
check_log(const char *log, size_t n)
{
	static struct result r[nitems(impls)];
	struct sieve	*sv = new_sieve();
	size_t		 i, j, k, nimpl = 0, used[nitems(impls)];
	const char	*p, *e;

	for (k = 0; k < nitems(impls); k++) {
		if (sieve_use(sv, impls[k]) != 0)
			continue;
		r[nimpl].nhits = sieve_scan(sv, log, n, r[nimpl].hits, MAX_HITS,
		    &r[nimpl].done, &r[nimpl].lines);
		used[nimpl++] = k;
	}
	ck_assert_uint_ge(nimpl, 1);
	for (k = 1; k < nimpl; k++) {
		ck_assert_msg(r[k].nhits == r[0].nhits && r[k].done == r[0].done &&
		    r[k].lines == r[0].lines, "%s and %s differ: %zu/%zu hits",
		    impls[used[0]], impls[used[k]], r[0].nhits, r[k].nhits);
		for (i = 0; i < r[0].nhits; i++) {
			ck_assert_uint_eq(r[k].hits[i].off, r[0].hits[i].off);
			ck_assert_uint_eq(r[k].hits[i].line, r[0].hits[i].line);
		}
	}
	/* No line that matters is passed over; the counts are right. */
	ck_assert_uint_eq(r[0].done, n);
	for (p = log, i = 0, k = 0; p < log + n; p = e + 1, k++) {
		int	 hit;

		e = memchr(p, '\n', (size_t)(log + n - p));
		hit = i < r[0].nhits && r[0].hits[i].off == (uint32_t)(p - log);
		if (hit) {
			ck_assert_uint_eq(r[0].hits[i].line, k);
			/* A length, when known, is the line's. */
			for (j = 0; j < nimpl; j++)
				if (r[j].hits[i].len != 0)
					ck_assert_uint_eq(r[j].hits[i].len,
					    (size_t)(e - p));
			/* A head-only hit holds nothing the bytes would show. */
			if (r[0].hits[i].why == SIEVE_HEAD &&
			    (size_t)(e - p) <= MAX_LINE)
				ck_assert_msg(!oracle_has_literal(p,
				    (size_t)(e - p), literals, nliterals),
				    "head-only hit with a literal: %.*s",
				    (int)(e - p), p);
			i++;
		} else
			ck_assert_msg(!oracle_must_stop(p, (size_t)(e - p),
			    MAX_LINE, literals, nliterals),
			    "passed over line %zu: %.*s", k, (int)(e - p), p);
	}
	ck_assert_uint_eq(i, r[0].nhits);
	ck_assert_uint_eq(r[0].lines, k);
	check_halves(log, n, &r[0]);
	sieve_free(sv);
}

START_TEST(test_random_logs)
{
	struct buf	b;
	int		round, i;

	for (round = 0; round < 300; round++) {
		/* Every third log with literals sampled in short words. */
		literals = round % 3 == 2 ? short_literals : long_literals;
		nliterals = round % 3 == 2 ? nitems(short_literals) :
		    nitems(long_literals);
		buf_init(&b, 1 << 22);
		for (i = 0; i < 200; i++)
			make_line(&b);
		check_log(b.data, b.len);
		buf_release(&b);
	}
}
END_TEST

/* Each anchor, prefix and control byte at every offset of a vector. */
START_TEST(test_every_anchor_at_every_offset)
{
	struct buf	b;
	size_t		a, off, s, i;
	char		c[2] = { 0, 0 };
	const char	*items[nitems(inside) + nitems(heads) + 32];
	size_t		 nitem = 0;

	for (a = 0; a < nitems(inside); a++)
		items[nitem++] = inside[a];
	for (a = 0; a < nitems(heads); a++)
		items[nitem++] = heads[a];
	for (s = 0; s < nitems(stamps); s++)
		for (a = 0; a < nitem; a++)
			for (off = 0; off < 70; off++) {
				buf_init(&b, 1 << 16);
				add(&b, "2025-03-14T00:00:20.0528569Z plain text here\n");
				add(&b, stamps[s]);
				for (i = 0; i < off; i++)
					buf_add(&b, "q", 1);
				add(&b, items[a]);
				add(&b, " and more plain text after it\nfin\n");
				check_log(b.data, b.len);
				buf_release(&b);
			}
	for (a = 1; a < 0x80; a++) {
		if (a == '\n' || (a >= 0x20 && a < 0x7f))
			continue;
		for (off = 0; off < 70; off++) {
			buf_init(&b, 1 << 16);
			for (s = 0; s < off; s++)
				buf_add(&b, "q", 1);
			c[0] = (char)a;
			add(&b, c);
			add(&b, " tail\n");
			check_log(b.data, b.len);
			buf_release(&b);
		}
	}
}
END_TEST

/* A full list of hits says how far it is complete. */
START_TEST(test_hits_fill_up)
{
	struct buf	 b;
	struct sieve	*sv = new_sieve();
	static struct sieve_hit hits[8];
	size_t		 i, n, done, total = 0, pos = 0;
	uint64_t	 lines;

	buf_init(&b, 1 << 16);
	for (i = 0; i < 50; i++)
		add(&b, i % 2 ? "noise\n" : "[gw1] x\n");
	while (pos < b.len) {
		n = sieve_scan(sv, b.data + pos, b.len - pos, hits, nitems(hits),
		    &done, &lines);
		total += n;
		if (done == b.len - pos)
			break;
		ck_assert_uint_eq(n, nitems(hits));
		ck_assert_uint_eq(done, hits[n - 1].off);
		pos += done + strlen("[gw1] x\n");
	}
	ck_assert_uint_eq(total, 25);
	buf_release(&b);
	sieve_free(sv);
}
END_TEST

static Suite *
sieve_suite(void)
{
	Suite	*s = suite_create("sieve");
	TCase	*tc = tcase_create("sieve");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_logs);
	tcase_add_test(tc, test_every_anchor_at_every_offset);
	tcase_add_test(tc, test_hits_fill_up);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(sieve_suite());

	srunner_set_tap(sr, "-");
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return 0;
}
