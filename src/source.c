/*
 * source.c: a log file or stream as a sequence of cleaned lines.
 *
 * The first stage of the pipeline.  It reads in large blocks, splits lines,
 * cuts any line longer than FT_LINE_MAX (the rest of it is skipped, and
 * counted), and hands each line through clean.c so that the parsers see
 * text without CI timestamps, colour codes, carriage returns or NUL bytes.
 * A regular file is read through windows mapped into memory (map.c), one
 * at a time, instead of copied; a big one may have an indexer mark its
 * lines in a thread ahead of the reader (readahead.c).  Memory is bounded
 * by the block or window size plus one line, whatever the input.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fttriage.h"

#define SOURCE_BLOCK (1024 * 1024)
#define SOURCE_WINDOW (4u << 20)          /* mapped at a time */
#define READAHEAD_MIN ((uint64_t)8 << 20) /* smaller files: no thread */

/* Buffer generations, unique across sources. */
static uint64_t source_gens;

struct source {
	char		*name;
	int		 fd;
	int		 own_fd;
	char		*block;      /* SOURCE_BLOCK + FT_LINE_MAX bytes */
	size_t		 start;      /* unconsumed data: block[start..end) */
	size_t		 end;
	int		 eof;
	uint64_t	 offset;     /* source offset of block[start] */
	uint64_t	 lineno;
	int		 skipping;   /* inside the discarded tail of a long line */
	char		*clean;      /* cleaned copy of the current line */
	uint64_t	 cut_lines;
	uint64_t	 binary_lines;
	uint64_t	 skipped_lines;
	size_t		(*skip)(void *, const struct skip_at *, uint64_t *);
	void		*skip_arg;
	uint64_t	 gen;        /* changes when block's bytes move */
	int		 mapped;     /* block is a window of the file */
	size_t		 map_len;
	unsigned	 lost0;      /* map_lost_pages() at the start */
	struct indexer	 ix;         /* to start a readahead with */
	int		 have_ix;
	int		 ra_tried;
	struct readahead *ra;
};

static struct source *
source_alloc(int fd, const char *name, int own)
{
	struct source *s;

	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->fd = fd;
	s->own_fd = own;
	s->block = xmalloc(SOURCE_BLOCK + FT_LINE_MAX + 1);
	s->gen = ++source_gens;
	s->clean = xmalloc(FT_LINE_MAX + 1);
	return s;
}

/*
 * Open a log.  Only regular files, pipes and terminals are read: a path
 * from an untrusted place must not make us block on a device or FIFO that
 * nobody writes.  "-" is standard input.
 */
struct source *
source_open(const char *path, char **cause)
{
	struct stat	 st;
	struct source	*s;
	int		 fd;

	if (strcmp(path, "-") == 0)
		return source_fdopen(STDIN_FILENO, "-");
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		xasprintf(cause, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "cannot stat '%s': %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		xasprintf(cause, "'%s' is a directory", path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "'%s' is not a regular file", path);
		close(fd);
		return NULL;
	}
	/* Regular files never block; drop O_NONBLOCK for plain reads. */
	fcntl(fd, F_SETFL, 0);
	s = source_alloc(fd, path, 1);
	/* Read through the page cache in place. */
	free(s->block);
	s->block = NULL;
	s->mapped = 1;
	s->lost0 = map_lost_pages();
	return s;
}

struct source *
source_fdopen(int fd, const char *name)
{
	return source_alloc(fd, name, 0);
}

const char *
source_name(const struct source *s)
{
	return s->name;
}

uint64_t
source_cut_lines(const struct source *s)
{
	return s->cut_lines;
}

uint64_t
source_binary_lines(const struct source *s)
{
	return s->binary_lines;
}

void
source_set_skip(struct source *s,
    size_t (*skip)(void *, const struct skip_at *, uint64_t *), void *arg)
{
	s->skip = skip;
	s->skip_arg = arg;
}

uint64_t
source_skipped_lines(const struct source *s)
{
	return s->skipped_lines;
}

uint64_t
source_offset(const struct source *s)
{
	return s->offset;
}

uint64_t
source_line_number(const struct source *s)
{
	return s->lineno;
}

void
source_set_indexer(struct source *s, const struct indexer *ix)
{
	if (s->have_ix && s->ix.free != NULL)
		s->ix.free(s->ix.state);
	s->ix = *ix;
	s->have_ix = 1;
}

/*
 * Start the readahead if it is worth it: a mapped file read from its
 * start, big enough, and a processor to spare.  FTTRIAGE_READAHEAD=1
 * starts it for any mapped file, =0 never.
 */
static void
source_start_readahead(struct source *s)
{
	const char	*env = getenv("FTTRIAGE_READAHEAD");
	struct stat	 st;
	int		 force = env != NULL && strcmp(env, "1") == 0;

	if (!s->have_ix || !s->mapped || s->offset != 0 || s->lineno != 0 ||
	    (env != NULL && strcmp(env, "0") == 0))
		return;
	if (!force && (get_nprocs() < 2 || fstat(s->fd, &st) == -1 ||
	    (uint64_t)st.st_size < READAHEAD_MIN))
		return;
	s->ra = readahead_start(s->fd, &s->ix);
	s->have_ix = 0;         /* the readahead has it, or freed it */
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	readahead_free(s->ra);
	if (s->have_ix && s->ix.free != NULL)
		s->ix.free(s->ix.state);
	if (s->mapped)
		map_release(s->block, s->map_len);
	if (s->own_fd)
		close(s->fd);
	if (!s->mapped)
		free(s->block);
	free(s->clean);
	free(s->name);
	free(s);
}

/* Start reading at a byte offset that begins line 'line' (1-based). */
int
source_seek(struct source *s, uint64_t offset, uint64_t line)
{
	if (lseek(s->fd, (off_t)offset, SEEK_SET) == (off_t)-1)
		return -1;
	s->start = s->end = 0;
	s->eof = 0;
	s->skipping = 0;
	s->gen = ++source_gens;
	s->offset = offset;
	s->lineno = line > 0 ? line - 1 : 0;
	return 0;
}

/*
 * Refill a mapped source: map the window from the unconsumed tail on, if
 * the file has more.  0, or -1.
 */
static int
source_fill_mapped(struct source *s, char **cause)
{
	struct stat	 st;
	uint64_t	 g = map_granule(), woff, have;
	size_t		 skip, wlen;
	char		*map;

	have = s->offset + (s->end - s->start);
	if (fstat(s->fd, &st) == -1) {
		xasprintf(cause, "cannot stat '%s': %s", s->name,
		    strerror(errno));
		return -1;
	}
	if ((uint64_t)st.st_size <= have) {
		s->eof = 1;
		if (map_lost_pages() != s->lost0) {
			xasprintf(cause, "'%s' shrank while it was read; "
			    "what was lost reads as NUL bytes", s->name);
			s->lost0 = map_lost_pages();
			return -1;
		}
		return 0;
	}
	woff = s->offset - s->offset % g;
	skip = (size_t)(s->offset - woff);
	wlen = (uint64_t)st.st_size - woff > SOURCE_WINDOW + skip ?
	    SOURCE_WINDOW + skip : (size_t)((uint64_t)st.st_size - woff);
	/* The readahead mapped this window already: take it. */
	map = s->ra != NULL ? readahead_window(s->ra, s->offset, woff, &wlen) :
	    NULL;
	if (map == NULL && (map = map_window(s->fd, woff, wlen, 0)) == NULL) {
		xasprintf(cause, "cannot map '%s': %s", s->name,
		    strerror(errno));
		return -1;
	}
	map_release(s->block, s->map_len);
	s->block = map;
	s->map_len = wlen;
	s->start = skip;
	s->end = wlen;
	s->gen = ++source_gens;
	return 0;
}

/* Refill: keep the unconsumed tail, read more after it.  0, or -1. */
static int
source_fill(struct source *s, char **cause)
{
	ssize_t	 n;
	size_t	 room;

	if (s->mapped)
		return source_fill_mapped(s, cause);
	s->gen = ++source_gens;
	if (s->start > 0) {
		memmove(s->block, s->block + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	room = SOURCE_BLOCK + FT_LINE_MAX - s->end;
	if (room == 0)
		return 0;
	for (;;) {
		n = read(s->fd, s->block + s->end, room);
		if (n == -1 && errno == EINTR)
			continue;
		break;
	}
	if (n == -1) {
		xasprintf(cause, "cannot read '%s': %s", s->name,
		    strerror(errno));
		return -1;
	}
	if (n == 0)
		s->eof = 1;
	s->end += (size_t)n;
	return 0;
}

/*
 * The next line.  Returns 1 with *l filled (pointers valid until the next
 * call), 0 at the end of input, -1 on a read error.
 */
int
source_next(struct source *s, struct line *l, char **cause)
{
	const char	*nl;
	size_t		 avail, len, adv;
	int		 binary, partial = 0, asked = 0;
	uint64_t	 n;

	if (!s->ra_tried) {
		s->ra_tried = 1;
		source_start_readahead(s);
	}
	for (;;) {
		avail = s->end - s->start;
		if (!s->skipping && s->skip != NULL && !asked && avail > 0) {
			/* Noise nobody will look at: count it, move on.  Ask
			 * again only once more data is read. */
			struct skip_at at;

			asked = 1;
			at.buf = s->block + s->start;
			at.n = avail;
			at.gen = s->gen;
			at.offset = s->offset;
			at.line = s->lineno;
			at.marks = s->ra != NULL ?
			    readahead_marks(s->ra, s->offset) : NULL;
			adv = s->skip(s->skip_arg, &at, &n);
			s->lineno += n;
			s->skipped_lines += n;
			s->offset += adv;
			s->start += adv;
			avail -= adv;
		}
		nl = avail ? memchr(s->block + s->start, '\n', avail) : NULL;
		if (s->skipping) {
			/* Discard the rest of an over-long line. */
			if (nl == NULL) {
				s->offset += avail;
				s->start = s->end;
				if (s->eof)
					return 0;
				if (source_fill(s, cause) != 0)
					return -1;
				continue;
			}
			adv = (size_t)(nl - (s->block + s->start)) + 1;
			s->offset += adv;
			s->start += adv;
			s->skipping = 0;
			continue;
		}
		if (nl != NULL) {
			len = (size_t)(nl - (s->block + s->start));
			if (len > FT_LINE_MAX) {
				len = FT_LINE_MAX;
				adv = FT_LINE_MAX;
				s->skipping = 1;
			} else
				adv = len + 1;
			break;
		}
		if (avail >= FT_LINE_MAX) {
			len = adv = FT_LINE_MAX;
			s->skipping = 1;
			break;
		}
		if (s->eof) {
			if (avail == 0)
				return 0;
			len = adv = avail;
			partial = 1;
			break;
		}
		if (source_fill(s, cause) != 0)
			return -1;
		asked = 0;
	}

	memset(l, 0, sizeof *l);
	l->raw = s->block + s->start;
	l->raw_len = len;
	l->number = ++s->lineno;
	l->offset = s->offset;
	l->cut = s->skipping;
	l->eof_partial = partial;
	if (l->cut)
		s->cut_lines++;
	binary = 0;
	l->len = clean_line(l->raw, len, s->clean, &l->channel,
	    &l->channel_len, &binary);
	l->text = s->clean;
	l->binary = binary != 0;
	if (binary)
		s->binary_lines++;
	s->start += adv;
	s->offset += adv;
	l->next = s->offset;
	return 1;
}
