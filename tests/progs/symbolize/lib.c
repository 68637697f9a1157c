/* A shared library for the symbolizer tests: inlining across a header-like
 * helper, a switch and a recursive function. */
#include <string.h>

struct acc {
	int	 sum;
	int	 count;
	char	 name[16];
};

static inline void
acc_add(struct acc *a, int v)
{
	a->sum += v;
	a->count++;
}

static inline int
acc_mean(const struct acc *a)
{
	return a->count ? a->sum / a->count : 0;
}

static int
fold(int n)
{
	if (n <= 1)
		return 1;
	return n + fold(n - 1) % 7;
}

int
lib_entry(int n)
{
	struct acc	a;
	int		i;

	memset(&a, 0, sizeof a);
	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			acc_add(&a, fold(i));
			break;
		case 1:
			acc_add(&a, i * 2);
			break;
		default:
			acc_add(&a, -i);
		}
	}
	return acc_mean(&a);
}
