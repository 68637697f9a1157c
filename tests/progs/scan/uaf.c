/*
 * uaf.c: ThreadSanitizer's heap-use-after-free.  The worker frees a block
 * main allocated; main, not synchronised with the free, writes into it.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-heap-use-after-free
 * stack current: poke@current main@call
 * stack previous: free worker@free
 * stack thread-creation: pthread_create main@create
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int *block;
int ready;

__attribute__((noinline)) static void
poke(int *p)
{
	p[1] = 42;                              /* @current */
}

__attribute__((noinline)) static void *
worker(void *arg)
{
	(void)arg;
	free(block);                            /* @free */
	__atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
	return NULL;
}

int
main(void)
{
	pthread_t	t;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	block = malloc(4 * sizeof *block);      /* @alloc */
	pthread_create(&t, NULL, worker, NULL); /* @create */
	while (!__atomic_load_n(&ready, __ATOMIC_RELAXED))
		sched_yield();
	poke(block);                            /* @call */
	pthread_join(t, NULL);
	return 0;
}
