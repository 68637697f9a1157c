/*
 * fingerprint.c: the stable key that says which reports are one problem.
 *
 * Runs after classify.c.  A key is built only from what survives a rebuild,
 * a second compiler and a second symbolizer: normalised function names and
 * normalised module names -- never addresses, offsets, line numbers, pids or
 * thread ids.  Each stack is reduced to a "site": walk from the top past
 * sanitizer runtime, libc, fatal-error machinery and call/eval plumbing;
 * refcount/atomic helpers, lock wrappers and the eval loop are walked
 * through but kept, by name, as a prefix ("Py_INCREF>_PyEval_EvalFrame
 * Default>f@mod");
 * the site is the first frame of code, followed by the extension that
 * called the C API when the site is CPython's.  Races key on the two
 * access sites sorted (a missing one is "?"), other kinds on what
 * identifies them (see key_for_kind).  The key begins with the algorithm
 * version; the fingerprint is "v<version>:" and a 64-bit FNV-1a hash of
 * the key in hex.  fingerprint_explain() tells which frames were used and
 * which skipped, and why.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "classify.h"

#define FP_PREFIX_MAX	3     /* helper frames kept before a site */
#define FP_KEY_MAX	8192
#define FP_WHY_MAX	(64 * 1024)
#define FP_PY_FRAMES	2     /* Python frames in a fatal error's key */

struct fpctx {
	struct buf	 key;
	struct buf	 why;
	int		 explain;
	int		 low;     /* some part rests on unsymbolized frames */
	int		 mega;    /* a site is the eval loop with no code below */
};

static void
why(struct fpctx *c, const char *fmt, ...) FT_PRINTF(2, 3);

static void
why(struct fpctx *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (!c->explain)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	buf_adds(&c->why, s);
	buf_addc(&c->why, '\n');
	free(s);
}

/* The component a frame belongs to, for the key; NULL when not needed. */
static char *
component(const struct frame *f)
{
	switch (f->cls) {
	case FC_INTERPRETER:
		return xstrdup("python");
	case FC_LIBC:
		return xstrdup("libc");
	case FC_SANITIZER:
		return xstrdup("runtime");
	case FC_STDLIB_EXT:
	case FC_EXTENSION:
		/*
		 * The module's own name, not the package: the package comes
		 * from a path that one log prints and another does not.
		 */
		if (f->module == NULL && f->module_path == NULL &&
		    f->package != NULL)
			return xstrdup(f->package);
		break;
	case FC_PYTHON:
		return f->file != NULL ? python_module_name(f->file) : NULL;
	case FC_UNKNOWN:
		/* The program itself: its file name says nothing stable. */
		if (f->function != NULL)
			return NULL;
		break;
	default:
		break;
	}
	if (f->module != NULL || f->module_path != NULL)
		return module_normalize(f->module != NULL ? f->module :
		    f->module_path);
	return NULL;
}

/* "function@component" for the key; "?@module" when unsymbolized. */
static char *
frame_key(struct fpctx *c, const struct frame *f)
{
	char	*name, *comp, *out;

	comp = component(f);
	if (f->function == NULL) {
		c->low = 1;
		xasprintf(&out, "?@%s", comp != NULL ? comp : "?");
		free(comp);
		return out;
	}
	name = f->cls == FC_PYTHON ? xstrdup(f->function) :
	    name_normalize(f->function);
	if (comp == NULL)
		return name;
	xasprintf(&out, "%s@%s", name, comp);
	free(name);
	free(comp);
	return out;
}

static const char *
show(const struct frame *f)
{
	if (f->function != NULL)
		return f->function;
	if (f->module != NULL)
		return f->module;
	return "??";
}

/*
 * The site of one stack: prefix helpers, the first frame of code, and the
 * extension that called into CPython.  Returns a new string, or NULL if
 * the stack has no frame that can stand for it.
 */
static char *
site_key(struct fpctx *c, const struct report *r, int si)
{
	const struct stack *s = &r->stacks[si];
	const struct frame *f;
	struct buf	 b;
	char		*prefix[FP_PREFIX_MAX + 1], *k;
	size_t		 i, j, np = 0;
	int		 site = -1, fallback = -1, entry;
	enum frame_use	 u;

	why(c, "  stack %d (%s%s%s):", si, stack_role_name(s->role),
	    s->thread != NULL ? ", " : "", s->thread != NULL ? s->thread : "");
	for (i = 0; i < s->nframes && site < 0; i++) {
		f = &s->frames[i];
		u = frame_use(f);
		switch (u) {
		case FU_RUNTIME:
		case FU_LIBC:
		case FU_FATAL:
			why(c, "    #%u %s [%s]: skipped, %s", f->index, show(f),
			    frame_class_name(f->cls), frame_use_name(u));
			continue;
		case FU_PLUMBING:
			if (fallback < 0)
				fallback = (int)i;
			why(c, "    #%u %s [%s]: skipped, %s", f->index, show(f),
			    frame_class_name(f->cls), frame_use_name(u));
			continue;
		case FU_HELPER:
		case FU_LOCK:
		case FU_MEGA:
			if (u == FU_MEGA && fallback < 0)
				fallback = (int)i;
			/*
			 * By name alone: whether a helper shows up in the
			 * extension it was inlined into or in libpython
			 * depends on the symbolizer.  The eval loop always
			 * gets a place.
			 */
			k = name_normalize(f->function);
			if (np > 0 && strcmp(prefix[np - 1], k) == 0)
				free(k);
			else if (np < FP_PREFIX_MAX || (u == FU_MEGA &&
			    np < FP_PREFIX_MAX + 1))
				prefix[np++] = k;
			else
				free(k);
			why(c, "    #%u %s [%s]: walked through, kept as prefix "
			    "(%s)", f->index, show(f), frame_class_name(f->cls),
			    frame_use_name(u));
			continue;
		case FU_NONAME:
			if (f->module == NULL && f->module_path == NULL) {
				why(c, "    #%u ?? : skipped, no function and no "
				    "module", f->index);
				continue;
			}
			break;
		default:
			break;
		}
		site = (int)i;
	}
	if (site < 0 && fallback >= 0) {
		site = fallback;
		if (frame_use(&s->frames[site]) == FU_MEGA)
			c->mega = 1;
		why(c, "    no code frame: #%u %s stands for the stack (lower "
		    "precision)", s->frames[site].index, show(&s->frames[site]));
	} else if (site < 0 && np > 0)
		why(c, "    no code frame: the helpers alone are the site");
	else if (site < 0) {
		why(c, "    no usable frame");
		return NULL;
	}
	buf_init(&b, FP_KEY_MAX);
	for (j = 0; j < np; j++) {
		if (j > 0)
			buf_addc(&b, '>');
		buf_adds(&b, prefix[j]);
		free(prefix[j]);
	}
	if (site < 0)
		return buf_detach(&b);
	f = &s->frames[site];
	/* The eval loop standing for the stack is already in the prefix. */
	if (frame_use(f) != FU_MEGA) {
		k = frame_key(c, f);
		if (np > 0)
			buf_addc(&b, '>');
		buf_adds(&b, k);
		free(k);
		why(c, "    #%u %s [%s]: site%s", f->index, show(f),
		    frame_class_name(f->cls), f->function == NULL ?
		    " (unsymbolized: module only, lower confidence)" : "");
	}
	entry = -1;
	if ((f->cls == FC_INTERPRETER || f->cls == FC_STDLIB_EXT) &&
	    frame_use(f) == FU_CODE &&
	    (entry = classify_api_caller(s, (size_t)site)) >= 0) {
		k = frame_key(c, &s->frames[entry]);
		buf_adds(&b, " <- ");
		buf_adds(&b, k);
		free(k);
		why(c, "    #%u %s [%s]: the extension that called the C API",
		    s->frames[entry].index, show(&s->frames[entry]),
		    frame_class_name(s->frames[entry].cls));
	}
	i = (size_t)(entry >= 0 ? entry : site) + 1;
	if (i < s->nframes)
		why(c, "    #%u..#%u: below the site, not part of the key",
		    s->frames[i].index, s->frames[s->nframes - 1].index);
	return buf_detach(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first stack with a role, or -1. */
static int
find_stack(const struct report *r, enum stack_role role)
{
	size_t	 i;

	for (i = 0; i < r->nstacks; i++)
		if (r->stacks[i].role == role && r->stacks[i].nframes > 0)
			return (int)i;
	return -1;
}

/*
 * A message with what varies between runs removed: hex and decimal
 * numbers, paths (kept as their last component), "file:line:col:" and
 * typographic quotes.  Returns a new string.
 */
static char *
normalize_message(const char *s)
{
	struct buf	 b;
	const char	*p, *tok_end, *slash;

	buf_init(&b, 1024);
	if (s == NULL)
		return buf_detach(&b);
	for (p = s; *p != '\0'; ) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    isxdigit((unsigned char)p[2])) {
			buf_adds(&b, "0x?");
			for (p += 2; isxdigit((unsigned char)*p); p++)
				;
			continue;
		}
		if (isdigit((unsigned char)*p)) {
			buf_addc(&b, 'N');
			while (isdigit((unsigned char)*p))
				p++;
			continue;
		}
		/* A path token: keep its last component. */
		if (*p == '/' || (p[0] == '.' && p[1] == '/') ||
		    (isalnum((unsigned char)*p) && p > s && p[-1] == ' ' &&
		    strcspn(p, " /") < strcspn(p, " "))) {
			tok_end = p + strcspn(p, " \t'\"`");
			slash = NULL;
			for (const char *q = p; q < tok_end; q++)
				if (*q == '/')
					slash = q;
			if (slash != NULL && slash + 1 < tok_end) {
				p = slash + 1;
				continue;
			}
		}
		/* U+2018 / U+2019 quotes as ASCII. */
		if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99)) {
			buf_addc(&b, '\'');
			p += 3;
			continue;
		}
		if (*p == '\t' || *p == '\r' || *p == '\n') {
			buf_addc(&b, ' ');
			p++;
			continue;
		}
		buf_addc(&b, *p++);
	}
	return buf_detach(&b);
}

/* Drop a leading "path:line:col: " (compilers) from a message. */
static const char *
skip_location(const char *s)
{
	const char	*p;

	if (s == NULL)
		return NULL;
	p = strstr(s, ": error:");
	if (p == NULL)
		p = strstr(s, ": fatal error:");
	if (p == NULL)
		p = strstr(s, ": warning:");
	if (p != NULL && memchr(s, ' ', (size_t)(p - s)) == NULL)
		return p + 2;
	return s;
}

static void
add_part(struct fpctx *c, const char *part)
{
	if (c->key.len > 0)
		buf_adds(&c->key, " | ");
	buf_adds(&c->key, part);
}

/*
 * What a title says without the function the parser appended ("SEGV in
 * foo" -> "SEGV"): the frames speak for the place.  Returns a new string.
 */
static char *
title_what(const struct report *r)
{
	const char	*t = r->title != NULL ? r->title :
			    report_kind_name(r->kind);
	const char	*cut = strstr(t, " in ");

	return cut != NULL ? xstrndup(t, (size_t)(cut - t)) : xstrdup(t);
}

static void
add_message(struct fpctx *c, const char *what, const char *msg)
{
	char	*m;

	m = normalize_message(skip_location(msg));
	why(c, "  %s: \"%s\" (numbers, addresses, paths stripped)", what, m);
	add_part(c, m);
	free(m);
}

/* Add the site of stack si (or "?" when there is none). */
static void
add_site(struct fpctx *c, const struct report *r, int si)
{
	char	*k = NULL;

	if (si >= 0)
		k = site_key(c, r, si);
	add_part(c, k != NULL ? k : "?");
	free(k);
}

/*
 * A site that is the eval loop alone says little: name what was raced on
 * too -- the global, or where the heap block was allocated.
 */
static void
add_location(struct fpctx *c, const struct report *r)
{
	const char	*loc = report_attr(r, "location"), *p, *e;
	char		*part, *k;
	int		 si;

	if (loc != NULL && (p = strstr(loc, "global '")) != NULL &&
	    (e = strchr(p + 8, '\'')) != NULL) {
		xasprintf(&part, "in %.*s", (int)(e - p + 1), p);
		why(c, "  the eval loop alone is not a site: keyed with what "
		    "was raced on (%s)", part);
		add_part(c, part);
		free(part);
		return;
	}
	if ((si = find_stack(r, SR_ALLOCATION)) >= 0 &&
	    (k = site_key(c, r, si)) != NULL) {
		xasprintf(&part, "allocated in %s", k);
		why(c, "  the eval loop alone is not a site: keyed with where "
		    "the memory was allocated");
		add_part(c, part);
		free(part);
		free(k);
		return;
	}
	why(c, "  the eval loop alone stands for a site (lower precision)");
}

/* Races: the two access sites, sorted; a missing one is "?". */
static void
key_race(struct fpctx *c, const struct report *r)
{
	char	*site[2];
	int	 cur, prev, i;

	cur = find_stack(r, SR_CURRENT);
	prev = find_stack(r, SR_PREVIOUS);
	if (cur < 0 && prev < 0)
		cur = classify_primary_stack(r);
	site[0] = cur >= 0 ? site_key(c, r, cur) : NULL;
	site[1] = prev >= 0 ? site_key(c, r, prev) : NULL;
	for (i = 0; i < 2; i++)
		if (site[i] == NULL) {
			site[i] = xstrdup("?");
			why(c, "  %s access: missing, keyed as \"?\"",
			    i == 0 ? "current" : "previous");
		}
	if (strcmp(site[0], site[1]) > 0) {
		char *t = site[0];

		site[0] = site[1];
		site[1] = t;
	}
	/* "?" sorts first, so a one-stack report keys as "? | A". */
	if (strcmp(site[1], "?") == 0) {
		char *t = site[0];

		site[0] = site[1];
		site[1] = t;
	}
	why(c, "  the two access sites are sorted, so either order of one "
	    "race gives one key");
	add_part(c, site[0]);
	add_part(c, site[1]);
	free(site[0]);
	free(site[1]);
	if (c->mega)
		add_location(c, r);
}

/*
 * Which stacks of a lock-order inversion are its lock sites, by pass:
 * "acquired here while holding" (printed whatever second_deadlock_stack
 * says), then any mutex stack but creation, then any stack.
 */
static int
lock_stack(const struct stack *s, int pass)
{
	if (s->nframes == 0 || s->role == SR_THREAD_CREATION)
		return 0;
	switch (pass) {
	case 0:
		return s->role == SR_MUTEX && s->label != NULL &&
		    strstr(s->label, "while holding") != NULL;
	case 1:
		return s->role == SR_MUTEX && (s->label == NULL ||
		    strstr(s->label, "created") == NULL);
	default:
		return 1;
	}
}

/* Lock-order inversion: the sorted set of lock acquisition sites. */
static void
key_locks(struct fpctx *c, const struct report *r)
{
	char	*sites[FT_STACKS_MAX];
	size_t	 i, n = 0;
	int	 pass;

	for (pass = 0; pass < 3 && n == 0; pass++) {
		for (i = 0; i < r->nstacks && n < nitems(sites); i++) {
			const struct stack *s = &r->stacks[i];
			char	*k;

			if (!lock_stack(s, pass))
				continue;
			if ((k = site_key(c, r, (int)i)) != NULL)
				sites[n++] = k;
		}
	}
	qsort(sites, n, sizeof *sites, cmp_str);
	why(c, "  lock sites are sorted and de-duplicated");
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(sites[i], sites[i - 1]) == 0)
			continue;
		add_part(c, sites[i]);
	}
	for (i = 0; i < n; i++)
		free(sites[i]);
	if (n == 0)
		add_part(c, "?");
}

/* The top Python frames of the first Python stack, plumbing skipped. */
static int
add_python_frames(struct fpctx *c, const struct report *r)
{
	const struct stack *s;
	struct buf	 b;
	size_t		 i;
	int		 si, n = 0;
	char		*k;

	if ((si = find_stack(r, SR_PYTHON)) < 0)
		return 0;
	s = &r->stacks[si];
	buf_init(&b, FP_KEY_MAX);
	why(c, "  stack %d (python):", si);
	for (i = 0; i < s->nframes && n < FP_PY_FRAMES; i++) {
		const struct frame *f = &s->frames[i];

		if (f->function == NULL || frame_use(f) == FU_PLUMBING) {
			why(c, "    #%zu %s: skipped, %s", i, show(f),
			    f->function == NULL ? "no function" :
			    "threading/import plumbing");
			continue;
		}
		k = frame_key(c, f);
		if (n++ > 0)
			buf_addc(&b, '<');
		buf_adds(&b, k);
		why(c, "    #%zu %s: used", i, k);
		free(k);
	}
	if (n > 0)
		add_part(c, buf_cstr(&b));
	buf_release(&b);
	return n;
}

/* Native site of a crash: the native stack, else the primary stack. */
static int
add_native_site(struct fpctx *c, const struct report *r)
{
	char	*k;
	int	 si;

	si = find_stack(r, SR_NATIVE);
	if (si < 0)
		si = find_stack(r, SR_CURRENT);
	if (si < 0) {
		si = classify_primary_stack(r);
		if (si >= 0 && r->stacks[si].role == SR_PYTHON)
			return 0;
	}
	if (si < 0 || (k = site_key(c, r, si)) == NULL)
		return 0;
	add_part(c, k);
	free(k);
	return 1;
}

/* The signal a debugger stopped on ("SIGSEGV"), from the title. */
static void
add_signal(struct fpctx *c, const struct report *r)
{
	const char	*p;
	size_t		 n;
	char		*sig;

	if (r->title == NULL || (p = strstr(r->title, "SIG")) == NULL)
		return;
	for (n = 3; isupper((unsigned char)p[n]); n++)
		;
	sig = xstrndup(p, n);
	why(c, "  signal: %s", sig);
	add_part(c, sig);
	free(sig);
}

/* An event: its rule, its title and what it captured. */
static void
key_event(struct fpctx *c, const struct report *r)
{
	char	**kv;
	size_t	 i;

	if (r->nrules > 0) {
		why(c, "  rule: %s", r->rules[0]);
		add_part(c, r->rules[0]);
	} else
		add_message(c, "title", r->title);
	kv = xcalloc(r->nattrs + 1, sizeof *kv);
	for (i = 0; i < r->nattrs; i++) {
		char	*v = normalize_message(r->attrs[i].value);

		xasprintf(&kv[i], "%s=%s", r->attrs[i].key, v);
		free(v);
	}
	qsort(kv, r->nattrs, sizeof *kv, cmp_str);
	for (i = 0; i < r->nattrs; i++) {
		why(c, "  captured: %s", kv[i]);
		add_part(c, kv[i]);
		free(kv[i]);
	}
	free(kv);
}

static void
key_for_kind(struct fpctx *c, const struct report *r)
{
	char	*t;

	switch (r->kind) {
	case RK_TSAN_DATA_RACE:
	case RK_TSAN_DATA_RACE_VPTR:
	case RK_TSAN_HEAP_USE_AFTER_FREE:
	case RK_TSAN_EXTERNAL_RACE:
		key_race(c, r);
		break;
	case RK_TSAN_THREAD_LEAK:
		why(c, "  a thread leak is keyed by where the thread was "
		    "created");
		add_site(c, r, classify_primary_stack(r));
		break;
	case RK_TSAN_LOCK_ORDER_INVERSION:
		key_locks(c, r);
		break;
	case RK_TSAN_SIGNAL_UNSAFE_CALL:
	case RK_TSAN_SIGNAL_ERRNO:
	case RK_TSAN_MUTEX_DESTROY_LOCKED:
	case RK_TSAN_MUTEX_DOUBLE_LOCK:
	case RK_TSAN_MUTEX_INVALID:
	case RK_TSAN_MUTEX_BAD_UNLOCK:
	case RK_TSAN_MUTEX_BAD_READ_LOCK:
	case RK_TSAN_MUTEX_BAD_READ_UNLOCK:
	case RK_TSAN_MUTEX_WRONG_CONTEXT:
		why(c, "  keyed by the site of the operation");
		add_site(c, r, classify_primary_stack(r));
		break;
	case RK_PYTHON_FATAL:
	case RK_FAULTHANDLER:
	case RK_PYTHON_EXCEPTION:
		add_message(c, "message", r->summary != NULL ? r->summary :
		    r->title);
		if (!add_native_site(c, r) && !add_python_frames(c, r))
			why(c, "  no native or Python frame");
		break;
	case RK_GDB_BACKTRACE:
	case RK_LLDB_BACKTRACE:
		add_signal(c, r);
		add_site(c, r, classify_primary_stack(r));
		break;
	case RK_BUILD_ERROR:
		add_message(c, "message", r->summary != NULL ? r->summary :
		    r->title);
		break;
	case RK_EVENT:
		key_event(c, r);
		break;
	case RK_ASAN:
	case RK_LSAN:
	case RK_UBSAN:
	case RK_MSAN:
		t = title_what(r);
		add_message(c, "error", t);
		free(t);
		add_site(c, r, classify_primary_stack(r));
		if (find_stack(r, SR_FREE) >= 0) {
			why(c, "  and where the memory was freed");
			add_site(c, r, find_stack(r, SR_FREE));
		}
		break;
	default:
		t = title_what(r);
		add_message(c, "title", t);
		free(t);
		add_site(c, r, classify_primary_stack(r));
		break;
	}
}

static char *
build_key(const struct report *r, int explain, char **why_out, int *low)
{
	struct fpctx	 c;
	char		*body, *key;

	memset(&c, 0, sizeof c);
	buf_init(&c.key, FP_KEY_MAX);
	buf_init(&c.why, FP_WHY_MAX);
	c.explain = explain;
	key_for_kind(&c, r);
	body = buf_detach(&c.key);
	xasprintf(&key, "v%d %s :: %s", FP_ALGO_VERSION,
	    report_kind_name(r->kind), body);
	free(body);
	if (low != NULL)
		*low = c.low;
	if (why_out != NULL) {
		if (c.low)
			why(&c, "  confidence: low (some frames are "
			    "unsymbolized; keyed by module only)");
		*why_out = buf_detach(&c.why);
	} else
		buf_release(&c.why);
	return key;
}

/*
 * The readable key of a report: "v1 <kind> :: part | part ...".  The
 * report should have been classified.  Caller frees.
 */
char *
fingerprint_key(const struct report *r)
{
	return build_key(r, 0, NULL, NULL);
}

/*
 * How the key of a report was built: for each stack, each frame used or
 * skipped and why.  Caller frees.
 */
char *
fingerprint_explain(const struct report *r)
{
	char	*why_text, *key;

	key = build_key(r, 1, &why_text, NULL);
	free(key);
	return why_text;
}

/* 64-bit FNV-1a of a string. */
uint64_t
fingerprint_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Set r->fingerprint to "v<FP_ALGO_VERSION>:<16 hex>".  When the key rests
 * on unsymbolized frames the report gets the attribute
 * "fingerprint-confidence" = "low".
 */
void
fingerprint_report(struct report *r)
{
	char	*key;
	int	 low;

	key = build_key(r, 0, NULL, &low);
	free(r->fingerprint);
	xasprintf(&r->fingerprint, "v%d:%016llx", FP_ALGO_VERSION,
	    (unsigned long long)fingerprint_hash(key));
	free(key);
	if (low)
		report_set_attr(r, "fingerprint-confidence", "low");
}
