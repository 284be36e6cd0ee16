/* Rank fusion (RRF and min-max) against hand-computed results, MMR
 * removing near-duplicates and honouring per-document caps. */
#include "quire/fusion.h"
#include "testutil.h"

#include <math.h>

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void test_rrf(void)
{
    const quire_ranked a[] = {{1, 12.0}, {2, 7.5}, {3, 1.0}};
    const quire_ranked b[] = {{3, 0.9}, {1, 0.8}, {4, 0.1}};
    quire_ranklist lists[2] = {{a, 3, 1.0}, {b, 3, 1.0}};
    quire_ranked *out = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_fusion_rrf(lists, 2, 60, &out, &n), QUIRE_OK);
    CHECK_EQ_INT(n, 4);
    if (n == 4) {
        /* 1: 1/61+1/62, 3: 1/63+1/61, 2: 1/62, 4: 1/63 */
        CHECK_EQ_INT(out[0].id, 1);
        CHECK(NEAR(out[0].score, 1.0 / 61 + 1.0 / 62));
        CHECK_EQ_INT(out[1].id, 3);
        CHECK(NEAR(out[1].score, 1.0 / 63 + 1.0 / 61));
        CHECK_EQ_INT(out[2].id, 2);
        CHECK(NEAR(out[2].score, 1.0 / 62));
        CHECK_EQ_INT(out[3].id, 4);
        CHECK(NEAR(out[3].score, 1.0 / 63));
    }
    free(out);

    /* weight 2 on the second list: 3 = 1/63 + 2/61 overtakes 1 = 1/61 + 2/62 */
    lists[1].weight = 2.0;
    CHECK_EQ_INT(quire_fusion_rrf(lists, 2, 0 /* default 60 */, &out, &n), QUIRE_OK);
    CHECK(n == 4 && out[0].id == 3 && out[1].id == 1);
    if (n == 4) CHECK(NEAR(out[0].score, 1.0 / 63 + 2.0 / 61));
    free(out);

    /* an id repeated in one list counts once, at its best rank */
    const quire_ranked c[] = {{7, 3}, {7, 2}, {8, 1}};
    quire_ranklist one = {c, 3, 1};
    CHECK_EQ_INT(quire_fusion_rrf(&one, 1, 60, &out, &n), QUIRE_OK);
    CHECK(n == 2 && out[0].id == 7 && NEAR(out[0].score, 1.0 / 61) && out[1].id == 8 && NEAR(out[1].score, 1.0 / 63));
    free(out);

    /* empty input; bad arguments */
    CHECK_EQ_INT(quire_fusion_rrf(NULL, 0, 60, &out, &n), QUIRE_OK);
    CHECK_EQ_INT(n, 0);
    free(out);
    quire_ranklist bad = {NULL, 3, 1};
    CHECK_EQ_INT(quire_fusion_rrf(&bad, 1, 60, &out, &n), QUIRE_ERR_INVALID);
    CHECK_EQ_INT(quire_fusion_rrf(lists, 2, 60, NULL, &n), QUIRE_ERR_INVALID);
}

static void test_norm(void)
{
    const quire_ranked a[] = {{1, 10}, {2, 5}, {3, 0}};
    const quire_ranked b[] = {{3, 3}, {1, 2}, {4, 1}};
    quire_ranklist lists[2] = {{a, 3, 0}, {b, 3, 0}};
    quire_ranked *out = NULL;
    size_t n = 0;
    CHECK_EQ_INT(quire_fusion_norm(lists, 2, &out, &n), QUIRE_OK);
    CHECK_EQ_INT(n, 4);
    if (n == 4) {
        /* 1: 1 + 0.5, 3: 0 + 1, 2: 0.5, 4: 0 */
        CHECK(out[0].id == 1 && NEAR(out[0].score, 1.5));
        CHECK(out[1].id == 3 && NEAR(out[1].score, 1.0));
        CHECK(out[2].id == 2 && NEAR(out[2].score, 0.5));
        CHECK(out[3].id == 4 && NEAR(out[3].score, 0.0));
    }
    free(out);
    /* all-equal scores normalise to 1; NaN scores count 0 */
    const quire_ranked e[] = {{5, 2}, {6, 2}, {9, NAN}};
    quire_ranklist le = {e, 3, 1};
    CHECK_EQ_INT(quire_fusion_norm(&le, 1, &out, &n), QUIRE_OK);
    CHECK(n == 3 && out[0].id == 5 && NEAR(out[0].score, 1) && out[1].id == 6 && out[2].id == 9 && NEAR(out[2].score, 0));
    free(out);
}

typedef struct passages {
    quire_termset set[8];
} passages;

static double jac(size_t a, size_t b, void *ctx)
{
    passages *p = ctx;
    return quire_termset_jaccard(&p->set[a], &p->set[b]);
}

static void test_mmr(void)
{
    const char *text[] = {
        "The cat sat on the mat in the sun.",
        "The cat sat on the mat, in the sun!",          /* near copy of 0 */
        "Dogs bark at the mailman every morning.",
        "A cat sat on a mat in sunlight.",
    };
    double rel[] = {10, 9.5, 8, 9};
    int64_t doc[] = {1, 2, 3, 1};
    passages p;
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(quire_termset_build(text[i], strlen(text[i]), &p.set[i]), QUIRE_OK);
    CHECK(NEAR(jac(0, 1, &p), 1.0));
    CHECK(NEAR(jac(0, 3, &p), 3.0 / 5.0));   /* {cat sat mat sun} vs {cat sat mat sunlight} */
    CHECK(NEAR(jac(0, 2, &p), 0.0));

    size_t idx[4], n = 0;
    /* plain top-k would give 0, 1, 3: MMR drops the copy and keeps order by value */
    quire_mmr_opts o = {0.7, 3, 0, 0.8};
    CHECK_EQ_INT(quire_mmr_select(rel, doc, 4, jac, &p, &o, idx, &n), QUIRE_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        CHECK_EQ_INT(idx[0], 0);
        CHECK_EQ_INT(idx[1], 3);   /* 0.7*0.5 - 0.3*0.6 = 0.17 > 0.7*0 - 0 */
        CHECK_EQ_INT(idx[2], 2);
    }
    /* lambda = 1 and no threshold: pure relevance order */
    quire_mmr_opts pure = {1.0, 4, 0, 2.0};
    CHECK_EQ_INT(quire_mmr_select(rel, doc, 4, jac, &p, &pure, idx, &n), QUIRE_OK);
    CHECK(n == 4 && idx[0] == 0 && idx[1] == 1 && idx[2] == 3 && idx[3] == 2);
    /* one passage per document: 3 shares document 1 with 0 */
    quire_mmr_opts cap = {0.7, 3, 1, 0.8};
    CHECK_EQ_INT(quire_mmr_select(rel, doc, 4, jac, &p, &cap, idx, &n), QUIRE_OK);
    CHECK(n == 2 && idx[0] == 0 && idx[1] == 2);
    /* per-document cap needs documents */
    CHECK_EQ_INT(quire_mmr_select(rel, NULL, 4, jac, &p, &cap, idx, &n), QUIRE_ERR_INVALID);
    for (int i = 0; i < 4; i++) quire_termset_free(&p.set[i]);

    quire_termset empty;
    CHECK_EQ_INT(quire_termset_build("the of und", 10, &empty), QUIRE_OK);
    CHECK_EQ_INT(empty.n, 0);
    CHECK(NEAR(quire_termset_jaccard(&empty, &empty), 0));
    quire_termset_free(&empty);
}

int main(void)
{
    test_rrf();
    test_norm();
    test_mmr();
    return test_summary();
}
