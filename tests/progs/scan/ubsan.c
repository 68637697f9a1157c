/*
 * ubsan.c: UndefinedBehaviorSanitizer's signed integer overflow.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect ubsan
 * pid none
 * stack current: grow@overflow main@call
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static int
grow(volatile int x)
{
	return x + 1;                           /* @overflow */
}

int
main(void)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	return grow(INT_MAX) == 0 ? 0 : 1;     /* @call */
}
