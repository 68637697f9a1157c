/*
 * cmd-explain.c: "fttriage explain": why two reports are one issue, or not.
 *
 * Scans one or two logs through the same stages as "scan" (parse,
 * symbolize, classify, fingerprint), keeps the reports asked for, and prints for each
 * its fingerprint, its readable key and how the key was built -- every
 * frame used or skipped, and why -- then whether the two share a
 * fingerprint and, when they do not, which parts of their keys differ.
 * With --key KEY it compares one report with an issue given by the key the
 * store keeps for it.  With --keys it lists every report instead, one per line: its number,
 * fingerprint, top frame, culprit, the culprit's class and its key, tab
 * separated.  The exit status
 * is that of cmp(1): 0 when the two share a fingerprint, 1 when they do
 * not, 2 on error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
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
	struct symbolizer *sym;    /* NULL: --no-symbolize */
};

/* The stages "scan" runs before its sinks. */
static void
explain_stages(struct pick *pk, struct report *r)
{
	if (pk->sym != NULL)
		symbolize_report(pk->sym, r);
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

/* A frame for the --keys columns: "?(module)" when unsymbolized. */
static void
print_frame_column(const struct frame *f)
{
	if (f == NULL)
		printf("\t-");
	else if (f->function != NULL)
		printf("\t%s", f->function);
	else
		printf("\t?(%s)", f->module != NULL ? f->module : "");
}

static void
pick_report(struct report *r, void *arg)
{
	struct pick	*pk = arg;
	char		*key;
	int		 i, kept = 0;

	pk->seen++;
	explain_stages(pk, r);
	if (pk->list) {
		const struct frame *f = report_culprit(r);
		int	 si, fi;

		key = fingerprint_key(r);
		printf("%ld\t%s", pk->seen, r->fingerprint);
		print_frame_column(classify_top_frame(r, &si, &fi) == 0 ?
		    &r->stacks[si].frames[fi] : NULL);
		print_frame_column(f);
		printf("\t%s\t%s\n", f != NULL ? frame_class_name(f->cls) : "-",
		    key);
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

/* The kind in a key ("v1 tsan-data-race :: ..."), into buf. */
static const char *
key_kind(const char *key, char *buf, size_t len)
{
	const char	*p = strchr(key, ' '), *e;

	buf[0] = '\0';
	if (p == NULL || (e = strstr(p + 1, " :: ")) == NULL ||
	    (size_t)(e - p - 1) >= len)
		return buf;
	memcpy(buf, p + 1, (size_t)(e - p - 1));
	buf[e - p - 1] = '\0';
	return buf;
}

/*
 * Say whether two keys (with their fingerprints) are one issue, and why
 * not: 0 when they are, 1 when not.
 */
static int
compare_keys(const char *fa, const char *key_a, const char *fb,
    const char *key_b)
{
	char	*ka, *kb, *pa[EXPLAIN_PARTS_MAX], *pb[EXPLAIN_PARTS_MAX];
	char	 kinda[64], kindb[64];
	size_t	 na, nb, i, shared = 0;
	int	 same;

	same = strcmp(fa, fb) == 0;
	if (same) {
		printf("same issue: both have fingerprint %s\n", fa);
		printf("  their keys are equal: the same kind and the same "
		    "sites, whatever the addresses, line numbers, thread ids "
		    "or the order of the two accesses\n");
		return 0;
	}
	printf("different issues: %s and %s\n", fa, fb);
	if (strncmp(fa, fb, strcspn(fa, ":")) != 0) {
		printf("  made by different versions of the algorithm: the "
		    "keys cannot be compared; scan the older log again\n");
		return 1;
	}
	key_kind(key_a, kinda, sizeof kinda);
	key_kind(key_b, kindb, sizeof kindb);
	if (strcmp(kinda, kindb) != 0)
		printf("  the kinds differ: %s and %s\n", kinda, kindb);
	ka = xstrdup(key_a);
	kb = xstrdup(key_b);
	na = key_parts(ka, pa, nitems(pa));
	nb = key_parts(kb, pb, nitems(pb));
	for (i = 0; i < na; i++)
		if (has_part(pb, nb, pa[i])) {
			printf("  both have: %s\n", pa[i]);
			shared++;
		}
	for (i = 0; i < na; i++)
		if (!has_part(pb, nb, pa[i]))
			printf("  only the first has: %s\n", pa[i]);
	for (i = 0; i < nb; i++)
		if (!has_part(pa, na, pb[i]))
			printf("  only the second has: %s\n", pb[i]);
	if (shared > 0 && strcmp(kinda, kindb) == 0)
		printf("  they share a site: related problems (one family), "
		    "but not the same sites\n");
	free(ka);
	free(kb);
	return 1;
}

/* Say whether two reports share an issue, and why not. */
static int
compare(const struct report *a, const struct report *b)
{
	char	*ka, *kb;
	int	 rc;

	ka = fingerprint_key(a);
	kb = fingerprint_key(b);
	rc = compare_keys(a->fingerprint, ka, b->fingerprint, kb);
	free(ka);
	free(kb);
	return rc;
}

/* Compare a report with an issue given by its key (as the store keeps it). */
static int
compare_with_key(const struct report *a, const char *key)
{
	char	*ka, *fb;
	int	 rc, version = 0;

	if (sscanf(key, "v%d ", &version) != 1 || strstr(key, " :: ") == NULL) {
		ft_warnx("bad key '%s' (it starts \"v<version> <kind> :: \")",
		    key);
		return EXIT_ERROR;
	}
	printf("issue key: %s\n", key);
	xasprintf(&fb, "v%d:%016llx", version,
	    (unsigned long long)fingerprint_hash(key));
	printf("  fingerprint: %s\n\n", fb);
	ka = fingerprint_key(a);
	rc = compare_keys(a->fingerprint, ka, fb, key);
	free(ka);
	free(fb);
	return rc;
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
	{ "key",	required_argument,	NULL, 'K' },
	{ "symbols",	required_argument,	NULL, 'S' },
	{ "debug-dir",	required_argument,	NULL, 'D' },
	{ "no-symbolize", no_argument,		NULL, 'N' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * fttriage explain [--keys] [--key KEY] [-n I[,J]] [--symbols DIR]
 *     [--debug-dir DIR] [--no-symbolize] LOG [LOG2]
 */
int
cmd_explain(int argc, char **argv)
{
	struct pick	 pk[2];
	const char	*path[2];
	struct symbolizer *sym;
	const char	*against = NULL;
	long		 a = 0, b = 0;
	int		 ch, nlogs, ret = EXIT_ERROR, list = 0, i, nosym = 0;

	sym = symbolizer_new();
	memset(pk, 0, sizeof pk);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "kn:h", explain_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k':
			list = 1;
			break;
		case 'K':
			against = optarg;
			break;
		case 'S':
			symbolizer_add_root(sym, optarg);
			break;
		case 'D':
			symbolizer_add_debug_dir(sym, optarg);
			break;
		case 'N':
			nosym = 1;
			break;
		case 'n':
			if (parse_pair(optarg, &a, &b) != 0) {
				ft_warnx("bad report numbers '%s' (I or I,J)",
				    optarg);
				goto out;
			}
			break;
		case 'h':
			ret = cmd_help(2, (char *[]){ "help", "explain",
			    NULL });
			goto out;
		default:
			goto out;
		}
	}
	nlogs = argc - optind;
	if (nlogs < 1 || nlogs > 2) {
		ft_warnx("explain needs one or two logs");
		goto out;
	}
	path[0] = argv[optind];
	path[1] = nlogs == 2 ? argv[optind + 1] : NULL;
	for (i = 0; i < 2; i++)
		pk[i].sym = nosym ? NULL : sym;
	if (list) {
		for (i = 0; i < nlogs; i++) {
			pk[i].list = 1;
			if (explain_read(path[i], &pk[i]) != 0)
				goto out;
		}
		ret = 0;
		goto out;
	}
	if (against != NULL) {
		if (nlogs != 1) {
			ft_warnx("--key compares one report of one log");
			goto out;
		}
		pk[0].want[0] = a > 0 ? a : 1;
	} else if (nlogs == 1) {
		pk[0].want[0] = a > 0 ? a : 1;
		pk[0].want[1] = a > 0 ? b : 2;
		if (pk[0].want[0] == pk[0].want[1]) {
			ft_warnx("report %ld compared with itself", a);
			goto out;
		}
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
	printf("\n");
	if (against != NULL) {
		ret = compare_with_key(pk[0].got[0], against);
		goto out;
	}
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
	symbolizer_free(sym);
	if (fflush(stdout) != 0) {
		ft_warnx("cannot write output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return ret;
}
