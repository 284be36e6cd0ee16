/* GGUF reader: handcrafted files, one per failure mode, built here (no
 * committed blobs), plus a valid file exercising every value type, nested
 * arrays and tensor lookups, every truncation of a valid file, and a large
 * sparse file that must load by mmap without reading its data. */
#include "../testutil.h"
#include "quire/gguf.h"
#include "util/buf.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- builder ---- */

static void u32(buf *b, uint32_t v) { buf_append(b, &v, 4); }
static void u64(buf *b, uint64_t v) { buf_append(b, &v, 8); }
static void str(buf *b, const char *s)
{
    u64(b, strlen(s));
    buf_append(b, s, strlen(s));
}
static void header(buf *b, uint32_t version, uint64_t n_tensors, uint64_t n_kv)
{
    buf_append(b, "GGUF", 4);
    u32(b, version);
    u64(b, n_tensors);
    u64(b, n_kv);
}
static void kv_u32(buf *b, const char *k, uint32_t v)
{
    str(b, k);
    u32(b, QUIRE_GGUF_UINT32);
    u32(b, v);
}
static void kv_str(buf *b, const char *k, const char *v)
{
    str(b, k);
    u32(b, QUIRE_GGUF_STRING);
    str(b, v);
}
static void tinfo(buf *b, const char *name, uint32_t n_dims, const uint64_t *ne, uint32_t type,
                  uint64_t off)
{
    str(b, name);
    u32(b, n_dims);
    for (uint32_t i = 0; i < n_dims; i++)
        u64(b, ne[i]);
    u32(b, type);
    u64(b, off);
}
static void pad_to(buf *b, size_t align)
{
    while (b->len % align)
        buf_append_char(b, 0);
}
static void zeros(buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_append_char(b, 0);
}

/* Expect open_buffer to fail with code and a message containing needle. */
static void expect_fail(const char *what, buf *b, quire_status code, const char *needle)
{
    quire_gguf *g = (quire_gguf *)1;
    quire_error err = {0};
    quire_status st = quire_gguf_open_buffer(b->data, b->len, &g, &err);
    test_checks++;
    if (st != code || g != NULL || !strstr(err.msg, needle)) {
        test_failures++;
        fprintf(stderr, "FAIL %s: status %d (want %d), message \"%s\" (want \"%s\")\n", what, st,
                code, err.msg, needle);
    } else {
        fprintf(stderr, "ok   %-28s %s\n", what, err.msg);
    }
    quire_gguf_close(g == (quire_gguf *)1 ? NULL : g);
    buf_free(b);
}

static void bad_files(void)
{
    buf b = QUIRE_BUF_INIT(0);
    uint64_t ne2[2] = {32, 4};

    buf_append(&b, "GGML", 4);
    u32(&b, 3);
    u64(&b, 0);
    u64(&b, 0);
    expect_fail("bad magic", &b, QUIRE_ERR_FORMAT, "magic");

    buf_append(&b, "GG", 2);
    expect_fail("short file", &b, QUIRE_ERR_FORMAT, "magic");

    header(&b, 99, 0, 0);
    expect_fail("bad version", &b, QUIRE_ERR_FORMAT, "version 99");

    header(&b, 1, 0, 0);
    expect_fail("version 1", &b, QUIRE_ERR_UNSUPPORTED, "version 1");

    header(&b, 3, UINT64_MAX / 2, 0);
    expect_fail("n_tensors overflow", &b, QUIRE_ERR_FORMAT, "tensor count");

    header(&b, 3, 0, UINT64_MAX);
    expect_fail("n_kv overflow", &b, QUIRE_ERR_FORMAT, "key count");

    header(&b, 3, 0, 2);
    kv_u32(&b, "a", 1);
    u64(&b, 1000); /* key length past EOF */
    buf_append(&b, "abc", 3);
    expect_fail("key length past EOF", &b, QUIRE_ERR_FORMAT, "past end of file");

    header(&b, 3, 0, 1);
    str(&b, "general.name");
    u32(&b, QUIRE_GGUF_STRING);
    u64(&b, UINT64_MAX - 3); /* string value length past EOF */
    expect_fail("string length past EOF", &b, QUIRE_ERR_FORMAT, "general.name");

    header(&b, 3, 0, 1);
    str(&b, "tokenizer.ggml.tokens");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, QUIRE_GGUF_STRING);
    u64(&b, UINT64_MAX / 4); /* count * 8 would wrap */
    zeros(&b, 64);
    expect_fail("array count overflow", &b, QUIRE_ERR_FORMAT, "tokenizer.ggml.tokens");

    header(&b, 3, 0, 1);
    str(&b, "x.arr");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, QUIRE_GGUF_UINT64);
    u64(&b, 1000); /* 8000 bytes announced, 16 present */
    zeros(&b, 16);
    expect_fail("array past EOF", &b, QUIRE_ERR_FORMAT, "x.arr");

    header(&b, 3, 0, 1);
    str(&b, "x.arr");
    u32(&b, QUIRE_GGUF_ARRAY);
    u32(&b, 77); /* element type */
    u64(&b, 1);
    zeros(&b, 16);
    expect_fail("unknown array type", &b, QUIRE_ERR_FORMAT, "element type 77");

    header(&b, 3, 0, 1);
    str(&b, "deep");
    u32(&b, QUIRE_GGUF_ARRAY);
    for (int i = 0; i < 20; i++) {
        u32(&b, QUIRE_GGUF_ARRAY); /* element type */
        u64(&b, 1);                /* count */
    }
    zeros(&b, 400);
    expect_fail("arrays nested too deep", &b, QUIRE_ERR_FORMAT, "nested");

    header(&b, 3, 0, 1);
    str(&b, "k");
    u32(&b, 13);
    u32(&b, 0);
    expect_fail("unknown value type", &b, QUIRE_ERR_FORMAT, "unknown value type 13");

    header(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 3);
    expect_fail("alignment not power of 2", &b, QUIRE_ERR_FORMAT, "general.alignment 3");

    header(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 0);
    expect_fail("alignment zero", &b, QUIRE_ERR_FORMAT, "general.alignment 0");

    header(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 1u << 31);
    expect_fail("alignment too large", &b, QUIRE_ERR_FORMAT, "power of two");

    header(&b, 3, 0, 1);
    kv_str(&b, "general.alignment", "32");
    expect_fail("alignment wrong type", &b, QUIRE_ERR_FORMAT, "expected UINT32");

    header(&b, 3, 0, 3);
    kv_u32(&b, "a.b", 1);
    kv_u32(&b, "c", 2);
    kv_u32(&b, "a.b", 3);
    expect_fail("duplicate key", &b, QUIRE_ERR_DUPLICATE, "duplicate key 'a.b'");

    header(&b, 3, 0, 1);
    str(&b, "");
    u32(&b, QUIRE_GGUF_UINT32);
    u32(&b, 1);
    expect_fail("empty key", &b, QUIRE_ERR_FORMAT, "empty");

    header(&b, 3, 2, 0);
    tinfo(&b, "w", 2, ne2, QUIRE_GGML_F32, 0);
    tinfo(&b, "w", 2, ne2, QUIRE_GGML_F32, 512);
    pad_to(&b, 32);
    zeros(&b, 1024);
    expect_fail("duplicate tensor", &b, QUIRE_ERR_DUPLICATE, "duplicate tensor name 'w'");

    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne2, QUIRE_GGML_F32, 1024);
    pad_to(&b, 32);
    zeros(&b, 512);
    expect_fail("tensor offset out of file", &b, QUIRE_ERR_FORMAT, "'w': data");

    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne2, QUIRE_GGML_F32, 0);
    pad_to(&b, 32);
    zeros(&b, 100); /* needs 512 */
    expect_fail("tensor data past EOF", &b, QUIRE_ERR_FORMAT, "outside");

    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne2, QUIRE_GGML_F32, 16);
    pad_to(&b, 32);
    zeros(&b, 1024);
    expect_fail("tensor offset unaligned", &b, QUIRE_ERR_FORMAT, "alignment");

    {
        uint64_t big[4] = {1ull << 32, 1ull << 32, 1ull << 10, 1};
        header(&b, 3, 1, 0);
        tinfo(&b, "big", 4, big, QUIRE_GGML_F32, 0);
        pad_to(&b, 32);
        expect_fail("element count overflow", &b, QUIRE_ERR_FORMAT, "overflows");
    }
    {
        uint64_t big[2] = {1ull << 31, 1ull << 31}; /* 2^62 elements: fine, bytes 2^64 */
        header(&b, 3, 1, 0);
        tinfo(&b, "big", 2, big, QUIRE_GGML_F32, 0);
        pad_to(&b, 32);
        expect_fail("tensor size overflow", &b, QUIRE_ERR_FORMAT, "'big'");
    }
    {
        uint64_t neg[1] = {UINT64_MAX};
        header(&b, 3, 1, 0);
        tinfo(&b, "neg", 1, neg, QUIRE_GGML_F32, 0);
        expect_fail("negative dimension", &b, QUIRE_ERR_FORMAT, "negative");
    }
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne2, 4 /* retired Q4_2 */, 0);
    pad_to(&b, 32);
    zeros(&b, 512);
    expect_fail("unknown ggml type", &b, QUIRE_ERR_FORMAT, "unknown ggml type 4");

    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, ne2, 1000, 0);
    expect_fail("ggml type out of range", &b, QUIRE_ERR_FORMAT, "unknown ggml type 1000");

    {
        uint64_t ne5[5] = {1, 1, 1, 1, 1};
        header(&b, 3, 1, 0);
        tinfo(&b, "w5", 5, ne5, QUIRE_GGML_F32, 0);
        expect_fail("too many dims", &b, QUIRE_ERR_FORMAT, "5 dimensions");
    }
    {
        uint64_t ne[1] = {33};
        header(&b, 3, 1, 0);
        tinfo(&b, "q", 1, ne, QUIRE_GGML_Q4_0, 0);
        pad_to(&b, 32);
        zeros(&b, 64);
        expect_fail("row not a block multiple", &b, QUIRE_ERR_FORMAT, "block size 32");
    }
    header(&b, 3, 2, 0);
    tinfo(&b, "a", 2, ne2, QUIRE_GGML_F32, 0);
    tinfo(&b, "b", 2, ne2, QUIRE_GGML_F32, 256);
    pad_to(&b, 32);
    zeros(&b, 1024);
    expect_fail("overlapping tensors", &b, QUIRE_ERR_FORMAT, "overlap");

    header(&b, 3, 1, 0);
    str(&b, "very_long_tensor_name_that_goes_past_the_sixty_three_byte_limit_of_ggml");
    expect_fail("tensor name too long", &b, QUIRE_ERR_FORMAT, "longer than");
}

/* A valid file with every value type, nested arrays and two tensors. */
static void build_valid(buf *b)
{
    header(b, 3, 2, 9);
    kv_str(b, "general.architecture", "llama");
    kv_u32(b, "general.alignment", 64);
    str(b, "f32");
    u32(b, QUIRE_GGUF_FLOAT32);
    float f = 0.5f;
    buf_append(b, &f, 4);
    str(b, "i8");
    u32(b, QUIRE_GGUF_INT8);
    buf_append_char(b, (char)-5);
    str(b, "b");
    u32(b, QUIRE_GGUF_BOOL);
    buf_append_char(b, 1);
    str(b, "u64");
    u32(b, QUIRE_GGUF_UINT64);
    u64(b, UINT64_MAX);
    str(b, "f64");
    u32(b, QUIRE_GGUF_FLOAT64);
    double d = -2.25;
    buf_append(b, &d, 8);
    /* [[1,2],[3]] of INT16 */
    str(b, "nested");
    u32(b, QUIRE_GGUF_ARRAY);
    u32(b, QUIRE_GGUF_ARRAY);
    u64(b, 2);
    u32(b, QUIRE_GGUF_INT16);
    u64(b, 2);
    int16_t v[3] = {1, 2, 3};
    buf_append(b, v, 4);
    u32(b, QUIRE_GGUF_INT16);
    u64(b, 1);
    buf_append(b, v + 2, 2);
    str(b, "strs");
    u32(b, QUIRE_GGUF_ARRAY);
    u32(b, QUIRE_GGUF_STRING);
    u64(b, 2);
    str(b, "alpha");
    str(b, "");
    uint64_t ne[2] = {64, 2};
    tinfo(b, "blk.0.w", 2, ne, QUIRE_GGML_Q8_0, 0);
    uint64_t ne1[1] = {8};
    tinfo(b, "norm", 1, ne1, QUIRE_GGML_F32, 192);
    pad_to(b, 64);
    for (int i = 0; i < 224; i++)
        buf_append_char(b, (char)i);
}

static void valid_file(void)
{
    buf b = QUIRE_BUF_INIT(0);
    build_valid(&b);
    quire_gguf *g = NULL;
    quire_error err = {0};
    CHECK_EQ_INT(quire_gguf_open_buffer(b.data, b.len, &g, &err), QUIRE_OK);
    if (!g) {
        fprintf(stderr, "valid file refused: %s\n", err.msg);
        buf_free(&b);
        return;
    }
    CHECK_EQ_INT(quire_gguf_version(g), 3);
    CHECK_EQ_INT(quire_gguf_alignment(g), 64);
    CHECK_EQ_INT(quire_gguf_n_kv(g), 9);
    CHECK_EQ_INT(quire_gguf_data_offset(g) % 64, 0);
    const char *s;
    size_t n;
    CHECK_EQ_INT(quire_gguf_get_str(g, "general.architecture", &s, &n), QUIRE_OK);
    CHECK(n == 5 && !memcmp(s, "llama", 5));
    CHECK_EQ_INT(quire_gguf_get_str(g, "missing", &s, &n), QUIRE_ERR_NOT_FOUND);
    CHECK_EQ_INT(quire_gguf_get_str(g, "f32", &s, &n), QUIRE_ERR_FORMAT);
    double dv;
    CHECK_EQ_INT(quire_gguf_get_float(g, "f32", &dv), QUIRE_OK);
    CHECK(dv == 0.5);
    CHECK_EQ_INT(quire_gguf_get_float(g, "f64", &dv), QUIRE_OK);
    CHECK(dv == -2.25);
    int64_t iv;
    CHECK_EQ_INT(quire_gguf_get_int(g, "i8", &iv), QUIRE_OK);
    CHECK_EQ_INT(iv, -5);
    uint64_t uv;
    CHECK_EQ_INT(quire_gguf_get_uint(g, "i8", &uv), QUIRE_ERR_FORMAT);
    CHECK_EQ_INT(quire_gguf_get_uint(g, "u64", &uv), QUIRE_OK);
    CHECK(uv == UINT64_MAX);
    CHECK_EQ_INT(quire_gguf_get_int(g, "u64", &iv), QUIRE_ERR_FORMAT);
    bool bv = false;
    CHECK_EQ_INT(quire_gguf_get_bool(g, "b", &bv), QUIRE_OK);
    CHECK(bv);
    const quire_gguf_value *nested = quire_gguf_get(g, "nested");
    CHECK(nested && quire_gguf_arr_type(nested) == QUIRE_GGUF_ARRAY && quire_gguf_arr_n(nested) == 2);
    quire_gguf_value tmp;
    const quire_gguf_value *inner = quire_gguf_arr_elem(nested, 1, &tmp);
    CHECK(inner && quire_gguf_arr_type(inner) == QUIRE_GGUF_INT16 && quire_gguf_arr_n(inner) == 1);
    CHECK(quire_gguf_arr_int(inner, 0, &iv) && iv == 3);
    CHECK(!quire_gguf_arr_int(inner, 1, &iv));
    inner = quire_gguf_arr_elem(nested, 0, &tmp);
    CHECK(quire_gguf_arr_int(inner, 1, &iv) && iv == 2);
    CHECK(quire_gguf_arr_elem(nested, 2, &tmp) == NULL);
    const quire_gguf_value *strs = quire_gguf_get(g, "strs");
    CHECK(quire_gguf_arr_str(strs, 0, &s, &n) && n == 5 && !memcmp(s, "alpha", 5));
    CHECK(quire_gguf_arr_str(strs, 1, &s, &n) && n == 0);
    CHECK_EQ_INT(quire_gguf_n_tensors(g), 2);
    const quire_gguf_tensor *t = quire_gguf_find_tensor(g, "blk.0.w");
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ_INT(t->type, QUIRE_GGML_Q8_0);
        CHECK_EQ_INT(t->n_dims, 2);
        CHECK_EQ_INT(t->ne[0], 64);
        CHECK_EQ_INT(t->ne[1], 2);
        CHECK_EQ_INT(t->ne[2], 1);
        CHECK_EQ_INT(t->n_elements, 128);
        CHECK_EQ_INT(t->n_bytes, 4 * 34);
        CHECK_EQ_INT(t->file_offset, quire_gguf_data_offset(g));
        CHECK((const char *)t->data == b.data + t->file_offset); /* no copy */
    }
    t = quire_gguf_find_tensor(g, "norm");
    CHECK(t && t->n_bytes == 32 && t->offset == 192);
    CHECK(quire_gguf_find_tensor(g, "nope") == NULL);
    CHECK(quire_gguf_tensor_at(g, 2) == NULL);
    quire_gguf_close(g);

    /* every truncation is refused cleanly */
    int refused = 0;
    for (size_t cut = 0; cut < b.len; cut++) {
        quire_gguf *g2 = NULL;
        if (quire_gguf_open_buffer(b.data, cut, &g2, NULL) != QUIRE_OK && !g2)
            refused++;
        quire_gguf_close(g2);
    }
    CHECK_EQ_INT(refused, (int)b.len);
    buf_free(&b);
}

static void type_table(void)
{
    size_t be, bb;
    CHECK(quire_ggml_type_size(QUIRE_GGML_Q4_K, &be, &bb) && be == 256 && bb == 144);
    CHECK(quire_ggml_type_size(QUIRE_GGML_Q6_K, &be, &bb) && be == 256 && bb == 210);
    CHECK(quire_ggml_type_size(QUIRE_GGML_Q8_0, &be, &bb) && be == 32 && bb == 34);
    CHECK(quire_ggml_type_size(QUIRE_GGML_BF16, &be, &bb) && be == 1 && bb == 2);
    CHECK(!quire_ggml_type_size(4, &be, &bb));
    CHECK(!quire_ggml_type_size(31, &be, &bb));
    CHECK_STR(quire_ggml_type_name(QUIRE_GGML_Q5_K), "Q5_K");
}

/* 512 MiB sparse file: header + one F32 tensor; opening must not read it. */
static void large_file(void)
{
    char path[] = "/tmp/quire-gguf-large-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "large file: cannot create a temp file, skipped\n");
        return;
    }
    buf b = QUIRE_BUF_INIT(0);
    uint64_t ne[2] = {4096, 32768}; /* 128M floats = 512 MiB */
    header(&b, 3, 1, 1);
    kv_str(&b, "general.architecture", "llama");
    tinfo(&b, "big.weight", 2, ne, QUIRE_GGML_F32, 0);
    pad_to(&b, 32);
    size_t total = b.len + (size_t)4096 * 32768 * 4;
    bool ok = write(fd, b.data, b.len) == (ssize_t)b.len && ftruncate(fd, (off_t)total) == 0;
    close(fd);
    buf_free(&b);
    if (!ok) {
        unlink(path);
        fprintf(stderr, "large file: cannot write, skipped\n");
        return;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    quire_gguf *g = NULL;
    quire_error err = {0};
    quire_status st = quire_gguf_open(path, &g, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_EQ_INT(st, QUIRE_OK);
    if (g) {
        const quire_gguf_tensor *t = quire_gguf_find_tensor(g, "big.weight");
        CHECK(t && t->n_bytes == (size_t)4096 * 32768 * 4);
        CHECK_EQ_INT(quire_gguf_file_size(g), total);
        fprintf(stderr, "large file: %zu MiB opened in %.3f ms\n", total >> 20,
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    } else {
        fprintf(stderr, "large file: %s\n", err.msg);
    }
    quire_gguf_close(g);
    unlink(path);
}

int main(void)
{
    type_table();
    bad_files();
    valid_file();
    large_file();
    /* open on a missing path and a directory */
    quire_gguf *g = NULL;
    quire_error err = {0};
    CHECK_EQ_INT(quire_gguf_open("/nonexistent/x.gguf", &g, &err), QUIRE_ERR_IO);
    CHECK_EQ_INT(quire_gguf_open("/tmp", &g, &err), QUIRE_ERR_IO);
    return test_summary();
}
