#!/usr/bin/env python3
"""The PostgreSQL 15 manual (Debian package postgresql-doc-15, 1,169 HTML
pages) as a documentation tree: the whole manual ingests, "create index
without locking writes" ranks sql-createindex.html first with its
CONCURRENTLY anchor, and no chunk carries the Prev/Up/Home/Next bars.
Skipped (77) when the package is not installed (scripts/test installs it)."""
import json, os, re, sqlite3, subprocess, sys, tempfile

quire = os.path.abspath(sys.argv[1])
manual = "/usr/share/doc/postgresql-doc-15/html"
if not os.path.isdir(manual):
    print("SKIP: postgresql-doc-15 is not installed", file=sys.stderr)
    sys.exit(77)

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


tmp = tempfile.mkdtemp(prefix="quire-pgdoc-")
db = os.path.join(tmp, "pg.sqlite")
p = subprocess.run([quire, "--db", db, "add", "-q", manual], capture_output=True, text=True, timeout=600)
check(p.returncode == 0, "the whole manual ingests: " + p.stderr[-400:])
pages = len([f for f in os.listdir(manual) if f.endswith((".html", ".htm"))])
check(f"added {pages}," in p.stderr, f"{pages} pages added: {p.stderr[-200:]}")

p = subprocess.run([quire, "--db", db, "search", "--json", "-k", "5", "create index without locking writes"],
                   capture_output=True, text=True, timeout=60)
res = json.loads(p.stdout)["results"]
check(len(res) > 0, "results")
if res:
    top = res[0]
    check(top["doc"]["path"].endswith("/sql-createindex.html"), "top result: " + top["doc"]["path"])
    check((top["anchor"] or "").upper() == "SQL-CREATEINDEX-CONCURRENTLY", "anchor: %r" % top["anchor"])

nav = re.compile(r"\bPrev\b.{0,80}\bUp\b.{0,200}\bNext\b|\bPrev\b\s+\bHome\b|\bHome\b\s+\bNext\b", re.S)
con = sqlite3.connect(db)
bad = [t[:120] for (t,) in con.execute("SELECT text FROM chunks") if nav.search(t)]
n_chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
con.close()
check(n_chunks > 3000, f"{n_chunks} chunks")
check(not bad, f"{len(bad)} chunks carry navigation bars, e.g. {bad[:2]}")
print(f"{failures} failures ({n_chunks} chunks)", file=sys.stderr)
sys.exit(1 if failures else 0)
