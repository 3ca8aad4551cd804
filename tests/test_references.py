"""The bibliography is complete, used, well formed, and the known-wrong citations are gone.

Every "Author Year" cited in the model, presets, docs, dashboard pages and README must have a
full, checked (or explicitly unverified) reference in ``sim.references``; every entry must be
cited somewhere; docs/references.md must be the generated list; and citations found to be wrong
(journal, volume or pages of another paper, or a paper cited for what it does not say) must not
come back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.references import BIBLIOGRAPHY, full, get, keys_in, references_md

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("sim", "scenarios", "docs", "app_pages")
SKIP = {"references.py", "references.md", "reference.json"}  # the bibliography itself; shipped data


def _files(roots: tuple[str, ...] = SCANNED, extra: tuple[str, ...] = ("README.md", "app.py")):
    out = [ROOT / e for e in extra if (ROOT / e).is_file()]
    for r in roots:
        out += [p for p in sorted((ROOT / r).rglob("*")) if p.suffix in (".py", ".toml", ".md")
                and p.name not in SKIP and "__pycache__" not in p.parts]
    return out


def _cited() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in _files():
        for k in keys_in(p.read_text(encoding="utf-8")):
            found.setdefault(k, []).append(str(p.relative_to(ROOT)))
    return found


def test_every_cited_key_is_in_the_bibliography():
    missing = {k: v[:3] for k, v in _cited().items() if k not in BIBLIOGRAPHY}
    assert not missing, f"cited but not in sim/references.py: {missing}"


def test_every_entry_is_cited_somewhere():
    cited = _cited()
    assert not [k for k in BIBLIOGRAPHY if k not in cited]


@pytest.mark.parametrize("key", sorted(BIBLIOGRAPHY))
def test_entry_is_complete(key):
    r = BIBLIOGRAPHY[key]
    assert r.key == key and r.authors and r.title and r.journal and r.checked
    assert 1900 < r.year <= 2030 and str(r.year) in key
    assert r.pmid == "" or r.pmid.isdigit()
    assert full(key).startswith(r.authors.rstrip(".")) and str(r.year) in full(key)


def test_keys_in_reads_the_citation_forms():
    text = ("(Hahn 2013); Taylor et al. 2000; Eisen & Kuwabara 2012; Hahn AF et al. J Peripher "
            "Nerv Syst 2013;18:321; van Schaik IN et al. Lancet Neurol 2010;9:245; EFNS/PNS 2010;"
            " Van den\n    # Berg-Vos 2002; Medical Research Council 1976; In 2013 nothing; "
            "Python 3.11; WCAG 2.2")
    assert keys_in(text) == ["Hahn 2013", "Taylor 2000", "Eisen & Kuwabara 2012",
                             "van Schaik 2010b", "van Schaik 2010", "Van den Berg-Vos 2002",
                             "Medical Research Council 1976"]
    assert get("EFNS/PNS 2010") is BIBLIOGRAPHY["van Schaik 2010"]


def test_a_vancouver_citation_names_the_journal_of_its_entry():
    """"Hahn AF et al. J Neurol Neurosurg Psychiatry 2013" must not pass as Hahn 2013."""
    assert keys_in("Hahn AF et al. J Neurol Neurosurg Psychiatry 2013;84:1253") != ["Hahn 2013"]


# Wrong citations found and fixed: none may come back anywhere in the tree (tests included).
BAD = (
    (r"84:1253", "Hahn 2013 is J Peripher Nerv Syst 2013;18:321-330"),
    (r"123:1170", "Taylor 2000 is Muscle Nerve 2000;23:900-908"),
    (r"247:712", "Claus 2000 is a letter, J Neurol Neurosurg Psychiatry 2000;68:533-535"),
    (r"2004;9:20\b", "Viala 2004 is Brain 2004;127:2010-2017"),
    (r"1994;44:223", "Dalakas 1994 is Arch Neurol 1994;51:861-864"),
    (r"Hahn[^\n]{0,40}Neurol Neurosurg Psychiatry", "Hahn 2013 is not in JNNP"),
    (r"Cochrane 2015[^\n]{0,30}(probably ineffective|no benefit)|"
     r"(probably ineffective|no benefit|none of its own)[^\n]{0,30}Cochrane 2015",
     "Cochrane 2015 is about CIDP, where exchange helps"),
    (r"1\.37[-–]1\.53[^\n]{0,60}Harbo 2009(?! gave)", "Harbo 2009 gave equal doses"),
    (r"Terenghi[^\n]{0,40}(?<!not the )onset", "8-10 days in Terenghi 2004 is an assessment time"),
    (r"Azulay 1994; Pestronk", "Azulay 1994 is an IVIg trial, not a prednisolone series"),
    (r"Eur J Neurol 2024\)", "cite Al-Zuhairy 2024 by its key"),
)


@pytest.mark.parametrize("pattern,why", BAD)
def test_known_wrong_citation_is_gone(pattern, why):
    me = Path(__file__).name
    hits = [str(p.relative_to(ROOT)) for p in _files((*SCANNED, "tests"))
            if p.name != me and re.search(pattern, p.read_text(encoding="utf-8"))]
    assert not hits, f"{why}: {hits}"


def test_docs_references_md_is_generated_from_the_bibliography():
    assert (ROOT / "docs" / "references.md").read_text(encoding="utf-8") == references_md()
    assert "references.md" in (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def test_module_imports_no_dashboard_libraries():
    src = (ROOT / "sim" / "references.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(streamlit|plotly)", src, re.M)


def test_validation_report_lists_the_full_references_of_its_sources():
    from sim.validation import REFERENCE, load
    from sim.validation.render import cited_keys, html, markdown

    report = load(REFERENCE)
    keys = cited_keys([r.target.source for r in report.results])
    assert "Hahn 2013" in keys and "Federico 2000" in keys
    md, page = markdown(report), html(report)
    refs = md[md.index("## References"):]
    assert all(full(k) in refs for k in keys)
    assert "<h2>References</h2>" in page and "J Peripher Nerv Syst 2013;18(4):321-330" in page
