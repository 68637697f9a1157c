/* fakepy.h: the fake list API of fakepy.c. */
#include <stddef.h>

typedef struct {
	size_t	  size;
	size_t	  cap;
	long	**items;
} PyListObject;

PyListObject	*PyList_New(void);
long		*PyList_GetItem(PyListObject *, size_t);
int		 PyList_Append(PyListObject *, long *);
