/*
 * lock-order.c: two mutexes taken in both orders, one after the other, so
 * there is no deadlock but ThreadSanitizer sees the cycle.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-lock-order-inversion
 * stack mutex: pthread_mutex_lock a_then_b@ab worker@work
 * stack mutex: pthread_mutex_lock b_then_a@ba main@call
 * stack thread-creation: pthread_create main@create
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t	a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t	b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void
a_then_b(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);                 /* @ab */
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

__attribute__((noinline)) static void
b_then_a(void)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);                 /* @ba */
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

static void *
worker(void *arg)
{
	(void)arg;
	a_then_b();                             /* @work */
	return NULL;
}

int
main(void)
{
	pthread_t	t;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_create(&t, NULL, worker, NULL); /* @create */
	pthread_join(t, NULL);
	b_then_a();                             /* @call */
	return 0;
}
