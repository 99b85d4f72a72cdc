#!/usr/bin/env python3
"""HTTP tests of screening on the web: POST /api/v1/screen gives what
`tiemap screen --format json` prints, from CSV, JSON and form bodies; the
/screen page (form, report, CSV download) escapes what it is sent; limits;
uploads are neither cached nor logged.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import json
import re
import os
import subprocess
import sys
import tempfile

from harness import ROOT, SEED, TIEMAP, Server, failures, ok
TMP = tempfile.mkdtemp(prefix="tiemap-http-screen-")
DB = os.path.join(TMP, "demo.db")

LIST = ("Security Name,Country\n"
        "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A,CN\n"
        "海康威視,\n"
        "ZHEJIANG DAHUA TECHNOLOGY-A,CN\n"
        "Tencent Holdings Ltd,CN\n"
        "<script>alert(1)</script> Secret Holding 7731,\n")


def multipart(fields, files):
    b = "tiemapboundary7MA4YWxkTrZu0gW"
    out = []
    for k, v in fields.items():
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    for k, (fn, data) in files.items():
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{fn}\"\r\n"
                   f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{b}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={b}"


def strip(report):
    report["summary"].pop("seconds", None)
    return report


def main():
    r = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import"] +
                       sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")),
                       capture_output=True)
    if r.returncode:
        print("not ok - seed import")
        return 1
    listfile = os.path.join(TMP, "list.csv")
    with open(listfile, "w", encoding="utf-8") as f:
        f.write(LIST)
    cli = subprocess.run([TIEMAP, "--db", DB, "--quiet", "screen", "--format", "json", listfile], capture_output=True)
    want = strip(json.loads(cli.stdout))
    srv = Server(DB, TMP, "--rate", "0", timeout=60)
    try:
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, LIST.encode())
        got = strip(json.loads(d)) if s == 200 else None
        ok(s == 200 and got == want, "POST /api/v1/screen with CSV answers what `screen --format json` prints, "
           "with the same default flags", f"{s} {d[:300]!r}")
        ok(h.get("cache-control") == "no-store" and "etag" not in h, "a screening answer is not cached", h)
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "application/json"},
                              json.dumps({"rows": [{"name": "海康威视"}, {"name": "Dahua", "country": "CN"}, "Huawei",
                                                   {"ident": "XX"}], "categories": ["xinjiang_surveillance"],
                                          "depth": 1}).encode())
        got = json.loads(d) if s == 200 else {}
        ok(s == 200 and [(r["match"] or {}).get("id") for r in got["rows"]] == ["hikvision", "dahua", "huawei", None]
           and got["summary"]["depth"] == 1 and got["summary"]["categories"] == ["xinjiang_surveillance"]
           and [f["category"] for f in got["rows"][0]["flags"]] == ["xinjiang_surveillance"]
           and got["rows"][2]["flags"] == [],
           "POST /api/v1/screen with JSON rows and options (categories, depth)", d[:300])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "application/json"},
                              json.dumps({"csv": LIST, "tags": "surveillance"}).encode())
        ok(s == 400 and "tags are topics" in json.loads(d)["error"]["message"],
           "tags are refused: they are topics and never flag", d[:200])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "application/json"},
                              json.dumps({"csv": LIST, "threshold": 0.99}).encode())
        ok(s == 200 and json.loads(d)["summary"]["threshold"] == 0.99, "JSON {\"csv\":…} with a threshold", d[:200])
        s, h, d = srv.request("/api/v1/screen", "GET")
        ok(s == 405 and json.loads(d)["error"]["code"] == "method_not_allowed", "GET /api/v1/screen is 405 with advice")
        s, h, d = srv.request("/api/v1/screen?threshold=2", "POST", {"Content-Type": "text/csv"}, LIST.encode())
        ok(s == 400, "a threshold out of range is 400", d[:200])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "application/json"}, b"{not json")
        ok(s == 400, "a body that is not JSON is 400", d[:200])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, b"")
        ok(s == 400, "an empty list is 400", d[:200])
        many = "name\n" + "".join(f"Company {i}\n" for i in range(5001))
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, many.encode())
        ok(s == 413 and json.loads(d)["error"]["code"] == "too_many_rows", "more than 5,000 rows is 413", d[:200])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, b"name\n" + b"x" * (5 << 20))
        ok(s == 413, "a body over 4 MB is 413", s)
        bad = b"name\nHikvision\ncaf\xe9\n\"never closed\n"
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, bad)
        rows = json.loads(d)["rows"] if s == 200 else []
        ok(s == 200 and rows[0]["match"]["id"] == "hikvision" and "UTF-8" in rows[1].get("error", "")
           and "never closed" in rows[2].get("error", ""), "unreadable rows are reported, the rest screened", d[:300])

        # lists as issuers publish them, and what is not a list
        ishares = ("iShares MSCI China ETF\nFund Holdings as of,\"Jan 31, 2024\"\nInception Date,\"Mar 29, 2011\"\n"
                   "\u00a0\nTicker,Name,Sector,Weight (%)\n\"CSCO\",\"CISCO SYSTEMS INC\",\"IT\",\"1\"\n"
                   "\"002415\",\"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A\",\"IT\",\"1\"\n\u00a0\n"
                   "\"The content contained herein is owned or licensed by BlackRock and/or its third-party "
                   "information providers and is protected by applicable copyrights.\"\n")
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, ishares.encode())
        got = json.loads(d) if s == 200 else {}
        ok(s == 200 and [(r["line"], (r["match"] or {}).get("id")) for r in got["rows"]] == [(6, None), (7, "hikvision")]
           and got["summary"]["input"]["header_line"] == 5 and len(got["summary"]["input"]["notes"]) == 2
           and got["rows"][0]["identifiers"] == {"ticker": "CSCO"},
           "an iShares-shaped CSV: the header under the preamble, the disclaimer skipped and reported", d[:400])
        wb = os.path.join(TMP, "wb")
        made = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "data", "screen-input", "make-workbooks"),
                               wb], capture_output=True)
        if made.returncode == 0:
            xlsx = open(os.path.join(wb, "holdings.xlsx"), "rb").read()
            s, h, d = srv.request("/api/v1/screen", "POST", {
                "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, xlsx)
            got = json.loads(d) if s == 200 else {}
            ok(s == 200 and got["summary"]["input"]["format"] == "xlsx" and
               [(r["match"] or {}).get("id") for r in got["rows"]][:2] == ["hikvision", "dahua"] and
               (got["rows"][2].get("group") or {}).get("id") == "byd",
               "POST /api/v1/screen with an .xlsx workbook", d[:300])
            body, ctype = multipart({"format": "html"}, {"file": ("holdings.ods", open(os.path.join(wb, "holdings.ods"), "rb").read())})
            s, h, d = srv.request("/screen", "POST", {"Content-Type": ctype}, body)
            page = d.decode()
            ok(s == 200 and "/entities/hikvision" in page and "/entities/dahua" in page and
               "possibly a company of the group" in page and "/entities/byd" in page,
               "POST /screen with an .ods file from the form; BYD Electronic shown as a possible group member",
               page[:300])
        else:
            ok(False, "make-workbooks (python3-openpyxl, python3-odf)", made.stderr[-300:])
        for body, what in ((b'{"name":"Hikvision"}\n{"name":"Dahua"}\n', "JSON"),
                           (b'- Name: "Zesty"\n  Website: "https://zesty.co/"\n', "YAML"),
                           (b"<!DOCTYPE html><html><body><table></table></body></html>", "an HTML page")):
            s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/plain"}, body)
            msg = json.loads(d)["error"]["message"] if s == 400 else ""
            ok(s == 400 and f"this is {what}, not a table" in msg, f"{what} sent as a list is 400, named", d[:200])
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "application/json"},
                              json.dumps({"rows": [{"name": "Nothing Alike", "identifiers": {"isin": "CNE100000PM9"}},
                                                   {"identifiers": {"ticker": "COSCO"}}]}).encode())
        got = json.loads(d) if s == 200 else {}
        ok(s == 200 and "fails its check" in got["rows"][0].get("warning", "") and got["rows"][1]["match"] is None,
           "JSON rows with identifiers: a bad ISIN is a warning, a ticker is never a name", d[:300])

        # the page
        s, h, d = srv.request("/screen")
        page = d.decode()
        ok(s == 200 and 'method="post"' in page and 'enctype="multipart/form-data"' in page and 'type="file"' in page,
           "GET /screen shows the upload form")
        ok("a match is not proof" in page.lower() and "absence is not innocence" in page,
           "the form page says that a match is not proof and absence is not innocence")
        body, ctype = multipart({"format": "html"}, {"file": ("list.csv", LIST.encode())})
        s, h, d = srv.request("/screen", "POST", {"Content-Type": ctype}, body)
        page = d.decode()
        ok(s == 200 and len(re.findall(r'<tr id="row-\d+" class="flagged">', page)) == 3 and "/entities/hikvision" in page and
           "&lt;script&gt;" in page and "<script>alert" not in page,
           "POST /screen with a file: the report, flagged rows marked, input escaped", page[:400])
        ok("direct (Hikvision&#39;s own involvement claim)" in page and "<q>For example, Hikvision cameras feed" in page
           and 'href="#fn-' in page and "absence is not innocence" in page,
           "the report shows each flag's basis, its quotes as text and numbered sources, and the caveat")
        body, ctype = multipart({"format": "html", "categories": "occupation_surveillance"},
                                {"file": ("list.csv", LIST.encode())})
        s, h, d = srv.request("/screen?lang=zh", "POST", {"Content-Type": ctype}, body)
        page = d.decode()
        ok(s == 200 and "监控被占领的巴勒斯坦人：直接" in page and "新疆大规模监控" not in page.split("<table")[1].split("</table>")[0]
           and "匹配不是证据" in page, "a category chosen in the form, the report in Chinese", page[:300])
        # warnings: at the top and on their rows, as many as the API counts
        ragged = "name,country\nHikvision,CN\nZhejiang Dahua Technology, Co., Ltd.,CN\nTencent\n"
        s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, ragged.encode())
        warned = json.loads(d)["summary"]["warnings"]
        body, ctype = multipart({"format": "html"}, {"file": ("list.csv", ragged.encode())})
        s, h, d = srv.request("/screen?lang=zh", "POST", {"Content-Type": ctype}, body)
        page = d.decode()
        top = re.search(r'<section class="screen-warnings".*?</section>', page, re.S)
        ok(warned > 0 and top and top.group(0).count("<li>") == warned and page.count('class="row-warning"') == warned,
           "the page shows the %d warning(s) the API counts, at the top and on their rows" % warned, page[-800:])
        ok('class="table-scroll" role="region"' in page and "<details><summary>详情</summary>" in page
           and "名称相同" in page and "海康威视</a>" in page,
           "a Chinese report: a plain reason per match, the scores behind details, names not ids, a scrolling table")
        body, ctype = multipart({"format": "csv"}, {"file": ("list.csv", LIST.encode())})
        s, h, d = srv.request("/screen", "POST", {"Content-Type": ctype}, body)
        ok(s == 200 and h.get("content-type", "").startswith("text/csv") and
           d.decode().startswith("line,input,ident,country,match_id"), "format=csv downloads the report as CSV")
        form = "list=" + LIST.replace("\n", "%0A").replace(",", "%2C").replace(" ", "+") + "&format=html"
        s, h, d = srv.request("/screen?lang=zh", "POST", {"Content-Type": "application/x-www-form-urlencoded"},
                              form.encode())
        page = d.decode()
        ok(s == 200 and "名单筛查" in page and "/entities/dahua" in page, "a pasted list (urlencoded), in Chinese")
    finally:
        rc, log = srv.stop()
    ok("Secret Holding 7731" not in log and "Tencent" not in log and "POST /screen" in log,
       "the access log names the route, never what was uploaded", log[-400:])
    ok(rc == 0 and "Sanitizer" not in log, "the server stops cleanly", log[-400:])
    print(f"# {failures()} failed")
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
