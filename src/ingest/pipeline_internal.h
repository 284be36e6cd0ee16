/* Internal to the ingest pipeline. */
#ifndef QUIRE_PIPELINE_INTERNAL_H
#define QUIRE_PIPELINE_INTERNAL_H

#include "quire/pipeline.h"

/* Ingest the JSONL records of the file at path (src/ingest/records.c). */
quire_status pipeline_add_jsonl(quire_index *idx, const char *path, const quire_add_opts *opts,
                                quire_add_summary *sum, quire_error *err);

#endif
