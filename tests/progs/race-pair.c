/*
 * race-pair.c: two data races for the fingerprint tests, each run in
 * either order.
 *
 *   race-pair 1ab   counter: written by writer_one, then read by reader_one
 *   race-pair 1ba   the same race, reader first
 *   race-pair 2ab   another variable, bump_two then peek_two
 *
 * The first thread signals through a relaxed atomic, which orders the two
 * accesses in time without creating a happens-before edge, so
 * ThreadSanitizer reports the second access as the current one.  The
 * accessors are not inlined: at -O1 clang's TSan restores the previous
 * access's stack from its trace without the inlined frame, which no
 * grouping can recover.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static long	counter;
static long	other;
static int	done;

__attribute__((noinline)) static void
writer_one(void)
{
	counter++;
}

__attribute__((noinline)) static long
reader_one(void)
{
	return counter;
}

__attribute__((noinline)) static void
bump_two(void)
{
	other += 2;
}

__attribute__((noinline)) static long
peek_two(void)
{
	return other;
}

static void *
run_first(void *arg)
{
	const char	*mode = arg;
	volatile long	 seen;  /* keeps the optimiser from dropping reads */

	if (mode[0] == '2')
		bump_two();
	else if (mode[1] == 'a')
		writer_one();
	else
		seen = reader_one();
	(void)seen;
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *
run_second(void *arg)
{
	const char	*mode = arg;
	volatile long	 seen;

	if (mode[0] == '2')
		seen = peek_two();
	else if (mode[1] == 'a')
		seen = reader_one();
	else
		writer_one();
	(void)seen;
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	 a, b;
	const char	*mode = argc > 1 ? argv[1] : "1ab";

	if (strlen(mode) != 3) {
		fprintf(stderr, "usage: race-pair 1ab|1ba|2ab\n");
		return 2;
	}
	pthread_create(&a, NULL, run_first, (void *)mode);
	while (!__atomic_load_n(&done, __ATOMIC_RELAXED))
		;
	pthread_create(&b, NULL, run_second, (void *)mode);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
