/*
 * race-other.c: two data races unrelated to race-pair.c and to each other.
 *
 * 'ready' is set by publish_ready() and polled by poll_ready(); 'total' is
 * added to by add_total() from two threads.  Each pair of functions is a
 * different problem and must be a different issue.
 */
#include <pthread.h>
#include <unistd.h>

static int ready;
static long total;

__attribute__((noinline)) static void
publish_ready(void)
{
	ready = 1;
}

__attribute__((noinline)) static int
poll_ready(void)
{
	return ready;
}

__attribute__((noinline)) static void
add_total(long v)
{
	total += v;
}

static void *
producer(void *arg)
{
	publish_ready();
	add_total(1);
	return arg;
}

static void *
consumer(void *arg)
{
	usleep(100000);
	if (poll_ready())
		add_total(2);
	return arg;
}

int
main(void)
{
	pthread_t	a, b;

	pthread_create(&a, NULL, producer, NULL);
	pthread_create(&b, NULL, consumer, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
