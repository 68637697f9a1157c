/*
 * borrowed.c: one thread calls the extension's ext_sum on a list while the
 * main thread appends to it, the race a borrowed reference invites.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "fakepy.h"

long	ext_sum(PyListObject *, size_t);

static PyListObject	*list;
static long		 values[4096];
static pthread_barrier_t start;
static int		 done;

/*
 * Keep reading until the appends are over; the flag is relaxed so that it
 * orders nothing and the last reads still race with the last appends.
 */
static void *
reader(void *arg)
{
	long	s = 0;

	pthread_barrier_wait(&start);
	while (!__atomic_load_n(&done, __ATOMIC_RELAXED))
		s += ext_sum(list, 64);
	s += ext_sum(list, 64);
	return (void *)s;
}

int
main(void)
{
	pthread_t	t;
	int		i;

	list = PyList_New();
	for (i = 0; i < 8; i++)
		PyList_Append(list, &values[i]);
	pthread_barrier_init(&start, NULL, 2);
	pthread_create(&t, NULL, reader, NULL);
	pthread_barrier_wait(&start);
	for (i = 8; i < 4096; i++)
		PyList_Append(list, &values[i]);
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	printf("done\n");
	return 0;
}
