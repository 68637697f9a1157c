/*
 * sieve-oracle.h: what the sieve must not pass over, said the slow way.
 *
 * Shared by the sieve's unit test and its fuzzer: a line matters when it
 * is longer than the line limit, its head holds a prefix or a header word,
 * anchor.c finds an anchor (or a raw byte) in it, or it holds one of the
 * literals, ASCII case ignored.
 */
#ifndef FTTRIAGE_SIEVE_ORACLE_H
#define FTTRIAGE_SIEVE_ORACLE_H

#include <string.h>

#include "fttriage.h"
#include "parse.h"

/* Does s hold one of the (lower case) literals, ASCII case ignored? */
static inline int
oracle_has_literal(const char *s, size_t len, const char *const *lits,
    size_t nlits)
{
	size_t	i, j, k, n;

	for (k = 0; k < nlits; k++) {
		n = strlen(lits[k]);
		for (i = 0; i + n <= len; i++) {
			for (j = 0; j < n; j++)
				if ((s[i + j] | 0x20) != lits[k][j])
					break;
			if (j == n)
				return 1;
		}
	}
	return 0;
}

/* Must the sieve stop at this line (its newline not included)? */
static inline int
oracle_must_stop(const char *s, size_t len, size_t max_line,
    const char *const *lits, size_t nlits)
{
	size_t	t = clean_timestamp_len(s, len);

	return len > max_line || line_head(s, len) != 0 ||
	    (line_anchors(s + t, len - t, 1) & ~ANCHOR_TEST) != 0 ||
	    oracle_has_literal(s, len, lits, nlits);
}

#endif
