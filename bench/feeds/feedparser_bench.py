"""Python's side of `npm run bench -- feeds`: times feedparser on the files bench/feeds.ts lists.

    python3 feedparser_bench.py INPUT.json

INPUT is what bench/feeds/measure.ts gets (files with path, url and contentType; warm-up
files; round counts), plus "rounds" (how many timed rounds the Node side ran) and
"maxSeconds" (after the first round, start another only if the rounds would still end within
that, at the mean round time so far).
The files are read first; a round parses each once from its bytes through io.BytesIO (a bytes
string would make feedparser try it as a file name first), with the file's URL as
Content-Location and its Content-Type, as an HTTP fetch would give them. feedparser's defaults
are kept: it sanitises HTML and resolves relative URIs, as parseFeed does. Prints one JSON
object on standard output.
"""

import io
import json
import resource
import sys
import time

import feedparser


def load(specs):
    out = []
    for spec in specs:
        with open(spec["path"], "rb") as f:
            data = f.read()
        headers = {"content-type": spec["contentType"], "content-location": spec["url"]}
        out.append((spec["path"], data, headers))
    return out


def one_round(files):
    items = 0
    bozo = 0
    errors = []
    for path, data, headers in files:
        try:
            result = feedparser.parse(io.BytesIO(data), response_headers=headers)
        except Exception as error:  # feedparser raises on a few odd documents
            errors.append({"path": path, "error": f"{type(error).__name__}: {error}"})
            continue
        items += len(result.entries)
        if result.bozo:
            bozo += 1
    return items, bozo, errors


def max_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KB on Linux


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    files = load(spec["files"])
    warmup_files = load(spec["warmup"]) if spec.get("warmup") else files
    max_rss_before = max_rss()

    warmup_rounds = 0
    start = time.perf_counter()
    while warmup_rounds < spec["warmupMinRounds"] or (time.perf_counter() - start) * 1000 < spec["warmupMinMs"]:
        one_round(warmup_files)
        warmup_rounds += 1
    warmup_ms = (time.perf_counter() - start) * 1000

    round_ms = []
    first = None
    # Another round only if it is expected to end within maxSeconds (the mean round so far).
    while len(round_ms) < spec["rounds"] and (not round_ms or sum(round_ms) * (len(round_ms) + 1) / len(round_ms) <= spec["maxSeconds"] * 1000):
        start = time.perf_counter()
        result = one_round(files)
        round_ms.append((time.perf_counter() - start) * 1000)
        if first is None:
            first = result

    items, bozo, errors = first
    json.dump(
        {
            "feedparser": feedparser.__version__,
            "python": sys.version.split()[0],
            "files": len(files),
            "bytes": sum(len(data) for _, data, _ in files),
            "warmupRounds": warmup_rounds,
            "warmupMs": warmup_ms,
            "roundMs": round_ms,
            "items": items,
            "bozo": bozo,
            "errors": errors,
            "maxRssBefore": max_rss_before,
            "maxRss": max_rss(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
