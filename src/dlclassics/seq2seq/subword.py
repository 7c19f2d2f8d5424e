"""Subword units for translation: byte-pair encoding (Sennrich et al. 2016) via SentencePiece.

Notes 003 "机器翻译" translate words, and a word outside the vocabulary becomes ``<unk>``;
the notes' remedy is to copy the source word the decoder attends to (done in
:mod:`dlclassics.seq2seq.translate`). Subwords remove most unknown words instead: BPE starts
from characters and repeatedly merges the most frequent adjacent pair of symbols in the
training text, until the symbol inventory has ``vocab_size`` entries, so a rare word is
spelled with frequent pieces (``▁begin`` ``ning``) and an unseen word is still made of
known pieces.

The merges are learned by the SentencePiece library (``model_type="bpe"``) on the **word
tokens** of :mod:`dlclassics.seq2seq.data` (lowercased, punctuation split off) joined by
spaces, one model per side, on the training split only. So the data module's tokenization
policy still holds, and decoding is exact: pieces are glued together and split at the word
marker ``▁`` (U+2581), which gives back the word tokens, then detokenized for BLEU as before.

    >>> sub = Subwords.train([["the", "beginning"], ["the", "end"]] * 50, vocab_size=30)
    >>> pieces = sub.encode(["the", "beginning"])
    >>> sub.decode(pieces)
    ['the', 'beginning']

A trained model is a few hundred kB of protobuf bytes, written to the run directory as
``src.bpe.model`` / ``tgt.bpe.model`` and read back without any pickling.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from dlclassics.data.vocab import UNK
from dlclassics.errors import CheckpointError, ConfigError, DataError
from dlclassics.io import write_bytes

WORD_START = "\u2581"  # ▁: SentencePiece's marker of a piece that starts a word
MIN_VOCAB = 16  # smaller inventories cannot hold the characters of a real text


class Subwords:
    """A trained BPE segmenter: ``encode`` word tokens → pieces, ``decode`` pieces → words."""

    def __init__(self, model: bytes) -> None:
        import sentencepiece as spm

        self.model = model
        self._sp: Any = spm.SentencePieceProcessor()
        try:
            self._sp.LoadFromSerializedProto(model)
        except (RuntimeError, OSError) as error:  # the library's error for bad bytes
            raise CheckpointError(f"not a SentencePiece model ({error})") from None

    @classmethod
    def train(cls, sentences: Iterable[Sequence[str]], *, vocab_size: int) -> Subwords:
        """BPE merges learned from tokenized sentences until ``vocab_size`` pieces (or fewer,
        when the text has fewer distinct merges); deterministic (one thread, no sampling)."""
        import sentencepiece as spm

        if vocab_size < MIN_VOCAB:
            raise ConfigError(f"subwords={vocab_size} is too small; use ≥ {MIN_VOCAB} pieces")
        lines = [" ".join(words) for words in sentences if words]
        if not lines:
            raise DataError("no text to learn subwords from (the training split is empty)")
        out = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_writer=out,
            model_type="bpe",
            vocab_size=vocab_size,
            hard_vocab_limit=False,  # a small text may support fewer merges: not an error
            character_coverage=1.0,  # every training character is a piece: no <unk> inside
            normalization_rule_name="identity",  # the words are already normalized
            split_digits=False,
            unk_id=0,
            unk_piece=UNK,
            bos_id=-1,  # the translation vocabularies add their own specials
            eos_id=-1,
            pad_id=-1,
            input_sentence_size=0,  # read every line
            shuffle_input_sentence=False,
            num_threads=1,
            minloglevel=2,
        )
        return cls(out.getvalue())

    def __len__(self) -> int:
        return int(self._sp.GetPieceSize())

    def encode(self, words: Sequence[str]) -> list[str]:
        """Word tokens → pieces; the first piece of every word starts with ``▁``."""
        if not words:
            return []
        pieces: list[str] = self._sp.EncodeAsPieces(" ".join(words))
        return pieces

    @staticmethod
    def decode(pieces: Sequence[str]) -> list[str]:
        """Pieces → word tokens: glue, then split at ``▁``. An ``<unk>`` piece is a word."""
        text = "".join(WORD_START + UNK + WORD_START if p == UNK else p for p in pieces)
        return text.replace(WORD_START, " ").split()

    def save(self, path: Path) -> None:
        write_bytes(path, self.model)

    @classmethod
    def load(cls, path: Path) -> Subwords:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CheckpointError(
                f"{path} is missing: this run was trained with subwords; copy the whole run "
                "directory"
            ) from None
        try:
            return cls(data)
        except CheckpointError as error:
            raise CheckpointError(f"{path} is damaged: {error}; retrain the run") from None
