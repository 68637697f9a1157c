/*
 * readahead.c: find the lines worth a look before the reader gets there.
 *
 * Part of the source stage.  Scanning a big log on a machine with more
 * than one processor, a second thread runs ahead of the main one: it maps
 * the file window by window on its own and runs an indexer (the parser's
 * sieve) over the whole lines of each window, leaving a batch of marks:
 * the offsets and line numbers of the lines that may matter.  The main
 * thread takes each batch as it reaches its window, so it looks only at
 * the marked lines.  Nothing else is shared: the thread reads the file and
 * its own indexer, and hands batches over under one mutex.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fttriage.h"

#define RA_WINDOW	(4u << 20)	/* bytes mapped at a time */
#define RA_AHEAD	4		/* batches ready before it waits */
#define RA_HITS		1024		/* first size of a batch's marks */

struct readahead {
	int		 fd;
	struct indexer	 ix;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 changed;
	struct line_marks ring[RA_AHEAD];
	size_t		 head;		/* oldest batch */
	size_t		 count;		/* batches in the ring */
	int		 done;		/* no more batches will come */
	int		 stop;		/* the reader is gone */
	int		 waiting;	/* the reader waits for a batch */
	uint64_t	 pos;		/* where the next batch starts */
	uint64_t	 line;		/* lines before pos */
	struct sieve_hit hits[RA_HITS];	/* the indexer's scratch */
};

static void
marks_add(struct line_marks *m, const struct sieve_hit *h, size_t n)
{
	if (n == 0)
		return;         /* (m->hits may still be NULL) */
	if (m->nhits + n > m->cap) {
		while (m->nhits + n > m->cap)
			m->cap = m->cap == 0 ? RA_HITS : m->cap * 2;
		m->hits = xreallocarray(m->hits, m->cap, sizeof *m->hits);
	}
	memcpy(m->hits + m->nhits, h, n * sizeof *h);
	m->nhits += n;
}

/* Index the whole lines of p[0..n), starting at ra->pos, into m. */
static void
index_lines(struct readahead *ra, const char *p, size_t n,
    struct line_marks *m)
{
	struct sieve_hit *hits = ra->hits;
	size_t		 at = 0, k, done, i;
	uint64_t	 lines, base = 0;
	const char	*nl;

	m->from = ra->pos;
	m->from_line = ra->line;
	while (at < n) {
		k = ra->ix.scan(ra->ix.state, p + at, n - at, m->what, hits,
		    RA_HITS, &done, &lines);
		for (i = 0; i < k; i++) {
			hits[i].off += (uint32_t)at;
			hits[i].line += (uint32_t)base;
		}
		marks_add(m, hits, k);
		if (done == n - at) {
			base += lines;
			break;
		}
		/* The marks filled up: go on after the last marked line. */
		nl = memchr(p + at + done, '\n', n - at - done);
		base += lines + 1;
		at = (size_t)(nl - p) + 1;
	}
	m->to = ra->pos + n;
	m->to_line = ra->line + base;
	ra->pos = m->to;
	ra->line = m->to_line;
}

/*
 * The next batch: the lines that end in the window from ra->pos.  0, or 1
 * at the end of the file (m is then the last, possibly empty, batch).
 */
static int
next_batch(struct readahead *ra, struct line_marks *m)
{
	struct stat	 sb;
	uint64_t	 g = map_granule(), woff, size;
	size_t		 wlen, avail, skip;
	char		*map;
	const char	*p, *last;
	struct sieve_hit h;

	m->nhits = 0;
	m->map = NULL;
	m->map_len = 0;
	m->from = m->to = ra->pos;
	/*
	 * Share the work: when the reader is waiting for batches, leave the
	 * lines' heads to it (it has time to spare), else mark them too.
	 */
	pthread_mutex_lock(&ra->lock);
	m->what = ra->waiting || ra->count <= 2 ? SIEVE_BYTES :
	    SIEVE_BYTES | SIEVE_HEAD;
	pthread_mutex_unlock(&ra->lock);
	m->from_line = m->to_line = ra->line;
	if (fstat(ra->fd, &sb) == -1 || (uint64_t)sb.st_size <= ra->pos)
		return 1;
	size = (uint64_t)sb.st_size;
	woff = ra->pos - ra->pos % g;
	skip = (size_t)(ra->pos - woff);
	wlen = size - woff > RA_WINDOW + skip ? RA_WINDOW + skip :
	    (size_t)(size - woff);
	if (woff + wlen < size)
		map_prefetch(ra->fd, woff + wlen, size - woff - wlen > RA_WINDOW ?
		    RA_WINDOW : (size_t)(size - woff - wlen));
	if ((map = map_window(ra->fd, woff, wlen, 1)) == NULL)
		return 1;
	p = map + skip;
	avail = wlen - skip;
	if ((last = memrchr(p, '\n', avail)) != NULL)
		index_lines(ra, p, (size_t)(last - p) + 1, m);
	else if (woff + wlen < size) {
		/*
		 * A line longer than a window: mark it (the reader cuts it)
		 * and look for its end.
		 */
		memset(&h, 0, sizeof h);
		h.why = SIEVE_HEAD;
		marks_add(m, &h, 1);
		map_release(map, wlen);
		map = NULL;
		while (woff + wlen < size && last == NULL) {
			woff += wlen;
			woff -= woff % g;
			wlen = size - woff > RA_WINDOW ? RA_WINDOW :
			    (size_t)(size - woff);
			if ((map = map_window(ra->fd, woff, wlen, 0)) == NULL)
				return 1;
			last = memchr(map, '\n', wlen);
			if (last == NULL) {
				map_release(map, wlen);
				map = NULL;
			}
		}
		if (last == NULL)
			return 1;
		m->to = woff + (uint64_t)(last - map) + 1;
		m->to_line = ra->line + 1;
		ra->pos = m->to;
		ra->line = m->to_line;
	} else {
		/* The last line has no newline: the reader takes it. */
		map_release(map, wlen);
		return 1;
	}
	if (map != NULL) {
		/* The reader will want this window next. */
		m->map = map;
		m->map_len = wlen;
		m->map_off = woff;
	}
	return 0;
}

static void *
readahead_main(void *arg)
{
	struct readahead	*ra = arg;
	struct line_marks	 m;
	int			 last;

	memset(&m, 0, sizeof m);
	do {
		last = next_batch(ra, &m);
		pthread_mutex_lock(&ra->lock);
		while (ra->count == RA_AHEAD && !ra->stop)
			pthread_cond_wait(&ra->changed, &ra->lock);
		if (ra->stop) {
			pthread_mutex_unlock(&ra->lock);
			break;
		}
		{
			struct line_marks *slot =
			    &ra->ring[(ra->head + ra->count) % RA_AHEAD];
			struct line_marks t = *slot;

			/* Swap: the slot's old array is reused next time;
			 * a window the reader did not take is let go. */
			*slot = m;
			m = t;
			m.nhits = 0;
			map_release(m.map, m.map_len);
			m.map = NULL;
		}
		ra->count++;
		if (last)
			ra->done = 1;
		pthread_cond_broadcast(&ra->changed);
		pthread_mutex_unlock(&ra->lock);
	} while (!last);
	free(m.hits);
	map_release(m.map, m.map_len);
	pthread_mutex_lock(&ra->lock);
	ra->done = 1;
	pthread_cond_broadcast(&ra->changed);
	pthread_mutex_unlock(&ra->lock);
	return NULL;
}

/*
 * Start indexing fd (a regular file) from offset 0, line 0, in a thread;
 * the readahead owns ix from now on.  NULL if no thread could be started
 * (ix is then freed).
 */
struct readahead *
readahead_start(int fd, const struct indexer *ix)
{
	struct readahead *ra;

	ra = xcalloc(1, sizeof *ra);
	ra->fd = fd;
	ra->ix = *ix;
	pthread_mutex_init(&ra->lock, NULL);
	pthread_cond_init(&ra->changed, NULL);
	if (pthread_create(&ra->thread, NULL, readahead_main, ra) != 0) {
		pthread_cond_destroy(&ra->changed);
		pthread_mutex_destroy(&ra->lock);
		if (ix->free != NULL)
			ix->free(ix->state);
		free(ra);
		return NULL;
	}
	return ra;
}

/*
 * The batch of marks for the lines from offset off, waiting for it if
 * needed; batches wholly before off are let go.  NULL when no batch covers
 * off.  Valid until the next call.
 */
const struct line_marks *
readahead_marks(struct readahead *ra, uint64_t off)
{
	const struct line_marks *m = NULL;

	pthread_mutex_lock(&ra->lock);
	for (;;) {
		while (ra->count > 0 && ra->ring[ra->head].to <= off &&
		    !(ra->ring[ra->head].to == off &&
		    ra->ring[ra->head].from == off)) {
			ra->head = (ra->head + 1) % RA_AHEAD;
			ra->count--;
			pthread_cond_broadcast(&ra->changed);
		}
		if (ra->count > 0 || ra->done)
			break;
		ra->waiting = 1;
		pthread_cond_wait(&ra->changed, &ra->lock);
		ra->waiting = 0;
	}
	if (ra->count > 0 && ra->ring[ra->head].from <= off &&
	    off < ra->ring[ra->head].to)
		m = &ra->ring[ra->head];
	pthread_mutex_unlock(&ra->lock);
	return m;
}

/*
 * The window mapped at map_off for the lines from off, if the readahead
 * has it: the caller owns it from now on (map_release), *len is its
 * length.  NULL if it has none.
 */
char *
readahead_window(struct readahead *ra, uint64_t off, uint64_t map_off,
    size_t *len)
{
	struct line_marks	*m;
	char			*map = NULL;

	/* Waits for the batch from off, letting earlier ones go. */
	if (readahead_marks(ra, off) == NULL)
		return NULL;
	pthread_mutex_lock(&ra->lock);
	m = &ra->ring[ra->head];
	if (ra->count > 0 && m->map != NULL && m->map_off == map_off) {
		map = m->map;
		*len = m->map_len;
		m->map = NULL;
		m->map_len = 0;
	}
	pthread_mutex_unlock(&ra->lock);
	return map;
}

void
readahead_free(struct readahead *ra)
{
	size_t	i;

	if (ra == NULL)
		return;
	pthread_mutex_lock(&ra->lock);
	ra->stop = 1;
	pthread_cond_broadcast(&ra->changed);
	pthread_mutex_unlock(&ra->lock);
	pthread_join(ra->thread, NULL);
	for (i = 0; i < RA_AHEAD; i++) {
		free(ra->ring[i].hits);
		map_release(ra->ring[i].map, ra->ring[i].map_len);
	}
	if (ra->ix.free != NULL)
		ra->ix.free(ra->ix.state);
	pthread_cond_destroy(&ra->changed);
	pthread_mutex_destroy(&ra->lock);
	free(ra);
}
