"""Fetch the corpus: document by document, replace the excerpts by the full text when every check passes, atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from pathlib import Path

import pandas as pd
import yaml

from ..atomic_write import WriteError, write_atomically
from ..run.guard import WriteRefused
from ..corpus import load_corpus, read_text_file
from ..corpus_header import CorpusError, validate_header
from .allowlist import AllowList, load_allow_list
from .client import (DEFAULT_BACKOFF, DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT, FetchedPage,
                     download)
from .errors import Failed, FetchProblem, Refused
from .extract import extract_texts
from .match import full_text_for, normalise
from .terminal import REPORT_COLUMNS, printable

__all__ = ["fetch_corpus"]



def fetch_corpus(texts_dir: str | Path, *, dry_run: bool = False, allowed: AllowList | None = None,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF,
                 today: dt.date | None = None) -> pd.DataFrame:
    """Replace each document held only as excerpts in ``texts_dir`` by its full official text.

    A problem with one document never stops the others: an error nobody foresaw makes that document
    ``refused``, with the error in the reason.

    Parameters
    ----------
    texts_dir : str or Path
        The texts folder (loaded with :func:`~valduchesse.corpus.load_corpus`).
    dry_run : bool, optional
        Fetch and check, but write nothing (outcome ``would fetch``).
    allowed : AllowList, optional
        The hosts that may be requested; default :func:`~valduchesse.fetch.allowlist.load_allow_list` (the
        packaged list, https only).
    timeout, max_bytes, retries, backoff : optional
        The limits of each download (:func:`~valduchesse.fetch.client.download`): seconds per attempt, bytes
        of the body, attempts after the first, seconds before the first retry.
    today : datetime.date, optional
        The ``retrieved`` date written into fetched files (default: today).

    Returns
    -------
    DataFrame
        The report, one row per document (columns :data:`~valduchesse.fetch.terminal.REPORT_COLUMNS`;
        ``outcome`` one of :data:`~valduchesse.fetch.terminal.OUTCOMES`, ``reason`` why).

    Raises
    ------
    valduchesse.corpus_header.CorpusError
        If the folder does not load.
    valduchesse.fetch.allowlist.AllowListError
        If the allow-list is broken.
    """
    texts_dir = Path(texts_dir)
    documents = load_corpus(texts_dir)
    allowed = allowed if allowed is not None else load_allow_list()
    today = today or dt.date.today()
    options = dict(timeout=timeout, max_bytes=max_bytes, retries=retries, backoff=backoff)
    rows = []
    for _, group in documents.groupby(["meeting_date", "language", "kind"], sort=True):
        group = group.sort_values(["part", "doc_id"])
        row = {"doc_ids": ", ".join(group["doc_id"]), "meeting_date": f"{group['meeting_date'].iloc[0]:%Y-%m-%d}",
               "language": group["language"].iloc[0], "url": "", "old_chars": int(group["chars"].sum()),
               "new_chars": None, "file": ""}
        try:
            row.update(_fetch_document(texts_dir, group, allowed, options, dry_run, today))
        except FetchProblem as err:
            row.update(outcome=err.outcome, reason=str(err))
        except WriteRefused as err:
            row.update(outcome="refused", reason=str(err))
        except WriteError as err:  # a full or read-only disk: one line, the old file kept
            row.update(outcome="failed", reason=str(err))
        except (OSError, CorpusError, yaml.YAMLError) as err:
            row.update(outcome="failed", reason=f"{type(err).__name__}: {err}")
        except Exception as err:  # noqa: BLE001 (one document's surprise must not stop the others)
            row.update(outcome="refused", reason=f"unexpected error, nothing written for this document "
                                                 f"({type(err).__name__}: {err})")
        row.update(reason=printable(row["reason"]), url=printable(row["url"]))
        rows.append(row)
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    report["new_chars"] = report["new_chars"].astype("Int64")
    return report


def _fetch_document(texts_dir: Path, group: pd.DataFrame, allowed: AllowList, options: dict,
                    dry_run: bool, today: dt.date) -> dict:
    coverages = list(group["coverage"])
    urls = list(dict.fromkeys(group["source_url"]))
    if "full text" in coverages:
        extra = "" if len(group) == 1 else f" (with {len(group) - 1} other part file(s): review them by hand)"
        return {"outcome": "skipped", "reason": "already a full text" + extra, "url": urls[0]}
    if coverages[0] != "opening excerpt" or group["part"].iloc[0] != 1:
        return {"outcome": "skipped", "url": urls[0],
                "reason": "no opening excerpt (part 1): where the full text starts cannot be checked"}
    paths = [texts_dir / name for name in group["file"]]
    originals = {path: path.read_bytes() for path in paths}
    bodies = list(group["text"])
    problems: list[FetchProblem] = []
    for url in urls:
        try:
            page = download(url, allowed, **options)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # bs4's guesses about odd markup
                candidates = extract_texts(page.content, page.encoding)
            full = full_text_for(bodies, candidates)
        except FetchProblem as err:
            problems.append(err if len(urls) == 1 or url in str(err) else type(err)(f"{url}: {err}"))
            continue
        try:
            return _use_full_text(texts_dir, group, paths, originals, page, full, urls, dry_run, today)
        except FetchProblem as err:
            return {"outcome": err.outcome, "reason": str(err), "url": page.url, "new_chars": len(full)}
    outcome = "refused" if any(p.outcome == "refused" for p in problems) else "failed"
    return {"outcome": outcome, "url": " ".join(urls), "reason": "; ".join(str(p) for p in problems)}


def _use_full_text(texts_dir, group, paths, originals, page: FetchedPage, full: str, urls, dry_run, today) -> dict:
    old_chars = int(group["chars"].sum())
    result = {"url": page.url, "new_chars": len(full)}
    if len(full) < old_chars:  # several parts: all of them together, overlaps counted twice (conservative)
        stored = "stored text" if len(group) == 1 else f"{len(group)} stored parts together"
        raise Refused(f"the fetched text ({len(full):,} characters) is shorter than the {stored} "
                      f"({old_chars:,}); kept the stored text")
    if len(group) == 1 and normalise(full) == normalise(group["text"].iloc[0]):
        return {**result, "outcome": "skipped", "reason": "the page holds nothing beyond the stored excerpt"}
    what = (f"{old_chars:,} -> {len(full):,} characters from {page.url}"
            + (f" (redirected to {page.final_url})" if page.final_url != page.url else "")
            + (f"; {len(group)} parts merged into {paths[0].name}" if len(group) > 1 else ""))
    if dry_run:
        return {**result, "outcome": "would fetch", "reason": what, "file": paths[0].name}
    header, _ = read_text_file(paths[0])
    content = _file_text(header, group, full, page, urls, today)
    _write_atomically(paths[0], content, full, originals[paths[0]])
    for path in paths[1:]:
        if path.read_bytes() != originals[path]:
            raise Failed(f"{paths[0].name} written, but {path.name} changed meanwhile and was not removed: "
                         "remove it by hand once checked")
        path.unlink()
    return {**result, "outcome": "fetched", "reason": what, "file": paths[0].name}


def _file_text(header: dict, group: pd.DataFrame, full: str, page: FetchedPage, urls: list[str],
               today: dt.date) -> str:
    fields = dict(header)
    fields.pop("part", None)
    fields["source_url"] = page.url
    earlier = fields.get("other_source_urls") or []
    earlier = [earlier] if isinstance(earlier, str) else list(earlier)
    others = [u for u in dict.fromkeys([*urls, *earlier]) if u != page.url]
    if others:
        fields["other_source_urls"] = others
    if page.final_url != page.url:
        fields["retrieved_url"] = page.final_url
    fields["coverage"] = "full text"
    fields["chars"] = len(full)
    ids = list(group["doc_id"])
    fields["notes"] = (f"full text fetched by 'python -m valduchesse fetch' from source_url on {today:%Y-%m-%d}; "
                       f"page text before the start of the stored opening excerpt dropped; the stored excerpt"
                       + (f"s {', '.join(ids)} were" if len(ids) > 1 else f" {ids[0]} was")
                       + " found in it (whitespace and quotes normalised), in order; their notes are in excerpt_notes")
    excerpt_notes = {doc: str(note) for doc, note in zip(group["doc_id"], group["notes"]) if note}
    if excerpt_notes:
        fields["excerpt_notes"] = excerpt_notes
    fields["replaced_excerpts"] = dict(zip(group["doc_id"], group["sha256"]))
    fields["retrieved"] = today
    fields["sha256"] = hashlib.sha256(full.encode("utf-8")).hexdigest()
    head = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return f"---\n{head}---\n{full}\n"


def _write_atomically(target: Path, content: str, body: str, original: bytes) -> None:
    """Write ``content`` over ``target`` with :func:`valduchesse.atomic_write.write_atomically`, checked before the rename.

    The temporary file must read back as a valid text whose body is ``body``, and ``target`` must still
    hold ``original``; otherwise nothing is replaced. ``target`` is a text of the folder being fetched,
    so the write guard allows it in ``texts/`` but refuses a file with more than one hard link.
    """
    def verify(temp: Path) -> None:
        header, read_body = read_text_file(temp)
        validate_header(target, header, read_body)
        if read_body != body:
            raise Refused(f"{target.name}: the written text does not read back as fetched; nothing replaced")
        if target.read_bytes() != original:
            raise Refused(f"{target.name} changed while the page was fetched; left as it is")

    write_atomically(target, content, committed=True, verify=verify)
