/* nDCG, Recall, MRR against hand-computed values on a tiny qrels file, and
 * the qrels/queries parsers on good and hostile input. */
#include "quire/eval.h"
#include "testutil.h"

#include <math.h>

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

static const char qrels_tsv[] =
    "query-id\tcorpus-id\tscore\r\n"
    "q1\td1\t1\r\n"
    "q1\td2\t2\n"
    "q1\td3\t0\n"
    "\n"
    "q2\td9\t1\n"
    "q3\td5\t0\n"
    "q1\td4\t1\n"
    "q1\td4\t0\n";    /* the later line wins: d4 not relevant */

static void test_metrics(void)
{
    quire_qrels *qr = NULL;
    quire_error err;
    CHECK_EQ_INT(quire_qrels_parse(qrels_tsv, sizeof qrels_tsv - 1, &qr, &err), QUIRE_OK);
    if (!qr) return;
    CHECK_EQ_INT(qr->n, 3);
    const quire_qrel_query *q1 = quire_qrels_find(qr, "q1");
    const quire_qrel_query *q3 = quire_qrels_find(qr, "q3");
    CHECK(q1 && q1->n == 4 && q1->n_relevant == 2);
    CHECK(q3 && q3->n_relevant == 0);
    CHECK(quire_qrels_find(qr, "q4") == NULL);
    CHECK_EQ_INT(quire_qrels_rel(q1, "d2"), 2);
    CHECK_EQ_INT(quire_qrels_rel(q1, "d4"), 0);
    CHECK_EQ_INT(quire_qrels_rel(q1, "zz"), 0);
    if (!q1) return;

    /* d3 (0), d2 (2), x, d1 (1), d2 again (ignored) */
    const char *r[] = {"d3", "d2", "x", "d1", "d2"};
    double dcg10 = 2 / log2(3) + 1 / log2(5), idcg = 2 + 1 / log2(3);
    CHECK(NEAR(quire_metric_ndcg(q1, r, 5, 10), dcg10 / idcg));
    CHECK(NEAR(quire_metric_ndcg(q1, r, 5, 10), 0.643322));
    CHECK(NEAR(quire_metric_ndcg(q1, r, 5, 3), (2 / log2(3)) / idcg));
    CHECK(NEAR(quire_metric_ndcg(q1, r, 5, 1), 0));
    CHECK(NEAR(quire_metric_recall(q1, r, 5, 3), 0.5));
    CHECK(NEAR(quire_metric_recall(q1, r, 5, 10), 1.0));
    CHECK(NEAR(quire_metric_mrr(q1, r, 5, 10), 0.5));
    CHECK(NEAR(quire_metric_mrr(q1, r, 5, 1), 0));
    /* the ideal ranking scores 1; a duplicate does not take a rank */
    const char *ideal[] = {"d2", "d2", "d1"};
    CHECK(NEAR(quire_metric_ndcg(q1, ideal, 3, 10), 1.0));
    CHECK(NEAR(quire_metric_mrr(q1, ideal, 3, 10), 1.0));
    quire_eval_scores s;
    quire_eval_query(q1, r, 5, &s);
    CHECK(NEAR(s.ndcg10, 0.643322) && NEAR(s.recall10, 1) && NEAR(s.recall100, 1) && NEAR(s.mrr10, 0.5));
    quire_eval_query(q1, NULL, 0, &s);
    CHECK(NEAR(s.ndcg10, 0) && NEAR(s.recall100, 0));
    CHECK(NEAR(quire_metric_ndcg(q3, r, 5, 10), 0));
    quire_qrels_free(qr);
}

static void test_qrels_hostile(void)
{
    quire_qrels *qr = NULL;
    quire_error err;
    const char trec[] = "1 0 doc-a 1\n1 0 doc-b 0\n2 0 doc-c 3\n";
    CHECK_EQ_INT(quire_qrels_parse(trec, sizeof trec - 1, &qr, &err), QUIRE_OK);
    CHECK(qr && qr->n == 2 && quire_qrels_rel(quire_qrels_find(qr, "2"), "doc-c") == 3);
    quire_qrels_free(qr);

    const char two[] = "q1\td1\t1\nq1\td2\n";
    CHECK_EQ_INT(quire_qrels_parse(two, sizeof two - 1, &qr, &err), QUIRE_ERR_FORMAT);
    CHECK(qr == NULL && strstr(err.msg, "line 2") != NULL);
    const char notint[] = "q1\td1\t1\nq1\td2\thigh\n";
    CHECK_EQ_INT(quire_qrels_parse(notint, sizeof notint - 1, &qr, &err), QUIRE_ERR_FORMAT);
    const char emptyid[] = "q1\t\t1\n";
    CHECK_EQ_INT(quire_qrels_parse(emptyid, sizeof emptyid - 1, &qr, &err), QUIRE_ERR_FORMAT);
    size_t n = QUIRE_EVAL_LINE_MAX + 10;
    char *big = malloc(n);
    if (big) {
        memset(big, 'q', n);
        big[5] = '\t';
        big[10] = '\t';
        CHECK_EQ_INT(quire_qrels_parse(big, n, &qr, &err), QUIRE_ERR_FORMAT);
        free(big);
    }
    /* binary garbage with NULs: an error, not a crash */
    const char junk[] = "\0\xff\t\x01\tz\n\t\t\n";
    CHECK(quire_qrels_parse(junk, sizeof junk - 1, &qr, &err) != QUIRE_OK || qr != NULL);
    quire_qrels_free(qr);
    qr = NULL;
    CHECK_EQ_INT(quire_qrels_parse("", 0, &qr, NULL), QUIRE_OK);
    CHECK(qr && qr->n == 0);
    quire_qrels_free(qr);
}

static void test_queries(void)
{
    quire_queries *qs = NULL;
    quire_error err;
    const char ok[] =
        "{\"_id\": \"1\", \"text\": \"0-dimensional biomaterials show inductive properties.\", \"metadata\": {}}\n"
        "\n"
        "{\"_id\": 42, \"text\": \"Quelle est la capitale de la France ?\"}\r\n"
        "{\"id\": \"x\", \"text\": \"\"}";
    CHECK_EQ_INT(quire_queries_parse(ok, sizeof ok - 1, &qs, &err), QUIRE_OK);
    CHECK(qs && qs->n == 3);
    if (qs && qs->n == 3) {
        CHECK_STR(qs->q[0].id, "1");
        CHECK_STR(qs->q[1].id, "42");
        CHECK_STR(qs->q[1].text, "Quelle est la capitale de la France ?");
        CHECK_STR(qs->q[2].id, "x");
    }
    quire_queries_free(qs);
    qs = NULL;
    const char notext[] = "{\"_id\": \"1\"}\n";
    CHECK_EQ_INT(quire_queries_parse(notext, sizeof notext - 1, &qs, &err), QUIRE_ERR_FORMAT);
    const char badjson[] = "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"2\", \"text\": \n";
    CHECK_EQ_INT(quire_queries_parse(badjson, sizeof badjson - 1, &qs, &err), QUIRE_ERR_FORMAT);
    CHECK(strstr(err.msg, "line 2") != NULL);
    const char arr[] = "[1, 2]\n";
    CHECK_EQ_INT(quire_queries_parse(arr, sizeof arr - 1, &qs, &err), QUIRE_ERR_FORMAT);
    const char fracid[] = "{\"_id\": 1.5, \"text\": \"a\"}\n";
    CHECK_EQ_INT(quire_queries_parse(fracid, sizeof fracid - 1, &qs, &err), QUIRE_ERR_FORMAT);
    const char nul[] = "{\"_id\": \"1\", \"text\": \"a\0b\"}\n";
    CHECK(quire_queries_parse(nul, sizeof nul - 1, &qs, &err) == QUIRE_ERR_FORMAT);
    CHECK(qs == NULL);
}

int main(void)
{
    test_metrics();
    test_qrels_hostile();
    test_queries();
    return test_summary();
}
