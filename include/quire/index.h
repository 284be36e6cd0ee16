/* quire — the index: one SQLite file per notebook.
 *
 * Storage schema (version 3; src/index/store.c creates and migrates it)
 * ----------------------------------------------------------------------
 *   meta(key PRIMARY KEY, value)       schema_version, created_by
 *   documents(id, key UNIQUE, path, format, sha256, size, mtime, title,
 *             authors, date, language, pages, status, error, warnings,
 *             added_at, description)
 *       key is the canonical absolute path of a file (or a record id for
 *       JSONL records); status is 'indexed' or 'failed'; error holds the
 *       last failure (a changed file that fails to parse keeps its previous
 *       chunks and gets its error recorded).
 *   chunks(id, doc_id -> documents ON DELETE CASCADE, ordinal, page_start,
 *          page_end, page_label, section, anchor, char_start, char_end,
 *          flags, title, text)
 *       char_start/char_end are byte offsets into the document's extracted
 *       text (quire_doc.text); flags are quire_seg_flag bits; title repeats
 *       the document title so FTS5 can weight it.
 *   chunks_fts  FTS5(text, title, section), external content = chunks,
 *               kept in sync by triggers, tokenize='quire' (case and accent
 *               folding, stopwords and Snowball stems per detected language:
 *               src/index/tokenizer.c). meta.fts_tokenizer holds the
 *               tokenizer version ("quire 1"); an index built by another
 *               version is rebuilt on the next writable open.
 *   links(doc_id -> documents ON DELETE CASCADE, ordinal, href)
 *       hrefs found in the document (HTML, Markdown), never fetched.
 *   embeddings(chunk_id, model, vec)   vec blob: see src/index/store.c
 *   settings(key PRIMARY KEY, value)    user configuration (quire config)
 *   questions(id, asked_at, question, answer_json)   log of answers
 *
 * Version history: 1 = chunks_fts with unicode61; 2 = the quire tokenizer
 * (migration rebuilds chunks_fts from chunks); 3 = documents.description and
 * links.
 *
 * A newer schema_version than this binary knows is refused
 * (QUIRE_ERR_SCHEMA); older ones are migrated on open.
 *
 * Citation keys: a chunk is cited as "<sha256[0..12]>:<char_start>-<char_end>",
 * stable across re-ingest when the file did not change.
 *
 * Thread safety: one quire_index per thread.
 */
#ifndef QUIRE_INDEX_H
#define QUIRE_INDEX_H

#include "quire/doc.h"
#include "quire/error.h"
#include "quire/ingest.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUIRE_SCHEMA_VERSION 3

typedef struct quire_index quire_index;

enum quire_index_flags {
    QUIRE_INDEX_READONLY = 1u << 0, /* open read-only (search, ask) */
    QUIRE_INDEX_CREATE = 1u << 1,   /* create the file and schema if missing */
};

/* Open (or create) the notebook at path. On success *out is a new handle
 * (close with quire_index_close()). On failure *out is NULL and err says why. */
quire_status quire_index_open(const char *path, unsigned flags, quire_index **out, quire_error *err);
void quire_index_close(quire_index *idx); /* NULL allowed */

/* The message of the last failure on this handle (borrowed, valid until the
 * next call on idx). */
const char *quire_index_errmsg(const quire_index *idx);

/* One row of documents. Strings are owned by the struct; release with
 * quire_doc_info_clear(). */
typedef struct quire_doc_info {
    int64_t id;
    char *key, *path, *format, *sha256, *title, *authors, *date, *language;
    char *status, *error, *warnings;
    int64_t size, mtime, added_at;
    int pages;
    int chunks;     /* number of chunks (filled by get/list) */
    char *description; /* HTML meta description, front matter... or NULL */
    int links;      /* number of recorded links (filled by get/list) */
} quire_doc_info;

void quire_doc_info_clear(quire_doc_info *info);

/* Look up a document by key. QUIRE_ERR_NOT_FOUND if absent. */
quire_status quire_index_get_doc(quire_index *idx, const char *key, quire_doc_info *out);

/* Store doc and its chunks under info->key in one transaction, replacing any
 * previous version of that key. Fields of info used: key, path, format,
 * sha256, size, mtime; title/authors/date/language/pages come from doc when
 * info leaves them NULL/0. */
quire_status quire_index_put_doc(quire_index *idx, const quire_doc_info *info, const quire_doc *doc,
                                 const quire_chunk *chunks, size_t nchunks);

/* Group many put_doc/remove_doc calls in one transaction (bulk loads such as
 * JSONL records): each document becomes a savepoint. Nothing is durable
 * before quire_index_commit(); quire_index_rollback() drops the batch. */
quire_status quire_index_begin(quire_index *idx);
quire_status quire_index_commit(quire_index *idx);
void quire_index_rollback(quire_index *idx);

/* Record that info->key failed to ingest with message `error`. An already
 * indexed version keeps its chunks; a new key gets a 'failed' row. */
quire_status quire_index_put_failure(quire_index *idx, const quire_doc_info *info, const char *error);

/* Update size/mtime of an unchanged document (same sha256, new mtime). */
quire_status quire_index_touch_doc(quire_index *idx, const char *key, int64_t size, int64_t mtime);

/* Remove a document and its chunks. QUIRE_ERR_NOT_FOUND if absent. */
quire_status quire_index_remove_doc(quire_index *idx, const char *key);

/* Call fn for each document, ordered by key. fn's info is borrowed for the
 * call. A non-zero return from fn stops the walk (the call returns QUIRE_OK). */
typedef int (*quire_doc_visit_fn)(const quire_doc_info *info, void *ctx);
quire_status quire_index_list_docs(quire_index *idx, quire_doc_visit_fn fn, void *ctx);

/* Totals for `quire ls` and status output. */
quire_status quire_index_counts(quire_index *idx, int64_t *docs, int64_t *chunks);

/* A retrieved chunk. Strings owned; free arrays with quire_hits_free(). */
typedef struct quire_hit {
    int64_t chunk_id;
    double score;               /* higher is better (BM25 negated) */
    char *doc_key, *doc_path, *doc_title, *doc_sha256;
    int page_start, page_end;   /* 0 when unpaged */
    char *page_label;           /* printed label or NULL */
    char *section, *anchor;     /* or NULL */
    int64_t char_start, char_end;
    unsigned flags;
    int ordinal;
    char *text;
} quire_hit;

/* Free the strings of one hit (not the hit itself) and zero it. */
void quire_hit_clear(quire_hit *hit);
/* Clear n hits and free the array. NULL allowed. */
void quire_hits_free(quire_hit *hits, size_t n);

/* BM25 column weights for chunks_fts(text, title, section). */
typedef struct quire_fts_weights {
    double text, title, section;
} quire_fts_weights;

/* Run an FTS5 MATCH expression (already made safe by the retriever) and
 * return up to k best chunks, best first. weights may be NULL (1,1,1). A
 * syntax error in match is reported as QUIRE_ERR_INVALID. */
quire_status quire_index_search_fts(quire_index *idx, const char *match,
                                    const quire_fts_weights *weights, int k,
                                    quire_hit **out, size_t *n);

/* Parameters of quire_bm25(), the BM25F ranking of src/index/rank.c. */
typedef struct quire_bm25_params {
    double k1;             /* term frequency saturation (FTS5's bm25(): 1.2) */
    double b;              /* length normalisation, 0..1 (FTS5's bm25(): 0.75) */
    double phrase_weight;  /* multiplier for multi-word phrases of the query */
    const char *phrase_weights; /* per-phrase weights "1,1,0.3" in MATCH order, or NULL (borrowed) */
    const char *phrase_df;      /* per-phrase document counts "120,-1,..." (-1: count them), or NULL */
} quire_bm25_params;

/* Document frequency for query planning: the number of chunks holding the
 * tokens of one MATCH string (a quoted word as the query builder writes it,
 * without the quotes: the largest count over its colocated variants; a
 * string of several words: the chunks holding them as a phrase, as
 * quire_bm25() would count them), and the number of chunks.
 * Counts are cached per handle until the notebook changes. fts_string may be
 * NULL to get only *nrows. */
quire_status quire_index_query_df(quire_index *idx, const char *fts_string, int64_t *df, int64_t *nrows);

/* As quire_index_search_fts(), ranked by quire_bm25() (BM25F: per-column
 * length normalisation, tunable k1/b, phrase weight). params NULL: 1.2, 0.75, 1. */
quire_status quire_index_search_bm25f(quire_index *idx, const char *match, const quire_fts_weights *weights,
                                      const quire_bm25_params *params, int k, quire_hit **out, size_t *n);

/* Evaluation baseline: the same MATCH over a temporary FTS5 table with
 * SQLite's stock `porter unicode61` tokenizer and default bm25() (built from
 * chunks on first use in this connection; not kept in the file). */
quire_status quire_index_search_porter(quire_index *idx, const char *match, int k,
                                       quire_hit **out, size_t *n);

/* Chunk by id (neighbour expansion, citations). QUIRE_ERR_NOT_FOUND if absent.
 * *out must be released with quire_hits_free(out, 1). */
quire_status quire_index_get_chunk(quire_index *idx, int64_t chunk_id, quire_hit **out);

/* Stable citation key of a hit into out ("<sha12>:<start>-<end>"). */
void quire_hit_cite_key(const quire_hit *hit, char *out, size_t size);

/* Settings (key/value, like git config). get: QUIRE_ERR_NOT_FOUND if unset;
 * *value is malloc'ed (caller frees). */
quire_status quire_index_get_setting(quire_index *idx, const char *key, char **value);
quire_status quire_index_set_setting(quire_index *idx, const char *key, const char *value);

#ifdef __cplusplus
}
#endif
#endif
