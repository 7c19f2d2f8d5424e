"""``dlc seq2seq eval``: BLEU and chrF of a trained translator on its test set.

    dlc seq2seq eval --run-dir runs/s2s --beam 5 --alpha 0.6          # → runs/s2s/eval.json
    dlc seq2seq eval --run-dir runs/s2s --decode greedy --limit 200    # a quick look

Decodes every source sentence of the run's split (the split and tokenization of
:mod:`dlclassics.seq2seq.data`, never seen in training) with greedy or beam search
(:mod:`dlclassics.seq2seq.search`, notes 003 "Beam search": score = log P(Y|X) / |Y|^α),
detokenizes the outputs and scores them against the raw reference sentences with
sacreBLEU (:mod:`dlclassics.seq2seq.bleu`; policy and signatures there). Writes
``DIR/eval.json``::

    {"split", "sentences", "decode", "beam", "alpha", "penalty", "bleu", "chrf",
     "bleu_signature", "chrf_signature", "bleu_detail", "decode_seconds", "examples": [
       {"source", "reference", "hypothesis", "score"}, …], "heatmaps": […], …}

``DIR/test.hyp.txt`` and ``DIR/test.ref.txt`` (the exact strings scored, one a line:
``sacrebleu test.ref.txt -i test.hyp.txt -lc`` gives the same BLEU) and, for attention
models, ``DIR/attention-N.png`` heatmaps (source × target) of a few example sentences.
``decode_seconds`` is the wall time of the search alone (sorted by length,
``--batch-size`` sentences at a time), not of loading or scoring.

:func:`evaluate_run` is the same as a function, for the benchmark; :func:`beam_speed` times
batched beam search against the per-sentence loop on the same sentences.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dlclassics.commands import Command
from dlclassics.data.vocab import UNK
from dlclassics.errors import ConfigError
from dlclassics.io import write_json, write_text
from dlclassics.seq2seq.bleu import corpus_scores, detokenize
from dlclassics.seq2seq.heatmap import plot_attention
from dlclassics.seq2seq.search import Penalty, SearchConfig, SpeedResult, time_search
from dlclassics.seq2seq.translate import Translator

log = logging.getLogger(__name__)

__all__ = ["EVAL_COMMAND", "EvalConfig", "beam_speed", "eval_command", "evaluate_run", "summary"]

Method = Literal["beam", "greedy"]
UNK_SCORED_AS = "UNK"  # an output <unk> is one wrong word (13a would split "<unk>" in three)


@dataclass(frozen=True, kw_only=True)
class EvalConfig:
    run_dir: Path = Path("runs/seq2seq")  # a directory written by `dlc seq2seq train`
    beam: int = 5  # beam width K (ignored by --decode greedy; K = 1 gives the same output)
    alpha: float = 0.6  # length normalization: score = log P / lp(|Y|), lp = |Y|^α
    penalty: Penalty = "length"  # or "gnmt": lp = ((5 + |Y|) / 6)^α
    decode: Method = "beam"  # beam search, or greedy (the argmax at every step)
    split: Literal["test", "val"] = "test"
    limit: int | None = None  # score only the first N pairs of the split (quick looks)
    batch_size: int = 64  # sentences decoded together (× beam rows per model step)
    max_len_ratio: float = 1.5  # outputs stop at ratio × source length + extra tokens …
    max_len_extra: int = 10  # … (EOS included)
    examples: int = 5  # example translations printed and saved in eval.json
    heatmaps: int = 3  # attention heatmap PNGs of example sentences (attention models)
    which: Literal["best", "last"] = "best"  # weights with the best validation loss, or latest
    device: str = "auto"  # auto = cuda if available, else cpu


def evaluate_run(
    run_dir: str | Path,
    *,
    beam: int,
    alpha: float,
    split: Literal["test", "val"] = "test",
    limit: int | None = None,
    penalty: Penalty = "length",
    method: Method = "beam",
    batch_size: int = 64,
    max_len_ratio: float = 1.5,
    max_len_extra: int = 10,
    examples: int = 5,
    heatmaps: int = 0,
    which: Literal["best", "last"] = "best",
    device: str = "auto",
    write: bool = True,
    keep_hypotheses: bool = False,
) -> dict[str, Any]:
    """Decode a run's split and score it; the eval.json dict (written to the run if ``write``).

    ``keep_hypotheses``: the result also holds the scored strings, one per sentence, under
    ``"hypotheses"`` (never written to eval.json).
    """
    from dlclassics.seq2seq.data import load_examples, tokenize
    from dlclassics.seq2seq.run import saved_config

    run_dir = Path(run_dir)
    if limit is not None and limit < 1:
        raise ConfigError(f"limit={limit} must be ≥ 1 (or left out for the whole split)")
    search = SearchConfig(
        beam=1 if method == "greedy" else beam,
        alpha=alpha,
        penalty=penalty,
        max_len_ratio=max_len_ratio,
        max_len_extra=max_len_extra,
    )
    run = saved_config(run_dir)  # CheckpointError for a missing or foreign run directory
    translator = Translator.load(run_dir, which=which, device=device)
    pairs = load_examples(run.data(), split)[:limit]
    sources = [translator.source_ids(e.src) for e in pairs]

    start = time.perf_counter()
    found = translator.search(sources, search, method=method, batch_size=batch_size)
    decode_seconds = time.perf_counter() - start

    words = [translator.words(nbest[0]) for nbest in found]
    scored = [detokenize([UNK_SCORED_AS if w == UNK else w for w in ws]) for ws in words]
    # The vocabularies hold lowercased words: score case-insensitively (module doc of bleu).
    scores = corpus_scores(scored, [e.tgt_text for e in pairs], lowercase=tokenize("A") == ["a"])

    chosen = _spread(len(pairs), examples)
    result: dict[str, Any] = {
        "run_dir": run_dir,
        "pair": run.pair,
        "model": run.model,
        "split": split,
        "sentences": len(pairs),
        "decode": method,
        "beam": search.beam,
        "alpha": alpha,
        "penalty": penalty,
        "max_len_ratio": max_len_ratio,
        "max_len_extra": max_len_extra,
        "weights": which,
        "device": str(translator.device),
        **scores.as_dict(),
        "decode_seconds": decode_seconds,
        "sentences_per_second": len(pairs) / max(decode_seconds, 1e-9),
        "examples": [
            {
                "source": pairs[i].src_text,
                "reference": pairs[i].tgt_text,
                "hypothesis": detokenize(words[i]),
                "score": found[i][0].score,
            }
            for i in chosen
        ],
        "heatmaps": [],
    }
    if heatmaps > 0:
        result["heatmaps"] = _heatmaps(translator, pairs, chosen[:heatmaps], search, run_dir)
    if write:
        # The exact strings sacreBLEU scored: `sacrebleu test.ref.txt -i test.hyp.txt -lc`.
        write_text(run_dir / f"{split}.hyp.txt", "".join(line + "\n" for line in scored))
        write_text(run_dir / f"{split}.ref.txt", "".join(e.tgt_text + "\n" for e in pairs))
        write_json(run_dir / "eval.json", result)
    if keep_hypotheses:
        result["hypotheses"] = scored
    return result


def beam_speed(
    run_dir: str | Path,
    *,
    beam: int,
    alpha: float,
    split: Literal["test", "val"] = "test",
    limit: int | None = None,
    batch_size: int = 64,
    which: Literal["best", "last"] = "best",
    device: str = "auto",
) -> SpeedResult:
    """Batched beam search vs the per-sentence loop on a run's split (issue goal: ≥ 5×).

    The same sentences, sorted by length and cut into ``batch_size`` batches as
    :func:`evaluate_run` decodes them; see :func:`~dlclassics.seq2seq.search.time_search`.
    """
    from dlclassics.seq2seq.data import load_examples
    from dlclassics.seq2seq.run import saved_config

    if limit is not None and limit < 1:
        raise ConfigError(f"limit={limit} must be ≥ 1 (or left out for the whole split)")
    run = saved_config(Path(run_dir))
    translator = Translator.load(Path(run_dir), which=which, device=device)
    pairs = load_examples(run.data(), split)[:limit]
    sources = [translator.source_ids(e.src) for e in pairs]
    batches = [(src, lengths) for _, src, lengths in translator.batches(sources, batch_size)]
    return time_search(translator.model, batches, SearchConfig(beam=beam, alpha=alpha))


def _spread(n: int, k: int) -> list[int]:
    """k indices spread evenly over range(n) (the first and last included)."""
    if k <= 0 or n == 0:
        return []
    if k == 1 or n == 1:
        return [0]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(min(k, n))})


def _heatmaps(
    translator: Translator, pairs: list[Any], chosen: list[int], search: SearchConfig, run_dir: Path
) -> list[Path]:
    from dlclassics.config import replace

    sources = [translator.source_ids(pairs[i].src) for i in chosen]
    found = translator.search(sources, replace(search, attention=True))
    paths = []
    for number, (i, nbest) in enumerate(zip(chosen, found, strict=True), 1):
        best = nbest[0]
        if best.attention is None:
            log.info("this model has no attention: no heatmaps")
            return []
        tokens = translator.segment(pairs[i].src)
        source = [w if w in translator.src_vocab else f"{w}*" for w in tokens]
        target = [*translator.tgt_vocab.decode(best.tokens), "</s>"]
        title = pairs[i].src_text + ("\n(* = unknown to the model)" if source != tokens else "")
        paths.append(
            plot_attention(
                best.attention, source, target, run_dir / f"attention-{number}.png", title=title
            )
        )
    return paths


def summary(result: dict[str, Any]) -> str:
    """What `dlc seq2seq eval` prints: the scores, their signatures, a few examples."""
    how = "greedy" if result["decode"] == "greedy" else f"beam {result['beam']}"
    lines = [
        f"{result['split']} BLEU {result['bleu']:.2f}  chrF {result['chrf']:.2f}  "
        f"({result['pair']} {result['model']}, {how}, α {result['alpha']} {result['penalty']}, "
        f"{result['sentences']:,} sentences decoded in {result['decode_seconds']:.1f} s)",
        f"  {result['bleu_detail']}",
        f"  BLEU signature: {result['bleu_signature']}",
        f"  chrF signature: {result['chrf_signature']}",
    ]
    for example in result["examples"]:
        lines += [
            "",
            f"  source     {example['source']}",
            f"  reference  {example['reference']}",
            f"  ours       {example['hypothesis']}",
        ]
    run_dir = Path(result["run_dir"])
    split = result["split"]
    written = [run_dir / name for name in ("eval.json", f"{split}.hyp.txt", f"{split}.ref.txt")]
    written += result["heatmaps"]
    lines += ["", "wrote " + ", ".join(str(p) for p in written)]
    return "\n".join(lines)


def eval_command(config: EvalConfig) -> int:
    result = evaluate_run(
        config.run_dir,
        beam=config.beam,
        alpha=config.alpha,
        split=config.split,
        limit=config.limit,
        penalty=config.penalty,
        method=config.decode,
        batch_size=config.batch_size,
        max_len_ratio=config.max_len_ratio,
        max_len_extra=config.max_len_extra,
        examples=config.examples,
        heatmaps=config.heatmaps,
        which=config.which,
        device=config.device,
    )
    print(summary(result))
    return 0


EVAL_COMMAND = Command(
    config=EvalConfig,
    run=eval_command,
)
