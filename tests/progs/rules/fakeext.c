/*
 * fakeext.c: an extension-like module whose function walks a shared list
 * with the borrowed-reference API, while the program's other thread appends
 * to the same list.
 */
#include "fakepy.h"

long
ext_sum(PyListObject *l, size_t n)
{
	long	 s = 0, *v;
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((v = PyList_GetItem(l, i)) != NULL)
			s += *v;
	return s;
}
