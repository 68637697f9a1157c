/*
 * digest.c: a set of issues for the summary renderers.
 *
 * The last stage before the CI-facing sinks.  "scan" folds the reports of
 * one run into one issue per distinct fingerprint here (counts, tests,
 * matched rules, a suppression line, one sample stack); "summary" fills a
 * digest from the store instead.  This file also holds what every renderer
 * shares: whose code an issue is, the TSan suppression line that fits its
 * kind, the gate of --fail-on, and cleaning of untrusted text.  A report a
 * suppressions file silences is not an issue to act on and is left out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

#define SAMPLE_FRAMES 16

static const char *const owner_names[DO__COUNT] = {
	"project", "cpython", "dependency", "environment", "unknown"
};
static const char *const owner_titles[DO__COUNT] = {
	"This project's code", "CPython", "Other dependencies",
	"The environment", "Not attributed"
};

/* Create an empty digest for project (NULL: all projects). */
struct digest *
digest_new(const char *project)
{
	struct digest	*d;

	d = xcalloc(1, sizeof *d);
	d->project = project != NULL ? xstrdup(project) : NULL;
	d->generated = (int64_t)time(NULL);
	return d;
}

static void
issue_release(struct digest_issue *is)
{
	size_t	i;

	free(is->fingerprint);
	free(is->kind);
	free(is->title);
	free(is->project);
	free(is->state);
	free(is->function);
	free(is->file);
	free(is->module);
	free(is->package);
	free(is->cls);
	free(is->loc_file);
	for (i = 0; i < is->ntests; i++)
		free(is->tests[i].name);
	free(is->tests);
	for (i = 0; i < is->nrules; i++) {
		free(is->rules[i].id);
		free(is->rules[i].title);
		free(is->rules[i].severity);
		free(is->rules[i].fix);
		free(is->rules[i].link);
		free(is->rules[i].explain);
	}
	free(is->rules);
	free(is->suppression);
	free(is->sample);
}

/* Free a digest and every string in it; NULL does nothing. */
void
digest_free(struct digest *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nissues; i++)
		issue_release(&d->issues[i]);
	free(d->issues);
	free(d->slots);
	free(d->project);
	free(d);
}

/* Append a zeroed issue, owned by the digest; NULL past the maximum. */
struct digest_issue *
digest_add(struct digest *d)
{
	struct digest_issue *is;

	if (d->nissues >= DIGEST_ISSUES_MAX) {
		d->dropped++;
		return NULL;
	}
	if (d->nissues == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->issues = xreallocarray(d->issues, d->cap, sizeof *d->issues);
	}
	is = &d->issues[d->nissues++];
	memset(is, 0, sizeof *is);
	return is;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Count a test into an issue; the first DIGEST_TESTS_MAX are kept. */
void
digest_issue_add_test(struct digest_issue *is, const char *name,
    int64_t count)
{
	size_t	i;

	if (name == NULL)
		return;
	for (i = 0; i < is->ntests; i++) {
		if (strcmp(is->tests[i].name, name) == 0) {
			is->tests[i].count += count;
			return;
		}
	}
	if (is->ntests >= DIGEST_TESTS_MAX)
		return;
	is->tests = xreallocarray(is->tests, is->ntests + 1,
	    sizeof *is->tests);
	is->tests[is->ntests].name = xstrdup(name);
	is->tests[is->ntests].count = count;
	is->ntests++;
}

/* Add a matched rule to an issue unless it is there already. */
void
digest_issue_add_rule(struct digest_issue *is, const char *id,
    const char *title, const char *severity, const char *fix,
    const char *link, const char *explain)
{
	struct digest_rule *dr;
	size_t		 i;

	for (i = 0; i < is->nrules; i++)
		if (strcmp(is->rules[i].id, id) == 0)
			return;
	is->rules = xreallocarray(is->rules, is->nrules + 1,
	    sizeof *is->rules);
	dr = &is->rules[is->nrules++];
	dr->id = xstrdup(id);
	dr->title = dup_or_null(title);
	dr->severity = dup_or_null(severity);
	dr->fix = dup_or_null(fix);
	dr->link = dup_or_null(link);
	dr->explain = dup_or_null(explain);
}

/* Package and project names compare as Python normalises them: case,
 * "-" and "_" alike, leading underscores of a private module dropped. */
static int
same_name(const char *a, const char *b)
{
	int	x, y;

	while (*a == '_')
		a++;
	while (*b == '_')
		b++;
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		x = *a == '-' ? '_' : (*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
		y = *b == '-' ? '_' : (*b >= 'A' && *b <= 'Z' ? *b + 32 : *b);
		if (x != y)
			return 0;
	}
	return *a == '\0' && *b == '\0';
}

/* A source file in a directory named for the project ("/numpy/"): a
 * checkout of it, as CI runners lay them out. */
static int
in_project(const char *file, const char *project)
{
	const char	*p;
	size_t		 n;

	if (file == NULL || project == NULL || (n = strlen(project)) == 0)
		return 0;
	for (p = file; (p = strchr(p, '/')) != NULL; p++)
		if (strncmp(p + 1, project, n) == 0 && p[1 + n] == '/')
			return 1;
	return 0;
}

/*
 * Whose code: the culprit's class decides; an extension is the project's
 * when its package is the project (or no project is named, or its source
 * lies in a directory named for the project), a Python frame when its file
 * lies outside site-packages and CPython's library, an unclassified module
 * when its source is not in a system directory.  Environment failures are the
 * environment's whatever the frames say.
 */
enum digest_owner
digest_owner_of(const char *kind, const char *cls, const char *package,
    const char *file, const char *project)
{
	if (kind != NULL && strcmp(kind, "tsan-environment") == 0)
		return DO_ENVIRONMENT;
	if (cls == NULL || strcmp(cls, "unknown") == 0) {
		/*
		 * A module nothing classified: built sources of the project
		 * itself (a test program, a vendored library) unless they lie
		 * in a system directory.
		 */
		if (in_project(file, project) || (kind != NULL &&
		    (strcmp(kind, "build-error") == 0 ||
		    strcmp(kind, "event") == 0)))
			return DO_PROJECT;
		if (file != NULL && !str_startswith(file, "/usr/") &&
		    !str_startswith(file, "/opt/") &&
		    !str_startswith(file, "/lib"))
			return DO_PROJECT;
		return DO_UNKNOWN;
	}
	if (strcmp(cls, "extension") == 0) {
		if (project == NULL || package == NULL ||
		    same_name(package, project) || in_project(file, project))
			return DO_PROJECT;
		return DO_DEPENDENCY;
	}
	if (strcmp(cls, "python") == 0) {
		if (file != NULL && strstr(file, "/lib/python") != NULL &&
		    strstr(file, "site-packages") == NULL)
			return DO_CPYTHON;
		if (file != NULL && strstr(file, "site-packages/") != NULL &&
		    project != NULL && package != NULL &&
		    strcmp(package, project) != 0)
			return DO_DEPENDENCY;
		return DO_PROJECT;
	}
	if (strcmp(cls, "interpreter") == 0 ||
	    strcmp(cls, "stdlib-extension") == 0)
		return DO_CPYTHON;
	if (strcmp(cls, "library") == 0)
		return DO_DEPENDENCY;
	if (strcmp(cls, "libc") == 0 || strcmp(cls, "sanitizer") == 0)
		return DO_ENVIRONMENT;
	return DO_UNKNOWN;
}

/* The stable name of an owner, for JSON and SARIF properties. */
const char *
digest_owner_name(enum digest_owner o)
{
	return (unsigned)o < DO__COUNT ? owner_names[o] : "unknown";
}

/* A heading for an owner's group. */
const char *
digest_owner_title(enum digest_owner o)
{
	return (unsigned)o < DO__COUNT ? owner_titles[o] : "Not attributed";
}

/*
 * The suppression type that fits a kind: races by their top frame, leaks
 * by the function that created the thread, lock-order inversions as
 * deadlocks, signal-unsafe calls and a spoiled errno as signals, mutex
 * misuse as mutexes.  Events, build errors and crashes have no TSan
 * suppression.
 */
static const char *
suppression_type(const char *kind)
{
	static const struct {
		const char	*kind;
		const char	*type;
	} map[] = {
		{ "tsan-data-race",		"race_top" },
		{ "tsan-data-race-vptr",	"race_top" },
		{ "tsan-heap-use-after-free",	"race_top" },
		{ "tsan-external-race",		"race_top" },
		{ "tsan-thread-leak",		"thread" },
		{ "tsan-lock-order-inversion",	"deadlock" },
		{ "tsan-signal-unsafe-call",	"signal" },
		{ "tsan-signal-errno",		"signal" },
		{ "tsan-mutex-destroy-locked",	"mutex" },
		{ "tsan-mutex-double-lock",	"mutex" },
		{ "tsan-mutex-invalid",		"mutex" },
		{ "tsan-mutex-bad-unlock",	"mutex" },
		{ "tsan-mutex-bad-read-lock",	"mutex" },
		{ "tsan-mutex-bad-read-unlock",	"mutex" },
	};
	size_t	i;

	for (i = 0; i < nitems(map); i++)
		if (strcmp(map[i].kind, kind) == 0)
			return map[i].type;
	return NULL;
}

/*
 * "race_top:get_cache" for a data race in get_cache; NULL when the kind
 * has no suppression or the function is not known.  The function is
 * untrusted: anything that would end or comment the line is refused.
 */
char *
digest_suppression(const char *kind, const char *function)
{
	const char	*type, *p;
	char		*line;

	if (kind == NULL || function == NULL || *function == '\0')
		return NULL;
	if ((type = suppression_type(kind)) == NULL)
		return NULL;
	for (p = function; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '#')
			return NULL;
	xasprintf(&line, "%s:%s", type, function);
	return line;
}

/* The function that created a leaked thread: first frame of the creation
 * stack that is not the runtime or libc. */
static const char *
creation_function(const struct report *r)
{
	const struct stack *st;
	size_t		 i, j;

	for (i = 0; i < r->nstacks; i++) {
		st = &r->stacks[i];
		if (st->role != SR_THREAD_CREATION)
			continue;
		for (j = 0; j < st->nframes; j++) {
			if (st->frames[j].cls == FC_SANITIZER ||
			    st->frames[j].cls == FC_LIBC ||
			    st->frames[j].function == NULL)
				continue;
			return st->frames[j].function;
		}
	}
	return NULL;
}

/* The stack to show and to point into: the culprit's, else the first. */
static const struct stack *
main_stack(const struct report *r)
{
	if (r->culprit_stack >= 0 && (size_t)r->culprit_stack < r->nstacks)
		return &r->stacks[r->culprit_stack];
	return r->nstacks > 0 ? &r->stacks[0] : NULL;
}

static char *
render_stack(const struct stack *st)
{
	struct buf	 b;
	const struct frame *f;
	size_t		 i;

	buf_init(&b, 16384);
	if (st->label != NULL)
		buf_printf(&b, "%s\n", st->label);
	for (i = 0; i < st->nframes && i < SAMPLE_FRAMES; i++) {
		f = &st->frames[i];
		buf_printf(&b, "  #%u %s", f->index,
		    f->function != NULL ? f->function : "<null>");
		if (f->file != NULL) {
			buf_printf(&b, " %s", f->file);
			if (f->line > 0)
				buf_printf(&b, ":%u", f->line);
		}
		if (f->module != NULL)
			buf_printf(&b, " (%s+0x%llx)", f->module,
			    (unsigned long long)f->offset);
		buf_adds(&b, "\n");
	}
	if (st->nframes > SAMPLE_FRAMES)
		buf_printf(&b, "  ... %zu more frame(s)\n",
		    st->nframes - SAMPLE_FRAMES);
	return buf_detach(&b);
}

/* Fill a new issue from the first report of its fingerprint. */
static void
issue_from_report(struct digest_issue *is, const struct report *r,
    const char *project)
{
	const struct frame *f = report_culprit(r), *g;
	const struct stack *st = main_stack(r);
	const char	*fn;
	size_t		 i, j;

	is->fingerprint = xstrdup(r->fingerprint != NULL ? r->fingerprint :
	    "none");
	is->kind = xstrdup(report_kind_name(r->kind));
	is->title = xstrdup(r->title != NULL ? r->title :
	    report_kind_name(r->kind));
	is->project = dup_or_null(project);
	if (f != NULL) {
		is->function = dup_or_null(f->function);
		is->file = dup_or_null(f->file);
		is->line = f->line;
		is->module = dup_or_null(f->module);
		is->package = dup_or_null(f->package);
		is->cls = xstrdup(frame_class_name(f->cls));
	}
	is->owner = digest_owner_of(is->kind, is->cls, is->package,
	    is->file, project);

	/* Where to point: the culprit, else the first frame with a file. */
	g = (f != NULL && f->file != NULL) ? f : NULL;
	for (i = 0; g == NULL && st != NULL && i < st->nframes; i++)
		if (st->frames[i].file != NULL)
			g = &st->frames[i];
	for (i = 0; g == NULL && i < r->nstacks; i++)
		for (j = 0; g == NULL && j < r->stacks[i].nframes; j++)
			if (r->stacks[i].frames[j].file != NULL)
				g = &r->stacks[i].frames[j];
	if (g != NULL) {
		is->loc_file = xstrdup(g->file);
		is->loc_line = g->line;
	} else if (r->origin.path != NULL) {
		is->loc_file = xstrdup(r->origin.path);
		is->loc_line = (unsigned)r->origin.first_line;
	}

	fn = is->function;
	if (r->kind == RK_TSAN_THREAD_LEAK && creation_function(r) != NULL)
		fn = creation_function(r);
	is->suppression = digest_suppression(is->kind, fn);
	if (st != NULL)
		is->sample = render_stack(st);
}

/* Put issue i into the fingerprint index. */
static void
index_put(struct digest *d, size_t i)
{
	size_t	h;

	h = (size_t)fingerprint_hash(d->issues[i].fingerprint) &
	    (d->nslots - 1);
	while (d->slots[h] != 0)
		h = (h + 1) & (d->nslots - 1);
	d->slots[h] = i + 1;
}

/* Keep the index at most half full and in step with the issues. */
static void
index_grow(struct digest *d)
{
	size_t	i;

	if (!d->slots_stale && d->nslots > 2 * (d->nissues + 1))
		return;
	while (d->nslots <= 2 * (d->nissues + 1))
		d->nslots = d->nslots == 0 ? 64 : d->nslots * 2;
	free(d->slots);
	d->slots = xcalloc(d->nslots, sizeof *d->slots);
	for (i = 0; i < d->nissues; i++)
		index_put(d, i);
	d->slots_stale = 0;
}

/* The issue of a fingerprint, or NULL. */
static struct digest_issue *
index_find(struct digest *d, const char *fp)
{
	size_t	h;

	h = (size_t)fingerprint_hash(fp) & (d->nslots - 1);
	for (; d->slots[h] != 0; h = (h + 1) & (d->nslots - 1))
		if (strcmp(d->issues[d->slots[h] - 1].fingerprint, fp) == 0)
			return &d->issues[d->slots[h] - 1];
	return NULL;
}

/* Count one report of a scan into the issue of its fingerprint. */
void
digest_add_report(struct digest *d, const struct report *r)
{
	struct digest_issue *is = NULL;
	struct rule_info ri;
	const char	*fp;
	size_t		 i;

	if (r->suppressed)
		return;
	fp = r->fingerprint != NULL ? r->fingerprint : "none";
	index_grow(d);
	if ((is = index_find(d, fp)) == NULL) {
		if ((is = digest_add(d)) == NULL)
			return;
		issue_from_report(is, r, d->project);
		index_put(d, d->nissues - 1);
	}
	is->count++;
	digest_issue_add_test(is, r->test, 1);
	for (i = 0; i < r->nrules; i++) {
		if (rules_describe(r, i, &ri) == 0)
			digest_issue_add_rule(is, ri.id, ri.title, ri.severity,
			    r->fixes != NULL ? r->fixes[i] : NULL, ri.link,
			    ri.explain);
		else
			digest_issue_add_rule(is, r->rules[i], NULL, NULL,
			    r->fixes != NULL ? r->fixes[i] : NULL, NULL, NULL);
	}
}

static int
issue_cmp(const void *a, const void *b)
{
	const struct digest_issue *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if ((x->is_new || x->regression) != (y->is_new || y->regression))
		return (x->is_new || x->regression) ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->fingerprint, y->fingerprint);
}

/* Order issues by owner, then new ones first, then by occurrences. */
void
digest_sort(struct digest *d)
{
	if (d->nissues > 1)
		qsort(d->issues, d->nissues, sizeof *d->issues, issue_cmp);
	d->slots_stale = 1;
}

/* Issues first seen in the latest run. */
size_t
digest_count_new(const struct digest *d)
{
	size_t	i, n = 0;

	for (i = 0; i < d->nissues; i++)
		n += d->issues[i].is_new != 0;
	return n;
}

/* Issues seen again after they were marked fixed. */
size_t
digest_count_regressions(const struct digest *d)
{
	size_t	i, n = 0;

	for (i = 0; i < d->nissues; i++)
		n += d->issues[i].regression != 0;
	return n;
}

/* Parse a --fail-on value; 0, or -1 when it is not one. */
int
digest_gate_from_name(const char *s, enum digest_gate *g)
{
	if (strcmp(s, "never") == 0)
		*g = DG_NEVER;
	else if (strcmp(s, "any") == 0)
		*g = DG_ANY;
	else if (strcmp(s, "new") == 0)
		*g = DG_NEW;
	else
		return -1;
	return 0;
}

/* 1 when the digest fails the gate: any issue, or a new one or a
 * regression.  Issues triaged as known, upstream or ignored, and fixed
 * ones that have not come back (a regression is "new" again), never do. */
int
digest_gate_fails(const struct digest *d, enum digest_gate g)
{
	const struct digest_issue *is;
	size_t	i;

	for (i = 0; i < d->nissues; i++) {
		is = &d->issues[i];
		if (digest_triaged(is) || digest_fixed(is))
			continue;
		if (g == DG_ANY)
			return 1;
		if (g == DG_NEW && (is->is_new || is->regression))
			return 1;
	}
	return 0;
}

/* 1 when an issue was triaged as known, upstream or ignored. */
int
digest_triaged(const struct digest_issue *is)
{
	return is->state != NULL && (strcmp(is->state, "known") == 0 ||
	    strcmp(is->state, "upstream") == 0 ||
	    strcmp(is->state, "ignored") == 0);
}

/* 1 when an issue is marked fixed and has not come back since. */
int
digest_fixed(const struct digest_issue *is)
{
	return is->state != NULL && strcmp(is->state, "fixed") == 0;
}

/* "error" for races and crashes, a rule's own severity when it has one. */
const char *
digest_level(const struct digest_issue *is)
{
	size_t	i;

	for (i = 0; i < is->nrules; i++)
		if (is->rules[i].severity != NULL)
			return is->rules[i].severity;
	if (strcmp(is->kind, "event") == 0)
		return "warning";
	return "error";
}

/* Length of a valid UTF-8 sequence at s, 0 if invalid; *cp set. */
static size_t
utf8_seq(const unsigned char *s, unsigned *cp)
{
	size_t	 n, i;
	unsigned c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * A clean copy of untrusted text (caller frees): tab becomes a space,
 * newline stays, other C0 and C1 controls, DEL and the non-characters
 * U+FFFE/U+FFFF go, invalid UTF-8 becomes U+FFFD.  What is left is valid
 * UTF-8 that XML 1.0 accepts and a terminal does not obey.
 */
char *
digest_clean(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf	 b;
	unsigned	 cp;
	size_t		 n;

	buf_init(&b, FT_REPORT_TEXT_MAX);
	if (s == NULL)
		return buf_detach(&b);
	while (*u != '\0') {
		if ((n = utf8_seq(u, &cp)) == 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			u++;
			continue;
		}
		if (cp == '\t')
			buf_addc(&b, ' ');
		else if (cp == '\n')
			buf_addc(&b, '\n');
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    cp == 0xfffe || cp == 0xffff)
			; /* dropped */
		else
			buf_add(&b, u, n);
		u += n;
	}
	return buf_detach(&b);
}

/* A path relative to $GITHUB_WORKSPACE when it lies under it, else the
 * path itself (a pointer into it). */
const char *
digest_repo_path(const char *path)
{
	const char	*ws = getenv("GITHUB_WORKSPACE");
	size_t		 n;

	if (ws == NULL || *ws == '\0')
		return path;
	n = strlen(ws);
	while (n > 1 && ws[n - 1] == '/')
		n--;
	if (strncmp(path, ws, n) == 0 && path[n] == '/' && path[n + 1] != '\0')
		return path + n + 1;
	return path;
}

/* ---- the scan's digest ---------------------------------------------- */

static struct digest *scan_digest;

/* Format table start: a new digest for the reports of this scan. */
void
emit_digest_start(FILE *fp, const struct emit_opts *o)
{
	(void)fp;
	digest_free(scan_digest);
	scan_digest = digest_new(o != NULL ? o->project : NULL);
}

/* Format table report: fold the report in; nothing is written yet. */
void
emit_digest_report(FILE *fp, const struct report *r,
    const struct emit_opts *o)
{
	(void)fp;
	if (scan_digest == NULL)
		emit_digest_start(fp, o);
	digest_add_report(scan_digest, r);
}

/* Hand the scan's digest over, sorted; the caller frees it. */
struct digest *
emit_digest_take(void)
{
	struct digest	*d = scan_digest;

	scan_digest = NULL;
	if (d == NULL)
		d = digest_new(NULL);
	if (d->dropped > 0)
		log_msg(LOG_LVL_WARN, "more than %d distinct issues: %llu "
		    "report(s) of the others are left out", DIGEST_ISSUES_MAX,
		    (unsigned long long)d->dropped);
	digest_sort(d);
	return d;
}
