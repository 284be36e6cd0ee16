/* Hostile query strings never produce an FTS5 error, on a real index;
 * query building keeps words and drops syntax. */
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "../testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *hostile[] = {
    "", " ", "\"", "\"\"", "\"unbalanced", "NEAR(", "NEAR(a b", "NEAR(walrus ice, 2)", "*", "walrus*",
    "-", "-walrus", "a - b", "(", ")", "((walrus", "walrus)", "AND", "OR", "NOT", "walrus AND",
    "OR OR OR", "^walrus", "text:walrus", "title : x", "{text title}: walrus", "+", "col:",
    "walrus NOT", "\\", "'", "';DROP TABLE chunks;--", "\xff\xfe\xfd", "caf\xe9", "😀 emoji",
    "a\0b", "%s%n", "NEAR", "\"walrus\" NEAR/2 ice", "[walrus]", "walrus:", ":", "?", "!",
    "Ἀλέξανδρος", "中文查询", "l'ordinateur d'aujourd'hui", "ice-floe", "3.14 * 2",
};

int main(void)
{
    const char *dir = test_tmpdir("query");
    char docs[600], db[600], file[700];
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(db, sizeof db, "%s/nb.sqlite", dir);
    mkdir(docs, 0755);
    snprintf(file, sizeof file, "%s/a.md", docs);
    const char *text = "# Walrus\n\nThe walrus rests on the ice floe. L'ordinateur d'aujourd'hui. NEAR and AND are words too.\n";
    test_write_file(file, text, strlen(text));

    quire_index *idx;
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_CREATE, &idx, NULL), QUIRE_OK);
    quire_add_summary sum;
    const char *paths[] = {docs};
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, NULL, &sum, NULL), QUIRE_OK);

    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        quire_hit *h;
        size_t n;
        quire_error err;
        quire_error_clear(&err);
        quire_status rc = quire_retrieve(idx, hostile[i], NULL, &h, &n, &err);
        if (rc) fprintf(stderr, "query %zu '%s': %s\n", i, hostile[i], quire_error_message(&err));
        CHECK_EQ_INT(rc, QUIRE_OK);
        quire_hits_free(h, n);
    }

    /* Syntax characters are separators: the words still match. */
    const char *must_match[] = {"NEAR(walrus ice, 2)", "-walrus", "text:walrus", "walrus*", "((walrus",
                                "\"walrus", "l'ordinateur", "ice-floe", "NEAR", "AND"};
    for (size_t i = 0; i < sizeof must_match / sizeof must_match[0]; i++) {
        quire_hit *h;
        size_t n;
        CHECK_EQ_INT(quire_retrieve(idx, must_match[i], NULL, &h, &n, NULL), QUIRE_OK);
        if (n != 1) fprintf(stderr, "no match for '%s'\n", must_match[i]);
        CHECK_EQ_INT(n, 1);
        quire_hits_free(h, n);
    }

    /* Each word is a quoted string carrying the question's languages for
     * the quire tokenizer (U+E000 "xx,yy " word; src/index/tokenizer.c). */
    char *q;
    CHECK_EQ_INT(quire_query_build("NEAR(\"a\" b*", 11, &q), QUIRE_OK);
    CHECK_STR(q, "\"\xEE\x80\x80" "en,fr NEAR\" OR \"\xEE\x80\x80" "en,fr b\" OR \"\xEE\x80\x80" "en,fr NEAR b\"");
    free(q);
    CHECK_EQ_INT(quire_query_build("", 0, &q), QUIRE_OK);
    CHECK(q == NULL);
    CHECK_EQ_INT(quire_query_build("Élodie préfère", strlen("Élodie préfère"), &q), QUIRE_OK);
    CHECK(q && strstr(q, "Élodie\" OR \"") && strstr(q, "préfère\"") && !strstr(q, "NEAR"));
    free(q);
    /* a French question is marked French, its stopwords dropped */
    CHECK_EQ_INT(quire_query_build("Pourquoi les chevaux sont-ils blancs ?", 38, &q), QUIRE_OK);
    CHECK_STR(q, "\"\xEE\x80\x80" "fr chevaux\" OR \"\xEE\x80\x80" "fr blancs\" OR \"\xEE\x80\x80" "fr chevaux blancs\"");
    free(q);
    /* stopword-only: kept ("!") rather than dropping everything */
    CHECK_EQ_INT(quire_query_build("what is the", 11, &q), QUIRE_OK);
    CHECK(q && strncmp(q, "\"\xEE\x80\x80" "en! what\" OR \"\xEE\x80\x80" "en! is\" OR \"\xEE\x80\x80" "en! the\" OR ", 48) == 0);
    free(q);

    quire_index_close(idx);
    return test_summary();
}
