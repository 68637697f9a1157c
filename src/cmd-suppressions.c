/*
 * cmd-suppressions.c: "fttriage suppressions": a TSan suppressions file.
 *
 * For the issues of a project triaged as known or upstream (store.c), the
 * suppression line that fits each (digest.c: race_top: for races, thread:
 * for leaks, deadlock: for lock-order inversions, signal: and mutex: for
 * those reports), each preceded by a comment with the issue's id, state
 * and title, ready for TSAN_OPTIONS=suppressions=FILE.  Issues with no
 * fitting line (crashes, events, build errors, an unknown culprit) are
 * listed in comments so that nothing is left out silently.  Titles are
 * untrusted: control characters are removed so a title cannot end its
 * comment line.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"
#include "digest.h"

struct supp_out {
	FILE	*fp;
	size_t	 lines;
	size_t	 without;
};

/* Untrusted text on one comment line. */
static void
supp_comment(FILE *fp, const char *s)
{
	char	*c = digest_clean(s != NULL ? s : ""), *p;

	for (p = c; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	fputs(c, fp);
	free(c);
}

static void
supp_issue(const struct store_issue *is, void *arg)
{
	struct supp_out	*o = arg;
	char		*line;

	line = digest_suppression(is->kind, is->culprit_function);
	fprintf(o->fp, "# issue %" PRId64 " (%s, %s): ", is->id,
	    issue_state_name(is->state), is->kind);
	supp_comment(o->fp, is->title != NULL ? is->title : is->kind);
	fputc('\n', o->fp);
	if (line == NULL) {
		fputs("#   no suppression fits this issue\n", o->fp);
		o->without++;
	} else {
		fprintf(o->fp, "%s\n", line);
		o->lines++;
	}
	free(line);
}

/* fttriage suppressions: print the suppressions file on stdout. */
int
cmd_suppressions(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "project", required_argument, NULL, 'p' },
		{ "db",      required_argument, NULL, 'd' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const enum issue_state states[] = { IS_KNOWN, IS_UPSTREAM };
	struct store_filter	 f = { NULL, -1, 0 };
	struct supp_out		 o = { stdout, 0, 0 };
	struct store		*st;
	const char		*db = NULL;
	char			*cause = NULL;
	size_t			 i;
	int			 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			f.project = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "suppressions",
			    NULL });
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((st = store_open(db, &cause)) == NULL)
		goto fail;
	fputs("# ThreadSanitizer suppressions written by fttriage for the "
	    "issues triaged\n# as known or upstream", stdout);
	if (f.project != NULL) {
		fputs(" in project ", stdout);
		supp_comment(stdout, f.project);
	}
	fputs(".\n# Use with TSAN_OPTIONS=suppressions=THIS_FILE\n", stdout);
	for (i = 0; i < nitems(states); i++) {
		f.state = (int)states[i];
		if (store_issues(st, &f, supp_issue, &o, &cause) != 0) {
			store_close(st);
			goto fail;
		}
	}
	store_close(st);
	if (o.lines + o.without == 0)
		fputs("# (no issue is marked known or upstream)\n", stdout);
	if (fflush(stdout) != 0) {
		ft_warnx("cannot write output");
		return EXIT_ERROR;
	}
	return 0;
fail:
	ft_warnx("%s", cause);
	free(cause);
	return EXIT_ERROR;
usage:
	fprintf(stderr, "usage: fttriage %s\n",
	    cmd_find("suppressions")->usage);
	return EXIT_ERROR;
}
