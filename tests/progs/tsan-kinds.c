/*
 * tsan-kinds.c: one ThreadSanitizer report of each kind other than a data
 * race, for the fingerprint tests.
 *
 *   tsan-kinds inversion   lock-order inversion between lock_ab and lock_ba
 *   tsan-kinds leak        a thread created by spawn_worker, never joined
 *   tsan-kinds unlock      unlock of an unlocked mutex in release_twice
 *   tsan-kinds uaf         heap-use-after-free: freed by drop_buffer, then
 *                          read by read_buffer
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t	m1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	m2 = PTHREAD_MUTEX_INITIALIZER;
static long		*buffer;
static int		 freed;

__attribute__((noinline)) static void
lock_ab(void)
{
	pthread_mutex_lock(&m1);
	pthread_mutex_lock(&m2);
	pthread_mutex_unlock(&m2);
	pthread_mutex_unlock(&m1);
}

__attribute__((noinline)) static void
lock_ba(void)
{
	pthread_mutex_lock(&m2);
	pthread_mutex_lock(&m1);
	pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m2);
}

static void *
idle(void *arg)
{
	return arg;
}

__attribute__((noinline)) static void
spawn_worker(void)
{
	pthread_t	 t;

	pthread_create(&t, NULL, idle, NULL);
}

__attribute__((noinline)) static void
release_twice(void)
{
	pthread_mutex_lock(&m1);
	pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m1);
}

__attribute__((noinline)) static void
drop_buffer(void)
{
	free(buffer);
}

__attribute__((noinline)) static long
read_buffer(void)
{
	return buffer[0];
}

static void *
dropper(void *arg)
{
	drop_buffer();
	__atomic_store_n(&freed, 1, __ATOMIC_RELAXED);
	return arg;
}

int
main(int argc, char **argv)
{
	const char	*mode = argc > 1 ? argv[1] : "";
	volatile long	 seen;
	pthread_t	 t;

	if (strcmp(mode, "inversion") == 0) {
		lock_ab();
		lock_ba();
	} else if (strcmp(mode, "leak") == 0) {
		spawn_worker();
		usleep(100000);
	} else if (strcmp(mode, "unlock") == 0) {
		release_twice();
	} else if (strcmp(mode, "uaf") == 0) {
		buffer = calloc(4, sizeof *buffer);
		pthread_create(&t, NULL, dropper, NULL);
		while (!__atomic_load_n(&freed, __ATOMIC_RELAXED))
			;
		seen = read_buffer();
		(void)seen;
		pthread_join(t, NULL);
	} else {
		fprintf(stderr, "usage: tsan-kinds inversion|leak|unlock|uaf\n");
		return 2;
	}
	return 0;
}
