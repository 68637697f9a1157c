/*
 * thread-leak.c: a joinable thread that finishes and is never joined.
 * ThreadSanitizer reports only threads that have finished, so main waits
 * until the kernel has seen the thread go (its entry leaves
 * /proc/self/task), which orders nothing as far as ThreadSanitizer knows.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-thread-leak
 * stack thread-creation: pthread_create spawn@create main@call
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *
worker(void *arg)
{
	(void)arg;
	return NULL;
}

/* Threads of this process, from /proc; -1 if it cannot be read. */
static int
tasks(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir("/proc/self/task")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

__attribute__((noinline)) static void
spawn(void)
{
	pthread_t	t;

	pthread_create(&t, NULL, worker, NULL); /* @create */
}

int
main(void)
{
	int	before, i;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	before = tasks();
	spawn();                                /* @call */
	/* Up to ten seconds; without /proc, a tenth of one. */
	for (i = 0; i < 10000 && before != -1 && tasks() > before; i++)
		usleep(1000);
	if (before == -1)
		usleep(100 * 1000);
	return 0;
}
