/*
 * race-atomic.c: a data race where one side is atomic.  The worker stores
 * with a relaxed atomic; main reads the same word plainly afterwards.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-data-race
 * stack current: peek@current main@call
 * stack previous: worker@previous
 * stack thread-creation: pthread_create main@create
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int word;
int ready;

__attribute__((noinline)) static int
peek(void)
{
	return word;                            /* @current */
}

__attribute__((noinline)) static void *
worker(void *arg)
{
	(void)arg;
	__atomic_store_n(&word, 7, __ATOMIC_RELAXED); /* @previous */
	__atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
	return NULL;
}

int
main(void)
{
	pthread_t	t;
	int		v;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_create(&t, NULL, worker, NULL); /* @create */
	while (!__atomic_load_n(&ready, __ATOMIC_RELAXED))
		sched_yield();
	v = peek();                             /* @call */
	pthread_join(t, NULL);
	return v == 7 ? 0 : 1;
}
