/* Error codes and messages (see include/quire/error.h). */
#include "quire/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *quire_strerror(quire_status code)
{
    switch (code) {
    case QUIRE_OK: return "success";
    case QUIRE_ERR_NOMEM: return "out of memory";
    case QUIRE_ERR_INVALID: return "invalid argument";
    case QUIRE_ERR_IO: return "input/output error";
    case QUIRE_ERR_FORMAT: return "malformed input";
    case QUIRE_ERR_TOO_BIG: return "input exceeds a size limit";
    case QUIRE_ERR_UNSUPPORTED: return "unsupported";
    case QUIRE_ERR_ENCRYPTED: return "document is encrypted";
    case QUIRE_ERR_NO_TEXT: return "no extractable text";
    case QUIRE_ERR_DB: return "database error";
    case QUIRE_ERR_SCHEMA: return "database schema error";
    case QUIRE_ERR_NOT_FOUND: return "not found";
    case QUIRE_ERR_TIMEOUT: return "time limit exceeded";
    case QUIRE_ERR_NETWORK: return "network error";
    case QUIRE_ERR_DUPLICATE: return "duplicate";
    case QUIRE_ERR_COUNT: break;
    }
    return "unknown error";
}

quire_status quire_error_set(quire_error *err, quire_status code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void quire_error_clear(quire_error *err)
{
    if (err) {
        err->code = QUIRE_OK;
        err->msg[0] = '\0';
    }
}

const char *quire_error_message(const quire_error *err)
{
    if (!err) return "";
    return err->msg[0] ? err->msg : quire_strerror(err->code);
}
