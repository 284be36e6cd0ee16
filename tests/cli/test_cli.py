#!/usr/bin/env python3
"""The quire command line on the shipped corpus/, as a user runs it:
add (incremental, exit codes), ask (French question answered from the
French PDF at the right page; unanswerable question refused), search
(hostile text, --json schema), ls, rm, --help, --version, --db/QUIRE_DB and
.quire/ discovery."""
import json, os, shutil, subprocess, sys, tempfile

quire = os.path.abspath(sys.argv[1])
source_root = os.environ["QUIRE_SOURCE_ROOT"]
corpus = os.path.join(source_root, "corpus")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args, db=None, cwd=None, env=None):
    cmd = [quire] + (["--db", db] if db else []) + list(args)
    e = dict(os.environ)
    e.pop("QUIRE_DB", None)
    if env:
        e.update(env)
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp(prefix="quire-cli-")
db = os.path.join(tmp, "nb.sqlite")

rc, out, err = run("--version")
check(rc == 0 and out.startswith("quire "), "--version")
rc, out, err = run("--help")
check(rc == 0 and "ask" in out and "search" in out, "--help lists commands")
for cmd in ("add", "ask", "search", "ls", "rm"):
    rc, out, err = run(cmd, "--help")
    check(rc == 0 and "usage: quire " + cmd in out, cmd + " --help")
rc, out, err = run("frobnicate")
check(rc == 2, "unknown command exits 2")
rc, out, err = run("ask", "anything", db=os.path.join(tmp, "missing.sqlite"))
check(rc == 1 and "does not exist" in err, "ask on a missing notebook is a clear error")

# add the corpus: every document indexed
rc, out, err = run("add", corpus, db=db)
check(rc == 0, "add corpus exits 0: " + err[-500:])
n_docs = len([f for f in os.listdir(corpus) if f.rsplit(".", 1)[-1] in ("md", "html", "pdf", "txt")])
check(f"added {n_docs}," in err, f"summary counts {n_docs} added: {err[-300:]}")

# again: all unchanged
rc, out, err = run("add", corpus, db=db)
check(rc == 0 and f"unchanged {n_docs}," in err, "second add: all unchanged")

# the sample question, in French, answered from the French quantization PDF at page 3
rc, out, err = run("ask", "--json", "Pourquoi quantifier un modèle en INT4 ?", db=db)
check(rc == 0, "ask exits 0")
ans = json.loads(out)
check(ans["refused"] is False, "INT4 question answered")
check(ans["backend"] == "extractive", "extractive backend")
check(ans["language"] == "fr", "question language is French")
check(len(ans["sentences"]) >= 1 and all(s["citations"] for s in ans["sentences"]), "every sentence cites")
src = ans["sources"][0]
check(src["doc"]["path"].endswith("frugalite-quantification.pdf"), "cites the French PDF: " + src["doc"]["path"])
check(src["page"] == 3, "cites page 3: %r" % src["page"])
check("INT4" in ans["answer"], "answer mentions INT4")
numbers = {c for s in ans["sentences"] for c in s["citations"]}
check(numbers == {s["n"] for s in ans["sources"]}, "citations and sources agree")
for s in ans["sources"]:
    check(s["span"][0] < s["span"][1] and s["quote"], "source has a span and a quote")

# human output: answer with [n] and a numbered source with file and page
rc, out, err = run("ask", "Pourquoi quantifier un modèle en INT4 ?", db=db)
check("[1]" in out and "frugalite-quantification.pdf, p. 3" in out, "human answer cites file and page")

# English question from the Markdown notes, cited with its anchor
rc, out, err = run("ask", "--json", "Why quantize a model to INT4?", db=db)
ans = json.loads(out)
check(not ans["refused"] and ans["sources"][0]["doc"]["path"].endswith(".md"), "English INT4 from Markdown")
check(ans["sources"][0]["anchor"] is not None, "Markdown source has an anchor")

# unanswerable question: refused, closest passages listed
rc, out, err = run("ask", "--json", "What is the capital of Peru?", db=db)
ans = json.loads(out)
check(rc == 0 and ans["refused"] is True and ans["sentences"] == [], "Peru question refused")
rc, out, err = run("ask", "Quelle est la capitale du Pérou ?", db=db)
check("ne répondent pas" in out, "French refusal in French")

# search: JSON schema and hostile text
rc, out, err = run("search", "--json", "-k", "3", "distillation", db=db)
res = json.loads(out)
check(res["query"] == "distillation" and 1 <= len(res["results"]) <= 3, "search --json")
r0 = res["results"][0]
for key in ("rank", "score", "doc", "page", "section", "anchor", "text", "id", "span"):
    check(key in r0, "search result has " + key)
for key in ("key", "path", "title"):
    check(key in r0["doc"], "search doc has " + key)
for q in ['"', "NEAR(", "*", "-", "((", "", "AND OR NOT", "title:x"]:
    rc, out, err = run("search", "--json", "--", q, db=db)
    check(rc == 0 and "results" in json.loads(out), "hostile search %r" % q)

# ls and rm
rc, out, err = run("ls", db=db)
check(rc == 0 and f"{n_docs} documents" in out, "ls counts documents")
victim = os.path.join(corpus, "pretraining.md")
rc, out, err = run("rm", victim, db=db)
check(rc == 0, "rm")
rc, out, err = run("ls", db=db)
check(f"{n_docs - 1} documents" in out, "rm removed one document")
rc, out, err = run("rm", victim, db=db)
check(rc == 1, "rm of a missing document fails")

# a folder with a corrupt PDF: reported, the rest indexed, exit 3
docs = os.path.join(tmp, "docs")
os.mkdir(docs)
open(os.path.join(docs, "bad.pdf"), "wb").write(b"%PDF-1.7\n garbage \x00\x01")
open(os.path.join(docs, "good.md"), "w").write("# Good\n\nThe okapi lives in the forest.\n")
rc, out, err = run("add", docs, db=db)
check(rc == 3, "add with a failing file exits 3")
check("failed: " in err and "bad.pdf" in err, "failure reported with its file")
rc, out, err = run("search", "okapi", db=db)
check("good.md" in out, "the good file was indexed")

# .quire/ discovery from a subfolder, and QUIRE_DB
work = os.path.join(tmp, "work")
os.makedirs(os.path.join(work, "sub"))
shutil.copy(os.path.join(docs, "good.md"), work)
rc, out, err = run("add", "good.md", cwd=work)
check(rc == 0 and os.path.isdir(os.path.join(work, ".quire")), "add creates .quire/")
rc, out, err = run("search", "okapi", cwd=os.path.join(work, "sub"))
check(rc == 0 and "good.md" in out, "search finds .quire/ in a parent folder")
rc, out, err = run("search", "okapi", cwd=tmp, env={"QUIRE_DB": db})
check(rc == 0 and "good.md" in out, "QUIRE_DB selects the notebook")

shutil.rmtree(tmp, ignore_errors=True)
print(f"{failures} failures", file=sys.stderr)
sys.exit(1 if failures else 0)
