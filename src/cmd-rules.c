/*
 * cmd-rules.c: "fttriage rules": list, check and test the rules, and check
 * a TSan suppressions file against a run.
 *
 *   rules [-R path] [-n] list               the loaded rules
 *   rules [-R path] [-n] check [file ...]   load and report every error
 *   rules [-R path] [-n] test [id ...]      run the rules' examples
 *   rules suppressions supp-file [log ...]  which reports supp-file silences
 *
 * "test" sends every example through the same pipeline as a scan: the
 * parser (with the rules' line hook), classification, then the rules; an
 * example must (match:) or must not (no-match:) leave its rule's id on one
 * of the reports.  A failure prints "file:line: ..." and the status is 1.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"
#include "cmd.h"

struct rules_opts {
	char		**paths;
	size_t		  npaths;
	int		  no_default;
};

struct collect {
	struct report	**v;
	size_t		  n;
	struct ruleset	 *rs;	/* apply as each report completes, or NULL */
};

/* As in a scan, each report is ruled as soon as it is complete. */
static void
collect_cb(struct report *r, void *arg)
{
	struct collect *c = arg;

	if (c->rs != NULL) {
		classify_report(r);
		rules_apply(c->rs, r);
	}

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	c->v[c->n++] = r;
}

static void
collect_free(struct collect *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		report_free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* Parse a source to reports, with the line hook when rs is not NULL. */
static int
parse_source(struct source *src, struct ruleset *rs, struct collect *c,
    char **cause)
{
	struct parser	*p;
	struct line	 l;
	int		 rc;

	p = parser_new(source_name(src), collect_cb, c);
	if (rs != NULL)
		parser_set_line_hook(p, ruleset_line_hook(rs));
	while ((rc = source_next(src, &l, cause)) == 1)
		parser_feed(p, &l);
	parser_finish(p);
	parser_free(p);
	return rc;
}

static struct ruleset *
load_rules(const struct rules_opts *o, int *errors)
{
	struct ruleset	*rs;
	char		*cause = NULL;
	size_t		 i;

	rs = ruleset_new();
	*errors = 0;
	if (!o->no_default && ruleset_load_default(rs, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		(*errors)++;
	}
	for (i = 0; i < o->npaths; i++) {
		cause = NULL;
		if (ruleset_load_path(rs, o->paths[i], &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			(*errors)++;
		}
	}
	return rs;
}

static int
rules_list(struct ruleset *rs, int argc, char **argv)
{
	const struct rule *r;
	size_t		 i;

	for (i = 0; i < ruleset_count(rs); i++) {
		r = ruleset_rule(rs, i);
		printf("%-40s %-7s %-6s %s\n", r->id,
		    rule_severity_name(r->severity),
		    r->line_re != NULL ? "line" : "report", r->title);
	}
	return 0;
}

static int
rules_check(struct ruleset *rs, int argc, char **argv)
{
	char	*cause;
	int	 i, bad = 0;

	for (i = 0; i < argc; i++) {
		cause = NULL;
		if (ruleset_load_path(rs, argv[i], &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			bad = 1;
		}
	}
	if (bad)
		return EXIT_ERROR;
	printf("%zu rules, no errors\n", ruleset_count(rs));
	return 0;
}

/* Run one example; 1 when it did what it should. */
static int
run_example(struct ruleset *rs, const struct rule *rule,
    const struct example *e)
{
	struct collect	 c = { NULL, 0, rs };
	struct source	*src;
	FILE		*fp;
	char		*cause = NULL;
	size_t		 i, j;
	int		 found = 0;

	if ((fp = tmpfile()) == NULL)
		ft_fatalx("cannot create a temporary file");
	fputs(e->text, fp);
	fputc('\n', fp);
	fflush(fp);
	rewind(fp);
	src = source_fdopen(fileno(fp), e->must_match ? "match" : "no-match");
	rs->seen_kinds = 0;	/* each example is a log of its own */
	if (parse_source(src, rs, &c, &cause) != 0) {
		ft_warnx("%s", cause);
		free(cause);
	}
	source_close(src);
	fclose(fp);
	for (i = 0; i < c.n; i++) {
		for (j = 0; j < c.v[i]->nrules; j++)
			if (strcmp(c.v[i]->rules[j], rule->id) == 0)
				found = 1;
	}
	if (found != e->must_match) {
		printf("%s:%u: rule '%s': %s\n", rule->file, e->line, rule->id,
		    e->must_match ? "example does not match" :
		    "no-match example matches");
		for (i = 0; i < c.n; i++) {
			printf("#   report %zu: %s: %s; rules:", i,
			    report_kind_name(c.v[i]->kind),
			    c.v[i]->title != NULL ? c.v[i]->title : "");
			for (j = 0; j < c.v[i]->nrules; j++)
				printf(" %s", c.v[i]->rules[j]);
			printf("\n");
		}
		if (c.n == 0)
			printf("#   no report\n");
	}
	collect_free(&c);
	return found == e->must_match;
}

static int
rules_test(struct ruleset *rs, int argc, char **argv)
{
	const struct rule *r;
	size_t		 i, j, nex = 0, nbad = 0, nrules = 0;
	int		 k, want;

	for (i = 0; i < ruleset_count(rs); i++) {
		r = ruleset_rule(rs, i);
		want = argc == 0;
		for (k = 0; k < argc; k++)
			if (strcmp(argv[k], r->id) == 0)
				want = 1;
		if (!want)
			continue;
		nrules++;
		for (j = 0; j < r->nexamples; j++) {
			nex++;
			if (!run_example(rs, r, &r->examples[j]))
				nbad++;
		}
	}
	printf("%zu rules, %zu examples, %zu failed\n", nrules, nex, nbad);
	if (regex_limit_hits() != 0)
		printf("%llu matches stopped by a limit\n",
		    (unsigned long long)regex_limit_hits());
	return nbad != 0 || (argc > 0 && nrules == 0) ? EXIT_FOUND : 0;
}

static int
rules_suppressions(struct ruleset *rs, int argc, char **argv)
{
	struct suppressions *ss;
	struct collect	 c = { NULL, 0, NULL };
	struct source	*src;
	char		*cause = NULL;
	const char	*stdin_only[] = { "-" };
	size_t		 i, total = 0, nsupp = 0;
	int		 k, nlogs, rc = 0;
	char	       **logs;

	if (argc < 1) {
		ft_warnx("usage: fttriage rules suppressions supp-file "
		    "[log ...]");
		return EXIT_ERROR;
	}
	if ((ss = suppressions_load(argv[0], &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	logs = argc > 1 ? argv + 1 : (char **)stdin_only;
	nlogs = argc > 1 ? argc - 1 : 1;
	for (k = 0; k < nlogs; k++) {
		if ((src = source_open(logs[k], &cause)) == NULL) {
			ft_warnx("%s", cause);
			free(cause);
			cause = NULL;
			rc = EXIT_ERROR;
			continue;
		}
		if (parse_source(src, NULL, &c, &cause) != 0) {
			ft_warnx("%s", cause);
			free(cause);
			cause = NULL;
			rc = EXIT_ERROR;
		}
		for (i = 0; i < c.n; i++) {
			struct report *r = c.v[i];

			if (strncmp(report_kind_name(r->kind), "tsan-", 5) != 0)
				continue;
			total++;
			if (suppressions_apply(ss, r)) {
				nsupp++;
				printf("%s:%llu: suppressed by %s: %s\n",
				    logs[k],
				    (unsigned long long)r->origin.first_line,
				    r->suppressed_by,
				    r->title != NULL ? r->title : "");
			} else
				printf("%s:%llu: not suppressed: %s\n",
				    logs[k],
				    (unsigned long long)r->origin.first_line,
				    r->title != NULL ? r->title : "");
		}
		collect_free(&c);
		source_close(src);
	}
	suppressions_print_unused(ss, stdout);
	printf("%zu of %zu TSan reports suppressed\n", nsupp, total);
	suppressions_free(ss);
	return rc;
}

static const struct {
	const char	*name;
	int		(*fn)(struct ruleset *, int, char **);
	int		 needs_rules;
} actions[] = {
	{ "list",		rules_list,		1 },
	{ "check",		rules_check,		1 },
	{ "test",		rules_test,		1 },
	{ "suppressions",	rules_suppressions,	0 },
};

/*
 * The rules command.  Returns 0, EXIT_FOUND when an example failed, or
 * EXIT_ERROR on a usage error or a rule file error.
 */
int
cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules",	required_argument,	NULL, 'R' },
		{ "no-default",	no_argument,		NULL, 'n' },
		{ NULL,		0,			NULL, 0 }
	};
	struct rules_opts o;
	struct ruleset	*rs = NULL;
	size_t		 i;
	int		 ch, rc, errors = 0;

	memset(&o, 0, sizeof o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+R:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'R':
			o.paths = xreallocarray(o.paths, o.npaths + 1,
			    sizeof *o.paths);
			o.paths[o.npaths++] = optarg;
			break;
		case 'n':
			o.no_default = 1;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		goto usage;
	for (i = 0; i < nitems(actions); i++)
		if (strcmp(actions[i].name, argv[0]) == 0)
			break;
	if (i == nitems(actions))
		goto usage;
	if (actions[i].needs_rules) {
		rs = load_rules(&o, &errors);
		if (errors != 0) {
			ruleset_free(rs);
			free(o.paths);
			return EXIT_ERROR;
		}
	}
	rc = actions[i].fn(rs, argc - 1, argv + 1);
	ruleset_free(rs);
	free(o.paths);
	return rc;

usage:
	free(o.paths);
	fprintf(stderr, "usage: fttriage rules [-n] [-R path] "
	    "list | check [file ...] | test [id ...]\n"
	    "       fttriage rules suppressions supp-file [log ...]\n");
	return EXIT_ERROR;
}
