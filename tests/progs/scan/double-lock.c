/*
 * double-lock.c: a home-made lock, annotated for ThreadSanitizer, taken
 * by a thread that exits holding it and then taken again by main.  (With
 * a pthread mutex main would just block; ThreadSanitizer reports a double
 * lock when a lock is acquired while another thread owns it.)
 *
 * What fttriage must read from the report (see tests/scan-check.py):
 * expect tsan-mutex-double-lock
 * stack current: __tsan_mutex_post_lock take@lock main@second
 * stack mutex: __tsan_mutex_create main@create
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

void	__tsan_mutex_create(void *, unsigned);
void	__tsan_mutex_pre_lock(void *, unsigned);
void	__tsan_mutex_post_lock(void *, unsigned, int);

int	lockword;

__attribute__((noinline)) static void
take(void)
{
	__tsan_mutex_pre_lock(&lockword, 0);
	lockword = 1;
	__tsan_mutex_post_lock(&lockword, 0, 0); /* @lock */
}

static void *
worker(void *arg)
{
	(void)arg;
	take();                                 /* @first */
	return NULL;
}

int
main(void)
{
	pthread_t	t;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	__tsan_mutex_create(&lockword, 0);      /* @create */
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	take();                                 /* @second */
	return 0;
}
