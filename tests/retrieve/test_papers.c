/* Real research papers (../shared/eval/papers): the whole folder ingests,
 * and known sentences are found at the right page. */
#include "quire/pipeline.h"
#include "quire/retrieve.h"
#include "../testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
    const char *query, *file;
    int page;
} known[] = {
    {"implement the proof-of-work by incrementing a nonce in the block", "digital_currency_bitcoin.pdf", 3},
    {"largest GFS clusters have over 1000 storage nodes over 300 TB of disk storage",
     "datastores_the-google-file-system.pdf", 2},
    {"Partition Hashing algorithm splits buckets evenly by the number of records",
     "data_structures_ideal-hash-trees.pdf", 2},
};

int main(void)
{
    const char *shared = test_shared_dir();
    char papers[600];
    snprintf(papers, sizeof papers, "%s/eval/papers", shared ? shared : "");
    struct stat st;
    if (!shared || stat(papers, &st) != 0) SKIP("../shared/eval/papers is absent");

    const char *dir = test_tmpdir("papers");
    char db[600];
    snprintf(db, sizeof db, "%s/nb.sqlite", dir);
    quire_index *idx;
    CHECK_EQ_INT(quire_index_open(db, QUIRE_INDEX_CREATE, &idx, NULL), QUIRE_OK);
    quire_add_summary sum;
    const char *paths[] = {papers};
    quire_error err;
    CHECK_EQ_INT(quire_add_paths(idx, paths, 1, NULL, &sum, &err), QUIRE_OK);
    CHECK(sum.counts[QUIRE_ADD_ADDED] >= 25);
    CHECK_EQ_INT(sum.counts[QUIRE_ADD_FAILED], 0);

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        quire_hit *h;
        size_t n;
        CHECK_EQ_INT(quire_retrieve(idx, known[i].query, NULL, &h, &n, NULL), QUIRE_OK);
        CHECK(n > 0);
        if (n) {
            const char *base = strrchr(h[0].doc_path, '/');
            CHECK_STR(base ? base + 1 : h[0].doc_path, known[i].file);
            CHECK_EQ_INT(h[0].page_start, known[i].page);
        }
        quire_hits_free(h, n);
    }
    quire_index_close(idx);
    return test_summary();
}
