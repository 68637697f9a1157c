/*
 * fttriage.h: the shared data model and every module's interface.
 *
 * A log flows one way:  source -> lines -> reports -> symbolize -> classify
 * -> fingerprint -> rules -> sinks.  The types here are the only things the
 * stages share: a report holds stacks, a stack holds frames.  Third-party
 * libraries (libelf, libdwarf, PCRE2, SQLite) never appear in this header;
 * each is included by exactly one source file.
 *
 * Prototypes are grouped under a banner naming the file that implements them.
 */
#ifndef FTTRIAGE_H
#define FTTRIAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/types.h>

#define FT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define FT_NORETURN __attribute__((noreturn))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Hard limits: logs are untrusted, so nothing grows without bound. */
#define FT_LINE_MAX        (64 * 1024)   /* longer lines are cut, and said so */
#define FT_FRAMES_MAX      512           /* frames kept per stack */
#define FT_STACKS_MAX      64            /* stacks kept per report */
#define FT_REPORT_TEXT_MAX (256 * 1024)  /* raw text kept per report */
#define FT_REPORT_LINES_MAX 20000        /* lines one report may span */
#define FT_CHANNELS_MAX    64            /* interleaved streams followed at once */
#define CONFIG_FILE_MAX    (16 * 1024 * 1024) /* configuration, suppressions */
#define RULES_FILE_MAX     (16 * 1024 * 1024) /* one rules file */

/* ------------------------------------------------------------------ */
/* The data model.                                                     */
/* ------------------------------------------------------------------ */

/* What kind of report.  Names (report_kind_name) are the stable JSON strings. */
enum report_kind {
	RK_UNKNOWN = 0,
	RK_TSAN_DATA_RACE,
	RK_TSAN_DATA_RACE_VPTR,
	RK_TSAN_HEAP_USE_AFTER_FREE,
	RK_TSAN_EXTERNAL_RACE,
	RK_TSAN_THREAD_LEAK,
	RK_TSAN_LOCK_ORDER_INVERSION,
	RK_TSAN_SIGNAL_UNSAFE_CALL,
	RK_TSAN_SIGNAL_ERRNO,
	RK_TSAN_MUTEX_DESTROY_LOCKED,
	RK_TSAN_MUTEX_DOUBLE_LOCK,
	RK_TSAN_MUTEX_INVALID,
	RK_TSAN_MUTEX_BAD_UNLOCK,
	RK_TSAN_MUTEX_BAD_READ_LOCK,
	RK_TSAN_MUTEX_BAD_READ_UNLOCK,
	RK_TSAN_MUTEX_WRONG_CONTEXT,
	RK_TSAN_SEGV,               /* ThreadSanitizer: SEGV / DEADLYSIGNAL */
	RK_TSAN_CHECK_FAILED,       /* ThreadSanitizer: CHECK failed (not ASLR) */
	RK_TSAN_ENV,                /* unexpected memory mapping, ASLR/personality */
	RK_TSAN_ALLOCATOR,          /* allocation-size-too-big, out-of-memory */
	RK_TSAN_OTHER,              /* a TSan report whose kind is not visible */
	RK_ASAN,                    /* AddressSanitizer ERROR (title says which) */
	RK_LSAN,                    /* LeakSanitizer: detected memory leaks */
	RK_UBSAN,                   /* runtime error: ... */
	RK_MSAN,
	RK_PYTHON_FATAL,            /* Fatal Python error / Windows fatal exception */
	RK_FAULTHANDLER,            /* a thread dump with no fatal error (timeout) */
	RK_PYTHON_EXCEPTION,        /* Exception in thread ... with traceback */
	RK_GDB_BACKTRACE,
	RK_LLDB_BACKTRACE,
	RK_BUILD_ERROR,
	RK_EVENT,                   /* a one-line event defined by a rule */
	RK__COUNT
};

/* The parts a report was assembled from; one crash may span several. */
#define RP_TSAN         0x0001u
#define RP_ASAN         0x0002u
#define RP_LSAN         0x0004u
#define RP_UBSAN        0x0008u
#define RP_PYTHON_FATAL 0x0010u
#define RP_FAULTHANDLER 0x0020u
#define RP_GDB          0x0040u
#define RP_LLDB         0x0080u
#define RP_BUILD        0x0100u
#define RP_EVENT        0x0200u
#define RP_PYEXC        0x0400u
#define RP_MSAN         0x0800u

/* What a stack is in its report. */
enum stack_role {
	SR_UNKNOWN = 0,
	SR_CURRENT,          /* the access / crash / error site */
	SR_PREVIOUS,         /* TSan "Previous write ..." */
	SR_ALLOCATION,       /* heap block allocated / freed by */
	SR_FREE,             /* ASan "freed by thread" */
	SR_LOCATION,         /* other "Location is ..." with frames */
	SR_THREAD_CREATION,  /* "Thread T1 ... created by ... at:" */
	SR_MUTEX,            /* "Mutex M0 ... created at:" / acquired here */
	SR_PYTHON,           /* a Python-level stack from faulthandler */
	SR_NATIVE,           /* faulthandler's C stack, gdb/lldb thread */
	SR__COUNT
};

/* Whose code a frame is (filled by classify.c). */
enum frame_class {
	FC_UNKNOWN = 0,
	FC_SANITIZER,        /* sanitizer runtime / interceptor */
	FC_LIBC,             /* libc, libpthread, libstdc++, ld.so, system */
	FC_INTERPRETER,      /* CPython core (libpython, python executable) */
	FC_STDLIB_EXT,       /* CPython stdlib extension (_decimal, _ctypes ...) */
	FC_EXTENSION,        /* third-party extension module (package known) */
	FC_LIBRARY,          /* other shared library */
	FC_PYTHON,           /* a Python source frame (File "x.py") */
	FC__COUNT
};

/* How a frame's address must be adjusted before look-up. */
enum pc_kind {
	PC_NONE = 0,         /* no address printed */
	PC_PREVIOUS,         /* sanitizer: already the call instruction */
	PC_RETURN,           /* gdb/lldb/faulthandler: a return address */
	PC_EXACT             /* frame #0 of a signal: the faulting pc itself */
};

/* How a frame's function/line came to be known. */
enum frame_source {
	FS_PRINTED = 0,      /* the log printed it */
	FS_SYMBOLIZED,       /* fttriage looked it up */
	FS_NONE              /* not known */
};

struct frame {
	unsigned	 index;       /* #N as printed (inline expansion keeps N) */
	char		*function;    /* NULL when unknown ("<null>", "??") */
	char		*function_raw;/* as printed or mangled; NULL if same */
	char		*file;        /* NULL when unknown */
	unsigned	 line;        /* 0 when unknown */
	unsigned	 column;      /* 0 when unknown */
	char		*module;      /* as printed: basename (TSan) or path */
	char		*module_path; /* full path when known */
	char		*arch;        /* macOS "arm64" in (mod:arm64+0x..) */
	uint64_t	 offset;      /* module-relative, valid if has_offset */
	uint64_t	 address;     /* absolute pc, valid if has_address */
	char		*build_id;    /* lowercase hex, NULL if not printed */
	unsigned	 has_offset:1;
	unsigned	 has_address:1;
	unsigned	 inlined:1;   /* inlined into the frame that follows */
	unsigned	 elided:1;    /* stands for "..." lines left out */
	enum pc_kind	 pc;
	enum frame_source source;
	enum frame_class cls;
	char		*package;     /* FC_EXTENSION: "numpy"; FC_STDLIB_EXT: "_decimal" */
};

struct stack {
	enum stack_role	 role;
	char		*label;       /* the line that introduced it, cleaned */
	char		*thread;      /* "main thread", "T3", "0x7f..." */
	struct frame	*frames;
	size_t		 nframes;
	size_t		 cap;
	size_t		 dropped;     /* frames past FT_FRAMES_MAX */
};

struct kv {
	char	*key;
	char	*value;
};

/* Where a report came from. */
struct origin {
	char		*path;        /* "-" for stdin */
	uint64_t	 first_line;  /* 1-based */
	uint64_t	 last_line;
	uint64_t	 first_byte;  /* offset of the first line in the source */
	uint64_t	 end_byte;    /* offset just past the last line */
};

struct report {
	enum report_kind kind;
	unsigned	 parts;       /* RP_* bits */
	char		*title;       /* one line: "data race in foo", ... */
	char		*summary;     /* the SUMMARY: line, or fatal message */
	int		 complete;    /* 1 when every expected part was seen */
	char		*missing;     /* what was missing, when !complete */
	long		 pid;         /* -1 when unknown */
	char		*test;        /* pytest node id running, or NULL */
	char		*channel;     /* interleave key ("gw0"), or NULL */
	struct origin	 origin;

	struct stack	*stacks;
	size_t		 nstacks;
	size_t		 stacks_cap;

	struct kv	*attrs;       /* location, mutexes, registers, module ... */
	size_t		 nattrs;
	size_t		 attrs_cap;

	/* Raw cleaned text, capped at FT_REPORT_TEXT_MAX (text_cut set). */
	char		*text;
	size_t		 text_len;
	size_t		 text_cap;
	int		 text_cut;

	/* Filled by later stages. */
	int		 culprit_stack; /* -1 if none */
	int		 culprit_frame;
	char		*fingerprint;
	char		**rules;      /* matched rule ids */
	size_t		 nrules;
	char		**fixes;      /* rendered fix text, parallel to rules */
	void		*rule_refs;   /* owned by rules.c */
	int		 suppressed;  /* a suppressions file silences it */
	char		*suppressed_by;
	char		**rule_titles; /* rendered titles, parallel to rules
				        * (rules-apply.c); NULL entries allowed */
};

/* ------------------------------------------------------------------ */
/* xmalloc.c: allocation that dies on out-of-memory.                   */
/* ------------------------------------------------------------------ */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) FT_PRINTF(2, 3);
int	 xvasprintf(char **, const char *, va_list) FT_PRINTF(2, 0);

/* ------------------------------------------------------------------ */
/* buf.c: one growable byte buffer with a hard maximum.                */
/* ------------------------------------------------------------------ */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;        /* appends beyond max are dropped */
	int	 cut;        /* something was dropped */
};
void	 buf_init(struct buf *, size_t max);
void	 buf_release(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addc(struct buf *, int);
int	 buf_adds(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...) FT_PRINTF(2, 3);
char	*buf_cstr(struct buf *);    /* NUL-terminated view, owned by buf */
char	*buf_detach(struct buf *);  /* caller owns; buf is reset */

/* ------------------------------------------------------------------ */
/* log.c: diagnostics to stderr (or syslog for the daemon).            */
/* ------------------------------------------------------------------ */
enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
extern const char *ft_progname;
void	 log_set_level(enum log_level);
void	 log_use_syslog(int);
void	 log_msg(enum log_level, const char *, ...) FT_PRINTF(2, 3);
void	 ft_warnx(const char *, ...) FT_PRINTF(1, 2);
void	 ft_fatalx(const char *, ...) FT_PRINTF(1, 2) FT_NORETURN;

/* ------------------------------------------------------------------ */
/* util.c: small string helpers.                                       */
/* ------------------------------------------------------------------ */
int	 str_startswith(const char *, const char *);
int	 mem_startswith(const char *, size_t, const char *);
const char *mem_find(const char *, size_t, const char *);
int	 parse_u64(const char *, size_t, int base, uint64_t *);
int	 parse_uint(const char *, size_t, unsigned *);
const char *path_basename(const char *);
char	*str_sanitize_utf8(const char *, size_t); /* invalid bytes -> U+FFFD */
size_t	 utf8_seq_len(const unsigned char *, size_t); /* 0 when invalid */
/* Open a regular file of at most max bytes for reading text: NULL with a
 * reason (no path in it; caller frees) for a FIFO, device, directory or a
 * file too large.  Never blocks on what it opens. */
FILE	*file_open_regular(const char *path, off_t max, char **why);
/* Copy s to fp with control bytes and C1 controls shown as '?'. */
void	 fputs_safe(const char *s, FILE *fp);

/* ------------------------------------------------------------------ */
/* report.c: building and freeing reports.                             */
/* ------------------------------------------------------------------ */
struct report *report_new(enum report_kind);
void	 report_free(struct report *);
struct stack *report_add_stack(struct report *, enum stack_role,
	    const char *label); /* NULL when FT_STACKS_MAX reached */
struct frame *stack_add_frame(struct stack *); /* NULL past FT_FRAMES_MAX */
void	 frame_release(struct frame *);
void	 report_set_attr(struct report *, const char *, const char *);
const char *report_attr(const struct report *, const char *);
void	 report_add_text(struct report *, const char *, size_t);
void	 report_set_missing(struct report *, const char *);
void	 report_add_rule(struct report *, const char *id, const char *fix);
const char *report_kind_name(enum report_kind);
enum report_kind report_kind_from_name(const char *);
const char *report_kind_family(enum report_kind); /* corpus .meta kinds */
const char *stack_role_name(enum stack_role);
const char *frame_class_name(enum frame_class);
const char *pc_kind_name(enum pc_kind);
const char *frame_source_name(enum frame_source);
const struct frame *report_culprit(const struct report *);

/* ------------------------------------------------------------------ */
/* source.c: reading a log as cleaned lines, bounded.                  */
/* ------------------------------------------------------------------ */
struct line {
	const char	*text;      /* cleaned: CI prefixes, ANSI, CR removed */
	size_t		 len;
	const char	*raw;       /* as read (cut at FT_LINE_MAX) */
	size_t		 raw_len;
	uint64_t	 number;    /* 1-based */
	uint64_t	 offset;    /* byte offset of the line in the source */
	uint64_t	 next;      /* byte offset just past its newline */
	const char	*channel;   /* interleave key from a prefix, or NULL */
	size_t		 channel_len;
	unsigned	 cut:1;     /* the line was longer than FT_LINE_MAX */
	unsigned	 binary:1;  /* NUL or control bytes were replaced */
	unsigned	 eof_partial:1; /* last line had no newline */
};

/*
 * Marks: the lines of a stretch of whole lines that may matter, as the
 * parser's sieve finds them (parse.h).  Offsets and line counts are from
 * the stretch's start.
 */
#define SIEVE_HEAD  1    /* marked by its head or length only */
#define SIEVE_BYTES 2    /* marked by something inside the line */
struct sieve_hit {
	uint32_t	 off;        /* where the line starts */
	uint32_t	 line;       /* newlines before it */
	uint32_t	 len;        /* its length, or 0 when not known */
	uint8_t		 why;        /* SIEVE_HEAD or SIEVE_BYTES */
};

/* Something that marks lines, run ahead of the reader (readahead.c). */
struct indexer {
	size_t	(*scan)(void *state, const char *, size_t, int what,
		    struct sieve_hit *, size_t max, size_t *done,
		    uint64_t *lines);   /* as sieve_scan_part() */
	void	(*free)(void *state);
	void	*state;
};

/* The marks of the lines that start in [from, to) of a source. */
struct line_marks {
	uint64_t	 from;
	uint64_t	 to;
	uint64_t	 from_line;  /* lines before from */
	uint64_t	 to_line;
	struct sieve_hit *hits;      /* offsets from 'from', lines from
				      * from_line, in order */
	size_t		 nhits;
	size_t		 cap;
	int		 what;       /* SIEVE_BYTES: heads are left to the
				      * reader; with SIEVE_HEAD: complete */
	char		*map;        /* the window they were found in, */
	size_t		 map_len;    /* for the reader to take, or NULL */
	uint64_t	 map_off;
};

struct source;
struct source *source_open(const char *path, char **cause); /* "-" = stdin */
struct source *source_fdopen(int fd, const char *name);
/* Returns 1 with a line, 0 at end of input, -1 on read error (cause). */
int	 source_next(struct source *, struct line *, char **cause);
int	 source_seek(struct source *, uint64_t offset, uint64_t line);
/* Where a source is, for the function that passes over noise. */
struct skip_at {
	const char	*buf;        /* the unread data */
	size_t		 n;
	uint64_t	 gen;        /* the same while buf's bytes stay put */
	uint64_t	 offset;     /* buf's offset in the source */
	uint64_t	 line;       /* lines before buf */
	const struct line_marks *marks; /* an indexer's, or NULL */
};

/*
 * Pass over lines nobody will look at: skip(arg, at, &lines) returns how
 * many bytes of whole lines at the start of at->buf to pass over, and
 * their number in lines (counted, not returned).  It must not pass over a
 * line longer than FT_LINE_MAX (those are cut).
 */
void	 source_set_skip(struct source *,
	    size_t (*skip)(void *, const struct skip_at *, uint64_t *),
	    void *arg);
/*
 * Let an indexer mark lines ahead of the reader, in a thread, when the
 * source is a big file and the machine has processors to spare (or
 * FTTRIAGE_READAHEAD says so).  The source owns ix from now on.
 */
void	 source_set_indexer(struct source *, const struct indexer *ix);
uint64_t source_skipped_lines(const struct source *);
/* How far the source has been read: the byte offset just past the last
 * line returned or passed over, and that line's number. */
uint64_t source_offset(const struct source *);
uint64_t source_line_number(const struct source *);
const char *source_name(const struct source *);
uint64_t source_cut_lines(const struct source *);
uint64_t source_binary_lines(const struct source *);
void	 source_close(struct source *);

/* map.c: windows of a file in memory; a shrinking file reads as NULs. */
void	*map_window(int fd, uint64_t offset, size_t len, int populate);
void	 map_release(void *, size_t);
void	 map_prefetch(int fd, uint64_t offset, size_t len);
unsigned map_lost_pages(void);
uint64_t map_granule(void);

/* readahead.c: an indexer in a thread, ahead of the reader. */
struct readahead;
struct readahead *readahead_start(int fd, const struct indexer *);
const struct line_marks *readahead_marks(struct readahead *, uint64_t off);
char	*readahead_window(struct readahead *, uint64_t off, uint64_t map_off,
	    size_t *len);
void	 readahead_free(struct readahead *);

/* clean.c: strip CI decoration from one line. */
size_t	 clean_line(const char *in, size_t len, char *out,
	    const char **channel, size_t *channel_len, int *binary);
size_t	 clean_timestamp_len(const char *, size_t);
size_t	 clean_channel_prefix(const char *, size_t, const char **channel,
	    size_t *channel_len);
int	 clean_failure_prefix(const char *, size_t);

/* ------------------------------------------------------------------ */
/* parse.c: log dialects -> reports (dispatch; one file per dialect).  */
/* ------------------------------------------------------------------ */
typedef void (*report_cb)(struct report *, void *arg); /* callee owns report */

/* A hook that turns a single line into an event report (rules.c). */
struct line_hook {
	/* Return a new RK_EVENT report for the line, or NULL. */
	struct report *(*match)(void *arg, const char *line, size_t len);
	void	*arg;
	/*
	 * Optional: 1 when no line rule can match this raw (uncleaned) line,
	 * so the scanner may pass over it without cleaning it.  NULL means
	 * every line must be shown to match().
	 */
	int	(*quiet)(void *arg, const char *raw, size_t len);
	/*
	 * With quiet: every line it does not call quiet contains one of
	 * these (ASCII case ignored), so the scanner can look for them in a
	 * whole block at once.  Valid while the hook is set.
	 */
	const char *const *literals;
	size_t	 nliterals;
};

struct parser;
struct parser *parser_new(const char *source_name, report_cb, void *arg);
void	 parser_set_line_hook(struct parser *, const struct line_hook *);
void	 parser_feed(struct parser *, const struct line *);
/* Pass over the leading lines of noise in buf[0..n): bytes, *lines. */
size_t	 parser_skip(void *parser, const struct skip_at *,
	    uint64_t *lines);
/* An indexer for the source that marks lines as this parser would. */
void	 parser_indexer(struct parser *, struct indexer *);
/* 1 when no stream has a report open or a fatal error waiting. */
int	 parser_idle(const struct parser *);
void	 parser_finish(struct parser *);      /* flush open reports */
void	 parser_free(struct parser *);
uint64_t parser_lines(const struct parser *);


/* ------------------------------------------------------------------ */
/* symbolize.c (+ elf.c, dwarf.c): frames -> functions, lines, inlines. */
/* ------------------------------------------------------------------ */
struct symbolizer;
struct symbolizer *symbolizer_new(void);
void	 symbolizer_free(struct symbolizer *);
void	 symbolizer_add_root(struct symbolizer *, const char *dir);
void	 symbolizer_add_debug_dir(struct symbolizer *, const char *dir);
/* Fill in what frames lack and expand inlines; returns frames resolved. */
int	 symbolize_report(struct symbolizer *, struct report *);

/* ------------------------------------------------------------------ */
/* classify.c, names.c: whose code a frame is; readable names.         */
/* ------------------------------------------------------------------ */
/* What a frame is to blame and to grouping (classify.c). */
enum frame_use {
	FU_CODE = 0,         /* code that can be at fault */
	FU_RUNTIME,          /* sanitizer runtime or interceptor */
	FU_LIBC,             /* libc, libpthread, ld.so, libstdc++ */
	FU_FATAL,            /* fatal-error / crash-reporting machinery */
	FU_HELPER,           /* inline refcount / atomic / type helper */
	FU_LOCK,             /* lock wrapper */
	FU_PLUMBING,         /* CPython call / eval / start-up machinery */
	FU_MEGA,             /* a mega-function: the eval loop */
	FU_NONAME,           /* unsymbolized: no function name */
	FU__COUNT
};
void	 classify_report(struct report *);   /* names, classes, packages, culprit */
void	 classify_frame(struct frame *);     /* cls and package of one frame */
enum frame_use frame_use(const struct frame *); /* after classify_frame */
const char *frame_use_name(enum frame_use);
int	 classify_primary_stack(const struct report *); /* -1 if none */
/* First frame not runtime, libc, refcount/atomic helper or fatal: 0/-1. */
int	 classify_top_frame(const struct report *, int *stack, int *frame);
char	*module_normalize(const char *);     /* "libfoo.so.1.2" -> "libfoo" */
char	*python_module_name(const char *file); /* ".../site-packages/a/b.py" -> "a.b" */
void	 names_report(struct report *);      /* readable names, raw kept */
char	*name_normalize(const char *);       /* caller frees; for grouping */
char	*name_demangle(const char *);        /* caller frees; NULL if not mangled */
char	*rust_v0_demangle(const char *);     /* names-rust.c; NULL if not v0 */

/* ------------------------------------------------------------------ */
/* fingerprint.c: the stable key of a report.                          */
/* ------------------------------------------------------------------ */
#define FP_ALGO_VERSION 1
char	*fingerprint_key(const struct report *);  /* readable; caller frees */
void	 fingerprint_report(struct report *);     /* sets r->fingerprint */
char	*fingerprint_explain(const struct report *); /* frames used/skipped, why */
uint64_t fingerprint_hash(const char *);          /* FNV-1a 64 of a key */

/* ------------------------------------------------------------------ */
/* rules.c (+ rules-apply.c, match.c, prefilter.c): known patterns,    */
/* fixes, line events; suppress.c: TSan suppression files.             */
/* ------------------------------------------------------------------ */
struct ruleset;
struct ruleset *ruleset_new(void);
/* Whether line rules of severity "note" (harmless messages) make event
 * reports; off by default, so a scan lists problems only. */
void	 ruleset_set_notes(struct ruleset *, int);
/* A new log begins: forget the report kinds seen in the previous one
 * (line rules with "unless-seen" judge one log at a time). */
void	 ruleset_begin_source(struct ruleset *);
/* Matches stopped by PCRE2's limits so far (each counted as no match). */
uint64_t regex_limit_hits(void);
void	 ruleset_free(struct ruleset *);
/* A file or a directory of *.rules; a later load replaces equal ids. */
int	 ruleset_load_path(struct ruleset *, const char *file_or_dir,
	    char **cause);
/* $FTTRIAGE_RULES_DIR, else the installed $(pkgdatadir)/rules; then the
 * site and user configuration rule directories. */
int	 ruleset_load_default(struct ruleset *, char **cause);
void	 rules_apply(struct ruleset *, struct report *);
const struct line_hook *ruleset_line_hook(struct ruleset *);

/* What matched rule i of a report is (strings owned by the ruleset). */
struct rule_info {
	const char	*id;
	const char	*title;
	const char	*severity;  /* "error", "warning", "note" */
	const char	*link;      /* the first documentation link */
	const char	*explain;
};
int	 rules_describe(const struct report *, size_t, struct rule_info *);

struct suppressions;
struct suppressions *suppressions_load(const char *path, char **cause);
void	 suppressions_free(struct suppressions *);
/* Set r->suppressed and r->suppressed_by when an entry silences r. */
int	 suppressions_apply(struct suppressions *, struct report *);
void	 suppressions_print_unused(struct suppressions *, FILE *);

/* ------------------------------------------------------------------ */
/* store.c: SQLite: sources, runs, reports, issues, triage state.      */
/* ------------------------------------------------------------------ */
/*
 * The interface is backend-neutral: nothing here is SQLite's, so another
 * backend (PostgreSQL for a fleet) can implement the same functions.
 */
enum issue_state {
	IS_NEW = 0,
	IS_KNOWN,
	IS_UPSTREAM,
	IS_FIXED,
	IS_IGNORED,
	IS__COUNT
};
const char *issue_state_name(enum issue_state);
int	 issue_state_from_name(const char *, enum issue_state *); /* 0/-1 */

/* One issue as read back from the store; strings owned by the struct. */
struct store_issue {
	int64_t		 id;
	char		*fingerprint;
	char		*fp_key;        /* readable key, or NULL */
	int		 fp_version;
	char		*kind;
	char		*title;
	char		*project;
	char		*culprit_function;
	char		*culprit_file;
	unsigned	 culprit_line;
	char		*culprit_module;
	char		*culprit_package;
	char		*culprit_class;
	int64_t		 first_seen;    /* unix seconds */
	int64_t		 last_seen;
	int64_t		 count;
	enum issue_state state;
	char		*note;
	int		 regression;
	char		*rules;         /* matched rule ids, space-separated */
};
void	 store_issue_release(struct store_issue *);

/* What "issues" lists; NULL / 0 / -1 fields do not filter. */
struct store_filter {
	const char	*project;
	int		 state;         /* enum issue_state, or -1 */
	int64_t		 since;         /* last seen at or after, or 0 */
};

/* One occurrence of an issue, for "show". */
struct store_occurrence {
	int64_t		 report_id;
	int64_t		 run_id;
	int64_t		 seen;          /* the run's start, unix seconds */
	const char	*source;
	uint64_t	 first_line, last_line;
	uint64_t	 first_byte, end_byte;
	long		 pid;
	const char	*test;          /* NULL when unknown */
};

struct store;
struct store_ingest;
/* The default database path ($FTTRIAGE_DB, else the XDG data dir); caller
 * frees.  NULL with cause when no home directory is known. */
char	*store_default_path(char **cause);
/* Open (creating and migrating) the store at path, or the default if NULL. */
struct store *store_open(const char *path, char **cause);
void	 store_close(struct store *);
const char *store_path(const struct store *);

/* A run: one invocation that ingests sources.  Returns 0/-1. */
int	 store_run_begin(struct store *, const char *command,
	    const char *project, char **cause);
int	 store_run_end(struct store *, char **cause);

/*
 * Ingesting one source is one transaction.  store_ingest_begin identifies
 * the source (path, device/inode, size, a hash of its head) and sets
 * *offset and *line to where an earlier ingest of the same content stopped
 * (0 for new or replaced content): a follower may seek there; a caller
 * that reads the whole source again may feed every report, and those that
 * start before *offset are skipped.  store_ingest_commit records how far
 * the source was read in the same transaction as its reports;
 * store_ingest_abort discards everything.  Both free the ingest.
 */
struct store_ingest *store_ingest_begin(struct store *, const char *path,
	    const char *project, uint64_t *offset, uint64_t *line,
	    char **cause);
int	 store_ingest_report(struct store_ingest *, struct report *,
	    char **cause);
int	 store_ingest_commit(struct store_ingest *, uint64_t offset,
	    uint64_t line, char **cause);
void	 store_ingest_abort(struct store_ingest *);
uint64_t store_ingest_added(const struct store_ingest *);

/* Browsing and triage.  Lists call cb once per row; 0/-1 with cause. */
int	 store_issues(struct store *, const struct store_filter *,
	    void (*cb)(const struct store_issue *, void *), void *,
	    char **cause);
/* 1 found (fills *out), 0 no such issue, -1 error. */
int	 store_issue_get(struct store *, int64_t id, struct store_issue *out,
	    char **cause);
int	 store_issue_occurrences(struct store *, int64_t id, unsigned limit,
	    void (*cb)(const struct store_occurrence *, void *), void *,
	    char **cause);
int	 store_issue_tests(struct store *, int64_t id, unsigned limit,
	    void (*cb)(const char *test, int64_t count, void *), void *,
	    char **cause);
/* The newest sample: its text as logged and its stacks as rendered after
 * symbolization (caller frees both; NULL when none was kept). */
int	 store_issue_sample(struct store *, int64_t id, char **text,
	    char **stacks, char **cause);
/* 1 done, 0 no such issue, -1 error.  note may be NULL (cleared). */
int	 store_issue_set_state(struct store *, int64_t id, enum issue_state,
	    const char *note, char **cause);
/* Rows in a table ("issues", "reports", ...) for tests; -1 on error. */
int64_t	 store_count(struct store *, const char *table, char **cause);

/* project.c: which project a log belongs to (config "project NAME GLOB"). */
struct project_map;
/* Load path (or the default config if NULL; a missing default is empty). */
struct project_map *project_map_load(const char *path, char **cause);
void	 project_map_free(struct project_map *);
/* The project for a source path, or NULL; owned by the map. */
const char *project_map_find(const struct project_map *, const char *path);

/* store.c, queries for summaries (0 or -1 with cause). */
int	 store_summary_runs(struct store *, const char *project,
	    int64_t *last_id, int64_t *last_started, int64_t *previous_started,
	    char **cause);
int	 store_issue_in_run(struct store *, int64_t issue_id, int64_t run_id,
	    int *first, int *seen, char **cause);
int	 store_run_news(struct store *, int64_t *fresh, int64_t *regressions,
	    char **cause);

/* store.c, for the watcher: a source known by its open file, not its path. */
struct store_ingest *store_ingest_begin_fd(struct store *, const char *path,
	    int fd, const char *project, int fresh, uint64_t *offset,
	    uint64_t *line, char **cause);
/* A deleted file's rows stop naming its inode (by path, or dev/inode). */
int	 store_source_forget(struct store *, const char *path, uint64_t dev,
	    uint64_t ino, char **cause);

/* ------------------------------------------------------------------ */
/* config.c: the configuration file (fttriage.conf(5)).                */
/* ------------------------------------------------------------------ */
struct config {
	char		*path;        /* the file read, or NULL for none */
	char		**watch;      /* directories to follow */
	size_t		 nwatch;
	char		**symbols;    /* symbol search roots */
	size_t		 nsymbols;
	char		**rules;      /* rule files or directories */
	size_t		 nrules;
	char		**ignore;     /* file name globs not followed */
	size_t		 nignore;
	char		*store;       /* database path, or NULL for the default */
	unsigned	 idle_ms;     /* a quiet file's open report is closed */
	int		 log_level;   /* enum log_level, or -1 if not set */
	struct project_map *projects;
};
/* The default configuration path (caller frees); NULL with no home. */
char	*config_default_path(void);
/* Read path (or the default, where a missing file is empty); NULL with
 * cause "file:line: message" on the first bad line. */
struct config *config_load(const char *path, char **cause);
void	 config_free(struct config *);
/* Is word a directive of the configuration file? */
int	 config_known_directive(const char *word);
/* Does the base name of path match an "ignore" glob? */
int	 config_ignored(const struct config *, const char *path);

/* ------------------------------------------------------------------ */
/* watch.c, follow.c: the daemon that follows log directories.         */
/* ------------------------------------------------------------------ */
struct watcher;
struct watch_opts {
	struct store		*store;
	const struct config	*config;
	struct symbolizer	*symbolizer; /* the symbolize stage */
	struct ruleset		*rules;     /* the rules stage, or NULL */
	const char		*project;   /* --project, overrides mapping */
	int			 once;      /* read what is there, then stop */
};
struct watcher *watcher_new(const struct watch_opts *, char **cause);
void	 watcher_free(struct watcher *);
/* Follow dir and the directories created under it later; 0/-1. */
int	 watcher_add_dir(struct watcher *, const char *dir, char **cause);
/* The configuration changed (SIGHUP): mappings, ignore globs, idle time,
 * symbol roots, rules.  The caller keeps them alive and frees the old ones
 * after this returns. */
void	 watcher_set_config(struct watcher *, const struct config *,
	    struct symbolizer *, struct ruleset *);
/*
 * Run until *stop is set (or, with once, until everything is read).
 * Signals in 'unblock' are let in only while waiting, so a handler never
 * interrupts a transaction; *hup set means reload() is called between
 * transactions.  Returns 0, or -1 with cause on a fatal error.
 */
int	 watcher_run(struct watcher *, volatile sig_atomic_t *stop,
	    volatile sig_atomic_t *hup, void (*reload)(void *), void *arg,
	    const sigset_t *unblock, char **cause);

/* ------------------------------------------------------------------ */
/* stages.c: what every report goes through between parser and sinks. */
/* ------------------------------------------------------------------ */
struct stages {
	struct symbolizer	*sym;     /* NULL: frames stay as printed */
	struct suppressions	*supp;    /* NULL: no suppressions file */
	struct ruleset		*rules;   /* NULL: no rules */
};
void	 stages_run(const struct stages *, struct report *);

#endif /* FTTRIAGE_H */
