/*
 * cmd-issues.c: "fttriage issues", the list of stored issues.
 *
 * Reads the store only.  Filters by project, triage state and how recently
 * an issue was last seen; prints a table on the terminal or one JSON object
 * per line.  A regression (an issue marked fixed that came back) shows as
 * "new!" in the table and "regression": true in JSON.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"

struct issues_out {
	int		 json;
	uint64_t	 n;
};

static void
issues_print_json(const struct store_issue *is)
{
	char	t1[32], t2[32];

	printf("{\"id\":%lld,\"project\":", (long long)is->id);
	json_str(stdout, is->project);
	printf(",\"state\":\"%s\",\"regression\":%s,\"count\":%lld,"
	    "\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"kind\":",
	    issue_state_name(is->state), is->regression ? "true" : "false",
	    (long long)is->count,
	    browse_time(is->first_seen, t1, sizeof t1),
	    browse_time(is->last_seen, t2, sizeof t2));
	json_str(stdout, is->kind);
	fputs(",\"title\":", stdout);
	json_str(stdout, is->title);
	fputs(",\"fingerprint\":", stdout);
	json_str(stdout, is->fingerprint);
	printf(",\"fingerprint_version\":%d,\"culprit\":",
	    is->fp_version);
	browse_json_culprit(is);
	fputs(",\"rules\":", stdout);
	json_str(stdout, is->rules);
	fputs(",\"note\":", stdout);
	json_str(stdout, is->note);
	fputs("}\n", stdout);
}

static void
issues_print(const struct store_issue *is, void *arg)
{
	struct issues_out	*o = arg;
	char			 t[32], state[16], *culprit;

	o->n++;
	if (o->json) {
		issues_print_json(is);
		return;
	}
	if (o->n == 1)
		printf("%6s  %-9s %7s  %-20s  %-12s %s\n", "ID", "STATE",
		    "COUNT", "LAST SEEN", "PROJECT", "TITLE");
	snprintf(state, sizeof state, "%s%s", issue_state_name(is->state),
	    is->regression ? "!" : "");
	printf("%6lld  %-9s %7lld  %-20s  %-12s %s\n", (long long)is->id,
	    state, (long long)is->count,
	    browse_time(is->last_seen, t, sizeof t), is->project,
	    is->title != NULL ? is->title : is->kind);
	if ((culprit = browse_culprit(is)) != NULL) {
		printf("%6s  culprit: %s\n", "", culprit);
		free(culprit);
	}
}

/* "fttriage issues": list the stored issues.  Returns the exit status. */
int
cmd_issues(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "project", required_argument, NULL, 'p' },
		{ "state",   required_argument, NULL, 's' },
		{ "since",   required_argument, NULL, 'S' },
		{ "db",      required_argument, NULL, 'd' },
		{ "format",  required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_filter	 f = { NULL, -1, 0 };
	struct issues_out	 o = { 0, 0 };
	struct store		*st;
	enum issue_state	 state;
	const char		*db = NULL;
	char			*cause = NULL;
	int			 ch, rv;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			f.project = optarg;
			break;
		case 's':
			if (issue_state_from_name(optarg, &state) != 0) {
				ft_warnx("unknown state '%s' (new, known, "
				    "upstream, fixed, ignored)", optarg);
				return EXIT_ERROR;
			}
			f.state = (int)state;
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
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o.json = 1;
			else if (strcmp(optarg, "text") != 0) {
				ft_warnx("unknown format '%s' (text, json)",
				    optarg);
				return EXIT_ERROR;
			}
			break;
		default:
			fprintf(stderr, "usage: fttriage %s\n",
			    cmd_find("issues")->usage);
			return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: fttriage %s\n",
		    cmd_find("issues")->usage);
		return EXIT_ERROR;
	}
	if ((st = store_open(db, &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	rv = store_issues(st, &f, issues_print, &o, &cause);
	store_close(st);
	if (rv != 0) {
		ft_warnx("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (!o.json && o.n == 0)
		printf("no issues\n");
	return 0;
}
