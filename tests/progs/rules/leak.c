/*
 * leak.c: a library-style pool starts a worker thread that nobody joins
 * (a thread leak), and two locks are taken in opposite orders in turn
 * (a lock-order inversion).
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t	a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	b = PTHREAD_MUTEX_INITIALIZER;

static void *
worker(void *arg)
{
	return arg;
}

static void
start_pool(void)
{
	pthread_t	t;

	pthread_create(&t, NULL, worker, NULL);
}

static void
take_ab(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

static void
take_ba(void)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

int
main(void)
{
	start_pool();
	take_ab();
	take_ba();
	usleep(100000);
	printf("done\n");
	return 0;
}
