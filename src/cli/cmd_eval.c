/* quire eval answers --questions FILE.jsonl — answer quality on your own notebook.
 *
 * Question file: one JSON object per line (blank lines and lines starting
 * with '#' are skipped):
 *   {"id": "q1", "question": "...",
 *    "answer": "short expected answer" | null,   null: the documents do not answer
 *    "doc": "expected document key or file name", (optional)
 *    "pages": [1-based pages] }                   (optional)
 * A question is answerable unless "answer" is present and null.
 *
 * Measures (each over the questions where it applies):
 *   retrieval doc_hit@1/5/10   the expected document among the first k passages
 *   retrieval page_hit@1/5/10  a passage of the expected document on an expected page
 *   answer containment         the expected answer (folded) occurs in the answer text
 *   cited_right_doc            an answerable question was answered and cites the expected document
 *   citation_precision         cited sources that come from the expected document
 *   refusal precision/recall   refusals vs the null-answer questions; false_refusal_rate
 *                              is the share of answerable questions refused
 */
#include "cli.h"
#include "cli_llm.h"

#include "quire/answer.h"
#include "quire/generate.h"
#include "quire/retrieve.h"
#include "util/fileio.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUESTIONS_BYTES (64u << 20)
#define MAX_PAGES 64

typedef struct counter {
    int hit, total;
} counter;

static double ratio(counter c)
{
    return c.total ? (double)c.hit / c.total : 0;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : (p ? p : "");
}

/* Does hit h belong to the expected document `doc` (key, path, file name,
 * or file name without extension)? */
static bool doc_matches(const quire_hit *h, const char *doc)
{
    if (!doc || !*doc) return false;
    if (h->doc_key && !strcmp(h->doc_key, doc)) return true;
    if (h->doc_path && !strcmp(h->doc_path, doc)) return true;
    const char *b = base_name(h->doc_path ? h->doc_path : h->doc_key);
    if (!strcmp(b, doc) || !strcmp(b, base_name(doc))) return true;
    size_t dl = strlen(doc);
    return !strncmp(b, doc, dl) && b[dl] == '.';
}

static bool page_matches(const quire_hit *h, const int *pages, int npages)
{
    for (int i = 0; i < npages; i++)
        if (h->page_start > 0 && pages[i] >= h->page_start &&
            pages[i] <= (h->page_end > h->page_start ? h->page_end : h->page_start))
            return true;
    return false;
}

/* Lower case, accents dropped, whitespace runs as one space. */
static char *fold_text(const char *s)
{
    char *f = quire_fold_word(s, strlen(s));
    if (!f) return NULL;
    size_t j = 0;
    bool sp = false;
    for (size_t i = 0; f[i]; i++) {
        char c = f[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            sp = j > 0;
            continue;
        }
        if (sp) f[j++] = ' ';
        sp = false;
        f[j++] = c;
    }
    f[j] = '\0';
    return f;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: quire eval answers --questions FILE.jsonl [-k N] [--json] [-v] [--strict]\n"
            "                          [--llm-url URL --llm-model NAME]\n"
            "\n"
            "Ask every question of FILE (one JSON object per line: id, question, and optionally\n"
            "answer (null when the documents do not answer), doc, pages) and report retrieval hit\n"
            "rates at 1/5/10, answer containment, citation correctness and refusal precision and\n"
            "recall. The backend is the one `quire ask` would use.\n"
            "  -k N       passages given to the answer (default 8; retrieval is scored at 10)\n"
            "  --json     one JSON document on stdout\n"
            "  -v         list the questions that missed\n"
            "  --min-relevance X  refusal gate: share of question words the best passages must\n"
            "             contain (default 0.45 extractive, 0.3 with a model)\n"
            "  --min-coverage X   extractive: share of the question the best sentence must\n"
            "             contain, with its passage's title and section (default 0.5)\n"
            CLI_LLM_HELP);
}

typedef struct totals {
    counter doc_at[3], page_at[3];  /* @1, @5, @10 */
    counter contain, cited_doc, cite_prec;
    int tp, fp, fn, answerable, unanswerable, questions;
} totals;

static int run_answers(cli_ctx *ctx, int argc, char **argv)
{
    enum { OPT_JSON = 'J', OPT_Q = 'Q', OPT_STRICT = 'S', OPT_REL = 'R', OPT_COV = 'C' };
    static const struct option longopts[] = {
        {"questions", required_argument, NULL, OPT_Q}, {"json", no_argument, NULL, OPT_JSON},
        {"strict", no_argument, NULL, OPT_STRICT},     {"verbose", no_argument, NULL, 'v'},
        {"min-relevance", required_argument, NULL, OPT_REL},
        {"min-coverage", required_argument, NULL, OPT_COV},
        {"help", no_argument, NULL, 'h'},              CLI_LLM_LONGOPTS,
        {NULL, 0, NULL, 0}};
    const char *qfile = NULL;
    bool json = false, verbose = false, strict = false;
    int k = 8;
    double min_relevance = -1, min_coverage = -1;
    cli_llm_flags lf = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:vh", longopts, NULL)) != -1) {
        if (cli_llm_option(&lf, c, optarg)) continue;
        switch (c) {
        case OPT_Q: qfile = optarg; break;
        case OPT_JSON: json = true; break;
        case OPT_STRICT: strict = true; break;
        case OPT_REL:
        case OPT_COV: {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || *end || v < 0 || v > 2) {
                cli_error("--min-relevance/--min-coverage: expected a number from 0 to 2");
                return EXIT_USAGE;
            }
            *(c == OPT_REL ? &min_relevance : &min_coverage) = v;
            break;
        }
        case 'v': verbose = true; break;
        case 'k': if (!cli_parse_int("-k", optarg, 1, 100, &k)) return EXIT_USAGE; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!qfile || optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *data = NULL;
    size_t len = 0;
    quire_error err;
    quire_error_clear(&err);
    if (file_read_all(qfile, MAX_QUESTIONS_BYTES, &data, &len, &err)) {
        cli_error("%s", quire_error_message(&err));
        return EXIT_ERROR;
    }
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) {
        free(data);
        return EXIT_ERROR;
    }
    quire_llm *llm = NULL;
    int status = cli_llm_open(&lf, idx, &llm);
    if (status != EXIT_OK) {
        quire_index_close(idx);
        free(data);
        return status;
    }

    totals t;
    memset(&t, 0, sizeof t);
    cJSON *per = cJSON_CreateArray();
    const int at[3] = {1, 5, 10};
    int lineno = 0;
    char *line = data;
    while (line && *line && status == EXIT_OK) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        lineno++;
        char *next = nl ? nl + 1 : NULL;
        size_t s0 = 0;
        while (s0 < ll && (line[s0] == ' ' || line[s0] == '\t' || line[s0] == '\r')) s0++;
        if (s0 == ll || line[s0] == '#') {
            line = next;
            continue;
        }
        cJSON *q = cJSON_ParseWithLength(line, ll);
        const char *question = cJSON_GetStringValue(cJSON_GetObjectItem(q, "question"));
        if (!q || !question || !*question) {
            cli_error("%s:%d: expected an object with a \"question\" string", qfile, lineno);
            cJSON_Delete(q);
            status = EXIT_USAGE;
            break;
        }
        const cJSON *jid = cJSON_GetObjectItem(q, "id");
        char idbuf[64];
        if (cJSON_IsNumber(jid)) snprintf(idbuf, sizeof idbuf, "%g", jid->valuedouble);
        else snprintf(idbuf, sizeof idbuf, "%s", cJSON_IsString(jid) ? jid->valuestring : "");
        const cJSON *jans = cJSON_GetObjectItem(q, "answer");
        bool answerable = !(jans && cJSON_IsNull(jans));
        const char *expected = cJSON_GetStringValue(jans);
        const char *doc = cJSON_GetStringValue(cJSON_GetObjectItem(q, "doc"));
        int pages[MAX_PAGES], npages = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(q, "pages")) {
            if (cJSON_IsNumber(p) && npages < MAX_PAGES) pages[npages++] = (int)p->valuedouble;
        }
        t.questions++;
        answerable ? t.answerable++ : t.unanswerable++;

        /* retrieval at 10 */
        quire_retrieve_opts ro;
        quire_retrieve_opts_default(&ro);
        ro.k = k > 10 ? k : 10;
        quire_hit *hits = NULL;
        size_t n = 0;
        quire_status rc = quire_retrieve(idx, question, &ro, &hits, &n, &err);
        int doc_rank = 0, page_rank = 0;
        for (size_t i = 0; !rc && i < n; i++) {
            if (!doc_rank && doc_matches(&hits[i], doc)) doc_rank = (int)i + 1;
            if (!page_rank && npages && doc_matches(&hits[i], doc) && page_matches(&hits[i], pages, npages))
                page_rank = (int)i + 1;
        }
        if (answerable && doc)
            for (int a = 0; a < 3; a++) {
                t.doc_at[a].total++;
                t.doc_at[a].hit += doc_rank && doc_rank <= at[a];
                if (npages) {
                    t.page_at[a].total++;
                    t.page_at[a].hit += page_rank && page_rank <= at[a];
                }
            }
        /* the answer, from the first k passages */
        quire_answer *ans = NULL;
        size_t nk = n < (size_t)k ? n : (size_t)k;
        if (!rc) {
            quire_generate_opts go;
            quire_generate_opts_default(&go);
            go.strict = strict;
            if (min_relevance >= 0) go.min_relevance = go.llm_min_relevance = min_relevance;
            if (min_coverage >= 0) go.extractive_min_coverage = min_coverage;
            rc = quire_answer_auto(llm, question, hits, nk, &go, &ans, &err);
        }
        if (rc) {
            cli_error("%s:%d: %s", qfile, lineno, quire_error_message(&err));
            quire_hits_free(hits, n);
            cJSON_Delete(q);
            status = EXIT_ERROR;
            break;
        }
        bool refused = ans->refused;
        if (!answerable) refused ? t.tp++ : t.fn++;
        else if (refused) t.fp++;
        int contained = -1, right_doc = -1;
        if (answerable && expected && *expected) {
            char *fa = fold_text(ans->text ? ans->text : "");
            char *fe = fold_text(expected);
            contained = !refused && fa && fe && strstr(fa, fe) != NULL;
            free(fa);
            free(fe);
            t.contain.total++;
            t.contain.hit += contained;
        }
        if (answerable && doc) {
            right_doc = 0;
            for (size_t s = 0; !refused && s < ans->nsources; s++) {
                bool m = doc_matches(&ans->sources[s].hit, doc);
                right_doc = right_doc || m;
                t.cite_prec.total++;
                t.cite_prec.hit += m;
            }
            t.cited_doc.total++;
            t.cited_doc.hit += right_doc;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", idbuf);
        cJSON_AddBoolToObject(o, "answerable", answerable);
        cJSON_AddBoolToObject(o, "refused", refused);
        cJSON_AddNumberToObject(o, "relevance", quire_answer_relevance(question, hits, nk));
        if (doc) {
            if (doc_rank) cJSON_AddNumberToObject(o, "doc_rank", doc_rank);
            else cJSON_AddNullToObject(o, "doc_rank");
        }
        if (npages) {
            if (page_rank) cJSON_AddNumberToObject(o, "page_rank", page_rank);
            else cJSON_AddNullToObject(o, "page_rank");
        }
        if (contained >= 0) cJSON_AddBoolToObject(o, "contained", contained);
        if (right_doc >= 0) cJSON_AddBoolToObject(o, "cited_right_doc", right_doc);
        cJSON_AddItemToArray(per, o);
        bool missed = answerable ? (refused || right_doc == 0 || contained == 0) : !refused;
        if (verbose && missed)
            fprintf(stderr, "miss %s: %s%s%s (doc rank %d%s)\n", idbuf, question,
                    refused ? " [refused]" : "", !answerable && !refused ? " [answered]" : "",
                    doc_rank, right_doc == 0 && !refused ? ", wrong document cited" : "");
        quire_answer_free(ans);
        quire_hits_free(hits, n);
        cJSON_Delete(q);
        line = next;
    }

    if (status == EXIT_OK) {
        double rp = t.tp + t.fp ? (double)t.tp / (t.tp + t.fp) : 0;
        double rr = t.unanswerable ? (double)t.tp / t.unanswerable : 0;
        double fr = t.answerable ? (double)t.fp / t.answerable : 0;
        if (json) {
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "backend", llm ? quire_llm_name(llm) : "extractive");
            if (llm && quire_llm_model(llm)[0]) cJSON_AddStringToObject(root, "model", quire_llm_model(llm));
            cJSON_AddNumberToObject(root, "questions", t.questions);
            cJSON_AddNumberToObject(root, "answerable", t.answerable);
            cJSON_AddNumberToObject(root, "unanswerable", t.unanswerable);
            cJSON *r = cJSON_AddObjectToObject(root, "retrieval");
            const char *dn[3] = {"doc_hit@1", "doc_hit@5", "doc_hit@10"};
            const char *pn[3] = {"page_hit@1", "page_hit@5", "page_hit@10"};
            for (int a = 0; a < 3; a++) {
                cJSON_AddNumberToObject(r, dn[a], ratio(t.doc_at[a]));
                if (t.page_at[a].total) cJSON_AddNumberToObject(r, pn[a], ratio(t.page_at[a]));
            }
            cJSON *an = cJSON_AddObjectToObject(root, "answers");
            if (t.contain.total) cJSON_AddNumberToObject(an, "containment", ratio(t.contain));
            cJSON_AddNumberToObject(an, "cited_right_doc", ratio(t.cited_doc));
            cJSON_AddNumberToObject(an, "citation_precision", ratio(t.cite_prec));
            cJSON *rf = cJSON_AddObjectToObject(root, "refusal");
            cJSON_AddNumberToObject(rf, "precision", rp);
            cJSON_AddNumberToObject(rf, "recall", rr);
            cJSON_AddNumberToObject(rf, "false_refusal_rate", fr);
            cJSON_AddNumberToObject(rf, "refused_unanswerable", t.tp);
            cJSON_AddNumberToObject(rf, "refused_answerable", t.fp);
            cJSON_AddItemToObject(root, "per_question", per);
            per = NULL;
            char *s = cJSON_Print(root);
            if (s) puts(s);
            free(s);
            cJSON_Delete(root);
        } else {
            printf("questions        %d (%d answerable, %d not answerable by the documents)\n",
                   t.questions, t.answerable, t.unanswerable);
            printf("backend          %s\n", llm ? quire_llm_name(llm) : "extractive");
            printf("doc hit @1/5/10  %.3f  %.3f  %.3f   (%d questions with a document)\n",
                   ratio(t.doc_at[0]), ratio(t.doc_at[1]), ratio(t.doc_at[2]), t.doc_at[0].total);
            if (t.page_at[0].total)
                printf("page hit @1/5/10 %.3f  %.3f  %.3f   (%d questions with pages)\n",
                       ratio(t.page_at[0]), ratio(t.page_at[1]), ratio(t.page_at[2]),
                       t.page_at[0].total);
            if (t.contain.total)
                printf("answer contains  %.3f   (%d questions with an expected answer)\n",
                       ratio(t.contain), t.contain.total);
            printf("cited right doc  %.3f   citation precision %.3f\n", ratio(t.cited_doc),
                   ratio(t.cite_prec));
            printf("refusals         precision %.3f  recall %.3f  (%d of %d unanswerable refused); "
                   "false refusals %.3f (%d)\n",
                   rp, rr, t.tp, t.unanswerable, fr, t.fp);
        }
    }
    cJSON_Delete(per);
    quire_llm_close(llm);
    quire_index_close(idx);
    free(data);
    return status;
}

int cmd_eval(cli_ctx *ctx, int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "answers")) return run_answers(ctx, argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "retrieval")) return cmd_eval_retrieval(ctx, argc - 1, argv + 1);
    fprintf(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
            "usage: quire eval answers --questions FILE.jsonl [--json] [-v]\n"
            "       quire eval retrieval --queries Q.jsonl --qrels R.tsv [--json]\n");
    return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
}
