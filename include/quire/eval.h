/* quire — retrieval evaluation in BEIR/TREC conventions.
 *
 * Inputs:
 *   qrels TSV     one judgment per line: query-id <TAB> corpus-id <TAB> score,
 *                 an optional header line `query-id corpus-id score`; TREC
 *                 4-column lines (qid iter docid rel, blank-separated) too.
 *                 Lines are at most QUIRE_EVAL_LINE_MAX bytes.
 *   queries JSONL one object per line with "_id" (string or integer) and
 *                 "text" (string); other keys are ignored; blank lines skipped.
 *                 Lines are at most QUIRE_EVAL_JSON_LINE_MAX bytes.
 * Metrics (pytrec_eval / BEIR definitions), for one query's ranking given
 * best first, ids compared as strings, repeated ids counted once:
 *   nDCG@k   DCG = sum_{i<=k} rel_i / log2(i+1), divided by the DCG of the
 *            ideal ordering of the query's judged relevances (gain = rel).
 *   Recall@k |{relevant in top k}| / |{relevant}|  (relevant: score > 0)
 *   MRR@k    1 / rank of the first relevant in the top k, else 0
 * Queries with no relevant judgment are not evaluated (BEIR).
 */
#ifndef QUIRE_EVAL_H
#define QUIRE_EVAL_H

#include "quire/error.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUIRE_EVAL_LINE_MAX 4096
#define QUIRE_EVAL_JSON_LINE_MAX (1u << 20)
#define QUIRE_EVAL_MAX_RECORDS 10000000u

typedef struct quire_judgment {
    char *doc_id;   /* owned by the quire_qrels */
    int rel;
} quire_judgment;

typedef struct quire_qrel_query {
    char *query_id;          /* owned by the quire_qrels */
    quire_judgment *j;       /* sorted by doc_id */
    size_t n;
    size_t n_relevant;       /* judgments with rel > 0 */
} quire_qrel_query;

typedef struct quire_qrels {
    quire_qrel_query *q;     /* sorted by query_id */
    size_t n;
} quire_qrels;

typedef struct quire_query {
    char *id;
    char *text;
} quire_query;

typedef struct quire_queries {
    quire_query *q;          /* in file order */
    size_t n;
} quire_queries;

/* Parse qrels from buf[0..len). On success *out (free with
 * quire_qrels_free()) holds the judgments grouped by query; a repeated
 * (query, doc) pair keeps its last score. Errors: QUIRE_ERR_FORMAT (with the
 * line number in err), QUIRE_ERR_TOO_BIG, QUIRE_ERR_NOMEM. */
quire_status quire_qrels_parse(const char *buf, size_t len, quire_qrels **out, quire_error *err);
void quire_qrels_free(quire_qrels *q);
/* The judgments of query_id, or NULL. Borrowed from qrels. */
const quire_qrel_query *quire_qrels_find(const quire_qrels *qrels, const char *query_id);
/* Relevance of doc_id for qq (0 when unjudged). */
int quire_qrels_rel(const quire_qrel_query *qq, const char *doc_id);

/* Parse queries JSONL from buf[0..len); same conventions. */
quire_status quire_queries_parse(const char *buf, size_t len, quire_queries **out, quire_error *err);
void quire_queries_free(quire_queries *q);

/* Metrics of one ranking (ranked[0..n), best first) against qq. */
double quire_metric_ndcg(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k);
double quire_metric_recall(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k);
double quire_metric_mrr(const quire_qrel_query *qq, const char *const *ranked, size_t n, size_t k);

/* The four figures `quire eval retrieval` prints. */
typedef struct quire_eval_scores {
    double ndcg10, recall10, recall100, mrr10;
} quire_eval_scores;

void quire_eval_query(const quire_qrel_query *qq, const char *const *ranked, size_t n,
                      quire_eval_scores *out);

#ifdef __cplusplus
}
#endif
#endif
