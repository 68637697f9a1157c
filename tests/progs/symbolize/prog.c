/* A program for the symbolizer tests: nested inline functions, a loop, a
 * static helper and a call into a shared library. */
#include <stdio.h>
#include <stdlib.h>

int lib_entry(int);

static int total;

static inline int
step_leaf(int x)
{
	total += x * 3;
	return total ^ (x << 2);
}

static inline int
step_mid(int x)
{
	int r = step_leaf(x + 1);

	if (r > 1000)
		r -= step_leaf(r & 7);
	return r;
}

static int __attribute__((noinline))
walk(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += step_mid(i);
	return s;
}

static void __attribute__((noinline))
report(const char *what, int v)
{
	if (v < 0)
		abort();
	printf("%s %d\n", what, v);
}

int
main(int argc, char **argv)
{
	int	n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 10;

	report("walk", walk(n));
	report("lib", lib_entry(n));
	return 0;
}
