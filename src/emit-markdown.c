/*
 * emit-markdown.c: issues as Markdown, ready to paste into a GitHub issue.
 *
 * A sink at the end of the pipeline, for "summary --format markdown" (and
 * "scan --format markdown"): counts, then the issues grouped by whose code
 * is at fault, each with its culprit, tests, occurrences, rules with their
 * fix and link, a suppression line and a sample stack in a fenced block.
 *
 * Log text is untrusted and must not act once pasted: in prose it is
 * escaped (Markdown punctuation backslashed, "<", ">" and "&" as entities,
 * a zero-width space after "@" and before the digits of "#123" so nobody
 * is mentioned and no issue linked); inline code uses a backtick run
 * longer than any in the text, with the same mention and link breaking,
 * and text with markup characters is escaped prose instead;
 * a sample goes in a fence longer than any backtick run it holds.
 * Control characters (terminal escapes) are removed everywhere.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

#define ZWSP "\xe2\x80\x8b"   /* U+200B ZERO WIDTH SPACE */

/* The longest run of backticks in s. */
static size_t
backtick_run(const char *s)
{
	size_t	n = 0, best = 0;

	for (; *s != '\0'; s++) {
		n = *s == '`' ? n + 1 : 0;
		if (n > best)
			best = n;
	}
	return best;
}

/* Break "@name" and "#123" so GitHub neither mentions nor links. */
static int
md_break(FILE *fp, const char *p)
{
	if (*p == '@') {
		fputs("@" ZWSP, fp);
		return 1;
	}
	if (*p == '#' && p[1] >= '0' && p[1] <= '9') {
		fputs("#" ZWSP, fp);
		return 1;
	}
	return 0;
}

/* Untrusted text as escaped prose on one line. */
static void
md_text(FILE *fp, const char *s)
{
	char		*c;
	const char	*p;

	if (s == NULL)
		return;
	c = digest_clean(s);
	for (p = c; *p != '\0'; p++) {
		if (md_break(fp, p))
			continue;
		switch (*p) {
		case '<':  fputs("&lt;", fp); break;
		case '>':  fputs("&gt;", fp); break;
		case '&':  fputs("&amp;", fp); break;
		case '\n': fputc(' ', fp); break;
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '(': case ')': case '!': case '|': case '~': case '#':
			fputc('\\', fp);
			fputc(*p, fp);
			break;
		default:
			fputc(*p, fp);
			break;
		}
	}
	free(c);
}

/* Untrusted text as one inline code span. */
static void
md_code(FILE *fp, const char *s)
{
	char		*c;
	const char	*p;
	size_t		 n, i;
	int		 pad;

	/* Markup characters go as escaped prose: nothing raw to trip on. */
	if (s != NULL && strpbrk(s, "<>&") != NULL) {
		md_text(fp, s);
		return;
	}
	c = digest_clean(s != NULL ? s : "");
	for (p = c; *p != '\0'; p++)
		if (*p == '\n')
			*(char *)p = ' ';
	n = backtick_run(c) + 1;
	pad = c[0] == '`' || c[0] == ' ' || (*c != '\0' &&
	    (c[strlen(c) - 1] == '`' || c[strlen(c) - 1] == ' '));
	for (i = 0; i < n; i++)
		fputc('`', fp);
	if (pad)
		fputc(' ', fp);
	for (p = c; *p != '\0'; p++)
		if (!md_break(fp, p))
			fputc(*p, fp);
	if (pad)
		fputc(' ', fp);
	for (i = 0; i < n; i++)
		fputc('`', fp);
	free(c);
}

/* Untrusted text as a fenced block, the fence longer than any run. */
static void
md_block(FILE *fp, const char *s)
{
	char	*c = digest_clean(s);
	size_t	 n = backtick_run(c), i;

	if (n < 3)
		n = 3;
	else
		n++;
	for (i = 0; i < n; i++)
		fputc('`', fp);
	fputs("text\n", fp);
	fputs(c, fp);
	if (*c == '\0' || c[strlen(c) - 1] != '\n')
		fputc('\n', fp);
	for (i = 0; i < n; i++)
		fputc('`', fp);
	fputc('\n', fp);
	free(c);
}

/* A link from a rule file, only when it is a plain http(s) URL. */
static void
md_link(FILE *fp, const char *url)
{
	const char	*p;

	if (!str_startswith(url, "https://") &&
	    !str_startswith(url, "http://"))
		goto code;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[]`\"'\\", *p) !=
		    NULL || (unsigned char)*p >= 0x7f)
			goto code;
	fprintf(fp, "[%s](%s)", url, url);
	return;
code:
	md_code(fp, url);
}

static void
md_time(FILE *fp, int64_t t)
{
	char		 s[32];
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm);
	fputs(s, fp);
}

static void
issue_render(FILE *fp, const struct digest *d, const struct digest_issue *is,
    size_t n)
{
	size_t	i;

	fprintf(fp, "#### %zu. ", n);
	md_text(fp, is->title);
	if (is->is_new)
		fputs(" (new)", fp);
	if (is->regression)
		fputs(" (regression)", fp);
	fputs("\n\n- **Kind:** ", fp);
	md_code(fp, is->kind);
	if (is->id > 0)
		fprintf(fp, " · **Issue:** %" PRId64, is->id);
	if (is->state != NULL) {
		fputs(" · **State:** ", fp);
		md_text(fp, is->state);
	}
	fputs("\n- **Culprit:** ", fp);
	if (is->function != NULL) {
		md_code(fp, is->function);
		if (is->file != NULL) {
			fputs(" at ", fp);
			md_code(fp, is->file);
			if (is->line > 0)
				fprintf(fp, " line %u", is->line);
		}
		if (is->package != NULL) {
			fputs(" (", fp);
			md_text(fp, is->package);
			fputs(")", fp);
		}
	} else
		fputs("not known", fp);
	fputs("\n", fp);
	if (is->ntests > 0) {
		fputs("- **Tests:**", fp);
		for (i = 0; i < is->ntests; i++) {
			fputs(i > 0 ? ", " : " ", fp);
			md_code(fp, is->tests[i].name);
			fprintf(fp, " (%" PRId64 ")", is->tests[i].count);
		}
		fputs("\n", fp);
	}
	fprintf(fp, "- **Occurrences:** %" PRId64, is->count);
	if (d->from_store && is->first_seen > 0) {
		fputs(", first seen ", fp);
		md_time(fp, is->first_seen);
		fputs(", last seen ", fp);
		md_time(fp, is->last_seen);
	}
	fputs("\n", fp);
	for (i = 0; i < is->nrules; i++) {
		fputs("- **Rule** ", fp);
		md_code(fp, is->rules[i].id);
		if (is->rules[i].title != NULL) {
			fputs(": ", fp);
			md_text(fp, is->rules[i].title);
		}
		if (is->rules[i].fix != NULL) {
			fputs(". **Fix:** ", fp);
			md_text(fp, is->rules[i].fix);
		}
		if (is->rules[i].link != NULL) {
			fputs(" See ", fp);
			md_link(fp, is->rules[i].link);
		}
		fputs("\n", fp);
	}
	if (is->suppression != NULL) {
		fputs("- **TSan suppression:** ", fp);
		md_code(fp, is->suppression);
		fputs("\n", fp);
	}
	fputs("- **Fingerprint:** ", fp);
	md_code(fp, is->fingerprint);
	fputs("\n", fp);
	if (is->sample != NULL) {
		fputs("\n<details><summary>Sample stack</summary>\n\n", fp);
		md_block(fp, is->sample);
		fputs("\n</details>\n", fp);
	}
	fputs("\n", fp);
}

/* Write a digest as a Markdown summary. */
void
markdown_render(FILE *fp, const struct digest *d)
{
	size_t	 count[DO__COUNT] = { 0 }, fresh[DO__COUNT] = { 0 };
	int64_t	 occ[DO__COUNT] = { 0 };
	size_t	 i, n = 0;
	int	 o;

	for (i = 0; i < d->nissues; i++) {
		o = d->issues[i].owner;
		count[o]++;
		fresh[o] += d->issues[i].is_new || d->issues[i].regression;
		occ[o] += d->issues[i].count;
	}
	fputs("## fttriage summary", fp);
	if (d->project != NULL) {
		fputs(": ", fp);
		md_text(fp, d->project);
	}
	fprintf(fp, "\n\n**%zu issue(s)**", d->nissues);
	if (d->from_store)
		fprintf(fp, ", %zu new since the previous run, "
		    "%zu regression(s)", digest_count_new(d),
		    digest_count_regressions(d));
	fputs(".", fp);
	if (d->last_run > 0) {
		fputs(" Latest run ", fp);
		md_time(fp, d->last_run);
		if (d->previous_run > 0) {
			fputs(", previous run ", fp);
			md_time(fp, d->previous_run);
		}
		fputs(".", fp);
	}
	fputs("\n\n| Whose code | Issues |", fp);
	fputs(d->from_store ? " New or regressed |" : "", fp);
	fputs(" Occurrences |\n|---|---:|", fp);
	fputs(d->from_store ? "---:|" : "", fp);
	fputs("---:|\n", fp);
	for (o = 0; o < DO__COUNT; o++) {
		if (count[o] == 0)
			continue;
		fprintf(fp, "| %s | %zu |", digest_owner_title(o), count[o]);
		if (d->from_store)
			fprintf(fp, " %zu |", fresh[o]);
		fprintf(fp, " %" PRId64 " |\n", occ[o]);
	}
	fputs("\n", fp);
	for (o = 0; o < DO__COUNT; o++) {
		if (count[o] == 0)
			continue;
		fprintf(fp, "### %s\n\n", digest_owner_title(o));
		for (i = 0; i < d->nissues; i++)
			if ((int)d->issues[i].owner == o)
				issue_render(fp, d, &d->issues[i], ++n);
	}
}

/* Format table finish for "scan --format markdown". */
void
emit_markdown_finish(FILE *fp, const struct emit_opts *o)
{
	struct digest	*d = emit_digest_take();

	(void)o;
	markdown_render(fp, d);
	digest_free(d);
}
