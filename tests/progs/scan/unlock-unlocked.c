/*
 * unlock-unlocked.c: unlocking a mutex nobody holds.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-mutex-bad-unlock
 * stack current: pthread_mutex_unlock release@unlock main@call
 * stack mutex: pthread_mutex_lock main@lock
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t	m = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void
release(void)
{
	pthread_mutex_unlock(&m);               /* @unlock */
}

int
main(void)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_mutex_lock(&m);                 /* @lock */
	pthread_mutex_unlock(&m);
	release();                              /* @call */
	return 0;
}
