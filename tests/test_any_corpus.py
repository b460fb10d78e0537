"""Every notebook of the collection runs, with only -p TEXTS_DIR, on a corpus unlike the project's.

The corpus: the project's two English openings and two full English texts written for the test (test
data, not official texts), so another language set than the project's default (French), and two full
texts where the project has one. The committed notebooks and figures must stay untouched.
"""

import shutil

import nbformat

from valduchesse.cli import main
from valduchesse.corpus import write_text_file

from conftest import ROOT, TEXTS, committed_results

NOTEBOOKS = ["01_distinctive_terms", "02_trends_and_similarity", "03_topic_clusters", "04_themes_hand_coded",
             "05_your_own_corpus"]
FULL_TEXTS = {
    "2023-10-02": """Joint declaration on security cooperation (test data, not an official text)
The two governments met today and confirmed their excellent cooperation against terrorism and organised crime.
1. Police cooperation
The police services will exchange information on terrorist threats. They will set up joint patrols at the border.
Intelligence services will share their assessments of the threat.
2. Migration
The two countries will fight the smuggling networks that organise illegal immigration. They will ask Frontex for support at the external borders.
3. Cyber security
The national cyber security agencies will cooperate against cyber attacks. They will share information on threats to information systems.
4. The Sahel
The two countries support the coalition against Daesh in the Sahel. They will coordinate their messages to the countries of West Africa.""",
    "2025-03-10": """Joint declaration on justice and drugs (test data, not an official text)
The ministers of justice and of the interior met to review their cooperation.
1. Judicial cooperation
Prosecutors will use joint investigation teams more often. The European arrest warrant works well between the two countries.
2. Drugs and ports
Cocaine arrives through the ports of Antwerp and Le Havre. Customs and police will track the drug trafficking networks together.
3. Victims
The victims of terrorism and their families will receive support in both countries.""",
}


def english_corpus(folder):
    folder.mkdir()
    for path in sorted(TEXTS.glob("*_en_*.txt")):
        shutil.copy(path, folder)
    for date, body in FULL_TEXTS.items():
        write_text_file(body, folder / f"{date}_en_test.txt", meeting_date=date, place="Brussels", language="en",
                        kind="joint declaration", title="Test declaration", source_url="https://example.org/test",
                        coverage="full text")
    return folder


def test_every_notebook_runs_on_english_texts_with_two_full_texts(tmp_path, monkeypatch):
    corpus = english_corpus(tmp_path / "english")
    before = committed_results()
    monkeypatch.chdir(tmp_path)

    status = main(["run", *(str(ROOT / "notebooks" / f"{name}.ipynb") for name in NOTEBOOKS),
                   "-p", "TEXTS_DIR", str(corpus), "--output", str(tmp_path / "out")])

    assert status == 0
    for name in NOTEBOOKS:
        executed = nbformat.read(tmp_path / "out" / f"{name}.ipynb", as_version=4)
        errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, name
        text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                         for c in executed.cells for o in c.get("outputs", []))
        assert "en_test" in text or "2025-03-10" in text, f"{name} does not show the test corpus"
    assert committed_results() == before
