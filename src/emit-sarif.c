/*
 * emit-sarif.c: issues as SARIF 2.1.0, for code scanning.
 *
 * A sink at the end of the pipeline, for "scan --format sarif" (one result
 * per distinct fingerprint in the run) and "summary --format sarif" (one
 * result per stored issue).  Each result is located at its issue's culprit
 * frame (or the first frame with a file, or the log line), names the rule
 * that matched it (or a rule standing for its kind), and carries the
 * fingerprint in partialFingerprints so that code scanning keeps one alert
 * per issue across runs.  Issues triaged as known, upstream or ignored
 * carry an accepted suppression (code scanning shows them as dismissed);
 * fixed issues not seen since are left out, so their alerts close.  The
 * rules used are described in tool.driver.rules with their help text and
 * link.  All text goes through digest_clean and JSON escaping.  Paths
 * under $GITHUB_WORKSPACE are made relative to it, as code scanning wants
 * paths relative to the checkout.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "emit.h"
#include "digest.h"

#define SARIF_SCHEMA \
	"https://json.schemastore.org/sarif-2.1.0.json"

/* A rule as SARIF describes it: a matched rule, or one per kind. */
struct sarif_rule {
	const char		*id;
	const struct digest_rule *rule;   /* NULL: the kind's own */
	const char		*kind;
};

/* What each report kind is, for the rules that stand for a kind. */
static const struct {
	const char	*prefix;
	const char	*what;
	const char	*uri;
} kind_help[] = {
	{ "tsan-",	"a ThreadSanitizer report",
	  "https://clang.llvm.org/docs/ThreadSanitizer.html" },
	{ "asan",	"an AddressSanitizer report",
	  "https://clang.llvm.org/docs/AddressSanitizer.html" },
	{ "lsan",	"a LeakSanitizer report",
	  "https://clang.llvm.org/docs/LeakSanitizer.html" },
	{ "ubsan",	"an UndefinedBehaviorSanitizer report",
	  "https://clang.llvm.org/docs/UndefinedBehaviorSanitizer.html" },
	{ "python-",	"a crash or error of the Python interpreter",
	  "https://docs.python.org/3/howto/free-threading-extensions.html" },
	{ "faulthandler", "a faulthandler dump of every thread",
	  "https://docs.python.org/3/library/faulthandler.html" },
	{ "",		"a problem found in a test log",
	  "https://docs.python.org/3/howto/free-threading-extensions.html" },
};

/* Untrusted text as a JSON string, controls removed. */
static void
sj(FILE *fp, const char *s)
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

static size_t
kind_help_index(const char *kind)
{
	size_t	i;

	for (i = 0; i < nitems(kind_help) - 1; i++)
		if (str_startswith(kind, kind_help[i].prefix))
			return i;
	return nitems(kind_help) - 1;
}

/*
 * A path without "." and ".." segments, resolved lexically: code scanning
 * refuses URIs that hold them.  ".." above a relative path's start (as in
 * gcc's "../../../../src/libsanitizer/...") is dropped.  Caller frees.
 */
static char *
path_normalize(const char *path)
{
	const char	*p = path, *e;
	size_t		*starts = NULL, n = 0, len;
	struct buf	 b;
	int		 absolute = path[0] == '/';

	buf_init(&b, 8192);
	if (absolute)
		buf_addc(&b, '/');
	while (*p != '\0') {
		while (*p == '/')
			p++;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		len = (size_t)(e - p);
		if (len == 0 || (len == 1 && p[0] == '.'))
			;
		else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n > 0)
				b.len = starts[--n];  /* back to before it */
		} else {
			starts = xreallocarray(starts, n + 1, sizeof *starts);
			starts[n++] = b.len;
			if (b.len > 0 && b.data[b.len - 1] != '/')
				buf_addc(&b, '/');
			buf_add(&b, p, len);
		}
		p = e;
	}
	free(starts);
	return buf_detach(&b);
}

/* A path as a URI reference: file:// when absolute, percent-encoded. */
static char *
path_uri(const char *path, int *relative)
{
	static const char safe[] = "-._~/!$&'()*+,;=:@";
	struct buf	 b;
	const unsigned char *p;
	char		*norm;

	norm = path_normalize(digest_repo_path(path));
	path = norm;
	buf_init(&b, 8192);
	*relative = path[0] != '/';
	if (!*relative)
		buf_adds(&b, "file://");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || (*p != '\0' &&
		    strchr(safe, *p) != NULL && !(*relative && *p == ':' &&
		    p == (const unsigned char *)path)))
			buf_addc(&b, *p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	free(norm);
	return buf_detach(&b);
}

/* The id of the rule a result is filed under. */
static char *
result_rule_id(const struct digest_issue *is)
{
	char	*id;

	if (is->nrules > 0)
		return xstrdup(is->rules[0].id);
	xasprintf(&id, "fttriage/%s", is->kind);
	return id;
}

/* Collect the distinct rules of the results, in order of first use. */
static struct sarif_rule *
collect_rules(const struct digest *d, char **ids, size_t *n)
{
	struct sarif_rule *sr = NULL;
	const struct digest_issue *is;
	size_t		 i, j;

	*n = 0;
	for (i = 0; i < d->nissues; i++) {
		is = &d->issues[i];
		if (ids[i] == NULL)
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp(sr[j].id, ids[i]) == 0)
				break;
		if (j < *n)
			continue;
		sr = xreallocarray(sr, *n + 1, sizeof *sr);
		sr[*n].id = ids[i];
		sr[*n].rule = is->nrules > 0 ? &is->rules[0] : NULL;
		sr[*n].kind = is->kind;
		(*n)++;
	}
	return sr;
}

static const char *
level_of(const char *severity)
{
	if (severity != NULL && (strcmp(severity, "error") == 0 ||
	    strcmp(severity, "warning") == 0 || strcmp(severity, "note") == 0))
		return severity;
	return "error";
}

/* A readable name for a rule id: "fttriage/tsan-data-race" becomes
 * "TsanDataRace" (SARIF wants the name to differ from the opaque id). */
static char *
rule_name(const char *id)
{
	const char	*p = strrchr(id, '/');
	char		*name, *q;
	int		 up = 1;

	p = p != NULL ? p + 1 : id;
	name = q = xmalloc(strlen(p) + 1);
	for (; *p != '\0'; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			up = 1;
			continue;
		}
		*q++ = up && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p;
		up = 0;
	}
	*q = '\0';
	return name;
}

static void
rule_render(FILE *fp, const struct sarif_rule *sr)
{
	const struct digest_rule *r = sr->rule;
	size_t		 k;
	char		*text, *name;

	fputs("        {\"id\": ", fp);
	sj(fp, sr->id);
	fputs(", \"name\": ", fp);
	name = rule_name(sr->id);
	sj(fp, name);
	free(name);
	if (r != NULL) {
		fputs(",\n         \"shortDescription\": {\"text\": ", fp);
		sj(fp, r->title != NULL ? r->title : r->id);
		fputs("},\n         \"fullDescription\": {\"text\": ", fp);
		sj(fp, r->explain != NULL ? r->explain :
		    (r->title != NULL ? r->title : r->id));
		xasprintf(&text, "%s%s%s", r->explain != NULL ? r->explain : "",
		    r->explain != NULL && r->fix != NULL ? "\n\nFix: " : "",
		    r->fix != NULL ? r->fix : "");
		fputs("},\n         \"help\": {\"text\": ", fp);
		sj(fp, *text != '\0' ? text : (r->title != NULL ? r->title :
		    r->id));
		free(text);
		fputs("}", fp);
		if (r->link != NULL) {
			fputs(",\n         \"helpUri\": ", fp);
			sj(fp, r->link);
		}
		fprintf(fp, ",\n         \"defaultConfiguration\": "
		    "{\"level\": \"%s\"}", level_of(r->severity));
	} else {
		k = kind_help_index(sr->kind);
		xasprintf(&text, "%s: %s", sr->kind, kind_help[k].what);
		fputs(",\n         \"shortDescription\": {\"text\": ", fp);
		sj(fp, text);
		fputs("},\n         \"fullDescription\": {\"text\": ", fp);
		sj(fp, text);
		fputs("},\n         \"help\": {\"text\": ", fp);
		free(text);
		xasprintf(&text, "fttriage found %s of kind %s and no rule "
		    "that knows its fix. Run 'fttriage show' on the issue for "
		    "its stacks and occurrences.", kind_help[k].what,
		    sr->kind);
		sj(fp, text);
		free(text);
		fputs("},\n         \"helpUri\": ", fp);
		sj(fp, kind_help[k].uri);
		fputs(",\n         \"defaultConfiguration\": "
		    "{\"level\": \"error\"}", fp);
	}
	fputs(",\n         \"properties\": {\"tags\": [\"free-threading\", ",
	    fp);
	sj(fp, sr->kind);
	fputs("]}}", fp);
}

static void
location_render(FILE *fp, const struct digest_issue *is)
{
	char	*uri;
	int	 relative;

	fputs(",\n       \"locations\": [{\"physicalLocation\": "
	    "{\"artifactLocation\": {\"uri\": ", fp);
	uri = path_uri(is->loc_file, &relative);
	sj(fp, uri);
	free(uri);
	if (relative)
		fputs(", \"uriBaseId\": \"%SRCROOT%\"", fp);
	fputs("}", fp);
	if (is->loc_line > 0)
		fprintf(fp, ", \"region\": {\"startLine\": %u}", is->loc_line);
	fputs("}", fp);
	if (is->function != NULL) {
		fputs(", \"logicalLocations\": [{\"name\": ", fp);
		sj(fp, is->function);
		fputs(", \"kind\": \"function\"}]", fp);
	}
	fputs("}]", fp);
}

static void
result_render(FILE *fp, const struct digest_issue *is, const char *rule_id,
    size_t rule_index)
{
	struct buf	 msg;
	char		*why;
	size_t		 i;

	buf_init(&msg, 65536);
	buf_adds(&msg, is->title);
	if (is->function != NULL) {
		buf_printf(&msg, " (culprit %s", is->function);
		if (is->file != NULL)
			buf_printf(&msg, " at %s:%u", is->file, is->line);
		buf_adds(&msg, ")");
	}
	buf_printf(&msg, "; seen %" PRId64 " time(s)", is->count);
	if (is->nrules > 0 && is->rules[0].fix != NULL)
		buf_printf(&msg, ". Fix: %s", is->rules[0].fix);

	fputs("      {\"ruleId\": ", fp);
	sj(fp, rule_id);
	fprintf(fp, ", \"ruleIndex\": %zu, \"level\": \"%s\",\n", rule_index,
	    level_of(digest_level(is)));
	fputs("       \"message\": {\"text\": ", fp);
	sj(fp, buf_cstr(&msg));
	fputs("}", fp);
	buf_release(&msg);
	if (is->loc_file != NULL)
		location_render(fp, is);
	if (digest_triaged(is)) {
		/* Triaged away: code scanning shows it as dismissed. */
		fputs(",\n       \"suppressions\": [{\"kind\": \"external\", "
		    "\"status\": \"accepted\", \"justification\": ", fp);
		xasprintf(&why, "triaged as %s", is->state);
		sj(fp, why);
		free(why);
		fputs("}]", fp);
	}
	fputs(",\n       \"partialFingerprints\": {\"fttriageIssue/v1\": ", fp);
	sj(fp, is->fingerprint);
	fputs("},\n       \"properties\": {\"kind\": ", fp);
	sj(fp, is->kind);
	fputs(", \"owner\": ", fp);
	sj(fp, digest_owner_name(is->owner));
	fprintf(fp, ", \"occurrences\": %" PRId64, is->count);
	if (is->id > 0)
		fprintf(fp, ", \"issue\": %" PRId64, is->id);
	if (is->state != NULL) {
		fputs(", \"state\": ", fp);
		sj(fp, is->state);
	}
	fprintf(fp, ", \"new\": %s, \"regression\": %s",
	    is->is_new ? "true" : "false", is->regression ? "true" : "false");
	fputs(", \"tests\": [", fp);
	for (i = 0; i < is->ntests; i++) {
		if (i > 0)
			fputs(", ", fp);
		sj(fp, is->tests[i].name);
	}
	fputs("]", fp);
	if (is->suppression != NULL) {
		fputs(", \"suppression\": ", fp);
		sj(fp, is->suppression);
	}
	if (is->sample != NULL) {
		fputs(", \"sample\": ", fp);
		sj(fp, is->sample);
	}
	fputs("}}", fp);
}

/* Write a digest as one SARIF 2.1.0 log with one run. */
void
sarif_render(FILE *fp, const struct digest *d)
{
	struct sarif_rule *sr;
	char		**ids, *category;
	size_t		 i, j, n, nrules;

	/* A fixed issue not seen since is no result: its alert closes. */
	ids = xcalloc(d->nissues + 1, sizeof *ids);
	for (i = 0; i < d->nissues; i++)
		if (!digest_fixed(&d->issues[i]))
			ids[i] = result_rule_id(&d->issues[i]);
	sr = collect_rules(d, ids, &nrules);

	fputs("{\n  \"$schema\": \"" SARIF_SCHEMA "\",\n"
	    "  \"version\": \"2.1.0\",\n  \"runs\": [{\n"
	    "    \"tool\": {\"driver\": {\"name\": \"fttriage\", "
	    "\"version\": \"" PACKAGE_VERSION "\", "
	    "\"semanticVersion\": \"" PACKAGE_VERSION "\",\n"
	    "      \"rules\": [\n", fp);
	for (i = 0; i < nrules; i++) {
		rule_render(fp, &sr[i]);
		fputs(i + 1 < nrules ? ",\n" : "\n", fp);
	}
	fputs("      ]}},\n", fp);
	if (d->project != NULL) {
		fputs("    \"automationDetails\": {\"id\": ", fp);
		xasprintf(&category, "fttriage/%s/", d->project);
		sj(fp, category);
		free(category);
		fputs("},\n    \"properties\": {\"project\": ", fp);
		sj(fp, d->project);
		fputs("},\n", fp);
	}
	fputs("    \"columnKind\": \"unicodeCodePoints\",\n"
	    "    \"results\": [\n", fp);
	for (i = 0, n = 0; i < d->nissues; i++) {
		if (ids[i] == NULL)
			continue;
		for (j = 0; j < nrules; j++)
			if (strcmp(sr[j].id, ids[i]) == 0)
				break;
		if (n++ > 0)
			fputs(",\n", fp);
		result_render(fp, &d->issues[i], ids[i], j);
	}
	fputs("\n", fp);
	fputs("    ]\n  }]\n}\n", fp);

	for (i = 0; i < d->nissues; i++)
		free(ids[i]);
	free(ids);
	free(sr);
}

/* Format table finish for "scan --format sarif". */
void
emit_sarif_finish(FILE *fp, const struct emit_opts *o)
{
	struct digest	*d = emit_digest_take();

	(void)o;
	sarif_render(fp, d);
	digest_free(d);
}
