/*
 * parse.h: what the dialect parsers share with the dispatcher (parse.c).
 *
 * A dialect (TSan, ASan, CPython fatal errors, gdb, build errors, events)
 * is one entry in parse.c's table: 'start' looks at an idle line and may
 * open a report; 'feed' gets every following line of that stream and says
 * whether it belongs to the report, ends it, or is not its own.  Dialects
 * never emit reports themselves; the dispatcher does, so that merging
 * (a fatal error and the gdb backtrace after it) happens in one place.
 */
#ifndef FTTRIAGE_PARSE_H
#define FTTRIAGE_PARSE_H

#include "fttriage.h"

enum pstep {
	PS_TAKE,        /* the line is part of the report */
	PS_TAKE_END,    /* the line is the report's last */
	PS_REJECT       /* not ours: the report ended before this line */
};

struct pstate;

struct dialect {
	const char	*name;
	/* Open a report on an idle line: set ps->r and return 1, else 0. */
	int		(*start)(struct pstate *, const char *, size_t);
	enum pstep	(*feed)(struct pstate *, const char *, size_t);
	/* The report is closing (end of input, interruption): check it. */
	void		(*close)(struct pstate *);
	unsigned	 merge_into_fatal:1; /* may join a held fatal error */
};

/* Per-stream parse state: one report at a time. */
struct pstate {
	struct report		*r;
	const struct dialect	*d;
	int			 cur;        /* stack receiving frames, -1 */
	unsigned		 next_index; /* expected next frame number */
	int			 state;      /* dialect-private */
	int			 seen_summary;
	unsigned		 blanks;     /* blank lines in a row */
	unsigned		 other;      /* dialect-private counter */
	struct buf		 pending;    /* gdb: a frame wrapped over lines */
	uint64_t		 last_line;
};

/* anchor.c: which lines a dialect may start on. */
#define ANCHOR_START 1   /* a dialect may start here */
#define ANCHOR_TEST  2   /* the running test may be learnt from it */
#define ANCHOR_RAW   4   /* raw text: control bytes, a possible prefix */
int	 line_anchors(const char *, size_t, int raw);
int	 line_head(const char *raw, size_t);
int	 line_head_after(const char *raw, size_t, size_t stamp_len);
int	 bol_anchor(const char *, size_t);

/* sieve.c: candidate lines of a block. */
struct sieve;
struct sieve *sieve_new(size_t max_line);
void	 sieve_free(struct sieve *);
void	 sieve_set_literals(struct sieve *, const char *const *, size_t);
int	 sieve_use(struct sieve *, const char *impl);
size_t	 sieve_scan_part(struct sieve *, const char *, size_t, int what,
	    struct sieve_hit *, size_t max, size_t *done, uint64_t *lines);
size_t	 sieve_scan(struct sieve *, const char *, size_t,
	    struct sieve_hit *, size_t max, size_t *done, uint64_t *lines);

/* parse.c helpers for dialects. */
struct stack *ps_stack(struct pstate *);
struct stack *ps_open_stack(struct pstate *, enum stack_role, const char *,
	    size_t);
void	 ps_check_index(struct pstate *, unsigned);
struct frame *ps_add_frame(struct pstate *, struct frame *);
const char *skip_ws(const char *, const char *);
size_t	 trim_len(const char *, size_t);

/* parse-frame.c: one frame line in each printed shape. */
int	 frame_parse_sanitizer(const char *, size_t, struct frame *);
int	 frame_parse_gdb(const char *, size_t, struct frame *);
int	 frame_parse_lldb(const char *, size_t, struct frame *);
int	 frame_parse_python(const char *, size_t, struct frame *);
int	 frame_parse_binary_file(const char *, size_t, struct frame *);
int	 line_is_sanitizer_frame(const char *, size_t);
int	 line_is_gdb_frame(const char *, size_t);

/* The dialects. */
extern const struct dialect dialect_tsan;
extern const struct dialect dialect_asan;
extern const struct dialect dialect_python;
extern const struct dialect dialect_gdb;
extern const struct dialect dialect_lldb;
extern const struct dialect dialect_build;
extern const struct dialect dialect_event;
extern const struct dialect dialect_pyexc;

#endif
