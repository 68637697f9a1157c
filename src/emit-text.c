/*
 * emit-text.c: the readable terminal summary of a report, and the table
 * of output formats.
 *
 * A sink of the pipeline.  For each report: its number, kind and title;
 * where in which log it was found; pid and test; what was missing if it is
 * incomplete; then each stack with its role and its top frames, each frame
 * with its class.  Colour only on a terminal.  Text from the log is printed
 * with control bytes masked, so a log cannot drive the terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

static const struct emit_format formats[] = {
	{ "text", NULL, emit_text_report, NULL },
	{ "json", NULL, emit_json_report, NULL },
	/* Whole documents, one entry per issue: written at the end. */
	{ "sarif", emit_digest_start, emit_digest_report, emit_sarif_finish },
	{ "github", emit_digest_start, emit_digest_report, emit_github_finish },
	{ "junit", emit_digest_start, emit_digest_report, emit_junit_finish },
	{ "markdown", emit_digest_start, emit_digest_report,
	  emit_markdown_finish },
};

const struct emit_format *
emit_format_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(formats); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

/* "text, json, ..." for messages. */
const char *
emit_format_names(void)
{
	static char	names[256];
	size_t		i;

	names[0] = '\0';
	for (i = 0; i < nitems(formats); i++) {
		if (i > 0)
			strncat(names, ", ", sizeof names - strlen(names) - 1);
		strncat(names, formats[i].name, sizeof names - strlen(names) - 1);
	}
	return names;
}

/* Print untrusted text with control bytes and C1 controls masked. */
static void
safe_puts(FILE *fp, const char *s)
{
	fputs_safe(s, fp);
}

static const char *
col(const struct emit_opts *o, const char *code)
{
	return o->color ? code : "";
}

static void
text_frame(FILE *fp, const struct frame *f, const struct emit_opts *o)
{
	fprintf(fp, "      #%u ", f->index);
	if (f->function != NULL) {
		fputs(col(o, "\033[1m"), fp);
		safe_puts(fp, f->function);
		fputs(col(o, "\033[0m"), fp);
	} else
		fputs("??", fp);
	if (f->file != NULL) {
		fputc(' ', fp);
		safe_puts(fp, f->file);
		if (f->line)
			fprintf(fp, ":%u", f->line);
		if (f->column)
			fprintf(fp, ":%u", f->column);
	}
	if (f->module != NULL) {
		fputs(" (", fp);
		safe_puts(fp, f->module);
		if (f->has_offset)
			fprintf(fp, "+0x%" PRIx64, f->offset);
		fputc(')', fp);
	}
	if (f->inlined)
		fputs(" [inlined]", fp);
	if (f->cls != FC_UNKNOWN) {
		fprintf(fp, " %s[%s", col(o, "\033[2m"),
		    frame_class_name(f->cls));
		if (f->package != NULL) {
			fputc(' ', fp);
			safe_puts(fp, f->package);
		}
		fprintf(fp, "]%s", col(o, "\033[0m"));
	}
	fputc('\n', fp);
}

/* Write one report as readable text. */
void
emit_text_report(FILE *fp, const struct report *r, const struct emit_opts *o)
{
	const struct frame *culprit = report_culprit(r);
	struct rule_info ri;
	size_t	 i, j, n;

	fprintf(fp, "%s[%d] %s%s: ", col(o, "\033[1;31m"), o->seq,
	    report_kind_name(r->kind), col(o, "\033[0m"));
	safe_puts(fp, r->title != NULL ? r->title : "");
	fputc('\n', fp);
	fputs("    at ", fp);
	safe_puts(fp, r->origin.path != NULL ? r->origin.path : "-");
	fprintf(fp, ":%" PRIu64, r->origin.first_line);
	if (r->origin.last_line != r->origin.first_line)
		fprintf(fp, "-%" PRIu64, r->origin.last_line);
	if (r->pid >= 0)
		fprintf(fp, "  pid %ld", r->pid);
	if (r->test != NULL) {
		fputs("  test ", fp);
		safe_puts(fp, r->test);
	}
	fputc('\n', fp);
	if (!r->complete) {
		fprintf(fp, "    %sincomplete:%s ", col(o, "\033[33m"),
		    col(o, "\033[0m"));
		safe_puts(fp, r->missing != NULL ? r->missing : "?");
		fputc('\n', fp);
	}
	if (culprit != NULL && culprit->function != NULL) {
		fputs("    culprit: ", fp);
		safe_puts(fp, culprit->function);
		if (culprit->package != NULL) {
			fputs(" (", fp);
			safe_puts(fp, culprit->package);
			fputc(')', fp);
		}
		fputc('\n', fp);
	}
	if (r->fingerprint != NULL)
		fprintf(fp, "    fingerprint: %s\n", r->fingerprint);
	for (i = 0; i < r->nstacks; i++) {
		const struct stack *s = &r->stacks[i];

		fprintf(fp, "    %s", stack_role_name(s->role));
		if (s->label != NULL) {
			fputs(": ", fp);
			safe_puts(fp, s->label);
		}
		fputc('\n', fp);
		n = s->nframes;
		if (o->frames > 0 && n > (size_t)o->frames)
			n = (size_t)o->frames;
		for (j = 0; j < n; j++)
			text_frame(fp, &s->frames[j], o);
		if (n < s->nframes || s->dropped > 0)
			fprintf(fp, "      ... %zu more frames\n",
			    s->nframes - n + s->dropped);
	}
	for (i = 0; i < r->nrules; i++) {
		fprintf(fp, "    %srule %s%s", col(o, "\033[36m"), r->rules[i],
		    col(o, "\033[0m"));
		if (r->fixes[i] != NULL) {
			fputs(": ", fp);
			safe_puts(fp, r->fixes[i]);
		}
		fputc('\n', fp);
		if (rules_describe(r, i, &ri) == 0 && ri.link != NULL) {
			fputs("      see ", fp);
			safe_puts(fp, ri.link);
			fputc('\n', fp);
		}
	}
	if (r->suppressed) {
		fputs("    suppressed by ", fp);
		safe_puts(fp, r->suppressed_by);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}
