/*
 * anchor.c: which lines are worth parsing.
 *
 * Part of the parse stage, in front of the dialects.  Most lines of a CI
 * log are noise that every dialect's start function would reject; each
 * line a dialect can start on contains an anchor, and these functions say
 * exactly which anchors a line holds.  sieve.c finds candidate lines in a
 * whole block at once and asks these functions about each candidate, so
 * the patterns sieve.c looks for must cover every anchor named here (its
 * unit test checks that they do).
 */
#include "config.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "fttriage.h"
#include "parse.h"

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
int
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
 * control bytes and "> " (which may end a stream prefix) are reported as
 * ANCHOR_RAW.
 */
int
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
				/* v < 0x20 (unsigned), v == 0x7f, or "> " */
				m = _mm_andnot_si128(_mm_cmpeq_epi8(v, sp),
				    _mm_cmpeq_epi8(_mm_max_epu8(v, sp), sp));
				m = _mm_or_si128(m, _mm_or_si128(
				    _mm_cmpeq_epi8(v, del),
				    _mm_and_si128(_mm_cmpeq_epi8(v, gt),
				    _mm_cmpeq_epi8(w, sp))));
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

		if (raw && (c < 0x20 || c == 0x7f || (c == '>' &&
		    i + 1 < len && s[i + 1] == ' ')))
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
 * Anchors at a raw line's head, after its CI timestamp: a stream or
 * failure-detail prefix that cleaning would strip (ANCHOR_RAW), or a
 * header word (ANCHOR_START).  Safe to call with len running past the
 * line's newline: nothing it looks for contains one.
 */
int
line_head(const char *s, size_t len)
{
	return line_head_after(s, len, clean_timestamp_len(s, len));
}

/* line_head() when the timestamp is known to be t bytes long. */
int
line_head_after(const char *s, size_t len, size_t t)
{
	size_t		 b, chlen;
	const char	*ch;

	if (t < len && ((s[t] == '[' &&
	    clean_channel_prefix(s + t, len - t, &ch, &chlen) != 0) ||
	    clean_failure_prefix(s + t, len - t)))
		return ANCHOR_RAW;
	for (b = t; b < len && s[b] == ' '; b++)
		;
	if (b < len && bol_anchor(s + b, len - b))
		return ANCHOR_START;
	return 0;
}
