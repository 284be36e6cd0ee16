/* The "quire" FTS5 tokenizer (internal to the index module).
 * Rules and arguments are documented at the top of tokenizer.c. */
#ifndef QUIRE_INDEX_TOKENIZER_H
#define QUIRE_INDEX_TOKENIZER_H

#include "quire/error.h"
#include <sqlite3.h>

#define FTS_TOKENIZER_NAME "quire"
/* Bump whenever the tokens produced for some text change; an index built
 * with another version must be rebuilt (store.c keeps it in meta). */
#define FTS_TOKENIZER_VERSION 1

/* U+E000 (private use), UTF-8. A query string that starts with this mark
 * carries its stemming languages: MARK "fr,en" [ "!" ] " " word...
 * ("!" keeps stopwords, for queries made only of stopwords). */
#define FTS_LANG_MARK "\xEE\x80\x80"
#define FTS_LANG_MARK_LEN 3

/* Register the "quire" tokenizer on db (per connection; call once after
 * sqlite3_open, before touching an FTS5 table that uses it). */
quire_status fts_tokenizer_register(sqlite3 *db);

/* Tokenize text as the "quire" tokenizer (default arguments) does a MATCH
 * string (FTS5_TOKENIZE_QUERY), calling xtoken(ctx, tflags, token, n, start,
 * end) per token. Returns an SQLite code. */
int fts_tokenize_query(const char *text, int len, void *ctx,
                       int (*xtoken)(void *, int, const char *, int, int, int));

#endif
