/* The "quire" FTS5 tokenizer through real FTS5 tables: folding, stemming in
 * French and English, stopwords, query language directives, hostile input. */
#include "index/tokenizer.h"
#include "testutil.h"

#include <sqlite3.h>

static sqlite3 *open_db(const char *tokenize)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return NULL;
    CHECK_EQ_INT(fts_tokenizer_register(db), QUIRE_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='%s')", tokenize);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "create: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void insert(sqlite3 *db, const char *text, int len)
{
    sqlite3_stmt *st;
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, text, len, SQLITE_TRANSIENT);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* rowids matching q, as a bit set (rowids 1..31); -1 on a query error. */
static long match(sqlite3 *db, const char *q)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
    long set = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long id = (long)sqlite3_column_int64(st, 0);
        if (id > 0 && id < 32) set |= 1L << id;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? set : -1;
}

/* The tokens of the index, space-separated, via fts5vocab. */
static void vocab(sqlite3 *db, char *out, size_t cap)
{
    sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS v USING fts5vocab(t, 'row')", NULL, NULL, NULL);
    sqlite3_stmt *st;
    out[0] = '\0';
    size_t n = 0;
    if (sqlite3_prepare_v2(db, "SELECT term FROM v ORDER BY term", -1, &st, NULL) != SQLITE_OK) return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        int k = snprintf(out + n, cap - n, "%s%s", n ? " " : "", t);
        if (k < 0 || (size_t)k >= cap - n) break;
        n += (size_t)k;
    }
    sqlite3_finalize(st);
}

#define Q(langs, word) FTS_LANG_MARK langs " " word

static void test_french(void)
{
    sqlite3 *db = open_db("quire");
    CHECK(db != NULL);
    if (!db) return;
    insert(db, "Les modèles quantifiés sont plus rapides que les modèles en virgule flottante.", -1); /* 1 */
    insert(db, "Le cheval blanc d'Henri IV galope dans la forêt de Fontainebleau.", -1);            /* 2 */
    insert(db, "The horses were quantified by the model of the farm in the forest.", -1);            /* 3 */
    insert(db, "Une ÉCOLE où l'on étudie les réseaux de neurones et leur entraînement.", -1);         /* 4 */

    /* accents and inflection, with the language given by the query builder */
    CHECK_EQ_INT(match(db, "\"" Q("fr", "modele") "\" AND \"" Q("fr", "quantifie") "\""), 1L << 1);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "chevaux") "\""), 1L << 2);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "forets") "\""), 1L << 2);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "ecoles") "\""), 1L << 4);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "réseau") "\""), 1L << 4);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "entrainements") "\""), 1L << 4);
    CHECK(match(db, "\"" Q("fr", "Modèle") "\"") & (1L << 1));
    CHECK_EQ_INT(match(db, "\"" Q("fr", "Modèles") "\" AND \"" Q("fr", "rapide") "\""), 1L << 1);
    /* a French question (several words in one string: detected from itself) */
    CHECK_EQ_INT(match(db, "\"les chevaux blancs\""), 1L << 2);
    /* English stems: the English document is stemmed in English */
    CHECK_EQ_INT(match(db, "\"" Q("en", "horse") "\""), 1L << 3);
    CHECK(match(db, "\"" Q("en", "quantify") "\"") & (1L << 3));
    CHECK_EQ_INT(match(db, "\"" Q("en", "farms") "\""), 1L << 3);
    /* the default language fallback: a bare single word is stemmed in English */
    CHECK_EQ_INT(match(db, "horses"), 1L << 3);
    /* a stopword alone in a query string is dropped: "les" matches nothing... */
    CHECK_EQ_INT(match(db, "\"" Q("fr", "les") "\""), 0);
    /* ...unless the query keeps it ("!"): documents index every word */
    /* (French Snowball stems "les" as "le", as in document 2) */
    CHECK_EQ_INT(match(db, "\"" Q("fr!", "les") "\""), (1L << 1) | (1L << 2) | (1L << 4));
    /* phrase across a dropped stopword: "virgule flottante" and "forêt de Fontainebleau" */
    CHECK_EQ_INT(match(db, "\"" Q("fr", "virgules flottantes") "\""), 1L << 1);
    CHECK_EQ_INT(match(db, "\"" Q("fr", "forêt de Fontainebleau") "\""), 1L << 2);
    /* prefix queries are folded, not stemmed */
    CHECK_EQ_INT(match(db, "\"" Q("fr", "fontaineb") "\" *"), 1L << 2);
    CHECK_EQ_INT(match(db, "fontaineb*"), 1L << 2);

    char v[2048];
    vocab(db, v, sizeof v);
    CHECK(strstr(v, "model") != NULL);
    CHECK(strstr(v, " =les ") != NULL);
    CHECK(strstr(v, " =modeles ") != NULL);
    CHECK(strstr(v, "é") == NULL);
    sqlite3_close(db);
}

static void test_colocated_languages(void)
{
    sqlite3 *db = open_db("quire");
    if (!db) return;
    insert(db, "Nous mesurons la vitesse des chevaux.", -1);  /* 1: French */
    insert(db, "We measured the speed of the horses.", -1);   /* 2: English */
    /* a query whose languages are uncertain carries both stems */
    CHECK_EQ_INT(match(db, "\"" Q("en,fr", "chevaux") "\""), 1L << 1);
    CHECK_EQ_INT(match(db, "\"" Q("fr,en", "horse") "\""), 1L << 2);
    CHECK_EQ_INT(match(db, "\"" Q("fr,en", "mesure") "\" OR \"" Q("fr,en", "vitesses") "\""), 1L << 1);
    /* a bad directive is plain text (private-use mark = separator) */
    CHECK_EQ_INT(match(db, "\"" FTS_LANG_MARK "zz chevaux\""), 0); /* "zz chevaux" phrase */
    sqlite3_close(db);
}

static void test_arguments(void)
{
    sqlite3 *db = open_db("quire lang fr");
    CHECK(db != NULL);
    if (db) {
        insert(db, "chevaux", -1);   /* one word: undetermined, stemmed in the default (French) */
        CHECK_EQ_INT(match(db, "\"" Q("fr", "cheval") "\""), 1L << 1);
        sqlite3_close(db);
    }
    db = open_db("quire stem 0 stopwords 0");
    CHECK(db != NULL);
    if (db) {
        insert(db, "Les Chevaux", -1);
        CHECK_EQ_INT(match(db, "les"), 1L << 1);
        CHECK_EQ_INT(match(db, "cheval"), 0);
        CHECK_EQ_INT(match(db, "CHEVAUX"), 1L << 1);
        sqlite3_close(db);
    }
    sqlite3 *bad = NULL;
    sqlite3_open(":memory:", &bad);
    fts_tokenizer_register(bad);
    CHECK(sqlite3_exec(bad, "CREATE VIRTUAL TABLE t USING fts5(b, tokenize='quire lang xx')", NULL, NULL, NULL) != SQLITE_OK);
    CHECK(sqlite3_exec(bad, "CREATE VIRTUAL TABLE t2 USING fts5(b, tokenize='quire bogus 1')", NULL, NULL, NULL) != SQLITE_OK);
    CHECK(sqlite3_exec(bad, "CREATE VIRTUAL TABLE t3 USING fts5(b, tokenize='quire lang')", NULL, NULL, NULL) != SQLITE_OK);
    sqlite3_close(bad);
    CHECK_EQ_INT(fts_tokenizer_register(NULL), QUIRE_ERR_INVALID);
}

static void test_hostile(void)
{
    sqlite3 *db = open_db("quire");
    if (!db) return;
    /* invalid UTF-8 separates words; a truncated sequence at the end is harmless */
    const char bad[] = "caf\xC3 \xFF\xFEmot\xE2\x82 fin\xF0\x9F";
    insert(db, bad, (int)sizeof bad - 1);   /* 1 */
    CHECK_EQ_INT(match(db, "mot"), 1L << 1);
    CHECK_EQ_INT(match(db, "fin"), 1L << 1);
    /* a huge token: indexed from its first 64 code points */
    size_t n = 200000;
    char *huge = malloc(n + 1);
    CHECK(huge != NULL);
    if (huge) {
        for (size_t i = 0; i < n; i++) huge[i] = (char)('a' + i % 3);
        huge[n] = '\0';
        insert(db, huge, (int)n);        /* 2 */
        char q[80];
        memcpy(q, huge, 64);
        q[64] = '\0';
        CHECK_EQ_INT(match(db, q), 1L << 2);
        /* the same huge word as a query: folded to the same prefix */
        long r = match(db, huge);
        CHECK(r == (1L << 2));
        /* a huge run of non-ASCII letters (é: 2 bytes, 3 after NFKD) */
        char *acc = malloc(2 * n + 1);
        if (acc) {
            for (size_t i = 0; i < n; i++) { acc[2 * i] = (char)0xC3; acc[2 * i + 1] = (char)0xA9; }
            insert(db, acc, (int)(2 * n));   /* 3 */
            free(acc);
        }
        free(huge);
    }
    /* marks without a base, ligatures, full-width, German sharp s */
    insert(db, "\xCC\x81\xCC\x81 \xEF\xAC\x81nance \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 Straße", -1); /* 4 */
    CHECK_EQ_INT(match(db, "finance"), 1L << 4);
    CHECK_EQ_INT(match(db, "abc"), 1L << 4);
    CHECK_EQ_INT(match(db, "\"" Q("de", "strasse") "\""), 1L << 4);
    /* an empty and a NUL-laden value */
    insert(db, "", 0);
    insert(db, "a\0b", 3);
    /* stopword-only and empty queries: no error, no match */
    CHECK_EQ_INT(match(db, "\"" Q("en", "the") "\" OR \"" Q("en", "of") "\""), 0);
    CHECK_EQ_INT(match(db, "\"\""), 0);
    sqlite3_close(db);
}

int main(void)
{
    test_french();
    test_colocated_languages();
    test_arguments();
    test_hostile();
    return test_summary();
}
