/* Retrieval through a real notebook: JSONL records, the quire tokenizer and
 * quire_bm25(), French and English questions, hostile and stopword-only
 * queries, the porter baseline, feedback, and the v1 -> v2 migration. */
#include "quire/index.h"
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "testutil.h"

#define FTS_LANG_MARK_TEST "\xEE\x80\x80"

#include <sqlite3.h>
#include <unistd.h>

static const char records[] =
    "{\"_id\": \"fr-cheval\", \"title\": \"Les chevaux de trait\", \"text\": \"Le cheval de trait est un cheval "
    "lourd, élevé pour tirer des charges. Les éleveurs sélectionnent les juments pour leur force.\"}\n"
    "{\"_id\": \"fr-modele\", \"title\": \"Modèles quantifiés\", \"text\": \"Les modèles de langue quantifiés "
    "sur quatre bits sont plus rapides, et leur qualité baisse peu.\\n\\nLa quantification réduit la mémoire.\"}\n"
    "{\"_id\": \"en-horse\", \"title\": \"Draft horses\", \"text\": \"Draft horses are large horses bred for "
    "pulling heavy loads on farms.\"}\n"
    "{\"_id\": 42, \"title\": \"Quantized models\", \"text\": \"Quantizing a language model to four bits makes "
    "inference faster with little loss of quality.\", \"url\": \"https://example.org/q\"}\n"
    "\n"
    "{\"_id\": \"bad\"}\n"
    "not json at all\n"
    "{\"title\": \"no id\", \"text\": \"x\"}\n"
    "{\"_id\": \"ref\", \"title\": \"Bibliography\", \"text\": \"References: horses and models of horses.\"}\n";

static char *tmpdir_path(char *dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
    return out;
}

static quire_status df_fn(void *ctx, const char *s, int64_t *df, int64_t *nrows)
{
    return quire_index_query_df(ctx, s, df, nrows);
}

static bool top_is(quire_index *idx, const char *q, const char *key)
{
    quire_hit *h = NULL;
    size_t n = 0;
    quire_error err;
    quire_status rc = quire_retrieve(idx, q, NULL, &h, &n, &err);
    bool ok = rc == QUIRE_OK && n > 0 && strcmp(h[0].doc_key, key) == 0;
    if (!ok) fprintf(stderr, "  query \"%s\": top is %s, expected %s\n", q, n ? h[0].doc_key : "(none)", key);
    quire_hits_free(h, n);
    return ok;
}

static void test_records(const char *dir)
{
    char jsonl[512], db[512];
    tmpdir_path((char *)dir, "r.jsonl", jsonl, sizeof jsonl);
    tmpdir_path((char *)dir, "n.db", db, sizeof db);
    FILE *f = fopen(jsonl, "w");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(records, 1, sizeof records - 1, f);
    fclose(f);
    quire_index *idx = NULL;
    quire_error err;
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_CREATE, &idx, &err), QUIRE_OK);
    if (!idx) return;
    quire_add_summary sum;
    quire_add_opts ao;
    quire_add_opts_default(&ao);
    const char *paths[1] = {jsonl};
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, &ao, &sum, &err), QUIRE_OK);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_ADDED], 5);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_FAILED], 3);
    quire_doc_info info = {0};
    CHECK_EQ_INT(quire_index_get_doc(idx, "42", &info), QUIRE_OK);
    CHECK_STR(info.path, "https://example.org/q");
    CHECK_STR(info.title, "Quantized models");
    quire_doc_info_clear(&info);
    /* a second load changes nothing */
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, &ao, &sum, &err), QUIRE_OK);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_UNCHANGED], 5);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_ADDED], 0);

    /* French questions find French passages across inflection and accents */
    CHECK(top_is(idx, "Pourquoi élève-t-on des chevaux lourds ?", "fr-cheval"));
    CHECK(top_is(idx, "modele quantifie", "fr-modele"));
    CHECK(top_is(idx, "Les juments sont-elles sélectionnées ?", "fr-cheval"));
    CHECK(top_is(idx, "la quantification des modèles", "fr-modele"));
    /* English */
    CHECK(top_is(idx, "Which horse breeds pull loads?", "en-horse"));
    CHECK(top_is(idx, "does quantization make inference faster", "42"));

    /* hostile query text: never an error */
    const char *hostile[] = {
        "\"", "NEAR(a b", "a OR", "title:x", "-(", "*", "^a", "\"\"\"", ")", "AND AND", "\xff\xfe\xc3",
        "horse\" OR 1=1 --", "{a b}: c", "chevaux*", FTS_LANG_MARK_TEST,
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        quire_hit *h = NULL;
        size_t n = 0;
        quire_status rc = quire_retrieve(idx, hostile[i], NULL, &h, &n, &err);
        if (rc) fprintf(stderr, "  hostile query %zu: %s\n", i, quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_OK);
        quire_hits_free(h, n);
    }
    /* a stopword-only question keeps its words and still finds passages */
    quire_hit *h = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_retrieve(idx, "are the", NULL, &h, &n, &err), QUIRE_OK);
    CHECK(n > 0 && strcmp(h[0].doc_key, "en-horse") == 0);
    quire_hits_free(h, n);
    CHECK_EQ_INT(quire_retrieve(idx, "les de la", NULL, &h, &n, &err), QUIRE_OK);
    CHECK(n >= 2);
    for (size_t i = 0; i < n; i++) CHECK(strncmp(h[i].doc_key, "fr-", 3) == 0);
    quire_hits_free(h, n);

    /* quire_bm25 and FTS5's bm25 agree on the top passage here; feedback runs */
    quire_retrieve_opts o;
    quire_retrieve_opts_default(&o);
    o.fts5_bm25 = true;
    CHECK_EQ_INT(quire_retrieve(idx, "draft horses farms", &o, &h, &n, &err), QUIRE_OK);
    CHECK(n > 0 && strcmp(h[0].doc_key, "en-horse") == 0);
    quire_hits_free(h, n);
    quire_retrieve_opts_default(&o);
    o.prf = true;
    o.prf_docs = 2;
    CHECK_EQ_INT(quire_retrieve(idx, "draft horses farms", &o, &h, &n, &err), QUIRE_OK);
    CHECK(n > 0 && strcmp(h[0].doc_key, "en-horse") == 0);
    quire_hits_free(h, n);
    quire_retrieve_opts_default(&o);
    o.query.bigrams = true;
    o.query.exact_weight = 0.3;
    CHECK_EQ_INT(quire_retrieve(idx, "draft horses on farms", &o, &h, &n, &err), QUIRE_OK);
    CHECK(n > 0 && strcmp(h[0].doc_key, "en-horse") == 0);
    quire_hits_free(h, n);
    /* query planning: document counts, and the rare-word gate forced on */
    int64_t df = -1, nrows = -1;
    CHECK_EQ_INT(quire_index_query_df(idx, FTS_LANG_MARK_TEST "en horses", &df, &nrows), QUIRE_OK);
    CHECK_EQ_INT(nrows, 5);
    CHECK_EQ_INT(df, 2);   /* en-horse and the bibliography */
    CHECK_EQ_INT(quire_index_query_df(idx, FTS_LANG_MARK_TEST "en zzzunknown", &df, NULL), QUIRE_OK);
    CHECK_EQ_INT(df, 0);
    quire_retrieve_opts_default(&o);
    o.query.gate_min_rows = 1;
    o.query.gate_budget = 1;
    CHECK_EQ_INT(quire_retrieve(idx, "heavy draft horses farms loads", &o, &h, &n, &err), QUIRE_OK);
    CHECK(n > 0 && strcmp(h[0].doc_key, "en-horse") == 0);
    quire_hits_free(h, n);
    {
        quire_query_opts g;
        quire_query_opts_default(&g);
        g.gate_min_rows = 1;
        g.gate_budget = 1;
        g.df = df_fn;
        g.df_ctx = idx;
        char *m2 = NULL, *w2 = NULL, *d2 = NULL;
        CHECK_EQ_INT(quire_query_build_weighted("draft heavy horses", 18, &g, &m2, &w2, &d2), QUIRE_OK);
        /* the two rarest, "draft" and "heavy" (1 chunk each), select;
         * "horses" (2 chunks) only scores; one pair: draft heavy */
        CHECK(m2 && strncmp(m2, "(\"" FTS_LANG_MARK_TEST, 5) == 0 && strstr(m2, "heavy\") AND (") != NULL);
        CHECK_STR(w2, "0,0,1,1,1,-1");
        CHECK_STR(d2, "1,1,1,1,2,0"); /* the pair's own count: never adjacent */
        /* quire_retrieve() makes the gate exact: same passages as without */
        const char *qs[] = {"draft heavy horses", "heavy horses", "modèles de langue quantifiés", "horses models"};
        for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
            quire_hit *h1 = NULL, *h2 = NULL;
            size_t n1 = 0, n2 = 0;
            quire_retrieve_opts plain;
            quire_retrieve_opts_default(&plain);
            CHECK_EQ_INT(quire_retrieve(idx, qs[qi], &o, &h1, &n1, &err), QUIRE_OK);
            CHECK_EQ_INT(quire_retrieve(idx, qs[qi], &plain, &h2, &n2, &err), QUIRE_OK);
            CHECK_EQ_INT(n1, n2);
            for (size_t i = 0; i < n1 && i < n2; i++) CHECK_STR(h1[i].doc_key, h2[i].doc_key);
            quire_hits_free(h1, n1);
            quire_hits_free(h2, n2);
        }
        free(m2);
        free(w2);
        free(d2);
    }
    /* the porter baseline over the same chunks */
    CHECK_EQ_INT(quire_index_search_porter(idx, "\"horses\"", 10, &h, &n), QUIRE_OK);
    CHECK(n >= 2);
    quire_hits_free(h, n);
    /* unknown forced language is refused */
    quire_query_opts qo;
    quire_query_opts_default(&qo);
    qo.langs = "xx";
    char *m = NULL;
    CHECK_EQ_INT(quire_query_build_ex("horses", 6, &qo, &m), QUIRE_ERR_INVALID);
    qo.langs = "fr,en";
    CHECK_EQ_INT(quire_query_build_ex("chevaux", 7, &qo, &m), QUIRE_OK);
    CHECK(m && strstr(m, FTS_LANG_MARK_TEST "fr,en chevaux") != NULL);
    free(m);
    quire_index_close(idx);
}

/* A version-1 notebook (unicode61) is migrated: chunks_fts rebuilt with the
 * quire tokenizer, so stemmed French matching works on old content. */
static void test_migration(const char *dir)
{
    char db[512];
    tmpdir_path((char *)dir, "v1.db", db, sizeof db);
    sqlite3 *s = NULL;
    CHECK_EQ_INT(sqlite3_open(db, &s), SQLITE_OK);
    const char *v1 =
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE documents(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, path TEXT, format TEXT,"
        "  sha256 TEXT, size INTEGER, mtime INTEGER, title TEXT, authors TEXT, date TEXT, language TEXT,"
        "  pages INTEGER, status TEXT NOT NULL, error TEXT, warnings TEXT, added_at INTEGER);"
        "CREATE TABLE chunks(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
        "  ordinal INTEGER NOT NULL, page_start INTEGER, page_end INTEGER, page_label TEXT, section TEXT, anchor TEXT,"
        "  char_start INTEGER, char_end INTEGER, flags INTEGER NOT NULL DEFAULT 0, title TEXT, text TEXT NOT NULL);"
        "CREATE VIRTUAL TABLE chunks_fts USING fts5(text, title, section, content='chunks', content_rowid='id',"
        "  tokenize='unicode61 remove_diacritics 2');"
        "CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN INSERT INTO chunks_fts(rowid, text, title, section)"
        "  VALUES (new.id, new.text, new.title, new.section); END;"
        "CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN INSERT INTO chunks_fts(chunks_fts, rowid, text, title,"
        "  section) VALUES ('delete', old.id, old.text, old.title, old.section); END;"
        "CREATE TABLE embeddings(chunk_id INTEGER NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL);"
        "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE questions(id INTEGER PRIMARY KEY, asked_at INTEGER, question TEXT, answer_json TEXT);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "INSERT INTO documents(id, key, status) VALUES (1, 'old.txt', 'indexed');"
        "INSERT INTO chunks(doc_id, ordinal, char_start, char_end, title, text)"
        "  VALUES (1, 0, 0, 40, 'Élevage', 'Les chevaux de trait tirent des charges.');";
    CHECK_EQ_INT(sqlite3_exec(s, v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);

    quire_index *idx = NULL;
    quire_error err;
    /* read-only: refused with advice, nothing changed */
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_READONLY, &idx, &err), QUIRE_ERR_SCHEMA);
    CHECK_EQ_INT(quire_index_open(db, 0, &idx, &err), QUIRE_OK);
    if (!idx) return;
    quire_hit *h = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_retrieve(idx, "Un cheval tire-t-il une charge ?", NULL, &h, &n, &err), QUIRE_OK);
    CHECK(n == 1 && strcmp(h[0].doc_key, "old.txt") == 0);
    quire_hits_free(h, n);
    quire_index_close(idx);

    CHECK_EQ_INT(sqlite3_open(db, &s), SQLITE_OK);
    sqlite3_stmt *st;
    CHECK_EQ_INT(sqlite3_prepare_v2(s, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL), SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "3") == 0);
    sqlite3_finalize(st);
    /* version 3: links table and documents.description */
    CHECK_EQ_INT(sqlite3_exec(s, "SELECT doc_id, ordinal, href FROM links; SELECT description FROM documents",
                              NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_prepare_v2(s, "SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'", -1, &st, NULL), SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW && strstr((const char *)sqlite3_column_text(st, 0), "tokenize='quire'"));
    sqlite3_finalize(st);
    /* a stale tokenizer version is rebuilt on the next writable open */
    CHECK_EQ_INT(sqlite3_exec(s, "UPDATE meta SET value = 'quire 0' WHERE key = 'fts_tokenizer'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_READONLY, &idx, &err), QUIRE_ERR_SCHEMA);
    CHECK_EQ_INT(quire_index_open(db, 0, &idx, &err), QUIRE_OK);
    quire_index_close(idx);
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_READONLY, &idx, &err), QUIRE_OK);
    quire_index_close(idx);
}

int main(void)
{
    char dir[] = "/tmp/quire-test-retrieve-XXXXXX";
    if (!mkdtemp(dir)) SKIP("cannot create a temporary folder");
    test_records(dir);
    test_migration(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_summary();
}
