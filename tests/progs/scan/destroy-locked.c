/*
 * destroy-locked.c: destroying a mutex that is still held.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-mutex-destroy-locked
 * stack current: pthread_mutex_destroy teardown@destroy main@call
 * stack unknown: pthread_mutex_lock main@lock
 * stack mutex: pthread_mutex_init main@init
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static void
teardown(pthread_mutex_t *m)
{
	pthread_mutex_destroy(m);               /* @destroy */
}

int
main(void)
{
	pthread_mutex_t	m;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_mutex_init(&m, NULL);           /* @init */
	pthread_mutex_lock(&m);                 /* @lock */
	teardown(&m);                           /* @call */
	return 0;
}
