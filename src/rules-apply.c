/*
 * rules-apply.c: matching rules against reports and log lines.
 *
 * The last stage before the sinks: rules_apply() checks every rule against
 * a report (its kind, regexes on its title, summary and text, predicates on
 * its frames) and records the ids of those that match with their fix,
 * rendered from the rule's template with what the match captured.
 *
 * The parser also offers every line that is outside a report to the line
 * hook; a line rule that matches turns it into an event report of its own.
 * That path runs on nearly every line of a log, so the prefilter first says
 * which line rules have a literal in the line, and PCRE2 runs only for them.
 *
 * Frame classes come from classify.c; where a frame is still unclassified
 * frame_effective_class() makes a cautious guess from its module name, so
 * that rules keep working on reports that were never classified.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define CAPTURE_MAX 200		/* bytes of a capture put into a fix */

static void ruleset_prepare(struct ruleset *);
static int line_rule(const struct rule *);

/* What a rule's match captured, for its templates. */
struct mctx {
	const struct report	*r;
	struct regex		*re[4];
	struct regex_match	 m[4];
	int			 nre;
	const struct frame	*frame;
};

/* ------------------------------------------------------------------ */
/* Frames.                                                             */
/* ------------------------------------------------------------------ */

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/*
 * The class of a frame: classify.c's when it set one, otherwise a guess
 * from the module and function names (never FC_UNKNOWN for a frame that
 * names a module).
 */
enum frame_class
frame_effective_class(const struct frame *f)
{
	static const char *const sanitizer[] = {
		"libtsan", "libasan", "libubsan", "liblsan", "libclang_rt.",
		"libmsan"
	};
	static const char *const libc[] = {
		"libc.so", "libc-", "libpthread", "ld-linux", "libstdc++",
		"libgcc_s", "libm.so", "libdl.so", "libc++", "libsystem_",
		"libdyld", "ntdll", "KERNEL32", "ucrtbase"
	};
	static struct {
		char		 module[128];
		char		 path[512];
		enum frame_class cls;
		int		 valid;
	} memo;
	const char	*m = f->module != NULL ? f->module : f->module_path;
	const char	*fn = f->function;
	enum frame_class cls;
	size_t		 i;

	if (f->cls != FC_UNKNOWN)
		return f->cls;
	if (fn != NULL && (strncmp(fn, "__tsan", 6) == 0 ||
	    strncmp(fn, "__interceptor_", 14) == 0 ||
	    strncmp(fn, "__sanitizer", 11) == 0 ||
	    strncmp(fn, "__asan", 6) == 0))
		return FC_SANITIZER;
	if (m == NULL) {
		if (f->file != NULL && strlen(f->file) > 3 &&
		    strcmp(f->file + strlen(f->file) - 3, ".py") == 0)
			return FC_PYTHON;
		return FC_UNKNOWN;
	}
	m = path_basename(m);
	/* Frames come in runs of one module: remember the last answer. */
	if (memo.valid && strcmp(memo.module, m) == 0 &&
	    strcmp(memo.path, f->module_path != NULL ? f->module_path : "") == 0)
		return memo.cls;
	cls = FC_UNKNOWN;
	for (i = 0; i < nitems(sanitizer) && cls == FC_UNKNOWN; i++)
		if (has(m, sanitizer[i]))
			cls = FC_SANITIZER;
	for (i = 0; i < nitems(libc) && cls == FC_UNKNOWN; i++)
		if (has(m, libc[i]))
			cls = FC_LIBC;
	if (cls != FC_UNKNOWN)
		;
	else if (has(m, "libpython") || strncmp(m, "python", 6) == 0 ||
	    strncmp(m, "Python", 6) == 0)
		cls = FC_INTERPRETER;
	else if (has(f->module_path, "lib-dynload/"))
		cls = FC_STDLIB_EXT;
	else if (has(m, ".cpython-") || has(m, ".abi3.") || has(m, ".abi3t.") ||
	    has(m, ".pyd"))
		cls = FC_EXTENSION;
	else if (has(m, ".so") || has(m, ".dylib") || has(m, ".dll"))
		cls = FC_LIBRARY;
	if (strlen(m) < sizeof memo.module && (f->module_path == NULL ||
	    strlen(f->module_path) < sizeof memo.path)) {
		memcpy(memo.module, m, strlen(m) + 1);
		if (f->module_path != NULL)
			memcpy(memo.path, f->module_path,
			    strlen(f->module_path) + 1);
		else
			memo.path[0] = '\0';
		memo.cls = cls;
		memo.valid = 1;
	}
	return cls;
}

/* The culprit frame, or a guess: the first extension frame of the report. */
static const struct frame *
culprit(const struct report *r)
{
	const struct frame *f;
	size_t		 i, j;

	if ((f = report_culprit(r)) != NULL)
		return f;
	for (i = 0; i < r->nstacks; i++)
		for (j = 0; j < r->stacks[i].nframes; j++) {
			f = &r->stacks[i].frames[j];
			if (frame_effective_class(f) == FC_EXTENSION)
				return f;
		}
	return NULL;
}

static int
re_on(struct regex *re, const char *s)
{
	return s != NULL && regex_exec(re, s, strlen(s), NULL);
}

static int
frame_ok(const struct frame_pred *p, const struct frame *f)
{
	if (p->classes != 0 &&
	    !(p->classes & (1u << frame_effective_class(f))))
		return 0;
	if (p->function != NULL && !re_on(p->function, f->function) &&
	    !re_on(p->function, f->function_raw))
		return 0;
	if (p->module != NULL && !re_on(p->module, f->module) &&
	    !re_on(p->module, f->module_path))
		return 0;
	if (p->file != NULL && !re_on(p->file, f->file))
		return 0;
	return 1;
}

/* The first frame satisfying a predicate (negation aside), or NULL. */
static const struct frame *
pred_find(const struct frame_pred *p, const struct report *r)
{
	const struct frame *f;
	size_t		 i, j, n;

	if (p->at == AT_CULPRIT) {
		f = culprit(r);
		return f != NULL && frame_ok(p, f) ? f : NULL;
	}
	for (i = 0; i < r->nstacks; i++) {
		const struct stack *s = &r->stacks[i];

		if (p->roles != 0 && !(p->roles & (1u << s->role)))
			continue;
		n = 0;
		for (j = 0; j < s->nframes; j++) {
			f = &s->frames[j];
			if (p->at == AT_TOP) {
				if (frame_effective_class(f) == FC_SANITIZER)
					continue;
				if (n++ >= p->top)
					break;
			}
			if (frame_ok(p, f))
				return f;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Templates: {1}, {name}, {frame.function}, {kind}, {x|default}.      */
/* ------------------------------------------------------------------ */

static int
lookup(struct mctx *c, const char *name, size_t nlen, const char **p,
    size_t *len)
{
	const struct frame *f = c->frame;
	char		 key[64];
	unsigned	 n;
	int		 i, g;

	if (nlen == 0 || nlen >= sizeof key)
		return 0;
	memcpy(key, name, nlen);
	key[nlen] = '\0';
	if (parse_uint(key, nlen, &n) == 0)
		return c->nre > 0 && regex_capture(&c->m[0], n, p, len);
	if (strncmp(key, "frame.", 6) == 0) {
		const char *v = NULL;

		if (f == NULL)
			return 0;
		if (strcmp(key + 6, "function") == 0)
			v = f->function;
		else if (strcmp(key + 6, "module") == 0)
			v = f->module != NULL ? path_basename(f->module) :
			    NULL;
		else if (strcmp(key + 6, "file") == 0)
			v = f->file;
		else if (strcmp(key + 6, "package") == 0)
			v = f->package;
		if (v == NULL)
			return 0;
		*p = v;
		*len = strlen(v);
		return 1;
	}
	if (strcmp(key, "kind") == 0) {
		*p = report_kind_name(c->r->kind);
		*len = strlen(*p);
		return 1;
	}
	if (strcmp(key, "test") == 0) {
		if (c->r->test == NULL)
			return 0;
		*p = c->r->test;
		*len = strlen(*p);
		return 1;
	}
	for (i = 0; i < c->nre; i++) {
		g = regex_group_number(c->re[i], key);
		if (g > 0 && regex_capture(&c->m[i], (unsigned)g, p, len))
			return 1;
	}
	return 0;
}

/* Render a template; the caller owns the result. */
static char *
render(struct mctx *c, const char *t)
{
	struct buf	 b;
	const char	*e, *bar, *v;
	size_t		 vlen, i;

	buf_init(&b, 64 * 1024);
	while (*t != '\0') {
		if ((t[0] == '{' && t[1] == '{') || (t[0] == '}' && t[1] == '}')) {
			buf_addc(&b, t[0]);
			t += 2;
			continue;
		}
		if (t[0] != '{' || (e = strchr(t, '}')) == NULL) {
			buf_addc(&b, *t++);
			continue;
		}
		bar = memchr(t + 1, '|', (size_t)(e - t - 1));
		if (lookup(c, t + 1, (size_t)((bar != NULL ? bar : e) - t - 1),
		    &v, &vlen)) {
			if (vlen > CAPTURE_MAX)
				vlen = CAPTURE_MAX;
			/* Log text stays on one line inside a fix. */
			for (i = 0; i < vlen; i++)
				buf_addc(&b, v[i] == '\n' || v[i] == '\r' ?
				    ' ' : v[i]);
		} else if (bar != NULL)
			buf_add(&b, bar + 1, (size_t)(e - bar - 1));
		t = e + 1;
	}
	buf_add(&b, "", 0);
	return buf_detach(&b);
}

static int
has_group(struct regex *re, const char *name)
{
	return re != NULL && regex_group_number(re, name) > 0;
}

/*
 * Check a rule's template against what the rule can capture.  Returns 0,
 * or -1 with cause naming the first variable it cannot fill.
 */
int
template_check(const struct rule *r, const char *t, char **cause)
{
	struct regex	*primary;
	const char	*e, *bar;
	char		 key[64];
	unsigned	 n;
	size_t		 len, i;
	int		 positive = 0;

	primary = r->line_re != NULL ? r->line_re : r->text_re != NULL ?
	    r->text_re : r->title_re != NULL ? r->title_re : r->summary_re;
	for (i = 0; i < r->nframes; i++)
		if (!r->frames[i].negate)
			positive = 1;
	for (; *t != '\0'; t++) {
		if ((t[0] == '{' && t[1] == '{') || (t[0] == '}' && t[1] == '}')) {
			t++;
			continue;
		}
		if (*t != '{')
			continue;
		if ((e = strchr(t, '}')) == NULL) {
			xasprintf(cause, "'{' without '}'");
			return -1;
		}
		bar = memchr(t + 1, '|', (size_t)(e - t - 1));
		len = (size_t)((bar != NULL ? bar : e) - t - 1);
		if (len == 0 || len >= sizeof key) {
			xasprintf(cause, "bad variable '%.*s'", (int)(e - t + 1),
			    t);
			return -1;
		}
		memcpy(key, t + 1, len);
		key[len] = '\0';
		t = e;
		if (parse_uint(key, len, &n) == 0) {
			if (primary == NULL || n > regex_group_count(primary) ||
			    n > REGEX_GROUPS_MAX) {
				xasprintf(cause, "no group %u to fill '{%s}'",
				    n, key);
				return -1;
			}
			continue;
		}
		if (strncmp(key, "frame.", 6) == 0) {
			if (!positive) {
				xasprintf(cause, "'{%s}' needs a 'frame'", key);
				return -1;
			}
			if (strcmp(key + 6, "function") != 0 &&
			    strcmp(key + 6, "module") != 0 &&
			    strcmp(key + 6, "file") != 0 &&
			    strcmp(key + 6, "package") != 0) {
				xasprintf(cause, "unknown variable '{%s}'", key);
				return -1;
			}
			continue;
		}
		if (strcmp(key, "kind") == 0 || strcmp(key, "test") == 0)
			continue;
		if (has_group(r->line_re, key) || has_group(r->text_re, key) ||
		    has_group(r->title_re, key) ||
		    has_group(r->summary_re, key))
			continue;
		xasprintf(cause, "unknown variable '{%s}'", key);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reports.                                                            */
/* ------------------------------------------------------------------ */

static int
try_re(struct mctx *c, struct regex *re, const char *s, size_t len)
{
	if (re == NULL)
		return 1;
	if (s == NULL || !regex_exec(re, s, len, &c->m[c->nre]))
		return 0;
	c->re[c->nre++] = re;
	return 1;
}

static size_t
slen(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* Match a rule against a report; 1 with what it captured in *cp. */
static int
rule_match_ctx(const struct rule *rule, struct report *r, struct mctx *cp)
{
	struct mctx	 c;
	const struct frame *f;
	size_t		 i;

	if (rule->kinds != 0 && !(rule->kinds & ((uint64_t)1 << r->kind)))
		return 0;
	memset(&c, 0, sizeof c);
	c.r = r;
	/* In this order, so that {1} refers to the first regex given. */
	if (!try_re(&c, rule->line_re, r->text, r->text_len) ||
	    !try_re(&c, rule->text_re, r->text, r->text_len) ||
	    !try_re(&c, rule->title_re, r->title, slen(r->title)) ||
	    !try_re(&c, rule->summary_re, r->summary, slen(r->summary)))
		return 0;
	for (i = 0; i < rule->nframes; i++) {
		const struct frame_pred *p = &rule->frames[i];

		f = pred_find(p, r);
		if (p->negate ? f != NULL : f == NULL)
			return 0;
		if (!p->negate && c.frame == NULL)
			c.frame = f;
	}
	*cp = c;
	return 1;
}

/*
 * Does the rule match the report?  Returns 1 and, when fix is not NULL,
 * the rendered fix (the caller owns it); 0 when it does not.
 */
int
rule_matches_report(struct ruleset *rs, const struct rule *rule,
    struct report *r, char **fix)
{
	struct mctx	c;

	if (!rule_match_ctx(rule, r, &c))
		return 0;
	if (fix != NULL)
		*fix = render(&c, rule->fix);
	return 1;
}

/* Record a matched rule with its rendered fix and title. */
static void
add_rule(struct report *r, const struct rule *rule, const char *fix,
    struct mctx *c)
{
	size_t	i, before = r->nrules;

	report_add_rule(r, rule->id, fix);
	if (r->nrules == before)
		return;		/* already there */
	r->rule_titles = xreallocarray(r->rule_titles, r->nrules,
	    sizeof *r->rule_titles);
	for (i = before; i < r->nrules; i++)
		r->rule_titles[i] = NULL;
	r->rule_titles[r->nrules - 1] = render(c, rule->title);
}

/*
 * Add every matching rule's id and fix to the report.  The report keeps a
 * pointer to the ruleset (rule_refs) for rules_describe(); the ruleset must
 * outlive the report's output.
 */
void
rules_apply(struct ruleset *rs, struct report *r)
{
	struct mctx	 c;
	char		*fix;
	size_t		 i, n;

	if (r->kind != RK_EVENT)
		rs->seen_kinds |= (uint64_t)1 << r->kind;
	/*
	 * A line rule can match a report's text only where one of its
	 * literals is: one pass of the prefilter over the text says which.
	 */
	if (!rs->prepared)
		ruleset_prepare(rs);
	memset(rs->in_text, 0, rs->cand_max);
	if (r->text != NULL) {
		n = prefilter_scan(rs->pf, r->text, r->text_len, rs->cand,
		    rs->cand_max);
		for (i = 0; i < n; i++)
			rs->in_text[rs->cand[i]] = 1;
	}
	for (i = 0; i < rs->nrules; i++) {
		if (rs->is_line[i] && !rs->in_text[i])
			continue;
		if (!rule_match_ctx(rs->rules[i], r, &c))
			continue;
		fix = render(&c, rs->rules[i]->fix);
		add_rule(r, rs->rules[i], fix, &c);
		free(fix);
	}
	r->rule_refs = rs;
}

/*
 * What rule i of a report is: its title (as rendered for this report),
 * severity and first link.  Returns 0, or -1 when the report was not
 * matched by a ruleset or the rule is gone.  The strings belong to the
 * ruleset and the report.
 */
int
rules_describe(const struct report *r, size_t i, struct rule_info *ri)
{
	const struct rule *rule;

	if (r->rule_refs == NULL || i >= r->nrules)
		return -1;
	rule = ruleset_find(r->rule_refs, r->rules[i]);
	if (rule == NULL)
		return -1;
	ri->id = rule->id;
	ri->title = r->rule_titles != NULL && r->rule_titles[i] != NULL ?
	    r->rule_titles[i] : rule->title;
	ri->severity = rule_severity_name(rule->severity);
	ri->link = rule->nlinks > 0 ? rule->links[0] : NULL;
	ri->explain = rule->explain;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lines.                                                              */
/* ------------------------------------------------------------------ */

/* A rule the line hook uses: a line regex and nothing else to match. */
static int
line_rule(const struct rule *r)
{
	size_t	i;

	if (r->line_re == NULL || r->title_re != NULL ||
	    r->summary_re != NULL || r->text_re != NULL)
		return 0;
	if (r->kinds != 0 && !(r->kinds & ((uint64_t)1 << RK_EVENT)))
		return 0;
	for (i = 0; i < r->nframes; i++)
		if (!r->frames[i].negate)
			return 0;
	return 1;
}

static void
ruleset_prepare(struct ruleset *rs)
{
	size_t	i, j;

	prefilter_free(rs->pf);
	rs->pf = prefilter_new();
	for (i = 0; i < rs->nrules; i++) {
		if (!line_rule(rs->rules[i]))
			continue;
		for (j = 0; j < rs->rules[i]->nliterals; j++)
			prefilter_add(rs->pf, rs->rules[i]->literals[j],
			    (unsigned)i);
	}
	prefilter_build(rs->pf);
	rs->hook.literals = prefilter_literals(rs->pf, &rs->hook.nliterals);
	free(rs->cand);
	rs->cand_max = rs->nrules > 0 ? rs->nrules : 1;
	rs->cand = xreallocarray(NULL, rs->cand_max, sizeof *rs->cand);
	free(rs->is_line);
	free(rs->in_text);
	rs->is_line = xcalloc(rs->cand_max, 1);
	rs->in_text = xcalloc(rs->cand_max, 1);
	for (i = 0; i < rs->nrules; i++)
		rs->is_line[i] = (unsigned char)line_rule(rs->rules[i]);
	rs->prepared = 1;
}

static void
capture_attrs(struct report *r, struct regex *re, struct regex_match *m)
{
	const char	*name, *p;
	char		*v;
	size_t		 len;
	unsigned	 g;

	for (g = 1; g <= regex_group_count(re) && g <= REGEX_GROUPS_MAX; g++) {
		if ((name = regex_group_name(re, g)) == NULL ||
		    !regex_capture(m, g, &p, &len))
			continue;
		v = xstrndup(p, len > CAPTURE_MAX ? CAPTURE_MAX : len);
		report_set_attr(r, name, v);
		free(v);
	}
}

/*
 * The line hook: a new RK_EVENT report when a line rule matches the line
 * (every matching line rule is recorded on it), else NULL.
 */
struct report *
ruleset_match_line(void *arg, const char *line, size_t len)
{
	struct ruleset	*rs = arg;
	struct report	*r = NULL;
	struct rule	*rule;
	struct mctx	 c;
	char		*fix;
	size_t		 n, i, j;
	unsigned	 t;

	if (!rs->prepared)
		ruleset_prepare(rs);
	rs->lines++;
	n = prefilter_scan(rs->pf, line, len, rs->cand, rs->cand_max);
	if (n == 0)
		return NULL;
	rs->candidates++;
	for (i = 1; i < n; i++)		/* rule order, whatever was found first */
		for (j = i; j > 0 && rs->cand[j - 1] > rs->cand[j]; j--) {
			t = rs->cand[j];
			rs->cand[j] = rs->cand[j - 1];
			rs->cand[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		rule = rs->rules[rs->cand[i]];
		if (rule->unless_seen & rs->seen_kinds)
			continue;
		if (rule->severity == SEV_NOTE && !rs->notes)
			continue;
		memset(&c, 0, sizeof c);
		if (!regex_exec(rule->line_re, line, len, &c.m[0]))
			continue;
		c.re[0] = rule->line_re;
		c.nre = 1;
		if (r == NULL) {
			r = report_new(RK_EVENT);
			r->parts = RP_EVENT;
			report_add_text(r, line, len);
			r->summary = xstrndup(line, len);
			c.r = r;
			r->title = render(&c, rule->title);
			report_set_attr(r, "event", rule->id);
			rs->events++;
		}
		c.r = r;
		capture_attrs(r, rule->line_re, &c.m[0]);
		fix = render(&c, rule->fix);
		add_rule(r, rule, fix, &c);
		free(fix);
	}
	if (r != NULL)
		r->rule_refs = rs;
	return r;
}

/*
 * The hook's quiet test: 1 when no line rule has a literal in the raw line,
 * so the scanner may pass over it without cleaning it.
 */
int
ruleset_line_quiet(void *arg, const char *raw, size_t len)
{
	struct ruleset	*rs = arg;

	if (!rs->prepared)
		ruleset_prepare(rs);
	return prefilter_scan(rs->pf, raw, len, rs->cand, rs->cand_max) == 0;
}

void
ruleset_begin_source(struct ruleset *rs)
{
	rs->seen_kinds = 0;
}

void
ruleset_set_notes(struct ruleset *rs, int on)
{
	rs->notes = on;
}

/* The line hook for parser_set_line_hook; valid while the ruleset lives. */
const struct line_hook *
ruleset_line_hook(struct ruleset *rs)
{
	if (!rs->prepared)
		ruleset_prepare(rs);
	return &rs->hook;
}
