/*
 * emit-github.c: issues as GitHub Actions workflow commands.
 *
 * A sink at the end of the pipeline: one "::error file=F,line=L,title=T::M"
 * line per issue ("::warning" or "::notice" for milder rules), so that a
 * workflow run shows each issue as an annotation at its culprit frame.
 * GitHub reads a workflow command only at the start of a line and decodes
 * %25, %0D and %0A in the message and also %3A and %2C in properties: all
 * text is encoded that way, so a log that carries "%0A::error::" or a
 * newline cannot start a command of its own, and control characters
 * (terminal escapes) are removed first.  Paths under $GITHUB_WORKSPACE are
 * made relative to it.  Issues triaged as known, upstream or ignored, and
 * fixed ones not seen since, get no annotation.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

/* Write s encoded for a command: data, or a property when prop is set. */
static void
gh_put(FILE *fp, const char *s, int prop)
{
	char		*c = digest_clean(s);
	const char	*p;

	for (p = c; *p != '\0'; p++) {
		switch (*p) {
		case '%':
			fputs("%25", fp);
			break;
		case '\r':
			fputs("%0D", fp);
			break;
		case '\n':
			fputs("%0A", fp);
			break;
		case ':':
			fputs(prop ? "%3A" : ":", fp);
			break;
		case ',':
			fputs(prop ? "%2C" : ",", fp);
			break;
		default:
			fputc(*p, fp);
			break;
		}
	}
	free(c);
}

static const char *
gh_command(const char *level)
{
	if (strcmp(level, "warning") == 0)
		return "warning";
	if (strcmp(level, "note") == 0)
		return "notice";
	return "error";
}

static void
issue_render(FILE *fp, const struct digest_issue *is)
{
	struct buf	 m;
	char		*title;
	size_t		 i;

	fprintf(fp, "::%s ", gh_command(digest_level(is)));
	if (is->loc_file != NULL) {
		fputs("file=", fp);
		gh_put(fp, digest_repo_path(is->loc_file), 1);
		if (is->loc_line > 0)
			fprintf(fp, ",line=%u", is->loc_line);
		fputs(",", fp);
	}
	xasprintf(&title, "fttriage: %s", is->title);
	fputs("title=", fp);
	gh_put(fp, title, 1);
	free(title);
	fputs("::", fp);

	buf_init(&m, 65536);
	buf_printf(&m, "%s (%s", is->title, is->kind);
	if (is->id > 0)
		buf_printf(&m, ", issue %" PRId64, is->id);
	buf_printf(&m, ", seen %" PRId64 " time(s))", is->count);
	if (is->is_new)
		buf_adds(&m, " [new]");
	if (is->regression)
		buf_adds(&m, " [regression]");
	if (is->function != NULL) {
		buf_printf(&m, "\nculprit: %s", is->function);
		if (is->file != NULL)
			buf_printf(&m, " at %s:%u", is->file, is->line);
	}
	for (i = 0; i < is->ntests && i < 5; i++)
		buf_printf(&m, "\ntest: %s", is->tests[i].name);
	for (i = 0; i < is->nrules; i++) {
		buf_printf(&m, "\nrule %s", is->rules[i].id);
		if (is->rules[i].fix != NULL)
			buf_printf(&m, ": %s", is->rules[i].fix);
		if (is->rules[i].link != NULL)
			buf_printf(&m, " (%s)", is->rules[i].link);
	}
	if (is->suppression != NULL)
		buf_printf(&m, "\nsuppression: %s", is->suppression);
	buf_printf(&m, "\nfingerprint: %s", is->fingerprint);
	gh_put(fp, buf_cstr(&m), 0);
	buf_release(&m);
	fputc('\n', fp);
}

/* Write a digest as workflow commands, one line per issue. */
void
github_render(FILE *fp, const struct digest *d)
{
	size_t	i;

	for (i = 0; i < d->nissues; i++)
		if (!digest_triaged(&d->issues[i]) &&
		    !digest_fixed(&d->issues[i]))
			issue_render(fp, &d->issues[i]);
}

/* Format table finish for "scan --format github". */
void
emit_github_finish(FILE *fp, const struct emit_opts *o)
{
	struct digest	*d = emit_digest_take();

	(void)o;
	github_render(fp, d);
	digest_free(d);
}
