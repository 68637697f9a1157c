/*
 * cmd-triage.c: "fttriage triage ID STATE [--note TEXT]".
 *
 * Sets an issue's triage state (new, known, upstream, fixed, ignored) and
 * its note.  Marking an issue fixed clears its regression flag; the store
 * sets the flag again, and the state back to new, if it is seen again.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "cmd.h"

/*
 * "fttriage triage ID STATE": set a triage state.  Returns the exit
 * status.
 */
int
cmd_triage(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db",   required_argument, NULL, 'd' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct store		*st;
	enum issue_state	 state;
	const char		*db = NULL, *note = NULL;
	char			*cause = NULL;
	int64_t			 id;
	int			 ch, rv;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 2 != argc)
		goto usage;
	if (browse_parse_id(argv[optind], &id) != 0) {
		ft_warnx("bad issue id '%s'", argv[optind]);
		return EXIT_ERROR;
	}
	if (issue_state_from_name(argv[optind + 1], &state) != 0) {
		ft_warnx("unknown state '%s' (new, known, upstream, fixed, "
		    "ignored)", argv[optind + 1]);
		return EXIT_ERROR;
	}
	if ((st = store_open(db, &cause)) == NULL)
		goto fail;
	rv = store_issue_set_state(st, id, state, note, &cause);
	store_close(st);
	if (rv < 0)
		goto fail;
	if (rv == 0) {
		ft_warnx("no issue %lld", (long long)id);
		return EXIT_ERROR;
	}
	printf("issue %lld: %s\n", (long long)id, issue_state_name(state));
	return 0;

fail:
	ft_warnx("%s", cause);
	free(cause);
	return EXIT_ERROR;
usage:
	fprintf(stderr, "usage: fttriage %s\n", cmd_find("triage")->usage);
	return EXIT_ERROR;
}
