/*
 * classify.h: what classify.c, classify-names.c and fingerprint.c share
 * about function names and stacks beyond the public prototypes.
 */
#ifndef FTTRIAGE_CLASSIFY_H
#define FTTRIAGE_CLASSIFY_H

#include <fnmatch.h>

#include "fttriage.h"

/*
 * fnmatch(3) behind a cheap test of the pattern's literal prefix: most
 * patterns start with a literal, and most names fail on it.
 */
static inline int
glob_match(const char *pattern, const char *s)
{
	const char	*p = pattern, *q = s;

	while (*p != '\0' && *p != '*' && *p != '?' && *p != '[') {
		if (*p != *q)
			return 0;
		p++;
		q++;
	}
	if (*p == '\0')
		return *q == '\0';
	return fnmatch(p, q, 0) == 0;
}

/* classify-names.c: the name tables. */
int	 classify_name_is_runtime(const char *);     /* __tsan_*, __interceptor_* ... */
int	 classify_name_is_intercepted(const char *); /* malloc, pthread_create ... */
int	 classify_name_is_attach(const char *);      /* PyGILState_Ensure ... */
enum frame_class classify_name_class(const char *); /* FC__COUNT if no rule */

/*
 * classify.c: below frame 'from' of s, the extension frame that called the
 * C API (the frame to blame), or -1.
 */
int	 classify_api_caller(const struct stack *, size_t from);

#endif
