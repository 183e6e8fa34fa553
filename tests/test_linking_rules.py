"""The linker's rules one by one, on our own sentences: who does what (roles), threats as
people write them, dates in every written form, and `coop link` on many files."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from typer.testing import CliRunner

from orchestration.documents.linking.candidates import find_candidates
from orchestration.documents.linking.dates import find_dates
from orchestration.documents.linking.gazetteer import gazetteer_from_files
from orchestration.documents.linking.linker import Linker
from orchestration.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(gazetteer_from_files(PROJECT_ROOT / "raw"))


def roles(linker, text, language):
    """{partner_id: set of roles} of a text."""
    found: dict[str, set] = {}
    for m in linker.link(text, language):
        if m.kind == "partner":
            found.setdefault(m.id, set()).add(m.role)
    return found


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # actors: they take part
        ("Europol and Brazil signed a working arrangement.", "en",
         {"europol": {"actor"}, "brazil": {"actor"}}),
        # a national police is its own partner, tied to its state (mentions-policy.md)
        ("La Policía Nacional de Colombia detuvo a cinco personas.", "es",
         {"policia-nacional-colombia": {"actor"}}),
        # places: where it happened (after a locative, a list sharing it, a city before)
        ("22 suspects were detained in Spain, Portugal and Belgium.", "en",
         {"spain": {"place"}, "portugal": {"place"}, "belgium": {"place"}}),
        ("The fugitive was arrested in Tulua, Colombia.", "en", {"colombia": {"place"}}),
        ("Foram realizadas buscas no Brasil.", "pt", {"brazil": {"place"}}),
        # origin and destination of goods
        ("The cocaine was shipped from Colombia to Spain.", "en",
         {"colombia": {"other"}, "spain": {"other"}}),
        ("Interceptaron envíos de cocaína con destino a España.", "es", {"spain": {"other"}}),
        ("A carga tinha destino ao Porto de Antuérpia, na Bélgica.", "pt", {"belgium": {"other"}}),
        ("O grupo era responsável por adquirir drogas na Bolívia.", "pt", {"bolivia": {"other"}}),
        # a criminal subject's whereabouts
        ("Tenían alianzas con organizaciones criminales locales en Panamá.", "es",
         {"panama": {"other"}}),
        # nationality of suspects or crews; a demonym acts only through an authority
        ("Fueron detenidos tres ciudadanos colombianos.", "es", {"colombia": {"other"}}),
        ("Foram presos três tripulantes brasileiros.", "pt", {"brazil": {"other"}}),
        ("As autoridades brasileiras e mexicanas cooperaram.", "pt",
         {"brazil": {"actor"}, "mexico": {"actor"}}),
        ("Chilean authorities met Europol.", "en", {"chile": {"actor"}, "europol": {"actor"}}),
        # a comparison, another body's name or description, a seat
        ("Ameripol es un organismo similar a Europol.", "es", {"ameripol": {"actor"},
                                                               "europol": {"other"}}),
        # Europol's full name is Europol's, not the EU's
        ("A Europol (Agência da União Europeia para a Cooperação Policial) coordenou.", "pt",
         {"europol": {"actor"}}),
        ("Europol, the European Union's police agency, said so.", "en",
         {"europol": {"actor"}, "european-union": {"other"}}),
        ("Officers go to the headquarters of Europol in The Hague, the Netherlands.", "en",
         {"europol": {"actor"}, "netherlands": {"other"}}),
        # the EU as a region, not a party
        ("Drugs enter the EU via its ports.", "en", {"european-union": {"other"}}),
        ("Judges from EU Member States attended.", "en", {"european-union": {"other"}}),
        ("The European Union funded the programme.", "en", {"european-union": {"actor"}}),
        # a surname equal to a country; an institution of another state
        ("O ministro Paulo França falou ontem.", "pt", {"france": {"other"}}),
        ("Today Brazil and Europol signed.", "en", {"brazil": {"actor"}, "europol": {"actor"}}),
        ("Participó la Policía Federal de Australia.", "es",
         {"australia": {"actor"}, "policia-federal-brazil": {"other"}}),
        # an organisation is never a place nor an origin of goods
        ("Samples of the seized cocaine were shipped to Europol for analysis.", "en",
         {"europol": {"actor"}}),
        # a name in parentheses takes its name's role
        ("Latin American Committee for Internal Security (CLASI) delegates visited Europol.", "en",
         {"clasi": {"actor"}, "europol": {"actor"}}),
    ],
)  # fmt: skip
def test_each_partner_mention_gets_its_role(linker, text, language, expected):
    assert roles(linker, text, language) == expected


def test_only_partner_mentions_have_a_role(linker):
    found = linker.link("Brazil seized cocaine on 5 March 2025.", "en")
    assert {(m.kind, m.role) for m in found} == {("partner", "actor"),
                                                 ("threat", None), ("date", None)}  # fmt: skip


def test_candidates_use_only_actors_and_places(linker):
    text = "Europol and Brazil signed an arrangement on 5 March 2025 against cocaine from Colombia."
    (candidate,) = find_candidates("d", text, linker.link(text, "en"))
    assert candidate.partner_ids == ("europol", "brazil")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("They dismantled a cocaine-smuggling network.", "en", {"drug-trafficking"}),
        ("Suspected of trafficking cocaine and cannabis.", "en", {"drug-trafficking"}),
        ("The network was laundering money abroad.", "en", {"money-laundering"}),
        ("They used shops to launder the proceeds.", "en", {"money-laundering"}),
        ("Police seized 2 tonnes of cocaine.", "en", {"drug-trafficking"}),
        ("Una red de tráfico internacional de droga.", "es", {"drug-trafficking"}),
        ("Contra el tráfico ilícito de migrantes y de armas de fuego.", "es",
         {"migrant-smuggling", "weapons-and-explosives"}),
        ("Redes de armas, drogas y trata de personas.", "es",
         {"weapons-and-explosives", "drug-trafficking", "trafficking-in-human-beings"}),
        ("Cooperan contra la delincuencia informática.", "es", {"cybercrime"}),
        ("Investigação de lavagem de ativos.", "pt", {"money-laundering"}),
        ("A apreensão de 7 toneladas de cocaína.", "pt", {"drug-trafficking"}),
        # organised crime as such where it is fought, not as the perpetrator of another crime
        ("Both sides agreed to fight organised crime.", "en", {"organised-crime"}),
        ("An organised crime group sold stolen cars.", "en", set()),
        # a threat inside a body's name; a treaty is no "trata"; never across a sentence end
        ("They visited the European Cybercrime Centre.", "en", set()),
        ("El tratado fue firmado. Las drogas no fueron tema.", "es", set()),
        ("The ship was seized. Drugs were not found aboard.", "en", set()),
    ],
)  # fmt: skip
def test_threats_as_people_write_them(linker, text, language, expected):
    assert {m.id for m in linker.link(text, language) if m.kind == "threat"} == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("The Hague, 10.07.2024.", "en", [("2024-07-10", "day")]),
        ("Signed on 22/06/2021 - 22:55", "en", [("2021-06-22", "day")]),
        ("La Haya 11/11/22", "es", [("2022-11-11", "day")]),
        ("firmaron el jueves en Brasilia", "es", [("2023-11-09", "day")]),
        ("anunciou nesta sexta-feira", "pt", [("2023-11-10", "day")]),
        ("the agency said on Monday", "en", [("2023-11-06", "day")]),
        ("se reunirán el próximo lunes", "es", [("2023-11-13", "day")]),
        ("hosted on 12-13 October", "en", [("2023-10-12", "day"), ("2023-10-13", "day")]),
        ("Entre el 18 y 21 de junio", "es", [("2023-06-18", "day"), ("2023-06-21", "day")]),
        ("between November 8-19", "en", [("2023-11-08", "day"), ("2023-11-19", "day")]),
        ("Established in March 2022", "en", [("2022-03-01", "month")]),
        ("carecía hasta hoy de personalidad jurídica", "es", []),
        ("Llegó a Santo Domingo.", "es", []),
        ("version 1.2.3 weighs 1.375 kg", "en", []),
    ],
)  # fmt: skip
def test_dates_in_every_written_form(text, language, expected):
    base = dt.date(2023, 11, 10)  # a Friday
    found = [(d.date.isoformat(), d.precision) for d in find_dates(text, language, base)]
    assert found == expected


def test_relative_dates_need_the_documents_date():
    assert find_dates("firmaron el jueves", "es", None) == []
    assert [d.date for d in find_dates("10.07.2024", "en", None)] == [dt.date(2024, 7, 10)]


def test_coop_link_takes_many_files_and_folders_in_one_process(tmp_path, monkeypatch):
    from orchestration.cli import app

    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Brazil and Europol signed on 10.07.2024.", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("Chile hosted Eurojust.", encoding="utf-8")
    (folder / "bad.txt").write_bytes("Bogot\xe1".encode("latin-1"))
    single = tmp_path / "c.txt"
    single.write_text("Peru.", encoding="utf-8")
    monkeypatch.setenv("COOP_BUILD_DIR", str(tmp_path / "build"))
    result = CliRunner().invoke(app, ["link", str(folder), str(single), "--format", "json"])
    assert result.exit_code == 1  # the bad file is named, the others are still linked
    assert "bad.txt" in result.output and "line 1, column 6" in result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    by_file = {(r["file"].rsplit("/", 1)[-1], r["id"], r.get("role")) for r in rows}
    assert {("a.txt", "brazil", "actor"), ("a.txt", "2024-07-10", None),
            ("b.md", "chile", "actor"), ("c.txt", "peru", "actor")} <= by_file  # fmt: skip
    assert list((tmp_path / "build" / "linking").glob("gazetteer-*.json"))


def test_the_names_are_cached_until_an_extract_changes(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "raw" / "curated", raw / "curated",
                    ignore=shutil.ignore_patterns("events", "*.ndjson"))  # fmt: skip
    cache = tmp_path / "cache"
    first = gazetteer_from_files(raw, cache)
    (cached,) = cache.glob("gazetteer-*.json")
    assert gazetteer_from_files(raw, cache).entries == first.entries  # read back the same
    with (raw / "curated" / "aliases" / "aliases.csv").open("a", encoding="utf-8") as handle:
        handle.write("partner,peru,Tierra Inca,es,name,,\n")
    grown = gazetteer_from_files(raw, cache)
    assert any(e.surface == "Tierra Inca" for e in grown.entries)
    assert not cached.exists() and len(list(cache.glob("gazetteer-*.json"))) == 1
    cached_now = next(cache.glob("gazetteer-*.json"))
    cached_now.write_text("not json")  # a broken cache is built again, not trusted
    assert gazetteer_from_files(raw, cache).entries == grown.entries
