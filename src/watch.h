/*
 * watch.h: what the watcher's event loop (watch.c) shares with the code
 * that follows one file (follow.c).
 */
#ifndef FTTRIAGE_WATCH_H
#define FTTRIAGE_WATCH_H

#include <sys/queue.h>
#include <sys/stat.h>

#include "fttriage.h"

#ifndef TAILQ_FOREACH_SAFE  /* not in glibc's sys/queue.h */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

#define FOLLOW_HEAD	256		/* bytes kept to notice a replaced file */
#define FOLLOW_BUDGET	(8u << 20)	/* bytes read per file per turn */
#define FOLLOW_CLOSED_MS 1000		/* quiet after a close: finished */

/* One file being followed: an open descriptor and where it was read to. */
struct follow {
	char		*path;        /* its name when last seen */
	int		 fd;
	dev_t		 dev;
	ino_t		 ino;

	struct parser	*parser;      /* NULL until read, and after a flush */
	uint64_t	 pos;         /* next byte to read */
	uint64_t	 line;        /* lines before pos */
	uint64_t	 safe;        /* a fresh parser may start here ... */
	uint64_t	 safe_line;   /* ... and this is committed */
	int		 started;     /* the store said where to begin */
	int		 fresh;       /* content replaced: a new source */
	int		 in_cut;      /* pos is inside an over-long line */
	char		 head[FOLLOW_HEAD];
	size_t		 head_len;

	uint64_t	 changed_ms;  /* when it last grew (monotonic) */
	int		 dirty;       /* an event says there may be more */
	int		 closed;      /* closed by its writer since it grew */

	/* During one turn. */
	struct store_ingest *ig;
	struct symbolizer *sym;
	uint64_t	 turn_start;  /* pos when the turn began */
	char		*error;       /* the first store error of the turn */

	TAILQ_ENTRY(follow) entry;
};
TAILQ_HEAD(follows, follow);

/* follow.c */
struct follow *follow_open(const char *path, char **cause);
void	 follow_free(struct follow *);
/* Does the file have something unread or an open report? */
int	 follow_pending(struct follow *);
/*
 * One turn: read what was appended (at most FOLLOW_BUDGET bytes), store
 * the reports it completes and commit how far it is safe to resume, in
 * one transaction.  With finish, a partial last line is taken and open
 * reports are closed.  Returns 1 if there is more to read, 0 if not, -1
 * with cause on an error (the turn is undone; the next one retries).
 */
int	 follow_read(struct follow *, struct store *, struct symbolizer *,
	    const char *project, int finish, char **cause);
uint64_t follow_now_ms(void);

#endif
