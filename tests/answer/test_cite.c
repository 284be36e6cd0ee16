/* Citation parsing and verification on hand-written (answer, passages) cases. */
#include "../testutil.h"
#include "quire/cite.h"

static const char *P_SPANNER =
    "Spanner is a scalable, multi-version, globally-distributed, and synchronously-replicated "
    "database. It is the first system to distribute data at global scale and support "
    "externally-consistent distributed transactions. The TrueTime API directly exposes clock "
    "uncertainty, and the guarantees on Spanner's timestamps depend on the bounds that the "
    "implementation provides.";
static const char *P_DYNAMO =
    "Dynamo uses consistent hashing to partition its key space across its replicas and to "
    "ensure uniform load distribution. Each data item is replicated at N hosts, where N is a "
    "parameter configured per-instance. In our production deployments, N is typically set to "
    "three, and the 99.9th percentile latency target is 300 ms.";
static const char *P_GFS =
    "A GFS cluster consists of a single master and multiple chunkservers and is accessed by "
    "multiple clients. Files are divided into fixed-size chunks. Each chunk is identified by an "
    "immutable and globally unique 64 bit chunk handle; the chunk size is 64 MB.";

static quire_cite_source SRC[3];

static void init_sources(void)
{
    const char *t[3] = {P_SPANNER, P_DYNAMO, P_GFS};
    const char *titles[3] = {"Spanner", "Dynamo", "The Google File System"};
    for (int i = 0; i < 3; i++) {
        SRC[i].title = titles[i];
        SRC[i].path = "paper.pdf";
        SRC[i].page = i + 1;
        SRC[i].text = t[i];
        SRC[i].len = strlen(t[i]);
    }
}

static void verify(const char *answer, bool strict, quire_verify_result *r)
{
    quire_verify_opts o;
    quire_verify_opts_default(&o);
    o.strict = strict;
    quire_error err;
    quire_status rc = quire_cite_verify(answer, strlen(answer), SRC, 3, &o, r, &err);
    CHECK_EQ_INT(rc, QUIRE_OK);
}

static void dump(const quire_verify_result *r)
{
    for (size_t i = 0; i < r->n_sent; i++)
        fprintf(stderr, "  [%zu] %-11s %.2f nums=%d \"%s\"\n", i,
                quire_support_name(r->sent[i].status), r->sent[i].support,
                r->sent[i].numbers_ok, r->sent[i].text);
}

static void test_split(void)
{
    struct {
        const char *text;
        int n;
        const char *first;
    } cases[] = {
        {"Use a hash, e.g. SHA-256, for keys [1]. The value is 3.5 ms [2]. Next one.", 3,
         "Use a hash, e.g. SHA-256, for keys [1]."},
        {"Fowler et al. showed it [1]. J. Smith agrees with Fig. 3 here.", 2,
         "Fowler et al. showed it [1]."},
        {"It ends here. [1] Then another one [2].", 2, "It ends here. [1]"},
        {"It ends here.[1][2] Then another one.", 2, "It ends here.[1][2]"},
        {"Two points:\n- first item [1]\n- second item [2]", 3, "Two points:"},
        {"Is it true? Yes [1]!", 2, "Is it true?"},
        {"A line that wraps\nin the middle stays one sentence.", 1,
         "A line that wraps\nin the middle stays one sentence."},
        {"Voir p. ex. le chapitre 2, c.-\xc3\xa0-d. la suite [1]. Fin.", 2,
         "Voir p. ex. le chapitre 2, c.-\xc3\xa0-d. la suite [1]."},
        {"1. Spanner uses TrueTime [1].\n2. Dynamo uses hashing [2].", 2,
         "1. Spanner uses TrueTime [1]."},
        {"He said \"stop.\" Then he left.", 2, "He said \"stop.\""},
        {"", 0, NULL},
        {"   \n\n  ", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        quire_span *sp = NULL;
        size_t n = 0;
        CHECK_EQ_INT(quire_cite_split(cases[i].text, strlen(cases[i].text), &sp, &n), QUIRE_OK);
        if ((int)n != cases[i].n) {
            fprintf(stderr, "split case %zu: %zu sentences, expected %d\n", i, n, cases[i].n);
            for (size_t k = 0; k < n; k++)
                fprintf(stderr, "   <%.*s>\n", (int)(sp[k].end - sp[k].start),
                        cases[i].text + sp[k].start);
        }
        CHECK_EQ_INT(n, cases[i].n);
        if (n && cases[i].first) {
            char buf[256];
            snprintf(buf, sizeof buf, "%.*s", (int)(sp[0].end - sp[0].start), cases[i].text + sp[0].start);
            CHECK_STR(buf, cases[i].first);
        }
        free(sp);
    }
}

static void test_markers(void)
{
    quire_verify_result r;
    verify("Spanner supports distributed transactions at global scale [1, 2]. "
           "Dynamo uses consistent hashing to partition the key space [2][3]. "
           "GFS has a single master [Source 3]. "
           "GFS divides files into fixed-size chunks [1-3]. "
           "An array [a] is not a citation [12345].",
           false, &r);
    CHECK_EQ_INT(r.n_sent, 5);
    if (r.n_sent == 5) {
        CHECK_EQ_INT(r.sent[0].n_cites, 2);
        CHECK_EQ_INT(r.sent[1].n_cites, 2);
        CHECK_EQ_INT(r.sent[1].cites[0], 2);
        CHECK_EQ_INT(r.sent[1].cites[1], 3);
        CHECK_EQ_INT(r.sent[2].n_cites, 1);
        CHECK_EQ_INT(r.sent[2].cites[0], 3);
        CHECK_EQ_INT(r.sent[3].n_cites, 3);
        CHECK_EQ_INT(r.sent[4].n_cites, 0);
        CHECK_STR(r.sent[4].plain, "An array [a] is not a citation [12345].");
        CHECK_STR(r.sent[0].plain, "Spanner supports distributed transactions at global scale.");
    }
    quire_verify_free(&r);
}

static void test_supported(void)
{
    quire_verify_result r;
    verify("Spanner is a globally-distributed database that supports externally-consistent "
           "distributed transactions [1]. Dynamo partitions its key space with consistent "
           "hashing [2]. In production, N is typically 3 [2]. GFS chunks are 64 MB [3]. "
           "Files in GFS are split into fixed-size chunks, and Dynamo replicates each item "
           "at N hosts [2][3].",
           false, &r);
    dump(&r);
    CHECK_EQ_INT(r.n_sent, 5);
    CHECK_EQ_INT(r.n_supported, 5);
    CHECK_EQ_INT(r.n_unsupported, 0);
    CHECK_EQ_INT(r.n_uncited, 0);
    CHECK(!r.refusal);
    for (size_t i = 0; i < r.n_sent; i++) {
        CHECK(r.sent[i].support >= 0.5);
        CHECK(r.sent[i].numbers_ok);
        CHECK(r.sent[i].kept);
    }
    /* the sentence drawing on two sources: each alone covers part of it */
    if (r.n_sent == 5) {
        CHECK(r.sent[4].cite_support[0] < r.sent[4].support);
        CHECK(r.sent[4].cite_support[1] < r.sent[4].support);
    }
    CHECK_STR(r.answer,
              "Spanner is a globally-distributed database that supports externally-consistent "
              "distributed transactions [1]. Dynamo partitions its key space with consistent "
              "hashing [2]. In production, N is typically 3 [2]. GFS chunks are 64 MB [3]. "
              "Files in GFS are split into fixed-size chunks, and Dynamo replicates each item "
              "at N hosts [2][3].");
    quire_verify_free(&r);
}

static void test_unsupported(void)
{
    quire_verify_result r;
    verify("Spanner keeps its archives on magnetic tape vaults in Antarctica [1]. "
           "Dynamo partitions its key space with consistent hashing [1].",  /* wrong source */
           false, &r);
    dump(&r);
    CHECK_EQ_INT(r.n_sent, 2);
    if (r.n_sent == 2) {
        CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_WEAK);
        CHECK_EQ_INT(r.sent[1].status, QUIRE_SUPPORT_WEAK);
        CHECK(r.sent[0].support < 0.5);
        CHECK(r.sent[0].kept);  /* flagged, not dropped, without strict */
    }
    CHECK_EQ_INT(r.n_unsupported, 2);
    quire_verify_free(&r);
}

static void test_numbers(void)
{
    quire_verify_result r;
    verify("In production, Dynamo replicates each data item at 5 hosts [2]. "
           "Dynamo replicates each data item at 3 hosts in production [2]. "
           "The GFS chunk size is 128 MB [3]. "
           "The GFS chunk size is 64 MB [3]. "
           "Dynamo's latency target is 300 ms at the 99.9th percentile [2]. "
           "Dynamo's latency target is 300 ms at the 99.5th percentile [2]. "
           "Dynamo's latency target is 3,000 ms [2].",
           false, &r);
    dump(&r);
    CHECK_EQ_INT(r.n_sent, 7);
    if (r.n_sent == 7) {
        int want[7] = {QUIRE_SUPPORT_WEAK, QUIRE_SUPPORT_OK, QUIRE_SUPPORT_WEAK, QUIRE_SUPPORT_OK,
                       QUIRE_SUPPORT_OK, QUIRE_SUPPORT_WEAK, QUIRE_SUPPORT_WEAK};
        for (int i = 0; i < 7; i++) {
            CHECK_EQ_INT(r.sent[i].status, want[i]);
            CHECK_EQ_INT(r.sent[i].numbers_ok, want[i] == QUIRE_SUPPORT_OK);
        }
        /* high word overlap does not rescue a wrong number */
        CHECK(r.sent[0].support < 0.5);
    }
    quire_verify_free(&r);
}

static void test_missing_source(void)
{
    quire_verify_result r;
    verify("A GFS cluster has a single master [3][7]. GFS chunks are 64 MB [9]. "
           "Spanner exposes clock uncertainty through TrueTime [0][1].",
           false, &r);
    dump(&r);
    CHECK_EQ_INT(r.n_sent, 3);
    CHECK_EQ_INT(r.n_bad_cites, 3);
    if (r.n_sent == 3) {
        CHECK_EQ_INT(r.sent[0].n_cites, 1);
        CHECK_EQ_INT(r.sent[0].cites[0], 3);
        CHECK_EQ_INT(r.sent[0].n_bad_cites, 1);
        CHECK_EQ_INT(r.sent[0].bad_cites[0], 7);
        CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_OK);
        CHECK_STR(r.sent[0].text, "A GFS cluster has a single master [3].");
        /* its only citation was invalid: now an uncited factual sentence */
        CHECK_EQ_INT(r.sent[1].n_cites, 0);
        CHECK_EQ_INT(r.sent[1].status, QUIRE_SUPPORT_UNCITED);
        CHECK_STR(r.sent[1].text, "GFS chunks are 64 MB.");
        CHECK_STR(r.sent[2].text, "Spanner exposes clock uncertainty through TrueTime [1].");
    }
    CHECK_STR(r.answer, "A GFS cluster has a single master [3]. GFS chunks are 64 MB. "
                        "Spanner exposes clock uncertainty through TrueTime [1].");
    quire_verify_free(&r);

    /* strict drops the now-uncited sentence */
    verify("A GFS cluster has a single master [3][7]. GFS chunks are 64 MB [9].", true, &r);
    CHECK_STR(r.answer, "A GFS cluster has a single master [3].");
    CHECK_EQ_INT(r.n_dropped, 1);
    quire_verify_free(&r);
}

static void test_uncited_and_strict(void)
{
    quire_verify_result r;
    verify("Here is what the sources say:\n\n"
           "- Dynamo partitions its key space with consistent hashing [2].\n"
           "- Spanner runs on quantum hardware in orbit [1].\n"
           "- GFS was written in 1998 by three engineers.\n\n"
           "Does that help?",
           true, &r);
    dump(&r);
    CHECK_EQ_INT(r.n_sent, 5);
    if (r.n_sent == 5) {
        CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_NONE_NEEDED);
        CHECK_EQ_INT(r.sent[1].status, QUIRE_SUPPORT_OK);
        CHECK_EQ_INT(r.sent[2].status, QUIRE_SUPPORT_WEAK);
        CHECK_EQ_INT(r.sent[3].status, QUIRE_SUPPORT_UNCITED);
        CHECK(r.sent[3].factual);
        CHECK_EQ_INT(r.sent[4].status, QUIRE_SUPPORT_NONE_NEEDED);
        CHECK(!r.sent[4].factual);  /* a question */
        CHECK(!r.sent[2].kept && !r.sent[3].kept && r.sent[1].kept);
    }
    CHECK_EQ_INT(r.n_dropped, 2);
    CHECK_STR(r.answer, "Here is what the sources say:\n\n"
                        "- Dynamo partitions its key space with consistent hashing [2].\n\n"
                        "Does that help?");
    quire_verify_free(&r);
}

static void test_refusal(void)
{
    quire_verify_result r;
    verify("The sources do not contain the answer.", false, &r);
    CHECK(r.refusal);
    CHECK_EQ_INT(r.n_uncited, 0);
    quire_verify_free(&r);
    verify("Les sources ne contiennent pas la r\xc3\xa9ponse.", true, &r);
    CHECK(r.refusal);
    CHECK_STR(r.answer, "Les sources ne contiennent pas la r\xc3\xa9ponse.");
    CHECK_STR(r.language, "fr");
    quire_verify_free(&r);
    verify("The sources do not say when GFS was built, but a GFS cluster has a single "
           "master [3].",
           false, &r);
    CHECK(!r.refusal);
    quire_verify_free(&r);
    CHECK(quire_cite_is_refusal(quire_cite_refusal_sentence("fr"),
                                strlen(quire_cite_refusal_sentence("fr"))));
    CHECK(quire_cite_is_refusal("I don\xe2\x80\x99t know.", 14));
    CHECK(!quire_cite_is_refusal("Spanner uses TrueTime.", 22));
}

/* A stand-in embedder: similar when the sentence mentions TrueTime and the passage does. */
static double fake_sim(void *user, const char *s, size_t sl, const char *p, size_t pl)
{
    int *calls = user;
    (*calls)++;
    (void)sl;
    (void)pl;
    bool a = strstr(s, "horloge") != NULL, b = strstr(p, "TrueTime") != NULL;
    return a && b ? 0.9 : 0.1;
}

static void test_french_over_english(void)
{
    /* Lexically, only numbers, names and cognates can match across languages
     * ("distribuées"/"distributed", "transactions", "Dynamo", "3"). */
    quire_verify_result r;
    verify("Spanner est une base de donn\xc3\xa9" "es distribu\xc3\xa9" "e qui prend en charge des "
           "transactions distribu\xc3\xa9" "es coh\xc3\xa9rentes \xc3\xa0 l'\xc3\xa9" "chelle globale [1]. "
           "En production, Dynamo r\xc3\xa9plique chaque donn\xc3\xa9" "e sur 3 h\xc3\xb4tes [2]. "
           "En production, Dynamo r\xc3\xa9plique chaque donn\xc3\xa9" "e sur 7 h\xc3\xb4tes [2]. "
           "Spanner fonctionne uniquement sur des ordinateurs portables [1].",
           false, &r);
    dump(&r);
    CHECK_STR(r.language, "fr");
    CHECK_EQ_INT(r.n_sent, 4);
    if (r.n_sent == 4) {
        CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_OK);
        CHECK_EQ_INT(r.sent[1].status, QUIRE_SUPPORT_OK);
        CHECK_EQ_INT(r.sent[2].status, QUIRE_SUPPORT_WEAK);  /* 7 is not in the source */
        CHECK(!r.sent[2].numbers_ok);
        CHECK_EQ_INT(r.sent[3].status, QUIRE_SUPPORT_WEAK);  /* nothing in common but the name */
    }
    quire_verify_free(&r);

    /* With an embedder, a paraphrase with no lexical overlap can be supported. */
    const char *ans = "Les bornes d'incertitude de l'horloge sont expos\xc3\xa9" "es [1].";
    quire_verify_opts o;
    quire_verify_opts_default(&o);
    int calls = 0;
    quire_error err;
    CHECK_EQ_INT(quire_cite_verify(ans, strlen(ans), SRC, 3, &o, &r, &err), QUIRE_OK);
    CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_WEAK);
    quire_verify_free(&r);
    o.similarity = fake_sim;
    o.similarity_user = &calls;
    CHECK_EQ_INT(quire_cite_verify(ans, strlen(ans), SRC, 3, &o, &r, &err), QUIRE_OK);
    CHECK_EQ_INT(r.sent[0].status, QUIRE_SUPPORT_OK);
    CHECK(r.sent[0].support >= 0.9 - 1e-9);
    CHECK_EQ_INT(calls, 1);
    quire_verify_free(&r);
}

static void test_overlap_rules(void)
{
    /* plurals, accents, ligatures and case fold together */
    CHECK(quire_cite_overlap("Replicas are consistent.", 24, "the replica is CONSISTENT", 25) > 0.99);
    CHECK(quire_cite_overlap("r\xc3\xa9sum\xc3\xa9 caf\xc3\xa9", 14, "resume cafe", 11) > 0.99);
    CHECK(quire_cite_overlap("an efficient filter", 19, "an e\xef\xac\x83" "cient filter", 20) > 0.99);
    /* numbers: "1,000" = "1 000" = "1000"; "3,5" (French) = "3.5" */
    CHECK(quire_cite_overlap("It holds 1,000 keys.", 20, "it holds 1000 keys", 18) > 0.99);
    CHECK(quire_cite_overlap("Il contient 1 000 cl\xc3\xa9s.", 24, "holds 1000 keys", 15) < 0.99);
    CHECK(quire_cite_overlap("latence de 3,5 ms", 17, "latency of 3.50 ms", 18) >= 0.3);
    CHECK(quire_cite_overlap("It holds 1,000 keys.", 20, "it holds 100 keys", 17) < 0.5);
    /* unrelated words with a common start do not match */
    CHECK(quire_cite_overlap("transaction consensus", 21, "transport consistent", 20) < 0.01);
    /* invalid UTF-8 is tolerated */
    CHECK(quire_cite_overlap("caf\xe9 \xff\xfe", 7, "cafe", 4) >= 0);
}

int main(void)
{
    init_sources();
    test_split();
    test_markers();
    test_supported();
    test_unsupported();
    test_numbers();
    test_missing_source();
    test_uncited_and_strict();
    test_refusal();
    test_french_over_english();
    test_overlap_rules();
    return test_summary();
}
