/* The add pipeline end to end on a real SQLite file:
 * incremental re-ingest (unchanged skipped, touched-but-identical kept,
 * changed replaced, removed pruned), a corrupt PDF reported while the rest
 * is indexed, a Latin-1 HTML file indexed with its accents intact, and
 * one-document-one-transaction (a failed update keeps the old chunks). */
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "../testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

static char dir[512], docs[600], dbpath[600];

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", docs, name);
}

static void write_doc(const char *name, const char *text)
{
    char p[700];
    path_of(p, sizeof p, name);
    test_write_file(p, text, strlen(text));
}

static void set_mtime(const char *name, time_t t)
{
    char p[700];
    path_of(p, sizeof p, name);
    struct timeval tv[2] = {{t, 0}, {t, 0}};
    utimes(p, tv);
}

static quire_add_summary run_add(quire_index *idx, bool prune)
{
    quire_add_opts o;
    quire_add_opts_default(&o);
    o.prune = prune;
    quire_add_summary s;
    quire_error err;
    const char *paths[] = {docs};
    quire_status rc = quire_add_paths(idx, paths, 1, &o, &s, &err);
    if (rc) fprintf(stderr, "add: %s\n", quire_error_message(&err));
    CHECK_EQ_INT(rc, QUIRE_OK);
    return s;
}

/* Number of hits for a query, and the first hit's text in *first (owned). */
static size_t search(quire_index *idx, const char *q, char **first)
{
    quire_hit *h;
    size_t n;
    CHECK_EQ_INT(quire_retrieve(idx, q, NULL, &h, &n, NULL), QUIRE_OK);
    if (first) *first = n ? strdup(h[0].text) : NULL;
    quire_hits_free(h, n);
    return n;
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", test_tmpdir("add"));
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(dbpath, sizeof dbpath, "%s/nb.sqlite", dir);
    mkdir(docs, 0755);
    write_doc("alpha.md", "# Alpha\n\nThe walrus eats clams on the ice floe.\n");
    write_doc("beta.txt", "Beta notes about the narwhal tusk.\n");
    write_doc("gamma.md", "# Gamma\n\nPenguins cannot fly but swim fast.\n");
    write_doc("broken.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage garbage\n");
    /* Latin-1 bytes: "Thé à la crème brûlée" with a meta charset */
    write_doc("latin1.html", "<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title>"
                             "<meta name=\"description\" content=\"Un dessert\"></head>"
                             "<body><h1 id=\"top\">Recette</h1><p>Voir <a href=\"other.html#x\">la suite</a>.</p><p>Th\xe9 \xe0 la cr\xe8me br\xfbl\xe9" "e du chef.</p></body></html>");
    write_doc("ignored.bin", "not a document");
    time_t past = time(NULL) - 3600;
    set_mtime("alpha.md", past);
    set_mtime("beta.txt", past);

    quire_index *idx;
    quire_error err;
    CHECK_EQ_INT(quire_index_open(dbpath, QUIRE_INDEX_CREATE, &idx, &err), QUIRE_OK);

    quire_add_summary s = run_add(idx, false);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_ADDED], 4);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_FAILED], 1); /* broken.pdf, reported and skipped */
    CHECK_EQ_INT(search(idx, "walrus", NULL), 1);

    char *first = NULL;
    CHECK_EQ_INT(search(idx, "creme brulee", &first), 1); /* accent-insensitive search */
    CHECK(first && strstr(first, "Thé à la crème brûlée du chef.") != NULL);
    free(first);

    quire_doc_info info;
    char p[700];
    path_of(p, sizeof p, "latin1.html");
    CHECK_EQ_INT(quire_index_get_doc(idx, p, &info), QUIRE_OK);
    CHECK_STR(info.description, "Un dessert");
    CHECK_EQ_INT(info.links, 1);
    quire_doc_info_clear(&info);
    path_of(p, sizeof p, "broken.pdf");
    CHECK_EQ_INT(quire_index_get_doc(idx, p, &info), QUIRE_OK);
    CHECK_STR(info.status, "failed");
    CHECK(info.error && strstr(info.error, "PDF") != NULL);
    quire_doc_info_clear(&info);

    /* Second run: nothing changed. */
    s = run_add(idx, false);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_UNCHANGED], 4);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_ADDED] + s.counts[QUIRE_ADD_UPDATED], 0);

    /* Touch beta without changing it (same sha256): unchanged, mtime updated. */
    set_mtime("beta.txt", past + 10);
    /* Change alpha's content. */
    write_doc("alpha.md", "# Alpha\n\nThe walrus now eats mussels instead.\n");
    /* Remove gamma. */
    path_of(p, sizeof p, "gamma.md");
    remove(p);
    s = run_add(idx, true);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_UPDATED], 1);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_UNCHANGED], 2);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_REMOVED], 1);
    CHECK_EQ_INT(search(idx, "clams", NULL), 0);
    CHECK_EQ_INT(search(idx, "mussels", NULL), 1);
    CHECK_EQ_INT(search(idx, "penguins", NULL), 0);
    path_of(p, sizeof p, "beta.txt");
    CHECK_EQ_INT(quire_index_get_doc(idx, p, &info), QUIRE_OK);
    CHECK_EQ_INT(info.mtime, past + 10);
    quire_doc_info_clear(&info);

    /* A file that becomes corrupt keeps its previous chunks and records the error. */
    write_doc("alpha.md", "  \n\n");
    s = run_add(idx, false);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_FAILED], 2);
    CHECK_EQ_INT(search(idx, "mussels", NULL), 1);

    int64_t ndocs, nchunks;
    CHECK_EQ_INT(quire_index_counts(idx, &ndocs, &nchunks), QUIRE_OK);
    CHECK_EQ_INT(ndocs, 3);

    /* JSONL records: keyed by id, bad lines reported, unchanged on re-add, changed replaced. */
    char jl[700];
    snprintf(jl, sizeof jl, "%s/records.jsonl", dir);
    const char *records = "{\"_id\": \"r1\", \"title\": \"Okapi\", \"text\": \"The okapi is a giraffid.\"}\n"
                          "not json\n"
                          "{\"id\": 42, \"text\": \"Numbers as ids work: the pangolin.\"}\n"
                          "{\"title\": \"no id\"}\n\n";
    test_write_file(jl, records, strlen(records));
    quire_add_opts o;
    quire_add_opts_default(&o);
    const char *jpaths[] = {jl};
    CHECK_EQ_INT(quire_add_paths(idx, jpaths, 1, &o, &s, &err), QUIRE_OK);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_ADDED], 2);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_FAILED], 2);
    quire_hit *hh;
    size_t nh;
    CHECK_EQ_INT(quire_retrieve(idx, "pangolin", NULL, &hh, &nh, NULL), QUIRE_OK);
    CHECK_EQ_INT(nh, 1);
    if (nh) CHECK_STR(hh[0].doc_key, "42");
    quire_hits_free(hh, nh);
    CHECK_EQ_INT(quire_retrieve(idx, "okapi", NULL, &hh, &nh, NULL), QUIRE_OK);
    CHECK_EQ_INT(nh, 1);
    if (nh) CHECK_STR(hh[0].doc_title, "Okapi");
    quire_hits_free(hh, nh);
    records = "{\"_id\": \"r1\", \"title\": \"Okapi\", \"text\": \"The okapi is a giraffid.\"}\n"
              "{\"id\": 42, \"text\": \"Now about the armadillo.\"}\n";
    test_write_file(jl, records, strlen(records));
    CHECK_EQ_INT(quire_add_paths(idx, jpaths, 1, &o, &s, &err), QUIRE_OK);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_UNCHANGED], 1);
    CHECK_EQ_INT(s.counts[QUIRE_ADD_UPDATED], 1);
    CHECK_EQ_INT(search(idx, "pangolin", NULL), 0);
    CHECK_EQ_INT(search(idx, "armadillo", NULL), 1);
    quire_index_close(idx);

    /* The notebook reopens read-only and a newer schema is refused. */
    CHECK_EQ_INT(quire_index_open(dbpath, QUIRE_INDEX_READONLY, &idx, &err), QUIRE_OK);
    quire_index_close(idx);

    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open(dbpath, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_EQ_INT(quire_index_open(dbpath, 0, &idx, &err), QUIRE_ERR_SCHEMA);
    CHECK(strstr(err.msg, "newer") != NULL);
    CHECK(idx == NULL);
    return test_summary();
}
