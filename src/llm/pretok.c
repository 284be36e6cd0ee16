/* Byte-level BPE pre-tokenizers (see pretok.h).
 *
 * How llama.cpp runs an expression, which this file reproduces:
 *  - The GPT-2 and Llama-3 expressions use hand-written splitters over real
 *    Unicode categories.
 *  - An expression using \p{..} runs (std::regex) over a "collapsed" text: a
 *    code point below 128 stays itself, a non-ASCII whitespace becomes 0x0B,
 *    any other non-ASCII code point becomes one byte per category (number
 *    0xD1, letter 0xD2, punctuation 0xD3, mark 0xD4, symbol 0xD5, other
 *    0xD0); \p{X} then matches that byte or the ASCII members of X as
 *    llama.cpp lists them (its symbol list leaves out '~').
 *  - Any other expression runs (std::wregex) over the code points, with
 *    non-ASCII whitespace replaced by 0x0B so that \s matches it.
 *  - Matches are searched leftmost-first with ordered alternation and greedy
 *    backtracking; the gaps between matches are kept as words too.
 */
#include "llm/pretok.h"
#include "llm/unicode.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- regex -- */

enum { CI_RANGE, CI_SPACE, CI_NSPACE, CI_DIGIT, CI_NDIGIT, CI_CAT };

typedef struct cls_item {
    int kind;
    uint32_t lo, hi;  /* CI_RANGE */
    unsigned cat;     /* CI_CAT: UCAT_* mask */
} cls_item;

typedef struct rx_cls {
    bool neg;
    size_t n;
    cls_item *items;
    struct rx_cls *also;  /* owned: a second class the unit must match too */
} rx_cls;

enum { RN_CLASS, RN_GROUP, RN_LOOK, RN_NLOOK, RN_BOL, RN_EOL };

struct rx_seq;

typedef struct rx_node {
    int kind;
    int min, max;  /* max < 0: unbounded */
    rx_cls cls;
    struct rx_seq *alts;
    size_t n_alts;
} rx_node;

typedef struct rx_seq {
    rx_node *nodes;
    size_t n;
} rx_seq;

typedef struct rx {
    rx_seq *alts;  /* top-level alternation */
    size_t n_alts;
    bool collapsed;
    bool suffix_run; /* the whole expression is X+$: matched right to left */
} rx;

typedef struct rx_parser {
    const uint32_t *p;  /* pattern code points */
    size_t n, i;
    bool bad;
} rx_parser;

static void *xcalloc(size_t n, size_t sz)
{
    return calloc(n ? n : 1, sz);
}

static bool cls_push(rx_cls *c, cls_item it)
{
    cls_item *ni = realloc(c->items, (c->n + 1) * sizeof *ni);
    if (!ni)
        return false;
    c->items = ni;
    c->items[c->n++] = it;
    return true;
}

static unsigned cat_of_name(const uint32_t *p, size_t n, size_t *used)
{
    /* p points after "\p{" */
    char name[16];
    size_t k = 0;
    while (k < n && p[k] != '}' && k < sizeof name - 1) {
        name[k] = (char)p[k];
        k++;
    }
    if (k >= n || p[k] != '}')
        return 0;
    name[k] = 0;
    *used = k + 1;
    if (!strcmp(name, "N"))
        return UCAT_NUMBER;
    if (!strcmp(name, "L") || !strcmp(name, "Lu") || !strcmp(name, "Ll") || !strcmp(name, "Lt") ||
        !strcmp(name, "Lm") || !strcmp(name, "Lo"))
        return UCAT_LETTER;
    if (!strcmp(name, "P"))
        return UCAT_PUNCT;
    if (!strcmp(name, "M"))
        return UCAT_MARK;
    if (!strcmp(name, "S"))
        return UCAT_SYMBOL;
    return 0;
}

/* Parse an escape after '\'; fills *it (a class item). */
static bool parse_escape(rx_parser *ps, cls_item *it)
{
    if (ps->i >= ps->n)
        return false;
    uint32_t c = ps->p[ps->i++];
    memset(it, 0, sizeof *it);
    switch (c) {
    case 's': it->kind = CI_SPACE; return true;
    case 'S': it->kind = CI_NSPACE; return true;
    case 'd': it->kind = CI_DIGIT; return true;
    case 'D': it->kind = CI_NDIGIT; return true;
    case 'r': c = '\r'; break;
    case 'n': c = '\n'; break;
    case 't': c = '\t'; break;
    case 'f': c = '\f'; break;
    case 'v': c = '\v'; break;
    case 'p': {
        size_t used = 0;
        if (ps->i >= ps->n || ps->p[ps->i] != '{')
            return false;
        unsigned cat = cat_of_name(ps->p + ps->i + 1, ps->n - ps->i - 1, &used);
        if (!cat)
            return false;
        ps->i += 1 + used;
        it->kind = CI_CAT;
        it->cat = cat;
        return true;
    }
    default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            return false; /* \b, \w, \x.. and friends are not needed */
        break;
    }
    it->kind = CI_RANGE;
    it->lo = it->hi = c;
    return true;
}

static bool parse_class(rx_parser *ps, rx_cls *c)
{
    /* after '[' */
    if (ps->i < ps->n && ps->p[ps->i] == '^') {
        c->neg = true;
        ps->i++;
    }
    while (ps->i < ps->n && ps->p[ps->i] != ']') {
        cls_item it;
        uint32_t ch = ps->p[ps->i++];
        if (ch == '\\') {
            if (!parse_escape(ps, &it))
                return false;
        } else {
            memset(&it, 0, sizeof it);
            it.kind = CI_RANGE;
            it.lo = it.hi = ch;
        }
        if (it.kind == CI_RANGE && ps->i + 1 < ps->n && ps->p[ps->i] == '-' &&
            ps->p[ps->i + 1] != ']') {
            ps->i++;
            cls_item hi;
            uint32_t ch2 = ps->p[ps->i++];
            if (ch2 == '\\') {
                if (!parse_escape(ps, &hi) || hi.kind != CI_RANGE)
                    return false;
            } else {
                hi.lo = ch2;
            }
            it.hi = hi.lo;
            if (it.hi < it.lo)
                return false;
        }
        if (!cls_push(c, it))
            return false;
    }
    if (ps->i >= ps->n)
        return false;
    ps->i++; /* ']' */
    return true;
}

static bool parse_alts(rx_parser *ps, rx_seq **alts, size_t *n_alts);
static void free_alts(rx_seq *alts, size_t n);

static bool single_class(const rx_node *nd)
{
    return nd->kind == RN_CLASS && nd->min == 1 && nd->max == 1;
}

/* A group that consumes exactly one unit becomes a class, so that it can be
 * repeated: "([^a-z])" is [^a-z], and "(?=[\p{L}])([^a-z])" (a letter that is
 * not a-z, as the tekken and gpt-4o expressions write it) is the
 * intersection of the two classes. Other groups are left alone. */
static bool fold_group(rx_node *node)
{
    if (node->n_alts != 1)
        return true;
    rx_seq *sq = &node->alts[0];
    rx_node *inner = NULL, *look = NULL;
    if (sq->n == 1 && single_class(&sq->nodes[0])) {
        inner = &sq->nodes[0];
    } else if (sq->n == 2 && sq->nodes[0].kind == RN_LOOK && sq->nodes[0].n_alts == 1 &&
               sq->nodes[0].alts[0].n == 1 && single_class(&sq->nodes[0].alts[0].nodes[0]) &&
               single_class(&sq->nodes[1]) && !sq->nodes[1].cls.also) {
        look = &sq->nodes[0].alts[0].nodes[0];
        inner = &sq->nodes[1];
    } else {
        return true;
    }
    rx_cls cls = inner->cls;
    memset(&inner->cls, 0, sizeof inner->cls);
    if (look) {
        rx_cls *also = malloc(sizeof *also);
        if (!also) {
            free(cls.items);
            return false;
        }
        *also = look->cls;
        memset(&look->cls, 0, sizeof look->cls);
        cls.also = also;
    }
    free_alts(node->alts, node->n_alts);
    node->alts = NULL;
    node->n_alts = 0;
    node->kind = RN_CLASS;
    node->cls = cls;
    return true;
}

static bool parse_uint(rx_parser *ps, int *v)
{
    size_t st = ps->i;
    long x = 0;
    while (ps->i < ps->n && ps->p[ps->i] >= '0' && ps->p[ps->i] <= '9' && x < 100000)
        x = x * 10 + (long)(ps->p[ps->i++] - '0');
    *v = (int)x;
    return ps->i > st;
}

static bool parse_seq(rx_parser *ps, rx_seq *seq)
{
    while (ps->i < ps->n && ps->p[ps->i] != '|' && ps->p[ps->i] != ')') {
        rx_node node;
        memset(&node, 0, sizeof node);
        node.min = node.max = 1;
        uint32_t c = ps->p[ps->i++];
        if (c == '(') {
            node.kind = RN_GROUP;
            if (ps->i + 1 < ps->n && ps->p[ps->i] == '?') {
                uint32_t k = ps->p[ps->i + 1];
                if (k == ':')
                    node.kind = RN_GROUP;
                else if (k == '=')
                    node.kind = RN_LOOK;
                else if (k == '!')
                    node.kind = RN_NLOOK;
                else
                    return false;
                ps->i += 2;
            }
            if (!parse_alts(ps, &node.alts, &node.n_alts))
                return false;
            if (ps->i >= ps->n || ps->p[ps->i] != ')')
                return false;
            ps->i++;
            if (node.kind == RN_GROUP && !fold_group(&node))
                return false;
        } else if (c == '[') {
            node.kind = RN_CLASS;
            if (!parse_class(ps, &node.cls))
                return false;
        } else if (c == '\\') {
            cls_item it;
            if (!parse_escape(ps, &it))
                return false;
            node.kind = RN_CLASS;
            if (!cls_push(&node.cls, it))
                return false;
        } else if (c == '^') {
            node.kind = RN_BOL;
        } else if (c == '$') {
            node.kind = RN_EOL;
        } else if (c == '.' || c == '*' || c == '+' || c == '?' || c == '{') {
            return false;
        } else {
            node.kind = RN_CLASS;
            cls_item it = {CI_RANGE, c, c, 0};
            if (!cls_push(&node.cls, it))
                return false;
        }
        /* quantifier */
        if (ps->i < ps->n) {
            uint32_t q = ps->p[ps->i];
            if (q == '*' || q == '+' || q == '?' || q == '{') {
                ps->i++;
                if (q == '*') {
                    node.min = 0;
                    node.max = -1;
                } else if (q == '+') {
                    node.min = 1;
                    node.max = -1;
                } else if (q == '?') {
                    node.min = 0;
                    node.max = 1;
                } else {
                    if (!parse_uint(ps, &node.min))
                        return false;
                    node.max = node.min;
                    if (ps->i < ps->n && ps->p[ps->i] == ',') {
                        ps->i++;
                        node.max = -1;
                        if (ps->i < ps->n && ps->p[ps->i] != '}' && !parse_uint(ps, &node.max))
                            return false;
                    }
                    if (ps->i >= ps->n || ps->p[ps->i] != '}')
                        return false;
                    ps->i++;
                    if (node.max >= 0 && node.max < node.min)
                        return false;
                }
                if (ps->i < ps->n && ps->p[ps->i] == '?')
                    return false; /* lazy quantifiers are not used */
                /* groups may only be optional: the matcher repeats classes only */
                if (node.kind != RN_CLASS && !(node.min == 0 && node.max == 1))
                    return false;
            }
        }
        rx_node *nn = realloc(seq->nodes, (seq->n + 1) * sizeof *nn);
        if (!nn)
            return false;
        seq->nodes = nn;
        seq->nodes[seq->n++] = node;
    }
    return true;
}

static bool parse_alts(rx_parser *ps, rx_seq **alts, size_t *n_alts)
{
    for (;;) {
        rx_seq *na = realloc(*alts, (*n_alts + 1) * sizeof *na);
        if (!na)
            return false;
        *alts = na;
        memset(&na[*n_alts], 0, sizeof *na);
        (*n_alts)++;
        if (!parse_seq(ps, &na[*n_alts - 1]))
            return false;
        if (ps->i < ps->n && ps->p[ps->i] == '|') {
            ps->i++;
            continue;
        }
        return true;
    }
}

static void free_alts(rx_seq *alts, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        for (size_t i = 0; i < alts[a].n; i++) {
            rx_cls *c = &alts[a].nodes[i].cls;
            free(c->items);
            while (c->also) { /* at most one level deep */
                rx_cls *also = c->also;
                c->also = NULL;
                free(also->items);
                free(also);
            }
            free_alts(alts[a].nodes[i].alts, alts[a].nodes[i].n_alts);
        }
        free(alts[a].nodes);
    }
    free(alts);
}

static void rx_free(rx *r)
{
    if (r)
        free_alts(r->alts, r->n_alts);
    free(r);
}

static rx *rx_compile(const char *pattern)
{
    size_t len = strlen(pattern);
    uint32_t *cps = xcalloc(len, sizeof *cps);
    rx *r = calloc(1, sizeof *r);
    if (!cps || !r) {
        free(cps);
        free(r);
        return NULL;
    }
    size_t n = uni_decode_lenient(pattern, len, cps, NULL);
    static const char *const cats[] = {"\\p{N}", "\\p{L}", "\\p{P}", "\\p{M}", "\\p{S}"};
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
        if (strstr(pattern, cats[i]))
            r->collapsed = true;
    rx_parser ps = {cps, n, 0, false};
    bool ok = parse_alts(&ps, &r->alts, &r->n_alts) && ps.i == n;
    free(cps);
    if (!ok) {
        rx_free(r);
        return NULL;
    }
    /* "\s+$" searched left to right backtracks quadratically over a long run
     * that does not reach the end; its only possible match is the longest
     * suffix run, found directly */
    if (r->n_alts == 1 && r->alts[0].n == 2 && r->alts[0].nodes[0].kind == RN_CLASS &&
        r->alts[0].nodes[0].min == 1 && r->alts[0].nodes[0].max < 0 &&
        r->alts[0].nodes[1].kind == RN_EOL)
        r->suffix_run = true;
    return r;
}

/* ---- matching ---- */

typedef struct rx_ctx {
    const uint32_t *u;  /* units (collapsed or wide) */
    size_t beg, end;    /* current fragment */
    bool collapsed;
    uint64_t *steps;    /* backtracking budget left (shared by the whole split) */
} rx_ctx;

static unsigned ascii_cat_collapsed(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return UCAT_NUMBER;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return UCAT_LETTER;
    if (c < 0x80 && strchr("!\"#%&'()*,-./:;?@[\\]_{}", (int)c) && c)
        return UCAT_PUNCT;
    if (c < 0x80 && strchr("$+<=>^`|", (int)c) && c)
        return UCAT_SYMBOL;
    return 0;
}

static uint32_t collapse_marker(unsigned cat)
{
    switch (cat) {
    case UCAT_NUMBER: return 0xD1;
    case UCAT_LETTER: return 0xD2;
    case UCAT_PUNCT: return 0xD3;
    case UCAT_MARK: return 0xD4;
    case UCAT_SYMBOL: return 0xD5;
    default: return 0xD0;
    }
}

static bool is_ascii_space(uint32_t u)
{
    return u == ' ' || (u >= 9 && u <= 13);
}

static bool cls_match(const rx_cls *c, uint32_t u)
{
    bool m = false;
    for (size_t i = 0; i < c->n && !m; i++) {
        const cls_item *it = &c->items[i];
        switch (it->kind) {
        case CI_RANGE: m = u >= it->lo && u <= it->hi; break;
        case CI_SPACE: m = is_ascii_space(u); break;
        case CI_NSPACE: m = !is_ascii_space(u); break;
        case CI_DIGIT: m = u >= '0' && u <= '9'; break;
        case CI_NDIGIT: m = !(u >= '0' && u <= '9'); break;
        case CI_CAT: m = u == collapse_marker(it->cat) || (ascii_cat_collapsed(u) & it->cat); break;
        }
    }
    if (m == c->neg)
        return false;
    return !c->also || cls_match(c->also, u);
}

typedef struct rx_cont {
    const rx_seq *seq;
    size_t idx;
    const struct rx_cont *next;
} rx_cont;

static long m_seq(const rx_ctx *cx, const rx_seq *seq, size_t idx, size_t pos, const rx_cont *k);

static long m_alts(const rx_ctx *cx, const rx_seq *alts, size_t n, size_t pos, const rx_cont *k)
{
    for (size_t a = 0; a < n; a++) {
        long r = m_seq(cx, &alts[a], 0, pos, k);
        if (r >= 0)
            return r;
    }
    return -1;
}

static long m_seq(const rx_ctx *cx, const rx_seq *seq, size_t idx, size_t pos, const rx_cont *k)
{
    /* hostile text can make a backtracking search quadratic: a budget
     * linear in the text length bounds it (exhausted = no match) */
    if (*cx->steps == 0)
        return -1;
    (*cx->steps)--;
    if (idx == seq->n) {
        if (!k)
            return (long)pos;
        return m_seq(cx, k->seq, k->idx, pos, k->next);
    }
    const rx_node *nd = &seq->nodes[idx];
    switch (nd->kind) {
    case RN_CLASS: {
        size_t cnt = 0;
        size_t lim = nd->max < 0 ? (size_t)-1 : (size_t)nd->max;
        while (cnt < lim && pos + cnt < cx->end && cls_match(&nd->cls, cx->u[pos + cnt]))
            cnt++;
        if (cnt < (size_t)nd->min)
            return -1;
        for (size_t c = cnt + 1; c-- > (size_t)nd->min;) {
            long r = m_seq(cx, seq, idx + 1, pos + c, k);
            if (r >= 0)
                return r;
        }
        return -1;
    }
    case RN_GROUP: {
        rx_cont kk = {seq, idx + 1, k};
        long r = m_alts(cx, nd->alts, nd->n_alts, pos, &kk);
        if (r >= 0 || nd->min > 0)
            return r;
        return m_seq(cx, seq, idx + 1, pos, k);
    }
    case RN_LOOK:
    case RN_NLOOK: {
        bool hit = m_alts(cx, nd->alts, nd->n_alts, pos, NULL) >= 0;
        if (hit != (nd->kind == RN_LOOK))
            return -1;
        return m_seq(cx, seq, idx + 1, pos, k);
    }
    case RN_BOL:
        return pos == cx->beg ? m_seq(cx, seq, idx + 1, pos, k) : -1;
    case RN_EOL:
        return pos == cx->end ? m_seq(cx, seq, idx + 1, pos, k) : -1;
    }
    return -1;
}

/* ------------------------------------------------- hand-written splitters -- */

typedef struct words {
    size_t *len;
    size_t n, cap;
    bool oom;
} words;

static void words_add(words *w, size_t len)
{
    if (!len || w->oom)
        return;
    if (w->n == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 64;
        size_t *nl = realloc(w->len, nc * sizeof *nl);
        if (!nl) {
            w->oom = true;
            return;
        }
        w->len = nl;
        w->cap = nc;
    }
    w->len[w->n++] = len;
}

typedef struct span {
    const uint32_t *cps;
    size_t beg, end;
} span;

static uint32_t sp_cpt(const span *s, size_t pos)
{
    return pos >= s->beg && pos < s->end ? s->cps[pos] : 0xFFFFFFFFu;
}

static unsigned sp_cat(const span *s, size_t pos)
{
    return pos >= s->beg && pos < s->end ? ucat(s->cps[pos]) : UCAT_NONE;
}

static bool sp_space(const span *s, size_t pos)
{
    return pos >= s->beg && pos < s->end && uni_is_space(s->cps[pos]);
}

/* 's|'t|'re|'ve|'m|'ll|'d (icase: also upper case). Returns the length or 0. */
static size_t contraction(const span *s, size_t pos, bool icase)
{
    if (sp_cpt(s, pos) != '\'' || pos + 1 >= s->end)
        return 0;
    uint32_t a = sp_cpt(s, pos + 1);
    if (icase)
        a = uni_tolower(a);
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return 2;
    if (pos + 2 < s->end) {
        uint32_t b = sp_cpt(s, pos + 2);
        if (icase)
            b = uni_tolower(b);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            return 3;
    }
    return 0;
}

/* 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S) */
static void split_gpt2(const span *s, words *w)
{
    size_t prev = s->beg;
#define ADD(end_) do { words_add(w, (end_) - prev); prev = (end_); } while (0)
    for (size_t pos = s->beg; pos < s->end;) {
        uint32_t cpt = sp_cpt(s, pos);
        size_t cl = contraction(s, pos, false);
        if (cl) {
            ADD(pos + cl);
            pos += cl;
            continue;
        }
        size_t p2 = cpt == ' ' ? pos + 1 : pos;
        unsigned c2 = sp_cat(s, p2);
        bool ws2 = sp_space(s, p2);
        if (c2 == UCAT_LETTER || c2 == UCAT_NUMBER) {
            pos = p2;
            while (sp_cat(s, pos) == c2)
                pos++;
            ADD(pos);
            continue;
        }
        if (!ws2 && c2 != UCAT_NONE) {
            pos = p2;
            while (!sp_space(s, pos) && sp_cat(s, pos) != UCAT_NONE && sp_cat(s, pos) != UCAT_LETTER &&
                   sp_cat(s, pos) != UCAT_NUMBER)
                pos++;
            ADD(pos);
            continue;
        }
        size_t nws = 0;
        while (sp_space(s, pos + nws))
            nws++;
        if (nws > 1 && pos + nws < s->end) {
            pos += nws - 1;
            ADD(pos);
            continue;
        }
        if (nws > 0) {
            pos += nws;
            ADD(pos);
            continue;
        }
        pos++;
        ADD(pos);
    }
#undef ADD
}

/* (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+ */
static void split_llama3(const span *s, words *w)
{
    size_t prev = s->beg;
#define ADD(end_) do { words_add(w, (end_) - prev); prev = (end_); } while (0)
    for (size_t pos = s->beg; pos < s->end;) {
        uint32_t cpt = sp_cpt(s, pos);
        unsigned cat = sp_cat(s, pos);
        size_t cl = contraction(s, pos, true);
        if (cl) {
            ADD(pos + cl);
            pos += cl;
            continue;
        }
        if (!(cpt == '\r' || cpt == '\n' || cat == UCAT_NUMBER)) {
            if (cat == UCAT_LETTER || sp_cat(s, pos + 1) == UCAT_LETTER) {
                pos++;
                while (sp_cat(s, pos) == UCAT_LETTER)
                    pos++;
                ADD(pos);
                continue;
            }
        }
        if (cat == UCAT_NUMBER) {
            size_t ini = pos;
            while (sp_cat(s, pos) == UCAT_NUMBER) {
                if (++pos - ini >= 3) {
                    ADD(pos);
                    ini = pos;
                }
            }
            ADD(pos);
            continue;
        }
        size_t p2 = cpt == ' ' ? pos + 1 : pos;
        unsigned c2 = sp_cat(s, p2);
        if (!(sp_space(s, p2) || c2 == UCAT_LETTER || c2 == UCAT_NUMBER) && cat != UCAT_NONE) {
            pos = p2;
            while (!(sp_space(s, pos) || sp_cat(s, pos) == UCAT_LETTER ||
                     sp_cat(s, pos) == UCAT_NUMBER) &&
                   sp_cat(s, pos) != UCAT_NONE)
                pos++;
            while (sp_cpt(s, pos) == '\r' || sp_cpt(s, pos) == '\n')
                pos++;
            ADD(pos);
            continue;
        }
        size_t nws = 0, last_rn = 0;
        while (sp_space(s, pos + nws)) {
            uint32_t c = sp_cpt(s, pos + nws);
            if (c == '\r' || c == '\n')
                last_rn = pos + nws + 1;
            nws++;
        }
        if (last_rn > 0) {
            pos = last_rn;
            ADD(pos);
            continue;
        }
        if (nws > 1 && pos + nws < s->end) {
            pos += nws - 1;
            ADD(pos);
            continue;
        }
        if (nws > 0) {
            pos += nws;
            ADD(pos);
            continue;
        }
        pos++;
        ADD(pos);
    }
#undef ADD
}

/* ------------------------------------------------------------- configs -- */

#define RX_GPT2 "\x01gpt2"
#define RX_LLAMA3 "\x01llama3"

#define GPT2_RX "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"
#define QWEN2_RX                                                                                  \
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"     \
    "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

typedef struct pre_config {
    const char *names;        /* '|'-separated */
    const char *rx[7];        /* NULL-terminated */
    bool clean_spaces;
    bool ignore_merges;
    int add_bos, add_sep;
    bool no_bos_token;
} pre_config;

/* From llama.cpp's llama-vocab.cpp (pre-tokenizer names and expressions). */
static const pre_config configs[] = {
    {"default", {"[\\p{P}\\$\\+<=>\\^~\\|]+", RX_GPT2, "\\p{N}+", "[0-9][0-9][0-9]"}, true, false, -1, -1, false},
    {"llama3|llama-v3|llama-bpe|falcon3|falcon-h1|pixtral|midm-2.0|lfm2|jina-v5-nano", {RX_LLAMA3},
     true, true, 1, -1, false},
    {"dbrx|smaug-bpe", {RX_LLAMA3}, true, false, -1, -1, false},
    {"glm4|chatglm-bpe", {RX_LLAMA3}, true, false, -1, -1, true},
    {"deepseek-llm",
     {"[\r\n]",
      "\\s?[A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af"
      "\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5"
      "\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba"
      "\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45"
      "\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe"
      "\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc"
      "\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134"
      "\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee"
      "\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf"
      "\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\U00010400-\U0001044f\U000104b0-\U000104d3"
      "\U000104d8-\U000104fb\U00010c80-\U00010cb2\U00010cc0-\U00010cf2\U000118a0-\U000118df"
      "\U0001e900-\U0001e943]+",
      "\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+", "\\s+$",
      "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", "\\p{N}+"},
     false, false, -1, -1, false},
    {"deepseek-coder",
     {"[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", "\\p{N}"},
     false, false, -1, -1, false},
    {"deepseek-v3|hunyuan-dense|joyai-llm|hy_v4",
     {"\\p{N}{1,3}", "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
      " ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"falcon", {"[\\p{P}\\$\\+<=>\\^~\\|`]+", RX_GPT2, "[0-9][0-9][0-9]"}, true, false, -1, -1, false},
    {"starcoder|refact|codeshell|exaone|minerva-7b|mellum2", {"\\p{N}", RX_GPT2}, true, false, -1, -1, false},
    {"command-r|smollm", {"\\p{N}", RX_GPT2}, false, false, -1, -1, false},
    {"gpt-2|phi-2|jina-es|jina-de|gigachat|jina-v2-es|jina-v2-de|a.x-4.0|mellum|modern-bert|exaone4|"
     "mpt|olmo|jais",
     {RX_GPT2}, true, false, -1, -1, false},
    {"trillion|granite-docling", {RX_GPT2}, false, false, -1, -1, false},
    {"jina-v1-en|jina-v2-code|roberta-bpe", {RX_GPT2}, true, false, -1, 1, false},
    {"qwen2|deepseek-r1-qwen|kormo|f2llmv2|hunyuan|solar-open|grok-2", {QWEN2_RX}, false, false, -1, -1, false},
    {"stablelm2|megrez", {QWEN2_RX}, true, false, -1, -1, false},
    {"qwen35",
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|"
      "\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"poro-chat", {" ?[^(\\s|.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c)]+"}, false, false, -1, -1, false},
    {"bloom|gpt3-finnish", {" ?[^(\\s|.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c)]+"}, true, false, -1, -1, false},
    {"viking", {" ?[^(\\s|.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c)]+", "\\p{N}"}, false, false, -1, -1, false},
    {"bailingmoe|bailingmoe2|llada-moe",
     {"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
      " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"seed-coder",
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
      "\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"ufakzeka",
     {"[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"tekken",
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|"
      "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}|"
      " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, true, 1, -1, false},
    {"gpt-4o|llama4|kanana2|talkie|minimax-m2",
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|"
      "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|"
      "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false, -1, -1, false},
    {"granite-embed-multi-97m",
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+"
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|"
      "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*"
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|"
      "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, true, -1, -1, false},
    {"laguna",
     {"[^\\n]+|[\\n]+", QWEN2_RX}, false, false, -1, -1, false},
    {"jais-2",
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
      "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|"
      "\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|"
      "\\s{1,2}(?!\\S)|\\s{1}"},
     true, false, -1, -1, false},
    {"spark2_5",
     {"\\p{N}{1,3}", "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|"
      " ?[\\p{P}\\p{S}]+|[\r\n]|\\s+(?!\\S)|\\s+",
      "\\p{N}"},
     false, false, -1, -1, false},
    {"minicpm5",
     {"\\p{N}{1,3}",
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
      "\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, true, -1, -1, false},
};

struct pretok {
    size_t n_rx;
    rx *rx[7];
    int custom[7];  /* 0 regex, 1 gpt2, 2 llama3 */
};

static bool name_in(const char *names, const char *name, size_t n)
{
    const char *p = names;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == n && memcmp(p, name, n) == 0)
            return true;
        if (!bar)
            return false;
        p = bar + 1;
    }
}

void pretok_free(pretok *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_rx; i++)
        rx_free(p->rx[i]);
    free(p);
}

quire_status pretok_new(const char *name, size_t name_len, pretok **out, pretok_info *info,
                        quire_error *err)
{
    *out = NULL;
    if (!name || name_len == 0) {
        name = "default";
        name_len = 7;
    }
    const pre_config *cfg = NULL;
    for (size_t i = 0; i < sizeof configs / sizeof configs[0] && !cfg; i++)
        if (name_in(configs[i].names, name, name_len))
            cfg = &configs[i];
    if (!cfg)
        return quire_error_set(err, QUIRE_ERR_UNSUPPORTED, "unknown pre-tokenizer type '%.*s'",
                               (int)(name_len > 64 ? 64 : name_len), name);
    pretok *p = calloc(1, sizeof *p);
    if (!p)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < 7 && cfg->rx[i]; i++) {
        p->n_rx = i + 1;
        if (!strcmp(cfg->rx[i], RX_GPT2)) {
            p->custom[i] = 1;
        } else if (!strcmp(cfg->rx[i], RX_LLAMA3)) {
            p->custom[i] = 2;
        } else if (!strcmp(cfg->rx[i], GPT2_RX)) {
            p->custom[i] = 1;
        } else if (!(p->rx[i] = rx_compile(cfg->rx[i]))) {
            pretok_free(p);
            return quire_error_set(err, QUIRE_ERR_UNSUPPORTED,
                                   "pre-tokenizer '%.*s': cannot compile expression %zu",
                                   (int)(name_len > 64 ? 64 : name_len), name, i);
        }
    }
    if (info) {
        info->clean_spaces = cfg->clean_spaces;
        info->ignore_merges = cfg->ignore_merges;
        info->add_bos = cfg->add_bos;
        info->add_sep = cfg->add_sep;
        info->no_bos_token = cfg->no_bos_token;
    }
    *out = p;
    return QUIRE_OK;
}

/* Run one expression over every fragment in `in`, producing `out`. */
static void split_rx(const rx *r, const uint32_t *units, size_t n, const size_t *in, size_t n_in,
                     words *out, uint64_t *steps)
{
    size_t start = 0;
    for (size_t f = 0; f < n_in; f++) {
        rx_ctx cx = {units, start, start + in[f], r->collapsed, steps};
        size_t prev = start;
        if (r->suffix_run) {
            size_t q = cx.end;
            while (q > start && cls_match(&r->alts[0].nodes[0].cls, units[q - 1]))
                q--;
            words_add(out, q - start);
            words_add(out, cx.end - q);
            start = cx.end;
            continue;
        }
        for (size_t pos = start; pos < cx.end;) {
            long e = m_alts(&cx, r->alts, r->n_alts, pos, NULL);
            if (e > (long)pos) {
                words_add(out, pos - prev);
                words_add(out, (size_t)e - pos);
                prev = pos = (size_t)e;
            } else {
                pos++;
            }
        }
        words_add(out, cx.end - prev);
        start = cx.end;
    }
    (void)n;
}

quire_status pretok_split(const pretok *p, const uint32_t *cps, size_t n, size_t **lens,
                          size_t *n_words)
{
    *lens = NULL;
    *n_words = 0;
    words cur = {0};
    words_add(&cur, n);
    uint32_t *units = NULL;
    int units_mode = -1; /* 0 wide, 1 collapsed */
    uint64_t steps = (uint64_t)n * 2000 + 1000000;
    for (size_t i = 0; i < p->n_rx && !cur.oom; i++) {
        words next = {0};
        if (p->custom[i]) {
            size_t start = 0;
            for (size_t f = 0; f < cur.n; f++) {
                span s = {cps, start, start + cur.len[f]};
                if (p->custom[i] == 1)
                    split_gpt2(&s, &next);
                else
                    split_llama3(&s, &next);
                start += cur.len[f];
            }
        } else {
            int mode = p->rx[i]->collapsed ? 1 : 0;
            if (mode != units_mode) {
                if (!units && !(units = xcalloc(n, sizeof *units))) {
                    cur.oom = true;
                    break;
                }
                for (size_t j = 0; j < n; j++) {
                    uint32_t c = cps[j];
                    if (c < 0x80)
                        units[j] = c;
                    else if (uni_is_space(c))
                        units[j] = 0x0B;
                    else
                        units[j] = mode ? collapse_marker(ucat(c)) : c;
                }
                units_mode = mode;
            }
            split_rx(p->rx[i], units, n, cur.len, cur.n, &next, &steps);
            if (steps == 0) {
                free(next.len);
                free(cur.len);
                free(units);
                return QUIRE_ERR_TOO_BIG;
            }
        }
        free(cur.len);
        cur = next;
    }
    free(units);
    if (cur.oom) {
        free(cur.len);
        return QUIRE_ERR_NOMEM;
    }
    *lens = cur.len;
    *n_words = cur.n;
    return QUIRE_OK;
}
