/*
 * emit-junit.c: issues as JUnit XML, for the test views of CI systems.
 *
 * A sink at the end of the pipeline: one <testsuite> named for the project
 * and one <testcase> per issue, failed with the issue's details (culprit,
 * tests, rules and fixes, suppression, a sample stack); an issue triaged
 * as known, upstream or ignored is a skipped test case instead, one marked
 * fixed (and not seen since) a passing one, so GitLab,
 * Jenkins and the like show what needs acting on.  Log text is untrusted:
 * it is cleaned of what XML 1.0 forbids (controls, invalid UTF-8, U+FFFE
 * and U+FFFF) and the five markup characters are escaped everywhere.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

/* Write untrusted text escaped for XML content and attributes. */
static void
xml_put(FILE *fp, const char *s)
{
	char		*c;
	const char	*p;

	if (s == NULL)
		return;
	c = digest_clean(s);
	for (p = c; *p != '\0'; p++) {
		switch (*p) {
		case '&':  fputs("&amp;", fp); break;
		case '<':  fputs("&lt;", fp); break;
		case '>':  fputs("&gt;", fp); break;
		case '"':  fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		default:   fputc(*p, fp); break;
		}
	}
	free(c);
}

static int
skipped(const struct digest_issue *is)
{
	return digest_triaged(is);
}

static void
details(struct buf *b, const struct digest_issue *is)
{
	size_t	i;

	buf_printf(b, "%s (%s)\n", is->title, is->kind);
	buf_printf(b, "fingerprint: %s\n", is->fingerprint);
	if (is->id > 0)
		buf_printf(b, "issue: %" PRId64 " (%s)\n", is->id,
		    is->state != NULL ? is->state : "new");
	buf_printf(b, "whose code: %s\n", digest_owner_title(is->owner));
	if (is->function != NULL) {
		buf_printf(b, "culprit: %s", is->function);
		if (is->file != NULL)
			buf_printf(b, " at %s:%u", is->file, is->line);
		buf_adds(b, "\n");
	}
	buf_printf(b, "occurrences: %" PRId64 "\n", is->count);
	for (i = 0; i < is->ntests; i++)
		buf_printf(b, "test: %s (%" PRId64 ")\n", is->tests[i].name,
		    is->tests[i].count);
	for (i = 0; i < is->nrules; i++) {
		buf_printf(b, "rule %s: %s\n", is->rules[i].id,
		    is->rules[i].title != NULL ? is->rules[i].title : "");
		if (is->rules[i].fix != NULL)
			buf_printf(b, "  fix: %s\n", is->rules[i].fix);
		if (is->rules[i].link != NULL)
			buf_printf(b, "  see: %s\n", is->rules[i].link);
	}
	if (is->suppression != NULL)
		buf_printf(b, "suppression: %s\n", is->suppression);
	if (is->sample != NULL)
		buf_printf(b, "\n%s", is->sample);
}

static void
testcase_render(FILE *fp, const struct digest_issue *is)
{
	struct buf	 b;

	fputs("    <testcase classname=\"fttriage.", fp);
	xml_put(fp, digest_owner_name(is->owner));
	fputs(".", fp);
	xml_put(fp, is->kind);
	fputs("\" name=\"", fp);
	xml_put(fp, is->title);
	fputs(" [", fp);
	xml_put(fp, is->fingerprint);
	fputs("]\"", fp);
	if (is->loc_file != NULL) {
		fputs(" file=\"", fp);
		xml_put(fp, digest_repo_path(is->loc_file));
		fputs("\"", fp);
		if (is->loc_line > 0)
			fprintf(fp, " line=\"%u\"", is->loc_line);
	}
	fputs(" time=\"0\">\n", fp);

	buf_init(&b, FT_REPORT_TEXT_MAX);
	details(&b, is);
	if (digest_fixed(is)) {
		fputs("      <system-out>", fp);
		xml_put(fp, buf_cstr(&b));
		fputs("</system-out>\n", fp);
	} else if (skipped(is)) {
		fputs("      <skipped message=\"", fp);
		xml_put(fp, is->state);
		fputs("\"/>\n      <system-out>", fp);
		xml_put(fp, buf_cstr(&b));
		fputs("</system-out>\n", fp);
	} else {
		fputs("      <failure message=\"", fp);
		xml_put(fp, is->title);
		fputs("\" type=\"", fp);
		xml_put(fp, is->kind);
		fputs("\">", fp);
		xml_put(fp, buf_cstr(&b));
		fputs("</failure>\n", fp);
	}
	buf_release(&b);
	fputs("    </testcase>\n", fp);
}

/* Write a digest as one JUnit XML document. */
void
junit_render(FILE *fp, const struct digest *d)
{
	char		 stamp[32];
	struct tm	 tm;
	time_t		 t = (time_t)d->generated;
	size_t		 i, nskipped = 0, npassed = 0;

	for (i = 0; i < d->nissues; i++) {
		nskipped += skipped(&d->issues[i]);
		npassed += digest_fixed(&d->issues[i]);
	}
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"fttriage\" tests=\"%zu\" "
	    "failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", d->nissues,
	    d->nissues - nskipped - npassed, nskipped);
	fputs("  <testsuite name=\"fttriage", fp);
	if (d->project != NULL) {
		fputs(": ", fp);
		xml_put(fp, d->project);
	}
	fprintf(fp, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"%zu\" time=\"0\" timestamp=\"%s\">\n", d->nissues,
	    d->nissues - nskipped - npassed, nskipped, stamp);
	for (i = 0; i < d->nissues; i++)
		testcase_render(fp, &d->issues[i]);
	fputs("  </testsuite>\n</testsuites>\n", fp);
}

/* Format table finish for "scan --format junit". */
void
emit_junit_finish(FILE *fp, const struct emit_opts *o)
{
	struct digest	*d = emit_digest_take();

	(void)o;
	junit_render(fp, d);
	digest_free(d);
}
