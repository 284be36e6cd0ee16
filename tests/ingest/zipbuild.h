/* Build zip files in memory with libarchive's writer, for the office tests
 * and the fuzz seed generator. Test-only. */
#ifndef QUIRE_TEST_ZIPBUILD_H
#define QUIRE_TEST_ZIPBUILD_H

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

typedef struct zentry {
    const char *name;
    const char *data; /* NULL with len > 0: len zero bytes */
    size_t len;
    int store;        /* 1: no compression (EPUB's mimetype) */
} zentry;

/* A new malloc'd zip holding the entries; *len is its size. NULL on failure. */
static inline char *zip_build(const zentry *e, size_t n, size_t *len)
{
    size_t cap = 1 << 20;
    for (size_t i = 0; i < n; i++) cap += e[i].len / 64 + 1024; /* zeros deflate ~1000:1 */
    char *out = malloc(cap);
    struct archive *a = archive_write_new();
    if (!out || !a) goto fail;
    if (archive_write_set_format_zip(a) != ARCHIVE_OK) goto fail;
    size_t used = 0;
    archive_write_set_bytes_in_last_block(a, 1);
    if (archive_write_open_memory(a, out, cap, &used) != ARCHIVE_OK) goto fail;
    static char zeros[65536];
    for (size_t i = 0; i < n; i++) {
        if (e[i].store) archive_write_zip_set_compression_store(a);
        else archive_write_zip_set_compression_deflate(a);
        struct archive_entry *en = archive_entry_new();
        archive_entry_set_pathname(en, e[i].name);
        archive_entry_set_filetype(en, AE_IFREG);
        archive_entry_set_perm(en, 0644);
        archive_entry_set_size(en, (la_int64_t)e[i].len);
        if (archive_write_header(a, en) != ARCHIVE_OK) {
            archive_entry_free(en);
            goto fail;
        }
        if (e[i].data) {
            if (archive_write_data(a, e[i].data, e[i].len) < 0) goto fail_entry;
        } else {
            for (size_t done = 0; done < e[i].len;) {
                size_t k = e[i].len - done < sizeof zeros ? e[i].len - done : sizeof zeros;
                if (archive_write_data(a, zeros, k) < 0) goto fail_entry;
                done += k;
            }
        }
        archive_entry_free(en);
        continue;
    fail_entry:
        archive_entry_free(en);
        goto fail;
    }
    if (archive_write_close(a) != ARCHIVE_OK) goto fail;
    archive_write_free(a);
    *len = used;
    return out;
fail:
    if (a) archive_write_free(a);
    free(out);
    return NULL;
}

/* Entry shorthand for a NUL-terminated string. */
#define ZS(name, str) {(name), (str), strlen(str), 0}

#endif
