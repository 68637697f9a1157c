/*
 * match.c: regular expressions for the rules, the one door to PCRE2.
 *
 * Patterns are compiled in UTF mode, tolerant of invalid UTF-8 in the
 * subject (logs are untrusted), and JIT-compiled on first use when the
 * platform allows.
 * Every match runs under a match, depth and heap limit, so a pattern with
 * catastrophic backtracking costs a bounded amount of work on a hostile
 * line: the match is then counted and treated as no match.
 *
 * regex_literals() reads a pattern (without compiling it) and says which
 * literal strings a subject must contain for it to match, one per top-level
 * alternative; the prefilter uses them to skip PCRE2 on most lines.
 *
 * The match context and the JIT stack are shared, so matching is not
 * thread-safe; fttriage matches from one thread.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules.h"

#define MATCH_LIMIT	200000	/* backtracking steps per match */
#define DEPTH_LIMIT	2000	/* nested backtracking frames */
#define HEAP_LIMIT	8192	/* KiB of heap for backtracking */
#define LITERAL_MIN	4	/* shorter literals make a poor prefilter */

struct regex {
	char			*pattern;
	pcre2_code		*code;
	pcre2_match_data	*md;
	unsigned		 ngroups;
	int			 jit_tried;
};

static pcre2_match_context	*match_ctx;
static pcre2_jit_stack		*jit_stack;
static uint64_t			 limit_hits;

static void
match_init(void)
{
	if (match_ctx != NULL)
		return;
	match_ctx = pcre2_match_context_create(NULL);
	if (match_ctx == NULL)
		ft_fatalx("cannot create a regex match context");
	pcre2_set_match_limit(match_ctx, MATCH_LIMIT);
	pcre2_set_depth_limit(match_ctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(match_ctx, HEAP_LIMIT);
	jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (jit_stack != NULL)
		pcre2_jit_stack_assign(match_ctx, NULL, jit_stack);
}

/*
 * Compile a pattern; flags are REGEX_*.  Returns NULL and fills cause
 * ("bad regex at offset N: message") when the pattern is invalid.  The
 * caller owns the result.
 */
struct regex *
regex_new(const char *pattern, unsigned flags, char **cause)
{
	struct regex	*re;
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 erroff;
	uint32_t	 opts, n;
	int		 errcode;

	match_init();
	opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	if (flags & REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	re = xcalloc(1, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    opts, &errcode, &erroff, NULL);
	if (re->code == NULL) {
		pcre2_get_error_message(errcode, msg, sizeof msg);
		xasprintf(cause, "bad regex at offset %zu: %s", (size_t)erroff,
		    (char *)msg);
		free(re);
		return NULL;
	}
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	re->ngroups = n;
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (re->md == NULL)
		ft_fatalx("cannot allocate regex match data");
	re->pattern = xstrdup(pattern);
	return re;
}

void
regex_free(struct regex *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re->pattern);
	free(re);
}

/*
 * Match s[0..len).  Returns 1 on a match (and fills m when not NULL), 0 when
 * there is none or a limit stopped the search (counted, see
 * regex_limit_hits).
 */
int
regex_exec(struct regex *re, const char *s, size_t len, struct regex_match *m)
{
	PCRE2_SIZE	*ov;
	size_t		 i, n;
	int		 rc;

	/*
	 * JIT-compile on first use: most report rules never run in a scan,
	 * and compiling them all would dominate a short one.  Without JIT
	 * (some platforms, some builds) the interpreter runs.
	 */
	if (!re->jit_tried) {
		/* FTTRIAGE_NO_JIT: the interpreter only, e.g. under valgrind,
		 * which cannot follow code generated at run time. */
		if (getenv("FTTRIAGE_NO_JIT") == NULL)
			(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
		re->jit_tried = 1;
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->md,
	    match_ctx);
	if (rc < 0) {
		if (rc == PCRE2_ERROR_MATCHLIMIT ||
		    rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT)
			limit_hits++;
		return 0;
	}
	if (m == NULL)
		return 1;
	ov = pcre2_get_ovector_pointer(re->md);
	n = pcre2_get_ovector_count(re->md);
	if (n > REGEX_GROUPS_MAX + 1)
		n = REGEX_GROUPS_MAX + 1;
	m->subject = s;
	m->ngroups = n;
	for (i = 0; i < n; i++) {
		if (ov[2 * i] == PCRE2_UNSET) {
			m->ov[2 * i] = m->ov[2 * i + 1] = SIZE_MAX;
			continue;
		}
		m->ov[2 * i] = ov[2 * i];
		m->ov[2 * i + 1] = ov[2 * i + 1];
	}
	return 1;
}

/* Group n of a match: 1 with its text, 0 when the group did not take part. */
int
regex_capture(const struct regex_match *m, unsigned n, const char **p,
    size_t *len)
{
	if (n >= m->ngroups || m->ov[2 * n] == SIZE_MAX)
		return 0;
	*p = m->subject + m->ov[2 * n];
	*len = m->ov[2 * n + 1] - m->ov[2 * n];
	return 1;
}

/* The number of the group called name, or -1. */
int
regex_group_number(const struct regex *re, const char *name)
{
	int	n;

	n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
	return n > 0 ? n : -1;
}

unsigned
regex_group_count(const struct regex *re)
{
	return re->ngroups;
}

/* The name of group n, or NULL when it has none. */
const char *
regex_group_name(const struct regex *re, unsigned n)
{
	PCRE2_SPTR	 table;
	uint32_t	 count, size, i;

	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++) {
		const unsigned char *e = table + i * size;

		if ((unsigned)((e[0] << 8) | e[1]) == n)
			return (const char *)e + 2;
	}
	return NULL;
}

const char *
regex_pattern(const struct regex *re)
{
	return re->pattern;
}

/* How many matches a limit has stopped since start-up. */
uint64_t
regex_limit_hits(void)
{
	return limit_hits;
}

/* ------------------------------------------------------------------ */
/* Required literals of a pattern.                                     */
/* ------------------------------------------------------------------ */

struct litscan {
	char	 run[256];
	size_t	 runlen;
	size_t	 lastatom;	/* bytes of the last atom in run */
	char	 best[256];
	size_t	 bestlen;
};

static void
lit_break(struct litscan *ls)
{
	if (ls->runlen > ls->bestlen) {
		memcpy(ls->best, ls->run, ls->runlen);
		ls->bestlen = ls->runlen;
	}
	ls->runlen = 0;
	ls->lastatom = 0;
}

static void
lit_add(struct litscan *ls, const char *p, size_t n)
{
	if (ls->runlen + n > sizeof ls->run) {
		lit_break(ls);
		return;
	}
	memcpy(ls->run + ls->runlen, p, n);
	ls->runlen += n;
	ls->lastatom = n;
}

/* A quantifier allowing zero repeats: the last atom is not required. */
static void
lit_optional(struct litscan *ls)
{
	ls->runlen -= ls->lastatom;
	lit_break(ls);
}

/* Skip a character class starting at p[i] == '['; returns the index after. */
static size_t
skip_class(const char *p, size_t len, size_t i)
{
	i++;
	if (i < len && p[i] == '^')
		i++;
	if (i < len && p[i] == ']')
		i++;
	while (i < len && p[i] != ']') {
		if (p[i] == '\\' && i + 1 < len)
			i++;
		else if (p[i] == '[' && i + 1 < len && p[i + 1] == ':') {
			const char *e = strstr(p + i + 2, ":]");

			if (e != NULL)
				i = (size_t)(e - p) + 1;
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Skip a group starting at p[i] == '('; returns the index after ')'. */
static size_t
skip_group(const char *p, size_t len, size_t i)
{
	int	depth = 0;

	while (i < len) {
		if (p[i] == '\\')
			i += 2;
		else if (p[i] == '[')
			i = skip_class(p, len, i);
		else {
			if (p[i] == '(')
				depth++;
			else if (p[i] == ')' && --depth == 0)
				return i + 1;
			i++;
		}
	}
	return len;
}

/* Length of the UTF-8 sequence starting with byte c (1 if invalid). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* After an atom at p[i]: handle a quantifier; returns the new index. */
static size_t
quantifier(struct litscan *ls, const char *p, size_t len, size_t i)
{
	size_t	 j;
	unsigned min = 0;

	if (i >= len)
		return i;
	if (p[i] == '?' || p[i] == '*') {
		lit_optional(ls);
		i++;
	} else if (p[i] == '+') {
		lit_break(ls);
		i++;
	} else if (p[i] == '{') {
		for (j = i + 1; j < len && p[j] >= '0' && p[j] <= '9'; j++)
			min = min * 10 + (unsigned)(p[j] - '0');
		if (j == i + 1 && j < len && p[j] == ',')
			;	/* {,n}: zero allowed */
		else if (j == i + 1)
			return i;	/* a literal '{' */
		while (j < len && p[j] != '}')
			j++;
		if (j == len)
			return i;
		if (min == 0)
			lit_optional(ls);
		else
			lit_break(ls);
		i = j + 1;
	} else
		return i;
	if (i < len && (p[i] == '?' || p[i] == '+'))
		i++;	/* lazy or possessive */
	return i;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Skip the argument of a letter escape \c that ended at p[i]. */
static size_t
skip_escape(const char *p, size_t len, size_t i, char c)
{
	size_t	n;

	if (i < len && p[i] == '{') {		/* \x{..} \p{..} \g{..} ... */
		while (i < len && p[i] != '}')
			i++;
		return i < len ? i + 1 : len;
	}
	switch (c) {
	case 'x':
		for (n = 0; n < 2 && i < len && is_hex(p[i]); n++)
			i++;
		break;
	case 'c':
	case 'p':
	case 'P':
		if (i < len)
			i++;
		break;
	case 'k':
	case 'g':
		if (i < len && (p[i] == '<' || p[i] == '\'')) {
			char close = p[i] == '<' ? '>' : '\'';

			for (i++; i < len && p[i] != close; i++)
				;
			if (i < len)
				i++;
		}
		break;
	default:
		if (c >= '0' && c <= '9')
			while (i < len && p[i] >= '0' && p[i] <= '9')
				i++;
		break;
	}
	return i;
}

/* The longest required literal of one alternative p[0..len). */
static void
branch_literal(const char *p, size_t len, struct litscan *ls)
{
	size_t	i = 0, n;
	char	c;

	ls->runlen = ls->bestlen = ls->lastatom = 0;
	while (i < len) {
		c = p[i];
		switch (c) {
		case '\\':
			if (i + 1 >= len) {
				i++;
				break;
			}
			c = p[i + 1];
			if (c == 'Q') {
				const char *e;

				i += 2;
				e = memmem(p + i, len - i, "\\E", 2);
				n = e != NULL ? (size_t)(e - (p + i)) : len - i;
				lit_add(ls, p + i, n);
				i += n + (e != NULL ? 2 : 0);
				break;
			}
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9')) {
				/* A class, an anchor or a coded character. */
				lit_break(ls);
				i = skip_escape(p, len, i + 2, c);
				i = quantifier(ls, p, len, i);
				break;
			}
			lit_add(ls, p + i + 1, 1);
			i = quantifier(ls, p, len, i + 2);
			break;
		case '[':
			lit_break(ls);
			i = quantifier(ls, p, len, skip_class(p, len, i));
			break;
		case '(':
			lit_break(ls);
			i = quantifier(ls, p, len, skip_group(p, len, i));
			break;
		case '.':
		case '^':
		case '$':
			lit_break(ls);
			i = quantifier(ls, p, len, i + 1);
			break;
		default:
			n = utf8_len((unsigned char)c);
			if (n > len - i)
				n = len - i;
			lit_add(ls, p + i, n);
			i = quantifier(ls, p, len, i + n);
			break;
		}
	}
	lit_break(ls);
}

/*
 * The literals a subject must contain for pattern to match: one per
 * top-level alternative (any one of them occurring is enough).  Returns an
 * array of *n strings that the caller owns, or NULL with cause when some
 * alternative has no literal of LITERAL_MIN bytes or more.
 */
char **
regex_literals(const char *pattern, size_t *n, char **cause)
{
	struct litscan	 ls;
	const char	*p = pattern;
	char		**out = NULL;
	size_t		 len, i, start, nout = 0;
	int		 depth = 0;

	*n = 0;
	len = strlen(p);
	/* Leading option settings: (?i) is fine, the prefilter folds case. */
	while (len >= 3 && p[0] == '(' && p[1] == '?') {
		for (i = 2; i < len && ((p[i] >= 'a' && p[i] <= 'z') ||
		    p[i] == '-'); i++)
			if (p[i] == 'x')
				goto fail;
		if (i == 2 || i >= len || p[i] != ')')
			break;
		p += i + 1;
		len -= i + 1;
	}
	start = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && p[i] == '\\') {
			i++;
			continue;
		}
		if (i < len && p[i] == '[') {
			i = skip_class(p, len, i) - 1;
			continue;
		}
		if (i < len && p[i] == '(')
			depth++;
		else if (i < len && p[i] == ')')
			depth--;
		if (i < len && (p[i] != '|' || depth != 0))
			continue;
		branch_literal(p + start, i - start, &ls);
		if (ls.bestlen < LITERAL_MIN)
			goto fail;
		out = xreallocarray(out, nout + 1, sizeof *out);
		out[nout++] = xstrndup(ls.best, ls.bestlen);
		start = i + 1;
	}
	*n = nout;
	return out;

fail:
	for (i = 0; i < nout; i++)
		free(out[i]);
	free(out);
	xasprintf(cause, "cannot find a literal of %d or more characters "
	    "that every match contains; add a 'literal:' line", LITERAL_MIN);
	return NULL;
}
