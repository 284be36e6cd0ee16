/* The quire_bm25() FTS5 ranking function (internal to the index module). */
#ifndef QUIRE_INDEX_RANK_H
#define QUIRE_INDEX_RANK_H

#include "quire/error.h"
#include <sqlite3.h>

#include <stdbool.h>
#include <stdint.h>

/* Token counts per row and column of chunks_fts, kept in memory so that
 * quire_bm25() need not look each matching row up in chunks_fts_docsize
 * (a B-tree search per row: most of the ranking time on large notebooks).
 *   len[rowid * ncol + c]  tokens of column c of row rowid, or
 *                          RANK_LEN_UNKNOWN (then xColumnSize() is asked)
 * Owned by the index handle; quire_bm25() only reads it, and only while
 * `active` is set (the store sets it around its own searches of chunks_fts
 * after checking that the notebook did not change since the load). */
#define RANK_LEN_UNKNOWN UINT32_MAX
#define RANK_LENS_MAX_ROWID 50000000   /* larger rowids are not cached */
typedef struct rank_lens {
    uint32_t *len;    /* (nrowid * ncol) */
    int64_t nrowid;   /* rowids 0 .. nrowid-1 are covered */
    int ncol;
    bool active;
} rank_lens;

/* Register quire_bm25() on db (per connection). lens (borrowed for the
 * connection's life, may be NULL) is the in-memory length table. */
quire_status fts_rank_register(sqlite3 *db, const rank_lens *lens);

/* Fill lens from the FTS5 docsize table `table` (e.g. "chunks_fts_docsize")
 * of db: ncol columns. Replaces any previous content. */
quire_status rank_lens_load(sqlite3 *db, const char *table, int ncol, rank_lens *lens);
void rank_lens_clear(rank_lens *lens);

#endif
