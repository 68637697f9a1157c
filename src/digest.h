/*
 * digest.h: issues as the summary renderers see them.
 *
 * The last sinks of the pipeline (SARIF, GitHub annotations, JUnit,
 * Markdown, the summary's text and JSON) render issues, not single
 * reports.  A digest is that set of issues: built by "scan" from the
 * reports of one run, one issue per distinct fingerprint (digest.c), or by
 * "summary" from the store (cmd-summary.c).  Every string in a digest is
 * owned by it and may be untrusted log text: each renderer escapes it for
 * its own format.
 */
#ifndef FTTRIAGE_DIGEST_H
#define FTTRIAGE_DIGEST_H

#include <stdio.h>

#include "emit.h"

/* Whose code an issue points at. */
enum digest_owner {
	DO_PROJECT = 0,      /* the project's own extension or tests */
	DO_CPYTHON,          /* the interpreter or a stdlib extension */
	DO_DEPENDENCY,       /* another extension or library */
	DO_ENVIRONMENT,      /* runtime, libc, the machine (ASLR, mappings) */
	DO_UNKNOWN,          /* nothing to go by */
	DO__COUNT
};

/* How the gate of --fail-on decides. */
enum digest_gate {
	DG_NEVER = 0,
	DG_ANY,              /* any issue */
	DG_NEW               /* an issue new in this run, or a regression */
};

struct digest_rule {
	char		*id;
	char		*title;
	char		*severity;   /* "error", "warning", "note" */
	char		*fix;        /* NULL when the rule gives none */
	char		*link;
	char		*explain;
};

struct digest_test {
	char		*name;
	int64_t		 count;
};

struct digest_issue {
	int64_t		 id;          /* store id; 0 for a scan */
	char		*fingerprint;
	char		*kind;        /* report_kind_name */
	char		*title;
	char		*project;     /* NULL when not known */
	char		*state;       /* "new", "known"...; NULL: scan */
	enum digest_owner owner;

	char		*function;    /* the culprit frame (may be NULL) */
	char		*file;
	unsigned	 line;
	char		*module;
	char		*package;
	char		*cls;         /* frame_class_name of the culprit */

	/* Where to point: the culprit, else the first frame with a file,
	 * else the log line. */
	char		*loc_file;
	unsigned	 loc_line;

	int64_t		 count;       /* occurrences */
	int64_t		 first_seen;  /* unix seconds, 0 if not known */
	int64_t		 last_seen;
	int		 is_new;      /* first seen in the latest run */
	int		 regression;  /* seen again after it was fixed */

	struct digest_test *tests;
	size_t		 ntests;
	struct digest_rule *rules;
	size_t		 nrules;
	char		*suppression; /* a TSan suppression line, or NULL */
	char		*sample;      /* one stack as text, or NULL */
};

struct digest {
	char		*project;     /* NULL: every project */
	int64_t		 generated;   /* unix seconds */
	int64_t		 last_run;    /* latest run's start, 0 if none */
	int64_t		 previous_run;/* the run before it, 0 if none */
	int		 from_store;  /* seen times and states known */
	uint64_t	 dropped;     /* reports past DIGEST_ISSUES_MAX */
	struct digest_issue *issues;
	size_t		 nissues;
	size_t		 cap;

	/* Fingerprint -> issue, for the scan: open addressing, slots hold
	 * an issue's index + 1 (0 is empty); rebuilt when stale. */
	size_t		*slots;
	size_t		 nslots;
	int		 slots_stale;
};

#define DIGEST_TESTS_MAX 20   /* tests kept per issue */
#define DIGEST_ISSUES_MAX 25000   /* code scanning takes 25000 results a run */

/* digest.c */
struct digest *digest_new(const char *project);
void	 digest_free(struct digest *);
/* A new, zeroed issue at the end of the digest (NULL past the maximum). */
struct digest_issue *digest_add(struct digest *);
/* Count a report into the issue of its fingerprint (scan). */
void	 digest_add_report(struct digest *, const struct report *);
void	 digest_issue_add_test(struct digest_issue *, const char *,
	    int64_t count);
void	 digest_issue_add_rule(struct digest_issue *, const char *id,
	    const char *title, const char *severity, const char *fix,
	    const char *link, const char *explain);
/* Owner from culprit class and package; needs kind, cls, package. */
enum digest_owner digest_owner_of(const char *kind, const char *cls,
	    const char *package, const char *file, const char *project);
const char *digest_owner_name(enum digest_owner);   /* "project", ... */
const char *digest_owner_title(enum digest_owner);  /* "This project's code" */
/* The suppression line for an issue of kind with function; caller frees. */
char	*digest_suppression(const char *kind, const char *function);
/* Sort by owner, then new/regressions first, then most occurrences. */
void	 digest_sort(struct digest *);
size_t	 digest_count_new(const struct digest *);
size_t	 digest_count_regressions(const struct digest *);
/* 1 when the gate fails the run. */
int	 digest_gate_fails(const struct digest *, enum digest_gate);
int	 digest_gate_from_name(const char *, enum digest_gate *); /* 0/-1 */
/* Triaged as known, upstream or ignored; marked fixed and not seen since. */
int	 digest_triaged(const struct digest_issue *);
int	 digest_fixed(const struct digest_issue *);
/* Level of an issue for CI: "error", "warning" or "note". */
const char *digest_level(const struct digest_issue *);
/* A copy of untrusted text with control characters (C0, DEL, C1 and
 * invalid UTF-8) replaced: tab by a space, the rest dropped or U+FFFD. */
char	*digest_clean(const char *);
/* A path relative to $GITHUB_WORKSPACE when under it (points into path). */
const char *digest_repo_path(const char *);

/* The scan's digest, for the whole-document formats in the format table. */
void	 emit_digest_start(FILE *, const struct emit_opts *);
void	 emit_digest_report(FILE *, const struct report *,
	    const struct emit_opts *);
struct digest *emit_digest_take(void);   /* caller frees */

/* Renderers of a whole digest: emit-sarif.c, emit-github.c, emit-junit.c,
 * emit-markdown.c, emit-summary.c (text and JSON). */
void	 sarif_render(FILE *, const struct digest *);
void	 github_render(FILE *, const struct digest *);
void	 junit_render(FILE *, const struct digest *);
void	 markdown_render(FILE *, const struct digest *);
void	 summary_text_render(FILE *, const struct digest *, int color);
void	 summary_json_render(FILE *, const struct digest *);

/* The finish callbacks of the scan formats. */
void	 emit_sarif_finish(FILE *, const struct emit_opts *);
void	 emit_github_finish(FILE *, const struct emit_opts *);
void	 emit_junit_finish(FILE *, const struct emit_opts *);
void	 emit_markdown_finish(FILE *, const struct emit_opts *);

#endif
