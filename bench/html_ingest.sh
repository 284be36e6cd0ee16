#!/bin/sh
# HTML ingest throughput on the PostgreSQL 15 manual (1,169 pages), next to
# libxml2's bare htmlReadMemory() parse of the same files in the same run,
# plus a sanity check of what reaches the index for sql-createindex.html.
#
# Usage: bench/html_ingest.sh [BUILD_DIR] [ROUNDS]
# Installs postgresql-doc-15 with apt-get when the manual is missing.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-5}
docs=/usr/share/doc/postgresql-doc-15/html
if [ ! -d "$docs" ]; then
    echo "installing postgresql-doc-15 (the manual is the benchmark input)" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y postgresql-doc-15 >&2
    else
        sudo apt-get install -y postgresql-doc-15 >&2
    fi
fi
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" --buildtype=release >&2
fi
ninja -C "$build" bench/html_bench >&2
"$build/bench/html_bench" "$docs" "$rounds"
echo "--- check: sql-createindex.html" 
"$build/bench/html_bench" --check "$docs/sql-createindex.html" CONCURRENTLY
