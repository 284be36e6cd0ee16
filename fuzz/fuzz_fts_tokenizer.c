/* Fuzz target: the "quire" FTS5 tokenizer (src/index/tokenizer.c) and language detection on
 * arbitrary bytes, as a document and as a MATCH string. */
#include "index/tokenizer.h"
#include "quire/lang.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_token(void *ctx, int tflags, const char *t, int n, int s, int e)
{
    (void)tflags;
    (void)t;
    if (n <= 0 || s < 0 || e < s) abort();
    (*(int *)ctx)++;
    return SQLITE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    quire_lang_guess g;
    quire_lang_guess_text((const char *)data, size, &g);
    int ntok = 0;
    fts_tokenize_query((const char *)data, (int)size, &ntok, count_token);
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 0;
    if (fts_tokenizer_register(db) == QUIRE_OK &&
        sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(b, tokenize='quire')", NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "INSERT INTO t(b) VALUES (?1)", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, (const char *)data, (int)size, SQLITE_STATIC);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
        /* the bytes as one quoted MATCH string (quotes doubled) */
        char *q = malloc(2 * size + 3);
        if (q) {
            size_t o = 0;
            q[o++] = '"';
            for (size_t i = 0; i < size; i++) {
                if (data[i] == '"') q[o++] = '"';
                q[o++] = (char)data[i];
            }
            q[o++] = '"';
            if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, q, (int)o, SQLITE_STATIC);
                while (sqlite3_step(st) == SQLITE_ROW) {
                }
                sqlite3_finalize(st);
            }
            free(q);
        }
    }
    sqlite3_close(db);
    return 0;
}
