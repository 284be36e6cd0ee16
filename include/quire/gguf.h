/* quire — GGUF model files (read-only, hostile-input safe).
 *
 * GGUF v2/v3 layout (all little-endian):
 *
 *   header   : "GGUF" u32 version u64 n_tensors u64 n_kv
 *   kv[n_kv] : string key, u32 value_type, value
 *   tinfo[n] : string name, u32 n_dims (1..4), u64 ne[n_dims], u32 ggml_type, u64 offset
 *   padding  : to general.alignment (default 32, a power of two)
 *   data     : tensor data; each tensor at data_offset + offset
 *
 *   string   : u64 length, bytes (no NUL)
 *   array    : u32 element_type, u64 count, elements (arrays may nest)
 *
 * The file is mapped read-only; nothing is copied. Every count, length,
 * offset and size product is checked against the bytes left and SIZE_MAX
 * before use; duplicate keys and tensor names are refused. Errors name
 * the key, tensor or byte offset that is wrong.
 *
 * Thread safety: an open quire_gguf is immutable; any number of threads may
 * read it concurrently. Pointers returned by accessors are borrowed and stay
 * valid until quire_gguf_close().
 */
#ifndef QUIRE_GGUF_H
#define QUIRE_GGUF_H

#include "quire/error.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* GGUF metadata value types (numbers are the file format's). */
typedef enum quire_gguf_type {
    QUIRE_GGUF_UINT8 = 0,
    QUIRE_GGUF_INT8 = 1,
    QUIRE_GGUF_UINT16 = 2,
    QUIRE_GGUF_INT16 = 3,
    QUIRE_GGUF_UINT32 = 4,
    QUIRE_GGUF_INT32 = 5,
    QUIRE_GGUF_FLOAT32 = 6,
    QUIRE_GGUF_BOOL = 7,
    QUIRE_GGUF_STRING = 8,
    QUIRE_GGUF_ARRAY = 9,
    QUIRE_GGUF_UINT64 = 10,
    QUIRE_GGUF_INT64 = 11,
    QUIRE_GGUF_FLOAT64 = 12,
    QUIRE_GGUF_TYPE_COUNT
} quire_gguf_type;

/* ggml tensor types (numbers are ggml's; gaps are retired types). */
enum {
    QUIRE_GGML_F32 = 0, QUIRE_GGML_F16 = 1, QUIRE_GGML_Q4_0 = 2, QUIRE_GGML_Q4_1 = 3,
    QUIRE_GGML_Q5_0 = 6, QUIRE_GGML_Q5_1 = 7, QUIRE_GGML_Q8_0 = 8, QUIRE_GGML_Q8_1 = 9,
    QUIRE_GGML_Q2_K = 10, QUIRE_GGML_Q3_K = 11, QUIRE_GGML_Q4_K = 12, QUIRE_GGML_Q5_K = 13,
    QUIRE_GGML_Q6_K = 14, QUIRE_GGML_Q8_K = 15, QUIRE_GGML_IQ2_XXS = 16, QUIRE_GGML_IQ2_XS = 17,
    QUIRE_GGML_IQ3_XXS = 18, QUIRE_GGML_IQ1_S = 19, QUIRE_GGML_IQ4_NL = 20, QUIRE_GGML_IQ3_S = 21,
    QUIRE_GGML_IQ2_S = 22, QUIRE_GGML_IQ4_XS = 23, QUIRE_GGML_I8 = 24, QUIRE_GGML_I16 = 25,
    QUIRE_GGML_I32 = 26, QUIRE_GGML_I64 = 27, QUIRE_GGML_F64 = 28, QUIRE_GGML_IQ1_M = 29,
    QUIRE_GGML_BF16 = 30, QUIRE_GGML_TQ1_0 = 34, QUIRE_GGML_TQ2_0 = 35, QUIRE_GGML_MXFP4 = 39,
    QUIRE_GGML_TYPE_COUNT = 40
};

/* Block geometry of a ggml type: elements per block and bytes per block.
 * Returns false (and leaves the outputs alone) for unknown or retired types. */
bool quire_ggml_type_size(uint32_t type, size_t *block_elems, size_t *block_bytes);

/* Name of a ggml type ("F32", "Q4_K", ...) or NULL when unknown. Static. */
const char *quire_ggml_type_name(uint32_t type);

/* Name of a metadata value type ("UINT32", "STRING", ...); "?" if unknown. */
const char *quire_gguf_type_name(quire_gguf_type type);

typedef struct quire_gguf quire_gguf;

/* A metadata value: a scalar, a string or an array (of scalars, strings or
 * arrays). Read it with the accessors below; the fields are shown so that a
 * caller can hold a scratch value on the stack (quire_gguf_arr_elem). */
typedef struct quire_gguf_value {
    uint32_t type;                         /* quire_gguf_type */
    uint32_t arr_type;                     /* arrays: element type */
    uint64_t n;                            /* arrays: element count; strings: length */
    const unsigned char *raw;              /* bytes in the mapping (maybe unaligned) */
    const struct quire_gguf_value *elems;  /* arrays of strings/arrays: one per element */
} quire_gguf_value;

/* One tensor of the file. All fields borrowed from the quire_gguf. */
typedef struct quire_gguf_tensor {
    const char *name;     /* NUL-terminated copy of the name */
    uint32_t type;        /* ggml type (known: quire_ggml_type_size() is true) */
    uint32_t n_dims;      /* 1..4 */
    int64_t ne[4];        /* ne[0] is the row length (contiguous); unused dims are 1 */
    uint64_t n_elements;  /* product of ne */
    uint64_t offset;      /* relative to the data section */
    uint64_t file_offset; /* absolute offset in the file */
    size_t n_bytes;       /* size of the data */
    const void *data;     /* pointer into the mapping (read-only) */
} quire_gguf_tensor;

/* Open and validate a GGUF file by mmap. On success *out owns the mapping;
 * close it with quire_gguf_close(). On failure *out is NULL and err says
 * what is wrong (QUIRE_ERR_IO, QUIRE_ERR_FORMAT, QUIRE_ERR_DUPLICATE,
 * QUIRE_ERR_UNSUPPORTED, QUIRE_ERR_NOMEM). */
quire_status quire_gguf_open(const char *path, quire_gguf **out, quire_error *err);

/* Same over a caller-owned buffer, which must stay valid and unchanged until
 * quire_gguf_close() (nothing is copied). The buffer may be unaligned. */
quire_status quire_gguf_open_buffer(const void *buf, size_t len, quire_gguf **out,
                                    quire_error *err);

/* Release everything (unmaps a file). NULL is accepted. */
void quire_gguf_close(quire_gguf *g);

uint32_t quire_gguf_version(const quire_gguf *g);
size_t quire_gguf_alignment(const quire_gguf *g);
uint64_t quire_gguf_data_offset(const quire_gguf *g); /* absolute start of tensor data */
size_t quire_gguf_file_size(const quire_gguf *g);

/* ---- metadata ---- */

size_t quire_gguf_n_kv(const quire_gguf *g);
/* Index of key, or -1 when absent. */
long quire_gguf_find_key(const quire_gguf *g, const char *key);
/* Key i (NUL-terminated) and its value; i < quire_gguf_n_kv(). */
const char *quire_gguf_key(const quire_gguf *g, size_t i);
const quire_gguf_value *quire_gguf_kv_value(const quire_gguf *g, size_t i);
/* Value of key, or NULL when absent. */
const quire_gguf_value *quire_gguf_get(const quire_gguf *g, const char *key);

/* Values. A value is either a scalar, a string or an array (of scalars,
 * strings or arrays). */
quire_gguf_type quire_gguf_value_type(const quire_gguf_value *v);
/* Integer value of any integer type or BOOL; false if not an integer or it
 * does not fit the output type. */
bool quire_gguf_value_int(const quire_gguf_value *v, int64_t *out);
bool quire_gguf_value_uint(const quire_gguf_value *v, uint64_t *out);
/* FLOAT32/FLOAT64 (or any integer) as double. */
bool quire_gguf_value_float(const quire_gguf_value *v, double *out);
bool quire_gguf_value_bool(const quire_gguf_value *v, bool *out);
/* STRING: bytes (not NUL-terminated, may contain any byte) and length. */
bool quire_gguf_value_str(const quire_gguf_value *v, const char **ptr, size_t *len);
/* ARRAY: element type and count (0 for non-arrays). */
quire_gguf_type quire_gguf_arr_type(const quire_gguf_value *v);
uint64_t quire_gguf_arr_n(const quire_gguf_value *v);
/* Element j of an array as a value (valid for every element type). The
 * returned pointer for scalar elements is a per-call view written into
 * *scratch, which the caller provides; for string and array elements it
 * points into g. Returns NULL when j is out of range. */
const quire_gguf_value *quire_gguf_arr_elem(const quire_gguf_value *v, uint64_t j,
                                            quire_gguf_value *scratch);
/* Convenience element readers for scalar arrays (false if out of range or
 * of another kind). */
bool quire_gguf_arr_int(const quire_gguf_value *v, uint64_t j, int64_t *out);
bool quire_gguf_arr_float(const quire_gguf_value *v, uint64_t j, double *out);
bool quire_gguf_arr_str(const quire_gguf_value *v, uint64_t j, const char **ptr, size_t *len);

/* Typed getters by key: QUIRE_OK, QUIRE_ERR_NOT_FOUND (absent) or
 * QUIRE_ERR_FORMAT (present with another type or out of range). */
quire_status quire_gguf_get_str(const quire_gguf *g, const char *key, const char **ptr,
                                size_t *len);
quire_status quire_gguf_get_int(const quire_gguf *g, const char *key, int64_t *out);
quire_status quire_gguf_get_uint(const quire_gguf *g, const char *key, uint64_t *out);
quire_status quire_gguf_get_float(const quire_gguf *g, const char *key, double *out);
quire_status quire_gguf_get_bool(const quire_gguf *g, const char *key, bool *out);

/* ---- tensors ---- */

size_t quire_gguf_n_tensors(const quire_gguf *g);
const quire_gguf_tensor *quire_gguf_tensor_at(const quire_gguf *g, size_t i);
/* Tensor by name, or NULL. */
const quire_gguf_tensor *quire_gguf_find_tensor(const quire_gguf *g, const char *name);

#ifdef __cplusplus
}
#endif
#endif
