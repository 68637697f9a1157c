/*
 * rules.c: reading rule files into a ruleset.
 *
 * A rule file is a sequence of stanzas, each starting with "rule: ID" and
 * made of "key: value" lines; a line that starts with white space continues
 * the value above it, '#' starts a comment line.  The grammar is in
 * fttriage-rules(5).  Every error names the file and the line and the loader
 * goes on to the next rule, so that "fttriage rules check" can list them
 * all.  Rules read by one ruleset_load_path call must have distinct ids; a
 * rule loaded later with the id of an earlier one replaces it, which is how
 * a user's rule directory overrides the shipped rules.
 *
 * Applying the rules to reports and lines is in rules-apply.c.
 */
#include "config.h"

#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* How continuation lines join a value. */
enum join { J_SPACE, J_CONCAT, J_LINES };

static const struct {
	const char	*key;
	enum join	 join;
} key_table[] = {
	{ "rule",		J_SPACE },
	{ "title",		J_SPACE },
	{ "severity",		J_SPACE },
	{ "explain",		J_SPACE },
	{ "fix",		J_SPACE },
	{ "link",		J_SPACE },
	{ "kind",		J_SPACE },
	{ "unless-seen",	J_SPACE },
	{ "title-regex",	J_CONCAT },
	{ "summary-regex",	J_CONCAT },
	{ "text-regex",		J_CONCAT },
	{ "line",		J_CONCAT },
	{ "literal",		J_CONCAT },
	{ "frame",		J_SPACE },
	{ "no-frame",		J_SPACE },
	{ "match",		J_LINES },
	{ "no-match",		J_LINES },
};

static const char *const severity_names[] = { "note", "warning", "error" };

/* One "key: value" with the line it started on. */
struct field {
	const char	*key;
	enum join	 join;
	struct buf	 value;
	unsigned	 line;
	size_t		 nlines;	/* continuation lines */
};

/* The parse of one file. */
struct loader {
	struct ruleset	*rs;
	const char	*path;
	struct rule	*cur;		/* being built, or NULL */
	int		 cur_bad;
	struct field	 f;		/* the open field */
	int		 f_open;
};

const char *
rule_severity_name(enum rule_severity s)
{
	return (unsigned)s < nitems(severity_names) ? severity_names[s] : "note";
}

static void
load_error(struct loader *ld, unsigned line, const char *fmt, ...)
    FT_PRINTF(3, 4);

static void
load_error(struct loader *ld, unsigned line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (ld->rs->errors.len != 0)
		buf_addc(&ld->rs->errors, '\n');
	buf_printf(&ld->rs->errors, "%s:%u: %s", ld->path, line, msg);
	ld->rs->nerrors++;
	free(msg);
	ld->cur_bad = 1;
}

struct ruleset *
ruleset_new(void)
{
	struct ruleset *rs;

	rs = xcalloc(1, sizeof *rs);
	buf_init(&rs->errors, 64 * 1024);
	rs->hook.match = ruleset_match_line;
	rs->hook.quiet = ruleset_line_quiet;
	rs->hook.arg = rs;
	return rs;
}

void
rule_free(struct rule *r)
{
	size_t	i;

	if (r == NULL)
		return;
	free(r->id);
	free(r->title);
	free(r->explain);
	free(r->fix);
	for (i = 0; i < r->nlinks; i++)
		free(r->links[i]);
	free(r->links);
	free(r->file);
	regex_free(r->title_re);
	regex_free(r->summary_re);
	regex_free(r->text_re);
	regex_free(r->line_re);
	for (i = 0; i < r->nliterals; i++)
		free(r->literals[i]);
	free(r->literals);
	for (i = 0; i < r->nframes; i++) {
		regex_free(r->frames[i].function);
		regex_free(r->frames[i].module);
		regex_free(r->frames[i].file);
	}
	free(r->frames);
	for (i = 0; i < r->nexamples; i++)
		free(r->examples[i].text);
	free(r->examples);
	free(r);
}

void
ruleset_free(struct ruleset *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule_free(rs->rules[i]);
	free(rs->rules);
	prefilter_free(rs->pf);
	free(rs->cand);
	free(rs->is_line);
	free(rs->in_text);
	buf_release(&rs->errors);
	free(rs);
}

size_t
ruleset_count(const struct ruleset *rs)
{
	return rs->nrules;
}

const struct rule *
ruleset_rule(const struct ruleset *rs, size_t i)
{
	return i < rs->nrules ? rs->rules[i] : NULL;
}

const struct rule *
ruleset_find(const struct ruleset *rs, const char *id)
{
	size_t	i;

	for (i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i]->id, id) == 0)
			return rs->rules[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Field values.                                                       */
/* ------------------------------------------------------------------ */

/* Remove the smallest indentation shared by every line of a block. */
static char *
dedent(const char *s)
{
	const char	*p, *e;
	size_t		 indent = SIZE_MAX, n;
	struct buf	 b;

	for (p = s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		n = strspn(p, " \t");
		if (p + n < e && n < indent)
			indent = n;
	}
	if (indent == SIZE_MAX)
		indent = 0;
	buf_init(&b, 0);
	for (p = s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p) > indent ? indent : (size_t)(e - p);
		buf_add(&b, p + n, (size_t)(e - p) - n);
		if (*e == '\n')
			buf_addc(&b, '\n');
	}
	buf_add(&b, "", 0);
	return buf_detach(&b);
}

static int
valid_id(const char *s)
{
	const char	*p;

	if (*s == '\0' || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return p - s <= 64;
}

static int
parse_kinds(struct loader *ld, const char *v, unsigned line, uint64_t *out)
{
	char	*copy, *w, *next;
	int	 rc = 0;

	copy = xstrdup(v);
	for (w = copy; w != NULL; w = next) {
		enum report_kind k;

		next = strpbrk(w, " ,\t");
		if (next != NULL)
			*next++ = '\0';
		if (*w == '\0')
			continue;
		k = report_kind_from_name(w);
		if (k == RK_UNKNOWN && strcmp(w, "unknown") != 0) {
			load_error(ld, line, "unknown report kind '%s'", w);
			rc = -1;
			continue;
		}
		*out |= (uint64_t)1 << k;
	}
	free(copy);
	return rc;
}

static int
class_from_name(const char *s)
{
	int	c;

	for (c = 0; c < FC__COUNT; c++)
		if (strcmp(frame_class_name((enum frame_class)c), s) == 0)
			return c;
	return -1;
}

static int
role_from_name(const char *s)
{
	int	r;

	for (r = 0; r < SR__COUNT; r++)
		if (strcmp(stack_role_name((enum stack_role)r), s) == 0)
			return r;
	return -1;
}

/* A comma list of names into a bit set; -1 on an unknown name. */
static int
parse_names(struct loader *ld, unsigned line, const char *what,
    const char *v, int (*lookup)(const char *), unsigned *out)
{
	char	*copy, *w, *next;
	int	 n, rc = 0;

	copy = xstrdup(v);
	for (w = copy; w != NULL; w = next) {
		next = strchr(w, ',');
		if (next != NULL)
			*next++ = '\0';
		if ((n = lookup(w)) < 0) {
			load_error(ld, line, "unknown %s '%s'", what, w);
			rc = -1;
			continue;
		}
		*out |= 1u << n;
	}
	free(copy);
	return rc;
}

static struct regex *
compile(struct loader *ld, unsigned line, const char *key, const char *pat,
    unsigned flags)
{
	struct regex	*re;
	char		*cause = NULL;

	if (*pat == '\0') {
		load_error(ld, line, "empty regex in '%s'", key);
		return NULL;
	}
	if ((re = regex_new(pat, flags, &cause)) == NULL) {
		load_error(ld, line, "%s: %s", key, cause);
		free(cause);
	}
	return re;
}

/* "frame:" fields: at=, stack=, class=, function=, module=, file=. */
static void
parse_frame(struct loader *ld, const struct field *f, int negate)
{
	struct rule	 *r = ld->cur;
	struct frame_pred p;
	char		 *copy, *w, *next, *v;
	unsigned	  line = f->line;
	int		  fields = 0;

	memset(&p, 0, sizeof p);
	p.negate = negate;
	p.line = line;
	copy = xstrdup(f->value.data);
	for (w = copy; w != NULL; w = next) {
		w += strspn(w, " \t");
		next = strpbrk(w, " \t");
		if (next != NULL)
			*next++ = '\0';
		if (*w == '\0')
			continue;
		if ((v = strchr(w, '=')) == NULL) {
			load_error(ld, line, "frame field '%s' has no '='", w);
			continue;
		}
		*v++ = '\0';
		fields++;
		if (strcmp(w, "at") == 0) {
			if (strcmp(v, "any") == 0)
				p.at = AT_ANY;
			else if (strcmp(v, "culprit") == 0)
				p.at = AT_CULPRIT;
			else if (strcmp(v, "top") == 0) {
				p.at = AT_TOP;
				p.top = 1;
			} else if (strncmp(v, "top:", 4) == 0 &&
			    parse_uint(v + 4, strlen(v + 4), &p.top) == 0 &&
			    p.top > 0) {
				p.at = AT_TOP;
			} else
				load_error(ld, line, "bad frame position '%s' "
				    "(any, top, top:N or culprit)", v);
		} else if (strcmp(w, "stack") == 0)
			parse_names(ld, line, "stack role", v, role_from_name,
			    &p.roles);
		else if (strcmp(w, "class") == 0)
			parse_names(ld, line, "frame class", v, class_from_name,
			    &p.classes);
		else if (strcmp(w, "function") == 0 && p.function == NULL)
			p.function = compile(ld, line, "function", v, 0);
		else if (strcmp(w, "module") == 0 && p.module == NULL)
			p.module = compile(ld, line, "module", v, 0);
		else if (strcmp(w, "file") == 0 && p.file == NULL)
			p.file = compile(ld, line, "file", v, 0);
		else
			load_error(ld, line, "unknown or repeated frame field "
			    "'%s'", w);
	}
	free(copy);
	if (fields == 0)
		load_error(ld, line, "empty frame predicate");
	r->frames = xreallocarray(r->frames, r->nframes + 1, sizeof *r->frames);
	r->frames[r->nframes++] = p;
}

static void
set_once(struct loader *ld, const struct field *f, char **slot)
{
	if (*slot != NULL) {
		load_error(ld, f->line, "'%s' given twice", f->key);
		return;
	}
	*slot = xstrdup(f->value.data);
}

static void
set_regex(struct loader *ld, const struct field *f, struct regex **slot,
    unsigned flags)
{
	if (*slot != NULL) {
		load_error(ld, f->line, "'%s' given twice", f->key);
		return;
	}
	*slot = compile(ld, f->line, f->key, f->value.data, flags);
}

/* The open field is complete: store it in the current rule. */
static void
field_end(struct loader *ld)
{
	struct field	*f = &ld->f;
	struct rule	*r = ld->cur;
	const char	*v;
	size_t		 i;

	if (!ld->f_open)
		return;
	ld->f_open = 0;
	buf_add(&f->value, "", 0);
	v = f->value.data;
	if (strcmp(f->key, "rule") == 0)
		goto out;	/* handled when the stanza opened */
	if (r == NULL) {
		load_error(ld, f->line, "'%s' outside a rule (start one with "
		    "'rule: ID')", f->key);
		goto out;
	}
	if (strcmp(f->key, "title") == 0) {
		set_once(ld, f, &r->title);
		r->title_line = f->line;
	}
	else if (strcmp(f->key, "explain") == 0)
		set_once(ld, f, &r->explain);
	else if (strcmp(f->key, "fix") == 0) {
		set_once(ld, f, &r->fix);
		r->fix_line = f->line;
	}
	else if (strcmp(f->key, "severity") == 0) {
		for (i = 0; i < nitems(severity_names); i++)
			if (strcmp(v, severity_names[i]) == 0)
				break;
		if (i == nitems(severity_names))
			load_error(ld, f->line, "unknown severity '%s' (error, "
			    "warning or note)", v);
		else
			r->severity = (enum rule_severity)i;
		r->has_severity = 1;
	} else if (strcmp(f->key, "link") == 0) {
		if (strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0)
			load_error(ld, f->line, "link is not an http(s) URL");
		r->links = xreallocarray(r->links, r->nlinks + 1,
		    sizeof *r->links);
		r->links[r->nlinks++] = xstrdup(v);
	} else if (strcmp(f->key, "kind") == 0)
		parse_kinds(ld, v, f->line, &r->kinds);
	else if (strcmp(f->key, "unless-seen") == 0)
		parse_kinds(ld, v, f->line, &r->unless_seen);
	else if (strcmp(f->key, "title-regex") == 0)
		set_regex(ld, f, &r->title_re, 0);
	else if (strcmp(f->key, "summary-regex") == 0)
		set_regex(ld, f, &r->summary_re, 0);
	else if (strcmp(f->key, "text-regex") == 0)
		set_regex(ld, f, &r->text_re, REGEX_MULTILINE);
	else if (strcmp(f->key, "line") == 0)
		set_regex(ld, f, &r->line_re, REGEX_MULTILINE);
	else if (strcmp(f->key, "literal") == 0) {
		if (strlen(v) < 4)
			load_error(ld, f->line, "literal '%s' is shorter than "
			    "4 characters", v);
		r->literals = xreallocarray(r->literals, r->nliterals + 1,
		    sizeof *r->literals);
		r->literals[r->nliterals++] = xstrdup(v);
		r->explicit_literals = 1;
	} else if (strcmp(f->key, "frame") == 0)
		parse_frame(ld, f, 0);
	else if (strcmp(f->key, "no-frame") == 0)
		parse_frame(ld, f, 1);
	else if (strcmp(f->key, "match") == 0 ||
	    strcmp(f->key, "no-match") == 0) {
		struct example *e;

		if (*v == '\0') {
			load_error(ld, f->line, "empty example");
			goto out;
		}
		r->examples = xreallocarray(r->examples, r->nexamples + 1,
		    sizeof *r->examples);
		e = &r->examples[r->nexamples++];
		e->text = f->nlines != 0 ? dedent(v) : xstrdup(v);
		e->must_match = f->key[0] == 'm';
		e->line = f->line;
	}
out:
	buf_release(&f->value);
}

/* ------------------------------------------------------------------ */
/* Stanzas.                                                            */
/* ------------------------------------------------------------------ */

/* Every check that needs the whole rule. */
static void
rule_validate(struct loader *ld)
{
	struct rule	*r = ld->cur;
	char		*cause = NULL;
	size_t		 i, nmatch = 0;
	int		 positive = 0;

	if (r->title == NULL)
		load_error(ld, r->line, "rule '%s' has no 'title'", r->id);
	if (!r->has_severity)
		load_error(ld, r->line, "rule '%s' has no 'severity'", r->id);
	if (r->explain == NULL)
		load_error(ld, r->line, "rule '%s' has no 'explain'", r->id);
	if (r->fix == NULL)
		load_error(ld, r->line, "rule '%s' has no 'fix'", r->id);
	if (r->nlinks == 0)
		load_error(ld, r->line, "rule '%s' has no 'link'", r->id);
	for (i = 0; i < r->nframes; i++)
		if (!r->frames[i].negate)
			positive = 1;
	if (r->kinds == 0 && r->title_re == NULL && r->summary_re == NULL &&
	    r->text_re == NULL && r->line_re == NULL && !positive)
		load_error(ld, r->line, "rule '%s' matches nothing: give "
		    "'kind', a regex or a 'frame'", r->id);
	if (r->unless_seen != 0 && r->line_re == NULL)
		load_error(ld, r->line, "rule '%s' has 'unless-seen' but no "
		    "'line'", r->id);
	if (r->literals != NULL && r->line_re == NULL)
		load_error(ld, r->line, "rule '%s' has 'literal' but no "
		    "'line'", r->id);
	if (r->line_re != NULL && r->literals == NULL) {
		r->literals = regex_literals(regex_pattern(r->line_re),
		    &r->nliterals, &cause);
		if (r->literals == NULL) {
			load_error(ld, r->line, "rule '%s': %s", r->id, cause);
			free(cause);
		}
	}
	for (i = 0; i < r->nexamples; i++)
		if (r->examples[i].must_match)
			nmatch++;
	if (nmatch == 0)
		load_error(ld, r->line, "rule '%s' has no 'match' example",
		    r->id);
	if (nmatch == r->nexamples)
		load_error(ld, r->line, "rule '%s' has no 'no-match' example",
		    r->id);
	if (r->title != NULL && template_check(r, r->title, &cause) != 0) {
		load_error(ld, r->title_line, "rule '%s': title: %s", r->id,
		    cause);
		free(cause);
	}
	if (r->fix != NULL && template_check(r, r->fix, &cause) != 0) {
		load_error(ld, r->fix_line, "rule '%s': fix: %s", r->id, cause);
		free(cause);
	}
}

/* Add the finished rule, replacing one from an earlier load. */
static void
stanza_end(struct loader *ld)
{
	struct ruleset	*rs = ld->rs;
	struct rule	*r = ld->cur;
	size_t		 i;

	field_end(ld);
	if (r == NULL)
		return;
	if (!ld->cur_bad)
		rule_validate(ld);
	ld->cur = NULL;
	if (ld->cur_bad) {
		rule_free(r);
		return;
	}
	for (i = 0; i < rs->nrules; i++) {
		struct rule *old = rs->rules[i];

		if (strcmp(old->id, r->id) != 0)
			continue;
		if (old->batch == r->batch) {
			load_error(ld, r->line, "duplicate rule id '%s' (first "
			    "at %s:%u)", r->id, old->file, old->line);
			rule_free(r);
			return;
		}
		log_msg(LOG_LVL_DEBUG, "rule '%s' from %s:%u replaces %s:%u",
		    r->id, r->file, r->line, old->file, old->line);
		rule_free(old);
		rs->rules[i] = r;
		rs->prepared = 0;
		return;
	}
	rs->rules = xreallocarray(rs->rules, rs->nrules + 1, sizeof *rs->rules);
	rs->rules[rs->nrules++] = r;
	rs->prepared = 0;
}

static void
stanza_start(struct loader *ld, const char *id, unsigned line)
{
	stanza_end(ld);
	ld->cur = xcalloc(1, sizeof *ld->cur);
	ld->cur_bad = 0;
	ld->cur->id = xstrdup(id);
	ld->cur->file = xstrdup(ld->path);
	ld->cur->line = line;
	ld->cur->batch = ld->rs->batch;
	if (!valid_id(id))
		load_error(ld, line, "bad rule id '%s' (lowercase letters, "
		    "digits, '-', '_' and '.')", id);
}

/* One line of a rule file (without its newline). */
static void
load_line(struct loader *ld, char *s, unsigned line)
{
	const char	*key;
	char		*colon, *v;
	size_t		 i, len = strlen(s);
	int		 indented = s[0] == ' ' || s[0] == '\t';

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		s[--len] = '\0';
	if (s[0] == '#')
		return;
	if (len == 0 && indented && ld->f_open && ld->f.join == J_LINES) {
		/* White space only: a blank line inside an example. */
		buf_addc(&ld->f.value, '\n');
		ld->f.nlines++;
		return;
	}
	if (len == 0) {
		field_end(ld);
		return;
	}
	if (s[0] == ' ' || s[0] == '\t') {
		if (!ld->f_open) {
			load_error(ld, line, "continuation line with no "
			    "field above it");
			return;
		}
		ld->f.nlines++;
		switch (ld->f.join) {
		case J_LINES:
			buf_addc(&ld->f.value, '\n');
			buf_adds(&ld->f.value, s);
			break;
		case J_CONCAT:
			buf_adds(&ld->f.value, s + strspn(s, " \t"));
			break;
		case J_SPACE:
			if (ld->f.value.len != 0)
				buf_addc(&ld->f.value, ' ');
			buf_adds(&ld->f.value, s + strspn(s, " \t"));
			break;
		}
		return;
	}
	field_end(ld);
	if ((colon = strchr(s, ':')) == NULL) {
		load_error(ld, line, "expected 'key: value'");
		return;
	}
	*colon = '\0';
	v = colon + 1;
	v += strspn(v, " \t");
	for (i = 0; i < nitems(key_table); i++)
		if (strcmp(key_table[i].key, s) == 0)
			break;
	if (i == nitems(key_table)) {
		load_error(ld, line, "unknown key '%s'", s);
		return;
	}
	key = key_table[i].key;
	if (strcmp(key, "rule") == 0) {
		stanza_start(ld, v, line);
		return;
	}
	ld->f.key = key;
	ld->f.join = key_table[i].join;
	ld->f.line = line;
	ld->f.nlines = 0;
	buf_init(&ld->f.value, 1024 * 1024);
	buf_adds(&ld->f.value, v);
	ld->f_open = 1;
}

static int
load_file(struct ruleset *rs, const char *path)
{
	struct loader	 ld;
	FILE		*fp;
	char		*line = NULL, *why = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned	 lineno = 0;

	memset(&ld, 0, sizeof ld);
	ld.rs = rs;
	ld.path = path;
	if ((fp = file_open_regular(path, RULES_FILE_MAX, &why)) == NULL) {
		if (rs->errors.len != 0)
			buf_addc(&rs->errors, '\n');
		buf_printf(&rs->errors, "cannot open rules file '%s': %s",
		    path, why);
		free(why);
		rs->nerrors++;
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (memchr(line, '\0', (size_t)n - 1) != NULL &&
		    (size_t)n > 1 && strlen(line) != (size_t)n - 1) {
			load_error(&ld, lineno, "NUL byte in rules file");
			continue;
		}
		load_line(&ld, line, lineno);
	}
	stanza_end(&ld);
	if (ferror(fp)) {
		load_error(&ld, lineno, "read error: %s", strerror(errno));
	}
	free(line);
	fclose(fp);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_dir(struct ruleset *rs, const char *path, DIR *d)
{
	struct dirent	*de;
	char		**names = NULL, *full;
	size_t		 n = 0, i, len;

	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		xasprintf(&full, "%s/%s", path, names[i]);
		load_file(rs, full);
		free(full);
		free(names[i]);
	}
	free(names);
	return 0;
}

/*
 * Load a rule file, or every "*.rules" file of a directory in name order.
 * Returns 0, or -1 with cause holding every error, one "file:line: message"
 * per line; the rules without errors are loaded either way.
 */
int
ruleset_load_path(struct ruleset *rs, const char *path, char **cause)
{
	DIR	*d;
	size_t	 before = rs->nerrors;

	rs->batch++;
	buf_reset(&rs->errors);
	rs->nerrors = 0;
	(void)before;
	if ((d = opendir(path)) != NULL)
		load_dir(rs, path, d);
	else if (errno == ENOTDIR)
		load_file(rs, path);
	else {
		xasprintf(cause, "cannot open rules '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (rs->nerrors == 0)
		return 0;
	buf_add(&rs->errors, "", 0);
	*cause = xstrdup(rs->errors.data);
	return -1;
}

/* Load a configuration rule directory when it exists. */
static int
load_if_present(struct ruleset *rs, const char *dir, struct buf *errs)
{
	DIR	*d;
	char	*cause = NULL;

	if ((d = opendir(dir)) == NULL)
		return 0;
	closedir(d);
	if (ruleset_load_path(rs, dir, &cause) == 0)
		return 0;
	if (errs->len != 0)
		buf_addc(errs, '\n');
	buf_adds(errs, cause);
	free(cause);
	return -1;
}

/*
 * Where the shipped rules are: the installed data directory, or, for a
 * program run from its build tree before "make install", the rules/
 * directory beside the executable.
 */
static const char *
shipped_rules_dir(void)
{
	static char	 local[PATH_MAX];
	struct stat	 st;
	ssize_t		 n;
	char		*slash;

	if (stat(FT_DATADIR "/rules", &st) == 0 && S_ISDIR(st.st_mode))
		return FT_DATADIR "/rules";
	n = readlink("/proc/self/exe", local, sizeof local - 7);
	if (n > 0) {
		local[n] = '\0';
		if ((slash = strrchr(local, '/')) != NULL) {
			memcpy(slash + 1, "rules", 6);
			if (stat(local, &st) == 0 && S_ISDIR(st.st_mode))
				return local;
		}
	}
	return FT_DATADIR "/rules";
}

/*
 * Load the shipped rules ($FTTRIAGE_RULES_DIR when set, as in a build tree,
 * else the installed directory), then the configuration's rule directories
 * when they exist: $(sysconfdir)/fttriage/rules for the site, then
 * $XDG_CONFIG_HOME/fttriage/rules (~/.config/fttriage/rules) for the user.
 * Each later one replaces rules of the same id.  Returns 0 or -1 with
 * cause; what loaded without error stays loaded.
 */
int
ruleset_load_default(struct ruleset *rs, char **cause)
{
	const char	*dir, *home;
	char		*user = NULL, *c = NULL;
	struct buf	 errs;
	int		 rc = 0;

	buf_init(&errs, 64 * 1024);
	dir = getenv("FTTRIAGE_RULES_DIR");
	if (dir == NULL || *dir == '\0')
		dir = shipped_rules_dir();
	if (ruleset_load_path(rs, dir, &c) != 0) {
		buf_adds(&errs, c);
		free(c);
		rc = -1;
	}
	if (load_if_present(rs, FT_SYSCONFDIR "/fttriage/rules", &errs) != 0)
		rc = -1;
	if ((home = getenv("XDG_CONFIG_HOME")) != NULL && *home != '\0')
		xasprintf(&user, "%s/fttriage/rules", home);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		xasprintf(&user, "%s/.config/fttriage/rules", home);
	if (user != NULL && load_if_present(rs, user, &errs) != 0)
		rc = -1;
	free(user);
	if (rc != 0) {
		buf_add(&errs, "", 0);
		*cause = xstrdup(errs.data);
	}
	buf_release(&errs);
	return rc;
}
