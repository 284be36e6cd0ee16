/* The quire_bm25() FTS5 ranking function (internal to the index module). */
#ifndef QUIRE_INDEX_RANK_H
#define QUIRE_INDEX_RANK_H

#include "quire/error.h"
#include <sqlite3.h>

/* Register quire_bm25() on db (per connection). */
quire_status fts_rank_register(sqlite3 *db);

#endif
