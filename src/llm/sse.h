/* Server-sent events (text/event-stream) parser, incremental.
 *
 * The format (WHATWG HTML "server-sent events"): UTF-8 lines ended by CRLF,
 * LF or CR; `field: value` lines (one optional space after the colon);
 * lines starting with ':' are comments; a blank line dispatches the event.
 * Several `data:` lines join with '\n'. Fields other than `data` and `event`
 * are ignored. A UTF-8 BOM at the start is skipped. An event left open when
 * the stream ends is discarded (as the spec says).
 *
 * Bytes may arrive split anywhere (inside a line, between CR and LF).
 * Each line and each event is capped: over the cap is QUIRE_ERR_TOO_BIG.
 */
#ifndef QUIRE_LLM_SSE_H
#define QUIRE_LLM_SSE_H

#include "quire/error.h"
#include "util/buf.h"
#include <stdbool.h>
#include <stddef.h>

/* Called per dispatched event with data (NUL-terminated, len bytes) and the
 * event type ("" when none). A non-OK return stops parsing and is returned
 * by sse_feed(). */
typedef quire_status (*sse_event_fn)(void *user, const char *event, const char *data, size_t len);

typedef struct sse_parser {
    buf line;        /* current, unfinished line */
    buf data;        /* data of the current event */
    buf event;       /* event type of the current event */
    bool have_data;  /* a data field was seen in the current event */
    bool skip_lf;    /* last byte was CR: a following LF belongs to it */
    bool started;    /* past the optional BOM */
    size_t events;   /* events dispatched so far */
    sse_event_fn on_event;
    void *user;
} sse_parser;

/* max_event caps one line and one event's data (bytes). */
void sse_init(sse_parser *p, size_t max_event, sse_event_fn fn, void *user);
/* Feed len bytes. Returns QUIRE_OK, QUIRE_ERR_TOO_BIG, or the callback's status. */
quire_status sse_feed(sse_parser *p, const char *bytes, size_t len);
/* True when the stream ended in the middle of an event or line. */
bool sse_pending(const sse_parser *p);
void sse_free(sse_parser *p);

#endif
