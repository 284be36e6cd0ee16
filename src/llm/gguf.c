/* GGUF v2/v3 reader over mmap (format: see include/quire/gguf.h).
 *
 * Parsing is one forward pass over the bytes with a cursor that refuses to
 * move past the end. Values keep pointers into the mapping; only the index
 * structures (keys, value nodes for string/array arrays, tensor table, hash
 * tables) are allocated, and their sizes are bounded by the file size because
 * every element is checked to fit in the bytes left before allocating.
 */
#include "quire/gguf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the GGUF reader assumes a little-endian host"
#endif

enum {
    GGUF_DEFAULT_ALIGNMENT = 32,
    GGUF_MAX_ALIGNMENT = 1 << 20,  /* "sane": larger alignments are refused */
    GGUF_MAX_DEPTH = 8,            /* array nesting */
    GGUF_MAX_NAME = 64,            /* ggml's GGML_MAX_NAME, NUL included */
    GGUF_MAX_DIMS = 4,
};

/* ---- ggml type table ---- */

typedef struct ggml_type_info {
    const char *name;
    uint16_t blck;  /* elements per block */
    uint16_t size;  /* bytes per block */
} ggml_type_info;

static const ggml_type_info ggml_types[QUIRE_GGML_TYPE_COUNT] = {
    [QUIRE_GGML_F32] = {"F32", 1, 4},
    [QUIRE_GGML_F16] = {"F16", 1, 2},
    [QUIRE_GGML_Q4_0] = {"Q4_0", 32, 18},
    [QUIRE_GGML_Q4_1] = {"Q4_1", 32, 20},
    [QUIRE_GGML_Q5_0] = {"Q5_0", 32, 22},
    [QUIRE_GGML_Q5_1] = {"Q5_1", 32, 24},
    [QUIRE_GGML_Q8_0] = {"Q8_0", 32, 34},
    [QUIRE_GGML_Q8_1] = {"Q8_1", 32, 36},
    [QUIRE_GGML_Q2_K] = {"Q2_K", 256, 84},
    [QUIRE_GGML_Q3_K] = {"Q3_K", 256, 110},
    [QUIRE_GGML_Q4_K] = {"Q4_K", 256, 144},
    [QUIRE_GGML_Q5_K] = {"Q5_K", 256, 176},
    [QUIRE_GGML_Q6_K] = {"Q6_K", 256, 210},
    [QUIRE_GGML_Q8_K] = {"Q8_K", 256, 292},
    [QUIRE_GGML_IQ2_XXS] = {"IQ2_XXS", 256, 66},
    [QUIRE_GGML_IQ2_XS] = {"IQ2_XS", 256, 74},
    [QUIRE_GGML_IQ3_XXS] = {"IQ3_XXS", 256, 98},
    [QUIRE_GGML_IQ1_S] = {"IQ1_S", 256, 50},
    [QUIRE_GGML_IQ4_NL] = {"IQ4_NL", 32, 18},
    [QUIRE_GGML_IQ3_S] = {"IQ3_S", 256, 110},
    [QUIRE_GGML_IQ2_S] = {"IQ2_S", 256, 82},
    [QUIRE_GGML_IQ4_XS] = {"IQ4_XS", 256, 136},
    [QUIRE_GGML_I8] = {"I8", 1, 1},
    [QUIRE_GGML_I16] = {"I16", 1, 2},
    [QUIRE_GGML_I32] = {"I32", 1, 4},
    [QUIRE_GGML_I64] = {"I64", 1, 8},
    [QUIRE_GGML_F64] = {"F64", 1, 8},
    [QUIRE_GGML_IQ1_M] = {"IQ1_M", 256, 56},
    [QUIRE_GGML_BF16] = {"BF16", 1, 2},
    [QUIRE_GGML_TQ1_0] = {"TQ1_0", 256, 54},
    [QUIRE_GGML_TQ2_0] = {"TQ2_0", 256, 66},
    [QUIRE_GGML_MXFP4] = {"MXFP4", 32, 17},
};

bool quire_ggml_type_size(uint32_t type, size_t *block_elems, size_t *block_bytes)
{
    if (type >= QUIRE_GGML_TYPE_COUNT || !ggml_types[type].name)
        return false;
    if (block_elems)
        *block_elems = ggml_types[type].blck;
    if (block_bytes)
        *block_bytes = ggml_types[type].size;
    return true;
}

const char *quire_ggml_type_name(uint32_t type)
{
    return type < QUIRE_GGML_TYPE_COUNT ? ggml_types[type].name : NULL;
}

static const char *const gguf_type_names[QUIRE_GGUF_TYPE_COUNT] = {
    "UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32",
    "BOOL", "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64",
};

const char *quire_gguf_type_name(quire_gguf_type type)
{
    return (unsigned)type < QUIRE_GGUF_TYPE_COUNT ? gguf_type_names[type] : "?";
}

/* Bytes of one scalar of this type; 0 for STRING/ARRAY/unknown. */
static size_t scalar_size(uint32_t t)
{
    switch (t) {
    case QUIRE_GGUF_UINT8: case QUIRE_GGUF_INT8: case QUIRE_GGUF_BOOL: return 1;
    case QUIRE_GGUF_UINT16: case QUIRE_GGUF_INT16: return 2;
    case QUIRE_GGUF_UINT32: case QUIRE_GGUF_INT32: case QUIRE_GGUF_FLOAT32: return 4;
    case QUIRE_GGUF_UINT64: case QUIRE_GGUF_INT64: case QUIRE_GGUF_FLOAT64: return 8;
    default: return 0;
    }
}

/* Smallest encoding of one element: used to bound counts before allocating. */
static size_t min_elem_size(uint32_t t)
{
    if (t == QUIRE_GGUF_STRING)
        return 8;
    if (t == QUIRE_GGUF_ARRAY)
        return 12;
    return scalar_size(t);
}

/* ---- the handle ---- */

typedef struct gguf_kv {
    char *key;
    quire_gguf_value val;
} gguf_kv;

struct quire_gguf {
    const unsigned char *base;
    size_t size;
    void *map;        /* mmap'd region (NULL for buffers) */
    size_t map_len;
    uint32_t version;
    size_t alignment;
    uint64_t data_offset;

    gguf_kv *kv;
    size_t n_kv;
    quire_gguf_tensor *tensors;
    size_t n_tensors;

    /* value nodes of string/array arrays, freed as a list of blocks */
    quire_gguf_value **blocks;
    size_t n_blocks, cap_blocks;

    /* open-addressing hash tables of indices + 1 (0 = empty) */
    size_t *kv_hash, kv_hash_cap;
    size_t *t_hash, t_hash_cap;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* cap: power of two > 2n (allocation checked by caller) */
static size_t hash_cap_for(size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 1)
        cap <<= 1;
    return cap;
}

/* Find name in a table whose entries name strings via get(i). Returns the
 * slot holding it, or the empty slot where it would go. */
typedef const char *(*name_of_fn)(const quire_gguf *g, size_t i);

static const char *kv_name(const quire_gguf *g, size_t i) { return g->kv[i].key; }
static const char *tensor_name(const quire_gguf *g, size_t i) { return g->tensors[i].name; }

static size_t hash_slot(const quire_gguf *g, const size_t *tab, size_t cap, name_of_fn name_of,
                        const char *name)
{
    size_t mask = cap - 1;
    size_t i = (size_t)hash_bytes(name, strlen(name)) & mask;
    while (tab[i] && strcmp(name_of(g, tab[i] - 1), name) != 0)
        i = (i + 1) & mask;
    return i;
}

/* ---- cursor ---- */

typedef struct cursor {
    const unsigned char *p;
    size_t pos, len;
    quire_error *err;
} cursor;

static quire_status need(cursor *c, size_t n, const char *what)
{
    if (n > c->len - c->pos)
        return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                               "GGUF: %s at offset %zu runs past end of file (%zu bytes)", what,
                               c->pos, c->len);
    return QUIRE_OK;
}

static quire_status rd_u32(cursor *c, uint32_t *v, const char *what)
{
    quire_status st = need(c, 4, what);
    if (st)
        return st;
    memcpy(v, c->p + c->pos, 4);
    c->pos += 4;
    return QUIRE_OK;
}

static quire_status rd_u64(cursor *c, uint64_t *v, const char *what)
{
    quire_status st = need(c, 8, what);
    if (st)
        return st;
    memcpy(v, c->p + c->pos, 8);
    c->pos += 8;
    return QUIRE_OK;
}

/* A string: returns a pointer into the buffer and its length. */
static quire_status rd_str(cursor *c, const unsigned char **s, uint64_t *n, const char *what)
{
    size_t at = c->pos;
    quire_status st = rd_u64(c, n, what);
    if (st)
        return st;
    if (*n > c->len - c->pos)
        return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                               "GGUF: %s at offset %zu: string length %" PRIu64
                               " runs past end of file (%zu bytes left)",
                               what, at, *n, c->len - c->pos);
    *s = c->p + c->pos;
    c->pos += (size_t)*n;
    return QUIRE_OK;
}

static quire_gguf_value *alloc_values(quire_gguf *g, uint64_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(quire_gguf_value))
        return NULL;
    if (g->n_blocks == g->cap_blocks) {
        size_t nc = g->cap_blocks ? g->cap_blocks * 2 : 16;
        quire_gguf_value **nb = realloc(g->blocks, nc * sizeof *nb);
        if (!nb)
            return NULL;
        g->blocks = nb;
        g->cap_blocks = nc;
    }
    quire_gguf_value *v = calloc((size_t)n, sizeof *v);
    if (v)
        g->blocks[g->n_blocks++] = v;
    return v;
}

/* Parse a value of type t at the cursor into *v (key names the owner for
 * messages). depth counts array nesting. */
static quire_status parse_value(quire_gguf *g, cursor *c, uint32_t t, quire_gguf_value *v,
                                const char *key, int depth)
{
    quire_status st;
    v->type = t;
    size_t sz = scalar_size(t);
    if (sz) {
        if ((st = need(c, sz, "value")))
            return quire_error_set(c->err, st, "GGUF: key '%s': value runs past end of file", key);
        v->raw = c->p + c->pos;
        v->n = 0;
        c->pos += sz;
        return QUIRE_OK;
    }
    if (t == QUIRE_GGUF_STRING) {
        uint64_t n;
        size_t at = c->pos;
        if (need(c, 8, "string length"))
            return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                                   "GGUF: key '%s': string length at offset %zu runs past end of file",
                                   key, at);
        memcpy(&n, c->p + c->pos, 8);
        c->pos += 8;
        if (n > c->len - c->pos)
            return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                                   "GGUF: key '%s': string length %" PRIu64 " at offset %zu runs "
                                   "past end of file (%zu bytes left)",
                                   key, n, at, c->len - c->pos);
        v->raw = c->p + c->pos;
        v->n = n;
        c->pos += (size_t)n;
        return QUIRE_OK;
    }
    if (t != QUIRE_GGUF_ARRAY)
        return quire_error_set(c->err, QUIRE_ERR_FORMAT, "GGUF: key '%s': unknown value type %" PRIu32,
                               key, t);
    if (depth >= GGUF_MAX_DEPTH)
        return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                               "GGUF: key '%s': arrays nested deeper than %d", key, GGUF_MAX_DEPTH);
    uint32_t et;
    uint64_t n;
    if ((st = rd_u32(c, &et, "array type")) || (st = rd_u64(c, &n, "array count")))
        return quire_error_set(c->err, st, "GGUF: key '%s': array header runs past end of file", key);
    if (et >= QUIRE_GGUF_TYPE_COUNT)
        return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                               "GGUF: key '%s': unknown array element type %" PRIu32, key, et);
    size_t left = c->len - c->pos;
    if (n > left / min_elem_size(et))
        return quire_error_set(c->err, QUIRE_ERR_FORMAT,
                               "GGUF: key '%s': array of %" PRIu64 " %s elements cannot fit in the "
                               "%zu bytes left",
                               key, n, quire_gguf_type_name((quire_gguf_type)et), left);
    v->arr_type = et;
    v->n = n;
    v->raw = c->p + c->pos;
    sz = scalar_size(et);
    if (sz) {
        c->pos += (size_t)n * sz; /* fits: checked above */
        return QUIRE_OK;
    }
    if (n == 0)
        return QUIRE_OK;
    quire_gguf_value *elems = alloc_values(g, n);
    if (!elems)
        return quire_error_set(c->err, QUIRE_ERR_NOMEM, "GGUF: key '%s': out of memory for %" PRIu64
                               " array elements", key, n);
    v->elems = elems;
    for (uint64_t j = 0; j < n; j++)
        if ((st = parse_value(g, c, et, &elems[j], key, depth + 1)))
            return st;
    return QUIRE_OK;
}

static bool has_nul(const unsigned char *s, size_t n)
{
    return memchr(s, 0, n) != NULL;
}

static char *dup_bytes(const unsigned char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static int cmp_tensor_offset(const void *a, const void *b)
{
    const quire_gguf_tensor *x = *(const quire_gguf_tensor *const *)a;
    const quire_gguf_tensor *y = *(const quire_gguf_tensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static quire_status parse(quire_gguf *g, quire_error *err)
{
    cursor c = {g->base, 0, g->size, err};
    quire_status st;

    if (g->size < 4 || memcmp(g->base, "GGUF", 4) != 0)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "GGUF: bad magic (not a GGUF file)");
    c.pos = 4;
    if ((st = rd_u32(&c, &g->version, "version")))
        return st;
    if (g->version == 1)
        return quire_error_set(err, QUIRE_ERR_UNSUPPORTED,
                               "GGUF: version 1 files are not supported (convert to v3)");
    if (g->version != 2 && g->version != 3)
        return quire_error_set(err, QUIRE_ERR_FORMAT, "GGUF: unknown version %" PRIu32,
                               g->version);
    uint64_t n_tensors, n_kv;
    if ((st = rd_u64(&c, &n_tensors, "tensor count")) || (st = rd_u64(&c, &n_kv, "key count")))
        return st;
    /* a tensor info takes >= 8+4+8+4+8 bytes, a kv >= 8+4+1 */
    size_t left = c.len - c.pos;
    if (n_tensors > left / 32 || n_tensors > SIZE_MAX / sizeof(quire_gguf_tensor))
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "GGUF: tensor count %" PRIu64 " too large for a %zu-byte file",
                               n_tensors, g->size);
    if (n_kv > left / 13 || n_kv > SIZE_MAX / sizeof(gguf_kv))
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "GGUF: key count %" PRIu64 " too large for a %zu-byte file", n_kv,
                               g->size);

    /* metadata */
    g->kv = calloc(n_kv ? (size_t)n_kv : 1, sizeof *g->kv);
    g->kv_hash_cap = hash_cap_for((size_t)n_kv);
    g->kv_hash = calloc(g->kv_hash_cap, sizeof *g->kv_hash);
    if (!g->kv || !g->kv_hash)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
    g->alignment = GGUF_DEFAULT_ALIGNMENT;
    for (uint64_t i = 0; i < n_kv; i++) {
        const unsigned char *ks;
        uint64_t kn;
        size_t at = c.pos;
        if ((st = rd_str(&c, &ks, &kn, "key")))
            return st;
        if (kn == 0 || has_nul(ks, (size_t)kn))
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: key %" PRIu64 " at offset %zu is empty or contains a NUL byte",
                                   i, at);
        gguf_kv *kv = &g->kv[i];
        if (!(kv->key = dup_bytes(ks, (size_t)kn)))
            return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
        g->n_kv = (size_t)i + 1;
        size_t slot = hash_slot(g, g->kv_hash, g->kv_hash_cap, kv_name, kv->key);
        if (g->kv_hash[slot])
            return quire_error_set(err, QUIRE_ERR_DUPLICATE, "GGUF: duplicate key '%s'", kv->key);
        g->kv_hash[slot] = (size_t)i + 1;
        uint32_t t;
        if ((st = rd_u32(&c, &t, "value type")))
            return quire_error_set(err, st, "GGUF: key '%s': value type runs past end of file",
                                   kv->key);
        if ((st = parse_value(g, &c, t, &kv->val, kv->key, 0)))
            return st;
    }

    const quire_gguf_value *al = quire_gguf_get(g, "general.alignment");
    if (al) {
        uint32_t a;
        if (al->type != QUIRE_GGUF_UINT32)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: general.alignment has type %s, expected UINT32",
                                   quire_gguf_type_name((quire_gguf_type)al->type));
        memcpy(&a, al->raw, 4);
        if (a == 0 || (a & (a - 1)) != 0 || a > GGUF_MAX_ALIGNMENT)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: general.alignment %" PRIu32
                                   " must be a power of two between 1 and %d",
                                   a, GGUF_MAX_ALIGNMENT);
        g->alignment = a;
    }

    /* tensor infos */
    g->tensors = calloc(n_tensors ? (size_t)n_tensors : 1, sizeof *g->tensors);
    g->t_hash_cap = hash_cap_for((size_t)n_tensors);
    g->t_hash = calloc(g->t_hash_cap, sizeof *g->t_hash);
    if (!g->tensors || !g->t_hash)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
    for (uint64_t i = 0; i < n_tensors; i++) {
        quire_gguf_tensor *t = &g->tensors[i];
        const unsigned char *ns;
        uint64_t nn;
        size_t at = c.pos;
        if ((st = rd_str(&c, &ns, &nn, "tensor name")))
            return st;
        if (nn == 0 || nn >= GGUF_MAX_NAME || has_nul(ns, (size_t)nn))
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor %" PRIu64 " at offset %zu: name is empty, longer "
                                   "than %d bytes or contains a NUL byte",
                                   i, at, GGUF_MAX_NAME - 1);
        char *name = dup_bytes(ns, (size_t)nn);
        if (!name)
            return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
        t->name = name;
        g->n_tensors = (size_t)i + 1;
        size_t slot = hash_slot(g, g->t_hash, g->t_hash_cap, tensor_name, name);
        if (g->t_hash[slot])
            return quire_error_set(err, QUIRE_ERR_DUPLICATE, "GGUF: duplicate tensor name '%s'",
                                   name);
        g->t_hash[slot] = (size_t)i + 1;
        if ((st = rd_u32(&c, &t->n_dims, "tensor dims")))
            return st;
        if (t->n_dims > GGUF_MAX_DIMS)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor '%s': %" PRIu32 " dimensions (at most %d)", name,
                                   t->n_dims, GGUF_MAX_DIMS);
        uint64_t ne_total = 1;
        for (int d = 0; d < GGUF_MAX_DIMS; d++) {
            uint64_t ne = 1;
            if ((uint32_t)d < t->n_dims && (st = rd_u64(&c, &ne, "tensor shape")))
                return st;
            if (ne > (uint64_t)INT64_MAX)
                return quire_error_set(err, QUIRE_ERR_FORMAT,
                                       "GGUF: tensor '%s': dimension %d is negative", name, d);
            if (ne != 0 && ne_total > (uint64_t)INT64_MAX / ne)
                return quire_error_set(err, QUIRE_ERR_FORMAT,
                                       "GGUF: tensor '%s': element count overflows", name);
            ne_total *= ne;
            t->ne[d] = (int64_t)ne;
        }
        t->n_elements = ne_total;
        if ((st = rd_u32(&c, &t->type, "tensor type")))
            return st;
        size_t blck, bsz;
        if (!quire_ggml_type_size(t->type, &blck, &bsz))
            return quire_error_set(err, QUIRE_ERR_FORMAT, "GGUF: tensor '%s': unknown ggml type %" PRIu32,
                                   name, t->type);
        if (t->ne[0] % (int64_t)blck != 0)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor '%s': row length %" PRId64
                                   " is not a multiple of the %s block size %zu",
                                   name, t->ne[0], ggml_types[t->type].name, blck);
        uint64_t nblocks = ne_total / blck;
        if (nblocks > SIZE_MAX / bsz)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor '%s': data size overflows", name);
        t->n_bytes = (size_t)(nblocks * bsz);
        if ((st = rd_u64(&c, &t->offset, "tensor offset")))
            return st;
    }

    /* data section */
    uint64_t data = c.pos;
    uint64_t rem = data % g->alignment;
    if (rem)
        data += g->alignment - rem;
    g->data_offset = data;
    if (n_tensors && data > g->size)
        return quire_error_set(err, QUIRE_ERR_FORMAT,
                               "GGUF: tensor data would start at %" PRIu64 ", past end of file (%zu bytes)",
                               data, g->size);
    uint64_t data_len = data <= g->size ? g->size - data : 0;
    for (size_t i = 0; i < g->n_tensors; i++) {
        quire_gguf_tensor *t = &g->tensors[i];
        if (t->offset % g->alignment)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor '%s': data offset %" PRIu64
                                   " is not a multiple of the alignment %zu",
                                   t->name, t->offset, g->alignment);
        if (t->offset > data_len || t->n_bytes > data_len - t->offset)
            return quire_error_set(err, QUIRE_ERR_FORMAT,
                                   "GGUF: tensor '%s': data [%" PRIu64 ", +%zu) lies outside the "
                                   "%" PRIu64 "-byte data section",
                                   t->name, t->offset, t->n_bytes, data_len);
        t->file_offset = data + t->offset;
        t->data = g->base + t->file_offset;
    }
    /* overlapping tensors would alias weights: refuse them */
    if (g->n_tensors > 1) {
        const quire_gguf_tensor **order = malloc(g->n_tensors * sizeof *order);
        if (!order)
            return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
        for (size_t i = 0; i < g->n_tensors; i++)
            order[i] = &g->tensors[i];
        qsort(order, g->n_tensors, sizeof *order, cmp_tensor_offset);
        for (size_t i = 1; i < g->n_tensors; i++) {
            const quire_gguf_tensor *a = order[i - 1], *b = order[i];
            if (a->n_bytes && b->n_bytes && a->offset + a->n_bytes > b->offset) {
                st = quire_error_set(err, QUIRE_ERR_FORMAT,
                                     "GGUF: tensors '%s' and '%s' overlap", a->name, b->name);
                free(order);
                return st;
            }
        }
        free(order);
    }
    return QUIRE_OK;
}

static quire_status open_common(quire_gguf *g, quire_gguf **out, quire_error *err)
{
    quire_status st = parse(g, err);
    if (st) {
        quire_gguf_close(g);
        return st;
    }
    *out = g;
    return QUIRE_OK;
}

quire_status quire_gguf_open_buffer(const void *buf, size_t len, quire_gguf **out,
                                    quire_error *err)
{
    if (!out || (!buf && len))
        return quire_error_set(err, QUIRE_ERR_INVALID, "GGUF: bad arguments");
    *out = NULL;
    quire_gguf *g = calloc(1, sizeof *g);
    if (!g)
        return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
    g->base = buf;
    g->size = len;
    return open_common(g, out, err);
}

quire_status quire_gguf_open(const char *path, quire_gguf **out, quire_error *err)
{
    if (!out || !path)
        return quire_error_set(err, QUIRE_ERR_INVALID, "GGUF: bad arguments");
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return quire_error_set(err, QUIRE_ERR_IO, "GGUF: cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_IO, "GGUF: %s is not a regular file", path);
    }
    if ((uint64_t)sb.st_size > SIZE_MAX) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_TOO_BIG, "GGUF: %s is too large to map", path);
    }
    size_t len = (size_t)sb.st_size;
    if (len == 0) {
        close(fd);
        return quire_error_set(err, QUIRE_ERR_FORMAT, "GGUF: %s is empty (bad magic)", path);
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return quire_error_set(err, QUIRE_ERR_IO, "GGUF: cannot map %s: %s", path, strerror(e));
    quire_gguf *g = calloc(1, sizeof *g);
    if (!g) {
        munmap(map, len);
        return quire_error_set(err, QUIRE_ERR_NOMEM, "GGUF: out of memory");
    }
    g->base = map;
    g->size = len;
    g->map = map;
    g->map_len = len;
    quire_status st = open_common(g, out, err);
    if (st && err) {
        /* prefix the path so the user knows which file */
        char tmp[sizeof err->msg];
        memcpy(tmp, err->msg, sizeof tmp);
        int n = snprintf(err->msg, sizeof err->msg, "%.200s: ", path);
        if (n > 0 && (size_t)n < sizeof err->msg)
            snprintf(err->msg + n, sizeof err->msg - (size_t)n, "%.300s", tmp);
    }
    return st;
}

void quire_gguf_close(quire_gguf *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_kv; i++)
        free(g->kv[i].key);
    free(g->kv);
    for (size_t i = 0; i < g->n_tensors; i++)
        free((char *)g->tensors[i].name);
    free(g->tensors);
    for (size_t i = 0; i < g->n_blocks; i++)
        free(g->blocks[i]);
    free(g->blocks);
    free(g->kv_hash);
    free(g->t_hash);
    if (g->map)
        munmap(g->map, g->map_len);
    free(g);
}

uint32_t quire_gguf_version(const quire_gguf *g) { return g->version; }
size_t quire_gguf_alignment(const quire_gguf *g) { return g->alignment; }
uint64_t quire_gguf_data_offset(const quire_gguf *g) { return g->data_offset; }
size_t quire_gguf_file_size(const quire_gguf *g) { return g->size; }
size_t quire_gguf_n_kv(const quire_gguf *g) { return g->n_kv; }

long quire_gguf_find_key(const quire_gguf *g, const char *key)
{
    if (!g || !key || !g->kv_hash)
        return -1;
    size_t slot = hash_slot(g, g->kv_hash, g->kv_hash_cap, kv_name, key);
    return g->kv_hash[slot] ? (long)(g->kv_hash[slot] - 1) : -1;
}

const char *quire_gguf_key(const quire_gguf *g, size_t i)
{
    return i < g->n_kv ? g->kv[i].key : NULL;
}

const quire_gguf_value *quire_gguf_kv_value(const quire_gguf *g, size_t i)
{
    return i < g->n_kv ? &g->kv[i].val : NULL;
}

const quire_gguf_value *quire_gguf_get(const quire_gguf *g, const char *key)
{
    long i = quire_gguf_find_key(g, key);
    return i < 0 ? NULL : &g->kv[i].val;
}

quire_gguf_type quire_gguf_value_type(const quire_gguf_value *v)
{
    return (quire_gguf_type)v->type;
}

bool quire_gguf_value_int(const quire_gguf_value *v, int64_t *out)
{
    if (!v)
        return false;
    switch (v->type) {
    case QUIRE_GGUF_UINT8: case QUIRE_GGUF_BOOL: { uint8_t x; memcpy(&x, v->raw, 1); *out = x; return true; }
    case QUIRE_GGUF_INT8: { int8_t x; memcpy(&x, v->raw, 1); *out = x; return true; }
    case QUIRE_GGUF_UINT16: { uint16_t x; memcpy(&x, v->raw, 2); *out = x; return true; }
    case QUIRE_GGUF_INT16: { int16_t x; memcpy(&x, v->raw, 2); *out = x; return true; }
    case QUIRE_GGUF_UINT32: { uint32_t x; memcpy(&x, v->raw, 4); *out = x; return true; }
    case QUIRE_GGUF_INT32: { int32_t x; memcpy(&x, v->raw, 4); *out = x; return true; }
    case QUIRE_GGUF_INT64: { int64_t x; memcpy(&x, v->raw, 8); *out = x; return true; }
    case QUIRE_GGUF_UINT64: {
        uint64_t x;
        memcpy(&x, v->raw, 8);
        if (x > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)x;
        return true;
    }
    default: return false;
    }
}

bool quire_gguf_value_uint(const quire_gguf_value *v, uint64_t *out)
{
    if (v && v->type == QUIRE_GGUF_UINT64) {
        memcpy(out, v->raw, 8);
        return true;
    }
    int64_t x;
    if (!quire_gguf_value_int(v, &x) || x < 0)
        return false;
    *out = (uint64_t)x;
    return true;
}

bool quire_gguf_value_float(const quire_gguf_value *v, double *out)
{
    if (!v)
        return false;
    if (v->type == QUIRE_GGUF_FLOAT32) {
        float f;
        memcpy(&f, v->raw, 4);
        *out = f;
        return true;
    }
    if (v->type == QUIRE_GGUF_FLOAT64) {
        memcpy(out, v->raw, 8);
        return true;
    }
    int64_t x;
    if (v->type == QUIRE_GGUF_BOOL || !quire_gguf_value_int(v, &x)) {
        uint64_t u;
        if (v->type != QUIRE_GGUF_UINT64 || !quire_gguf_value_uint(v, &u))
            return false;
        *out = (double)u;
        return true;
    }
    *out = (double)x;
    return true;
}

bool quire_gguf_value_bool(const quire_gguf_value *v, bool *out)
{
    if (!v || v->type != QUIRE_GGUF_BOOL)
        return false;
    *out = v->raw[0] != 0;
    return true;
}

bool quire_gguf_value_str(const quire_gguf_value *v, const char **ptr, size_t *len)
{
    if (!v || v->type != QUIRE_GGUF_STRING)
        return false;
    *ptr = (const char *)v->raw;
    *len = (size_t)v->n;
    return true;
}

quire_gguf_type quire_gguf_arr_type(const quire_gguf_value *v)
{
    return (quire_gguf_type)(v && v->type == QUIRE_GGUF_ARRAY ? v->arr_type : QUIRE_GGUF_TYPE_COUNT);
}

uint64_t quire_gguf_arr_n(const quire_gguf_value *v)
{
    return v && v->type == QUIRE_GGUF_ARRAY ? v->n : 0;
}

const quire_gguf_value *quire_gguf_arr_elem(const quire_gguf_value *v, uint64_t j,
                                            quire_gguf_value *scratch)
{
    if (!v || v->type != QUIRE_GGUF_ARRAY || j >= v->n)
        return NULL;
    if (v->elems)
        return &v->elems[j];
    size_t sz = scalar_size(v->arr_type);
    memset(scratch, 0, sizeof *scratch);
    scratch->type = v->arr_type;
    scratch->raw = v->raw + (size_t)j * sz;
    return scratch;
}

bool quire_gguf_arr_int(const quire_gguf_value *v, uint64_t j, int64_t *out)
{
    quire_gguf_value tmp;
    return quire_gguf_value_int(quire_gguf_arr_elem(v, j, &tmp), out);
}

bool quire_gguf_arr_float(const quire_gguf_value *v, uint64_t j, double *out)
{
    quire_gguf_value tmp;
    return quire_gguf_value_float(quire_gguf_arr_elem(v, j, &tmp), out);
}

bool quire_gguf_arr_str(const quire_gguf_value *v, uint64_t j, const char **ptr, size_t *len)
{
    quire_gguf_value tmp;
    return quire_gguf_value_str(quire_gguf_arr_elem(v, j, &tmp), ptr, len);
}

quire_status quire_gguf_get_str(const quire_gguf *g, const char *key, const char **ptr,
                                size_t *len)
{
    const quire_gguf_value *v = quire_gguf_get(g, key);
    if (!v)
        return QUIRE_ERR_NOT_FOUND;
    return quire_gguf_value_str(v, ptr, len) ? QUIRE_OK : QUIRE_ERR_FORMAT;
}

quire_status quire_gguf_get_int(const quire_gguf *g, const char *key, int64_t *out)
{
    const quire_gguf_value *v = quire_gguf_get(g, key);
    if (!v)
        return QUIRE_ERR_NOT_FOUND;
    return v->type != QUIRE_GGUF_BOOL && quire_gguf_value_int(v, out) ? QUIRE_OK : QUIRE_ERR_FORMAT;
}

quire_status quire_gguf_get_uint(const quire_gguf *g, const char *key, uint64_t *out)
{
    const quire_gguf_value *v = quire_gguf_get(g, key);
    if (!v)
        return QUIRE_ERR_NOT_FOUND;
    return v->type != QUIRE_GGUF_BOOL && quire_gguf_value_uint(v, out) ? QUIRE_OK : QUIRE_ERR_FORMAT;
}

quire_status quire_gguf_get_float(const quire_gguf *g, const char *key, double *out)
{
    const quire_gguf_value *v = quire_gguf_get(g, key);
    if (!v)
        return QUIRE_ERR_NOT_FOUND;
    return quire_gguf_value_float(v, out) ? QUIRE_OK : QUIRE_ERR_FORMAT;
}

quire_status quire_gguf_get_bool(const quire_gguf *g, const char *key, bool *out)
{
    const quire_gguf_value *v = quire_gguf_get(g, key);
    if (!v)
        return QUIRE_ERR_NOT_FOUND;
    return quire_gguf_value_bool(v, out) ? QUIRE_OK : QUIRE_ERR_FORMAT;
}

size_t quire_gguf_n_tensors(const quire_gguf *g) { return g->n_tensors; }

const quire_gguf_tensor *quire_gguf_tensor_at(const quire_gguf *g, size_t i)
{
    return i < g->n_tensors ? &g->tensors[i] : NULL;
}

const quire_gguf_tensor *quire_gguf_find_tensor(const quire_gguf *g, const char *name)
{
    if (!g || !name || !g->t_hash)
        return NULL;
    size_t slot = hash_slot(g, g->t_hash, g->t_hash_cap, tensor_name, name);
    return g->t_hash[slot] ? &g->tensors[g->t_hash[slot] - 1] : NULL;
}
