/*
 * fakepy.c: a tiny stand-in for a few CPython list APIs, with their real
 * names, so that a TSan report shows the shape of a borrowed-reference bug.
 * PyList_GetItem returns a borrowed pointer into the item array; a
 * concurrent PyList_Append may move and free that array.
 */
#include <stdlib.h>

#include "fakepy.h"

PyListObject *
PyList_New(void)
{
	PyListObject *l = calloc(1, sizeof *l);

	l->cap = 4;
	l->items = calloc(l->cap, sizeof *l->items);
	return l;
}

long *
PyList_GetItem(PyListObject *l, size_t i)
{
	if (i >= l->size)
		return NULL;
	return l->items[i];
}

int
PyList_Append(PyListObject *l, long *v)
{
	long	**n;
	size_t	  i;

	if (l->size == l->cap) {
		/* Always move the array, as a resize may. */
		n = calloc(l->cap * 2, sizeof *n);
		for (i = 0; i < l->size; i++)
			n[i] = l->items[i];
		free(l->items);
		l->items = n;
		l->cap *= 2;
	}
	l->items[l->size++] = v;
	return 0;
}
