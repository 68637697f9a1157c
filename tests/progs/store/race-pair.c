/*
 * race-pair.c: one data race between two functions, in either order.
 *
 * Thread "store" writes 'shared' in store_value(); thread "bump" reads and
 * writes it in bump_value().  Nothing orders them, so ThreadSanitizer
 * reports the race; the argument chooses which thread goes first ("store"
 * or "bump"), so the report's current and previous stacks swap.  Built
 * with -DPADDED the functions move and their lines change, as after an
 * unrelated edit and rebuild.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#ifdef PADDED
/* Unrelated code that moves everything below it. */
static volatile int padding_sink;

__attribute__((noinline)) static void
padding_one(int v)
{
	padding_sink = v * 3;
	padding_sink += v;
}

__attribute__((noinline)) static void
padding_two(int v)
{
	padding_sink = v * 5;
	padding_sink -= v;
}
/* And an edit above the racy code moves its lines. */
#line 400
#endif

static int shared;
static int first_is_bump;

__attribute__((noinline)) static void
store_value(int v)
{
	shared = v;
}

__attribute__((noinline)) static void
bump_value(void)
{
	shared++;
}

static void *
store_thread(void *arg)
{
	if (first_is_bump)
		usleep(200000);
	store_value(42);
	return arg;
}

static void *
bump_thread(void *arg)
{
	if (!first_is_bump)
		usleep(200000);
	bump_value();
	return arg;
}

int
main(int argc, char **argv)
{
	pthread_t	a, b;

	first_is_bump = argc > 1 && strcmp(argv[1], "bump") == 0;
#ifdef PADDED
	padding_one(argc);
	padding_two(argc);
#endif
	pthread_create(&a, NULL, store_thread, NULL);
	pthread_create(&b, NULL, bump_thread, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
