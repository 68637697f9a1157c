/* A racy program for the symbolizer tests: two threads write one global
 * without a lock, through an inline helper, and call a racy function in a
 * plug-in loaded with dlopen, as a Python extension module would be. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int counter;
static void (*ext_bump)(void);

static inline void
bump(int by)
{
	counter += by;
}

static void * __attribute__((noinline))
worker(void *arg)
{
	bump(arg != NULL ? 2 : 1);
	if (ext_bump != NULL)
		ext_bump();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	 t1, t2;
	void		*h;

	if (argc > 1) {
		if ((h = dlopen(argv[1], RTLD_NOW)) == NULL) {
			fprintf(stderr, "%s\n", dlerror());
			return 1;
		}
		ext_bump = (void (*)(void))dlsym(h, "ext_bump");
	}
	pthread_create(&t1, NULL, worker, NULL);
	pthread_create(&t2, NULL, worker, &t1);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	printf("%d\n", counter);
	return 0;
}
