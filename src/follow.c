/*
 * follow.c: following one log file as it grows, for the watcher.
 *
 * The file stays open, so a rename (rotation) or an unlink does not stop
 * it being read.  Each turn reads the complete lines appended since the
 * last one and feeds them to a parser kept between turns; a partial last
 * line waits for its newline unless the turn finishes the file (it has
 * been quiet for a while, or is gone).
 *
 * Exactly once: every turn is one store transaction holding the reports
 * it completed and the position to resume from after a crash.  That
 * position is the last point where the parser had nothing open (no report,
 * no fatal error waiting for its backtrace), so a new parser started there
 * after a restart sees exactly what the lost one would have; a report it
 * finds again is recognised by the store from its place in the file and
 * not counted twice.  A file shorter than the position read, or whose head
 * changed, was truncated or replaced and is read again from the start as
 * new content.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fttriage.h"
#include "watch.h"

/* Milliseconds on the monotonic clock, for idle times. */
uint64_t
follow_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *
follow_type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/*
 * Open a log to follow.  A FIFO or device put where a log was expected is
 * refused, with a message saying what it is, before it is opened: opening
 * may block, unblock a writer, or rewind a tape.  The check is made again
 * on the descriptor, in case the name changed in between.
 */
struct follow *
follow_open(const char *path, char **cause)
{
	struct follow	*f;
	struct stat	 sb;
	int		 fd;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "'%s' is %s; not followed", path,
		    follow_type_name(sb.st_mode));
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		xasprintf(cause, "cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "'%s' is %s; not followed", path,
		    follow_type_name(sb.st_mode));
		close(fd);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->fd = fd;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->changed_ms = follow_now_ms();
	f->dirty = 1;
	return f;
}

/* Close the file and drop its state; an open turn is undone. */
void
follow_free(struct follow *f)
{
	if (f == NULL)
		return;
	store_ingest_abort(f->ig);
	parser_free(f->parser);
	if (f->fd != -1)
		close(f->fd);
	free(f->error);
	free(f->path);
	free(f);
}

/* Nothing open in any stream of the parser? */
static int
follow_idle(struct follow *f)
{
	return f->parser == NULL || parser_idle(f->parser);
}

void
follow_set_rules(struct follow *f, struct ruleset *rs)
{
	if (f->rules == rs)
		return;
	f->rules = rs;
	f->hook = rs != NULL ? ruleset_line_hook(rs) : NULL;
	if (f->parser != NULL)
		parser_set_line_hook(f->parser, f->hook);
}

/* 1 while the file has unread bytes or its parser has a report open. */
int
follow_pending(struct follow *f)
{
	struct stat	sb;

	if (!follow_idle(f))
		return 1;
	return fstat(f->fd, &sb) == 0 && (uint64_t)sb.st_size != f->pos;
}

/* A finished report goes into this turn's transaction. */
static void
follow_report(struct report *r, void *arg)
{
	struct follow	*f = arg;
	struct stages	 st = { f->sym, NULL, f->rules };
	char		*cause = NULL;

	/* The scanner's stages, so that both store the same issues. */
	stages_run(&st, r);
	if (f->error == NULL && f->ig != NULL &&
	    store_ingest_report(f->ig, r, &cause) != 0)
		f->error = cause;
	report_free(r);
}

/* Noise the parser can pass over: account for it, it is read. */
static size_t
follow_skip(void *arg, const struct skip_at *at, uint64_t *lines)
{
	struct follow	*f = arg;
	struct skip_at	 lim = *at;
	uint64_t	 used = f->pos - f->turn_start;
	size_t		 adv;

	/* Past the turn's budget: let a line through to end the turn. */
	*lines = 0;
	if (used >= FOLLOW_BUDGET)
		return 0;
	if (lim.n > FOLLOW_BUDGET - used)
		lim.n = (size_t)(FOLLOW_BUDGET - used);
	if ((adv = parser_skip(f->parser, &lim, lines)) == 0)
		return 0;
	f->pos += adv;
	f->line += *lines;
	f->safe = f->pos;
	f->safe_line = f->line;
	return adv;
}

/* Back to the last committed point: the turn is undone. */
static void
follow_rewind(struct follow *f)
{
	parser_free(f->parser);
	f->parser = NULL;
	f->pos = f->safe;
	f->line = f->safe_line;
	f->in_cut = 0;
	f->started = 0;
}

/* Was the file truncated or replaced since the last turn? */
static int
follow_replaced(struct follow *f, const struct stat *sb)
{
	char	buf[FOLLOW_HEAD];

	if ((uint64_t)sb->st_size < f->pos)
		return 1;
	if (f->head_len == 0)
		return 0;
	if (pread(f->fd, buf, f->head_len, 0) != (ssize_t)f->head_len)
		return 1;
	return memcmp(buf, f->head, f->head_len) != 0;
}

/* Read lines from pos; returns 1 if the budget ran out, 0, or -1. */
static int
follow_lines(struct follow *f, int finish, char **cause)
{
	struct source	*src;
	struct line	 l;
	uint64_t	 start = f->pos;
	int		 rc, first = 1, more = 0;

	f->turn_start = start;
	src = source_fdopen(f->fd, f->path);
	if (source_seek(src, f->pos, f->line + 1) != 0) {
		xasprintf(cause, "cannot seek in '%s': %s", f->path,
		    strerror(errno));
		source_close(src);
		return -1;
	}
	if (!f->in_cut)
		source_set_skip(src, follow_skip, f);
	while ((rc = source_next(src, &l, cause)) == 1) {
		if (l.eof_partial && !finish)
			break;  /* wait for the newline */
		if (first && f->in_cut) {
			/* The rest of a line already cut and fed. */
			f->pos = l.next;
			f->in_cut = l.cut;
			source_set_skip(src, follow_skip, f);
			first = 0;
			continue;
		}
		first = 0;
		parser_feed(f->parser, &l);
		f->pos = l.next;
		f->line = l.number;
		f->in_cut = l.cut;
		if (follow_idle(f)) {
			f->safe = f->pos;
			f->safe_line = f->line;
		}
		if (f->pos - start >= FOLLOW_BUDGET) {
			more = 1;
			break;
		}
	}
	source_close(src);
	if (rc == -1)
		return -1;
	return more;
}

/*
 * One turn of reading and storing; see watch.h.  The transaction commits
 * the reports the turn completed with the last safe resume point.
 */
int
follow_read(struct follow *f, struct store *st, const char *project,
    int finish, char **cause)
{
	struct stat	 sb;
	uint64_t	 offset, line;
	ssize_t		 n;
	int		 more;

	if (fstat(f->fd, &sb) != 0) {
		xasprintf(cause, "cannot stat '%s': %s", f->path,
		    strerror(errno));
		return -1;
	}
	if (f->started && follow_replaced(f, &sb)) {
		log_msg(LOG_LVL_INFO, "'%s' was truncated or replaced; "
		    "reading it from the start", f->path);
		follow_rewind(f);
		f->pos = f->line = f->safe = f->safe_line = 0;
		f->head_len = 0;
		f->fresh = 1;
	}
	if (f->started && (uint64_t)sb.st_size == f->pos &&
	    (!finish || follow_idle(f)))
		return 0;  /* nothing new */
	if ((uint64_t)sb.st_size != f->pos)
		f->changed_ms = follow_now_ms();

	f->ig = store_ingest_begin_fd(st, f->path, f->fd, project, f->fresh,
	    &offset, &line, cause);
	if (f->ig == NULL)
		return -1;
	if (!f->started) {
		f->pos = f->safe = f->committed = offset;
		f->line = f->safe_line = line;
		f->started = 1;
		if (offset > 0)
			log_msg(LOG_LVL_DEBUG, "'%s': resuming at byte %" PRIu64
			    ", line %" PRIu64, f->path, offset, line);
	}
	if (f->parser == NULL) {
		f->parser = parser_new(f->path, follow_report, f);
		parser_set_line_hook(f->parser, f->hook);
	}

	if ((more = follow_lines(f, finish, cause)) == -1)
		goto fail;
	if (finish && !more) {
		parser_finish(f->parser);
		parser_free(f->parser);
		f->parser = NULL;
		f->safe = f->pos;
		f->safe_line = f->line;
	}
	if (f->error != NULL) {
		*cause = f->error;
		f->error = NULL;
		goto fail;
	}
	if (store_ingest_added(f->ig) == 0 && f->safe == f->committed &&
	    !f->fresh) {
		/* Nothing to record (a partial line, an open report). */
		store_ingest_abort(f->ig);
		f->ig = NULL;
		return more;
	}
	if (store_ingest_commit(f->ig, f->safe, f->safe_line, cause) != 0) {
		f->ig = NULL;
		goto fail;
	}
	f->ig = NULL;
	f->committed = f->safe;
	f->fresh = 0;
	if (f->head_len < FOLLOW_HEAD && f->pos > f->head_len) {
		n = pread(f->fd, f->head, FOLLOW_HEAD, 0);
		f->head_len = n > 0 ? (size_t)n : 0;
		if (f->head_len > f->pos)
			f->head_len = (size_t)f->pos;
	}
	return more;

fail:
	store_ingest_abort(f->ig);
	f->ig = NULL;
	follow_rewind(f);
	return -1;
}
