/*
 * cmd-summary.c: "fttriage summary": a project's issues from the store.
 *
 * Reads the store (store.c) into a digest (digest.h): every issue of the
 * project, or of every project, last seen in the --since window; for each
 * its culprit, the tests that triggered it, occurrences, first and last
 * seen, whether the latest run brought it first, the rules it matched
 * (their fix and link looked up in the loaded rules), a TSan suppression
 * line and one sample stack.  The digest is then rendered in the chosen
 * format, and --fail-on decides the exit status.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"
#include "digest.h"
#include "rules.h"

struct summary {
	struct digest	*d;
	struct store	*st;
	struct ruleset	*rs;
	int64_t		 last_run_id;
	const char	*project;
	int		 errors;
	char		*cause;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Add the rules a stored issue matched (ids separated by spaces),
 * described from the loaded rules when they know the id. */
static void
summary_rules(struct summary *sm, struct digest_issue *is, const char *stored)
{
	const struct rule *r;
	char		*ids, *p, *id;

	ids = xstrdup(stored);
	for (p = ids; *p != '\0'; ) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		id = p;
		p += strcspn(p, " ");
		if (*p != '\0')
			*p++ = '\0';
		r = sm->rs != NULL ? ruleset_find(sm->rs, id) : NULL;
		if (r == NULL)
			digest_issue_add_rule(is, id, NULL, NULL, NULL, NULL,
			    NULL);
		else
			digest_issue_add_rule(is, r->id, r->title,
			    rule_severity_name(r->severity), r->fix,
			    r->nlinks > 0 ? r->links[0] : NULL, r->explain);
	}
	free(ids);
}

/* One issue row: copy what the digest needs; the rest comes later. */
static void
summary_issue(const struct store_issue *si, void *arg)
{
	struct summary		*sm = arg;
	struct digest_issue	*is;

	if ((is = digest_add(sm->d)) == NULL)
		return;
	is->id = si->id;
	is->fingerprint = xstrdup(si->fingerprint);
	is->kind = xstrdup(si->kind);
	is->title = xstrdup(si->title != NULL ? si->title : si->kind);
	is->project = dup_or_null(si->project);
	is->state = xstrdup(issue_state_name(si->state));
	is->function = dup_or_null(si->culprit_function);
	is->file = dup_or_null(si->culprit_file);
	is->line = si->culprit_line;
	is->module = dup_or_null(si->culprit_module);
	is->package = dup_or_null(si->culprit_package);
	is->cls = dup_or_null(si->culprit_class);
	is->count = si->count;
	is->first_seen = si->first_seen;
	is->last_seen = si->last_seen;
	is->regression = si->regression;
	is->owner = digest_owner_of(is->kind, is->cls, is->package, is->file,
	    is->project);
	is->suppression = digest_suppression(is->kind, is->function);
	if (si->rules != NULL)
		summary_rules(sm, is, si->rules);
}

static void
summary_test(const char *test, int64_t count, void *arg)
{
	digest_issue_add_test(arg, test, count);
}

static void
summary_occurrence(const struct store_occurrence *o, void *arg)
{
	struct digest_issue	*is = arg;

	if (is->loc_file == NULL && o->source != NULL) {
		is->loc_file = xstrdup(o->source);
		is->loc_line = (unsigned)o->first_line;
	}
}

/* Where to point when the culprit has no file: the first "file:N" of
 * the sample stacks, as rendered by the store. */
static void
location_from_sample(struct digest_issue *is)
{
	const char	*p, *end, *colon, *start;
	unsigned	 line;

	if (is->sample == NULL)
		return;
	for (p = is->sample; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		for (colon = p; colon < end; colon++) {
			if (*colon != ':' || colon[1] < '1' || colon[1] > '9')
				continue;
			for (start = colon; start > p && start[-1] != ' ';
			    start--)
				;
			if (start == colon || *start == '(' ||
			    parse_uint(colon + 1, strspn(colon + 1,
			    "0123456789"), &line) != 0)
				continue;
			if (memchr(start, '/', colon - start) == NULL &&
			    memchr(start, '.', colon - start) == NULL)
				continue;
			is->loc_file = xstrndup(start, colon - start);
			is->loc_line = line;
			return;
		}
	}
}

/* The first stack of the rendered stacks (they are separated by a blank
 * line); takes s over. */
static char *
first_stack(char *s)
{
	char	*p;

	if ((p = strstr(s, "\n\n")) != NULL)
		p[1] = '\0';
	return s;
}

/* The second pass over the issues: tests, rules, sample, newness. */
static int
summary_fill(struct summary *sm)
{
	struct digest_issue *is;
	char		*text, *stacks;
	const char	*run_project = NULL;
	int64_t		 run_id = 0, started, previous;
	size_t		 i;
	int		 first, seen;

	for (i = 0; i < sm->d->nissues; i++) {
		is = &sm->d->issues[i];
		if (store_issue_tests(sm->st, is->id, DIGEST_TESTS_MAX,
		    summary_test, is, &sm->cause) != 0)
			return -1;
		if (store_issue_sample(sm->st, is->id, &text, &stacks,
		    &sm->cause) != 0)
			return -1;
		if (stacks != NULL) {
			is->sample = first_stack(stacks);
			free(text);
		} else
			is->sample = text;
		if (is->file != NULL) {
			is->loc_file = xstrdup(is->file);
			is->loc_line = is->line;
		} else
			location_from_sample(is);
		if (is->loc_file == NULL && store_issue_occurrences(sm->st,
		    is->id, 1, summary_occurrence, is, &sm->cause) != 0)
			return -1;
		/* New: first seen in the latest run of its own project. */
		if (sm->project == NULL && is->project != NULL &&
		    (run_project == NULL || strcmp(run_project,
		    is->project) != 0)) {
			run_project = is->project;
			if (store_summary_runs(sm->st, run_project, &run_id,
			    &started, &previous, &sm->cause) != 0)
				return -1;
		} else if (sm->project != NULL)
			run_id = sm->last_run_id;
		if (run_id != 0) {
			if (store_issue_in_run(sm->st, is->id, run_id,
			    &first, &seen, &sm->cause) != 0)
				return -1;
			is->is_new = first;
			if (!seen)
				is->regression = 0;
		}
	}
	return 0;
}

static int
summary_usage(void)
{
	fprintf(stderr, "usage: fttriage %s\n", cmd_find("summary")->usage);
	return EXIT_ERROR;
}

static const struct option summary_longopts[] = {
	{ "project",	required_argument,	NULL, 'p' },
	{ "since",	required_argument,	NULL, 'S' },
	{ "format",	required_argument,	NULL, 'f' },
	{ "db",		required_argument,	NULL, 'd' },
	{ "fail-on",	required_argument,	NULL, 'F' },
	{ "rules",	required_argument,	NULL, 'R' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char *const summary_formats[] = {
	"text", "markdown", "json", "sarif", "github", "junit"
};

/* fttriage summary: render the project's issues; exit by --fail-on. */
int
cmd_summary(int argc, char **argv)
{
	struct summary		 sm;
	struct store_filter	 f = { NULL, -1, 0 };
	enum digest_gate	 gate = DG_NEVER;
	const char		*db = NULL, *format = "text", *rules = NULL;
	int64_t			 last_started, prev_started;
	size_t			 i;
	int			 ch, rv = EXIT_ERROR;

	memset(&sm, 0, sizeof sm);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", summary_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p':
			f.project = sm.project = optarg;
			break;
		case 'S':
			if (browse_parse_since(optarg, (int64_t)time(NULL),
			    &f.since) != 0) {
				ft_warnx("bad --since '%s' (YYYY-MM-DD, "
				    "YYYY-MM-DDTHH:MM:SS or a duration such "
				    "as 30m, 12h, 7d, 2w)", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'f':
			format = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'F':
			if (digest_gate_from_name(optarg, &gate) != 0) {
				ft_warnx("bad --fail-on value '%s' (new, any, "
				    "never)", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'R':
			rules = optarg;
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "summary",
			    NULL });
		default:
			return summary_usage();
		}
	}
	if (optind != argc)
		return summary_usage();
	for (i = 0; i < nitems(summary_formats); i++)
		if (strcmp(summary_formats[i], format) == 0)
			break;
	if (i == nitems(summary_formats)) {
		ft_warnx("unknown format '%s' (text, markdown, json, sarif, "
		    "github, junit)", format);
		return EXIT_ERROR;
	}

	/* The rules give each matched rule id its title, fix and link. */
	sm.rs = ruleset_new();
	if (ruleset_load_default(sm.rs, &sm.cause) != 0) {
		log_msg(LOG_LVL_INFO, "%s", sm.cause);
		free(sm.cause);
		sm.cause = NULL;
	}
	if (rules != NULL && ruleset_load_path(sm.rs, rules, &sm.cause) != 0)
		goto out;

	if ((sm.st = store_open(db, &sm.cause)) == NULL)
		goto out;
	sm.d = digest_new(sm.project);
	sm.d->from_store = 1;
	if (store_summary_runs(sm.st, sm.project, &sm.last_run_id,
	    &last_started, &prev_started, &sm.cause) != 0)
		goto out;
	sm.d->last_run = last_started;
	sm.d->previous_run = prev_started;
	if (store_issues(sm.st, &f, summary_issue, &sm, &sm.cause) != 0)
		goto out;
	if (sm.d->dropped > 0)
		log_msg(LOG_LVL_WARN, "more than %d issues: %llu left out",
		    DIGEST_ISSUES_MAX, (unsigned long long)sm.d->dropped);
	if (summary_fill(&sm) != 0)
		goto out;
	digest_sort(sm.d);

	if (strcmp(format, "text") == 0)
		summary_text_render(stdout, sm.d, isatty(STDOUT_FILENO));
	else if (strcmp(format, "json") == 0)
		summary_json_render(stdout, sm.d);
	else if (strcmp(format, "markdown") == 0)
		markdown_render(stdout, sm.d);
	else if (strcmp(format, "sarif") == 0)
		sarif_render(stdout, sm.d);
	else if (strcmp(format, "github") == 0)
		github_render(stdout, sm.d);
	else
		junit_render(stdout, sm.d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ft_warnx("cannot write output");
		goto out;
	}
	rv = digest_gate_fails(sm.d, gate) ? EXIT_FOUND : 0;
out:
	if (sm.cause != NULL) {
		ft_warnx("%s", sm.cause);
		free(sm.cause);
	}
	digest_free(sm.d);
	store_close(sm.st);
	ruleset_free(sm.rs);
	return rv;
}
