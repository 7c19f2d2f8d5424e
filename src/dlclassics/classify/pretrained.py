"""Transfer into a classifier (note 003): pretrained word vectors, or a pretrained language model.

**Word vectors.** :func:`init_embedding` copies the vector of every vocabulary word the vectors
know into its embedding row, C(w) ← v_w; the other rows keep their random initialisation,
rescaled to the vectors' standard deviation so known and unknown rows start on one scale.
``<pad>`` stays zero. With ``--freeze`` the rows then stay fixed (the notes' "frozen" transfer:
only the encoder and the classifier learn); otherwise they are fine-tuned with the rest.

**A language model.** :func:`read_lm_encoder` reads a ``dlc lm train`` run of a recurrent
model (rnn, lstm, gru) through the shared checkpoint code — its ``config.json``, its
``vocab.json`` and its best weights, never its Python classes — and
:meth:`LMEncoder.load_into` copies its embedding and recurrent layers into a classifier built
with the same cell, sizes and vocabulary (unidirectional, as the LM read left to right). The
LM's output softmax is dropped; pooling and the class layer start fresh (Dai & Le 2015,
"semi-supervised sequence learning"; Howard & Ruder 2018).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from dlclassics.classify.models import Classifier
from dlclassics.data.vocab import Vocab
from dlclassics.data.wordvectors import read_vectors
from dlclassics.errors import CheckpointError, ConfigError
from dlclassics.train.checkpoint import RunFiles, load_tensors, read_run_config

LM_COMMAND = "lm train"  # config.json's "command" of a language-model run
LM_CELLS = ("rnn", "lstm", "gru")


def init_embedding(embedding: nn.Embedding, vocab: Vocab, path: Path) -> float:
    """Copy the vectors of ``path`` into ``embedding``'s rows; return the share of words found."""
    words, vectors, _ = read_vectors(path)
    D = embedding.weight.shape[1]
    if vectors.shape[1] != D:
        raise ConfigError(
            f"{path} holds {vectors.shape[1]}-dimensional vectors but the embedding has {D}; "
            f"pass --embed {vectors.shape[1]}"
        )
    row = {w: i for i, w in enumerate(words)}
    found = [(i, row[w]) for i, w in enumerate(vocab.itos) if w in row and i != vocab.pad_id]
    table = torch.from_numpy(vectors)
    with torch.no_grad():
        weight = embedding.weight
        weight.mul_(float(table.std()) / max(float(weight.std()), 1e-12))  # one scale for all
        if found:
            ours, theirs = zip(*found, strict=True)
            weight[list(ours)] = table[list(theirs)].to(weight.dtype)
        weight[vocab.pad_id].zero_()
    words_known = len(vocab) - 4  # the specials are never in a vectors file
    return len(found) / max(words_known, 1)


@dataclass(frozen=True, kw_only=True)
class LMEncoder:
    """The parts of a language-model run a classifier can start from."""

    cell: Literal["rnn", "lstm", "gru"]
    embed: int
    hidden: int
    layers: int
    vocab: Vocab
    tensors: dict[str, torch.Tensor]  # embedding.weight, encoder.weight_ih_l0, …

    def load_into(self, model: Classifier) -> None:
        """Copy the embedding and the recurrent layers into ``model`` (same shapes)."""
        state = model.state_dict()
        for name, tensor in self.tensors.items():
            if name not in state or state[name].shape != tensor.shape:
                raise CheckpointError(
                    f"the language model's {name} {tuple(tensor.shape)} does not fit the "
                    "classifier; build it with the LM's cell and sizes (with_lm_shape)"
                )
        model.load_state_dict(self.tensors, strict=False)


def read_lm_encoder(run_dir: Path) -> LMEncoder:
    """The embedding, recurrent layers, sizes and vocabulary of a ``dlc lm train`` run."""
    hint = f"pass a directory written by `dlc {LM_COMMAND} --model lstm` (or rnn, gru)"
    files = RunFiles(run_dir)
    if not files.config.is_file():
        raise CheckpointError(f"{run_dir} holds no run (no config.json); {hint}")
    saved = read_run_config(run_dir)  # {"command": ..., "run": the LM's train config}
    if saved.get("command") != LM_COMMAND or not isinstance(saved.get("run"), dict):
        raise CheckpointError(f"{run_dir} is not a language-model run; {hint}")
    run = saved["run"]
    cell, arch = run.get("model"), run.get("arch", {})
    if cell not in LM_CELLS:
        raise ConfigError(
            f"{run_dir} holds a {cell!r} language model; only rnn, lstm and gru give a "
            f"recurrent encoder; {hint}"
        )
    vocab = Vocab.load(run_dir / "vocab.json")
    tensors, _ = load_tensors(files.weights("best"), hint)
    ours = {"model.embedding.weight": "embedding.weight"}
    picked = {}
    for name, tensor in tensors.items():
        if name in ours:
            picked[ours[name]] = tensor
        elif name.startswith("model.rnn."):
            picked["encoder." + name.removeprefix("model.rnn.")] = tensor
    if "embedding.weight" not in picked or not any(k.startswith("encoder.") for k in picked):
        raise CheckpointError(f"{files.weights('best')} lacks an embedding or RNN; {hint}")
    return LMEncoder(
        cell=cell,
        embed=int(arch["embed"]),
        hidden=int(arch["hidden"]),
        layers=int(arch["layers"]),
        vocab=vocab,
        tensors=picked,
    )
