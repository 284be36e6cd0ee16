/* Incremental server-sent events parser (format in sse.h). */
#include "llm/sse.h"

#include <string.h>

void sse_init(sse_parser *p, size_t max_event, sse_event_fn fn, void *user)
{
    memset(p, 0, sizeof *p);
    buf_init(&p->line, max_event);
    buf_init(&p->data, max_event);
    buf_init(&p->event, 256);
    p->on_event = fn;
    p->user = user;
}

void sse_free(sse_parser *p)
{
    buf_free(&p->line);
    buf_free(&p->data);
    buf_free(&p->event);
}

bool sse_pending(const sse_parser *p)
{
    return p->line.len > 0 || p->have_data;
}

static quire_status dispatch(sse_parser *p)
{
    quire_status rc = QUIRE_OK;
    if (p->have_data) {
        size_t n = p->data.len;
        if (n && p->data.data[n - 1] == '\n') n--;  /* the last data line's newline */
        if (p->data.data) p->data.data[n] = '\0';
        p->events++;
        rc = p->on_event(p->user, p->event.data ? p->event.data : "",
                         p->data.data ? p->data.data : "", n);
    }
    buf_reset(&p->data);
    buf_reset(&p->event);
    p->have_data = false;
    return rc;
}

static quire_status process_line(sse_parser *p, const char *s, size_t n)
{
    if (n == 0) return dispatch(p);
    if (s[0] == ':') return QUIRE_OK;  /* comment */
    const char *colon = memchr(s, ':', n);
    size_t flen = colon ? (size_t)(colon - s) : n;
    const char *v = colon ? colon + 1 : s + n;
    size_t vlen = (size_t)(s + n - v);
    if (vlen && v[0] == ' ') {
        v++;
        vlen--;
    }
    if (flen == 4 && !memcmp(s, "data", 4)) {
        p->have_data = true;
        quire_status rc = buf_append(&p->data, v, vlen);
        if (rc == QUIRE_OK) rc = buf_append_char(&p->data, '\n');
        return rc;
    }
    if (flen == 5 && !memcmp(s, "event", 5)) {
        buf_reset(&p->event);
        return buf_append(&p->event, v, vlen);
    }
    return QUIRE_OK;  /* id, retry, unknown fields */
}

quire_status sse_feed(sse_parser *p, const char *bytes, size_t len)
{
    size_t i = 0;
    if (!p->started) {
        /* Skip a BOM, which may itself arrive split: only decide once we have 3 bytes. */
        static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
        while (i < len && p->line.len < 3) {
            if (bytes[i] != bom[p->line.len]) break;
            if (buf_append_char(&p->line, bytes[i]) != QUIRE_OK) return QUIRE_ERR_NOMEM;
            i++;
        }
        if (p->line.len == 3) {
            buf_reset(&p->line);
            p->started = true;
        } else if (i < len) {
            p->started = true;  /* not a BOM: keep what was taken as line content */
        } else {
            return QUIRE_OK;
        }
    }
    while (i < len) {
        char c = bytes[i];
        if (p->skip_lf) {
            p->skip_lf = false;
            if (c == '\n') {
                i++;
                continue;
            }
        }
        if (c == '\r' || c == '\n') {
            p->skip_lf = (c == '\r');
            quire_status rc = process_line(p, p->line.data ? p->line.data : "", p->line.len);
            buf_reset(&p->line);
            if (rc != QUIRE_OK) return rc;
            i++;
            continue;
        }
        /* Append the run up to the next line end in one go. */
        size_t j = i;
        while (j < len && bytes[j] != '\r' && bytes[j] != '\n') j++;
        quire_status rc = buf_append(&p->line, bytes + i, j - i);
        if (rc != QUIRE_OK) return rc;
        i = j;
    }
    return QUIRE_OK;
}
