/*
 * helpers.h: building reports by hand for the unit tests of classify.c and
 * fingerprint.c.  A frame is given as "function|file|module", any part
 * empty when unknown (the way a log prints "<null>").
 */
#ifndef FTTRIAGE_TEST_HELPERS_H
#define FTTRIAGE_TEST_HELPERS_H

#include <string.h>

#include "fttriage.h"

static inline char *
part_dup(const char *s, size_t n)
{
	return n == 0 ? NULL : xstrndup(s, n);
}

/* Add one frame "function|file|module" to s. */
static inline struct frame *
add_frame(struct stack *s, const char *spec)
{
	struct frame	*f = stack_add_frame(s);
	const char	*a = spec, *b, *c;

	b = strchr(a, '|');
	c = b != NULL ? strchr(b + 1, '|') : NULL;
	f->index = (unsigned)(s->nframes - 1);
	if (b == NULL) {
		f->function = part_dup(a, strlen(a));
		return f;
	}
	f->function = part_dup(a, (size_t)(b - a));
	if (c == NULL) {
		f->file = part_dup(b + 1, strlen(b + 1));
		return f;
	}
	f->file = part_dup(b + 1, (size_t)(c - b - 1));
	f->module = part_dup(c + 1, strlen(c + 1));
	f->has_offset = f->module != NULL;
	return f;
}

/* Add a stack with the frames of a NULL-terminated list. */
static inline struct stack *
add_stack(struct report *r, enum stack_role role, const char *const *frames)
{
	struct stack	*s = report_add_stack(r, role, NULL);
	size_t		 i;

	for (i = 0; frames[i] != NULL; i++)
		add_frame(s, frames[i]);
	return s;
}

#endif
