"""Linker quality and speed, side by side in one run.

Quality: precision, recall and F1 per kind (partner, threat, date), per language and overall,
at two levels: distinct ids per document, and mentions with their offsets; on the labelled set
`tests/data/linking_eval.yml` plus the seed press release (read from ../shared/domain/).
Speed: documents of ~5 KB per second on one core, for the linker (Aho-Corasick over folded
text, ambiguity rules, dates) against one compiled `re` alternation of the same gazetteer's
names (no folding, no rules, no dates); and incremental linking in DuckDB: one new document
against a changed gazetteer relinking all.

    .venv/bin/python -m bench.linking [--docs 2000] [--world] [--baseline /tmp/main]
        [--rounds 5] [--only-side-by-side]

`--world` adds every ISO 3166 country the partner extract lacks (bench/real_texts.py), so the
speed is that of the whole vocabulary; `--baseline DIR` times another checkout's linker (e.g.
`main`, exported with `git archive main | tar -x -C DIR`) on the same release-like documents,
alternating runs with this one (`--rounds`), and prints the best and median documents per
second and the least and median CPU time per document of each, and their ratio;
`--only-side-by-side` skips the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from collections import defaultdict
from pathlib import Path

import yaml

from orchestration.documents.linking.gazetteer import gazetteer_from_files
from orchestration.documents.linking.linker import Linker
from orchestration.settings import PROJECT_ROOT

EVAL_SET = PROJECT_ROOT / "tests" / "data" / "linking_eval.yml"
SEED_GOLD = PROJECT_ROOT / "tests" / "data" / "seed_release_gold.yml"
# ../shared beside the project root (a clone, CI); a worktree under wt/ finds it one level up
SHARED = next(
    (p / "shared" for p in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent)
     if (p / "shared" / "domain").is_dir()),
    PROJECT_ROOT.parent / "shared",
)  # fmt: skip
KINDS = ("partner", "threat", "date")


def gold_kind(value) -> str:
    if isinstance(value, dt.date):
        return "date"
    return "partner" if value in PARTNER_IDS else "threat"


PARTNER_IDS: set[str] = set()


def gold_mentions(text: str, gold: dict) -> set[tuple]:
    """(kind, id, start, end) of every word-bounded occurrence of each gold surface."""
    found = set()
    for surface, value in gold.items():
        values = value if isinstance(value, list) else [value]
        for match in re.finditer(rf"(?<!\w){re.escape(str(surface))}(?!\w)", text):
            for v in values:
                if v is not None:
                    key = v.isoformat() if isinstance(v, dt.date) else v
                    found.add((gold_kind(v), key, match.start(), match.end()))
    return found


def load_documents(seed_root: Path = SHARED) -> list[dict]:
    """The labelled set, and the seed release when ../shared holds it."""
    documents = yaml.safe_load(EVAL_SET.read_text())["documents"]
    seed = yaml.safe_load(SEED_GOLD.read_text())
    seed_path = seed_root / seed["path"]
    if seed_path.exists():
        documents.append({"id": "seed", "lang": seed["lang"], "date": seed["date"],
                          "text": seed_path.read_text(), "gold": seed["gold"],
                          "events": seed["events"]})  # fmt: skip
    return documents


def score(counts: dict) -> dict:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, **counts}


def evaluate(linker: Linker, documents: list[dict]) -> dict:
    """{(level, group): score} with level doc|mention and group kind, lang:kind or overall."""
    PARTNER_IDS.update(e.target_id for e in linker.gazetteer.entries if e.kind == "partner")
    counts: dict = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    for document in documents:
        text = document["text"]
        gold = gold_mentions(text, document.get("gold") or {})
        predicted = {(m.kind, m.id, m.start, m.end)
                     for m in linker.link(text, document["lang"], document["date"])}  # fmt: skip
        for level, g, p in (
            ("mention", gold, predicted),
            ("doc", {(k, i) for k, i, *_ in gold}, {(k, i) for k, i, *_ in predicted}),
        ):
            for kind in KINDS:
                gk, pk = {x for x in g if x[0] == kind}, {x for x in p if x[0] == kind}
                for group in (kind, f"{document['lang']}:{kind}", "overall"):
                    c = counts[(level, group)]
                    c["tp"] += len(gk & pk)
                    c["fp"] += len(pk - gk)
                    c["fn"] += len(gk - pk)
    return {key: score(c) for key, c in counts.items()}


def evaluate_candidates(linker: Linker, documents: list[dict]) -> dict:
    """Recall of the labelled events among the candidates: the same type, partners among the
    candidate's, and the date within the candidate's precision (a "this week" covers 5 March).
    Only recall: documents without `events` were not labelled for every event they state."""
    from orchestration.documents.linking.candidates import find_candidates
    from orchestration.documents.review import date_window

    gold = found = proposed = 0
    for document in documents:
        mentions = linker.link(document["text"], document["lang"], document["date"])
        candidates = find_candidates(document["id"], document["text"], mentions)
        proposed += len(candidates)
        for event in document.get("events") or []:
            gold += 1
            found += any(
                c.event_type == event["type"] and set(event["partners"]) <= set(c.partner_ids)
                and date_window(c)[0] <= event["date"] <= date_window(c)[1]
                for c in candidates
            )  # fmt: skip
    return {"gold": gold, "found": found, "recall": found / gold if gold else 1.0,
            "proposed": proposed}  # fmt: skip


def five_kb_documents(documents: list[dict], count: int) -> list[tuple[str, str, dt.date]]:
    """`count` documents of ~5 KB, each a different rotation of the labelled texts."""
    texts = [d["text"] for d in documents if d["id"] != "seed"]
    made = []
    for n in range(count):
        parts, size, i = [], 0, n
        while size < 5000:
            parts.append(texts[i % len(texts)])
            size += len(parts[-1]) + 2
            i += 7
        made.append(("\n\n".join(parts), ("en", "es", "pt")[n % 3], dt.date(2025, 3, 7)))
    return made


def release_like_documents(documents: list[dict], count: int) -> list[tuple[str, str, dt.date]]:
    """`count` documents of ~5 KB at a real release's density: the seed release (read from
    ../shared, never stored here) and then its start again, cut at a sentence end."""
    seed = next((d for d in documents if d["id"] == "seed"), None)
    if seed is None:
        return []
    text = seed["text"]
    body = (text + "\n\n" + text)[:5200]
    body = body[: body.rfind(". ") + 1]
    return [(body, "en", seed["date"])] * count


def docs_per_second(function, docs) -> float:
    start = time.perf_counter()
    for text, language, base in docs:
        function(text, language, base)
    return len(docs) / (time.perf_counter() - start)


def regex_baseline(linker: Linker):
    names = sorted({e.surface for e in linker.gazetteer.entries}, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b", re.IGNORECASE)
    return lambda text, language, base: [m.span() for m in pattern.finditer(text)]


def speed(linker: Linker, docs) -> dict[str, float]:
    from orchestration.documents.linking.dates import parse_span

    def cold(text, language, base):
        parse_span.cache_clear()  # every relative or numeric date parsed again
        return linker.link(text, language, base)

    linker.link(*docs[0])  # load dateparser's language data once
    return {
        "linker (date cache shared across documents)": docs_per_second(linker.link, docs),
        "linker (date cache cleared per document)": docs_per_second(cold, docs),
        "re alternation of the same names (no dates)": docs_per_second(regex_baseline(linker),
                                                                       docs),
    }  # fmt: skip


def incremental(docs, count: int = 500) -> dict[str, float]:
    """Seconds to link `count` documents in DuckDB, then one new one, then all again after a
    gazetteer change."""
    import duckdb

    from orchestration.documents.linking.gazetteer import Entry
    from orchestration.documents.linking.store import link_documents

    con = duckdb.connect()
    con.execute("create schema raw_documents")
    con.execute("create table raw_documents.documents (document_id varchar, text varchar, "
                "language varchar, published_on date, _file_sha256 varchar)")  # fmt: skip
    rows = [(f"d{n}", t, lang, base, f"sha{n}") for n, (t, lang, base) in enumerate(docs[:count])]
    con.executemany("insert into raw_documents.documents values (?, ?, ?, ?, ?)", rows)
    linker = Linker(gazetteer_from_files(PROJECT_ROOT / "raw"))
    times = {}
    start = time.perf_counter()
    link_documents(con, linker)
    times[f"first link of {count} documents"] = time.perf_counter() - start
    con.execute("insert into raw_documents.documents values ('new', ?, 'en', ?, 'shanew')",
                [docs[0][0], docs[0][2]])  # fmt: skip
    start = time.perf_counter()
    result = link_documents(con, linker)
    times[f"one new document ({result.linked} linked)"] = time.perf_counter() - start
    changed = linker.gazetteer
    changed.entries.append(Entry("partner", "europol", "European Police Office", "alias", "en"))
    start = time.perf_counter()
    result = link_documents(con, Linker(changed))
    times[f"gazetteer changed ({result.linked} relinked)"] = time.perf_counter() - start
    return times


def timed(function, docs) -> tuple[float, float]:
    """Documents per second (wall clock) and CPU microseconds per document (this process's
    time: on a shared machine the wall rate falls with the load, the CPU time much less)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for text, language, base in docs:
        function(text, language, base)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(docs) / wall, cpu / len(docs) * 1e6


def side_by_side(linker: Linker, baseline: Path, world: bool, corpus, rounds: int = 5) -> None:
    """This linker and another checkout's on the same documents, in alternate runs (the other
    checkout's modules are loaded last: nothing of this one is imported after): best and
    median documents per second, least and median CPU time per document."""
    from statistics import median

    from bench.real_texts import load_linker

    old = load_linker(baseline, world)[0]
    old.link(*corpus[0])
    names = ("this checkout", str(baseline))
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for _ in range(rounds):
        for name, function in zip(names, (linker.link, old.link), strict=True):
            runs[name].append(timed(function, corpus))
    print(f"\nside by side, release-like documents, {rounds} alternate runs of {len(corpus)}:")
    print(f"  {'':<30} {'docs/s best':>12} {'median':>8} {'CPU us/doc least':>17} {'median':>8}")
    for name in names:
        rates, cpu = [r for r, _ in runs[name]], [c for _, c in runs[name]]
        print(f"  {name:<30} {max(rates):12.0f} {median(rates):8.0f} {min(cpu):17.0f} "
              f"{median(cpu):8.0f}")  # fmt: skip
    mine, theirs = ([c for _, c in runs[name]] for name in names)
    least, middle = min(mine) / min(theirs), median(mine) / median(theirs)
    print(f"  CPU time per document, this checkout / the baseline: least {least:.2f}x, "
          f"median {middle:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="5 KB documents to time")
    parser.add_argument("--world", action="store_true", help="add the missing ISO countries")
    parser.add_argument("--baseline", type=Path, help="another checkout to time side by side")
    parser.add_argument("--rounds", type=int, default=5, help="alternate runs side by side")
    parser.add_argument("--only-side-by-side", action="store_true",
                        help="with --baseline: the side by side only")  # fmt: skip
    args = parser.parse_args()
    from bench.real_texts import load_linker

    linker = load_linker(None, args.world)[0]
    documents = load_documents()
    if not (args.only_side_by_side and args.baseline):
        report(linker, documents, args.docs)
    release = release_like_documents(documents, args.docs)
    if args.baseline and release:
        side_by_side(linker, args.baseline, args.world, release, args.rounds)


def report(linker: Linker, documents: list[dict], count: int) -> None:
    """Quality on the labelled set, speed against one re alternation, DuckDB's relinking."""
    results = evaluate(linker, documents)
    print(f"labelled documents: {len(documents)}; gazetteer: {len(linker.gazetteer.entries)} names")
    for level in ("doc", "mention"):
        print(f"\n{level} level        P      R      F1    (tp/fp/fn)")
        for group in sorted(g for lvl, g in results if lvl == level):
            s = results[(level, group)]
            print(f"  {group:<16} {s['p']:.3f}  {s['r']:.3f}  {s['f1']:.3f}  "
                  f"({s['tp']}/{s['fp']}/{s['fn']})")  # fmt: skip
    events = evaluate_candidates(linker, documents)
    print(f"\ncandidate events: recall {events['recall']:.3f} ({events['found']} of "
          f"{events['gold']} labelled events with type, partners and date right; "
          f"{events['proposed']} candidates proposed in all)")  # fmt: skip
    docs = five_kb_documents(documents, count)
    corpora = (("labelled texts joined (dense: ~200 mentions per 5 KB)", docs),
               ("release-like (the seed release's density: ~75 mentions per 5 KB)",
                release_like_documents(documents, count)))  # fmt: skip
    for label, corpus in corpora:
        if not corpus:
            continue
        size = sum(len(d[0]) for d in corpus) // len(corpus)
        print(f"\nspeed, {len(corpus)} documents of ~{size} characters, one core: {label}")
        rates = speed(linker, corpus)
        base = rates["re alternation of the same names (no dates)"]
        for name, rate in rates.items():
            print(f"  {name:<46} {rate:8.0f} documents/s  ({rate / base:.2f}x the re alternation)")
    print("\nincremental linking in DuckDB:")
    for name, seconds in incremental(docs).items():
        print(f"  {name:<46} {seconds:8.3f} s")


if __name__ == "__main__":
    main()
