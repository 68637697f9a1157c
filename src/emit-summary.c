/*
 * emit-summary.c: a digest as terminal text or as one JSON document.
 *
 * The "summary" command's own formats (the CI ones are in emit-sarif.c,
 * emit-github.c, emit-junit.c and emit-markdown.c): counts, what is new
 * and what regressed, then the issues grouped by whose code is at fault,
 * each with its culprit, tests, occurrences, rules, suppression line and
 * sample stack.  Text masks control characters so a log cannot drive the
 * terminal; JSON escapes them.  The JSON fields are stable: "project",
 * "generated", "last_run", "previous_run", "counts", "issues".
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

/* Untrusted text, cleaned, newlines kept only when lines is set. */
static void
tx(FILE *fp, const char *s, int lines)
{
	char		*c = digest_clean(s != NULL ? s : "");
	const char	*p;

	for (p = c; *p != '\0'; p++)
		fputc(*p == '\n' && !lines ? ' ' : *p, fp);
	free(c);
}

static void
tx_time(FILE *fp, int64_t t)
{
	char		 s[32];
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
	fputs(s, fp);
}

static void
text_issue(FILE *fp, const struct digest *d, const struct digest_issue *is,
    int color)
{
	const char	*p;
	size_t		 i;

	fputs(color ? "\033[1m" : "", fp);
	if (is->id > 0)
		fprintf(fp, "  #%" PRId64 " ", is->id);
	else
		fputs("  ", fp);
	tx(fp, is->title, 0);
	fputs(color ? "\033[0m" : "", fp);
	fprintf(fp, " [%s%s%s]%s%s\n", is->kind,
	    is->state != NULL ? ", " : "", is->state != NULL ? is->state : "",
	    is->is_new ? " (first seen in the latest run)" : "",
	    is->regression ? " (regression)" : "");
	if (is->function != NULL) {
		fputs("    culprit: ", fp);
		tx(fp, is->function, 0);
		if (is->file != NULL) {
			fputs(" at ", fp);
			tx(fp, is->file, 0);
			fprintf(fp, ":%u", is->line);
		}
		fputs("\n", fp);
	}
	fprintf(fp, "    seen %" PRId64 " time(s)", is->count);
	if (d->from_store && is->first_seen > 0) {
		fputs(", first ", fp);
		tx_time(fp, is->first_seen);
		fputs(", last ", fp);
		tx_time(fp, is->last_seen);
	}
	fputs("\n", fp);
	for (i = 0; i < is->ntests; i++) {
		fputs("    test: ", fp);
		tx(fp, is->tests[i].name, 0);
		fprintf(fp, " (%" PRId64 ")\n", is->tests[i].count);
	}
	for (i = 0; i < is->nrules; i++) {
		fputs("    rule ", fp);
		tx(fp, is->rules[i].id, 0);
		if (is->rules[i].fix != NULL) {
			fputs(": ", fp);
			tx(fp, is->rules[i].fix, 0);
		}
		if (is->rules[i].link != NULL) {
			fputs(" <", fp);
			tx(fp, is->rules[i].link, 0);
			fputs(">", fp);
		}
		fputs("\n", fp);
	}
	if (is->suppression != NULL) {
		fputs("    suppression: ", fp);
		tx(fp, is->suppression, 0);
		fputs("\n", fp);
	}
	fputs("    fingerprint: ", fp);
	tx(fp, is->fingerprint, 0);
	fputs("\n", fp);
	if (is->sample != NULL) {
		/* Indent each line of the sample under its issue. */
		fputs("      ", fp);
		for (p = is->sample; *p != '\0'; p++) {
			if (*p == '\n' && p[1] != '\0') {
				fputs("\n      ", fp);
				continue;
			}
			if ((unsigned char)*p < 0x20 && *p != '\n')
				fputc('?', fp);
			else
				fputc(*p, fp);
		}
		if (p == is->sample || p[-1] != '\n')
			fputc('\n', fp);
	}
}

/* Write a digest as readable text. */
void
summary_text_render(FILE *fp, const struct digest *d, int color)
{
	size_t	 count[DO__COUNT] = { 0 }, i;
	int	 o;

	for (i = 0; i < d->nissues; i++)
		count[d->issues[i].owner]++;
	fputs("summary", fp);
	if (d->project != NULL) {
		fputs(" of ", fp);
		tx(fp, d->project, 0);
	}
	fprintf(fp, ": %zu issue(s)", d->nissues);
	if (d->from_store)
		fprintf(fp, ", %zu new since the previous run, "
		    "%zu regression(s)", digest_count_new(d),
		    digest_count_regressions(d));
	fputs("\n", fp);
	if (d->last_run > 0) {
		fputs("latest run ", fp);
		tx_time(fp, d->last_run);
		if (d->previous_run > 0) {
			fputs(", previous run ", fp);
			tx_time(fp, d->previous_run);
		}
		fputs("\n", fp);
	}
	for (o = 0; o < DO__COUNT; o++) {
		if (count[o] == 0)
			continue;
		fprintf(fp, "\n%s: %zu issue(s)\n", digest_owner_title(o),
		    count[o]);
		for (i = 0; i < d->nissues; i++)
			if ((int)d->issues[i].owner == o)
				text_issue(fp, d, &d->issues[i], color);
	}
}

static void
js(FILE *fp, const char *s)
{
	char	*c;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	c = digest_clean(s);
	json_str(fp, c);
	free(c);
}

static void
json_issue(FILE *fp, const struct digest_issue *is)
{
	size_t	i;

	fprintf(fp, "{\"id\":%" PRId64 ",\"fingerprint\":", is->id);
	js(fp, is->fingerprint);
	fputs(",\"kind\":", fp);
	js(fp, is->kind);
	fputs(",\"title\":", fp);
	js(fp, is->title);
	fputs(",\"project\":", fp);
	js(fp, is->project);
	fputs(",\"state\":", fp);
	js(fp, is->state);
	fputs(",\"owner\":", fp);
	js(fp, digest_owner_name(is->owner));
	fputs(",\"culprit\":{\"function\":", fp);
	js(fp, is->function);
	fputs(",\"file\":", fp);
	js(fp, is->file);
	fprintf(fp, ",\"line\":%u,\"module\":", is->line);
	js(fp, is->module);
	fputs(",\"package\":", fp);
	js(fp, is->package);
	fputs(",\"class\":", fp);
	js(fp, is->cls);
	fprintf(fp, "},\"occurrences\":%" PRId64 ",\"first_seen\":%" PRId64
	    ",\"last_seen\":%" PRId64 ",\"new\":%s,\"regression\":%s,"
	    "\"tests\":[", is->count, is->first_seen, is->last_seen,
	    is->is_new ? "true" : "false", is->regression ? "true" : "false");
	for (i = 0; i < is->ntests; i++) {
		fputs(i > 0 ? ",{\"test\":" : "{\"test\":", fp);
		js(fp, is->tests[i].name);
		fprintf(fp, ",\"count\":%" PRId64 "}", is->tests[i].count);
	}
	fputs("],\"rules\":[", fp);
	for (i = 0; i < is->nrules; i++) {
		fputs(i > 0 ? ",{\"id\":" : "{\"id\":", fp);
		js(fp, is->rules[i].id);
		fputs(",\"title\":", fp);
		js(fp, is->rules[i].title);
		fputs(",\"fix\":", fp);
		js(fp, is->rules[i].fix);
		fputs(",\"link\":", fp);
		js(fp, is->rules[i].link);
		fputs("}", fp);
	}
	fputs("],\"suppression\":", fp);
	js(fp, is->suppression);
	fputs(",\"sample\":", fp);
	js(fp, is->sample);
	fputs("}", fp);
}

/* Write a digest as one JSON object. */
void
summary_json_render(FILE *fp, const struct digest *d)
{
	size_t	 count[DO__COUNT] = { 0 }, i;
	int	 o;

	for (i = 0; i < d->nissues; i++)
		count[d->issues[i].owner]++;
	fputs("{\"project\":", fp);
	js(fp, d->project);
	fprintf(fp, ",\"generated\":%" PRId64 ",\"last_run\":%" PRId64
	    ",\"previous_run\":%" PRId64 ",\"counts\":{\"issues\":%zu,"
	    "\"new\":%zu,\"regressions\":%zu", d->generated, d->last_run,
	    d->previous_run, d->nissues, digest_count_new(d),
	    digest_count_regressions(d));
	for (o = 0; o < DO__COUNT; o++)
		fprintf(fp, ",\"%s\":%zu", digest_owner_name(o), count[o]);
	fputs("},\"issues\":[", fp);
	for (i = 0; i < d->nissues; i++) {
		if (i > 0)
			fputs(",\n", fp);
		else
			fputs("\n", fp);
		json_issue(fp, &d->issues[i]);
	}
	fputs("]}\n", fp);
}
