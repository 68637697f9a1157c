/*
 * cmd.h: the subcommand table's entry type and every command's entry point.
 *
 * Commands return the process exit status (see EXIT STATUS in fttriage(1)):
 * 0 success, 1 reports found where --fail-on asked for failure, 2 usage or
 * runtime error.
 */
#ifndef FTTRIAGE_CMD_H
#define FTTRIAGE_CMD_H

#include <stdint.h>
#include <stdio.h>

struct cmd_entry {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*summary;
	const char	*help;    /* option list for 'help COMMAND', or NULL */
};

#define EXIT_FOUND 1
#define EXIT_ERROR 2

void	 usage(FILE *);
const struct cmd_entry *cmd_find(const char *);

int	 cmd_scan(int, char **);
int	 cmd_issues(int, char **);
int	 cmd_show(int, char **);
int	 cmd_triage(int, char **);
int	 cmd_symbolize(int, char **);
int	 cmd_explain(int, char **);
int	 cmd_watch(int, char **);
int	 cmd_rules(int, char **);
int	 cmd_summary(int, char **);
int	 cmd_suppressions(int, char **);
int	 cmd_help(int, char **);
int	 cmd_version(int, char **);

/* browse.c: helpers for the commands that read the store. */
struct store_issue;
int	 browse_parse_since(const char *, int64_t now, int64_t *);
int	 browse_parse_id(const char *, int64_t *);
const char *browse_time(int64_t, char *, size_t);
char	*browse_culprit(const struct store_issue *);
void	 browse_json_culprit(const struct store_issue *);

#endif
