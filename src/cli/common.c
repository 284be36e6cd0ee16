#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOTEBOOK_DIR ".quire"
#define NOTEBOOK_FILE "index.sqlite"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("quire: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

bool cli_parse_int(const char *opt, const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        cli_error("%s: expected a number from %d to %d, got '%s'", opt, min, max, s);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Find .quire/ in cwd or a parent. Returns true and fills out when found. */
static bool discover(char *out, size_t size)
{
    char dir[PATH_MAX];
    if (!getcwd(dir, sizeof dir)) return false;
    for (;;) {
        char cand[PATH_MAX + 32];
        snprintf(cand, sizeof cand, "%s/%s", strcmp(dir, "/") ? dir : "", NOTEBOOK_DIR);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
            if ((size_t)snprintf(out, size, "%s/%s", cand, NOTEBOOK_FILE) >= size) return false;
            return true;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || !strcmp(dir, "/")) return false;
        if (slash == dir) slash[1] = '\0';
        else *slash = '\0';
    }
}

quire_index *cli_open_index(cli_ctx *ctx, bool create)
{
    char found[PATH_MAX + 64];
    const char *path = ctx->db_path;
    if (!path) {
        const char *env = getenv("QUIRE_DB");
        if (env && *env) path = env;
    }
    if (!path) {
        if (discover(found, sizeof found)) {
            path = found;
        } else if (create) {
            if (mkdir(NOTEBOOK_DIR, 0755) != 0 && errno != EEXIST) {
                cli_error("cannot create %s/: %s", NOTEBOOK_DIR, strerror(errno));
                return NULL;
            }
            snprintf(found, sizeof found, "%s/%s", NOTEBOOK_DIR, NOTEBOOK_FILE);
            path = found;
        } else {
            cli_error("no notebook here: run `quire add PATH` first, or pass --db FILE (or set QUIRE_DB)");
            return NULL;
        }
    }
    if (!create && access(path, F_OK) != 0) {
        cli_error("notebook %s does not exist: run `quire add PATH` first", path);
        return NULL;
    }
    quire_index *idx;
    quire_error err;
    quire_error_clear(&err);
    if (quire_index_open(path, create ? QUIRE_INDEX_CREATE : 0, &idx, &err)) {
        cli_error("%s", quire_error_message(&err));
        return NULL;
    }
    return idx;
}

const char *cli_display_path(const char *path, char *tmp, size_t size)
{
    char cwd[PATH_MAX];
    if (!path) return "";
    if (!getcwd(cwd, sizeof cwd)) return path;
    size_t n = strlen(cwd);
    if (!strncmp(path, cwd, n) && path[n] == '/') {
        snprintf(tmp, size, "%s", path + n + 1);
        return tmp;
    }
    return path;
}

bool cli_page_string(const quire_hit *h, char *out, size_t size)
{
    if (h->page_start <= 0) return false;
    char num[32];
    snprintf(num, sizeof num, "%d", h->page_start);
    /* EPUB chapters are pages labelled with their file inside the book. */
    bool chapter = h->page_label && strchr(h->page_label, '/') &&
                   (strstr(h->page_label, ".xhtml") || strstr(h->page_label, ".htm"));
    if (chapter)
        snprintf(out, size, "chapter %d (%s)", h->page_start, h->page_label);
    else if (h->page_label && *h->page_label && strcmp(h->page_label, num) != 0)
        snprintf(out, size, "p. %d (printed %s)", h->page_start, h->page_label);
    else
        snprintf(out, size, "p. %d", h->page_start);
    return true;
}

const char *cli_doc_label(const quire_hit *h, char *tmp, size_t size)
{
    const char *path = h->doc_path ? h->doc_path : h->doc_key;
    if (h->doc_key && h->doc_path && strcmp(h->doc_key, h->doc_path) != 0) {
        char shown[4096];
        snprintf(tmp, size, "%s (record in %s)", h->doc_key, cli_display_path(path, shown, sizeof shown));
        return tmp;
    }
    return cli_display_path(path, tmp, size);
}
