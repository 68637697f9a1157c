/*
 * report.c: building, naming and freeing reports.
 *
 * The parsers create reports here; every later stage reads them and adds
 * what it knows (symbols, classes, fingerprint, rules).  The name tables are
 * the stable strings of the JSON schema.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"

static const struct {
	enum report_kind kind;
	const char	*name;
	const char	*family;   /* the corpus .meta vocabulary */
} kind_table[] = {
	{ RK_UNKNOWN,			"unknown",			"other" },
	{ RK_TSAN_DATA_RACE,		"tsan-data-race",		"tsan-data-race" },
	{ RK_TSAN_DATA_RACE_VPTR,	"tsan-data-race-vptr",		"tsan-data-race" },
	{ RK_TSAN_HEAP_USE_AFTER_FREE,	"tsan-heap-use-after-free",	"tsan-heap-use-after-free" },
	{ RK_TSAN_EXTERNAL_RACE,	"tsan-external-race",		"tsan-data-race" },
	{ RK_TSAN_THREAD_LEAK,		"tsan-thread-leak",		"tsan-thread-leak" },
	{ RK_TSAN_LOCK_ORDER_INVERSION,	"tsan-lock-order-inversion",	"tsan-other" },
	{ RK_TSAN_SIGNAL_UNSAFE_CALL,	"tsan-signal-unsafe-call",	"tsan-other" },
	{ RK_TSAN_SIGNAL_ERRNO,		"tsan-signal-errno",		"tsan-other" },
	{ RK_TSAN_MUTEX_DESTROY_LOCKED,	"tsan-mutex-destroy-locked",	"tsan-other" },
	{ RK_TSAN_MUTEX_DOUBLE_LOCK,	"tsan-mutex-double-lock",	"tsan-other" },
	{ RK_TSAN_MUTEX_INVALID,	"tsan-mutex-invalid",		"tsan-other" },
	{ RK_TSAN_MUTEX_BAD_UNLOCK,	"tsan-mutex-bad-unlock",	"tsan-other" },
	{ RK_TSAN_MUTEX_BAD_READ_LOCK,	"tsan-mutex-bad-read-lock",	"tsan-other" },
	{ RK_TSAN_MUTEX_BAD_READ_UNLOCK,"tsan-mutex-bad-read-unlock",	"tsan-other" },
	{ RK_TSAN_MUTEX_WRONG_CONTEXT,	"tsan-mutex-wrong-context",	"tsan-other" },
	{ RK_TSAN_SEGV,			"tsan-segv",			"tsan-other" },
	{ RK_TSAN_CHECK_FAILED,		"tsan-check-failed",		"tsan-other" },
	{ RK_TSAN_ENV,			"tsan-environment",		"tsan-other" },
	{ RK_TSAN_ALLOCATOR,		"tsan-allocator",		"tsan-other" },
	{ RK_TSAN_OTHER,		"tsan-other",			"tsan-other" },
	{ RK_ASAN,			"asan",				"asan" },
	{ RK_LSAN,			"lsan",				"asan" },
	{ RK_UBSAN,			"ubsan",			"other" },
	{ RK_MSAN,			"msan",				"other" },
	{ RK_PYTHON_FATAL,		"python-fatal",			"python-fatal" },
	{ RK_FAULTHANDLER,		"faulthandler",			"faulthandler" },
	{ RK_PYTHON_EXCEPTION,		"python-exception",		"other" },
	{ RK_GDB_BACKTRACE,		"gdb-backtrace",		"gdb-backtrace" },
	{ RK_LLDB_BACKTRACE,		"lldb-backtrace",		"other" },
	{ RK_BUILD_ERROR,		"build-error",			"build-error" },
	{ RK_EVENT,			"event",			"other" },
};

static const char *const role_names[SR__COUNT] = {
	"unknown", "current", "previous", "allocation", "free", "location",
	"thread-creation", "mutex", "python", "native",
};

static const char *const class_names[FC__COUNT] = {
	"unknown", "sanitizer", "libc", "interpreter", "stdlib-extension",
	"extension", "library", "python",
};

static const char *const pc_names[] = { "none", "previous", "return", "exact" };
static const char *const source_names[] = { "printed", "symbolized", "none" };

const char *
report_kind_name(enum report_kind k)
{
	size_t	i;

	for (i = 0; i < nitems(kind_table); i++)
		if (kind_table[i].kind == k)
			return kind_table[i].name;
	return "unknown";
}

const char *
report_kind_family(enum report_kind k)
{
	size_t	i;

	for (i = 0; i < nitems(kind_table); i++)
		if (kind_table[i].kind == k)
			return kind_table[i].family;
	return "other";
}

enum report_kind
report_kind_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(kind_table); i++)
		if (strcmp(kind_table[i].name, name) == 0)
			return kind_table[i].kind;
	return RK_UNKNOWN;
}

const char *
stack_role_name(enum stack_role r)
{
	return (unsigned)r < SR__COUNT ? role_names[r] : "unknown";
}

const char *
frame_class_name(enum frame_class c)
{
	return (unsigned)c < FC__COUNT ? class_names[c] : "unknown";
}

const char *
pc_kind_name(enum pc_kind p)
{
	return (unsigned)p < nitems(pc_names) ? pc_names[p] : "none";
}

const char *
frame_source_name(enum frame_source s)
{
	return (unsigned)s < nitems(source_names) ? source_names[s] : "none";
}

struct report *
report_new(enum report_kind kind)
{
	struct report *r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->pid = -1;
	r->complete = 1;
	r->culprit_stack = -1;
	r->culprit_frame = -1;
	return r;
}

void
frame_release(struct frame *f)
{
	free(f->function);
	free(f->function_raw);
	free(f->file);
	free(f->module);
	free(f->module_path);
	free(f->arch);
	free(f->build_id);
	free(f->package);
	memset(f, 0, sizeof *f);
}

void
report_free(struct report *r)
{
	size_t	i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nstacks; i++) {
		struct stack *s = &r->stacks[i];

		for (j = 0; j < s->nframes; j++)
			frame_release(&s->frames[j]);
		free(s->frames);
		free(s->label);
		free(s->thread);
	}
	free(r->stacks);
	for (i = 0; i < r->nattrs; i++) {
		free(r->attrs[i].key);
		free(r->attrs[i].value);
	}
	free(r->attrs);
	for (i = 0; i < r->nrules; i++) {
		free(r->rules[i]);
		free(r->fixes[i]);
	}
	free(r->rules);
	free(r->fixes);
	if (r->rule_titles != NULL)
		for (i = 0; i < r->nrules; i++)
			free(r->rule_titles[i]);
	free(r->rule_titles);
	free(r->title);
	free(r->summary);
	free(r->missing);
	free(r->test);
	free(r->channel);
	free(r->origin.path);
	free(r->text);
	free(r->fingerprint);
	free(r->suppressed_by);
	free(r);
}

/* A new stack at the end of the report, or NULL when it is full. */
struct stack *
report_add_stack(struct report *r, enum stack_role role, const char *label)
{
	struct stack *s;

	if (r->nstacks >= FT_STACKS_MAX) {
		report_set_missing(r, "too many stacks; later ones dropped");
		return NULL;
	}
	if (r->nstacks == r->stacks_cap) {
		r->stacks_cap = r->stacks_cap ? r->stacks_cap * 2 : 4;
		r->stacks = xreallocarray(r->stacks, r->stacks_cap,
		    sizeof *r->stacks);
	}
	s = &r->stacks[r->nstacks++];
	memset(s, 0, sizeof *s);
	s->role = role;
	s->label = label != NULL ? xstrdup(label) : NULL;
	return s;
}

/* A new zeroed frame at the end of the stack, or NULL when it is full. */
struct frame *
stack_add_frame(struct stack *s)
{
	struct frame *f;

	if (s->nframes >= FT_FRAMES_MAX) {
		s->dropped++;
		return NULL;
	}
	if (s->nframes == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->frames = xreallocarray(s->frames, s->cap, sizeof *s->frames);
	}
	f = &s->frames[s->nframes++];
	memset(f, 0, sizeof *f);
	return f;
}

void
report_set_attr(struct report *r, const char *key, const char *value)
{
	size_t	i;

	for (i = 0; i < r->nattrs; i++) {
		if (strcmp(r->attrs[i].key, key) == 0) {
			free(r->attrs[i].value);
			r->attrs[i].value = xstrdup(value);
			return;
		}
	}
	if (r->nattrs >= 256)
		return;
	if (r->nattrs == r->attrs_cap) {
		r->attrs_cap = r->attrs_cap ? r->attrs_cap * 2 : 8;
		r->attrs = xreallocarray(r->attrs, r->attrs_cap,
		    sizeof *r->attrs);
	}
	r->attrs[r->nattrs].key = xstrdup(key);
	r->attrs[r->nattrs].value = xstrdup(value);
	r->nattrs++;
}

const char *
report_attr(const struct report *r, const char *key)
{
	size_t	i;

	for (i = 0; i < r->nattrs; i++)
		if (strcmp(r->attrs[i].key, key) == 0)
			return r->attrs[i].value;
	return NULL;
}

/* Append one line of report text (a newline is added), capped. */
void
report_add_text(struct report *r, const char *s, size_t len)
{
	size_t	 want;

	if (r->text_cut)
		return;
	if (r->text_len + len + 1 > FT_REPORT_TEXT_MAX) {
		r->text_cut = 1;
		return;
	}
	want = r->text_len + len + 2;
	if (want > r->text_cap) {
		size_t ncap = r->text_cap ? r->text_cap : 1024;

		while (ncap < want)
			ncap *= 2;
		r->text = xrealloc(r->text, ncap);
		r->text_cap = ncap;
	}
	memcpy(r->text + r->text_len, s, len);
	r->text_len += len;
	r->text[r->text_len++] = '\n';
	r->text[r->text_len] = '\0';
}

/* Mark the report incomplete and add a reason (reasons accumulate). */
void
report_set_missing(struct report *r, const char *why)
{
	char	*s;

	r->complete = 0;
	if (r->missing == NULL) {
		r->missing = xstrdup(why);
		return;
	}
	if (strstr(r->missing, why) != NULL)
		return;
	xasprintf(&s, "%s; %s", r->missing, why);
	free(r->missing);
	r->missing = s;
}

void
report_add_rule(struct report *r, const char *id, const char *fix)
{
	size_t	i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i], id) == 0)
			return;
	r->rules = xreallocarray(r->rules, r->nrules + 1, sizeof *r->rules);
	r->fixes = xreallocarray(r->fixes, r->nrules + 1, sizeof *r->fixes);
	r->rules[r->nrules] = xstrdup(id);
	r->fixes[r->nrules] = fix != NULL ? xstrdup(fix) : NULL;
	r->nrules++;
}

const struct frame *
report_culprit(const struct report *r)
{
	if (r->culprit_stack < 0 || (size_t)r->culprit_stack >= r->nstacks)
		return NULL;
	if (r->culprit_frame < 0 ||
	    (size_t)r->culprit_frame >= r->stacks[r->culprit_stack].nframes)
		return NULL;
	return &r->stacks[r->culprit_stack].frames[r->culprit_frame];
}
