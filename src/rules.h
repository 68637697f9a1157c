/*
 * rules.h: what the rule engine's files share (rules.c, match.c,
 * prefilter.c, suppress.c, cmd-rules.c).
 *
 * match.c is the only door to PCRE2: everything else sees a struct regex.
 * prefilter.c finds, in one pass over a line, which line rules have a
 * required literal in it, so that PCRE2 runs only on those.  rules.c reads
 * rule files into a struct ruleset and applies it; the structures below are
 * exposed for the rules command, which lists and tests them.
 */
#ifndef FTTRIAGE_RULES_H
#define FTTRIAGE_RULES_H

#include "fttriage.h"

/* match.c: compiled regular expressions (PCRE2, JIT, bounded). */
#define REGEX_MULTILINE	0x1u	/* ^ and $ at every line of the subject */
#define REGEX_GROUPS_MAX 16	/* capture groups kept per match */

struct regex;
struct regex_match {
	const char	*subject;
	size_t		 ngroups;	/* groups set, counting group 0 */
	size_t		 ov[2 * (REGEX_GROUPS_MAX + 1)];
};

struct regex	*regex_new(const char *, unsigned, char **);
void		 regex_free(struct regex *);
int		 regex_exec(struct regex *, const char *, size_t,
		    struct regex_match *);
int		 regex_group_number(const struct regex *, const char *);
unsigned	 regex_group_count(const struct regex *);
const char	*regex_group_name(const struct regex *, unsigned);
const char	*regex_pattern(const struct regex *);
int		 regex_capture(const struct regex_match *, unsigned,
		    const char **, size_t *);
uint64_t	 regex_limit_hits(void);
char	       **regex_literals(const char *, size_t *, char **);

/* prefilter.c: which literals occur in a line (Wu-Manber, case-folded). */
struct prefilter;
struct prefilter *prefilter_new(void);
void		 prefilter_free(struct prefilter *);
void		 prefilter_add(struct prefilter *, const char *, unsigned);
void		 prefilter_build(struct prefilter *);
const char *const *prefilter_literals(const struct prefilter *, size_t *);
size_t		 prefilter_scan(struct prefilter *, const char *, size_t,
		    unsigned *, size_t);

/* rules.c: one rule as read from its file. */
enum rule_severity { SEV_NOTE, SEV_WARNING, SEV_ERROR };

enum frame_at { AT_ANY, AT_TOP, AT_CULPRIT };

struct frame_pred {
	struct regex	*function;
	struct regex	*module;
	struct regex	*file;
	unsigned	 classes;	/* 1 << FC_*, 0 for any */
	unsigned	 roles;		/* 1 << SR_*, 0 for any */
	enum frame_at	 at;
	unsigned	 top;		/* AT_TOP: how many frames */
	int		 negate;	/* "noframe": no frame may match */
	unsigned	 line;
};

struct example {
	char		*text;
	int		 must_match;
	unsigned	 line;
};

struct rule {
	char		*id;
	char		*title;
	enum rule_severity severity;
	char		*explain;
	char		*fix;
	char	       **links;
	size_t		 nlinks;
	char		*file;
	unsigned	 line;

	uint64_t	 kinds;		/* 1 << RK_*, 0 for any */
	uint64_t	 unless_seen;	/* line rule: not after these kinds */
	struct regex	*title_re;
	struct regex	*summary_re;
	struct regex	*text_re;
	struct regex	*line_re;	/* a line rule */
	char	       **literals;	/* line rule: one must occur */
	size_t		 nliterals;
	struct frame_pred *frames;
	size_t		 nframes;

	struct example	*examples;
	size_t		 nexamples;
	unsigned	 batch;		/* which load it came from */
	unsigned	 title_line;	/* where title and fix start */
	unsigned	 fix_line;
	unsigned	 has_severity:1;
	unsigned	 explicit_literals:1;
};

struct ruleset {
	struct rule	**rules;
	size_t		 nrules;
	unsigned	 batch;		/* ruleset_load_path calls so far */
	struct buf	 errors;	/* of the last load */
	size_t		 nerrors;
	int		 prepared;	/* prefilter built for these rules */
	struct prefilter *pf;
	unsigned	*cand;		/* candidate rule indexes */
	size_t		 cand_max;
	unsigned char	*is_line;	/* per rule: the prefilter knows it */
	unsigned char	*in_text;	/* per rule: its literal is in a text */
	struct line_hook hook;
	uint64_t	 lines;		/* lines offered to the hook */
	uint64_t	 candidates;	/* lines the prefilter let through */
	uint64_t	 events;	/* event reports made */
	uint64_t	 seen_kinds;	/* 1 << RK_* of reports ruled so far */
	int		 notes;		/* note-level line rules make events */
};

struct ruleset;
size_t		 ruleset_count(const struct ruleset *);
const struct rule *ruleset_rule(const struct ruleset *, size_t);
const struct rule *ruleset_find(const struct ruleset *, const char *);
const char	*rule_severity_name(enum rule_severity);
void		 rule_free(struct rule *);
int		 rule_matches_report(struct ruleset *, const struct rule *,
		    struct report *, char **);
int		 template_check(const struct rule *, const char *, char **);
struct report	*ruleset_match_line(void *, const char *, size_t);
int		 ruleset_line_quiet(void *, const char *, size_t);
enum frame_class frame_effective_class(const struct frame *);

#endif
