/* quire — the ingest pipeline behind `quire add`: walk paths, skip what is
 * unchanged, extract and chunk in parallel worker threads, and write each
 * document in its own transaction from the calling thread (one SQLite writer).
 *
 * Incremental rules: a file whose size and mtime match the index is
 * unchanged; otherwise its sha256 is compared, and only a different hash is
 * re-extracted (a touched-but-identical file just gets its mtime updated).
 * A file that fails is recorded with its reason; an older indexed version of
 * it is kept. With prune, indexed files under a walked folder that no longer
 * exist are removed.
 *
 * JSONL files (by extension .jsonl, or every named file with opts.jsonl)
 * hold one record per line, {"_id"|"id", "title", "text", "url"}; each
 * record is a document whose key is its id (src/ingest/records.c).
 */
#ifndef QUIRE_PIPELINE_H
#define QUIRE_PIPELINE_H

#include "quire/error.h"
#include "quire/index.h"
#include "quire/ingest.h"
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum quire_add_outcome {
    QUIRE_ADD_ADDED = 0,
    QUIRE_ADD_UPDATED,
    QUIRE_ADD_UNCHANGED,
    QUIRE_ADD_FAILED,
    QUIRE_ADD_REMOVED,
    QUIRE_ADD_OUTCOME_COUNT
} quire_add_outcome;

typedef struct quire_add_event {
    const char *path;       /* file path as given/walked (borrowed for the call) */
    quire_add_outcome outcome;
    const char *message;    /* failure reason or extraction warnings; NULL if none */
    size_t chunks;          /* chunks written (added/updated) */
    size_t pages;           /* pages (paged formats) */
    size_t done, total;     /* progress: files finished so far / files found */
} quire_add_event;

typedef void (*quire_add_event_fn)(const quire_add_event *ev, void *ctx);

typedef struct quire_add_opts {
    quire_extract_opts extract;
    quire_chunk_opts chunk;
    int threads;            /* extraction workers (default: online CPUs, at most 8) */
    bool prune;             /* remove indexed files missing under walked folders */
    bool force;             /* re-extract even unchanged files */
    bool jsonl;             /* treat every file given by name as JSONL records (else by extension) */
    size_t max_files;       /* refuse a walk that finds more (default 1,000,000) */
    quire_add_event_fn on_event; /* may be NULL; called from the calling thread */
    void *ctx;
} quire_add_opts;

typedef struct quire_add_summary {
    size_t counts[QUIRE_ADD_OUTCOME_COUNT]; /* indexed by quire_add_outcome */
} quire_add_summary;

void quire_add_opts_default(quire_add_opts *opts);

/* Ingest files and folders. Per-file failures do not stop the run; they are
 * counted in summary->counts[QUIRE_ADD_FAILED]. Returns non-OK only when the
 * run itself cannot go on (a path does not exist, the index fails). */
quire_status quire_add_paths(quire_index *idx, const char *const *paths, size_t npaths,
                             const quire_add_opts *opts, quire_add_summary *summary, quire_error *err);

/* Hex sha256 of data into out (65 bytes). */
void quire_sha256_hex(const void *data, size_t len, char out[65]);

#ifdef __cplusplus
}
#endif
#endif
