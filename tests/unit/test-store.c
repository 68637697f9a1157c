/*
 * test-store.c: unit tests of store.c, project.c and browse.c -- ingests
 * that commit or abort as one, rescans that add nothing, the sample cap,
 * rule merging, triage state and regressions, schema versions, the
 * project mapping and its errors, and --since values.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fttriage.h"
#include "cmd.h"
#include "helpers.h"

static char	 dir[] = "/tmp/fttriage-unit-store.XXXXXX";
static char	*db;
static char	*logpath;

static void
setup(void)
{
	FILE	*fp;
	int	 i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&db, "%s/t.db", dir);
	xasprintf(&logpath, "%s/t.log", dir);
	/* A log to stand for the source: its size bounds what can resume. */
	fp = fopen(logpath, "w");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < 1000; i++)
		fprintf(fp, "line %d of a log\n", i);
	fclose(fp);
}

static void
teardown(void)
{
	const char *const names[] = {
		"t.db", "t.db-wal", "t.db-shm", "t.log", "config"
	};
	char	*path;
	size_t	 i;

	for (i = 0; i < nitems(names); i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		unlink(path);
		free(path);
	}
	rmdir(dir);
	free(db);
	free(logpath);
}

/* A data race between a and b at byte offset 'at' of the log. */
static struct report *
race(const char *a, const char *b, uint64_t at)
{
	struct report	*r = report_new(RK_TSAN_DATA_RACE);
	const char	*cur[] = { NULL, NULL }, *prev[] = { NULL, NULL };
	char		 fa[128], fb[128];

	snprintf(fa, sizeof fa, "%s|ext.c|_ext.so", a);
	snprintf(fb, sizeof fb, "%s|ext.c|_ext.so", b);
	cur[0] = fa;
	prev[0] = fb;
	add_stack(r, SR_CURRENT, cur);
	add_stack(r, SR_PREVIOUS, prev);
	xasprintf(&r->title, "data race in %s", a);
	r->origin.first_byte = at;
	r->origin.end_byte = at + 100;
	r->origin.first_line = at / 10 + 1;
	r->origin.last_line = at / 10 + 10;
	r->pid = 42;
	r->test = xstrdup("test_x.py::test_race");
	report_add_text(r, "WARNING: ThreadSanitizer: data race\n", 36);
	classify_report(r);
	fingerprint_report(r);
	return r;
}

static struct store *
open_store(void)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(db, &cause);
	if (st == NULL)
		ck_abort_msg("store_open: %s", cause);
	ck_assert_int_eq(store_run_begin(st, "unit", NULL, &cause), 0);
	return st;
}

/* Ingest n races (k distinct) at offsets 0, 100, ...; commit or abort. */
static void
ingest(struct store *st, int n, int k, int commit)
{
	struct store_ingest	*ig;
	struct report		*r;
	char			*cause = NULL, a[32], b[32];
	uint64_t		 off, line;
	int			 i;

	ig = store_ingest_begin(st, logpath, "proj", &off, &line, &cause);
	if (ig == NULL)
		ck_abort_msg("ingest_begin: %s", cause);
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof a, "writer_%d", i % k);
		snprintf(b, sizeof b, "reader_%d", i % k);
		r = race(i % 2 ? a : b, i % 2 ? b : a, (uint64_t)i * 100);
		if (store_ingest_report(ig, r, &cause) != 0)
			ck_abort_msg("ingest_report: %s", cause);
		report_free(r);
	}
	if (!commit) {
		store_ingest_abort(ig);
		return;
	}
	if (store_ingest_commit(ig, (uint64_t)n * 100, (uint64_t)n * 10,
	    &cause) != 0)
		ck_abort_msg("ingest_commit: %s", cause);
}

static int64_t
count(struct store *st, const char *table)
{
	char	*cause = NULL;
	int64_t	 n = store_count(st, table, &cause);

	if (n < 0)
		ck_abort_msg("count: %s", cause);
	return n;
}

START_TEST(test_ingest_groups_both_orders)
{
	struct store	*st = open_store();

	ingest(st, 40, 4, 1);
	ck_assert_int_eq(count(st, "issues"), 4);
	ck_assert_int_eq(count(st, "reports"), 40);
	/* At most five samples per issue. */
	ck_assert_int_eq(count(st, "samples"), 20);
	store_close(st);
}
END_TEST

START_TEST(test_rescan_adds_nothing)
{
	struct store	*st = open_store();

	char		*cause = NULL;

	ingest(st, 10, 2, 1);
	ck_assert_int_eq(store_run_end(st, &cause), 0);
	ck_assert_int_eq(store_run_begin(st, "again", NULL, &cause), 0);
	ingest(st, 10, 2, 1);
	ck_assert_int_eq(count(st, "reports"), 10);
	/* A run that adds nothing leaves no trace. */
	ck_assert_int_eq(count(st, "runs"), 1);
	/* A longer read of the same log adds only what follows. */
	ingest(st, 15, 2, 1);
	ck_assert_int_eq(count(st, "reports"), 15);
	ck_assert_int_eq(count(st, "sources"), 1);
	store_close(st);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
	struct store	*st = open_store();

	ingest(st, 30, 3, 0);
	ck_assert_int_eq(count(st, "reports"), 0);
	ck_assert_int_eq(count(st, "issues"), 0);
	ck_assert_int_eq(count(st, "sources"), 0);
	ck_assert_int_eq(count(st, "runs"), 0);
	ingest(st, 30, 3, 1);
	ck_assert_int_eq(count(st, "reports"), 30);
	ck_assert_int_eq(count(st, "runs"), 1);
	store_close(st);
}
END_TEST

static void
collect(const struct store_issue *is, void *arg)
{
	int64_t	*total = arg;

	*total += is->count;
}

START_TEST(test_triage_and_regression)
{
	struct store		*st = open_store();
	struct store_issue	 is;
	struct store_filter	 f = { NULL, -1, 0 };
	char			*cause = NULL;
	int64_t			 total = 0;

	ingest(st, 4, 1, 1);
	ck_assert_int_eq(store_issue_set_state(st, 1, IS_FIXED, "done",
	    &cause), 1);
	ck_assert_int_eq(store_issue_set_state(st, 99, IS_FIXED, NULL,
	    &cause), 0);
	ck_assert_int_eq(store_issue_get(st, 1, &is, &cause), 1);
	ck_assert_int_eq(is.state, IS_FIXED);
	ck_assert_str_eq(is.note, "done");
	ck_assert_int_eq(is.regression, 0);
	store_issue_release(&is);

	/* Seen again (the log grew): new, and a regression. */
	ingest(st, 6, 1, 1);
	ck_assert_int_eq(store_issue_get(st, 1, &is, &cause), 1);
	ck_assert_int_eq(is.state, IS_NEW);
	ck_assert_int_eq(is.regression, 1);
	ck_assert_int_eq(is.count, 6);
	ck_assert_ptr_nonnull(is.fp_key);
	ck_assert_int_eq(is.fp_version, FP_ALGO_VERSION);
	ck_assert_str_eq(is.project, "proj");
	store_issue_release(&is);

	f.state = IS_NEW;
	ck_assert_int_eq(store_issues(st, &f, collect, &total, &cause), 0);
	ck_assert_int_eq(total, 6);
	total = 0;
	f.project = "other";
	ck_assert_int_eq(store_issues(st, &f, collect, &total, &cause), 0);
	ck_assert_int_eq(total, 0);
	store_close(st);
}
END_TEST

START_TEST(test_rules_merged)
{
	struct store		*st = open_store();
	struct store_ingest	*ig;
	struct store_issue	 is;
	struct report		*r;
	char			*cause = NULL;
	uint64_t		 off, line;
	const char		*rules[] = { "gil-reenabled", "borrowed-ref",
				    "gil-reenabled" };
	int			 i;

	ig = store_ingest_begin(st, logpath, NULL, &off, &line, &cause);
	ck_assert_ptr_nonnull(ig);
	for (i = 0; i < 3; i++) {
		r = race("a", "b", (uint64_t)i * 100);
		report_add_rule(r, rules[i], NULL);
		ck_assert_int_eq(store_ingest_report(ig, r, &cause), 0);
		report_free(r);
	}
	ck_assert_int_eq(store_ingest_commit(ig, 300, 30, &cause), 0);
	ck_assert_int_eq(store_issue_get(st, 1, &is, &cause), 1);
	ck_assert_str_eq(is.rules, "gil-reenabled borrowed-ref");
	ck_assert_str_eq(is.project, "default");
	store_issue_release(&is);
	store_close(st);
}
END_TEST

START_TEST(test_schema_version)
{
	struct store	*st = open_store();
	char		*cause = NULL;

	store_close(st);
	/* Opening again runs no migration twice. */
	st = open_store();
	ingest(st, 2, 1, 1);
	store_close(st);
	st = store_open(db, &cause);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(count(st, "reports"), 2);
	ck_assert_int_eq(store_count(st, "sqlite_master; --", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "unknown table"));
	free(cause);
	store_close(st);
}
END_TEST

START_TEST(test_default_path)
{
	char	*p, *cause = NULL;

	setenv("FTTRIAGE_DB", "/x/y.db", 1);
	p = store_default_path(&cause);
	ck_assert_str_eq(p, "/x/y.db");
	free(p);
	unsetenv("FTTRIAGE_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	p = store_default_path(&cause);
	ck_assert_str_eq(p, "/data/fttriage/fttriage.db");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	p = store_default_path(&cause);
	ck_assert_str_eq(p, "/home/u/.local/share/fttriage/fttriage.db");
	free(p);
}
END_TEST

static struct project_map *
map_from(const char *text, char **cause)
{
	struct project_map	*pm;
	char			*path;
	FILE			*fp;

	xasprintf(&path, "%s/config", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	pm = project_map_load(path, cause);
	free(path);
	return pm;
}

START_TEST(test_project_map)
{
	struct project_map	*pm;
	char			*cause = NULL;

	pm = map_from("# comment\n\nproject numpy /ci/numpy/*\n"
	    "  project scipy\tscipy-*.log  \nproject all *\n", &cause);
	ck_assert_ptr_nonnull(pm);
	ck_assert_str_eq(project_map_find(pm, "/ci/numpy/job.log"), "numpy");
	ck_assert_str_eq(project_map_find(pm, "/logs/scipy-7.log"), "scipy");
	ck_assert_str_eq(project_map_find(pm, "other.log"), "all");
	project_map_free(pm);

	pm = map_from("project numpy\n", &cause);
	ck_assert_ptr_null(pm);
	ck_assert_ptr_nonnull(strstr(cause, "/config:1: expected"));
	free(cause);
	cause = NULL;
	pm = map_from("\n\nprojects numpy *\n", &cause);
	ck_assert_ptr_null(pm);
	ck_assert_ptr_nonnull(strstr(cause,
	    "/config:3: unknown directive 'projects'"));
	free(cause);
	cause = NULL;

	pm = project_map_load("/nonexistent/config", &cause);
	ck_assert_ptr_null(pm);
	ck_assert_ptr_nonnull(strstr(cause, "cannot open config file"));
	free(cause);
	/* A missing default configuration is an empty mapping. */
	setenv("XDG_CONFIG_HOME", dir, 1);
	cause = NULL;
	pm = project_map_load(NULL, &cause);
	ck_assert_ptr_nonnull(pm);
	ck_assert_ptr_null(project_map_find(pm, "x.log"));
	project_map_free(pm);
}
END_TEST

START_TEST(test_since)
{
	int64_t	t;

	ck_assert_int_eq(browse_parse_since("7d", 1000000, &t), 0);
	ck_assert_int_eq(t, 1000000 - 7 * 86400);
	ck_assert_int_eq(browse_parse_since("30m", 1000000, &t), 0);
	ck_assert_int_eq(t, 1000000 - 1800);
	ck_assert_int_eq(browse_parse_since("2w", 2000000, &t), 0);
	ck_assert_int_eq(t, 2000000 - 14 * 86400);
	ck_assert_int_eq(browse_parse_since("1970-01-02", 0, &t), 0);
	ck_assert_int_eq(t, 86400);
	ck_assert_int_eq(browse_parse_since("1970-01-02T01:00:05Z", 0, &t), 0);
	ck_assert_int_eq(t, 86400 + 3605);
	ck_assert_int_eq(browse_parse_since("1970-01-01 00:02", 0, &t), 0);
	ck_assert_int_eq(t, 120);
	ck_assert_int_eq(browse_parse_since("yesterday", 0, &t), -1);
	ck_assert_int_eq(browse_parse_since("7y", 0, &t), -1);
	ck_assert_int_eq(browse_parse_since("d", 0, &t), -1);
	ck_assert_int_eq(browse_parse_since("2026-13-01", 0, &t), -1);
	ck_assert_int_eq(browse_parse_since("99999999999999999999d", 0, &t),
	    -1);
}
END_TEST

START_TEST(test_state_names)
{
	enum issue_state s;
	int		 i;

	for (i = 0; i < IS__COUNT; i++) {
		ck_assert_int_eq(issue_state_from_name(
		    issue_state_name((enum issue_state)i), &s), 0);
		ck_assert_int_eq((int)s, i);
	}
	ck_assert_int_eq(issue_state_from_name("closed", &s), -1);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ingest_groups_both_orders);
	tcase_add_test(tc, test_rescan_adds_nothing);
	tcase_add_test(tc, test_abort_leaves_nothing);
	tcase_add_test(tc, test_triage_and_regression);
	tcase_add_test(tc, test_rules_merged);
	tcase_add_test(tc, test_schema_version);
	tcase_add_test(tc, test_default_path);
	tcase_add_test(tc, test_project_map);
	tcase_add_test(tc, test_since);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(store_suite());

	/* TAP on stdout for the harness; one process per test. */
	srunner_set_tap(sr, "-");
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return 0;
}
