/*
 * asan-uaf.c: AddressSanitizer's heap-use-after-free.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect asan
 * stack current: use@use main@call
 * stack free: free|__interceptor_free drop@free
 * stack allocation: malloc|__interceptor_malloc make@alloc
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static int *
make(void)
{
	return malloc(8 * sizeof(int));         /* @alloc */
}

__attribute__((noinline)) static void
drop(int *p)
{
	free(p);                                /* @free */
}

__attribute__((noinline)) static int
use(volatile int *p)
{
	return p[2];                            /* @use */
}

int
main(void)
{
	int	*p;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	p = make();
	drop(p);
	return use(p);                          /* @call */
}
