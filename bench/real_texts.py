"""The linker on real public texts: per-document precision and recall of partners (actors and
places), threats and whole-day dates, against `tests/data/real_texts.yml`.

The texts are third parties' and never stored in the project: pass the folder that holds them
(files of `=== id | url | lang | published_on` headers, each followed by its text; bench/README.md
says how they were gathered). `--code DIR` scores another checkout's linker (e.g. `main`, exported
with `git archive`), so before and after are measured by the same script. `--world` adds, as a
stand-in until the partner extract holds every ISO 3166 state, the countries it lacks (pycountry
names, CLDR names through the linker's own rules; no demonyms, no agencies).

    .venv/bin/python -m bench.real_texts /tmp/real-texts [/tmp/more ...] [--code /tmp/main]
        [--world] [--errors]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "tests" / "data" / "real_texts.yml"
HEADER = re.compile(r"^=== (?P<id>\S+) \| (?P<url>\S+) \| (?P<lang>\w+) \| ?(?P<date>[\d-]*)\s*$",
                    re.MULTILINE)  # fmt: skip
KINDS = ("partner", "threat", "date")


def read_texts(folder: Path) -> dict[str, dict]:
    """{id: {url, lang, published_on, text, sha256}} from every *.txt file in `folder`."""
    texts = {}
    for path in sorted(folder.glob("*.txt")):
        content = path.read_text(encoding="utf-8")
        headers = list(HEADER.finditer(content))
        for n, header in enumerate(headers):
            end = headers[n + 1].start() if n + 1 < len(headers) else len(content)
            text = content[header.end() :].strip("\n") if n + 1 == len(headers) else (
                content[header.end() : end].strip("\n"))  # fmt: skip
            date = header["date"]
            texts[header["id"]] = {
                "url": header["url"], "lang": header["lang"], "text": text,
                "published_on": dt.date.fromisoformat(date) if date else None,
                "sha256": hashlib.sha256(text.encode()).hexdigest()[:16],
            }  # fmt: skip
    return texts


def load_linker(code: Path | None, world: bool):
    """The linker of this checkout, or of `code`, over raw/curated (plus the stand-in world)."""
    if code is not None:
        sys.path.insert(0, str(code))
        for name in [m for m in sys.modules if m.split(".")[0] == "orchestration"]:
            del sys.modules[name]
    gazetteer = importlib.import_module("orchestration.documents.linking.gazetteer")
    linker = importlib.import_module("orchestration.documents.linking.linker")
    curated = ROOT / "raw" / "curated"
    partners = gazetteer.read_csv_rows(curated / "partners")
    if world:
        partners += missing_countries(partners)
    built = gazetteer.build_gazetteer(partners, gazetteer.read_csv_rows(curated / "threats"),
                                      gazetteer.read_csv_rows(curated / "aliases"))  # fmt: skip
    parents = {r["partner_id"]: r.get("parent_partner_id") for r in partners}
    return linker.Linker(built), parents


def missing_countries(partners: list[dict]) -> list[dict]:
    import pycountry

    known = set()
    for row in partners:
        if row.get("partner_type") == "country":
            with contextlib.suppress(LookupError):
                known.add(pycountry.countries.lookup(row["partner_name"]).alpha_2)
    rows = []
    for country in pycountry.countries:
        if country.alpha_2 not in known:
            name = getattr(country, "common_name", None) or country.name
            slug = re.sub(r"[^a-z]+", "-", name.lower()).strip("-")
            rows.append({"partner_id": slug, "partner_name": name, "partner_type": "country"})
    return rows


def predicted(mentions, gold_partners: set[str], parents: dict) -> dict[str, set]:
    """Distinct ids per kind: partners that act or are the place (every partner mention, for a
    linker without roles), an agency counted as its state when the annotation names the state;
    dates of day precision."""
    found: dict[str, set] = {kind: set() for kind in KINDS}
    for m in mentions:
        if m.kind == "partner":
            if getattr(m, "role", "actor") not in ("actor", "place"):
                continue
            pid = m.id
            while pid not in gold_partners and parents.get(pid):
                pid = parents[pid]
            found["partner"].add(pid)
        elif m.kind == "threat":
            found["threat"].add(m.id)
        elif m.kind == "date" and m.precision == "day":
            found["date"].add(m.id)
    return found


def evaluate(linker, parents, documents: list[dict], texts: dict, errors: bool = False) -> dict:
    """{(split, kind): {p, r, tp, fp, fn, docs}}; split: all, dev, held_out, fresh (gathered
    after the rules were written, never tuned on), and per language."""
    counts: dict = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "docs": 0})
    for document in documents:
        source = texts.get(document["id"])
        if source is None:
            continue
        published = document.get("published_on")
        mentions = linker.link(source["text"], document["lang"], published)
        gold = {"partner": set(document.get("partners") or {}),
                "threat": set(document.get("threats") or []),
                "date": {d.isoformat() for d in document.get("dates") or []}}  # fmt: skip
        found = predicted(mentions, gold["partner"], parents)
        split = (
            "fresh"
            if document.get("fresh")
            else ("held_out" if document.get("held_out") else "dev")
        )
        for kind in KINDS:
            tp, fp, fn = (gold[kind] & found[kind], found[kind] - gold[kind],
                          gold[kind] - found[kind])  # fmt: skip
            if errors and (fp or fn):
                print(f"  {document['id']} {kind}: extra {sorted(fp)} missed {sorted(fn)}")
            for group in ("all", split, document["lang"]):
                c = counts[(group, kind)]
                c["tp"], c["fp"], c["fn"] = c["tp"] + len(tp), c["fp"] + len(fp), c["fn"] + len(fn)
                c["docs"] += 1
    for c in counts.values():
        c["p"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["r"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", type=Path, nargs="+", help="folders of the texts (*.txt)")
    parser.add_argument("--code", type=Path, help="another checkout whose linker to score")
    parser.add_argument("--world", action="store_true", help="add the missing ISO countries")
    parser.add_argument("--errors", action="store_true", help="print every document's errors")
    args = parser.parse_args()
    documents = yaml.safe_load(ANNOTATIONS.read_text())["documents"]
    texts = {k: v for folder in args.texts for k, v in read_texts(folder).items()}
    changed = [
        d["id"] for d in documents
        if d["id"] in texts and d.get("sha256") not in (None, texts[d["id"]]["sha256"])
    ]  # fmt: skip
    if changed:
        print(f"warning: texts differ from the annotated copies: {', '.join(changed)}")
    linker, parents = load_linker(args.code, args.world)
    results = evaluate(linker, parents, documents, texts, args.errors)
    scored = sum(1 for d in documents if d["id"] in texts)
    print(f"real texts scored: {scored} of {len(documents)} annotated; "
          f"gazetteer: {len(linker.gazetteer.entries)} names")  # fmt: skip
    print("group     kind      P      R     (tp/fp/fn, documents)")
    for group in ("all", "dev", "held_out", "fresh", "en", "es", "pt"):
        for kind in KINDS:
            c = results.get((group, kind))
            if c:
                print(f"{group:<9} {kind:<8} {c['p']:.3f}  {c['r']:.3f}  "
                      f"({c['tp']}/{c['fp']}/{c['fn']}, {c['docs']})")  # fmt: skip


if __name__ == "__main__":
    main()
