/*
 * emit-json.c: one JSON object per report, one per line.
 *
 * A sink of the pipeline.  The schema is documented in fttriage(1) under
 * JSON OUTPUT and is kept stable: fields are only ever added.  Addresses
 * and offsets are hex strings; absent values are null.
 */
#include "config.h"

#include <string.h>

#include "fttriage.h"
#include "emit.h"

static const struct {
	unsigned	 bit;
	const char	*name;
} part_names[] = {
	{ RP_TSAN, "tsan" }, { RP_ASAN, "asan" }, { RP_LSAN, "lsan" },
	{ RP_UBSAN, "ubsan" }, { RP_MSAN, "msan" },
	{ RP_PYTHON_FATAL, "python-fatal" }, { RP_FAULTHANDLER, "faulthandler" },
	{ RP_GDB, "gdb-backtrace" }, { RP_LLDB, "lldb-backtrace" },
	{ RP_BUILD, "build-error" }, { RP_EVENT, "event" },
	{ RP_PYEXC, "python-exception" },
};

static void
json_frame(FILE *fp, const struct frame *f)
{
	int	 first = 1;

	fputc('{', fp);
	json_key(fp, "index", &first);
	json_u64(fp, f->index);
	json_key(fp, "function", &first);
	json_str(fp, f->function);
	json_key(fp, "function_raw", &first);
	json_str(fp, f->function_raw);
	json_key(fp, "file", &first);
	json_str(fp, f->file);
	json_key(fp, "line", &first);
	if (f->line)
		json_u64(fp, f->line);
	else
		fputs("null", fp);
	json_key(fp, "column", &first);
	if (f->column)
		json_u64(fp, f->column);
	else
		fputs("null", fp);
	json_key(fp, "module", &first);
	json_str(fp, f->module);
	json_key(fp, "module_path", &first);
	json_str(fp, f->module_path);
	json_key(fp, "offset", &first);
	if (f->has_offset)
		json_hex(fp, f->offset);
	else
		fputs("null", fp);
	json_key(fp, "address", &first);
	if (f->has_address)
		json_hex(fp, f->address);
	else
		fputs("null", fp);
	json_key(fp, "build_id", &first);
	json_str(fp, f->build_id);
	json_key(fp, "inlined", &first);
	fputs(f->inlined ? "true" : "false", fp);
	json_key(fp, "pc", &first);
	json_str(fp, pc_kind_name(f->pc));
	json_key(fp, "resolved", &first);
	json_str(fp, frame_source_name(f->source));
	json_key(fp, "class", &first);
	json_str(fp, frame_class_name(f->cls));
	json_key(fp, "package", &first);
	json_str(fp, f->package);
	fputc('}', fp);
}

/* Write one report as a single line of JSON. */
void
emit_json_report(FILE *fp, const struct report *r,
    const struct emit_opts *o)
{
	struct rule_info ri;
	size_t	 i, j;
	int	 first = 1, f2;

	fputc('{', fp);
	json_key(fp, "schema", &first);
	fputs("1", fp);
	json_key(fp, "kind", &first);
	json_str(fp, report_kind_name(r->kind));
	json_key(fp, "family", &first);
	json_str(fp, report_kind_family(r->kind));
	json_key(fp, "parts", &first);
	fputc('[', fp);
	for (i = 0, f2 = 1; i < nitems(part_names); i++)
		if (r->parts & part_names[i].bit) {
			if (!f2)
				fputc(',', fp);
			f2 = 0;
			json_str(fp, part_names[i].name);
		}
	fputc(']', fp);
	json_key(fp, "title", &first);
	json_str(fp, r->title);
	json_key(fp, "summary", &first);
	json_str(fp, r->summary);
	json_key(fp, "complete", &first);
	fputs(r->complete ? "true" : "false", fp);
	json_key(fp, "missing", &first);
	json_str(fp, r->missing);

	json_key(fp, "source", &first);
	f2 = 1;
	fputc('{', fp);
	json_key(fp, "path", &f2);
	json_str(fp, r->origin.path);
	json_key(fp, "first_line", &f2);
	json_u64(fp, r->origin.first_line);
	json_key(fp, "last_line", &f2);
	json_u64(fp, r->origin.last_line);
	json_key(fp, "first_byte", &f2);
	json_u64(fp, r->origin.first_byte);
	json_key(fp, "end_byte", &f2);
	json_u64(fp, r->origin.end_byte);
	fputc('}', fp);

	json_key(fp, "pid", &first);
	if (r->pid >= 0)
		fprintf(fp, "%ld", r->pid);
	else
		fputs("null", fp);
	json_key(fp, "test", &first);
	json_str(fp, r->test);
	json_key(fp, "channel", &first);
	json_str(fp, r->channel);

	json_key(fp, "attributes", &first);
	fputc('{', fp);
	for (i = 0, f2 = 1; i < r->nattrs; i++) {
		json_key(fp, r->attrs[i].key, &f2);
		json_str(fp, r->attrs[i].value);
	}
	fputc('}', fp);

	json_key(fp, "stacks", &first);
	fputc('[', fp);
	for (i = 0; i < r->nstacks; i++) {
		const struct stack *s = &r->stacks[i];

		if (i > 0)
			fputc(',', fp);
		f2 = 1;
		fputc('{', fp);
		json_key(fp, "role", &f2);
		json_str(fp, stack_role_name(s->role));
		json_key(fp, "label", &f2);
		json_str(fp, s->label);
		json_key(fp, "thread", &f2);
		json_str(fp, s->thread);
		json_key(fp, "dropped_frames", &f2);
		json_u64(fp, s->dropped);
		json_key(fp, "frames", &f2);
		fputc('[', fp);
		for (j = 0; j < s->nframes; j++) {
			if (j > 0)
				fputc(',', fp);
			json_frame(fp, &s->frames[j]);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);

	json_key(fp, "culprit", &first);
	if (report_culprit(r) != NULL)
		fprintf(fp, "{\"stack\":%d,\"frame\":%d}", r->culprit_stack,
		    r->culprit_frame);
	else
		fputs("null", fp);
	json_key(fp, "fingerprint", &first);
	json_str(fp, r->fingerprint);
	json_key(fp, "rules", &first);
	fputc('[', fp);
	for (i = 0; i < r->nrules; i++) {
		if (i > 0)
			fputc(',', fp);
		f2 = 1;
		fputc('{', fp);
		json_key(fp, "id", &f2);
		json_str(fp, r->rules[i]);
		json_key(fp, "fix", &f2);
		json_str(fp, r->fixes[i]);
		if (rules_describe(r, i, &ri) == 0) {
			json_key(fp, "title", &f2);
			json_str(fp, ri.title);
			json_key(fp, "severity", &f2);
			json_str(fp, ri.severity);
			json_key(fp, "link", &f2);
			json_str(fp, ri.link);
		}
		fputc('}', fp);
	}
	fputc(']', fp);
	json_key(fp, "suppressed_by", &first);
	json_str(fp, r->suppressed ? r->suppressed_by : NULL);
	fputs("}\n", fp);
}
