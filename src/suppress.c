/*
 * suppress.c: ThreadSanitizer suppression files, applied after the fact.
 *
 * A project keeps a suppressions file (TSAN_OPTIONS=suppressions=FILE) to
 * silence known reports.  Reading the same file here lets fttriage mark the
 * reports of a run that the file would have silenced, and list the entries
 * that silenced nothing, so a project can check its suppressions against a
 * run made without them.
 *
 * The file has one "type:pattern" per line and '#' comments.  As in TSan,
 * a pattern matches a function name, a source file or a module when it
 * occurs anywhere in it; '*' matches any text, a leading '^' anchors the
 * start and a trailing '$' the end.  The report kinds each type covers and
 * the frames it is checked against follow TSan:
 *
 *   race, race_top     data races, races on vptr, heap-use-after-free,
 *                      external races; race_top only looks at the first
 *                      frame of each stack
 *   thread             thread leaks
 *   mutex              mutex misuse (double lock, bad unlock, ...)
 *   signal             signal-unsafe calls, errno spoiled in a handler
 *   deadlock           lock-order inversions
 *   called_from_lib    TSan ignores interceptors called from that library;
 *                      here: any TSan report whose first frame outside the
 *                      sanitizer runtime is in it
 *
 * Every stack of a report is checked except mutex-creation stacks, and a
 * global variable named by the report's location line.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

enum supp_type {
	ST_RACE, ST_RACE_TOP, ST_THREAD, ST_MUTEX, ST_SIGNAL, ST_DEADLOCK,
	ST_CALLED_FROM_LIB
};

static const char *const type_names[] = {
	"race", "race_top", "thread", "mutex", "signal", "deadlock",
	"called_from_lib"
};

struct supp {
	enum supp_type	 type;
	char		*pattern;
	unsigned	 line;
	uint64_t	 hits;
};

struct suppressions {
	char		*path;
	struct supp	*v;
	size_t		 n;
};

/* Does a TSan-style template match s? */
static int
template_match(const char *t, const char *s)
{
	const char	*star, *seg_end, *p;
	size_t		 seglen, slen;
	int		 anchor = 0, first = 1, end_anchor;

	if (s == NULL || *s == '\0')
		return 0;
	if (*t == '^') {
		anchor = 1;
		t++;
	}
	for (;;) {
		while (*t == '*') {
			anchor = 0;
			t++;
		}
		if (*t == '\0')
			return 1;
		star = strchr(t, '*');
		seg_end = star != NULL ? star : t + strlen(t);
		end_anchor = star == NULL && seg_end > t && seg_end[-1] == '$';
		seglen = (size_t)(seg_end - t) - (end_anchor ? 1 : 0);
		slen = strlen(s);
		if (end_anchor) {
			if (seglen > slen)
				return 0;
			p = s + slen - seglen;
			if (strncmp(p, t, seglen) != 0)
				return 0;
			return !(anchor && first && p != s);
		}
		p = seglen == 0 ? s : memmem(s, slen, t, seglen);
		if (p == NULL || (anchor && first && p != s))
			return 0;
		s = p + seglen;
		t = seg_end;
		first = 0;
		anchor = 0;
	}
}

static int
frame_match(const char *t, const struct frame *f)
{
	return template_match(t, f->function) ||
	    template_match(t, f->function_raw) ||
	    template_match(t, f->file) || template_match(t, f->module) ||
	    template_match(t, f->module_path);
}

static int
type_covers(enum supp_type t, enum report_kind k)
{
	switch (t) {
	case ST_RACE:
	case ST_RACE_TOP:
		return k == RK_TSAN_DATA_RACE || k == RK_TSAN_DATA_RACE_VPTR ||
		    k == RK_TSAN_HEAP_USE_AFTER_FREE ||
		    k == RK_TSAN_EXTERNAL_RACE;
	case ST_THREAD:
		return k == RK_TSAN_THREAD_LEAK;
	case ST_MUTEX:
		return k == RK_TSAN_MUTEX_DESTROY_LOCKED ||
		    k == RK_TSAN_MUTEX_DOUBLE_LOCK ||
		    k == RK_TSAN_MUTEX_INVALID ||
		    k == RK_TSAN_MUTEX_BAD_UNLOCK ||
		    k == RK_TSAN_MUTEX_BAD_READ_LOCK ||
		    k == RK_TSAN_MUTEX_BAD_READ_UNLOCK ||
		    k == RK_TSAN_MUTEX_WRONG_CONTEXT;
	case ST_SIGNAL:
		return k == RK_TSAN_SIGNAL_UNSAFE_CALL ||
		    k == RK_TSAN_SIGNAL_ERRNO;
	case ST_DEADLOCK:
		return k == RK_TSAN_LOCK_ORDER_INVERSION;
	case ST_CALLED_FROM_LIB:
		return (k >= RK_TSAN_DATA_RACE && k <= RK_TSAN_MUTEX_WRONG_CONTEXT);
	}
	return 0;
}

/* The global a "Location is global 'name' ..." line names, copied to buf. */
static const char *
location_global(const struct report *r, char *buf, size_t size)
{
	const char	*t, *e;
	size_t		 i;

	for (i = 0; i < r->nattrs; i++) {
		if ((t = strstr(r->attrs[i].value, "global '")) == NULL)
			continue;
		t += 8;
		if ((e = strchr(t, '\'')) == NULL || (size_t)(e - t) >= size)
			continue;
		memcpy(buf, t, (size_t)(e - t));
		buf[e - t] = '\0';
		return buf;
	}
	if (r->text != NULL && (t = strstr(r->text, "Location is global '")) !=
	    NULL) {
		t += 20;
		if ((e = strchr(t, '\'')) != NULL && (size_t)(e - t) < size &&
		    memchr(t, '\n', (size_t)(e - t)) == NULL) {
			memcpy(buf, t, (size_t)(e - t));
			buf[e - t] = '\0';
			return buf;
		}
	}
	return NULL;
}

static int
supp_match(const struct supp *s, const struct report *r)
{
	const struct stack *st;
	const struct frame *f;
	char		 global[256];
	size_t		 i, j;

	if (!type_covers(s->type, r->kind))
		return 0;
	if (s->type == ST_CALLED_FROM_LIB) {
		for (i = 0; i < r->nstacks; i++) {
			st = &r->stacks[i];
			if (st->role != SR_CURRENT && st->role != SR_PREVIOUS)
				continue;
			for (j = 0; j < st->nframes; j++) {
				f = &st->frames[j];
				if (frame_effective_class(f) == FC_SANITIZER)
					continue;
				if (template_match(s->pattern, f->module) ||
				    template_match(s->pattern, f->module_path))
					return 1;
				break;
			}
		}
		return 0;
	}
	for (i = 0; i < r->nstacks; i++) {
		st = &r->stacks[i];
		if (st->role == SR_MUTEX)
			continue;
		for (j = 0; j < st->nframes; j++) {
			if (frame_match(s->pattern, &st->frames[j]))
				return 1;
			if (s->type == ST_RACE_TOP)
				break;
		}
	}
	if (s->type != ST_RACE_TOP &&
	    location_global(r, global, sizeof global) != NULL &&
	    template_match(s->pattern, global))
		return 1;
	return 0;
}

/*
 * Read a suppressions file.  Returns NULL with cause ("file:line: ...")
 * on an unreadable file or an unknown suppression type.
 */
struct suppressions *
suppressions_load(const char *path, char **cause)
{
	struct suppressions *ss;
	FILE		*fp;
	char		*line = NULL, *p, *e, *colon;
	size_t		 cap = 0, i;
	unsigned	 lineno = 0;

	if ((fp = file_open_regular(path, CONFIG_FILE_MAX, &line)) == NULL) {
		xasprintf(cause, "cannot open suppressions file '%s': %s", path,
		    line);
		free(line);
		return NULL;
	}
	ss = xcalloc(1, sizeof *ss);
	ss->path = xstrdup(path);
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		p = line + strspn(line, " \t");
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' ||
		    e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if ((colon = strchr(p, ':')) == NULL) {
			xasprintf(cause, "%s:%u: expected 'type:pattern'", path,
			    lineno);
			goto fail;
		}
		*colon = '\0';
		for (i = 0; i < nitems(type_names); i++)
			if (strcmp(p, type_names[i]) == 0)
				break;
		if (i == nitems(type_names)) {
			xasprintf(cause, "%s:%u: unknown suppression type '%s'",
			    path, lineno, p);
			goto fail;
		}
		if (colon[1] == '\0') {
			xasprintf(cause, "%s:%u: empty pattern", path, lineno);
			goto fail;
		}
		ss->v = xreallocarray(ss->v, ss->n + 1, sizeof *ss->v);
		ss->v[ss->n].type = (enum supp_type)i;
		ss->v[ss->n].pattern = xstrdup(colon + 1);
		ss->v[ss->n].line = lineno;
		ss->v[ss->n].hits = 0;
		ss->n++;
	}
	free(line);
	fclose(fp);
	return ss;

fail:
	free(line);
	fclose(fp);
	suppressions_free(ss);
	return NULL;
}

void
suppressions_free(struct suppressions *ss)
{
	size_t	i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->n; i++)
		free(ss->v[i].pattern);
	free(ss->v);
	free(ss->path);
	free(ss);
}

/*
 * Mark the report when an entry would have silenced it: r->suppressed and
 * r->suppressed_by ("race:foo (file:line)").  Returns 1 when it did.
 */
int
suppressions_apply(struct suppressions *ss, struct report *r)
{
	size_t	i;

	for (i = 0; i < ss->n; i++) {
		if (!supp_match(&ss->v[i], r))
			continue;
		ss->v[i].hits++;
		r->suppressed = 1;
		free(r->suppressed_by);
		xasprintf(&r->suppressed_by, "%s:%s (%s:%u)",
		    type_names[ss->v[i].type], ss->v[i].pattern, ss->path,
		    ss->v[i].line);
		return 1;
	}
	return 0;
}

/* List the entries that silenced no report, one "file:line: entry" each. */
void
suppressions_print_unused(struct suppressions *ss, FILE *fp)
{
	size_t	i;

	for (i = 0; i < ss->n; i++)
		if (ss->v[i].hits == 0)
			fprintf(fp, "%s:%u: unused: %s:%s\n", ss->path,
			    ss->v[i].line, type_names[ss->v[i].type],
			    ss->v[i].pattern);
}
