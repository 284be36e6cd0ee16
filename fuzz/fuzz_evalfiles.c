/* Fuzz target: BEIR qrels TSV and queries JSONL parsers (include/quire/eval.h).
 * The first byte picks the parser; the rest is the file. */
#include "quire/eval.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    quire_error err;
    if (data[0] & 1) {
        quire_queries *q = NULL;
        if (quire_queries_parse(buf, len, &q, &err) == QUIRE_OK) quire_queries_free(q);
    } else {
        quire_qrels *q = NULL;
        if (quire_qrels_parse(buf, len, &q, &err) == QUIRE_OK) {
            /* exercise lookups and metrics on whatever was parsed */
            for (size_t i = 0; i < q->n; i++) {
                const char *ranked[2] = {q->q[i].n ? q->q[i].j[0].doc_id : "x", "y"};
                quire_eval_scores s;
                quire_eval_query(quire_qrels_find(q, q->q[i].query_id), ranked, 2, &s);
            }
            quire_qrels_free(q);
        }
    }
    return 0;
}
