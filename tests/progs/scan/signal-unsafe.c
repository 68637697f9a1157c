/*
 * signal-unsafe.c: a signal handler that calls malloc.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-signal-unsafe-call
 * stack current: malloc handler@malloc ... main@raise
 * expect tsan-signal-unsafe-call
 * stack current: free handler@free ... main@raise
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile void *keep;

__attribute__((noinline)) static void
handler(int sig)
{
	(void)sig;
	keep = malloc(16);                      /* @malloc */
	free((void *)keep);                     /* @free */
}

int
main(void)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	signal(SIGUSR1, handler);
	pthread_kill(pthread_self(), SIGUSR1);  /* @raise */
	return 0;
}
