/*
 * cmd-show.c: "fttriage show ID", one stored issue in full.
 *
 * Prints what the store knows about an issue: its key and culprit, its
 * triage state, how often and when it was seen, the tests that triggered
 * it, its latest occurrences (where in which log), its matched rules, and
 * a sample report: the stacks as fttriage resolved them, then the text as
 * it was logged.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"

#define SHOW_OCCURRENCES 10
#define SHOW_TESTS       20

struct show_out {
	int		 json;
	unsigned	 n;
};

static void
show_test(const char *test, int64_t count, void *arg)
{
	struct show_out	*o = arg;

	if (o->json) {
		fputs(o->n++ ? ",{\"test\":" : "{\"test\":", stdout);
		json_str(stdout, test);
		printf(",\"count\":%lld}", (long long)count);
		return;
	}
	if (o->n++ == 0)
		printf("tests:\n");
	printf("  %6lld  %s\n", (long long)count, test);
}

static void
show_occurrence(const struct store_occurrence *oc, void *arg)
{
	struct show_out	*o = arg;
	char		 t[32];

	browse_time(oc->seen, t, sizeof t);
	if (o->json) {
		printf("%s{\"report\":%lld,\"run\":%lld,\"seen\":\"%s\","
		    "\"source\":", o->n++ ? "," : "", (long long)oc->report_id,
		    (long long)oc->run_id, t);
		json_str(stdout, oc->source);
		printf(",\"first_line\":%llu,\"last_line\":%llu,"
		    "\"first_byte\":%llu,\"end_byte\":%llu,\"pid\":",
		    (unsigned long long)oc->first_line,
		    (unsigned long long)oc->last_line,
		    (unsigned long long)oc->first_byte,
		    (unsigned long long)oc->end_byte);
		if (oc->pid >= 0)
			printf("%ld", oc->pid);
		else
			fputs("null", stdout);
		fputs(",\"test\":", stdout);
		json_str(stdout, oc->test);
		fputs("}", stdout);
		return;
	}
	o->n++;
	printf("  run %-5lld %s  %s:%llu-%llu", (long long)oc->run_id, t,
	    oc->source, (unsigned long long)oc->first_line,
	    (unsigned long long)oc->last_line);
	if (oc->pid >= 0)
		printf("  pid %ld", oc->pid);
	if (oc->test != NULL)
		printf("  %s", oc->test);
	putchar('\n');
}

/* Print text indented, each line once. */
static void
show_indented(const char *text)
{
	const char	*p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		printf("    %.*s\n", (int)(nl ? nl - p : (int)strlen(p)), p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static int
show_text(struct store *st, const struct store_issue *is, char **cause)
{
	struct show_out	 o = { 0, 0 };
	char		 t1[32], t2[32], *culprit, *text, *stacks;

	printf("issue %lld: %s\n", (long long)is->id,
	    is->title != NULL ? is->title : is->kind);
	printf("  kind:        %s\n", is->kind);
	printf("  project:     %s\n", is->project);
	printf("  state:       %s%s\n", issue_state_name(is->state),
	    is->regression ? " (regression: seen again after it was fixed)"
	    : "");
	if (is->note != NULL)
		printf("  note:        %s\n", is->note);
	if ((culprit = browse_culprit(is)) != NULL) {
		printf("  culprit:     %s\n", culprit);
		free(culprit);
	}
	printf("  seen:        %lld times, first %s, last %s\n",
	    (long long)is->count, browse_time(is->first_seen, t1, sizeof t1),
	    browse_time(is->last_seen, t2, sizeof t2));
	printf("  fingerprint: %s (algorithm %d)\n", is->fingerprint,
	    is->fp_version);
	if (is->fp_key != NULL)
		printf("  key:         %s\n", is->fp_key);
	printf("  rules:       %s\n", is->rules != NULL ? is->rules : "none");

	if (store_issue_tests(st, is->id, SHOW_TESTS, show_test, &o,
	    cause) != 0)
		return -1;
	printf("occurrences (latest %lld of %lld):\n",
	    (long long)(is->count < SHOW_OCCURRENCES ? is->count :
	    SHOW_OCCURRENCES), (long long)is->count);
	o.n = 0;
	if (store_issue_occurrences(st, is->id, SHOW_OCCURRENCES,
	    show_occurrence, &o, cause) != 0)
		return -1;
	if (store_issue_sample(st, is->id, &text, &stacks, cause) != 0)
		return -1;
	if (stacks != NULL) {
		printf("sample stacks:\n");
		show_indented(stacks);
	}
	if (text != NULL) {
		printf("sample report:\n");
		show_indented(text);
	}
	free(text);
	free(stacks);
	return 0;
}

static int
show_json(struct store *st, const struct store_issue *is, char **cause)
{
	struct show_out	 o = { 1, 0 };
	char		 t1[32], t2[32], *text, *stacks;

	printf("{\"id\":%lld,\"project\":", (long long)is->id);
	json_str(stdout, is->project);
	printf(",\"state\":\"%s\",\"regression\":%s,\"note\":",
	    issue_state_name(is->state), is->regression ? "true" : "false");
	json_str(stdout, is->note);
	printf(",\"count\":%lld,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
	    "\"kind\":", (long long)is->count,
	    browse_time(is->first_seen, t1, sizeof t1),
	    browse_time(is->last_seen, t2, sizeof t2));
	json_str(stdout, is->kind);
	fputs(",\"title\":", stdout);
	json_str(stdout, is->title);
	fputs(",\"fingerprint\":", stdout);
	json_str(stdout, is->fingerprint);
	printf(",\"fingerprint_version\":%d,\"key\":", is->fp_version);
	json_str(stdout, is->fp_key);
	fputs(",\"culprit\":", stdout);
	browse_json_culprit(is);
	fputs(",\"rules\":", stdout);
	json_str(stdout, is->rules);
	fputs(",\"tests\":[", stdout);
	if (store_issue_tests(st, is->id, SHOW_TESTS, show_test, &o,
	    cause) != 0)
		return -1;
	fputs("],\"occurrences\":[", stdout);
	o.n = 0;
	if (store_issue_occurrences(st, is->id, SHOW_OCCURRENCES,
	    show_occurrence, &o, cause) != 0)
		return -1;
	if (store_issue_sample(st, is->id, &text, &stacks, cause) != 0)
		return -1;
	fputs("],\"sample\":{\"stacks\":", stdout);
	json_str(stdout, stacks);
	fputs(",\"text\":", stdout);
	json_str(stdout, text);
	fputs("}}\n", stdout);
	free(text);
	free(stacks);
	return 0;
}

/* "fttriage show ID": one issue in full.  Returns the exit status. */
int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db",     required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_issue	 is;
	struct store		*st;
	const char		*db = NULL;
	char			*cause = NULL;
	int64_t			 id;
	int			 ch, json = 0, rv;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0) {
				ft_warnx("unknown format '%s' (text, json)",
				    optarg);
				return EXIT_ERROR;
			}
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	if (browse_parse_id(argv[optind], &id) != 0) {
		ft_warnx("bad issue id '%s'", argv[optind]);
		return EXIT_ERROR;
	}
	if ((st = store_open(db, &cause)) == NULL)
		goto fail;
	if ((rv = store_issue_get(st, id, &is, &cause)) <= 0) {
		store_close(st);
		if (rv == 0) {
			ft_warnx("no issue %lld", (long long)id);
			return EXIT_ERROR;
		}
		goto fail;
	}
	rv = json ? show_json(st, &is, &cause) : show_text(st, &is, &cause);
	store_issue_release(&is);
	store_close(st);
	if (rv != 0)
		goto fail;
	return 0;

fail:
	ft_warnx("%s", cause);
	free(cause);
	return EXIT_ERROR;
usage:
	fprintf(stderr, "usage: fttriage %s\n", cmd_find("show")->usage);
	return EXIT_ERROR;
}
