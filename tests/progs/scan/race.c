/*
 * race.c: a plain data race on a global.  The worker writes, then raises a
 * relaxed flag (which orders nothing for ThreadSanitizer); main waits for
 * the flag and writes too, so the report's current access is always main's
 * and the previous one the worker's.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-data-race
 * stack current: bump@current main@call
 * stack previous: worker@previous
 * stack thread-creation: pthread_create main@create
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int counter;
int ready;

__attribute__((noinline)) static void
bump(int v)
{
	counter = v;                            /* @current */
}

__attribute__((noinline)) static void *
worker(void *arg)
{
	(void)arg;
	counter = 1;                            /* @previous */
	__atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
	return NULL;
}

int
main(void)
{
	pthread_t	t;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_create(&t, NULL, worker, NULL); /* @create */
	while (!__atomic_load_n(&ready, __ATOMIC_RELAXED))
		sched_yield();
	bump(2);                                /* @call */
	pthread_join(t, NULL);
	return 0;
}
