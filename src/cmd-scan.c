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
#include "digest.h"

/*
 * The symbolize stage: on by default, it opens nothing until a frame asks
 * for a module.  --symbols DIR (repeatable) and --debug-dir DIR extend where
 * modules and debug files are looked for; --no-symbolize turns it off.
 */
#define SCAN_SYMBOLIZE_OPTIONS \
	{ "symbols",	  required_argument, NULL, 'S' }, \
	{ "debug-dir",	  required_argument, NULL, 'D' }, \
	{ "no-symbolize", no_argument,	     NULL, 'N' },

static struct symbolizer *scan_sym;
static int		  scan_sym_off;

/* Take one symbolize option; returns 1 when ch was one. */
static int
scan_symbolize_option(int ch, const char *arg)
{
	if (scan_sym == NULL)
		scan_sym = symbolizer_new();
	switch (ch) {
	case 'S':
		symbolizer_add_root(scan_sym, arg);
		return 1;
	case 'D':
		symbolizer_add_debug_dir(scan_sym, arg);
		return 1;
	case 'N':
		scan_sym_off = 1;
		return 1;
	}
	return 0;
}

/* The symbolizer for the stages, or NULL with --no-symbolize. */
static struct symbolizer *
scan_symbolizer(void)
{
	if (scan_sym_off)
		return NULL;
	if (scan_sym == NULL)
		scan_sym = symbolizer_new();
	return scan_sym;
}

struct scan {
	const struct emit_format *fmt;
	struct emit_opts	 eo;
	FILE			*out;
	uint64_t		 reports;
	uint64_t		 incomplete;
	struct ruleset		*rs;       /* NULL with --no-rules */
	struct suppressions	*supp;     /* --suppressions FILE */

	/* The store sink (store.c); store is NULL with --no-store. */
	struct store		*store;
	struct store_ingest	*ingest;
	struct project_map	*projects;
	const char		*project;
	int			 store_errors;

	/* --fail-on: what decides the exit status. */
	enum digest_gate	 gate;
	uint64_t		 unsuppressed;
};

/* ---- the store sink ------------------------------------------------- */

/* Its options, numbered past every short option letter. */
enum {
	OPT_DB = 0x100,
	OPT_PROJECT,
	OPT_CONFIG,
	OPT_NO_STORE
};

/* Start storing one source; sets where to resume reading it. */
static void
scan_store_begin(struct scan *sc, const char *path, uint64_t *offset,
    uint64_t *line)
{
	const char	*project = sc->project;
	char		*cause = NULL;

	*offset = *line = 0;
	if (sc->store == NULL)
		return;
	if (project == NULL)
		project = project_map_find(sc->projects, path);
	sc->ingest = store_ingest_begin(sc->store, path, project, offset,
	    line, &cause);
	if (sc->ingest == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		sc->store_errors++;
	}
}

/* Store one report; on failure the source's ingest is abandoned. */
static void
scan_store_report(struct scan *sc, struct report *r)
{
	char	*cause = NULL;

	if (sc->ingest == NULL)
		return;
	if (store_ingest_report(sc->ingest, r, &cause) != 0) {
		ft_warnx("%s", cause);
		free(cause);
		store_ingest_abort(sc->ingest);
		sc->ingest = NULL;
		sc->store_errors++;
	}
}

/* Finish storing a source: commit with how far it was read, or drop. */
static void
scan_store_end(struct scan *sc, int ok, uint64_t offset, uint64_t line)
{
	char	*cause = NULL;

	uint64_t added;

	if (sc->ingest == NULL)
		return;
	added = store_ingest_added(sc->ingest);
	if (!ok)
		store_ingest_abort(sc->ingest);
	else if (store_ingest_commit(sc->ingest, offset, line, &cause) != 0) {
		ft_warnx("%s", cause);
		free(cause);
		sc->store_errors++;
	} else
		log_msg(LOG_LVL_INFO, "%" PRIu64 " new report(s) recorded in "
		    "'%s'", added, store_path(sc->store));
	sc->ingest = NULL;
}

/* Open the store and the project mapping unless --no-store. */
static int
scan_store_open(struct scan *sc, int no_store, const char *db,
    const char *config, int argc, char **argv)
{
	struct buf	 cmd;
	char		*cause = NULL;
	int		 i;

	if (no_store)
		return 0;
	if (sc->project == NULL &&
	    (sc->projects = project_map_load(config, &cause)) == NULL)
		goto fail;
	if ((sc->store = store_open(db, &cause)) == NULL)
		goto fail;
	buf_init(&cmd, 4096);
	buf_adds(&cmd, "fttriage");
	for (i = 0; i < argc; i++)
		buf_printf(&cmd, " %s", argv[i]);
	store_run_begin(sc->store, buf_cstr(&cmd), sc->project, &cause);
	buf_release(&cmd);
	return 0;
fail:
	ft_warnx("%s", cause);
	free(cause);
	return -1;
}

static void
scan_store_close(struct scan *sc)
{
	char	*cause = NULL;

	if (sc->store != NULL && store_run_end(sc->store, &cause) != 0) {
		ft_warnx("%s", cause);
		free(cause);
		sc->store_errors++;
	}
	store_close(sc->store);
	project_map_free(sc->projects);
}

/* ---- end of the store sink ------------------------------------------ */

/*
 * The gate of --fail-on, before the run ends: 1 when the scan must exit 1.
 * "any" counts reports that no suppression silences; "new" asks the store
 * for issues this run saw first and for regressions it saw.
 */
static int
scan_gate(struct scan *sc)
{
	int64_t	 fresh, regressions;
	char	*cause = NULL;

	switch (sc->gate) {
	case DG_NEVER:
		return 0;
	case DG_ANY:
		return sc->unsuppressed > 0;
	case DG_NEW:
		if (sc->store == NULL)
			return 0;
		if (store_run_news(sc->store, &fresh, &regressions,
		    &cause) != 0) {
			ft_warnx("%s", cause);
			free(cause);
			sc->store_errors++;
			return 0;
		}
		if (fresh + regressions > 0)
			log_msg(LOG_LVL_INFO, "%" PRId64 " new issue(s), %"
			    PRId64 " regression(s)", fresh, regressions);
		return fresh + regressions > 0;
	}
	return 0;
}

/*
 * One finished report: the later pipeline stages, then the sinks.  The
 * report is freed here.
 */
static void
scan_report(struct report *r, void *arg)
{
	struct scan	*sc = arg;
	struct stages	 st;

	sc->reports++;
	if (!r->complete)
		sc->incomplete++;
	st.sym = scan_symbolizer();
	st.supp = sc->supp;
	st.rules = sc->rs;
	stages_run(&st, r);

	if (!r->suppressed)
		sc->unsuppressed++;
	sc->eo.seq = (int)sc->reports;
	sc->fmt->report(sc->out, r, &sc->eo);
	scan_store_report(sc, r);
	report_free(r);
}

/* Scan one source; 0, or -1 with a message printed. */
static int
scan_source(struct scan *sc, const char *path)
{
	struct source	*src;
	struct parser	*p;
	struct line	 l;
	struct indexer	 ix;
	char		*cause = NULL;
	int		 rc, ret = 0;
	uint64_t	 offset, line;

	if ((src = source_open(path, &cause)) == NULL) {
		ft_warnx("%s", cause);
		free(cause);
		return -1;
	}
	/* The whole log is scanned and shown; the store skips what it has. */
	scan_store_begin(sc, path, &offset, &line);
	if (sc->rs != NULL)
		ruleset_begin_source(sc->rs);
	p = parser_new(source_name(src), scan_report, sc);
	source_set_skip(src, parser_skip, p);
	if (sc->rs != NULL)
		parser_set_line_hook(p, ruleset_line_hook(sc->rs));
	parser_indexer(p, &ix);
	source_set_indexer(src, &ix);
	while ((rc = source_next(src, &l, &cause)) == 1)
		parser_feed(p, &l);
	/* How far it was read, noise passed over included. */
	offset = source_offset(src);
	line = source_line_number(src);
	if (rc == -1) {
		ft_warnx("%s", cause);
		free(cause);
		ret = -1;
	}
	parser_finish(p);
	scan_store_end(sc, ret == 0, offset, line);
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

/* The rules stage's options: long only. */
enum { OPT_RULES = 0x200, OPT_NO_RULES, OPT_SUPPRESSIONS, OPT_NOTES };

/* The gate's option. */
enum { OPT_FAIL_ON = 0x300 };

static const struct option scan_longopts[] = {
	{ "format",	required_argument,	NULL, 'f' },
	{ "frames",	required_argument,	NULL, 'n' },
	{ "color",	required_argument,	NULL, 'C' },
	{ "rules",	required_argument,	NULL, OPT_RULES },
	{ "no-rules",	no_argument,		NULL, OPT_NO_RULES },
	{ "notes",	no_argument,		NULL, OPT_NOTES },
	{ "suppressions", required_argument,	NULL, OPT_SUPPRESSIONS },
	{ "fail-on",	required_argument,	NULL, OPT_FAIL_ON },
	{ "help",	no_argument,		NULL, 'h' },
	/* the store sink */
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "project",	required_argument,	NULL, OPT_PROJECT },
	{ "config",	required_argument,	NULL, OPT_CONFIG },
	{ "no-store",	no_argument,		NULL, OPT_NO_STORE },
	SCAN_SYMBOLIZE_OPTIONS
	{ NULL, 0, NULL, 0 }
};

int
cmd_scan(int argc, char **argv)
{
	struct scan	 sc;
	const char	*color = "auto";
	const char	*db = NULL, *config = NULL;
	int		 ch, i, errors = 0, no_store = 0, found, rc;
	char		*end, *cause = NULL;
	long		 n;
	char	       **rpaths = NULL;
	size_t		 nrpaths = 0, k;
	int		 no_rules = 0, notes = 0;

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
		case OPT_RULES:
			rpaths = xreallocarray(rpaths, nrpaths + 1,
			    sizeof *rpaths);
			rpaths[nrpaths++] = optarg;
			break;
		case OPT_NOTES:
			notes = 1;
			break;
		case OPT_NO_RULES:
			no_rules = 1;
			break;
		case OPT_SUPPRESSIONS:
			suppressions_free(sc.supp);
			if ((sc.supp = suppressions_load(optarg,
			    &cause)) == NULL) {
				ft_warnx("%s", cause);
				free(cause);
				return EXIT_ERROR;
			}
			break;
		case OPT_FAIL_ON:
			if (digest_gate_from_name(optarg, &sc.gate) != 0) {
				ft_warnx("bad --fail-on value '%s' (new, any, "
				    "never)", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			return cmd_help(2, (char *[]){ "help", "scan", NULL });
		case OPT_DB:
			db = optarg;
			break;
		case OPT_PROJECT:
			sc.project = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_NO_STORE:
			no_store = 1;
			break;
		default:
			if (scan_symbolize_option(ch, optarg))
				break;
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
	if (!no_rules || nrpaths > 0) {
		/* Without the shipped rules a scan still works: say so. */
		sc.rs = ruleset_new();
		ruleset_set_notes(sc.rs, notes);
		if (!no_rules && ruleset_load_default(sc.rs, &cause) != 0) {
			/* An uninstalled build has no rules directory. */
			log_msg(getenv("FTTRIAGE_RULES_DIR") != NULL ?
			    LOG_LVL_WARN : LOG_LVL_INFO, "%s", cause);
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
	if (sc.gate == DG_NEW && no_store) {
		ft_warnx("--fail-on new needs the store (drop --no-store)");
		rc = EXIT_ERROR;
		goto out;
	}
	if (scan_store_open(&sc, no_store, db, config, argc, argv) != 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	sc.eo.project = sc.project;
	if (sc.fmt->start != NULL)
		sc.fmt->start(sc.out, &sc.eo);
	if (optind == argc)
		errors += scan_source(&sc, "-") != 0;
	for (i = optind; i < argc; i++)
		errors += scan_source(&sc, argv[i]) != 0;
	if (sc.fmt->finish != NULL)
		sc.fmt->finish(sc.out, &sc.eo);
	found = scan_gate(&sc);
	scan_store_close(&sc);
	errors += sc.store_errors;
	if (fflush(sc.out) != 0) {
		ft_warnx("cannot write output: %s", strerror(errno));
		errors++;
	}
	if (sc.rs != NULL && regex_limit_hits() > 0)
		log_msg(LOG_LVL_WARN, "%" PRIu64 " regular expression match(es) "
		    "hit PCRE2's limits and counted as no match",
		    regex_limit_hits());
	log_msg(LOG_LVL_INFO, "%" PRIu64 " report(s), %" PRIu64
	    " incomplete", sc.reports, sc.incomplete);
	rc = errors ? EXIT_ERROR : found ? EXIT_FOUND : 0;
out:
	symbolizer_free(scan_sym);
	ruleset_free(sc.rs);
	suppressions_free(sc.supp);
	return rc;
}
