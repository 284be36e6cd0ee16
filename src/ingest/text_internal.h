/* Text decoding shared by the plain-text and Markdown extractors.
 * Module-internal: not part of the public API. */
#ifndef QUIRE_INGEST_TEXT_INTERNAL_H
#define QUIRE_INGEST_TEXT_INTERNAL_H

#include "quire/error.h"
#include "util/buf.h"
#include <stddef.h>

/* Append data[0..len) to out as UTF-8: BOM (UTF-8, UTF-16LE/BE) first, then
 * UTF-16 without a BOM (NUL pattern), then UTF-8 when valid, else
 * Latin-1/Windows-1252. NULs become spaces. */
quire_status ingest_decode_text(const void *data, size_t len, buf *out);

#endif
