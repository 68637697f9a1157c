/*
 * racy.c: small programs with the bugs ThreadSanitizer reports, for the
 * output tests.  "racy race" races on a counter in bump_counter, "racy
 * leak" leaves a finished thread unjoined (created in start_worker),
 * "racy deadlock" takes two mutexes in both orders.  Each prints a pytest
 * node id first so that the reports carry a test.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long counter;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void
bump_counter(void)
{
	counter++;
}

static void *
bumper(void *arg)
{
	(void)arg;
	bump_counter();
	return NULL;
}

static void *
idle(void *arg)
{
	(void)arg;
	return NULL;
}

__attribute__((noinline)) static void
start_worker(pthread_t *t)
{
	pthread_create(t, NULL, idle, NULL);
}

__attribute__((noinline)) static void
lock_ab(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void
lock_ba(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

int
main(int argc, char **argv)
{
	pthread_t	t1, t2;
	const char	*mode = argc > 1 ? argv[1] : "race";

	fprintf(stderr, "tests/test_outputs.py::test_%s \n", mode);
	if (strcmp(mode, "race") == 0) {
		pthread_create(&t1, NULL, bumper, NULL);
		pthread_create(&t2, NULL, bumper, NULL);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
	} else if (strcmp(mode, "leak") == 0) {
		start_worker(&t1);
		usleep(100000);
	} else if (strcmp(mode, "deadlock") == 0) {
		lock_ab();
		lock_ba();
	}
	fprintf(stderr, "PASSED\n");
	return 0;
}
