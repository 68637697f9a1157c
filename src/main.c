/*
 * main.c: the fttriage command and its table of subcommands.
 *
 * Each subcommand lives in its own cmd-*.c file and is one entry in the
 * table below; main only finds the entry and hands it argc/argv.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "cmd.h"

static const struct cmd_entry cmd_table[] = {
	{ "scan",      cmd_scan,
	  "scan [--format text|json] [--frames N] [--color WHEN] [file ...]",
	  "extract reports from logs",
	  "  --format FMT   text (default) or json (one object per line)\n"
	  "  --frames N     frames shown per stack in text (default 4, 0 = all)\n"
	  "  --color WHEN   always, auto (default) or never\n"
	  "  --rules PATH   also load the rules in PATH (file or directory)\n"
	  "  --no-rules     do not load the shipped rules (only --rules PATH)\n"
	  "  --suppressions FILE  mark reports a TSan suppressions file silences\n"
	  "  --db PATH      record into this store (default $FTTRIAGE_DB, else\n"
	  "                 $XDG_DATA_HOME/fttriage/fttriage.db)\n"
	  "  --project P    the logs belong to project P\n"
	  "  --config FILE  project mapping ('project NAME GLOB' lines)\n"
	  "  --no-store     do not record into the store\n" },
	{ "rules",     cmd_rules,     "rules [-n] [-R path] list | check [file ...] | test [id ...]",
	  "list, check and test the rules",
	  "  -R, --rules PATH  also load the rules in PATH (file or directory)\n"
	  "  -n, --no-default  do not load the shipped rules\n"
	  "  suppressions SUPP-FILE [LOG ...]  which TSan reports SUPP-FILE silences\n" },
	{ "issues",    cmd_issues,    "issues [--project P] [--state S] "
	  "[--since DATE|DURATION] [--db PATH] [--format text|json]",
	  "list stored issues",
	  "  --project P    only issues of project P\n"
	  "  --state S      only issues in state S\n"
	  "  --since WHEN   seen since a date or for a duration (7d, 12h)\n"
	  "  --db PATH      the store (default $FTTRIAGE_DB, else\n"
	  "                 $XDG_DATA_HOME/fttriage/fttriage.db)\n"
	  "  --format F     text or json\n" },
	{ "show",      cmd_show,      "show [--db PATH] [--format text|json] ID",
	  "show one issue: occurrences, tests, a sample",
	  "  --db PATH      the store\n"
	  "  --format F     text or json\n" },
	{ "triage",    cmd_triage,    "triage [--db PATH] [--note TEXT] ID STATE",
	  "set an issue's state: new known upstream fixed ignored",
	  "  --db PATH      the store\n"
	  "  --note TEXT    why (kept with the state)\n" },
	{ "symbolize", cmd_symbolize, "symbolize [--symbols DIR]... [--debug-dir DIR]... [file ...]", "fill in unsymbolized sanitizer frames", "  --symbols DIR    search DIR (recursively) for modules by name\n  --debug-dir DIR  look for debug files under DIR as under /usr/lib/debug\n" },
	{ "explain",   cmd_explain,
	  "explain [--keys] [--key KEY] [-n I[,J]] [--symbols DIR] log [log2]",
	  "show why two reports share an issue, or not",
	  "  -n I[,J]       the reports to compare (default: 1,2 of one log,\n"
	  "                 or the first report of each of two logs)\n"
	  "  --key KEY      compare report I with the issue of this key\n"
	  "  --keys         list the fingerprint and key of every report\n"
	  "  --symbols DIR, --debug-dir DIR, --no-symbolize   as for scan\n"
	  "Exits 0 when the two reports share a fingerprint, 1 when not.\n" },
	{ "watch",     cmd_watch,     "watch [--once] [--config FILE] [--db PATH] "
	  "[--project P] [--syslog] [--log-level L] [dir ...]",
	  "follow log directories into the store (the daemon)",
	  "  --once         read what is there, then exit\n"
	  "  --config FILE  configuration, see fttriage.conf(5)\n"
	  "  --db PATH      the store (default: the configuration's, else\n"
	  "                 $FTTRIAGE_DB, else $XDG_DATA_HOME/fttriage/fttriage.db)\n"
	  "  --project P    every log belongs to project P\n"
	  "  --syslog       log to syslog instead of stderr\n"
	  "  --log-level L  error, warning, info (default) or debug\n" },
	{ "help",      cmd_help,      "help [command]",
	  "show usage", NULL },
	{ "version",   cmd_version,   "version",
	  "show the version", NULL },
};

void
usage(FILE *fp)
{
	size_t	i;

	fprintf(fp, "usage: fttriage [-q] [-v] command [args ...]\n");
	fprintf(fp, "commands:\n");
	for (i = 0; i < nitems(cmd_table); i++)
		fprintf(fp, "  %-44s %s\n", cmd_table[i].usage,
		    cmd_table[i].summary);
	fprintf(fp, "Run 'fttriage help COMMAND' or see fttriage(1).\n");
}

const struct cmd_entry *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(cmd_table); i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			return &cmd_table[i];
	return NULL;
}

int
cmd_help(int argc, char **argv)
{
	const struct cmd_entry *ce;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if ((ce = cmd_find(argv[1])) == NULL) {
		ft_warnx("unknown command '%s'", argv[1]);
		return 2;
	}
	printf("usage: fttriage %s\n", ce->usage);
	if (ce->help != NULL)
		fputs(ce->help, stdout);
	return 0;
}

int
cmd_version(int argc, char **argv)
{
	printf("fttriage %s\n", PACKAGE_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *ce;
	int	 i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0)
			log_set_level(LOG_LVL_ERROR);
		else if (strcmp(argv[i], "-v") == 0)
			log_set_level(LOG_LVL_DEBUG);
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			return cmd_version(0, NULL);
		} else {
			ft_warnx("unknown option '%s'", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if ((ce = cmd_find(argv[i])) == NULL) {
		ft_warnx("unknown command '%s'", argv[i]);
		usage(stderr);
		return 2;
	}
	return ce->fn(argc - i, argv + i);
}
