"""Replace the excerpts in texts/ by the full official texts, with integrity checks.

Modules: :mod:`~valduchesse.fetch.allowlist` (which hosts), :mod:`~valduchesse.fetch.client` (one page over
HTTP), :mod:`~valduchesse.fetch.extract` (the text of the HTML), :mod:`~valduchesse.fetch.match` (the integrity
checks), :mod:`~valduchesse.fetch.write` (the corpus, file by file), :mod:`~valduchesse.fetch.terminal` (the
report), :mod:`~valduchesse.fetch.errors`.

:func:`~valduchesse.fetch.write.fetch_corpus` goes through the texts folder document by document (one
meeting, language and kind; the parts of one document together). A document
held only as excerpts is downloaded from its ``source_url``, the declaration's
text is taken out of the HTML (:func:`~valduchesse.fetch.extract.extract_texts`: one pass of the standard
library's ``html.parser``, the bytes decoded by BeautifulSoup's
``UnicodeDammit``), and the stored text is replaced by the full one only when
every check passes:

* **Where the full text starts.** The page's text (``main``, else an
  ``article``, else ``body``; scripts, styles, navigation, asides, forms and
  footers dropped; every block element a line) is searched for the stored
  opening excerpt. The full text is the page's text from where the excerpt
  starts to the end of that content: page furniture before it is dropped.
* **Integrity.** After whitespace and quote normalisation (:func:`~valduchesse.fetch.match.normalise`)
  the stored opening excerpt must be a prefix of the full text. Every later
  part (a ``later excerpt`` from another official copy, such as part 2 of the
  2018 French declaration) must be found in it paragraph by paragraph, in
  order, and must end after the part before it ends. Copies of one document
  may skip passages, so a later part is not required to be contiguous; an
  opening always is. When the check fails nothing is written and the reason
  says at which character of the stored text, and with which words on either
  side, the two diverge.
* **Never worse.** A text is never replaced by a shorter one, or by one that
  fails the check; a file is written to a temporary file in the same folder,
  read back through the corpus loader, and only then renamed over the old
  one (``os.replace``, atomic). The parts of a multi-part document become one
  file, written over part 1's file; the other parts' files are removed only
  after it is in place, so the folder loads at every moment. Files that
  changed on disk while the page was being fetched are left alone.
* **Safety.** Only ``https`` addresses whose host is on the allow-list
  (:data:`~valduchesse.fetch.allowlist.ALLOW_LIST_PATH`, exact host names) are requested, and redirects are
  followed by hand, each target checked against the list before it is
  requested; a redirect's body is never read, and a ``Location`` that is not
  a valid address is refused. Each attempt must be over (connection,
  headers, body) within the timeout: a timer cuts the connection when it
  passes, however slowly the server sends. The body is capped
  (:data:`~valduchesse.fetch.client.DEFAULT_MAX_BYTES`) both as sent and decompressed (``gzip`` and
  ``deflate`` only, at most :data:`~valduchesse.fetch.client.MAX_ENCODINGS` one inside the other, each
  capped as it is undone), the content type must be HTML, and connection
  errors, timeouts and 429/5xx answers are retried with exponential backoff.
  No code from the page runs: the HTML is only parsed, in time linear in its
  length and within :data:`~valduchesse.fetch.extract.DEFAULT_PARSE_SECONDS`. Tests may let
  ``http://127.0.0.1`` through with ``load_allow_list(allow_loopback_http=True)``;
  nothing does so by default.

The written file keeps the header of part 1 and adds ``coverage: full text``,
``retrieved`` (the date), ``sha256`` (of the new body, as ``load_corpus``
computes it), ``other_source_urls`` (every other part's address),
``retrieved_url`` (only if redirects led elsewhere), ``replaced_excerpts``
(each replaced file's id and body SHA-256) and ``excerpt_notes`` (the old
notes, which described the excerpts); ``notes`` says how the text was fetched.
``source_url`` is the address whose page gave the text.

The result is a report table, one row per document: ``fetched``, ``would
fetch`` (``dry_run``), ``skipped`` (already a full text, or nothing to check
against), ``refused`` (a safety or integrity check said no, or an error
nobody foresaw) or ``failed`` (the page could not be had); one document's
problem never stops the others, and :func:`~valduchesse.fetch.terminal.exit_status` is 1 if anything was
refused or failed. Reasons and addresses in the report are passed through
:func:`~valduchesse.fetch.terminal.printable` (no terminal escape sequences or control characters).
"""

__all__ = []
