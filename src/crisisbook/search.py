"""The handbook's search: what the built site's search index holds and how a query meets it.

The theme's search plugin cuts every built page into sections (one per heading, with its
anchor) and honours `data-search-exclude`; that is the generic part, over every page the site
has. crisisbook then replaces the plugin's index with its own, and the theme's search worker
with a small one of its own (assets/search-worker.js), because the theme's worker cannot do
what a reader in a hurry needs:

- English words are stemmed with a real stemmer, Snowball's Porter, on both sides: here with
  Python's snowballstemmer, in the browser with the Snowball port of the same algorithm
  (assets/porter-stemmer.js). Lunr would stem the index too, but its query side skips the
  stemmer on the wildcard terms the theme adds to every query ("apologies" never met "apology").
  A word written with hyphens is indexed by its parts and joined ("e-mail": "e", "mail",
  "email"); the worker looks for each part of a hyphenated query joined too, so either spelling
  finds both.
- Traditional Chinese is segmented with jieba on a Simplified copy made character by character
  with OpenCC (jieba's dictionary is built from Simplified text; one character for one keeps
  every cut's offsets valid in the original). Search mode indexes a long word and the shorter
  words inside it, so one two-character word found inside a sentence is found; the handbook's
  own terms (role titles, names, keywords...) are added to jieba's dictionary to stay whole.
- Sentences repeated across sections (a statement's footer, a table's labels) count once,
  spread over the sections that repeat them, so boilerplate does not drown the ranking.
- The index holds weighted postings and a short teaser per section, not the whole text: it
  stays in proportion to the pages, and loads fast from disk (search_index.js, which the theme
  reads from file://, beside search_index.json, which it fetches over http).

Pagefind was considered: it stems and segments well, but loads its index with fetch() and
WebAssembly, which file:// blocks, so the offline handbook would need a second search anyway.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import logging
import math
import os
import re
import shutil
import signal
import tempfile
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from . import children, fsguard

log = logging.getLogger(__name__)

# What the theme's highlighter splits a query on when it marks the words on the landing page.
SEPARATOR = r"[\s\u200b\u3000\-_,:;!?=\[\]()\"`/、。，．？！；：「」（）]+|\.(?!\d)|&[lg]t;"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[a-z0-9]+|[{HAN}]+")
HAN_RUN = re.compile(rf"[{HAN}]+")
# a word written with hyphens ("e-mail", "follow-up", "LH-AF500"): indexed by its parts, as
# TOKEN cuts it, and also joined ("email"), as most readers type it; the worker gives each part
# of a hyphenated query the joined form too (assets/search-worker.js). After fold, a hyphen is
# "-" or U+2010 (NFKD turns the non-breaking U+2011 into it).
COMPOUND = re.compile(r"[a-z0-9]+(?:[\-\u2010][a-z0-9]+)+")
HYPHEN = re.compile(r"[\-\u2010]")
# a phone number written in groups (+852 9123 4501): also indexed as one run of digits
PHONE = re.compile(r"\+?\d[\d \-]{5,}\d")
DATE = re.compile(r"\d{4}-\d\d-\d\d")
# where a section's text is cut into sentences, to find the ones repeated across sections
# (every cut starts at a space, a tag or a bracket: the lookahead in front lets the regex engine
# skip every other position at once, twice as fast over the 25 MB of text at 1,000 scenarios)
SENTENCE = re.compile(r"(?=[\s<()（）])(?:(?<=[.!?。！？])\s+|\s*</?(?:p|li|ul|ol|pre|code|tr|td|th|br|strong|em|span)\b[^>]*>\s*|\n+|\s+[—·]\s+|\s*[()（）]\s*)")
TAG = re.compile(r"<[^>]+>")

# A word in a heading adds to the word's weight in the text (BM25F-like: after the text's
# weight saturates, so a heading still tells); the page's own title (its H1) says what the whole
# page is about, and every section holds it once, as context.
TITLE_WEIGHT = 1.5
PAGE_TITLE_WEIGHT = 3.0
PAGE_CONTEXT = 1.0
# BM25's constants; b below the usual 0.75, so a long section (a roster, a timeline) is not
# outranked by any short one that mentions the word once
K1, B = 1.2, 0.5
SCALE = 8  # weights are stored as integers: BM25 weight x SCALE
TEASER = 90  # bytes of a section's text shown under its title in the results
# Words that tell no section from another; left out of the index (a query's stop word is then
# found nowhere, which ranks every section alike). Stems, as the index holds them.
STOP = frozenset("""a an and ar at be been but by can do for from ha have i if in into it mai not
of on or our so such than that the thei their them then there these thi to wa we were what
when which who will with you your
的 了 和 是 在 及 並 或 與 把 被 就 也 都 而 之 其 於 為 以 由 向 對 會 請 該 這 那 有""".split())
WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"
LUNR = "assets/javascripts/lunr"


def plugin_config(conf: dict) -> dict:
    """The theme's search plugin settings, with our separator (the highlighter uses it; validate
    refuses one in mkdocs.yml)."""
    conf = dict(conf or {})
    conf.setdefault("separator", SEPARATOR)
    return conf


# --- the handbook's own terms -----------------------------------------------------------------

def handbook_terms(hb, root: Path, extra: Path) -> list[str]:
    """Terms kept whole when Chinese is segmented: the shipped list (templates/search-terms.txt)
    and every short text of the playbook (role titles, names, job titles, levels, channels,
    contacts) and of the scenarios' keywords and tags, in every language."""
    terms: set[str] = set()
    if os.path.lexists(extra):  # read through fsguard: a link out of the project is refused
        terms |= {line.split()[0] for line in fsguard.read_text(root, extra).splitlines()
                  if line.strip() and not line.startswith("#")}
    playbook = [getattr(hb, f.name) for f in dataclasses.fields(hb) if f.name != "scenarios"]
    for value in _strings(playbook):
        terms |= _short_words(value)
    for sc in hb.scenarios:
        for value in _strings([sc.keywords, sc.tags, [label for _, label in sc.blanks], sc.own_contacts]):
            terms |= _short_words(value)
    return sorted(t for t in terms if len(t) > 1)


# Fields of the playbook written as sentences (a level's criteria, a role's duties): jieba cuts
# them; only names and titles are kept whole.
_SENTENCES = frozenset({"summary", "duties", "authority", "criteria", "notes"})


def _strings(value, seen: set | None = None) -> Iterable[str]:
    """Every string inside dataclasses, mappings and sequences (each object visited once),
    but for the fields written as sentences."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        yield value
        return
    if id(value) in seen or isinstance(value, (int, float, bool)) or value is None:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value):
        children = [getattr(value, f.name) for f in dataclasses.fields(value) if f.name not in _SENTENCES]
    elif hasattr(value, "values") and callable(value.values):
        children = list(value.values())
    elif isinstance(value, (list, tuple, set, frozenset)):
        children = list(value)
    else:
        return
    for child in children:
        yield from _strings(child, seen)


@functools.lru_cache(maxsize=65536)
def _short_words(value: str) -> frozenset[str]:
    """The Chinese pieces of a short text, a name or a title ("危機負責人", "陳美玲 (公關部)");
    none from sentences (a duty, a summary), which jieba should cut."""
    return frozenset(HAN_RUN.findall(value)) if len(value) <= 16 else frozenset()


# --- turning text into index terms --------------------------------------------------------------

_MARKS = re.compile("[\u0300-\u036f'\u2019]")

# Chinese written two ways, found either way: a character's Hong Kong and Taiwan forms (the
# handbook writes 哪裏, a reader's input method may give 哪裡), and words whose characters
# differ while readers use both (紀錄 / 記錄, 身分 / 身份). Folded to one form in the index and,
# from the same table (worker_script), in the query; each pair the same length, so jieba's cuts
# keep their offsets.
CHAR_VARIANTS = {"裡": "裏", "綫": "線", "着": "著", "衞": "衛", "啓": "啟", "峯": "峰", "羣": "群", "汙": "污",
                 "麪": "麵", "爲": "為", "僞": "偽", "衆": "眾", "温": "溫", "説": "說", "脱": "脫", "閲": "閱",
                 "悦": "悅", "税": "稅", "鋭": "銳", "兑": "兌", "内": "內", "户": "戶", "册": "冊", "麽": "麼",
                 "牀": "床", "鷄": "雞", "鈎": "鉤", "綑": "捆", "擡": "抬", "眞": "真", "卽": "即", "旣": "既"}
WORD_VARIANTS = {"紀錄": "記錄", "身份": "身分", "賬戶": "帳戶", "賬單": "帳單", "賬號": "帳號"}
_CHARS = str.maketrans(CHAR_VARIANTS)
_WORDS = re.compile("|".join(WORD_VARIANTS))


def fold(text: str) -> str:
    """Lower case without accents and apostrophes ("Don't" -> "dont"), Chinese in one form of
    each variant, as the worker folds."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))
    if text.isascii():
        return text
    text = text.translate(_CHARS)
    return _WORDS.sub(lambda m: WORD_VARIANTS[m.group()], text) if any(w[0] in text for w in WORD_VARIANTS) else text


class Tokenizer:
    """Text -> index terms for one language edition."""

    def __init__(self, chinese: Chinese | None = None):
        import snowballstemmer

        self._stem = functools.lru_cache(maxsize=None)(snowballstemmer.stemmer("porter").stemWord)
        self.chinese = chinese
        # a handbook repeats itself (labels, names, a statement's footer): each text cut once
        self.terms = functools.lru_cache(maxsize=1 << 16)(self._terms)

    def _terms(self, text: str) -> list[str]:
        out = []
        folded = fold(text)
        for token in TOKEN.findall(folded):
            if token[0] >= "\u3400":
                out.extend(self.chinese.words(token) if self.chinese else [token])
            elif token.isdigit():
                out.append(token)
            else:
                out.append(self._stem(token))
        if "-" in folded or "\u2010" in folded:
            for compound in COMPOUND.findall(folded):
                joined = HYPHEN.sub("", compound)
                if not joined.isdigit():  # digits only: a date, or a phone number (PHONE below)
                    out.append(self._stem(joined))
        for phone in PHONE.findall(text):  # "91234501" finds "+852 9123 4501"
            if DATE.fullmatch(phone):  # 2026-09-30, a review date
                continue
            digits = re.sub(r"\D", "", phone)
            groups = re.split(r"[ \-]+", phone.lstrip("+"))
            out.append(digits)
            if len(groups) > 2:
                out.append("".join(groups[1:]))  # without the country code
        return out


class Chinese:
    """jieba's search-mode cuts of Traditional text, made on a Simplified copy."""

    def __init__(self, terms: Iterable[str]):
        import jieba
        import opencc

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        # jieba caches its dictionary (marshalled, loaded without a check): in this user's own
        # folder, never in the project's build/.cache, which a repository can carry or link out
        try:
            self._jieba.tmp_dir = str(fsguard.private_folder("jieba"))
        except OSError:
            self._jieba.tmp_dir = tempfile.mkdtemp(prefix="crisisbook-jieba-")
        self._opencc = opencc.OpenCC("hk2s")  # the handbook writes Hong Kong Traditional
        self._table: dict[int, str] = {}
        for term in terms:
            self._jieba.add_word(self.simplified(fold(term)), freq=100000)  # as the text it is found in

    def simplified(self, text: str) -> str:
        """Character by character (so offsets stay valid in the original)."""
        for char in set(text):
            if ord(char) not in self._table:
                converted = self._opencc.convert(char)
                self._table[ord(char)] = converted if len(converted) == 1 else char
        return text.translate(self._table)

    def words(self, run: str) -> list[str]:
        return [run[start:end] for _, start, end in self._jieba.tokenize(self.simplified(run), mode="search")]


# --- the index ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Section:
    location: str
    title: str
    text: str  # plain text
    sentences: list[str]
    boost: float = 1.0  # the page's own `search: boost:` (front matter), as the theme reads it
    tags: tuple[str, ...] = ()  # the page's tags (Material's tags plugin): searchable, shown on results
    lead: str = ""  # the text its teaser is cut from


def sections(engine_index: dict) -> list[Section]:
    """The theme plugin's sections, as plain text with the sentences they are made of."""
    out = []
    for doc in engine_index["docs"]:
        text = doc.get("text", "")
        # the teaser: the section's own words (not its page's tags); a statement's are its first
        # words, not the lines about it (approval, audience, recipients, channels), which come
        # before it on the page and are indexed with it
        about, pre, statement = text.partition("<pre>") if _STATEMENT.match(doc["location"]) else (text, "", "")
        pieces = _pieces(about)
        if pre:
            statement = _pieces(statement)
            pieces += statement
        lead = " ".join(statement if pre else pieces)
        title = " ".join(html.unescape(TAG.sub("", doc.get("title", ""))).split())
        tags = tuple(doc.get("tags") or ())
        if tags:
            pieces.append(" ".join(tag.replace("-", " ") for tag in tags))
        out.append(Section(doc["location"], title, " ".join(pieces), pieces, _boost(doc.get("boost", 1)), tags, lead))
    return out


def _boost(value) -> float:
    """A page's `search: boost:` as a number; what the theme cannot read as one counts as 1."""
    try:
        boost = float(value)
    except (TypeError, ValueError):
        return 1.0
    return boost if math.isfinite(boost) and boost > 0 else 1.0


_STATEMENT = re.compile(r"scenarios/[^#]+#statement-")  # a statement's section (templates/pages/scenario.md.j2)


def _pieces(text: str) -> list[str]:
    return [" ".join(words) for s in SENTENCE.split(text)
            if (words := html.unescape(TAG.sub(" ", s) if "<" in s else s).split())]


def build_index(secs: list[Section], tokenizer: Tokenizer, config: dict) -> dict:
    """The index the worker reads: sections (location, title, teaser) and, per term, its
    postings as [doc delta, weight, doc delta, weight, ...] with BM25 weights."""
    freqs, titles = _frequencies(secs, tokenizer)
    lengths = [sum(tf.values()) for tf in freqs]
    average = (sum(lengths) / len(lengths) if lengths else 0) or 1.0
    df: Counter = Counter()
    for tf in freqs:
        df.update(tf.keys())
    # per term, in one lookup (this loop runs once per term of every section: 2 million times
    # at 1,000 scenarios): its idf, whether it is a number, its postings, its last section
    terms = {term: [math.log(1 + (len(secs) - d + 0.5) / (d + 0.5)), term.isdigit(), [], 0]
             for term, d in df.items()}
    saturated = K1 + 1
    for i, (tf, heading, sec) in enumerate(zip(freqs, titles, secs)):
        norm = K1 * (1 - B + B * lengths[i] / average)
        scale = SCALE * sec.boost
        for term, f in tf.items():
            known = terms[term]
            # a phone number is an identifier: found once in a long roster, it is as much there
            # as in a short role page, so its weight does not shrink with the section's length
            n = K1 if known[1] else norm
            weight = round(scale * known[0] * (f * saturated / (f + n) + heading.get(term, 0.0)))
            known[2] += (i - known[3], weight or 1)
            known[3] = i
    postings = {term: known[2] for term, known in sorted(terms.items())}
    # the theme's results show title and text as HTML: the index holds them escaped, as the
    # page did (sections() unescaped them to count words), so data stays inert in the results
    docs, page = [], None
    for sec in secs:
        # [location, title, teaser(, tags)], a section's location written from its "#": most
        # sections are short, and named keys and page paths repeated on each would make the
        # index of a short page larger than its text (the worker reads it back, read_docs here)
        here, hash_, anchor = sec.location.partition("#")
        doc = ["#" + anchor if hash_ and here == page else sec.location, html.escape(sec.title, quote=False),
               html.escape(_teaser(sec.lead), quote=False)]
        docs.append(doc + [list(sec.tags)] if sec.tags else doc)
        page = here
    return {"config": {**config, "terms": postings}, "docs": docs}


def read_docs(index: dict) -> list[dict]:
    """The sections of an index build_index made, as the worker reads them: location (whole),
    title, text and tags."""
    out, page = [], ""
    for doc in index["docs"]:
        location = page + doc[0] if doc[0].startswith("#") else doc[0]
        page = location.partition("#")[0]
        out.append({"location": location, "title": doc[1], "text": doc[2], "tags": doc[3] if len(doc) > 3 else []})
    return out


def _frequencies(secs: list[Section], tokenizer: Tokenizer) -> tuple[list[dict], list[dict]]:
    """Each section's term frequencies in its text (with its page's title as context) and the
    weight of each term of its heading."""
    repeats: Counter = Counter()
    for sec in secs:
        repeats.update(set(sec.sentences))
    for sentence in [s for s in repeats if len(s) < 2]:
        del repeats[sentence]  # a lone character or digit is no boilerplate
    page_titles = {sec.location: sec.title for sec in secs if "#" not in sec.location}
    freqs, titles = [], []
    kept = functools.lru_cache(maxsize=1 << 16)(lambda text: [t for t in tokenizer.terms(text) if t not in STOP])
    for sec in secs:
        tf: dict[str, float] = defaultdict(float)
        page, _, anchor = sec.location.partition("#")
        if anchor and page in page_titles:
            for term in kept(page_titles[page]):
                tf[term] += PAGE_CONTEXT
        for sentence in sec.sentences:
            # boilerplate counts once, spread over all the sections that repeat it
            weight = 1 / repeats.get(sentence, 1)
            for term in kept(sentence):
                tf[term] += weight
        heading = {t: TITLE_WEIGHT if anchor else PAGE_TITLE_WEIGHT
                   for t in tokenizer.terms(sec.title) if t not in STOP}
        for term in heading:
            tf.setdefault(term, 0.0)
        freqs.append(tf)
        titles.append(heading)
    return freqs, titles


def _teaser(text: str) -> str:
    data = text.encode()
    if len(data) <= TEASER:
        return text
    cut = data[:TEASER].decode(errors="ignore")
    return (cut.rsplit(" ", 1)[0] if " " in cut[len(cut) // 2:] else cut) + " …"


# --- in the built site -------------------------------------------------------------------------

def install(edition_site: Path, tokenizer: Tokenizer, engine_index: dict | None = None) -> None:
    """Replace the theme's index and worker in one built edition with crisisbook's. The theme's
    index is read from the edition, or given (`engine_index`, as the preview's engine holds it)."""
    path = edition_site / "search" / "search_index.json"
    if engine_index is None:
        if not path.is_file():
            return  # the project's mkdocs.yml has no search
        engine_index = json.loads(path.read_text(encoding="utf-8"))
    config = {k: engine_index["config"].get(k) for k in ("lang", "separator", "pipeline", "fields")}
    index = build_index(sections(engine_index), tokenizer, config)
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # each file replaced whole, never through a link (fsguard): the preview serves this folder
    # while the index is rewritten
    fsguard.write_bytes(edition_site, path, text.encode("utf-8"))
    # from file:// the theme loads the index as a script instead of fetching it
    fsguard.write_bytes(edition_site, path.with_suffix(".js"), f"var __index = {text}".encode("utf-8"))
    for worker in edition_site.glob(WORKER_GLOB):
        fsguard.write_bytes(edition_site, worker, worker_script().encode("utf-8"))
        worker.with_name(worker.name + ".map").unlink(missing_ok=True)
    # lunr and its language packs served only the theme's worker: about 1 MB per edition
    lunr = edition_site / LUNR
    if lunr.is_dir() and not lunr.is_symlink():
        shutil.rmtree(lunr)
    log.debug("search index of %s: %d sections, %d terms", edition_site, len(index["docs"]),
              len(index["config"]["terms"]))


@functools.cache
def worker_script() -> str:
    """The search worker: the Porter stemmer, then the worker that uses it."""
    assets = resources.files("crisisbook") / "assets"
    variants = json.dumps({"chars": CHAR_VARIANTS, "words": WORD_VARIANTS}, ensure_ascii=False)
    return (assets / "porter-stemmer.js").read_text(encoding="utf-8") + "\n" + \
        f"var VARIANTS = {variants};  // search.CHAR_VARIANTS and WORD_VARIANTS\n" + \
        (assets / "search-worker.js").read_text(encoding="utf-8")


def tokenizer(lang: str, terms: Iterable[str]) -> Tokenizer:
    """The tokenizer of one edition; Chinese editions load jieba with the handbook's `terms`
    (terms_of)."""
    return Tokenizer(Chinese(terms) if _chinese(lang) else None)


def terms_of(lang: str, hb, root: Path) -> tuple[str, ...]:
    """The terms an edition's segmenter keeps whole: none but for Chinese."""
    return tuple(handbook_terms(hb, root, root / "templates" / "search-terms.txt")) if _chinese(lang) else ()


def _chinese(lang: str) -> bool:
    return lang.split("-")[0] == "zh"


# --- the live preview's index --------------------------------------------------------------------

class Reindexer:
    """Keeps the index of the edition the live preview serves in step with its pages. It runs
    in a process of its own: in a thread it would hold the interpreter lock while the next save
    is rendered, and the preview would show saves later. Saves arriving while an index is being
    made are folded into one more run, with the newest pages."""

    def __init__(self, lang: str, root: Path):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.lang, self.root = lang, root
        # spawned, not forked: the preview's server and file watcher threads may hold locks
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_reindexer_started, initargs=(os.getpid(),))
        # reentrant: a job already done when its callback is added runs the callback at once
        self.lock = threading.RLock()
        self.pending: tuple | None = None
        self.running = None
        self.closed = False

    def submit(self, edition_site: Path, engine_index: dict | None, hb) -> None:
        """Index these pages (the engine's own index: its config and sections) into the folder
        served. The sections reach the reindexing process pickled by the pool's feeder thread,
        not on the caller's (the save's) path."""
        if engine_index is None:
            return  # no search in the project's mkdocs.yml
        job = (str(edition_site), engine_index, self.lang, terms_of(self.lang, hb, self.root))
        with self.lock:
            self.pending = job
            if self.running is None:
                self._next()

    def _next(self) -> None:  # with the lock held
        job, self.pending = (None if self.closed else self.pending), None
        self.running = self.pool.submit(_reindex, *job) if job else None
        if self.running is not None:
            self.running.add_done_callback(self._done)

    def _done(self, future) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.warning("the preview's search index was not updated: %s", future.exception())
        with self.lock:
            self._next()

    def close(self) -> None:
        with self.lock:  # nothing more is started, not even a save folded in while one ran
            self.closed = True
        # waits for an index being written: a worker left starting up or writing when the
        # preview exits would print its own traceback into the terminal
        self.pool.shutdown(wait=True, cancel_futures=True)


def _reindexer_started(parent: int) -> None:
    children.die_with_parent(parent)
    # Ctrl-C reaches every process of the terminal's group: the preview stops this one itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_TOKENIZERS: dict = {}  # in the reindexing process: (lang, terms) -> Tokenizer, the last one kept


def _reindex(edition_site: str, engine_index: dict, lang: str, terms: tuple[str, ...]) -> None:
    key = (lang, terms)
    if key not in _TOKENIZERS:  # a new keyword or role title: jieba's dictionary changes
        _TOKENIZERS.clear()
        _TOKENIZERS[key] = tokenizer(lang, terms)
    install(Path(edition_site), _TOKENIZERS[key], engine_index)


# --- proportion: how much of the index each page accounts for -----------------------------------

_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>|<([a-z]+)\b[^>]*\shidden[\s>=][^>]*>.*?</\2>", re.S)


def page_sizes(edition_site: Path) -> dict[str, tuple[int, int]]:
    """page location -> (bytes of the index it accounts for, bytes of its visible text): its
    sections' entries, its postings, and its share of each term's key."""
    index = json.loads((edition_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [doc["location"].split("#")[0] for doc in read_docs(index)]
    share: dict[str, float] = defaultdict(float)
    for doc, page in zip(index["docs"], pages):
        share[page] += len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()) + 1
    for term, postings in index["config"]["terms"].items():
        key = len(json.dumps(term, ensure_ascii=False).encode()) + 3
        doc = 0
        for i in range(0, len(postings), 2):
            doc += postings[i]
            share[pages[doc]] += len(f"{postings[i]},{postings[i + 1]},") + key / (len(postings) / 2)
    out = {}
    for page, size in share.items():
        html_file = edition_site / (page + "index.html" if not page or page.endswith("/") else page)
        text = _visible_text(html_file.read_text(encoding="utf-8")) if html_file.is_file() else ""
        out[page] = (round(size), len(text.encode()))
    return out


def _visible_text(page_html: str) -> str:
    article = _ARTICLE.search(page_html)
    body = _INVISIBLE.sub(" ", article.group(1) if article else page_html)
    return " ".join(html.unescape(TAG.sub(" ", body)).split())
