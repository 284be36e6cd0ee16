#include "util/buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static size_t buf_cap(const buf *b)
{
    return b->cap ? b->cap : SIZE_MAX / 2;
}

static quire_status buf_reserve(buf *b, size_t extra)
{
    if (extra > buf_cap(b) || b->len > buf_cap(b) - extra) return QUIRE_ERR_TOO_BIG;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc) return QUIRE_OK;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need) n = n > SIZE_MAX / 2 ? need : n * 2;
    char *p = realloc(b->data, n);
    if (!p) return QUIRE_ERR_NOMEM;
    b->data = p;
    b->alloc = n;
    return QUIRE_OK;
}

quire_status buf_append(buf *b, const void *data, size_t len)
{
    quire_status rc = buf_reserve(b, len);
    if (rc) return rc;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return QUIRE_OK;
}

quire_status buf_append_str(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

quire_status buf_append_char(buf *b, char c)
{
    return buf_append(b, &c, 1);
}

quire_status buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return QUIRE_ERR_INVALID;
    quire_status rc = buf_reserve(b, (size_t)n);
    if (rc) return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return QUIRE_OK;
}

char *buf_steal(buf *b)
{
    char *p = b->data;
    if (!p) p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    return p;
}

quire_status buf_append_collapsed(buf *b, const char *s)
{
    bool space = false;
    quire_status rc = QUIRE_OK;
    for (const char *p = s; *p && !rc; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = b->len > 0;
            continue;
        }
        if (space) rc = buf_append_char(b, ' ');
        space = false;
        if (!rc) rc = buf_append_char(b, *p);
    }
    return rc;
}
