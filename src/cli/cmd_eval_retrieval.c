/* quire eval retrieval — BEIR/TREC-style retrieval evaluation.
 *
 * Documents are the notebook's documents (load a corpus with
 * `quire add --jsonl corpus.jsonl`: record ids are the keys qrels refer to).
 * Each query retrieves passages; a document ranks at its best passage.
 *
 * --json output (one document on stdout):
 *   {"system": "quire"|"porter", "queries": N, "skipped": M,
 *    "ndcg@10": x, "recall@10": x, "recall@100": x, "mrr@10": x,
 *    "per_query": [{"id": "...", "ndcg@10": x, "recall@10": x,
 *                   "recall@100": x, "mrr@10": x, "top": ["doc", ... up to 100]}]}
 * "skipped" counts queries without a relevant judgment (not evaluated).
 */
#include "cli.h"

#include "quire/eval.h"
#include "quire/retrieve.h"
#include "util/fileio.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVAL_DOCS 100          /* documents ranked per query (Recall@100) */
#define EVAL_PASSAGES 400      /* passages fetched to find them */

static void eval_usage(FILE *out)
{
    fprintf(out,
            "usage: quire eval retrieval --queries Q.jsonl --qrels R.tsv [--json] [options]\n"
            "\n"
            "Evaluate retrieval on the notebook's documents (BEIR conventions: queries JSONL with\n"
            "\"_id\" and \"text\"; qrels TSV `query-id corpus-id score` with a header). Prints\n"
            "nDCG@10, Recall@10, Recall@100 and MRR@10 averaged over judged queries.\n"
            "  --json              one JSON document with per-query results\n"
            "  --system S          quire (default) or porter (SQLite's porter tokenizer and\n"
            "                      default bm25(), the baseline)\n"
            "  --weights T,TI,S    BM25 weights of text, title, section (default 1,2,1.5)\n"
            "  --bigrams           add adjacent word pairs as phrases (--no-bigrams: not)\n"
            "  --exact W           also match exact word forms with phrase weight W\n"
            "  --lang xx[,yy]      stem queries in these languages (default: detected)\n"
            "  --bm25 K1,B,PW      quire_bm25() parameters (k1, b, weight of word-pair phrases;\n"
            "                      default 1.2,0.75,0.2)\n"
            "  --gate N,B          on notebooks of N chunks or more, only the rarest words up to B\n"
            "                      chunks select candidates (default 20000,max(2000,chunks/50))\n"
            "  --fts5-bm25         rank with FTS5's bm25() instead of quire_bm25()\n"
            "  --prf D,T,L         RM3 feedback: D passages, T words, question weight L\n");
}

static bool parse_weights(const char *s, quire_fts_weights *w)
{
    double v[3];
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        char *end;
        v[i] = strtod(p, &end);
        if (end == p || v[i] < 0 || v[i] > 1000) return false;
        p = end;
        if (i < 2) {
            if (*p != ',') return false;
            p++;
        }
    }
    if (*p) return false;
    *w = (quire_fts_weights){v[0], v[1], v[2]};
    return true;
}

/* Unique document keys of hits, best first, at most max. Borrowed strings. */
static size_t doc_ranking(const quire_hit *hits, size_t n, const char **out, size_t max)
{
    size_t m = 0;
    for (size_t i = 0; i < n && m < max; i++) {
        bool seen = false;
        for (size_t j = 0; j < m && !seen; j++) seen = strcmp(out[j], hits[i].doc_key) == 0;
        if (!seen) out[m++] = hits[i].doc_key;
    }
    return m;
}

static quire_status run_query(quire_index *idx, bool porter, const quire_retrieve_opts *ro, const char *text,
                              quire_hit **hits, size_t *n, quire_error *err)
{
    if (!porter) return quire_retrieve(idx, text, ro, hits, n, err);
    *hits = NULL;
    *n = 0;
    quire_query_opts qo;
    quire_query_opts_default(&qo);
    qo.plain = true;
    char *match = NULL;
    quire_status rc = quire_query_build_ex(text, strlen(text), &qo, &match);
    if (rc || !match) return rc;
    rc = quire_index_search_porter(idx, match, EVAL_PASSAGES, hits, n);
    free(match);
    if (rc) quire_error_set(err, rc, "%s", quire_index_errmsg(idx));
    return rc;
}

int cmd_eval_retrieval(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"queries", required_argument, NULL, 'Q'}, {"qrels", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'J'}, {"system", required_argument, NULL, 'S'},
        {"weights", required_argument, NULL, 'W'}, {"no-bigrams", no_argument, NULL, 'B'},
        {"lang", required_argument, NULL, 'L'}, {"bm25", required_argument, NULL, 'K'},
        {"fts5-bm25", no_argument, NULL, 'F'}, {"bigrams", no_argument, NULL, 'b'},
        {"exact", required_argument, NULL, 'E'}, {"gate", required_argument, NULL, 'G'}, {"prf", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *qpath = NULL, *rpath = NULL;
    bool json = false, porter = false;
    quire_retrieve_opts ro;
    quire_retrieve_opts_default(&ro);
    ro.k = EVAL_DOCS;
    ro.per_doc_cap = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'Q': qpath = optarg; break;
        case 'R': rpath = optarg; break;
        case 'J': json = true; break;
        case 'S':
            if (!strcmp(optarg, "porter")) porter = true;
            else if (strcmp(optarg, "quire") != 0) {
                cli_error("--system: quire or porter, not %s", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'W':
            if (!parse_weights(optarg, &ro.weights)) {
                cli_error("--weights: expected three numbers like 1,2,1.5");
                return EXIT_USAGE;
            }
            break;
        case 'B': ro.query.bigrams = false; break;
        case 'b': ro.query.bigrams = true; break;
        case 'G': {
            quire_fts_weights t;
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%s,0", optarg);
            if (!parse_weights(tmp, &t) || t.text < 1 || t.title < 1) {
                cli_error("--gate: expected MIN_CHUNKS,BUDGET like 20000,2000");
                return EXIT_USAGE;
            }
            ro.query.gate_min_rows = (int64_t)t.text;
            ro.query.gate_budget = (int64_t)t.title;
            break;
        }
        case 'E': {
            char *end;
            double x = strtod(optarg, &end);
            if (end == optarg || *end || !(x >= 0 && x <= 100)) {
                cli_error("--exact: expected a weight like 0.3");
                return EXIT_USAGE;
            }
            ro.query.exact_weight = x;
            break;
        }
        case 'L': ro.query.langs = optarg; break;
        case 'F': ro.fts5_bm25 = true; break;
        case 'P': {
            quire_fts_weights t;
            if (!parse_weights(optarg, &t) || t.text < 1 || t.title < 1 || t.section > 1) {
                cli_error("--prf: expected DOCS,TERMS,LAMBDA like 10,10,0.5");
                return EXIT_USAGE;
            }
            ro.prf = true;
            ro.prf_docs = (int)t.text;
            ro.prf_terms = (int)t.title;
            ro.prf_lambda = t.section;
            break;
        }
        case 'K': {
            quire_fts_weights t;
            if (!parse_weights(optarg, &t)) {
                cli_error("--bm25: expected K1,B,PHRASE_WEIGHT like 1.2,0.75,1");
                return EXIT_USAGE;
            }
            ro.bm25 = (quire_bm25_params){t.text, t.title, t.section, NULL, NULL};
            break;
        }
        case 'h': eval_usage(stdout); return EXIT_OK;
        default: eval_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!qpath || !rpath || optind != argc) {
        eval_usage(stderr);
        return EXIT_USAGE;
    }
    quire_error err;
    quire_error_clear(&err);
    char *qbuf = NULL, *rbuf = NULL;
    size_t qlen = 0, rlen = 0;
    quire_queries *qs = NULL;
    quire_qrels *qr = NULL;
    quire_status rc = file_read_all(qpath, 1u << 30, &qbuf, &qlen, &err);
    if (!rc) rc = quire_queries_parse(qbuf, qlen, &qs, &err);
    if (!rc) rc = file_read_all(rpath, 1u << 30, &rbuf, &rlen, &err);
    if (!rc) rc = quire_qrels_parse(rbuf, rlen, &qr, &err);
    free(qbuf);
    free(rbuf);
    if (rc) {
        cli_error("%s", quire_error_message(&err));
        quire_queries_free(qs);
        quire_qrels_free(qr);
        return EXIT_ERROR;
    }
    quire_index *idx = cli_open_index(ctx, false);
    if (!idx) {
        quire_queries_free(qs);
        quire_qrels_free(qr);
        return EXIT_ERROR;
    }
    cJSON *root = json ? cJSON_CreateObject() : NULL;
    cJSON *perq = json ? cJSON_CreateArray() : NULL;
    quire_eval_scores sum = {0, 0, 0, 0};
    size_t evaluated = 0, skipped = 0;
    int status = EXIT_OK;
    for (size_t i = 0; i < qs->n; i++) {
        const quire_qrel_query *qq = quire_qrels_find(qr, qs->q[i].id);
        if (!qq || qq->n_relevant == 0) {
            skipped++;
            continue;
        }
        quire_hit *hits = NULL;
        size_t n = 0;
        rc = run_query(idx, porter, &ro, qs->q[i].text, &hits, &n, &err);
        if (rc) {
            cli_error("query %s: %s", qs->q[i].id, quire_error_message(&err));
            status = EXIT_ERROR;
            break;
        }
        const char *ranked[EVAL_DOCS];
        size_t m = doc_ranking(hits, n, ranked, EVAL_DOCS);
        quire_eval_scores s;
        quire_eval_query(qq, ranked, m, &s);
        sum.ndcg10 += s.ndcg10;
        sum.recall10 += s.recall10;
        sum.recall100 += s.recall100;
        sum.mrr10 += s.mrr10;
        evaluated++;
        if (perq) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", qs->q[i].id);
            cJSON_AddNumberToObject(o, "ndcg@10", s.ndcg10);
            cJSON_AddNumberToObject(o, "recall@10", s.recall10);
            cJSON_AddNumberToObject(o, "recall@100", s.recall100);
            cJSON_AddNumberToObject(o, "mrr@10", s.mrr10);
            cJSON *top = cJSON_AddArrayToObject(o, "top");
            for (size_t j = 0; j < m; j++) cJSON_AddItemToArray(top, cJSON_CreateString(ranked[j]));
            cJSON_AddItemToArray(perq, o);
        }
        quire_hits_free(hits, n);
    }
    quire_index_close(idx);
    double d = evaluated ? (double)evaluated : 1.0;
    if (status == EXIT_OK) {
        if (root) {
            cJSON_AddStringToObject(root, "system", porter ? "porter" : "quire");
            cJSON_AddNumberToObject(root, "queries", (double)evaluated);
            cJSON_AddNumberToObject(root, "skipped", (double)skipped);
            cJSON_AddNumberToObject(root, "ndcg@10", sum.ndcg10 / d);
            cJSON_AddNumberToObject(root, "recall@10", sum.recall10 / d);
            cJSON_AddNumberToObject(root, "recall@100", sum.recall100 / d);
            cJSON_AddNumberToObject(root, "mrr@10", sum.mrr10 / d);
            cJSON_AddItemToObject(root, "per_query", perq);
            perq = NULL;
            char *out = cJSON_PrintUnformatted(root);
            if (out) puts(out);
            free(out);
        } else {
            printf("system      %s\n", porter ? "porter (FTS5 porter, default bm25)" : "quire");
            printf("queries     %zu evaluated, %zu without judgments\n", evaluated, skipped);
            printf("nDCG@10     %.4f\n", sum.ndcg10 / d);
            printf("Recall@10   %.4f\n", sum.recall10 / d);
            printf("Recall@100  %.4f\n", sum.recall100 / d);
            printf("MRR@10      %.4f\n", sum.mrr10 / d);
        }
    }
    cJSON_Delete(perq);
    cJSON_Delete(root);
    quire_queries_free(qs);
    quire_qrels_free(qr);
    return status;
}
