"""Sentence streams: the registered corpora and your own text files, read as token lists.

Every model here that learns from running text — the n-gram models (``dlc ngram``), the
neural language models (``dlc lm``), word2vec and GloVe (``dlc word2vec``, ``dlc glove``) —
reads a **sentence stream**: an iterable of *units*, each a ``list[str]`` of tokens. A unit is
a sentence for most corpora (a whole address, poem or paragraph for some, see the table).
A language model adds ``</s>`` after each unit; word2vec never looks across one.

Registered corpora (:data:`CORPORA`), fetched into the cache on first use like every data
set (``dlc data fetch NAME``). Each has the fixed train/val/test splits documented in its
data-set module (:mod:`dlclassics.data.sets`; Brown's is Bengio et al.'s 800k/200k/rest
words), and ``all`` reads the three in that order. Sizes of the whole corpus, in units and
tokens, for the two views described below:

=================  ========================================  ==================  ==================
name               text, and what a unit is                  ``source`` view     ``words`` view
=================  ========================================  ==================  ==================
``sotu``           State of the Union addresses 1790–2021;   233 / 1,794,884     64,668 / 1,803,902
                   an address
``brown``          the Brown corpus (NLTK's tokens);         57,340 / 1,161,192  57,159 / 1,013,319
                   a sentence
``bible-en``       the World English Bible (the English      30,861 / 744,684    30,861 / 745,709
                   side of ``bible-en-es``); a verse
``moby-dick``      *Moby-Dick*, chapters 1–135; a            2,557 / 208,160     10,152 / 212,249
                   paragraph
``en-mix``         the four above, in that order, each       90,991 / 3,908,920  162,840 / 3,775,179
                   read whole before the next
``peoples-daily``  People's Daily, January 1998 (PKU         19,484 / 1,121,447  19,473 / 948,385
                   segmentation); a sentence
``tang-poems``     the Complete Tang Poems; a poem, read     57,599 / 3,667,969  —
                   as characters only                        characters
=================  ========================================  ==================  ==================

(en-mix lowercased: 68,464 distinct words, 23,377 of them seen ≥ 5 times.)

Three options (:class:`TokenOptions`) say how a unit becomes tokens:

* ``view`` — ``source`` (the default): the data set's own tokens, punctuation kept: Brown's
  NLTK tokens, the PKU words, and for plain text (State of the Union, the Bible, Moby-Dick)
  its whitespace-separated tokens (``Representatives:`` is one token). This is what the
  language models read. ``words``: sentences of words, the usual word2vec pre-processing:
  plain text is tokenised by :class:`~dlclassics.data.tokenize.EnglishWords` (addresses and
  paragraphs are cut into sentences after ``.``, ``!`` and ``?``; a verse stays one unit),
  tokens without a letter or digit are dropped, and so are units left empty.
* ``level`` — ``word``: the tokens above; ``char``: the characters of each unit, its words
  joined by one space (English) or by nothing (Chinese); the space is a token like any other.
* ``lowercase`` — fold case ("The" and "the" become one token).

**A file or a registered corpus.** A command option such as ``--text``, ``--data`` or
``--corpus`` takes one string, which :class:`Text` resolves so:

1. **an existing file** — text with one unit per line, tokens separated by whitespace (the
   input of SRILM's ``ngram-count``, kenlm's ``lmplz``, ``word2vec.c`` and gensim's
   ``LineSentence``); blank lines are skipped; a leading byte-order mark is dropped. It is
   UTF-8 unless the command has ``--encoding``; a byte that does not decode is one error line
   naming the line and byte offset. The file's tokens are yours, as given, whatever the
   view; ``segment="jieba"`` (``--segment jieba``) instead cuts raw Chinese lines into words
   with :class:`~dlclassics.data.tokenize.JiebaWords`, dropping punctuation as the words view
   does. A file ending in ``.gz``, ``.bz2`` or ``.xz`` is decompressed as it is read; a
   **directory** stands for its files (recursively, in sorted path order, hidden ones
   skipped), read one after another like one file. Iterating streams the text one line at
   a time, so memory does not grow with its length; :meth:`Text.read` with a split cuts its
   units by position (and so holds them): the first 80 % are ``train``, the next 10 %
   ``val``, the rest ``test`` (how a neural LM trains and validates on one file);
2. otherwise **a registered corpus**, ``NAME`` or ``NAME:SPLIT`` (``brown:val``); ``NAME``
   alone reads the split the command chooses (``train`` for ``dlc ngram``, ``all`` for word
   vectors, each split in turn for ``dlc lm``);
3. anything else is a one-line :class:`~dlclassics.errors.DataError` listing the corpora.

A file wins over a corpus of the same name, so ``./brown`` is always the file.

Reserved tokens. ``<s>`` and ``</s>`` mark sentence boundaries and are added by a language
model; in the text they would be counted twice, so they are an error (as in kenlm), as are
the vocabulary's own specials ``<pad>``, ``<bos>``, ``<eos>``. ``<unk>`` is allowed and means
"an unknown word". Word vectors have no sentence marks and take them as words
(``keep_reserved=True``).

A stream is *re-iterable*: every ``iter()`` reads the source again from the start, so a
trainer makes one pass per epoch without holding the corpus in memory.

>>> first = next(iter(Text("brown:val")))                                 # doctest: +SKIP
>>> first[:4]                                                            # doctest: +SKIP
['Painters', 'left', 'less', 'and']
>>> words = Text("en-mix", split="all", options=TokenOptions(view="words", lowercase=True))
>>> next(iter(words))[:6]                                                # doctest: +SKIP
['fellow', 'citizens', 'of', 'the', 'senate', 'and']
>>> next(sentences("tang-poems", "train", TokenOptions(level="char")))[:5]  # doctest: +SKIP
['秦', '川', '雄', '帝', '宅']
"""

from __future__ import annotations

import codecs
import dataclasses
import lzma
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dlclassics.data.sets import bible_en_es, brown, moby_dick, peoples_daily, sotu, tang_poems
from dlclassics.data.stream import open_binary
from dlclassics.data.tokenize import EnglishWords, JiebaWords
from dlclassics.errors import ConfigError, DataError
from dlclassics.registry import Registry

if TYPE_CHECKING:  # imported when used: it loads Numba, which most commands never need
    from dlclassics.data.wordscan import WordScan

__all__ = [
    "CORPORA",
    "FILE_FRACTIONS",
    "RESERVED",
    "SPLITS",
    "Corpus",
    "Level",
    "Mix",
    "Segment",
    "Split",
    "Text",
    "TokenOptions",
    "View",
    "check_sentence",
    "corpus_files",
    "english_sentences",
    "sentences",
    "word_scan",
    "words_only",
]

Level = Literal["word", "char"]
View = Literal["source", "words"]
Split = Literal["train", "val", "test", "all"]
Segment = Literal["none", "jieba"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")  # "all" reads these, in this order
FILE_FRACTIONS = (0.8, 0.1)  # a file's units by position: first 80 % train, next 10 % val

# Tokens a language model's text may not contain: sentence marks (added by the model) and
# the Vocab specials other than <unk>.
RESERVED = frozenset({"<s>", "</s>", "<pad>", "<bos>", "<eos>"})

_WORD = re.compile(r"[^\W_]")  # a token with a letter or digit is a word
_SENTENCE_END = frozenset({".", "!", "?"})

Reader = Callable[[str], Iterator[list[str]]]  # a split -> its units as token lists


@dataclass(frozen=True, kw_only=True)
class TokenOptions:
    """How a corpus's units become tokens (the module docstring has the details)."""

    level: Level = "word"  # word: the view's tokens; char: each unit's characters
    lowercase: bool = False  # fold case ("The" and "the" become one token)
    view: View = "source"  # source: the data set's own tokens; words: words-only sentences


# ------------------------------------------------------------------ tokenization helpers


def words_only(tokens: Iterable[str]) -> list[str]:
    """The tokens that hold a letter or a digit (punctuation dropped)."""
    return [t for t in tokens if _WORD.search(t)]


def english_sentences(text: str, lowercase: bool = False) -> Iterator[list[str]]:
    """Tokenize prose, cut it into sentences after . ! ?, drop punctuation tokens."""
    sentence: list[str] = []
    for token in EnglishWords(lowercase=lowercase)(text):
        if _WORD.search(token):
            sentence.append(token)
        elif token in _SENTENCE_END and sentence:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


def check_sentence(tokens: Sequence[str], where: str) -> None:
    """DataError naming ``where`` if ``tokens`` holds a reserved token."""
    if RESERVED.isdisjoint(tokens):
        return
    bad = next(t for t in tokens if t in RESERVED)
    raise DataError(
        f"{where}: token {bad!r} is reserved ({', '.join(sorted(RESERVED))}); sentence "
        "boundaries are added by the model — remove it or rename it"
    )


# ------------------------------------------------------------------ the registry


@dataclass(frozen=True, kw_only=True)
class Corpus:
    """A registered corpus: a data set's reader composed with a tokenization, per view."""

    about: str  # what the text is and what a unit is, in one line
    source: Reader  # the data set's own units and tokens, punctuation kept
    words: Reader | None = None  # words-only sentences; None: the source minus punctuation
    join: str = " "  # what separates a unit's words at character level ("" for Chinese)
    segmented: bool = True  # False: no word boundaries, so character level of the source only

    def read(self, split: Split, view: View) -> Iterator[list[str]]:
        for part in SPLITS if split == "all" else (split,):
            if view == "source":
                yield from self.source(part)
            elif self.words is not None:
                yield from self.words(part)
            else:
                for tokens in self.source(part):
                    if kept := words_only(tokens):
                        yield kept


@dataclass(frozen=True, kw_only=True)
class Mix:
    """Registered corpora read one after another, each whole (all its splits) before the next."""

    about: str
    parts: tuple[str, ...]  # registered corpus names, in reading order
    join: str = " "
    segmented: bool = True

    def read(self, split: Split, view: View) -> Iterator[list[str]]:
        for name in self.parts:
            yield from CORPORA[name].read(split, view)


def _whitespace(texts: Callable[[str], Iterator[str]]) -> Reader:
    return lambda split: (text.split() for text in texts(split))


def _prose(texts: Callable[[str], Iterator[str]]) -> Reader:
    return lambda split: (s for text in texts(split) for s in english_sentences(text))


def _brown(split: str) -> Iterator[list[str]]:
    return (record.words for record in brown.records(split))


def _bible_en(split: str) -> Iterator[str]:
    return (en for en, _ in bible_en_es.pairs(split))


def _bible_en_words(split: str) -> Iterator[list[str]]:
    for verse in _bible_en(split):  # a verse stays one unit, whatever its full stops
        if kept := words_only(EnglishWords()(verse)):
            yield kept


def _moby_dick_paragraphs(split: str) -> Iterator[str]:
    paragraph: list[str] = []
    for line in [*moby_dick.lines(split), ""]:  # blank lines separate paragraphs
        if line.strip():
            paragraph.append(line)
        elif paragraph:
            yield " ".join(paragraph)
            paragraph = []


def _tang_poems(split: str) -> Iterator[list[str]]:
    return (list(text) for text in tang_poems.texts(split))


# corpus name -> how to read it (the table of the module docstring)
CORPORA: Registry[Corpus | Mix] = Registry("corpus")
CORPORA.add(
    "sotu",
    Corpus(
        about="State of the Union addresses 1790–2021; a unit is an address",
        source=_whitespace(sotu.texts),
        words=_prose(sotu.texts),
    ),
)
CORPORA.add("brown", Corpus(about="the Brown corpus (NLTK's tokens), by sentence", source=_brown))
CORPORA.add(
    "bible-en",
    Corpus(
        about="the World English Bible, by verse",
        source=_whitespace(_bible_en),
        words=_bible_en_words,
    ),
)
CORPORA.add(
    "moby-dick",
    Corpus(
        about="Moby-Dick, chapters 1–135, by paragraph",
        source=_whitespace(_moby_dick_paragraphs),
        words=_prose(_moby_dick_paragraphs),
    ),
)
CORPORA.add(
    "en-mix",
    Mix(
        about="sotu, brown, bible-en and moby-dick",
        parts=("sotu", "brown", "bible-en", "moby-dick"),
    ),
)
CORPORA.add(
    "peoples-daily",
    Corpus(
        about="People's Daily 1998 (PKU segmentation), by sentence",
        source=peoples_daily.segmented,
        join="",
    ),
)
CORPORA.add(
    "tang-poems",
    Corpus(about="the Complete Tang Poems, by poem", source=_tang_poems, join="", segmented=False),
)


def _check_split(name: str, split: str) -> Split:
    if split not in (*SPLITS, "all"):
        raise DataError(f"corpus {name!r} has no split {split!r}; choose train, val, test or all")
    return split


def _units(name: str, split: str, options: TokenOptions) -> tuple[Iterator[list[str]], str]:
    """The view's units of ``name``'s ``split`` and the corpus's word separator."""
    corpus = CORPORA[name]
    checked = _check_split(name, split)
    if not corpus.segmented and (options.level == "word" or options.view == "words"):
        raise ConfigError(
            f"{name} is unsegmented classical Chinese, so it has no words: read it as "
            "characters (dlc lm train --level char)"
        )
    return corpus.read(checked, options.view), corpus.join


def _tokens(units: Iterable[list[str]], options: TokenOptions, join: str) -> Iterator[list[str]]:
    for tokens in units:
        if options.lowercase:
            tokens = [t.lower() for t in tokens]
        yield list(join.join(tokens)) if options.level == "char" else tokens


def sentences(
    name: str, split: str = "train", options: TokenOptions = TokenOptions()
) -> Iterator[list[str]]:
    """The units of registered corpus ``name``'s ``split`` as token lists, read lazily."""
    units, join = _units(name, split, options)
    return _tokens(units, options, join)


# ------------------------------------------------------------------ a file or a corpus


_BROKEN = (OSError, EOFError, lzma.LZMAError, zlib.error)  # what a damaged archive raises


def corpus_files(path: Path) -> list[Path]:
    """The text files a ``--text``/``--corpus`` path names: the file, or a directory's files
    (recursively, in sorted path order; hidden ones skipped)."""
    if not path.is_dir():
        return [path]
    found = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not found:
        raise DataError(f"{path} is a directory without files; give a directory of text files")
    return found


def _file_lines(
    path: Path, encoding: str | None, *, allow_empty: bool = False
) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of ``path`` without line endings; one-line errors.

    ``.gz``, ``.bz2`` and ``.xz`` files are decompressed as they are read (offsets in
    errors are then into the decompressed text).
    """
    name = encoding or "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(name)()
    except LookupError:
        raise DataError(
            f"unknown --encoding {encoding!r}; try utf-8, gbk, gb18030 or latin-1"
        ) from None
    fix = (
        "pass the file's encoding with --encoding (e.g. --encoding gbk or latin-1) or "
        "re-encode it as UTF-8"
        if encoding
        else "re-encode it as UTF-8 (e.g. `iconv -f GBK -t UTF-8`)"
    )

    def decode(raw: bytes, line_no: int, offset: int) -> str:
        start = offset - len(decoder.getstate()[0])  # of the bytes decoded now, held ones first
        try:
            return decoder.decode(raw, final=not raw)  # b"" at the end: a cut-off character
        except UnicodeDecodeError as err:
            raise DataError(
                f"{path}, line {line_no}: not valid {name} ({err.reason}) at byte offset "
                f"{start + err.start} of the file; {fix}"
            ) from None

    offset, line_no, seen_text = 0, 0, False
    with open_binary(path) as f:
        try:
            for line_no, raw in enumerate(f, 1):
                text = decode(raw, line_no, offset)
                offset += len(raw)
                if line_no == 1:
                    text = text.removeprefix("\ufeff")
                text = text.rstrip("\r\n")
                seen_text = seen_text or bool(text.strip())
                yield line_no, text
        except _BROKEN as err:
            raise DataError(
                f"{path}, line {line_no + 1}: cannot decompress ({err}); the file is damaged "
                "or not what its name says — fetch or compress it again"
            ) from None
    decode(b"", max(line_no, 1), offset)
    if not seen_text and not allow_empty:
        raise DataError(
            f"{path} is empty (no non-blank line); give a text file with one sentence per line"
        )


@dataclass(frozen=True)
class Text:
    """A re-iterable sentence stream named by a file path or ``NAME[:SPLIT]`` of a corpus."""

    spec: str  # a file path, or NAME / NAME:SPLIT of a registered corpus
    _: KW_ONLY
    split: Split = "train"  # a corpus's split when the spec names none (all: train+val+test)
    options: TokenOptions = TokenOptions()  # view, level, lowercase (a file: level, lowercase)
    segment: Segment = "none"  # a file only: "jieba" cuts raw Chinese lines into words
    encoding: str | None = None  # a file only, from --encoding; None: UTF-8 (no such option)
    keep_reserved: bool = False  # True: <s>, </s>, … are plain words (word vectors)
    flag: str = "--text"  # the command-line option that named it, for error messages

    def __post_init__(self) -> None:
        if self.is_file:
            return
        name, _, split = self.spec.partition(":")
        if name not in CORPORA:
            raise DataError(
                f"{self.flag} {self.spec!r} is neither a file nor a corpus; give a path to a "
                "text file with one sentence per line, or a corpus NAME[:SPLIT], NAME one of: "
                f"{', '.join(CORPORA)}; SPLIT train, val, test or all"
            )
        _units(name, split or self.split, self.options)  # checks split and level; reads nothing

    @property
    def is_file(self) -> bool:
        """True when the spec names a file or a directory of files (not a corpus)."""
        path = Path(self.spec)
        return path.is_file() or path.is_dir()

    @property
    def corpus(self) -> tuple[str, Split] | None:
        """``(name, split)`` when the spec names a corpus, else None."""
        if self.is_file:
            return None
        name, _, split = self.spec.partition(":")
        return name, _check_split(name, split or self.split)

    def sibling(self, split: Split) -> Text | None:
        """The same corpus's ``split`` (e.g. val for tuning), None for a file."""
        corpus = self.corpus
        return None if corpus is None else dataclasses.replace(self, spec=f"{corpus[0]}:{split}")

    def __str__(self) -> str:
        corpus = self.corpus
        if corpus is None:
            return self.spec
        return corpus[0] if corpus[1] == "all" else f"{corpus[0]}:{corpus[1]}"

    def __iter__(self) -> Iterator[list[str]]:
        corpus = self.corpus
        return self.read("all" if corpus is None else corpus[1])

    def read(self, split: Split) -> Iterator[list[str]]:
        """The units of ``split`` of the corpus or file named (iterating reads the spec's own
        ``:SPLIT``): a corpus's split, or a file's units by position (:data:`FILE_FRACTIONS`).
        """
        corpus = self.corpus
        if corpus is None:
            return self._file(split)
        units, join = _units(corpus[0], split, self.options)
        if not self.keep_reserved:
            units = _checked(units, f"{corpus[0]}:{split}")
        return _tokens(units, self.options, join)

    def scan(self) -> WordScan | None:
        """A :class:`~dlclassics.data.wordscan.WordScan` of the file(s) named, where reading
        them would only split each UTF-8 line into words (no other encoding, lowercasing,
        characters or jieba); None otherwise (a corpus, or those options)."""
        try:
            plain = self.encoding is None or codecs.lookup(self.encoding).name == "utf-8"
        except LookupError:  # the line-by-line reader words this error
            return None
        if not self.is_file or not plain or self.segment != "none" or self.keep_reserved:
            return None
        if self.options.lowercase or self.options.level != "word":
            return None
        from dlclassics.data.wordscan import WordScan

        return WordScan(corpus_files(Path(self.spec)))

    def _file(self, split: Split) -> Iterator[list[str]]:
        path = Path(self.spec)
        jieba = JiebaWords() if self.segment == "jieba" else None
        files = corpus_files(path)
        numbered = (
            (where, line_no, words_only(jieba(line)) if jieba is not None else line.split())
            for where in files
            for line_no, line in _file_lines(where, self.encoding, allow_empty=len(files) > 1)
        )
        units: Iterable[tuple[Path, int, list[str]]] = ((p, n, t) for p, n, t in numbered if t)
        if split != "all":  # cut by position, so the file is read whole first
            kept = list(units)
            a = int(len(kept) * FILE_FRACTIONS[0])
            b = int(len(kept) * (FILE_FRACTIONS[0] + FILE_FRACTIONS[1]))
            units = {"train": kept[:a], "val": kept[a:b], "test": kept[b:]}[split]
        seen = False
        for where, line_no, tokens in units:
            seen = True
            if not self.keep_reserved:
                check_sentence(tokens, f"{where}, line {line_no}")
            yield from _tokens([tokens], self.options, " ")
        if not seen and path.is_dir():
            raise DataError(f"{path}: every file in the directory is empty; give text files")


def word_scan(sentences: object) -> WordScan | None:
    """``sentences.scan()`` for a :class:`Text` (see there), None for any other iterable."""
    return sentences.scan() if isinstance(sentences, Text) else None


def _checked(units: Iterator[list[str]], where: str) -> Iterator[list[str]]:
    for i, tokens in enumerate(units, 1):
        check_sentence(tokens, f"{where}, sentence {i}")
        yield tokens
