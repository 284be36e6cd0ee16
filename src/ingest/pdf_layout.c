/* Reading order of one PDF page (see pdf_layout.h for the method). */
#include "ingest/pdf_layout.h"
#include "util/array.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A gutter narrower than this is not a column break (points). LaTeX's
 * narrowest \columnsep is 10pt; word gaps never reach here because
 * fragments are already split at wide gaps. */
#define MIN_GUTTER 6.0
#define MAX_DEPTH 40
#define MAX_CUT_FRAGS 4000

typedef struct keyed {
    double key;
    size_t id;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key < y->key) return -1;
    if (x->key > y->key) return 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

typedef struct ctx {
    const pdf_frag *f;
    pdf_layout *out;
    keyed *tmp;              /* scratch, n entries */
    size_t lines_alloc, regions_alloc;
    quire_status rc;
} ctx;

/* Sort ids[0..n) by key(frag) using the scratch array. */
static void sort_ids(ctx *c, size_t *ids, size_t n, int axis)
{
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        c->tmp[i].key = axis == 0 ? fr->x0 : axis == 1 ? fr->y0 : (fr->y0 + fr->y1) / 2;
        c->tmp[i].id = ids[i];
    }
    qsort(c->tmp, n, sizeof *c->tmp, cmp_keyed);
    for (size_t i = 0; i < n; i++) ids[i] = c->tmp[i].id;
}

/* Vertical white bands (gutters) among ids: fills cuts[] with their middle
 * x (at most maxcuts) and returns how many. Reorders ids by x0. */
static size_t gutters(ctx *c, size_t *ids, size_t n, double *cuts, size_t maxcuts)
{
    if (n < 2) return 0;
    sort_ids(c, ids, n, 0);
    size_t k = 0;
    double end = c->f[ids[0]].x1;
    for (size_t i = 1; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        if (fr->x0 > end + MIN_GUTTER && k < maxcuts) cuts[k++] = (end + fr->x0) / 2;
        if (fr->x1 > end) end = fr->x1;
    }
    return k;
}

/* The white vertical bands of ids[0..n) (at most max) and their x extent.
 * Returns the number of bands. */
static size_t bands(ctx *c, const size_t *ids, size_t n, double (*gap)[2], size_t max,
                    double *x0, double *x1)
{
    size_t *cp = malloc((n ? n : 1) * sizeof *cp);
    if (!cp) {
        c->rc = QUIRE_ERR_NOMEM;
        return 0;
    }
    memcpy(cp, ids, n * sizeof *cp);
    sort_ids(c, cp, n, 0);
    size_t k = 0;
    double end = n ? c->f[cp[0]].x1 : 0;
    *x0 = n ? c->f[cp[0]].x0 : 0;
    for (size_t i = 1; i < n; i++) {
        const pdf_frag *fr = &c->f[cp[i]];
        if (fr->x0 > end + MIN_GUTTER && k < max) {
            gap[k][0] = end;
            gap[k][1] = fr->x0;
            k++;
        }
        if (fr->x1 > end) end = fr->x1;
    }
    *x1 = end;
    free(cp);
    return k;
}

/* May strips a (the group so far) and b be read as one region? Either both
 * are one column and stay so, or they share a gutter, or the one without a
 * gutter sits inside one column of the other. */
static bool mergeable(ctx *c, const size_t *a, size_t na, const size_t *b, size_t nb)
{
    double ga[16][2], gb[16][2], gu[1][2];
    double ax0, ax1, bx0, bx1, ux0, ux1;
    size_t ka = bands(c, a, na, ga, 16, &ax0, &ax1);
    size_t kb = bands(c, b, nb, gb, 16, &bx0, &bx1);
    /* a and b are adjacent in the ids array */
    size_t ku = bands(c, a, na + nb, gu, 1, &ux0, &ux1);
    if (c->rc) return false;
    if (!ka && !kb) return ku == 0;
    if (!ku) return false;
    if (ka && kb) return true;
    const double (*g)[2] = ka ? ga : gb;
    size_t k = ka ? ka : kb;
    double x0 = ka ? bx0 : ax0, x1 = ka ? bx1 : ax1;
    for (size_t i = 0; i < k; i++)
        if (x1 > g[i][0] + 1 && x0 < g[i][1] - 1) return false;
    return true;
}

static int new_region(ctx *c, bool table)
{
    pdf_layout *o = c->out;
    if ((c->rc = array_reserve((void **)&o->regions, &c->regions_alloc, o->nregions + 1, sizeof *o->regions)))
        return -1;
    pdf_region *r = &o->regions[o->nregions];
    r->x0 = r->y0 = INFINITY;
    r->x1 = r->y1 = -INFINITY;
    r->table = table;
    return (int)o->nregions++;
}

/* Append ids[0..n) (already in left-to-right order) as one line. */
static void push_line(ctx *c, int region, const size_t *ids, size_t n, const unsigned char *cell)
{
    pdf_layout *o = c->out;
    if ((c->rc = array_reserve((void **)&o->lines, &c->lines_alloc, o->nlines + 1, sizeof *o->lines))) return;
    pdf_line *l = &o->lines[o->nlines++];
    l->first = o->norder;
    l->n = n;
    l->x0 = l->y0 = INFINITY;
    l->x1 = l->y1 = -INFINITY;
    l->bold = true;
    l->region = region;
    double widest = -1;
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        o->order[o->norder] = ids[i];
        o->cell[o->norder] = cell ? cell[i] : 0;
        o->norder++;
        l->x0 = fmin(l->x0, fr->x0);
        l->y0 = fmin(l->y0, fr->y0);
        l->x1 = fmax(l->x1, fr->x1);
        l->y1 = fmax(l->y1, fr->y1);
        if (!fr->bold) l->bold = false;
        if (fr->x1 - fr->x0 > widest) {
            widest = fr->x1 - fr->x0;
            l->size = fr->size;
        }
    }
    pdf_region *r = &o->regions[region];
    r->x0 = fmin(r->x0, l->x0);
    r->y0 = fmin(r->y0, l->y0);
    r->x1 = fmax(r->x1, l->x1);
    r->y1 = fmax(r->y1, l->y1);
}

/* Group ids (sorted by vertical centre) into rows of overlapping boxes.
 * rows[i] is the start of row i in ids; returns the number of rows. */
static size_t group_rows(ctx *c, size_t *ids, size_t n, size_t *rows)
{
    sort_ids(c, ids, n, 2);
    size_t nr = 0;
    double top = 0, bot = 0;
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        double h = fr->y1 - fr->y0;
        double ov = fmin(bot, fr->y1) - fmax(top, fr->y0);
        if (nr == 0 || ov < 0.5 * fmin(h, bot - top)) {
            rows[nr++] = i;
            top = fr->y0;
            bot = fr->y1;
        } else {
            top = fmin(top, fr->y0);
            bot = fmax(bot, fr->y1);
        }
    }
    return nr;
}

/* A leaf region: lines top to bottom, fragments left to right. */
static void emit_leaf(ctx *c, size_t *ids, size_t n)
{
    int reg = new_region(c, false);
    if (reg < 0) return;
    size_t *rows = malloc((n + 1) * sizeof *rows);
    if (!rows) {
        c->rc = QUIRE_ERR_NOMEM;
        return;
    }
    size_t nr = group_rows(c, ids, n, rows);
    rows[nr] = n;
    for (size_t r = 0; r < nr && !c->rc; r++) {
        size_t *row = ids + rows[r];
        size_t m = rows[r + 1] - rows[r];
        sort_ids(c, row, m, 0);
        push_line(c, reg, row, m, NULL);
    }
    free(rows);
}

static int col_of(const double *cuts, size_t k, double x)
{
    size_t j = 0;
    while (j < k && x > cuts[j]) j++;
    return (int)j;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Columns that are really a table: short fragments sitting on baselines
 * shared across columns. If so, emit it row by row and return true. */
static bool try_table(ctx *c, size_t *ids, size_t n, const double *cuts, size_t k)
{
    if (n < 4) return false;
    double rx0 = INFINITY, rx1 = -INFINITY;
    size_t *chars = malloc(n * sizeof *chars);
    double *widths = malloc(n * sizeof *widths);
    size_t *rows = malloc((n + 1) * sizeof *rows);
    unsigned char *cell = malloc(n);
    bool table = false;
    if (!chars || !widths || !rows || !cell) {
        c->rc = QUIRE_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        rx0 = fmin(rx0, fr->x0);
        rx1 = fmax(rx1, fr->x1);
        chars[i] = fr->len;
        widths[i] = fr->x1 - fr->x0;
    }
    /* body text fills its column; table cells rarely do */
    double cx0[17], cx1[17];
    for (size_t j = 0; j <= k; j++) {
        cx0[j] = INFINITY;
        cx1[j] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        int j = col_of(cuts, k, fr->x0);
        cx0[j] = fmin(cx0[j], fr->x0);
        cx1[j] = fmax(cx1[j], fr->x1);
    }
    size_t full = 0;
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        int j = col_of(cuts, k, fr->x0);
        if (fr->len > 25 && fr->x1 - fr->x0 > 0.8 * (cx1[j] - cx0[j])) full++;
    }
    if (full * 100 > n * 15) goto out;
    qsort(chars, n, sizeof *chars, cmp_size);
    size_t med_chars = chars[n / 2];
    for (size_t i = 0; i < n; i++) chars[i] = (size_t)(widths[i] * 16);
    qsort(chars, n, sizeof *chars, cmp_size);
    double med_width = chars[n / 2] / 16.0;
    if (med_chars > 30 || med_width > 0.35 * (rx1 - rx0)) goto out;

    size_t nr = group_rows(c, ids, n, rows);
    rows[nr] = n;
    if (nr < 2) goto out;
    size_t multi = 0;
    for (size_t r = 0; r < nr; r++) {
        int first = -1;
        bool many = false;
        for (size_t i = rows[r]; i < rows[r + 1]; i++) {
            int col = col_of(cuts, k, c->f[ids[i]].x0);
            if (first < 0) first = col;
            else if (col != first) many = true;
        }
        multi += many;
    }
    if (multi * 10 < nr * 6) goto out;

    table = true;
    int reg = new_region(c, true);
    if (reg < 0) goto out;
    for (size_t r = 0; r < nr && !c->rc; r++) {
        size_t *row = ids + rows[r];
        size_t m = rows[r + 1] - rows[r];
        sort_ids(c, row, m, 0);
        for (size_t i = 0; i < m; i++)
            cell[i] = i > 0 && col_of(cuts, k, c->f[row[i]].x0) !=
                                   col_of(cuts, k, c->f[row[i - 1]].x0);
        push_line(c, reg, row, m, cell);
    }
out:
    free(chars);
    free(widths);
    free(rows);
    free(cell);
    return table;
}

static void cut(ctx *c, size_t *ids, size_t n, int depth);

/* Split ids by the gutters cuts[0..k) and read the columns left to right. */
static void cut_columns(ctx *c, size_t *ids, size_t n, const double *cuts, size_t k, int depth)
{
    if (try_table(c, ids, n, cuts, k) || c->rc) return;
    sort_ids(c, ids, n, 0); /* try_table regrouped them by rows */
    /* ids is sorted by x0, so each column is a contiguous run. */
    size_t start = 0;
    for (size_t j = 0; j <= k && !c->rc; j++) {
        size_t end = start;
        while (end < n && (j == k || c->f[ids[end]].x0 < cuts[j])) end++;
        if (end > start) cut(c, ids + start, end - start, depth + 1);
        start = end;
    }
}

static void cut(ctx *c, size_t *ids, size_t n, int depth)
{
    if (!n || c->rc) return;
    if (n == 1 || depth > MAX_DEPTH) {
        emit_leaf(c, ids, n);
        return;
    }
    double cuts[16];
    size_t k = gutters(c, ids, n, cuts, 16);
    if (k) {
        /* one printed line with wide gaps ("2.   Design") is still a line */
        size_t *rows = malloc((n + 1) * sizeof *rows);
        if (!rows) {
            c->rc = QUIRE_ERR_NOMEM;
            return;
        }
        size_t nr = group_rows(c, ids, n, rows);
        free(rows);
        if (nr == 1) {
            emit_leaf(c, ids, n);
            return;
        }
        sort_ids(c, ids, n, 0);
    }
    if (k) {
        cut_columns(c, ids, n, cuts, k, depth);
        return;
    }
    /* Horizontal strips: ids sorted by top edge, split at white bands. */
    sort_ids(c, ids, n, 1);
    size_t *strip = malloc((n + 1) * sizeof *strip);
    if (!strip) {
        c->rc = QUIRE_ERR_NOMEM;
        return;
    }
    size_t ns = 0;
    double end = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const pdf_frag *fr = &c->f[ids[i]];
        if (i == 0 || fr->y0 > end + 0.1) strip[ns++] = i;
        if (fr->y1 > end) end = fr->y1;
    }
    strip[ns] = n;
    if (ns == 1) {
        free(strip);
        emit_leaf(c, ids, n);
        return;
    }
    /* Merge strips into groups that read as one region; read groups in order. */
    size_t g0 = 0;
    for (size_t s = 1; s <= ns && !c->rc; s++) {
        if (s < ns && mergeable(c, ids + strip[g0], strip[s] - strip[g0], ids + strip[s],
                                strip[s + 1] - strip[s]))
            continue;
        if (g0 == 0 && s == ns) emit_leaf(c, ids, n); /* one group, so one column */
        else cut(c, ids + strip[g0], strip[s] - strip[g0], depth + 1);
        g0 = s;
    }
    free(strip);
}

quire_status pdf_layout_page(const pdf_frag *frags, size_t n, pdf_layout *out)
{
    memset(out, 0, sizeof *out);
    if (!n) return QUIRE_OK;
    ctx c = {.f = frags, .out = out};
    size_t *ids = malloc(n * sizeof *ids);
    c.tmp = malloc(n * sizeof *c.tmp);
    out->order = malloc(n * sizeof *out->order);
    out->cell = malloc(n);
    if (!ids || !c.tmp || !out->order || !out->cell) {
        free(ids);
        free(c.tmp);
        pdf_layout_free(out);
        return QUIRE_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!frags[i].drop && frags[i].len) ids[m++] = i;
    /* Cutting costs O(m^2) at worst: a page with thousands of separate
     * text runs (a plot's labels, a hostile file) is read in rows. */
    if (m > MAX_CUT_FRAGS) emit_leaf(&c, ids, m);
    else cut(&c, ids, m, 0);
    free(ids);
    free(c.tmp);
    if (c.rc) pdf_layout_free(out);
    return c.rc;
}

void pdf_layout_free(pdf_layout *layout)
{
    free(layout->order);
    free(layout->cell);
    free(layout->lines);
    free(layout->regions);
    memset(layout, 0, sizeof *layout);
}
