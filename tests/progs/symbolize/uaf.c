/* A heap use after free for the symbolizer tests, reached through an inline
 * helper, so that AddressSanitizer's frames include an inlined one. */
#include <stdlib.h>

struct box {
	int	value;
};

static inline int
peek(const struct box *b)
{
	return b->value;
}

int __attribute__((noinline))
use_after_free(int v)
{
	struct box	*b = malloc(sizeof *b);

	b->value = v;
	free(b);
	return peek(b);
}

int
main(int argc, char **argv)
{
	return use_after_free(argc) == 12345;
}
