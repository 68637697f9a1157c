/*
 * signal-errno.c: a signal handler that changes errno and does not put it
 * back.  ThreadSanitizer checks errno only for signals that arrive
 * asynchronously, so another thread sends the signal while main keeps
 * calling intercepted functions until the handler has run.
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-signal-errno
 * stack current: handler@handler ... main
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

pthread_t	main_thread;
volatile int	done;

__attribute__((noinline)) static void
handler(int sig)
{                                               /* @handler */
	(void)sig;
	errno = 123;                            /* @spoil */
	done = 1;
}

static void *
sender(void *arg)
{
	(void)arg;
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

__attribute__((noinline)) static void
wait_for_signal(void)
{
	volatile char	*p;

	while (!done) {
		p = malloc(1);                  /* @loop */
		p[0] = 0;
		free((void *)p);
		sched_yield();
	}
}

int
main(void)
{
	pthread_t	t;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	main_thread = pthread_self();
	signal(SIGUSR1, handler);
	pthread_create(&t, NULL, sender, NULL);
	wait_for_signal();                      /* @call */
	pthread_join(t, NULL);
	return 0;
}
