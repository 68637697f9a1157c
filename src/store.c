/*
 * store.c: the SQLite store, the last sink of the pipeline.
 *
 * Every report that reaches the store becomes one occurrence (a row in
 * reports) of one issue: the issue is found by (project, fingerprint
 * algorithm version, fingerprint) and created on first sight.  Sources
 * remember how far they were read, so a second scan of the same log adds
 * nothing; ingesting one source is one transaction that records that
 * position with the reports, so a killed ingest leaves nothing behind and
 * the rerun adds exactly what was lost.  A capped number of full report
 * texts is kept per issue as samples.  Triage state lives on the issue; an
 * occurrence of an issue marked fixed sets it back to new and flags it as a
 * regression.
 *
 * This is the only file that includes <sqlite3.h>.  The interface in
 * fttriage.h says nothing about SQL so another backend can sit beside it.
 * Every statement is prepared once with bound parameters; the connection
 * uses WAL and a busy timeout so several writers take turns.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fttriage.h"

#define STORE_SAMPLES_MAX	5	/* full texts kept per issue */
#define STORE_HEAD_MAX		4096	/* bytes hashed to notice replacement */
#define STORE_BUSY_MS		60000	/* how long to wait for another writer */

/* Statements, prepared once per connection. */
enum {
	Q_SOURCE_FIND,
	Q_SOURCE_NEW,
	Q_SOURCE_DONE,
	Q_RUN_NEW,
	Q_RUN_END,
	Q_ISSUE_FIND,
	Q_ISSUE_NEW,
	Q_ISSUE_SEEN,
	Q_REPORT_NEW,
	Q_SAMPLE_NEW,
	Q_ISSUE_GET,
	Q_ISSUE_STATE,
	Q_OCCURRENCES,
	Q_TESTS,
	Q_SAMPLE_GET,
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q__COUNT
};

#define ISSUE_COLUMNS \
	"id, fingerprint, fp_key, fp_version, kind, title, project, " \
	"culprit_function, culprit_file, culprit_line, culprit_module, " \
	"culprit_package, culprit_class, first_seen, last_seen, count, " \
	"state, note, regression, rules"

static const char *const store_sql[Q__COUNT] = {
	[Q_SOURCE_FIND] =
	    "SELECT id, device, inode, head_hash, head_len, read_offset, "
	    "read_line FROM sources WHERE path = ?1 ORDER BY id DESC LIMIT 1",
	[Q_SOURCE_NEW] =
	    "INSERT INTO sources (path, device, inode, size, head_hash, "
	    "head_len, project, first_seen, last_seen) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
	[Q_SOURCE_DONE] =
	    "UPDATE sources SET read_offset = ?2, read_line = ?3, "
	    "size = ?4, device = ?5, inode = ?6, head_hash = ?7, "
	    "head_len = ?8, last_seen = ?9 WHERE id = ?1",
	[Q_RUN_NEW] =
	    "INSERT INTO runs (started, command, project, host) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_RUN_END] =
	    "UPDATE runs SET finished = ?2, reports = reports + ?3 "
	    "WHERE id = ?1",
	[Q_ISSUE_FIND] =
	    "SELECT id, state, rules, samples FROM issues "
	    "WHERE project = ?1 AND fp_version = ?2 AND fingerprint = ?3",
	[Q_ISSUE_NEW] =
	    "INSERT INTO issues (fingerprint, fp_version, fp_key, project, "
	    "kind, title, culprit_function, culprit_file, culprit_line, "
	    "culprit_module, culprit_package, culprit_class, first_seen, "
	    "last_seen) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
	[Q_ISSUE_SEEN] =
	    "UPDATE issues SET count = count + ?5, last_seen = ?2, "
	    "rules = ?3, samples = ?4, "
	    "regression = CASE WHEN state = 'fixed' THEN 1 "
	    "ELSE regression END, "
	    "state = CASE WHEN state = 'fixed' THEN 'new' ELSE state END "
	    "WHERE id = ?1",
	[Q_REPORT_NEW] =
	    "INSERT OR IGNORE INTO reports (issue_id, run_id, source_id, "
	    "first_line, last_line, first_byte, end_byte, pid, test, "
	    "fingerprint, complete) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[Q_SAMPLE_NEW] =
	    "INSERT INTO samples (issue_id, report_id, text, stacks) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_ISSUE_GET] =
	    "SELECT " ISSUE_COLUMNS " FROM issues WHERE id = ?1",
	[Q_ISSUE_STATE] =
	    "UPDATE issues SET state = ?2, note = ?3, state_changed = ?4, "
	    "regression = CASE WHEN ?2 = 'fixed' THEN 0 ELSE regression END "
	    "WHERE id = ?1",
	[Q_OCCURRENCES] =
	    "SELECT r.id, r.run_id, runs.started, s.path, r.first_line, "
	    "r.last_line, r.first_byte, r.end_byte, r.pid, r.test "
	    "FROM reports r JOIN runs ON runs.id = r.run_id "
	    "JOIN sources s ON s.id = r.source_id "
	    "WHERE r.issue_id = ?1 ORDER BY r.id DESC LIMIT ?2",
	[Q_TESTS] =
	    "SELECT test, count(*) AS n FROM reports "
	    "WHERE issue_id = ?1 AND test IS NOT NULL "
	    "GROUP BY test ORDER BY n DESC, test LIMIT ?2",
	[Q_SAMPLE_GET] =
	    "SELECT text, stacks FROM samples WHERE issue_id = ?1 "
	    "ORDER BY id DESC LIMIT 1",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
};

/*
 * Migrations: entry N brings a store at schema version N to N + 1, inside
 * one transaction with the version update.  Never edit an entry once it
 * has shipped; append a new one.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  path TEXT NOT NULL,"
	"  device INTEGER, inode INTEGER, size INTEGER,"
	"  head_hash TEXT, head_len INTEGER,"
	"  read_offset INTEGER NOT NULL DEFAULT 0,"
	"  read_line INTEGER NOT NULL DEFAULT 0,"
	"  project TEXT,"
	"  first_seen INTEGER, last_seen INTEGER);"
	"CREATE INDEX sources_path ON sources (path);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started INTEGER NOT NULL, finished INTEGER,"
	"  command TEXT, project TEXT, host TEXT,"
	"  reports INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE issues ("
	"  id INTEGER PRIMARY KEY,"
	"  fingerprint TEXT NOT NULL,"
	"  fp_version INTEGER NOT NULL,"
	"  fp_key TEXT,"
	"  project TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  title TEXT,"
	"  culprit_function TEXT, culprit_file TEXT, culprit_line INTEGER,"
	"  culprit_module TEXT, culprit_package TEXT, culprit_class TEXT,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  samples INTEGER NOT NULL DEFAULT 0,"
	"  rules TEXT,"
	"  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN"
	"    ('new', 'known', 'upstream', 'fixed', 'ignored')),"
	"  note TEXT, state_changed INTEGER,"
	"  regression INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (project, fp_version, fingerprint));"
	"CREATE INDEX issues_last_seen ON issues (last_seen);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  issue_id INTEGER NOT NULL REFERENCES issues (id),"
	"  run_id INTEGER NOT NULL REFERENCES runs (id),"
	"  source_id INTEGER NOT NULL REFERENCES sources (id),"
	"  first_line INTEGER, last_line INTEGER,"
	"  first_byte INTEGER NOT NULL, end_byte INTEGER,"
	"  pid INTEGER, test TEXT,"
	"  fingerprint TEXT NOT NULL,"
	"  complete INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX reports_issue ON reports (issue_id, id);"
	"CREATE UNIQUE INDEX reports_place ON reports (source_id, first_byte);"
	"CREATE TABLE samples ("
	"  id INTEGER PRIMARY KEY,"
	"  issue_id INTEGER NOT NULL REFERENCES issues (id),"
	"  report_id INTEGER NOT NULL REFERENCES reports (id),"
	"  text TEXT NOT NULL, stacks TEXT);"
	"CREATE INDEX samples_issue ON samples (issue_id);",
};
#define STORE_VERSION ((int)nitems(store_migrations))

static const char *const state_names[IS__COUNT] = {
	"new", "known", "upstream", "fixed", "ignored"
};

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmt[Q__COUNT];

	int64_t		 run_id;        /* 0 until the first ingest writes */
	int64_t		 run_started;
	char		*run_command;
	char		*run_project;
	uint64_t	 run_reports;
};

struct store_ingest {
	struct store	*st;
	char		*path;
	char		*project;
	int		 is_file;
	int		 began;         /* BEGIN IMMEDIATE issued */
	int		 run_created;   /* the run row is part of this txn */
	int64_t		 source_id;     /* 0 until the source row exists */
	struct stat	 sb;
	char		 head_hash[17];
	int64_t		 head_len;
	uint64_t	 added;
	uint64_t	 stored_to;     /* reports before this were stored */
	uint64_t	 saved;         /* of added, committed already */

	/* Issues seen in this ingest; their counts are written at flush. */
	struct store_seen *seen;
	size_t		 seen_cap;      /* a power of two */
	size_t		 nseen;
};

/* One issue seen during an ingest: what its row will be updated with. */
struct store_seen {
	char		*fingerprint;   /* NULL: the slot is free */
	int64_t		 id;
	int64_t		 added;         /* occurrences added in this ingest */
	int64_t		 samples;       /* samples kept in all */
	char		*rules;         /* merged rule ids */
};
#define STORE_SEEN_MAX	65536   /* flushed early when this many */

/* The stable name of a triage state ("new", "fixed", ...). */
const char *
issue_state_name(enum issue_state s)
{
	if ((unsigned)s >= IS__COUNT)
		return "unknown";
	return state_names[s];
}

/* Parse a triage state name; 0, or -1 when it is not one. */
int
issue_state_from_name(const char *name, enum issue_state *out)
{
	size_t	i;

	for (i = 0; i < IS__COUNT; i++) {
		if (strcmp(state_names[i], name) == 0) {
			*out = (enum issue_state)i;
			return 0;
		}
	}
	return -1;
}

/* Fill *cause with "store 'path': what: sqlite message"; returns -1. */
static int
store_error(struct store *st, char **cause, const char *what)
{
	xasprintf(cause, "store '%s': %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
	return -1;
}

/* Reset a prepared statement for its next use. */
static sqlite3_stmt *
store_stmt(struct store *st, int q)
{
	sqlite3_stmt	*s = st->stmt[q];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Run a statement expected to return no rows; 0 or -1. */
static int
store_step_done(struct store *st, sqlite3_stmt *s, char **cause,
    const char *what)
{
	int	rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		store_error(st, cause, what);
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/*
 * Bind text that came from a log: stored as valid UTF-8 (bad bytes become
 * U+FFFD) so that what the store gives back is safe to print and to put in
 * JSON.
 */
static void
bind_log_text(sqlite3_stmt *s, int i, const char *v, size_t len)
{
	char	*clean;
	size_t	 j;

	if (v == NULL) {
		sqlite3_bind_null(s, i);
		return;
	}
	for (j = 0; j < len; j++)
		if ((unsigned char)v[j] >= 0x80)
			break;
	if (j == len) {
		sqlite3_bind_text(s, i, v, (int)len, SQLITE_TRANSIENT);
		return;
	}
	clean = str_sanitize_utf8(v, len);
	sqlite3_bind_text(s, i, clean, -1, SQLITE_TRANSIENT);
	free(clean);
}

static void
bind_log_str(sqlite3_stmt *s, int i, const char *v)
{
	bind_log_text(s, i, v, v != NULL ? strlen(v) : 0);
}

static char *
column_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v == NULL ? NULL : xstrdup((const char *)v);
}

/* Make every directory above path; 0 or -1 with cause. */
static int
store_mkdirs(const char *path, char **cause)
{
	char	*copy = xstrdup(path), *p;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST) {
			xasprintf(cause, "cannot create directory '%s': %s",
			    copy, strerror(errno));
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

/*
 * Where the store lives when --db is not given: $FTTRIAGE_DB, else
 * $XDG_DATA_HOME/fttriage/fttriage.db, else ~/.local/share/fttriage/
 * fttriage.db.  Caller frees; NULL with cause when there is no home.
 */
char *
store_default_path(char **cause)
{
	const char	*env, *home;
	char		*path;

	if ((env = getenv("FTTRIAGE_DB")) != NULL && *env != '\0')
		return xstrdup(env);
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		xasprintf(&path, "%s/fttriage/fttriage.db", env);
		return path;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		xasprintf(cause, "no store path: set HOME, XDG_DATA_HOME or "
		    "FTTRIAGE_DB, or give --db");
		return NULL;
	}
	xasprintf(&path, "%s/.local/share/fttriage/fttriage.db", home);
	return path;
}

/* Bring the schema up to STORE_VERSION; 0 or -1 with cause. */
static int
store_migrate(struct store *st, char **cause)
{
	sqlite3_stmt	*s = NULL;
	int		 version = 0, rc, i;
	char		*sql;

	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return store_error(st, cause, "cannot lock for migration");
	if (sqlite3_exec(st->db, "CREATE TABLE IF NOT EXISTS schema_version "
	    "(version INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "SELECT max(version) FROM "
	    "schema_version", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	else if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;

	if (version > STORE_VERSION) {
		xasprintf(cause, "store '%s' has schema version %d, newer "
		    "than this fttriage knows (%d)", st->path, version,
		    STORE_VERSION);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	for (i = version; i < STORE_VERSION; i++) {
		if (sqlite3_exec(st->db, store_migrations[i], NULL, NULL,
		    NULL) != SQLITE_OK)
			goto fail;
	}
	if (version < STORE_VERSION) {
		xasprintf(&sql, "DELETE FROM schema_version; INSERT INTO "
		    "schema_version VALUES (%d)", STORE_VERSION);
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			goto fail;
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;

fail:
	store_error(st, cause, "cannot migrate schema");
	sqlite3_finalize(s);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Switch to WAL.  While another connection creates the same new store the
 * switch can fail as busy without the busy handler being asked, so retry
 * for as long as the busy timeout would have waited.
 */
static int
store_setup(struct store *st, char **cause)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 rc, waited = 0;

	for (;;) {
		rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL,
		    NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= STORE_BUSY_MS)
			break;
		nanosleep(&ts, NULL);
		waited += 10;
	}
	if (rc != SQLITE_OK ||
	    sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL; "
	    "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
		return store_error(st, cause, "cannot set up");
	return 0;
}

/*
 * Open the store at path (the default when NULL, creating its directory),
 * creating it and running its migrations as needed.  The caller owns the
 * store; NULL with cause on error.
 */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;
	const char	*limit;
	char		*sql;
	int		 i;

	st = xcalloc(1, sizeof *st);
	if (path != NULL)
		st->path = xstrdup(path);
	else {
		if ((st->path = store_default_path(cause)) == NULL)
			goto fail;
		if (store_mkdirs(st->path, cause) != 0)
			goto fail;
	}
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (st->db == NULL) {
			xasprintf(cause, "cannot open store '%s'", st->path);
			goto fail;
		}
		store_error(st, cause, "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (store_setup(st, cause) != 0)
		goto fail;
	/* For the tests: a store that fills up like a full disk. */
	if ((limit = getenv("FTTRIAGE_TEST_MAX_PAGES")) != NULL) {
		uint64_t n;

		if (parse_u64(limit, strlen(limit), 10, &n) == 0) {
			xasprintf(&sql, "PRAGMA max_page_count = %llu",
			    (unsigned long long)n);
			sqlite3_exec(st->db, sql, NULL, NULL, NULL);
			free(sql);
		}
	}
	if (store_migrate(st, cause) != 0)
		goto fail;
	for (i = 0; i < Q__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			store_error(st, cause, "cannot prepare statement");
			goto fail;
		}
	}
	return st;

fail:
	store_close(st);
	return NULL;
}

/* Close a store and free it; NULL does nothing. */
void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->run_command);
	free(st->run_project);
	free(st->path);
	free(st);
}

/* The path of the store's database; owned by the store. */
const char *
store_path(const struct store *st)
{
	return st->path;
}

/*
 * Start a run: what the following ingests are recorded under.  The run row
 * is written with the first ingest that adds a report.
 */
int
store_run_begin(struct store *st, const char *command, const char *project,
    char **cause)
{
	(void)cause;
	free(st->run_command);
	free(st->run_project);
	st->run_command = command != NULL ? xstrdup(command) : NULL;
	st->run_project = project != NULL ? xstrdup(project) : NULL;
	st->run_id = 0;
	st->run_started = (int64_t)time(NULL);
	st->run_reports = 0;
	return 0;
}

/* Finish the current run: its end time and report count.  0 or -1. */
int
store_run_end(struct store *st, char **cause)
{
	sqlite3_stmt	*s;

	if (st->run_id == 0)
		return 0;
	s = store_stmt(st, Q_RUN_END);
	sqlite3_bind_int64(s, 1, st->run_id);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	sqlite3_bind_int64(s, 3, (int64_t)st->run_reports);
	if (store_step_done(st, s, cause, "cannot finish run") != 0)
		return -1;
	st->run_id = 0;
	return 0;
}

/* FNV-1a over the first len bytes, as 16 hex digits. */
static void
store_hash(const char *p, size_t len, char out[17])
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Read the head of a file: up to STORE_HEAD_MAX bytes into buf. */
static ssize_t
store_read_head(const char *path, char *buf)
{
	ssize_t	 n, got = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	while (got < STORE_HEAD_MAX) {
		n = read(fd, buf + got, (size_t)(STORE_HEAD_MAX - got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	return got;
}

static int
store_begin(struct store_ingest *ig, char **cause)
{
	struct store	*st = ig->st;

	if (ig->began)
		return 0;
	if (store_step_done(st, store_stmt(st, Q_BEGIN), cause,
	    "cannot begin ingest") != 0)
		return -1;
	ig->began = 1;
	return 0;
}

/* Record the run when it first adds something, inside the transaction. */
static int
store_run_row(struct store_ingest *ig, char **cause)
{
	struct store	*st = ig->st;
	sqlite3_stmt	*s;
	char		 host[256];

	if (st->run_id != 0)
		return 0;
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	if (st->run_started == 0)
		st->run_started = (int64_t)time(NULL);
	s = store_stmt(st, Q_RUN_NEW);
	sqlite3_bind_int64(s, 1, st->run_started);
	bind_text(s, 2, st->run_command);
	bind_text(s, 3, st->run_project != NULL ? st->run_project :
	    ig->project);
	bind_text(s, 4, host[0] != '\0' ? host : NULL);
	if (store_step_done(st, s, cause, "cannot record run") != 0)
		return -1;
	st->run_id = sqlite3_last_insert_rowid(st->db);
	ig->run_created = 1;
	return 0;
}

/* Create the source row for this ingest when it does not exist yet. */
static int
store_source_row(struct store_ingest *ig, char **cause)
{
	struct store	*st = ig->st;
	sqlite3_stmt	*s;

	if (ig->source_id != 0)
		return 0;
	s = store_stmt(st, Q_SOURCE_NEW);
	bind_text(s, 1, ig->path);
	if (ig->is_file) {
		sqlite3_bind_int64(s, 2, (int64_t)ig->sb.st_dev);
		sqlite3_bind_int64(s, 3, (int64_t)ig->sb.st_ino);
		sqlite3_bind_int64(s, 4, (int64_t)ig->sb.st_size);
		bind_text(s, 5, ig->head_hash);
		sqlite3_bind_int64(s, 6, ig->head_len);
	}
	bind_text(s, 7, ig->project);
	sqlite3_bind_int64(s, 8, ig->st->run_started);
	if (store_step_done(st, s, cause, "cannot record source") != 0)
		return -1;
	ig->source_id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/*
 * Find an earlier ingest of the same content: same path, the stored head
 * still at the start of the file and the file no shorter than what was
 * read.  Sets the resume position, or leaves it 0 for new content.
 */
static int
store_source_find(struct store_ingest *ig, const char *head, size_t len,
    uint64_t *offset, uint64_t *line, char **cause)
{
	struct store	*st = ig->st;
	sqlite3_stmt	*s;
	const char	*old_hash;
	char		 hash[17];
	int64_t		 old_len, old_off;
	int		 rc;

	s = store_stmt(st, Q_SOURCE_FIND);
	bind_text(s, 1, ig->path);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_error(st, cause, "cannot look up source");
	}
	old_hash = (const char *)sqlite3_column_text(s, 3);
	old_len = sqlite3_column_int64(s, 4);
	old_off = sqlite3_column_int64(s, 5);
	if (old_hash != NULL && old_len >= 0 && (size_t)old_len <= len &&
	    old_off <= (int64_t)ig->sb.st_size) {
		store_hash(head, (size_t)old_len, hash);
		if (strcmp(hash, old_hash) == 0) {
			ig->source_id = sqlite3_column_int64(s, 0);
			ig->stored_to = (uint64_t)old_off;
			*offset = (uint64_t)old_off;
			*line = (uint64_t)sqlite3_column_int64(s, 6);
		}
	}
	sqlite3_reset(s);
	return 0;
}

/*
 * Start ingesting one source (see fttriage.h).  Files are locked for
 * writing at once; a stream only when its first report comes.  Returns the
 * ingest, owned by the caller until commit or abort; NULL with cause.
 */
struct store_ingest *
store_ingest_begin(struct store *st, const char *path, const char *project,
    uint64_t *offset, uint64_t *line, char **cause)
{
	struct store_ingest	*ig;
	char			 head[STORE_HEAD_MAX];
	ssize_t			 n;

	*offset = 0;
	*line = 0;
	ig = xcalloc(1, sizeof *ig);
	ig->st = st;
	ig->project = xstrdup(project != NULL ? project : "default");

	if (strcmp(path, "-") == 0 || stat(path, &ig->sb) != 0 ||
	    !S_ISREG(ig->sb.st_mode)) {
		ig->path = xstrdup(path);
		return ig;  /* a stream: always new, the txn starts lazily */
	}
	/* One file is one source however it was named. */
	if ((ig->path = realpath(path, NULL)) == NULL)
		ig->path = xstrdup(path);
	if ((n = store_read_head(path, head)) < 0)
		return ig;
	ig->is_file = 1;
	ig->head_len = n;
	store_hash(head, (size_t)n, ig->head_hash);

	/* Lock first so two scans of one file cannot both count it. */
	if (store_begin(ig, cause) != 0)
		goto fail;
	if (store_source_find(ig, head, (size_t)n, offset, line, cause) != 0)
		goto fail;
	return ig;

fail:
	store_ingest_abort(ig);
	return NULL;
}

/* Add rule ids to a space-separated set; returns a new string. */
static char *
store_merge_rules(const char *old, const struct report *r)
{
	struct buf	 b;
	const char	*p;
	size_t		 i, n;
	int		 found;

	buf_init(&b, 64 * 1024);
	if (old != NULL)
		buf_adds(&b, old);
	for (i = 0; i < r->nrules; i++) {
		n = strlen(r->rules[i]);
		found = 0;
		for (p = b.len ? buf_cstr(&b) : ""; *p != '\0';) {
			size_t w = strcspn(p, " ");
			if (w == n && memcmp(p, r->rules[i], n) == 0) {
				found = 1;
				break;
			}
			p += w;
			p += strspn(p, " ");
		}
		if (found)
			continue;
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, r->rules[i]);
	}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* The stacks as text, symbolized where the symbolizer filled them in. */
static char *
store_render_stacks(const struct report *r)
{
	struct buf	 b;
	size_t		 i, j;

	buf_init(&b, FT_REPORT_TEXT_MAX);
	for (i = 0; i < r->nstacks; i++) {
		const struct stack *sk = &r->stacks[i];

		const char *label = sk->label != NULL ? sk->label :
		    stack_role_name(sk->role);
		size_t	    n = strlen(label);

		buf_printf(&b, "%s%s%s\n", i ? "\n" : "", label,
		    n > 0 && label[n - 1] == ':' ? "" : ":");
		for (j = 0; j < sk->nframes; j++) {
			const struct frame *f = &sk->frames[j];

			buf_printf(&b, "  #%u %s", f->index,
			    f->function != NULL ? f->function : "<null>");
			if (f->file != NULL) {
				buf_printf(&b, " %s", f->file);
				if (f->line != 0)
					buf_printf(&b, ":%u", f->line);
			}
			if (f->module != NULL) {
				buf_printf(&b, " (%s", path_basename(f->module));
				if (f->has_offset)
					buf_printf(&b, "+0x%llx",
					    (unsigned long long)f->offset);
				buf_adds(&b, ")");
			}
			if (f->inlined)
				buf_adds(&b, " [inlined]");
			if (f->cls != FC_UNKNOWN)
				buf_printf(&b, " [%s]", frame_class_name(f->cls));
			buf_addc(&b, '\n');
		}
	}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Create the issue for a report; its id in *id. */
static int
store_issue_new(struct store_ingest *ig, const struct report *r,
    int64_t *id, char **cause)
{
	struct store		*st = ig->st;
	const struct frame	*cf = report_culprit(r);
	sqlite3_stmt		*s;
	char			*key;

	key = fingerprint_key(r);
	s = store_stmt(st, Q_ISSUE_NEW);
	bind_text(s, 1, r->fingerprint);
	sqlite3_bind_int(s, 2, FP_ALGO_VERSION);
	bind_log_str(s, 3, key);
	bind_text(s, 4, ig->project);
	bind_text(s, 5, report_kind_name(r->kind));
	bind_log_str(s, 6, r->title);
	if (cf != NULL) {
		bind_log_str(s, 7, cf->function);
		bind_log_str(s, 8, cf->file);
		if (cf->line != 0)
			sqlite3_bind_int64(s, 9, cf->line);
		bind_log_str(s, 10, cf->module);
		bind_log_str(s, 11, cf->package);
		bind_text(s, 12, frame_class_name(cf->cls));
	}
	sqlite3_bind_int64(s, 13, st->run_started);
	free(key);
	if (store_step_done(st, s, cause, "cannot record issue") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int	store_stream_checkpoint(struct store_ingest *,
		    const struct report *, char **);

static uint64_t
store_str_hash(const char *p)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot for a fingerprint: its entry, or the free slot to fill. */
static struct store_seen *
store_seen_slot(struct store_ingest *ig, const char *fp)
{
	size_t	i, mask = ig->seen_cap - 1;

	i = (size_t)store_str_hash(fp) & mask;
	while (ig->seen[i].fingerprint != NULL &&
	    strcmp(ig->seen[i].fingerprint, fp) != 0)
		i = (i + 1) & mask;
	return &ig->seen[i];
}

/* Write the seen issues' new counts, samples and rules; empty the table. */
static int
store_seen_flush(struct store_ingest *ig, char **cause)
{
	struct store		*st = ig->st;
	struct store_seen	*e;
	sqlite3_stmt		*s;
	size_t			 i;
	int			 rv = 0;

	for (i = 0; i < ig->seen_cap; i++) {
		e = &ig->seen[i];
		if (e->fingerprint == NULL)
			continue;
		if (rv == 0 && e->added > 0) {
			s = store_stmt(st, Q_ISSUE_SEEN);
			sqlite3_bind_int64(s, 1, e->id);
			sqlite3_bind_int64(s, 2, st->run_started);
			bind_text(s, 3, e->rules);
			sqlite3_bind_int64(s, 4, e->samples);
			sqlite3_bind_int64(s, 5, e->added);
			rv = store_step_done(st, s, cause,
			    "cannot update issue");
		}
		free(e->fingerprint);
		free(e->rules);
		memset(e, 0, sizeof *e);
	}
	ig->nseen = 0;
	return rv;
}

/* The issue for a report, found or created, in the ingest's table. */
static struct store_seen *
store_seen_find(struct store_ingest *ig, const struct report *r,
    char **cause)
{
	struct store		*st = ig->st;
	struct store_seen	*e;
	sqlite3_stmt		*s;
	int			 rc;

	if (ig->seen == NULL) {
		ig->seen_cap = 1024;
		ig->seen = xcalloc(ig->seen_cap, sizeof *ig->seen);
	}
	e = store_seen_slot(ig, r->fingerprint);
	if (e->fingerprint != NULL)
		return e;
	if (ig->nseen >= STORE_SEEN_MAX) {
		if (store_seen_flush(ig, cause) != 0)
			return NULL;
		e = store_seen_slot(ig, r->fingerprint);
	} else if ((ig->nseen + 1) * 2 > ig->seen_cap) {
		struct store_seen	*old = ig->seen;
		size_t			 cap = ig->seen_cap, i;

		ig->seen_cap *= 2;
		ig->seen = xcalloc(ig->seen_cap, sizeof *ig->seen);
		for (i = 0; i < cap; i++)
			if (old[i].fingerprint != NULL)
				*store_seen_slot(ig, old[i].fingerprint) =
				    old[i];
		free(old);
		e = store_seen_slot(ig, r->fingerprint);
	}

	s = store_stmt(st, Q_ISSUE_FIND);
	bind_text(s, 1, ig->project);
	sqlite3_bind_int(s, 2, FP_ALGO_VERSION);
	bind_text(s, 3, r->fingerprint);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		e->id = sqlite3_column_int64(s, 0);
		e->rules = column_dup(s, 2);
		e->samples = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_error(st, cause, "cannot look up issue");
		free(e->rules);
		memset(e, 0, sizeof *e);
		return NULL;
	}
	if (rc == SQLITE_DONE && store_issue_new(ig, r, &e->id, cause) != 0)
		return NULL;
	e->fingerprint = xstrdup(r->fingerprint);
	ig->nseen++;
	return e;
}

/*
 * Record one report as an occurrence of its issue, creating the issue on
 * first sight.  The report stays the caller's.  0, or -1 with cause (the
 * caller then aborts the ingest).
 */
int
store_ingest_report(struct store_ingest *ig, struct report *r, char **cause)
{
	struct store		*st = ig->st;
	struct store_seen	*e;
	sqlite3_stmt		*s;
	int64_t			 report_id;
	char			*rules, *stacks;

	if (r->origin.first_byte < ig->stored_to)
		return 0;  /* an earlier ingest stored it */
	if (r->fingerprint == NULL)
		fingerprint_report(r);
	if (r->fingerprint == NULL) {
		xasprintf(cause, "report at %s:%llu has no fingerprint",
		    ig->path, (unsigned long long)r->origin.first_line);
		return -1;
	}
	if (store_begin(ig, cause) != 0 || store_run_row(ig, cause) != 0 ||
	    store_source_row(ig, cause) != 0)
		return -1;
	if ((e = store_seen_find(ig, r, cause)) == NULL)
		return -1;

	s = store_stmt(st, Q_REPORT_NEW);
	sqlite3_bind_int64(s, 1, e->id);
	sqlite3_bind_int64(s, 2, st->run_id);
	sqlite3_bind_int64(s, 3, ig->source_id);
	sqlite3_bind_int64(s, 4, (int64_t)r->origin.first_line);
	sqlite3_bind_int64(s, 5, (int64_t)r->origin.last_line);
	sqlite3_bind_int64(s, 6, (int64_t)r->origin.first_byte);
	sqlite3_bind_int64(s, 7, (int64_t)r->origin.end_byte);
	if (r->pid >= 0)
		sqlite3_bind_int64(s, 8, r->pid);
	bind_log_str(s, 9, r->test);
	bind_text(s, 10, r->fingerprint);
	sqlite3_bind_int(s, 11, r->complete ? 1 : 0);
	if (store_step_done(st, s, cause, "cannot record report") != 0)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;  /* already stored from this very place */
	report_id = sqlite3_last_insert_rowid(st->db);

	if (e->samples < STORE_SAMPLES_MAX && r->text != NULL) {
		stacks = store_render_stacks(r);
		s = store_stmt(st, Q_SAMPLE_NEW);
		sqlite3_bind_int64(s, 1, e->id);
		sqlite3_bind_int64(s, 2, report_id);
		bind_log_text(s, 3, r->text, r->text_len);
		bind_log_str(s, 4, stacks);
		free(stacks);
		if (store_step_done(st, s, cause, "cannot record sample") != 0)
			return -1;
		e->samples++;
	}
	if (r->nrules > 0) {
		rules = store_merge_rules(e->rules, r);
		free(e->rules);
		e->rules = rules;
	}
	e->added++;
	ig->added++;
	return store_stream_checkpoint(ig, r, cause);
}

/* How many reports this ingest has recorded so far. */
uint64_t
store_ingest_added(const struct store_ingest *ig)
{
	return ig->added;
}

static void
store_ingest_free(struct store_ingest *ig)
{
	size_t	i;

	for (i = 0; i < ig->seen_cap; i++) {
		free(ig->seen[i].fingerprint);
		free(ig->seen[i].rules);
	}
	free(ig->seen);
	free(ig->path);
	free(ig->project);
	free(ig);
}

/* Write the seen issues and the source position, and commit. */
static int
store_ingest_save(struct store_ingest *ig, uint64_t offset, uint64_t line,
    char **cause)
{
	struct store	*st = ig->st;
	sqlite3_stmt	*s;

	if (store_begin(ig, cause) != 0 || store_source_row(ig, cause) != 0)
		return -1;
	if (store_seen_flush(ig, cause) != 0)
		return -1;
	s = store_stmt(st, Q_SOURCE_DONE);
	sqlite3_bind_int64(s, 1, ig->source_id);
	sqlite3_bind_int64(s, 2, (int64_t)offset);
	sqlite3_bind_int64(s, 3, (int64_t)line);
	if (ig->is_file) {
		sqlite3_bind_int64(s, 4, (int64_t)ig->sb.st_size);
		sqlite3_bind_int64(s, 5, (int64_t)ig->sb.st_dev);
		sqlite3_bind_int64(s, 6, (int64_t)ig->sb.st_ino);
		bind_text(s, 7, ig->head_hash);
		sqlite3_bind_int64(s, 8, ig->head_len);
	} else
		sqlite3_bind_int64(s, 4, (int64_t)offset);
	sqlite3_bind_int64(s, 9, st->run_started);
	if (store_step_done(st, s, cause, "cannot record source position") != 0)
		return -1;
	if (store_step_done(st, store_stmt(st, Q_COMMIT), cause,
	    "cannot commit ingest") != 0)
		return -1;
	st->run_reports += ig->added - ig->saved;
	ig->saved = ig->added;
	ig->began = 0;
	ig->run_created = 0;
	return 0;
}

/*
 * A stream (a pipe from a test run) may go on for an hour and sit idle
 * for minutes: rather than keep other writers out all that time, each of
 * its reports is committed as it comes, with how far it was read.
 */
static int
store_stream_checkpoint(struct store_ingest *ig, const struct report *r,
    char **cause)
{
	if (ig->is_file || !ig->began)
		return 0;
	return store_ingest_save(ig, r->origin.end_byte, r->origin.last_line,
	    cause);
}

/*
 * Commit the ingest with how far its source was read, and free it.
 * 0, or -1 with cause (nothing of the ingest is kept).
 */
int
store_ingest_commit(struct store_ingest *ig, uint64_t offset, uint64_t line,
    char **cause)
{
	if (!ig->is_file && ig->added == 0) {
		/* A stream that gave nothing: nothing to remember. */
		store_ingest_abort(ig);
		return 0;
	}
	if (store_ingest_save(ig, offset, line, cause) != 0) {
		store_ingest_abort(ig);
		return -1;
	}
	store_ingest_free(ig);
	return 0;
}

/* Discard what the ingest wrote since its last commit, and free it. */
void
store_ingest_abort(struct store_ingest *ig)
{
	struct store	*st;

	if (ig == NULL)
		return;
	st = ig->st;
	if (ig->began && sqlite3_get_autocommit(st->db) == 0) {
		sqlite3_reset(st->stmt[Q_ROLLBACK]);
		sqlite3_step(st->stmt[Q_ROLLBACK]);
		sqlite3_reset(st->stmt[Q_ROLLBACK]);
	}
	if (ig->run_created)
		st->run_id = 0;
	store_ingest_free(ig);
}

/* Fill an issue from a row of ISSUE_COLUMNS. */
static void
store_issue_fill(sqlite3_stmt *s, struct store_issue *is)
{
	char	*state;

	memset(is, 0, sizeof *is);
	is->id = sqlite3_column_int64(s, 0);
	is->fingerprint = column_dup(s, 1);
	is->fp_key = column_dup(s, 2);
	is->fp_version = sqlite3_column_int(s, 3);
	is->kind = column_dup(s, 4);
	is->title = column_dup(s, 5);
	is->project = column_dup(s, 6);
	is->culprit_function = column_dup(s, 7);
	is->culprit_file = column_dup(s, 8);
	is->culprit_line = (unsigned)sqlite3_column_int64(s, 9);
	is->culprit_module = column_dup(s, 10);
	is->culprit_package = column_dup(s, 11);
	is->culprit_class = column_dup(s, 12);
	is->first_seen = sqlite3_column_int64(s, 13);
	is->last_seen = sqlite3_column_int64(s, 14);
	is->count = sqlite3_column_int64(s, 15);
	state = column_dup(s, 16);
	if (state == NULL || issue_state_from_name(state, &is->state) != 0)
		is->state = IS_NEW;
	free(state);
	is->note = column_dup(s, 17);
	is->regression = sqlite3_column_int(s, 18);
	is->rules = column_dup(s, 19);
}

/* Free the strings of an issue read from the store. */
void
store_issue_release(struct store_issue *is)
{
	free(is->fingerprint);
	free(is->fp_key);
	free(is->kind);
	free(is->title);
	free(is->project);
	free(is->culprit_function);
	free(is->culprit_file);
	free(is->culprit_module);
	free(is->culprit_package);
	free(is->culprit_class);
	free(is->note);
	free(is->rules);
	memset(is, 0, sizeof *is);
}

/*
 * Call cb for each issue matching the filter, most recently seen first.
 * The issue passed to cb is valid only during the call.  0 or -1.
 */
int
store_issues(struct store *st, const struct store_filter *f,
    void (*cb)(const struct store_issue *, void *), void *arg, char **cause)
{
	struct store_issue	 is;
	sqlite3_stmt		*s;
	int			 rc;

	/* One statement; unused filters are bound NULL and match all. */
	if (sqlite3_prepare_v2(st->db, "SELECT " ISSUE_COLUMNS " FROM issues "
	    "WHERE (?1 IS NULL OR project = ?1) "
	    "AND (?2 IS NULL OR state = ?2) "
	    "AND (?3 IS NULL OR last_seen >= ?3) "
	    "ORDER BY last_seen DESC, count DESC, id", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_error(st, cause, "cannot list issues");
	bind_text(s, 1, f->project);
	if (f->state >= 0)
		bind_text(s, 2, issue_state_name((enum issue_state)f->state));
	if (f->since > 0)
		sqlite3_bind_int64(s, 3, f->since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_issue_fill(s, &is);
		cb(&is, arg);
		store_issue_release(&is);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "cannot list issues");
	return 0;
}

/*
 * Read issue id into *out (release it with store_issue_release).
 * 1 found, 0 no such issue, -1 error.
 */
int
store_issue_get(struct store *st, int64_t id, struct store_issue *out,
    char **cause)
{
	sqlite3_stmt	*s = store_stmt(st, Q_ISSUE_GET);
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_issue_fill(s, out);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return 0;
	return store_error(st, cause, "cannot read issue");
}

/*
 * Call cb for the latest limit occurrences of issue id, newest first;
 * the strings are valid only during the call.  0 or -1.
 */
int
store_issue_occurrences(struct store *st, int64_t id, unsigned limit,
    void (*cb)(const struct store_occurrence *, void *), void *arg,
    char **cause)
{
	struct store_occurrence	 o;
	sqlite3_stmt		*s = store_stmt(st, Q_OCCURRENCES);
	int			 rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&o, 0, sizeof o);
		o.report_id = sqlite3_column_int64(s, 0);
		o.run_id = sqlite3_column_int64(s, 1);
		o.seen = sqlite3_column_int64(s, 2);
		o.source = (const char *)sqlite3_column_text(s, 3);
		o.first_line = (uint64_t)sqlite3_column_int64(s, 4);
		o.last_line = (uint64_t)sqlite3_column_int64(s, 5);
		o.first_byte = (uint64_t)sqlite3_column_int64(s, 6);
		o.end_byte = (uint64_t)sqlite3_column_int64(s, 7);
		o.pid = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 :
		    (long)sqlite3_column_int64(s, 8);
		o.test = (const char *)sqlite3_column_text(s, 9);
		cb(&o, arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "cannot read occurrences");
	return 0;
}

/*
 * Call cb for the tests that triggered issue id, most frequent first,
 * at most limit of them.  0 or -1.
 */
int
store_issue_tests(struct store *st, int64_t id, unsigned limit,
    void (*cb)(const char *, int64_t, void *), void *arg, char **cause)
{
	sqlite3_stmt	*s = store_stmt(st, Q_TESTS);
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1), arg);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "cannot read tests");
	return 0;
}

/*
 * The newest sample of issue id: the text and the rendered stacks, each
 * NULL when not kept; the caller frees both.  0 or -1.
 */
int
store_issue_sample(struct store *st, int64_t id, char **text, char **stacks,
    char **cause)
{
	sqlite3_stmt	*s = store_stmt(st, Q_SAMPLE_GET);
	int		 rc;

	*text = *stacks = NULL;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*text = column_dup(s, 0);
		*stacks = column_dup(s, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, cause, "cannot read sample");
	return 0;
}

/*
 * Set the triage state and note of issue id; marking it fixed clears the
 * regression flag.  1 done, 0 no such issue, -1 error.
 */
int
store_issue_set_state(struct store *st, int64_t id, enum issue_state state,
    const char *note, char **cause)
{
	sqlite3_stmt	*s = store_stmt(st, Q_ISSUE_STATE);

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, issue_state_name(state));
	bind_text(s, 3, note);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (store_step_done(st, s, cause, "cannot set state") != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

/* The number of rows in one of the store's tables; -1 with cause. */
int64_t
store_count(struct store *st, const char *table, char **cause)
{
	static const char *const tables[] = {
		"sources", "runs", "reports", "samples", "issues"
	};
	sqlite3_stmt	*s;
	char		*sql;
	int64_t		 n = -1;
	size_t		 i;

	for (i = 0; i < nitems(tables); i++)
		if (strcmp(tables[i], table) == 0)
			break;
	if (i == nitems(tables)) {
		xasprintf(cause, "unknown table '%s'", table);
		return -1;
	}
	/* The name comes from the fixed list above, never from input. */
	xasprintf(&sql, "SELECT count(*) FROM %s", tables[i]);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		free(sql);
		store_error(st, cause, "cannot count");
		return -1;
	}
	free(sql);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_error(st, cause, "cannot count");
	sqlite3_finalize(s);
	return n;
}

/* --- for the watcher --- */

/*
 * The watcher follows files, not paths: a log renamed by rotation keeps its
 * source row (and so its position and its already stored reports), and a
 * new file at an old path starts from the beginning.  A file is known by
 * its device and inode, confirmed by the hash of its head so that a reused
 * inode is not mistaken for the old file.
 */
#define STORE_FOLLOW_FIND \
	"SELECT id, path, head_hash, head_len, read_offset, read_line " \
	"FROM sources WHERE device = ?1 AND inode = ?2 " \
	"ORDER BY id DESC LIMIT 1"

static int
store_follow_find(struct store_ingest *ig, const char *head, size_t len,
    uint64_t *offset, uint64_t *line, char **cause)
{
	struct store	*st = ig->st;
	sqlite3_stmt	*s = NULL, *u = NULL;
	const char	*old_hash, *old_path;
	char		 hash[17];
	int64_t		 old_len, old_off, id;
	int		 rc, rv = -1;

	if (sqlite3_exec(st->db, "CREATE INDEX IF NOT EXISTS sources_file "
	    "ON sources (device, inode)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, STORE_FOLLOW_FIND, -1, &s,
	    NULL) != SQLITE_OK) {
		store_error(st, cause, "cannot look up source");
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)ig->sb.st_dev);
	sqlite3_bind_int64(s, 2, (int64_t)ig->sb.st_ino);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rv = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		store_error(st, cause, "cannot look up source");
		goto out;
	}
	id = sqlite3_column_int64(s, 0);
	old_path = (const char *)sqlite3_column_text(s, 1);
	old_hash = (const char *)sqlite3_column_text(s, 2);
	old_len = sqlite3_column_int64(s, 3);
	old_off = sqlite3_column_int64(s, 4);
	rv = 0;
	if (old_hash == NULL || old_len < 0 || (size_t)old_len > len ||
	    old_off > (int64_t)ig->sb.st_size)
		goto out;
	store_hash(head, (size_t)old_len, hash);
	if (strcmp(hash, old_hash) != 0)
		goto out;
	ig->source_id = id;
	*offset = (uint64_t)old_off;
	*line = (uint64_t)sqlite3_column_int64(s, 5);
	if (old_path != NULL && strcmp(old_path, ig->path) == 0)
		goto out;
	/* Renamed: the row follows the file, freeing the old path. */
	if (sqlite3_prepare_v2(st->db, "UPDATE sources SET path = ?2 "
	    "WHERE id = ?1", -1, &u, NULL) != SQLITE_OK) {
		rv = store_error(st, cause, "cannot rename source");
		goto out;
	}
	sqlite3_bind_int64(u, 1, id);
	bind_text(u, 2, ig->path);
	if (sqlite3_step(u) != SQLITE_DONE)
		rv = store_error(st, cause, "cannot rename source");
out:
	sqlite3_finalize(u);
	sqlite3_finalize(s);
	return rv;
}

/*
 * Begin ingesting a file the caller holds open as fd (so it may since have
 * been renamed or deleted); path is its current name.  Like
 * store_ingest_begin, but the source is found by device, inode and head,
 * and with fresh set (the caller saw the file truncated or replaced) it is
 * always new.  The transaction is open when this returns.
 */
struct store_ingest *
store_ingest_begin_fd(struct store *st, const char *path, int fd,
    const char *project, int fresh, uint64_t *offset, uint64_t *line,
    char **cause)
{
	struct store_ingest	*ig;
	char			 head[STORE_HEAD_MAX];
	ssize_t			 n, got = 0;

	*offset = 0;
	*line = 0;
	ig = xcalloc(1, sizeof *ig);
	ig->st = st;
	ig->path = xstrdup(path);
	ig->project = xstrdup(project != NULL ? project : "default");
	if (fstat(fd, &ig->sb) != 0 || !S_ISREG(ig->sb.st_mode)) {
		xasprintf(cause, "'%s' is not a regular file", path);
		goto fail;
	}
	while (got < STORE_HEAD_MAX) {
		n = pread(fd, head + got, (size_t)(STORE_HEAD_MAX - got),
		    (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "cannot read '%s': %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += n;
	}
	ig->is_file = 1;
	ig->head_len = got;
	store_hash(head, (size_t)got, ig->head_hash);
	if (store_begin(ig, cause) != 0)
		goto fail;
	if (!fresh && store_follow_find(ig, head, (size_t)got, offset, line,
	    cause) != 0)
		goto fail;
	return ig;

fail:
	store_ingest_abort(ig);
	return NULL;
}
