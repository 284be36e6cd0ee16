/* The notebook store: schema, migrations, transactions, queries.
 * The schema is documented in include/quire/index.h.
 *
 * Embedding blob layout (table embeddings.vec), little-endian:
 *   u32 magic 'QVEC' | u16 dtype (0 = f32, 1 = f16) | u16 reserved
 *   | u32 dim | dim values of dtype
 */
#include "quire/index.h"
#include "index/rank.h"
#include "index/tokenizer.h"
#include "util/buf.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DF_CACHE_SLOTS 4096   /* per connection, power of two */

typedef struct df_entry {
    char term[96];      /* token, or '\x01' + phrase string; longer ones are not cached */
    int64_t df;
    bool used;
} df_entry;

/* Statements kept prepared on the handle (the hot path of a search). */
enum { ST_SEARCH_FTS, ST_SEARCH_BM25F, ST_SEARCH_PORTER, ST_DATA_VERSION, ST_VOCAB, ST_COUNT };

struct quire_index {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT]; /* prepared on first use, finalized by close */
    df_entry *df_cache;     /* DF_CACHE_SLOTS entries, or NULL before first use */
    int64_t df_rows;        /* chunk count at the time the cache was filled, -1 = unknown */
    int df_version;         /* PRAGMA data_version when the cache was filled */
    bool has_vocab;         /* temp.quire_vocab created */
    rank_lens lens;         /* chunks_fts token counts for quire_bm25(), filled on first search */
    bool lens_loaded;       /* lens matches df_version */
    int batch;          /* > 0 inside quire_index_begin() .. commit/rollback */
    bool has_porter;    /* temp.porter_fts built (evaluation baseline) */
    char errmsg[512];
};

static quire_status lens_ready(quire_index *idx);

/* The statement of slot i, prepared on first use (NULL on failure: the
 * caller reports sqlite3_errmsg). The caller must sqlite3_reset() it when
 * done (stmt_done()), so that no read transaction stays open. */
static sqlite3_stmt *stmt(quire_index *idx, int i, const char *sql)
{
    if (!idx->st[i] && sqlite3_prepare_v3(idx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &idx->st[i], NULL) != SQLITE_OK) {
        sqlite3_finalize(idx->st[i]);
        idx->st[i] = NULL;
    }
    return idx->st[i];
}

static void stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static quire_status fail(quire_index *idx, quire_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(idx->errmsg, sizeof idx->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

static quire_status db_fail(quire_index *idx, const char *what)
{
    return fail(idx, QUIRE_ERR_DB, "%s: %s", what, sqlite3_errmsg(idx->db));
}

const char *quire_index_errmsg(const quire_index *idx)
{
    return idx ? idx->errmsg : "no index";
}

/* The FTS5 index over chunks (schema version 2: the "quire" tokenizer of
 * src/index/tokenizer.c; version 1 used unicode61). meta.fts_tokenizer
 * records the tokenizer version the index was built with. */
#define FTS_SCHEMA                                                                                \
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(text, title, section,"                            \
    "  content='chunks', content_rowid='id', tokenize='quire');"                                  \
    "CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN"                                       \
    "  INSERT INTO chunks_fts(rowid, text, title, section) VALUES (new.id, new.text, new.title, new.section);" \
    "END;"                                                                                        \
    "CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN"                                       \
    "  INSERT INTO chunks_fts(chunks_fts, rowid, text, title, section)"                           \
    "  VALUES ('delete', old.id, old.text, old.title, old.section);"                              \
    "END;"

#define STR_(x) #x
#define STR(x) STR_(x)
#define FTS_TOKENIZER_META "quire " STR(FTS_TOKENIZER_VERSION)

static const char *migrate_1_to_2 =
    "DROP TRIGGER IF EXISTS chunks_ai;"
    "DROP TRIGGER IF EXISTS chunks_ad;"
    "DROP TABLE IF EXISTS chunks_fts;"
    FTS_SCHEMA
    "INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');"
    "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
    "INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_tokenizer', '" FTS_TOKENIZER_META "');";

/* Version 3: documents.description and the links table (hrefs found in a
 * document, recorded for later use, never fetched). */
#define LINKS_SCHEMA                                                                              \
    "CREATE TABLE links(doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"      \
    "  ordinal INTEGER NOT NULL, href TEXT NOT NULL, PRIMARY KEY(doc_id, ordinal));"

static const char *migrate_2_to_3 =
    "ALTER TABLE documents ADD COLUMN description TEXT;"
    LINKS_SCHEMA
    "UPDATE meta SET value = '3' WHERE key = 'schema_version';";

static const char *schema_v3 =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE documents("
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, path TEXT, format TEXT,"
    "  sha256 TEXT, size INTEGER, mtime INTEGER, title TEXT, authors TEXT, date TEXT,"
    "  language TEXT, pages INTEGER, status TEXT NOT NULL, error TEXT, warnings TEXT,"
    "  added_at INTEGER, description TEXT);"
    LINKS_SCHEMA
    "CREATE TABLE chunks("
    "  id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL, page_start INTEGER, page_end INTEGER, page_label TEXT,"
    "  section TEXT, anchor TEXT, char_start INTEGER, char_end INTEGER, flags INTEGER NOT NULL DEFAULT 0,"
    "  title TEXT, text TEXT NOT NULL);"
    "CREATE INDEX chunks_doc ON chunks(doc_id, ordinal);"
    FTS_SCHEMA
    "CREATE TABLE embeddings(chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,"
    "  model TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY(chunk_id, model));"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE questions(id INTEGER PRIMARY KEY, asked_at INTEGER, question TEXT, answer_json TEXT);"
    "INSERT INTO meta(key, value) VALUES ('schema_version', '3'), ('created_by', 'quire'),"
    "  ('fts_tokenizer', '" FTS_TOKENIZER_META "');";

static quire_status exec(quire_index *idx, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(idx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        quire_status rc = fail(idx, QUIRE_ERR_DB, "%s", msg ? msg : sqlite3_errmsg(idx->db));
        sqlite3_free(msg);
        return rc;
    }
    return QUIRE_OK;
}

/* Schema version, 0 for an empty database. */
static quire_status schema_version(quire_index *idx, int *version)
{
    *version = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM sqlite_master WHERE name='meta'", -1, &st, NULL))
        return db_fail(idx, "read schema");
    int has_meta = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (!has_meta) {
        if (sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL))
            return db_fail(idx, "read schema");
        int tables = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        if (tables > 0) return fail(idx, QUIRE_ERR_SCHEMA, "not a quire notebook (foreign SQLite database)");
        return QUIRE_OK;
    }
    if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL))
        return db_fail(idx, "read schema version");
    if (sqlite3_step(st) == SQLITE_ROW) *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (*version <= 0) return fail(idx, QUIRE_ERR_SCHEMA, "notebook has no valid schema_version");
    return QUIRE_OK;
}

/* An index built by another tokenizer version is rebuilt (writable) or
 * refused (read-only): its tokens would not match the queries'. */
static quire_status check_tokenizer(quire_index *idx, bool writable)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key='fts_tokenizer'", -1, &st, NULL))
        return db_fail(idx, "read tokenizer version");
    bool same = sqlite3_step(st) == SQLITE_ROW &&
                strcmp((const char *)sqlite3_column_text(st, 0), FTS_TOKENIZER_META) == 0;
    sqlite3_finalize(st);
    if (same) return QUIRE_OK;
    if (!writable)
        return fail(idx, QUIRE_ERR_SCHEMA, "the full-text index was built by another quire version:"
                                           " run `quire add` once to rebuild it");
    quire_status rc = exec(idx, "BEGIN IMMEDIATE");
    if (rc) return rc;
    rc = exec(idx, "INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');"
                   "INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_tokenizer', '" FTS_TOKENIZER_META "');");
    if (rc) {
        exec(idx, "ROLLBACK");
        return rc;
    }
    return exec(idx, "COMMIT");
}

static quire_status migrate(quire_index *idx, bool create)
{
    int v;
    quire_status rc = schema_version(idx, &v);
    if (rc) return rc;
    if (v > QUIRE_SCHEMA_VERSION)
        return fail(idx, QUIRE_ERR_SCHEMA,
                    "notebook schema version %d is newer than this quire (%d): upgrade quire", v,
                    QUIRE_SCHEMA_VERSION);
    if (v == QUIRE_SCHEMA_VERSION) return check_tokenizer(idx, true);
    if (v == 0 && !create) return fail(idx, QUIRE_ERR_SCHEMA, "empty database: not a quire notebook");
    if ((rc = exec(idx, "BEGIN IMMEDIATE"))) return rc;
    if (v == 0) rc = exec(idx, schema_v3);
    if (v == 1) rc = exec(idx, migrate_1_to_2);
    if (!rc && (v == 1 || v == 2)) rc = exec(idx, migrate_2_to_3);
    /* Future migrations: if (!rc && v >= 1 && v <= 3) rc = exec(idx, migrate_3_to_4); ... */
    if (rc) {
        exec(idx, "ROLLBACK");
        return rc;
    }
    return exec(idx, "COMMIT");
}

quire_status quire_index_open(const char *path, unsigned flags, quire_index **out, quire_error *err)
{
    *out = NULL;
    quire_index *idx = calloc(1, sizeof *idx);
    if (!idx) return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    int oflags = (flags & QUIRE_INDEX_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (flags & QUIRE_INDEX_CREATE) oflags |= SQLITE_OPEN_CREATE;
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &idx->db, oflags, NULL) != SQLITE_OK) {
        quire_error_set(err, QUIRE_ERR_DB, "cannot open notebook %s: %s", path,
                        idx->db ? sqlite3_errmsg(idx->db) : "out of memory");
        sqlite3_close(idx->db);
        free(idx);
        return QUIRE_ERR_DB;
    }
    sqlite3_busy_timeout(idx->db, 5000);
    quire_status rc = QUIRE_OK;
    if (fts_tokenizer_register(idx->db) != QUIRE_OK || fts_rank_register(idx->db, &idx->lens) != QUIRE_OK)
        rc = fail(idx, QUIRE_ERR_DB, "cannot register the FTS5 tokenizer: %s", sqlite3_errmsg(idx->db));
    if (!(flags & QUIRE_INDEX_READONLY)) {
        rc = exec(idx, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    }
    if (!rc) rc = exec(idx, "PRAGMA foreign_keys=ON;");
    if (!rc) {
        if (flags & QUIRE_INDEX_READONLY) {
            int v;
            rc = schema_version(idx, &v);
            if (!rc && v == 0) rc = fail(idx, QUIRE_ERR_SCHEMA, "not a quire notebook (empty database)");
            if (!rc && v > QUIRE_SCHEMA_VERSION)
                rc = fail(idx, QUIRE_ERR_SCHEMA,
                          "notebook schema version %d is newer than this quire (%d): upgrade quire", v,
                          QUIRE_SCHEMA_VERSION);
            if (!rc && v < QUIRE_SCHEMA_VERSION)
                rc = fail(idx, QUIRE_ERR_SCHEMA, "notebook schema version %d is old: run `quire add` to upgrade", v);
            if (!rc) rc = check_tokenizer(idx, false);
        } else {
            rc = migrate(idx, flags & QUIRE_INDEX_CREATE);
        }
    }
    if (rc) {
        quire_error_set(err, rc, "%s: %s", path, idx->errmsg);
        quire_index_close(idx);
        return rc;
    }
    *out = idx;
    return QUIRE_OK;
}

void quire_index_close(quire_index *idx)
{
    if (!idx) return;
    free(idx->df_cache);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(idx->st[i]);
    sqlite3_close(idx->db);
    rank_lens_clear(&idx->lens);
    free(idx);
}

/* ---- documents ---- */

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

void quire_doc_info_clear(quire_doc_info *d)
{
    if (!d) return;
    free(d->key); free(d->path); free(d->format); free(d->sha256); free(d->title);
    free(d->authors); free(d->date); free(d->language); free(d->status); free(d->error);
    free(d->warnings); free(d->description);
    memset(d, 0, sizeof *d);
}

#define DOC_COLUMNS                                                                          \
    "d.id, d.key, d.path, d.format, d.sha256, d.size, d.mtime, d.title, d.authors, d.date, " \
    "d.language, d.pages, d.status, d.error, d.warnings, d.added_at, "                       \
    "(SELECT count(*) FROM chunks c WHERE c.doc_id = d.id), d.description, "                 \
    "(SELECT count(*) FROM links l WHERE l.doc_id = d.id)"

static void read_doc_row(sqlite3_stmt *st, quire_doc_info *d)
{
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->key = col_text(st, 1);
    d->path = col_text(st, 2);
    d->format = col_text(st, 3);
    d->sha256 = col_text(st, 4);
    d->size = sqlite3_column_int64(st, 5);
    d->mtime = sqlite3_column_int64(st, 6);
    d->title = col_text(st, 7);
    d->authors = col_text(st, 8);
    d->date = col_text(st, 9);
    d->language = col_text(st, 10);
    d->pages = sqlite3_column_int(st, 11);
    d->status = col_text(st, 12);
    d->error = col_text(st, 13);
    d->warnings = col_text(st, 14);
    d->added_at = sqlite3_column_int64(st, 15);
    d->chunks = sqlite3_column_int(st, 16);
    d->description = col_text(st, 17);
    d->links = sqlite3_column_int(st, 18);
}

quire_status quire_index_get_doc(quire_index *idx, const char *key, quire_doc_info *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT " DOC_COLUMNS " FROM documents d WHERE d.key = ?1", -1, &st, NULL))
        return db_fail(idx, "get document");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    quire_status rc = QUIRE_OK;
    if (r == SQLITE_ROW) read_doc_row(st, out);
    else if (r == SQLITE_DONE) rc = fail(idx, QUIRE_ERR_NOT_FOUND, "no document %s", key);
    else rc = db_fail(idx, "get document");
    sqlite3_finalize(st);
    return rc;
}

quire_status quire_index_list_docs(quire_index *idx, quire_doc_visit_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT " DOC_COLUMNS " FROM documents d ORDER BY d.key", -1, &st, NULL))
        return db_fail(idx, "list documents");
    quire_status rc = QUIRE_OK;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        quire_doc_info d;
        read_doc_row(st, &d);
        int stop = fn(&d, ctx);
        quire_doc_info_clear(&d);
        if (stop) break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) rc = db_fail(idx, "list documents");
    sqlite3_finalize(st);
    return rc;
}

quire_status quire_index_counts(quire_index *idx, int64_t *docs, int64_t *chunks)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT (SELECT count(*) FROM documents WHERE status='indexed'),"
                           " (SELECT count(*) FROM chunks)", -1, &st, NULL))
        return db_fail(idx, "count");
    quire_status rc = QUIRE_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *docs = sqlite3_column_int64(st, 0);
        *chunks = sqlite3_column_int64(st, 1);
    } else {
        rc = db_fail(idx, "count");
    }
    sqlite3_finalize(st);
    return rc;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

static quire_status delete_doc_rows(quire_index *idx, const char *key)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "DELETE FROM documents WHERE key = ?1", -1, &st, NULL))
        return db_fail(idx, "delete document");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? QUIRE_OK : db_fail(idx, "delete document");
}

static quire_status insert_chunks(quire_index *idx, int64_t doc_id, const quire_doc *doc,
                                  const quire_chunk *chunks, size_t n, const char *title)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db,
                           "INSERT INTO chunks(doc_id, ordinal, page_start, page_end, page_label, section,"
                           " anchor, char_start, char_end, flags, title, text)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &st, NULL))
        return db_fail(idx, "insert chunk");
    quire_status rc = QUIRE_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const quire_chunk *c = &chunks[i];
        if (c->end > doc->text_len || c->start > c->end) {
            rc = fail(idx, QUIRE_ERR_INVALID, "chunk %zu is outside the document text", i);
            break;
        }
        const char *label = NULL;
        if (c->page_start >= 1 && (size_t)c->page_start <= doc->npages)
            label = doc->pages[c->page_start - 1].label;
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int(st, 2, c->ordinal);
        sqlite3_bind_int(st, 3, c->page_start);
        sqlite3_bind_int(st, 4, c->page_end);
        bind_text_or_null(st, 5, label);
        bind_text_or_null(st, 6, c->section);
        bind_text_or_null(st, 7, c->anchor);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)c->start);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)c->end);
        sqlite3_bind_int(st, 10, (int)c->flags);
        bind_text_or_null(st, 11, title);
        sqlite3_bind_text(st, 12, doc->text + c->start, (int)(c->end - c->start), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = db_fail(idx, "insert chunk");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One document is one transaction; inside quire_index_begin() it is a
 * savepoint of the caller's transaction. */
static quire_status tx_begin(quire_index *idx)
{
    return exec(idx, idx->batch ? "SAVEPOINT doc" : "BEGIN IMMEDIATE");
}

static quire_status tx_commit(quire_index *idx)
{
    return exec(idx, idx->batch ? "RELEASE doc" : "COMMIT");
}

static void tx_rollback(quire_index *idx)
{
    exec(idx, idx->batch ? "ROLLBACK TO doc; RELEASE doc" : "ROLLBACK");
}

quire_status quire_index_begin(quire_index *idx)
{
    if (idx->batch) return fail(idx, QUIRE_ERR_INVALID, "a batch is already open");
    quire_status rc = exec(idx, "BEGIN IMMEDIATE");
    if (!rc) idx->batch = 1;
    return rc;
}

quire_status quire_index_commit(quire_index *idx)
{
    if (!idx->batch) return fail(idx, QUIRE_ERR_INVALID, "no batch is open");
    idx->batch = 0;
    return exec(idx, "COMMIT");
}

void quire_index_rollback(quire_index *idx)
{
    if (!idx || !idx->batch) return;
    idx->batch = 0;
    exec(idx, "ROLLBACK");
}

static quire_status insert_links(quire_index *idx, int64_t doc_id, const quire_doc *doc)
{
    if (!doc->nlinks) return QUIRE_OK;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "INSERT INTO links(doc_id, ordinal, href) VALUES (?1, ?2, ?3)", -1, &st, NULL))
        return db_fail(idx, "insert link");
    quire_status rc = QUIRE_OK;
    for (size_t i = 0; i < doc->nlinks && !rc; i++) {
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_text(st, 3, doc->links[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) rc = db_fail(idx, "insert link");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

quire_status quire_index_put_doc(quire_index *idx, const quire_doc_info *info, const quire_doc *doc,
                                 const quire_chunk *chunks, size_t nchunks)
{
    quire_status rc = tx_begin(idx);
    if (rc) return rc;
    rc = delete_doc_rows(idx, info->key);
    sqlite3_stmt *st = NULL;
    const char *title = info->title ? info->title : doc->title;
    if (!rc && sqlite3_prepare_v2(idx->db,
                                  "INSERT INTO documents(key, path, format, sha256, size, mtime, title,"
                                  " authors, date, language, pages, status, error, warnings, added_at,"
                                  " description)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'indexed', NULL, ?12, ?13, ?14)",
                                  -1, &st, NULL))
        rc = db_fail(idx, "insert document");
    if (!rc) {
        bind_text_or_null(st, 1, info->key);
        bind_text_or_null(st, 2, info->path);
        bind_text_or_null(st, 3, info->format ? info->format : doc->format);
        bind_text_or_null(st, 4, info->sha256);
        sqlite3_bind_int64(st, 5, info->size);
        sqlite3_bind_int64(st, 6, info->mtime);
        bind_text_or_null(st, 7, title);
        bind_text_or_null(st, 8, info->authors ? info->authors : doc->authors);
        bind_text_or_null(st, 9, info->date ? info->date : doc->date);
        bind_text_or_null(st, 10, info->language ? info->language : doc->language);
        sqlite3_bind_int(st, 11, info->pages ? info->pages : (int)doc->npages);
        bind_text_or_null(st, 12, doc->warnings);
        sqlite3_bind_int64(st, 13, (sqlite3_int64)time(NULL));
        bind_text_or_null(st, 14, doc->description);
        if (sqlite3_step(st) != SQLITE_DONE) rc = db_fail(idx, "insert document");
    }
    sqlite3_finalize(st);
    int64_t doc_id = sqlite3_last_insert_rowid(idx->db);
    if (!rc) rc = insert_chunks(idx, doc_id, doc, chunks, nchunks, title);
    if (!rc) rc = insert_links(idx, doc_id, doc);
    if (rc) {
        char keep[512];
        snprintf(keep, sizeof keep, "%s", idx->errmsg);
        tx_rollback(idx);
        snprintf(idx->errmsg, sizeof idx->errmsg, "%s", keep);
        return rc;
    }
    return tx_commit(idx);
}

quire_status quire_index_put_failure(quire_index *idx, const quire_doc_info *info, const char *error)
{
    sqlite3_stmt *st;
    /* Keep an indexed version's chunks; only note the error. */
    if (sqlite3_prepare_v2(idx->db,
                           "INSERT INTO documents(key, path, format, sha256, size, mtime, status, error, added_at)"
                           " VALUES (?1, ?2, ?3, NULL, ?4, ?5, 'failed', ?6, ?7)"
                           " ON CONFLICT(key) DO UPDATE SET error = excluded.error", -1, &st, NULL))
        return db_fail(idx, "record failure");
    bind_text_or_null(st, 1, info->key);
    bind_text_or_null(st, 2, info->path);
    bind_text_or_null(st, 3, info->format);
    sqlite3_bind_int64(st, 4, info->size);
    sqlite3_bind_int64(st, 5, info->mtime);
    bind_text_or_null(st, 6, error);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? QUIRE_OK : db_fail(idx, "record failure");
}

quire_status quire_index_touch_doc(quire_index *idx, const char *key, int64_t size, int64_t mtime)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "UPDATE documents SET size = ?2, mtime = ?3 WHERE key = ?1", -1, &st, NULL))
        return db_fail(idx, "update document");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_int64(st, 3, mtime);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? QUIRE_OK : db_fail(idx, "update document");
}

quire_status quire_index_remove_doc(quire_index *idx, const char *key)
{
    quire_status rc = tx_begin(idx);
    if (rc) return rc;
    rc = delete_doc_rows(idx, key);
    if (!rc && sqlite3_changes(idx->db) == 0) rc = fail(idx, QUIRE_ERR_NOT_FOUND, "no document %s", key);
    if (rc) {
        tx_rollback(idx);
        return rc;
    }
    return tx_commit(idx);
}

/* ---- search ---- */

void quire_hit_clear(quire_hit *h)
{
    free(h->doc_key); free(h->doc_path); free(h->doc_title); free(h->doc_sha256);
    free(h->page_label); free(h->section); free(h->anchor); free(h->text);
    memset(h, 0, sizeof *h);
}

void quire_hits_free(quire_hit *hits, size_t n)
{
    if (!hits) return;
    for (size_t i = 0; i < n; i++) quire_hit_clear(&hits[i]);
    free(hits);
}

#define HIT_COLUMNS                                                                            \
    "c.id, d.key, d.path, d.title, d.sha256, c.page_start, c.page_end, c.page_label, c.section, " \
    "c.anchor, c.char_start, c.char_end, c.flags, c.ordinal, c.text"

static void read_hit_row(sqlite3_stmt *st, quire_hit *h, int score_col)
{
    memset(h, 0, sizeof *h);
    h->chunk_id = sqlite3_column_int64(st, 0);
    h->doc_key = col_text(st, 1);
    h->doc_path = col_text(st, 2);
    h->doc_title = col_text(st, 3);
    h->doc_sha256 = col_text(st, 4);
    h->page_start = sqlite3_column_int(st, 5);
    h->page_end = sqlite3_column_int(st, 6);
    h->page_label = col_text(st, 7);
    h->section = col_text(st, 8);
    h->anchor = col_text(st, 9);
    h->char_start = sqlite3_column_int64(st, 10);
    h->char_end = sqlite3_column_int64(st, 11);
    h->flags = (unsigned)sqlite3_column_int(st, 12);
    h->ordinal = sqlite3_column_int(st, 13);
    h->text = col_text(st, 14);
    if (score_col >= 0) h->score = -sqlite3_column_double(st, score_col);
}

static quire_status search(quire_index *idx, int slot, const char *sql, const char *match,
                           const quire_fts_weights *w, const quire_bm25_params *p, int k,
                           quire_hit **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (k <= 0) return QUIRE_OK;
    if (k > 10000) k = 10000;
    sqlite3_stmt *st = stmt(idx, slot, sql);
    if (!st) return db_fail(idx, "search");
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, w->text);
    sqlite3_bind_double(st, 3, w->title);
    sqlite3_bind_double(st, 4, w->section);
    sqlite3_bind_int(st, 5, k);
    if (p) {
        sqlite3_bind_double(st, 6, p->k1);
        sqlite3_bind_double(st, 7, p->b);
        sqlite3_bind_double(st, 8, p->phrase_weight);
        if (p->phrase_weights) sqlite3_bind_text(st, 9, p->phrase_weights, -1, SQLITE_STATIC);
        if (p->phrase_df) sqlite3_bind_text(st, 10, p->phrase_df, -1, SQLITE_STATIC);
    }
    quire_hit *hits = calloc((size_t)k, sizeof *hits);
    if (!hits) {
        stmt_done(st);
        return fail(idx, QUIRE_ERR_NOMEM, "out of memory");
    }
    size_t count = 0;
    int r = SQLITE_DONE;
    while (count < (size_t)k && (r = sqlite3_step(st)) == SQLITE_ROW) read_hit_row(st, &hits[count++], 15);
    quire_status rc = QUIRE_OK;
    if (count < (size_t)k && r != SQLITE_DONE) {
        int ext = sqlite3_extended_errcode(idx->db);
        rc = fail(idx, ext == SQLITE_ERROR ? QUIRE_ERR_INVALID : QUIRE_ERR_DB, "search: %s",
                  sqlite3_errmsg(idx->db));
    }
    stmt_done(st);
    if (rc) {
        quire_hits_free(hits, count);
        return rc;
    }
    *out = hits;
    *n = count;
    return QUIRE_OK;
}

quire_status quire_index_search_fts(quire_index *idx, const char *match,
                                    const quire_fts_weights *weights, int k,
                                    quire_hit **out, size_t *n)
{
    quire_fts_weights w = weights ? *weights : (quire_fts_weights){1.0, 1.0, 1.0};
    const char *sql =
        "SELECT " HIT_COLUMNS ", s.score FROM"
        " (SELECT rowid AS id, bm25(chunks_fts, ?2, ?3, ?4) AS score FROM chunks_fts"
        "  WHERE chunks_fts MATCH ?1 ORDER BY score LIMIT ?5) s"
        " JOIN chunks c ON c.id = s.id JOIN documents d ON d.id = c.doc_id ORDER BY s.score";
    return search(idx, ST_SEARCH_FTS, sql, match, &w, NULL, k, out, n);
}

quire_status quire_index_search_bm25f(quire_index *idx, const char *match, const quire_fts_weights *weights,
                                      const quire_bm25_params *params, int k, quire_hit **out, size_t *n)
{
    quire_fts_weights w = weights ? *weights : (quire_fts_weights){1.0, 1.0, 1.0};
    quire_bm25_params p = params ? *params : (quire_bm25_params){1.2, 0.75, 1.0, NULL, NULL};
    const char *sql =
        "SELECT " HIT_COLUMNS ", s.score FROM"
        " (SELECT rowid AS id, quire_bm25(chunks_fts, ?6, ?7, ?8, ?9, ?10, ?2, ?3, ?4) AS score FROM chunks_fts"
        "  WHERE chunks_fts MATCH ?1 ORDER BY score LIMIT ?5) s"
        " JOIN chunks c ON c.id = s.id JOIN documents d ON d.id = c.doc_id ORDER BY s.score";
    quire_status rc = lens_ready(idx);
    if (rc) return rc;
    idx->lens.active = idx->lens_loaded;
    rc = search(idx, ST_SEARCH_BM25F, sql, match, &w, &p, k, out, n);
    idx->lens.active = false;
    return rc;
}

/* ---- document frequencies (for query planning) ---- */

static quire_status df_cache_check(quire_index *idx);

/* The in-memory token counts of chunks_fts for quire_bm25(), (re)loaded
 * when the notebook changed. A failed load leaves them unused (quire_bm25()
 * then reads chunks_fts_docsize row by row: slower, same scores). */
static quire_status lens_ready(quire_index *idx)
{
    quire_status rc = df_cache_check(idx);
    if (rc || idx->lens_loaded) return rc;
    rc = rank_lens_load(idx->db, "chunks_fts_docsize", 3, &idx->lens);
    if (rc == QUIRE_ERR_NOMEM) return fail(idx, rc, "out of memory");
    idx->lens_loaded = rc == QUIRE_OK;
    return QUIRE_OK;
}

static int data_version(quire_index *idx)
{
    sqlite3_stmt *st = stmt(idx, ST_DATA_VERSION, "PRAGMA data_version");
    int v = -1;
    if (st) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
        stmt_done(st);
    }
    return v;
}

/* Drop cached frequencies when the notebook changed (ours or another
 * connection's writes: data_version and our own total_changes). */
static quire_status df_cache_check(quire_index *idx)
{
    int v = data_version(idx) ^ (int)(sqlite3_total_changes(idx->db) * 2654435761u);
    if (!idx->df_cache) {
        idx->df_cache = calloc(DF_CACHE_SLOTS, sizeof *idx->df_cache);
        if (!idx->df_cache) return fail(idx, QUIRE_ERR_NOMEM, "out of memory");
        idx->df_rows = -1;
    } else if (v == idx->df_version) {
        return QUIRE_OK;
    } else {
        memset(idx->df_cache, 0, DF_CACHE_SLOTS * sizeof *idx->df_cache);
        idx->df_rows = -1;
        rank_lens_clear(&idx->lens);
        idx->lens_loaded = false;
    }
    idx->df_version = v;
    return QUIRE_OK;
}

static uint32_t term_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The cache slot of key (n bytes), or NULL when too long; *hit when found. */
static df_entry *df_slot(quire_index *idx, const char *key, size_t n, bool *hit)
{
    *hit = false;
    if (n >= sizeof idx->df_cache[0].term) return NULL;
    uint32_t h = term_hash(key, n) & (DF_CACHE_SLOTS - 1);
    df_entry *e = NULL;
    for (int probe = 0; probe < 8; probe++) {
        df_entry *c = &idx->df_cache[(h + (uint32_t)probe) & (DF_CACHE_SLOTS - 1)];
        if (c->used && strlen(c->term) == n && memcmp(c->term, key, n) == 0) {
            *hit = true;
            return c;
        }
        if (!c->used && !e) e = c;
    }
    return e ? e : &idx->df_cache[h];
}

/* Rows of chunks_fts holding token t (exact token), through fts5vocab. */
static quire_status token_df(quire_index *idx, const char *t, size_t n, int64_t *df)
{
    bool hit;
    df_entry *e = df_slot(idx, t, n, &hit);
    if (hit) {
        *df = e->df;
        return QUIRE_OK;
    }
    if (!idx->has_vocab) {
        quire_status rc = exec(idx, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.quire_vocab USING fts5vocab(main, chunks_fts, row)");
        if (rc) return rc;
        idx->has_vocab = true;
    }
    sqlite3_stmt *st = stmt(idx, ST_VOCAB, "SELECT doc FROM temp.quire_vocab WHERE term = ?1");
    if (!st) return db_fail(idx, "term frequency");
    sqlite3_bind_text(st, 1, t, (int)n, SQLITE_STATIC);
    int r = sqlite3_step(st);
    *df = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    stmt_done(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) return db_fail(idx, "term frequency");
    if (e) {
        memcpy(e->term, t, n);
        e->term[n] = '\0';
        e->df = *df;
        e->used = true;
    }
    return QUIRE_OK;
}

typedef struct df_ctx {
    quire_index *idx;
    int64_t df;
    quire_status rc;
} df_ctx;

static int df_token(void *p, int tflags, const char *t, int n, int s, int e)
{
    (void)tflags;
    (void)s;
    (void)e;
    df_ctx *c = p;
    int64_t df = 0;
    if (n <= 0) return SQLITE_OK;
    c->rc = token_df(c->idx, t, (size_t)n, &df);
    if (c->rc) return SQLITE_ERROR;
    if (df > c->df) c->df = df;
    return SQLITE_OK;
}

static int count_pos(void *p, int tflags, const char *t, int n, int s, int e)
{
    (void)t;
    (void)n;
    (void)s;
    (void)e;
    if (!(tflags & FTS5_TOKEN_COLOCATED)) (*(int *)p)++;
    return SQLITE_OK;
}

/* Chunks matching a quoted phrase string (several positions): counted
 * with the MATCH itself, as quire_bm25() would with xQueryPhrase(). */
static quire_status phrase_df(quire_index *idx, const char *fts_string, int64_t *df)
{
    char key[sizeof idx->df_cache[0].term];
    size_t n = strlen(fts_string);
    df_entry *e = NULL;
    if (n + 1 < sizeof key) {
        key[0] = '\x01';
        memcpy(key + 1, fts_string, n + 1);
        bool hit;
        e = df_slot(idx, key, n + 1, &hit);
        if (hit) {
            *df = e->df;
            return QUIRE_OK;
        }
    }
    buf q = QUIRE_BUF_INIT(0);
    quire_status rc = buf_printf(&q, "\"%s\"", fts_string);
    if (rc) return fail(idx, rc, "out of memory");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?1", -1, &st, NULL)) {
        buf_free(&q);
        return db_fail(idx, "phrase frequency");
    }
    sqlite3_bind_text(st, 1, q.data, (int)q.len, SQLITE_STATIC);
    int r = sqlite3_step(st);
    *df = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    buf_free(&q);
    if (r != SQLITE_ROW) return fail(idx, QUIRE_ERR_INVALID, "phrase frequency: %s", sqlite3_errmsg(idx->db));
    if (e) {
        memcpy(e->term, key, n + 2);
        e->df = *df;
        e->used = true;
    }
    return QUIRE_OK;
}

quire_status quire_index_query_df(quire_index *idx, const char *fts_string, int64_t *df, int64_t *nrows)
{
    *df = 0;
    quire_status rc = df_cache_check(idx);
    if (rc) return rc;
    if (idx->df_rows < 0) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM chunks", -1, &st, NULL)) return db_fail(idx, "count");
        idx->df_rows = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
    }
    if (nrows) *nrows = idx->df_rows;
    if (!fts_string) return QUIRE_OK;
    if (strchr(fts_string, '"')) return fail(idx, QUIRE_ERR_INVALID, "document frequency: quote in %s", fts_string);
    int npos = 0;
    fts_tokenize_query(fts_string, (int)strlen(fts_string), &npos, count_pos);
    if (npos > 1) return phrase_df(idx, fts_string, df);
    df_ctx c = {idx, 0, QUIRE_OK};
    fts_tokenize_query(fts_string, (int)strlen(fts_string), &c, df_token);
    if (c.rc) return c.rc;
    *df = c.df;
    return QUIRE_OK;
}

quire_status quire_index_search_porter(quire_index *idx, const char *match, int k,
                                       quire_hit **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!idx->has_porter) {
        quire_status rc = exec(idx,
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.porter_fts USING fts5(text, title, section,"
            "  tokenize='porter unicode61');"
            "DELETE FROM temp.porter_fts;"
            "INSERT INTO temp.porter_fts(rowid, text, title, section) SELECT id, text, title, section FROM main.chunks;");
        if (rc) return rc;
        idx->has_porter = true;
    }
    quire_fts_weights w = {1.0, 1.0, 1.0};
    const char *sql =
        "SELECT " HIT_COLUMNS ", s.score FROM"
        " (SELECT rowid AS id, bm25(porter_fts, ?2, ?3, ?4) AS score FROM temp.porter_fts"
        "  WHERE porter_fts MATCH ?1 ORDER BY score LIMIT ?5) s"
        " JOIN chunks c ON c.id = s.id JOIN documents d ON d.id = c.doc_id ORDER BY s.score";
    return search(idx, ST_SEARCH_PORTER, sql, match, &w, NULL, k, out, n);
}

quire_status quire_index_get_chunk(quire_index *idx, int64_t chunk_id, quire_hit **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT " HIT_COLUMNS " FROM chunks c JOIN documents d ON d.id = c.doc_id"
                           " WHERE c.id = ?1", -1, &st, NULL))
        return db_fail(idx, "get chunk");
    sqlite3_bind_int64(st, 1, chunk_id);
    quire_status rc = QUIRE_OK;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        quire_hit *h = calloc(1, sizeof *h);
        if (!h) rc = fail(idx, QUIRE_ERR_NOMEM, "out of memory");
        else {
            read_hit_row(st, h, -1);
            *out = h;
        }
    } else if (r == SQLITE_DONE) {
        rc = fail(idx, QUIRE_ERR_NOT_FOUND, "no chunk %lld", (long long)chunk_id);
    } else {
        rc = db_fail(idx, "get chunk");
    }
    sqlite3_finalize(st);
    return rc;
}

void quire_hit_cite_key(const quire_hit *hit, char *out, size_t size)
{
    const char *sha = hit->doc_sha256 ? hit->doc_sha256 : "000000000000";
    snprintf(out, size, "%.12s:%lld-%lld", sha, (long long)hit->char_start, (long long)hit->char_end);
}

/* ---- settings ---- */

quire_status quire_index_get_setting(quire_index *idx, const char *key, char **value)
{
    *value = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db, "SELECT value FROM settings WHERE key = ?1", -1, &st, NULL))
        return db_fail(idx, "get setting");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    quire_status rc = QUIRE_OK;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *value = col_text(st, 0);
        if (!*value) rc = fail(idx, QUIRE_ERR_NOT_FOUND, "setting %s is unset", key);
    } else if (r == SQLITE_DONE) {
        rc = fail(idx, QUIRE_ERR_NOT_FOUND, "setting %s is unset", key);
    } else {
        rc = db_fail(idx, "get setting");
    }
    sqlite3_finalize(st);
    return rc;
}

quire_status quire_index_set_setting(quire_index *idx, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(idx->db,
                           "INSERT INTO settings(key, value) VALUES (?1, ?2)"
                           " ON CONFLICT(key) DO UPDATE SET value = excluded.value", -1, &st, NULL))
        return db_fail(idx, "set setting");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    bind_text_or_null(st, 2, value);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? QUIRE_OK : db_fail(idx, "set setting");
}
