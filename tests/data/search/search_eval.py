#!/usr/bin/python3
"""Score search answers against an evaluation set (tests/data/search/README.md).

usage: search_eval.py EVAL ANSWERS LABEL [--min-recall R] [--min-p1 P]

tests/http/test_search_eval.py and bench/search-eval/run import it: ask()
puts every query of a set to a server's /api/v1/search in both modes and
writes ANSWERS; score() prints the figures.

EVAL is eval.tsv (query, expected, case) or the screening set's eval.csv
(name, country, expected, group, case: its names as queries).  ANSWERS holds
one JSON object a line, {"query", "mode", "answer"}, answer being what
/api/v1/search (or `tiemap --json search`) returned, mode "forgiving" or
"strict" (the same query with strict=1).  Prints, for each mode and case, and
for all positive rows together:

  recall@10  the share of rows naming something whose answer has it in its
             first ten hits (a topic: the topic named and one of its
             entities listed for it);
  P@1        the share whose first hit is what the row names;
  MRR        the mean of 1/rank of the first hit that is;

and for rows naming nothing in the data, the share answered with a hit in
the strict band (score >= 0.5: stated as a match, not as a guess) and with
any hit at all.  Then every positive row the forgiving search missed.
Exits 1 when the forgiving search's recall@10 or P@1 over the positive rows
is below the minimum given.
"""
import csv
import json
import sys
import urllib.parse

FORGIVEN = 0.5


def rows_of(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        if path.endswith(".csv"):
            for r in csv.DictReader(f):
                rows.append((r["name"], [e for e in r["expected"].split("|") if e], r["case"]))
        else:
            lines = [l for l in f if not l.startswith("#")]
            for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
                rows.append((r["query"], [e for e in r["expected"].split("|") if e], r["case"]))
    return rows


def relevant(hit, ids, topics):
    return hit["id"] in ids or (hit.get("how") == "topic" and hit.get("topic") in topics)


def judge(expected, answer):
    ids = {e for e in expected if not e.startswith("topic:")}
    topics = {e[len("topic:"):] for e in expected if e.startswith("topic:")}
    hits = answer["results"][:10]
    named = {t["id"] for t in answer.get("topics") or []}
    rank = next((i + 1 for i, h in enumerate(hits) if relevant(h, ids, topics) and
                 (h.get("how") != "topic" or h["id"] in ids or h.get("topic") in named)), 0)
    return {"found": rank > 0, "p1": rank == 1, "rr": 1.0 / rank if rank else 0.0,
            "strict_hit": any(h["score"] >= FORGIVEN for h in hits), "any_hit": bool(hits)}


def pct(n, d):
    return "%.3f" % (n / d) if d else "-"


def ask(get_json, rows, out_path, limit=10):
    """Each row's query to /api/v1/search through get_json(path) -> (status,
    headers, body), forgiving and strict, into out_path; how many failed."""
    failed = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for q, expected, case in rows:
            for mode, arg in (("forgiving", ""), ("strict", "&strict=1")):
                s, h, d = get_json("/api/v1/search?limit=%d%s&q=%s" % (limit, arg, urllib.parse.quote(q, safe="")))
                if s != 200 or not isinstance(d, dict):
                    failed += 1
                    continue
                out.write(json.dumps({"query": q, "mode": mode, "answer": d}, ensure_ascii=False) + "\n")
    return failed


def score(path, answers_path, label, min_recall=0.0, min_p1=0.0, out=sys.stdout):
    """Print the figures of answers_path against the set at path; 1 when
    below the minimums, else 0."""
    rows = rows_of(path)
    answers = {}
    for line in open(answers_path, encoding="utf-8"):
        a = json.loads(line)
        answers[(a["query"], a["mode"])] = a["answer"]
    return report(rows, answers, label, min_recall, min_p1, out)


def main():
    args = sys.argv[1:]
    mins = {"--min-recall": 0.0, "--min-p1": 0.0}
    for k in list(mins):
        if k in args:
            i = args.index(k)
            mins[k] = float(args[i + 1])
            del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    return score(args[0], args[1], args[2], mins["--min-recall"], mins["--min-p1"])


def report(rows, answers, label, min_recall, min_p1, out):
    def say(line):
        print(line, file=out)
    status = 0
    missed = []
    for mode in ("strict", "forgiving"):
        by_case = {}
        for q, expected, case in rows:
            a = answers.get((q, mode))
            if a is None:
                continue
            j = judge(expected, a)
            by_case.setdefault(case, []).append((q, expected, j))
            if mode == "forgiving" and expected and not j["found"]:
                missed.append((case, q, expected, [h["id"] for h in a["results"][:3]]))
        if not by_case:
            continue
        pos = [j for c in by_case.values() for q, e, j in c if e]
        neg = [j for c in by_case.values() for q, e, j in c if not e]
        rec = sum(j["found"] for j in pos) / len(pos) if pos else 0
        p1 = sum(j["p1"] for j in pos) / len(pos) if pos else 0
        say("# search-eval %s %s: %d rows naming something: recall@10 %s, P@1 %s, MRR %.3f; "
              "%d naming nothing: %s with a strict-band hit, %s with any hit"
              % (label, mode, len(pos), pct(sum(j["found"] for j in pos), len(pos)),
                 pct(sum(j["p1"] for j in pos), len(pos)),
                 sum(j["rr"] for j in pos) / len(pos) if pos else 0, len(neg),
                 pct(sum(j["strict_hit"] for j in neg), len(neg)), pct(sum(j["any_hit"] for j in neg), len(neg))))
        for case in sorted(by_case):
            js = [j for q, e, j in by_case[case] if e]
            ns = [j for q, e, j in by_case[case] if not e]
            parts = []
            if js:
                parts.append("recall@10 %s P@1 %s MRR %.3f" % (pct(sum(j["found"] for j in js), len(js)),
                                                              pct(sum(j["p1"] for j in js), len(js)),
                                                              sum(j["rr"] for j in js) / len(js)))
            if ns:
                parts.append("strict-band hit %s, any hit %s" % (pct(sum(j["strict_hit"] for j in ns), len(ns)),
                                                                 pct(sum(j["any_hit"] for j in ns), len(ns))))
            say("#   %-20s %4d  %s" % (case, len(by_case[case]), "; ".join(parts)))
        if mode == "forgiving" and (rec < min_recall or p1 < min_p1):
            say("# search-eval %s: below the minimum (recall@10 %.3f, P@1 %.3f)" % (label, rec, p1))
            status = 1
    for case, q, expected, got in missed[:40]:
        say("#   missed [%s] %r: wanted %s, got %s" % (case, q, "|".join(expected), ", ".join(got) or "nothing"))
    if len(missed) > 40:
        say("#   … and %d more" % (len(missed) - 40))
    return status


if __name__ == "__main__":
    sys.exit(main())
