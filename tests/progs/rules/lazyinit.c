/* lazyinit.c: two threads use the module's lazily created cache at once. */
#include <pthread.h>
#include <stdio.h>

struct cache;
struct cache *get_cache(void);

static pthread_barrier_t start;

static void *
user(void *arg)
{
	pthread_barrier_wait(&start);
	return get_cache();
}

int
main(void)
{
	pthread_t	a, b;

	pthread_barrier_init(&start, NULL, 2);
	pthread_create(&a, NULL, user, NULL);
	pthread_create(&b, NULL, user, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("done\n");
	return 0;
}
