"""Corpora of many shapes, for testing that every notebook copes with any folder of texts.

Each shape is a function that fills an empty folder with text files: either copies of the project's own
``texts/`` files (bodies never edited) or texts written here, which are **test data, not official texts**
(their titles say so; their sentences are invented and follow no official wording). :data:`SHAPES` names
them all; :func:`make_corpus` writes one. The notebooks' test (``tests/test_generated_corpora.py``) runs
the whole collection on each shape.

The written texts are built from :data:`SENTENCES`, a few invented sentences per language about the
subjects the project's dictionary knows (terrorism, police, migration, drugs, cyber security), so that
every step has something to count; each text is checked on writing as
:func:`~valduchesse.corpus.load_corpus` would check it (:func:`~valduchesse.corpus.write_text_file`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from ..corpus import write_text_file

__all__ = [
    "HEADINGS", "SENTENCES", "SHAPES", "TEST_MARK", "TITLES", "copy_texts", "invented_body", "make_corpus",
    "write_invented_text",
]

TEST_MARK = "(test data, not an official text)"
"""Written in the title (and first line) of every text this module writes."""

SENTENCES = {
    "en": [
        "The two governments confirmed their cooperation against terrorism and organised crime.",
        "The police services will exchange information on terrorist threats and set up joint patrols at the border.",
        "Intelligence services will share their assessments of the threat of radicalisation in prisons.",
        "The two countries will fight the smuggling networks that organise illegal immigration.",
        "Customs and police will track the drug trafficking networks in the ports together.",
        "The national agencies will cooperate against cyber attacks on information systems.",
        "Prosecutors will use joint investigation teams and the European arrest warrant more often.",
        "The victims of terrorism and their families will receive support in both countries.",
    ],
    "fr": [
        "Les deux gouvernements ont confirmé leur coopération contre le terrorisme et la criminalité organisée.",
        "Les services de police échangeront des informations sur les menaces terroristes et organiseront des "
        "patrouilles communes à la frontière.",
        "Les services de renseignement partageront leur analyse de la menace de radicalisation dans les prisons.",
        "Les deux pays lutteront contre les réseaux de passeurs qui organisent l'immigration illégale.",
        "Les douanes et la police suivront ensemble les réseaux de trafic de drogue dans les ports.",
        "Les agences nationales coopéreront contre les attaques informatiques visant les systèmes d'information.",
        "Les procureurs utiliseront plus souvent les équipes communes d'enquête et le mandat d'arrêt européen.",
        "Les victimes du terrorisme et leurs familles recevront un soutien dans les deux pays.",
    ],
    "de": [
        "Die beiden Regierungen bestätigten ihre Zusammenarbeit gegen den Terrorismus und die organisierte "
        "Kriminalität.",
        "Die Polizeidienste werden Informationen über terroristische Bedrohungen austauschen und gemeinsame "
        "Streifen an der Grenze einrichten.",
        "Die Nachrichtendienste werden ihre Einschätzung der Gefahr der Radikalisierung in den Gefängnissen teilen.",
        "Die beiden Länder werden die Schleusernetze bekämpfen, die die illegale Einwanderung organisieren.",
        "Zoll und Polizei werden die Netze des Drogenhandels in den Häfen gemeinsam verfolgen.",
        "Die nationalen Behörden werden gegen Angriffe auf die Informationssysteme zusammenarbeiten.",
        "Die Staatsanwälte werden gemeinsame Ermittlungsgruppen und den Europäischen Haftbefehl öfter nutzen.",
        "Die Opfer des Terrorismus und ihre Familien werden in beiden Ländern unterstützt.",
    ],
    "nl": [
        "De twee regeringen bevestigden hun samenwerking tegen het terrorisme en de georganiseerde misdaad.",
        "De politiediensten zullen informatie over terroristische dreigingen uitwisselen en gezamenlijke "
        "patrouilles aan de grens opzetten.",
        "De inlichtingendiensten zullen hun inschatting van de dreiging van radicalisering in de gevangenissen delen.",
        "De twee landen zullen de smokkelnetwerken bestrijden die de illegale immigratie organiseren.",
        "De douane en de politie zullen de netwerken van de drugshandel in de havens samen opsporen.",
        "De nationale diensten zullen samenwerken tegen aanvallen op de informatiesystemen.",
        "De procureurs zullen vaker gemeenschappelijke onderzoeksteams en het Europees aanhoudingsbevel gebruiken.",
        "De slachtoffers van het terrorisme en hun families zullen in beide landen steun krijgen.",
    ],
}
"""Invented sentences (test data) per language, the same eight subjects in each."""

HEADINGS = {
    "en": ["Police cooperation", "Migration", "Drugs and ports", "Justice"],
    "fr": ["Coopération policière", "Migration", "Drogue et ports", "Justice"],
    "de": ["Polizeiliche Zusammenarbeit", "Migration", "Drogen und Häfen", "Justiz"],
    "nl": ["Politiesamenwerking", "Migratie", "Drugs en havens", "Justitie"],
}
"""Invented section headings (test data) per language."""

TITLES = {"en": "Joint declaration", "fr": "Déclaration conjointe", "de": "Gemeinsame Erklärung",
          "nl": "Gezamenlijke verklaring"}
"""The first words of an invented text's title, per language (followed by :data:`TEST_MARK`)."""


def invented_body(language: str, variant: int = 0, sections: int = 3, per_section: int = 2) -> str:
    """The body of an invented text: a title line, a preamble and numbered sections (test data).

    Parameters
    ----------
    language : str
        One of the keys of :data:`SENTENCES`.
    variant : int
        Rotates the sentences, so that two meetings' texts differ.
    sections : int
        Numbered sections (``1. Heading``); 0 writes the sentences as plain paragraphs, without headings.
    per_section : int
        Sentences per section (or per paragraph without sections); the preamble holds one.

    Returns
    -------
    str
        The body, whose first line names it as test data.
    """
    pool = SENTENCES[language]
    pick = [pool[(variant * 3 + i) % len(pool)] for i in range(1 + max(sections, 1) * per_section)]
    lines = [f"{TITLES[language]} {TEST_MARK}", pick[0]]
    rest = pick[1:]
    if sections == 0:
        lines += [" ".join(rest[i:i + per_section]) for i in range(0, len(rest), per_section)]
    else:
        headings = HEADINGS[language]
        for number in range(sections):
            lines += [f"{number + 1}. {headings[(variant + number) % len(headings)]}",
                      " ".join(rest[number * per_section:(number + 1) * per_section])]
    return "\n\n".join(lines)


def write_invented_text(folder: str | Path, date: str, language: str, body: str, kind: str = "joint declaration",
                    coverage: str = "full text", part: int | None = None) -> Path:
    """Write one invented text (test data, its title says so) into ``folder``; returns its path.

    The file is named ``<date>_<language>_test[-<part>].txt`` and checked as
    :func:`~valduchesse.corpus.load_corpus` would check it (:func:`~valduchesse.corpus.write_text_file`).

    Parameters
    ----------
    folder : str or Path
        The texts folder.
    date : str
        The meeting date, ``YYYY-MM-DD``.
    language : str
        Its language code (one of :data:`TITLES`).
    body : str
        The text's body (e.g. :func:`invented_body`).
    kind : str, optional
        The header's ``kind``.
    coverage : str, optional
        The header's ``coverage``.
    part : int, optional
        The part number, for a document held in parts.

    Returns
    -------
    Path
        The written file.
    """
    name = f"{date}_{language}_test{f'-{part}' if part else ''}.txt"
    return write_text_file(body, Path(folder) / name, meeting_date=date, place="Brussels", language=language,
                           kind=kind, title=f"{TITLES[language]} {TEST_MARK}", source_url="https://example.org/test",
                           coverage=coverage, part=part)


def copy_texts(folder: str | Path, texts: str | Path, patterns: list[str]) -> list[Path]:
    """Copy the project's text files matching the glob ``patterns`` from ``texts`` into ``folder`` (unedited).

    Parameters
    ----------
    folder : str or Path
        The folder copied into.
    texts : str or Path
        The project's texts folder.
    patterns : list of str
        Glob patterns of file names, copied in this order, each one's matches sorted.

    Returns
    -------
    list of Path
        The copies.

    Raises
    ------
    FileNotFoundError
        If no file matches.
    """
    copied = []
    for pattern in patterns:
        for path in sorted(Path(texts).glob(pattern)):
            copied.append(Path(shutil.copy(path, folder)))
    if not copied:
        raise FileNotFoundError(f"no text of {texts} matches {patterns}")
    return copied


# --- the shapes -------------------------------------------------------------------------------------

def _one_text(folder, texts):
    write_invented_text(folder, "2023-10-02", "en", invented_body("en"))


def _two_texts(folder, texts):  # issue 20's example: two English openings, a declaration and the communiqué
    copy_texts(folder, texts, ["2017-10-16_en_*.txt", "2018-06-11_en_*.txt"])


def _only_communiques(folder, texts):
    copy_texts(folder, texts, ["2017-10-16_*.txt"])
    write_invented_text(folder, "2019-05-06", "fr", invented_body("fr", 1), kind="joint communiqué")


def _no_complete_text(folder, texts):
    copy_texts(folder, texts, ["2016-*.txt", "2017-*.txt", "2018-*.txt", "2021-11-22_fr_*.txt"])


def _one_language(folder, texts):
    copy_texts(folder, texts, ["*_nl_*.txt"])


def _four_languages(folder, texts):
    for variant, date in enumerate(["2023-10-02", "2025-03-10"]):
        for language in SENTENCES:
            write_invented_text(folder, date, language, invented_body(language, variant))


def _no_hand_codes(folder, texts):
    for variant, date in enumerate(["2022-01-10", "2023-10-02", "2025-03-10"]):
        write_invented_text(folder, date, "fr", invented_body("fr", variant, sections=4))


def _no_sections(folder, texts):
    for variant, date in enumerate(["2023-10-02", "2025-03-10"]):
        write_invented_text(folder, date, "en", invented_body("en", variant, sections=0, per_section=3))


def _very_short(folder, texts):
    for variant, date in enumerate(["2023-10-02", "2025-03-10"]):
        write_invented_text(folder, date, "en", invented_body("en", variant, sections=1, per_section=1))


def _one_sentence(folder, texts):
    write_invented_text(folder, "2023-10-02", "de", SENTENCES["de"][0])


def _english_with_two_full_texts(folder, texts):  # the corpus of the former tests/test_any_corpus.py
    copy_texts(folder, texts, ["*_en_*.txt"])
    write_invented_text(folder, "2023-10-02", "en", invented_body("en", 0, sections=4))
    write_invented_text(folder, "2025-03-10", "en", invented_body("en", 1, sections=3))


def _openings_and_parts(folder, texts):  # one meeting in two parts, another an opening only, no full text
    write_invented_text(folder, "2023-10-02", "fr", invented_body("fr", 0), coverage="opening excerpt", part=1)
    write_invented_text(folder, "2023-10-02", "fr", invented_body("fr", 2), coverage="later excerpt", part=2)
    write_invented_text(folder, "2025-03-10", "fr", invented_body("fr", 1), coverage="opening excerpt")


SHAPES: dict[str, Callable[[Path, Path], None]] = {
    "one_text": _one_text,
    "two_texts": _two_texts,
    "only_communiques": _only_communiques,
    "no_complete_text": _no_complete_text,
    "one_language": _one_language,
    "four_languages": _four_languages,
    "no_hand_codes": _no_hand_codes,
    "no_sections": _no_sections,
    "very_short": _very_short,
    "one_sentence": _one_sentence,
    "english_with_two_full_texts": _english_with_two_full_texts,
    "openings_and_parts": _openings_and_parts,
}
"""Every shape, by name: a function ``(folder, texts)`` that fills ``folder``, copying from ``texts``."""


def make_corpus(shape: str, folder: str | Path, texts: str | Path) -> Path:
    """Write the corpus of ``shape`` (a key of :data:`SHAPES`) into the new folder ``folder``.

    Parameters
    ----------
    shape : str
        The shape's name.
    folder : str or Path
        A folder that does not exist yet; it is created.
    texts : str or Path
        The project's ``texts/`` folder, from which some shapes copy files (never edited).

    Returns
    -------
    Path
        ``folder``.
    """
    if shape not in SHAPES:
        raise ValueError(f"no corpus shape {shape!r}; the shapes: {', '.join(SHAPES)}")
    folder = Path(folder)
    folder.mkdir(parents=True)
    SHAPES[shape](folder, Path(texts))
    return folder
