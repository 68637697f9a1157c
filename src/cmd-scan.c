/*
 * cmd-scan.c: "fttriage scan": logs in, reports out.
 *
 * The whole pipeline for one or more logs: each source is read line by
 * line (source.c), the parser assembles reports (parse.c), and each report
 * goes through the later stages in order before the sinks render it.  A
 * log that cannot be read is reported and skipped; the others are still
 * scanned.  Memory stays bounded: reports are rendered and freed as soon as
 * they are complete.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fttriage.h"
#include "cmd.h"
#include "emit.h"

struct scan {
	const struct emit_format *fmt;
	struct emit_opts	 eo;
	FILE			*out;
	uint64_t		 reports;
	uint64_t		 incomplete;
	struct ruleset		*rs;       /* NULL with --no-rules */
	struct suppressions	*supp;     /* --suppressions FILE */
};

/*
 * One finished report: the later pipeline stages, then the sinks.  The
 * report is freed here.
 */
static void
scan_report(struct report *r, void *arg)
{
	struct scan	*sc = arg;

	sc->reports++;
	if (!r->complete)
		sc->incomplete++;
	if (sc->supp != NULL)
		suppressions_apply(sc->supp, r);
	if (sc->rs != NULL)
		rules_apply(sc->rs, r);

	sc->eo.seq = (int)sc->reports;
	sc->fmt->report(sc->out, r, &sc->eo);
	report_free(r);
}

/* Scan one source; 0, or -1 with a message printed. */
static int
scan_source(struct scan *sc, const char *path)
{
	struct source	*src;
	struct parser	*p;
	struct line	 l;
	char		*cause = NULL;
	int		 rc, ret = 0;

	if ((src = source_open(path, &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return -1;
	}
	p = parser_new(source_name(src), scan_report, sc);
	source_set_skip(src, parser_can_skip, p);
	if (sc->rs != NULL)
		parser_set_line_hook(p, ruleset_line_hook(sc->rs));
	while ((rc = source_next(src, &l, &cause)) == 1)
		parser_feed(p, &l);
	if (rc == -1) {
		ft_warnx("%s", cause);
		free(cause);
		ret = -1;
	}
	parser_finish(p);
	log_msg(LOG_LVL_DEBUG, "%s: %" PRIu64 " lines, %" PRIu64 " passed over "
	    "as noise", path, parser_lines(p) + source_skipped_lines(src),
	    source_skipped_lines(src));
	if (source_cut_lines(src) > 0)
		log_msg(LOG_LVL_WARN, "%s: %" PRIu64 " line(s) longer than "
		    "%d bytes were cut", path, source_cut_lines(src),
		    FT_LINE_MAX);
	if (source_binary_lines(src) > 0)
		log_msg(LOG_LVL_WARN, "%s: %" PRIu64 " line(s) had binary "
		    "bytes, shown as '?'", path, source_binary_lines(src));
	parser_free(p);
	source_close(src);
	return ret;
}

static const struct option scan_longopts[] = {
	{ "format",	required_argument,	NULL, 'f' },
	{ "frames",	required_argument,	NULL, 'n' },
	{ "color",	required_argument,	NULL, 'C' },
	{ "rules",	required_argument,	NULL, 'R' },
	{ "no-rules",	no_argument,		NULL, 'N' },
	{ "suppressions", required_argument,	NULL, 'S' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_scan(int argc, char **argv)
{
	struct scan	 sc;
	const char	*color = "auto";
	int		 ch, i, errors = 0;
	char		*end, *cause = NULL;
	long		 n;
	char	       **rpaths = NULL;
	size_t		 nrpaths = 0, k;
	int		 no_rules = 0;

	memset(&sc, 0, sizeof sc);
	sc.fmt = emit_format_find("text");
	sc.eo.frames = 4;
	sc.out = stdout;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:n:h", scan_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((sc.fmt = emit_format_find(optarg)) == NULL) {
				ft_warnx("unknown format '%s' (one of: %s)",
				    optarg, emit_format_names());
				return EXIT_ERROR;
			}
			break;
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || n < 0 || n > 100000) {
				ft_warnx("bad --frames value '%s'", optarg);
				return EXIT_ERROR;
			}
			sc.eo.frames = (int)n;
			break;
		case 'C':
			color = optarg;
			break;
		case 'R':
			rpaths = xreallocarray(rpaths, nrpaths + 1,
			    sizeof *rpaths);
			rpaths[nrpaths++] = optarg;
			break;
		case 'N':
			no_rules = 1;
			break;
		case 'S':
			suppressions_free(sc.supp);
			if ((sc.supp = suppressions_load(optarg,
			    &cause)) == NULL) {
				ft_warnx("%s", cause);
				free(cause);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "scan", NULL });
		default:
			return EXIT_ERROR;
		}
	}
	if (strcmp(color, "always") == 0)
		sc.eo.color = 1;
	else if (strcmp(color, "auto") == 0)
		sc.eo.color = isatty(fileno(sc.out));
	else if (strcmp(color, "never") != 0) {
		ft_warnx("bad --color value '%s' (always, auto, never)", color);
		return EXIT_ERROR;
	}
	if (!no_rules) {
		/* Without the shipped rules a scan still works: say so. */
		sc.rs = ruleset_new();
		if (ruleset_load_default(sc.rs, &cause) != 0) {
			log_msg(LOG_LVL_WARN, "%s", cause);
			free(cause);
			cause = NULL;
		}
		for (k = 0; k < nrpaths; k++) {
			if (ruleset_load_path(sc.rs, rpaths[k], &cause) != 0) {
				ft_warnx("%s", cause);
				free(cause);
				free(rpaths);
				ruleset_free(sc.rs);
				return EXIT_ERROR;
			}
		}
	}
	free(rpaths);
	if (sc.fmt->start != NULL)
		sc.fmt->start(sc.out, &sc.eo);
	if (optind == argc)
		errors += scan_source(&sc, "-") != 0;
	for (i = optind; i < argc; i++)
		errors += scan_source(&sc, argv[i]) != 0;
	if (sc.fmt->finish != NULL)
		sc.fmt->finish(sc.out, &sc.eo);
	if (fflush(sc.out) != 0) {
		ft_warnx("cannot write output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	log_msg(LOG_LVL_INFO, "%" PRIu64 " report(s), %" PRIu64
	    " incomplete", sc.reports, sc.incomplete);
	ruleset_free(sc.rs);
	suppressions_free(sc.supp);
	return errors ? EXIT_ERROR : 0;
}
