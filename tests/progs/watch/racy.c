/*
 * racy.c: a program with several distinct data races, for the watcher's
 * tests.  Each pair of threads races on its own variable in its own
 * functions, so ThreadSanitizer prints one report per pair.  The argument
 * says how many pairs run (1-4).
 */
#include <pthread.h>
#include <stdlib.h>

static int counter_a, counter_b, counter_c, counter_d;

__attribute__((noinline)) static void
bump_a(void)
{
	counter_a++;
}

__attribute__((noinline)) static void
bump_b(void)
{
	counter_b += 2;
}

__attribute__((noinline)) static void
bump_c(void)
{
	counter_c = counter_c * 3 + 1;
}

__attribute__((noinline)) static void
bump_d(void)
{
	counter_d--;
}

static void (*const bumps[])(void) = { bump_a, bump_b, bump_c, bump_d };

static void *
worker(void *arg)
{
	bumps[(long)arg]();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	t[8];
	long		i, pairs = argc > 1 ? strtol(argv[1], NULL, 10) : 4;

	if (pairs < 1 || pairs > 4)
		pairs = 4;
	for (i = 0; i < pairs; i++) {
		pthread_create(&t[2 * i], NULL, worker, (void *)i);
		pthread_create(&t[2 * i + 1], NULL, worker, (void *)i);
		pthread_join(t[2 * i], NULL);
		pthread_join(t[2 * i + 1], NULL);
	}
	return 0;
}
