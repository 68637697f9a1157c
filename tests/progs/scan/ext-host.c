/*
 * ext-host.c: loads the extension-like library with dlopen and calls its
 * racy function from two threads, the second after the first has finished
 * with no synchronisation ThreadSanitizer knows of.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-data-race
 * stack current: ext_bump@ext main@main
 * stack previous: ext_bump@ext worker@worker
 * stack thread-creation: pthread_create main@create
 */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

static void	(*bump)(int);
int		ready;

static void *
worker(void *arg)
{
	(void)arg;
	bump(1);                                /* @worker */
	__atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	 t;
	void		*h;

	if (argc != 2)
		return 2;
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if ((h = dlopen(argv[1], RTLD_NOW)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return 2;
	}
	*(void **)&bump = dlsym(h, "ext_bump");
	if (bump == NULL)
		return 2;
	pthread_create(&t, NULL, worker, NULL); /* @create */
	while (!__atomic_load_n(&ready, __ATOMIC_RELAXED))
		sched_yield();
	bump(2);                                /* @main */
	pthread_join(t, NULL);
	return 0;
}
