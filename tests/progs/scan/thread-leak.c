/*
 * thread-leak.c: a joinable thread that finishes and is never joined.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-thread-leak
 * stack thread-creation: pthread_create spawn@create main@call
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int done;

static void *
worker(void *arg)
{
	(void)arg;
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	return NULL;
}

__attribute__((noinline)) static void
spawn(void)
{
	pthread_t	t;

	pthread_create(&t, NULL, worker, NULL); /* @create */
}

int
main(void)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	spawn();                                /* @call */
	while (!__atomic_load_n(&done, __ATOMIC_RELAXED))
		usleep(1000);
	usleep(100 * 1000);     /* let the thread finish exiting */
	return 0;
}
