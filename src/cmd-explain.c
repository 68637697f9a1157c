/*
 * cmd-explain.c: "fttriage explain": why two reports are one issue, or not.
 *
 * Scans one or two logs through the same stages as "scan" (parse,
 * classify, fingerprint), keeps the reports asked for, and prints for each
 * its fingerprint, its readable key and how the key was built -- every
 * frame used or skipped, and why -- then whether the two share a
 * fingerprint and, when they do not, which parts of their keys differ.
 * With --keys it lists every report instead, one per line: its number,
 * fingerprint, top frame, culprit, the culprit's class and its key, tab
 * separated.  The exit status
 * is that of cmp(1): 0 when the two share a fingerprint, 1 when they do
 * not, 2 on error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fttriage.h"
#include "cmd.h"

#define EXPLAIN_PARTS_MAX 64

/* What to keep from one log. */
struct pick {
	long		 want[2];  /* 1-based report numbers, 0 = unused */
	struct report	*got[2];
	long		 seen;
	int		 list;     /* --keys: print every report's key */
};

static void
explain_stages(struct report *r)
{
	classify_report(r);
	fingerprint_report(r);
}

static const char *
frame_name(const struct frame *f)
{
	if (f->function != NULL)
		return f->function;
	return f->module != NULL ? f->module : "??";
}

static void
pick_report(struct report *r, void *arg)
{
	struct pick	*pk = arg;
	char		*key;
	int		 i, kept = 0;

	pk->seen++;
	explain_stages(r);
	if (pk->list) {
		const struct frame *f = report_culprit(r);
		int	 si, fi;

		key = fingerprint_key(r);
		printf("%ld\t%s\t%s\t%s\t%s\t%s\n", pk->seen, r->fingerprint,
		    classify_top_frame(r, &si, &fi) == 0 ?
		    frame_name(&r->stacks[si].frames[fi]) : "-",
		    f != NULL ? frame_name(f) : "-",
		    f != NULL ? frame_class_name(f->cls) : "-", key);
		free(key);
	}
	for (i = 0; i < 2; i++) {
		if (pk->want[i] == pk->seen && pk->got[i] == NULL) {
			pk->got[i] = r;
			kept = 1;
			break;
		}
	}
	if (!kept)
		report_free(r);
}

/* Read a log and keep the reports pk asks for; 0 or -1. */
static int
explain_read(const char *path, struct pick *pk)
{
	struct source	*src;
	struct parser	*p;
	struct line	 l;
	char		*cause = NULL;
	int		 rc;

	if ((src = source_open(path, &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return -1;
	}
	p = parser_new(source_name(src), pick_report, pk);
	while ((rc = source_next(src, &l, &cause)) == 1)
		parser_feed(p, &l);
	parser_finish(p);
	parser_free(p);
	source_close(src);
	if (rc == -1) {
		ft_warnx("%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static void
print_report(const char *path, long n, const struct report *r)
{
	const struct frame *f;
	char		*key, *why;

	printf("report %ld of %s: %s, lines %llu-%llu\n", n, path,
	    report_kind_name(r->kind),
	    (unsigned long long)r->origin.first_line,
	    (unsigned long long)r->origin.last_line);
	if (r->title != NULL)
		printf("  title: %s\n", r->title);
	if ((f = report_culprit(r)) != NULL)
		printf("  culprit: %s [%s%s%s]\n", frame_name(f),
		    frame_class_name(f->cls), f->package != NULL ? " " : "",
		    f->package != NULL ? f->package : "");
	printf("  fingerprint: %s\n", r->fingerprint);
	key = fingerprint_key(r);
	printf("  key: %s\n", key);
	free(key);
	why = fingerprint_explain(r);
	printf("  how the key was built:\n%s", why);
	free(why);
}

/* Split a key after " :: " into its " | " parts (pointers into key). */
static size_t
key_parts(char *key, char **parts, size_t max)
{
	char	*p, *sep;
	size_t	 n = 0;

	if ((p = strstr(key, " :: ")) == NULL)
		return 0;
	p += 4;
	while (n < max) {
		parts[n++] = p;
		if ((sep = strstr(p, " | ")) == NULL)
			break;
		*sep = '\0';
		p = sep + 3;
	}
	return n;
}

static int
has_part(char **parts, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(parts[i], s) == 0)
			return 1;
	return 0;
}

/* Say whether two reports share an issue, and why not. */
static int
compare(const struct report *a, const struct report *b)
{
	char	*ka, *kb, *pa[EXPLAIN_PARTS_MAX], *pb[EXPLAIN_PARTS_MAX];
	size_t	 na, nb, i;
	int	 same;

	same = strcmp(a->fingerprint, b->fingerprint) == 0;
	ka = fingerprint_key(a);
	kb = fingerprint_key(b);
	if (same) {
		printf("same issue: both have fingerprint %s\n",
		    a->fingerprint);
		printf("  their keys are equal: the same kind and the same "
		    "sites, whatever the addresses, line numbers, thread ids "
		    "or the order of the two accesses\n");
		goto out;
	}
	printf("different issues: %s and %s\n", a->fingerprint,
	    b->fingerprint);
	if (a->kind != b->kind) {
		printf("  the kinds differ: %s and %s\n",
		    report_kind_name(a->kind), report_kind_name(b->kind));
	}
	na = key_parts(ka, pa, nitems(pa));
	nb = key_parts(kb, pb, nitems(pb));
	for (i = 0; i < na; i++)
		if (has_part(pb, nb, pa[i]))
			printf("  both have: %s\n", pa[i]);
	for (i = 0; i < na; i++)
		if (!has_part(pb, nb, pa[i]))
			printf("  only the first has: %s\n", pa[i]);
	for (i = 0; i < nb; i++)
		if (!has_part(pa, na, pb[i]))
			printf("  only the second has: %s\n", pb[i]);
	if (na > 0 && nb > 0 && a->kind == b->kind) {
		for (i = 0; i < na; i++)
			if (has_part(pb, nb, pa[i]))
				break;
		if (i < na)
			printf("  they share a site: related problems (one "
			    "family), but not the same pair of sites\n");
	}
out:
	free(ka);
	free(kb);
	return same ? 0 : 1;
}

static int
parse_pair(const char *s, long *a, long *b)
{
	char	*end;

	errno = 0;
	*a = strtol(s, &end, 10);
	if (errno != 0 || end == s || *a < 1)
		return -1;
	*b = 0;
	if (*end == '\0')
		return 0;
	if (*end != ',')
		return -1;
	s = end + 1;
	*b = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *b < 1)
		return -1;
	return 0;
}

static const struct option explain_longopts[] = {
	{ "reports",	required_argument,	NULL, 'n' },
	{ "keys",	no_argument,		NULL, 'k' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* fttriage explain [-k] [-n I[,J]] LOG [LOG2] */
int
cmd_explain(int argc, char **argv)
{
	struct pick	 pk[2];
	const char	*path[2];
	long		 a = 0, b = 0;
	int		 ch, nlogs, ret = EXIT_ERROR, list = 0, i;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "kn:h", explain_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k':
			list = 1;
			break;
		case 'n':
			if (parse_pair(optarg, &a, &b) != 0) {
				ft_warnx("bad report numbers '%s' (I or I,J)",
				    optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "explain",
			    NULL });
		default:
			return EXIT_ERROR;
		}
	}
	nlogs = argc - optind;
	if (nlogs < 1 || nlogs > 2) {
		ft_warnx("explain needs one or two logs");
		return EXIT_ERROR;
	}
	memset(pk, 0, sizeof pk);
	path[0] = argv[optind];
	path[1] = nlogs == 2 ? argv[optind + 1] : NULL;
	if (list) {
		for (i = 0; i < nlogs; i++) {
			pk[i].list = 1;
			if (explain_read(path[i], &pk[i]) != 0)
				return EXIT_ERROR;
		}
		return 0;
	}
	if (nlogs == 1) {
		pk[0].want[0] = a > 0 ? a : 1;
		pk[0].want[1] = a > 0 ? b : 2;
	} else {
		pk[0].want[0] = a > 0 ? a : 1;
		pk[1].want[0] = b > 0 ? b : 1;
	}
	for (i = 0; i < nlogs; i++)
		if (explain_read(path[i], &pk[i]) != 0)
			goto out;
	if (pk[0].got[0] == NULL) {
		ft_warnx("%s: no report %ld (%ld found)", path[0],
		    pk[0].want[0], pk[0].seen);
		goto out;
	}
	print_report(path[0], pk[0].want[0], pk[0].got[0]);
	if (nlogs == 1 && pk[0].want[1] == 0) {
		ret = 0;
		goto out;
	}
	if (nlogs == 1 && pk[0].got[1] == NULL) {
		ft_warnx("%s: no report %ld (%ld found)", path[0],
		    pk[0].want[1], pk[0].seen);
		goto out;
	}
	if (nlogs == 2 && pk[1].got[0] == NULL) {
		ft_warnx("%s: no report %ld (%ld found)", path[1],
		    pk[1].want[0], pk[1].seen);
		goto out;
	}
	printf("\n");
	if (nlogs == 1) {
		print_report(path[0], pk[0].want[1], pk[0].got[1]);
		printf("\n");
		ret = compare(pk[0].got[0], pk[0].got[1]);
	} else {
		print_report(path[1], pk[1].want[0], pk[1].got[0]);
		printf("\n");
		ret = compare(pk[0].got[0], pk[1].got[0]);
	}
out:
	for (i = 0; i < 2; i++) {
		report_free(pk[i].got[0]);
		report_free(pk[i].got[1]);
	}
	if (fflush(stdout) != 0) {
		ft_warnx("cannot write output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return ret;
}
