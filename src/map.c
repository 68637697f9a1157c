/*
 * map.c: windows of a log file mapped into memory, safe if it shrinks.
 *
 * Part of the source stage.  Reading a big log through mmap saves copying
 * every byte out of the page cache; reading it window by window keeps the
 * memory it takes bounded.  A mapped file that is truncated while it is
 * read would kill the process with SIGBUS when a page past its new end is
 * touched: the handler here maps a page of zeros over the faulting page
 * instead and notes it, so the reader sees NUL bytes (which the cleaner
 * marks as binary) and the source can say the file shrank.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fttriage.h"

static unsigned map_faults;		/* atomic: any thread may fault */
static struct sigaction map_old_bus;
static pthread_once_t map_once = PTHREAD_ONCE_INIT;
static uintptr_t map_page = 4096;

static void
map_on_bus(int sig, siginfo_t *si, void *uctx)
{
	void		*at;

	(void)uctx;
	if (si != NULL && si->si_code == BUS_ADRERR && si->si_addr != NULL) {
		at = (void *)((uintptr_t)si->si_addr & ~(map_page - 1));
		if (mmap(at, (size_t)map_page, PROT_READ, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			__atomic_fetch_add(&map_faults, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	/* Not ours: what would have happened without us. */
	sigaction(sig, &map_old_bus, NULL);
	raise(sig);
}

/* Once per process, whichever thread maps first. */
static void
map_install(void)
{
	struct sigaction sa;

	map_page = (uintptr_t)map_granule();
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = map_on_bus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, &map_old_bus);
}

/*
 * Map len bytes of fd from offset (a multiple of the page size) for
 * reading in order; with populate, its pages are mapped at once (cheaper
 * than a fault for each, for a window that is read through).  Returns the
 * mapping, or NULL with errno set.
 */
void *
map_window(int fd, uint64_t offset, size_t len, int populate)
{
	void	*p;

	pthread_once(&map_once, map_install);
	if (len == 0) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE |
	    (populate ? MAP_POPULATE : 0), fd, (off_t)offset);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, len, MADV_SEQUENTIAL);
	return p;
}

/*
 * Ask for len bytes of fd from offset to be read into the page cache now,
 * without waiting for them: the window after the one being read, so that
 * a log that is not (or no longer wholly) cached is read from disk while
 * the window before it is scanned.  Costs a look-up per page when it is
 * cached already.
 */
void
map_prefetch(int fd, uint64_t offset, size_t len)
{
#ifdef POSIX_FADV_WILLNEED
	if (len > 0)
		(void)posix_fadvise(fd, (off_t)offset, (off_t)len,
		    POSIX_FADV_WILLNEED);
#else
	(void)fd;
	(void)offset;
	(void)len;
#endif
}

void
map_release(void *p, size_t len)
{
	if (p != NULL && len > 0)
		munmap(p, len);
}

/* How many pages the file lost under a mapping so far (they read as 0). */
unsigned
map_lost_pages(void)
{
	return __atomic_load_n(&map_faults, __ATOMIC_RELAXED);
}

/* The offset alignment map_window needs. */
uint64_t
map_granule(void)
{
	long	page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (uint64_t)page : 4096;
}
