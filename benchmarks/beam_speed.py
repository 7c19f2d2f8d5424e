"""Beam search batched over sentences × beams vs one sentence at a time: time and agreement.

Target: batched beam search ≥ 5× faster than a per-sentence loop on the same
inputs, with the same outputs.

Both searches are :mod:`dlclassics.seq2seq.search`:

* ``batched`` = :func:`~dlclassics.seq2seq.search.beam_search` on batches of
  ``--batch-size`` sentences (sorted by source length, as ``dlc seq2seq eval`` does):
  one model step serves B·K rows, finished sentences leave the batch;
* ``per_sentence`` = :func:`~dlclassics.seq2seq.search.beam_search_per_sentence`, the
  reference loop: one sentence at a time, its K beams in one model step, Python lists
  for the bookkeeping.

Agreement: ``same_tokens`` (every n-best list has the same token ids) and
``max_score_difference`` (largest |score| difference; float32 models batched over
different row counts can differ in the last bits).

Model: :class:`~dlclassics.seq2seq.toy.ToyGRU`, a random GRU encoder–decoder with dot
attention of a realistic size for this project's translation runs (``--dim`` 256 embedding
and hidden units, ``--vocab`` 6,000 words on each side, about as many as the Bible runs'
vocabularies); ``eos_bias`` makes outputs end near the source length as a trained model's
do. Sources: ``--sentences`` random sentences of 3–20 tokens (the Bible test set's range,
``max_len`` = 20). The real models on the real test set are timed by
``benchmarks/seq2seq.py`` with the same helper (:func:`~dlclassics.seq2seq.search.time_search`).

    python benchmarks/beam_speed.py                          # 1,000 sentences, beam 5, CPU
    python benchmarks/beam_speed.py --device cuda             # the same on a GPU

One thread (``torch.set_num_threads(1)``) on CPU. The two searches alternate batch by batch,
so load from other processes falls on both alike; wall-clock and CPU seconds
(``time.process_time``) are both reported, with the machine's load average.

Result (2-core shared machine, load average ≈ 14, 2026-11-23): 1,000 sentences, beam 5 —
batched 37.5 s vs per sentence 220 s wall (5.9×), 10.7 s vs 62.3 s CPU (5.8×); the same
tokens for every sentence, scores within 5·10⁻⁶ (float32). An earlier run at the same load
gave 5.6× wall, 5.5× CPU: the speed-up is ≈ 5.5–6× here, just above the goal.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict

import torch

from _common import write_results
from dlclassics.seq2seq.search import SearchConfig, time_search
from dlclassics.seq2seq.toy import ToyGRU


def sources(
    n: int, vocab: int, batch_size: int, seed: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """n random sentences of 3–20 tokens, sorted by length, cut into padded batches."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(3, 21, (n,), generator=g).sort().values
    batches = []
    for start in range(0, n, batch_size):
        part = lengths[start : start + batch_size]  # (B,)
        src = torch.randint(3, vocab, (len(part), int(part.max())), generator=g)  # (B, S)
        src[torch.arange(src.size(1)) >= part[:, None]] = 0  # pad after each sentence
        batches.append((src, part))
    return batches


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--alpha", type=float, default=0.6)
    parser.add_argument("--batch-size", type=int, default=64, help="sentences per batch")
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--vocab", type=int, default=6000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--name", default="beam_speed", help="results/<name>.json")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    device = torch.device(args.device)
    model = ToyGRU(args.vocab, args.vocab, dim=args.dim, eos_bias=1.0, seed=0).to(device).eval()
    batches = [
        (s.to(device), n.to(device))
        for s, n in sources(args.sentences, args.vocab, args.batch_size, 0)
    ]
    config = SearchConfig(beam=args.beam, alpha=args.alpha)
    time_search(model, batches[:1], config)  # warm-up: first calls allocate and load kernels
    load_before = os.getloadavg()[0]
    result = time_search(model, batches, config)
    load = f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    row = {
        "model": f"ToyGRU dim {args.dim}, vocab {args.vocab}",
        "device": str(device) if device.type == "cpu" else torch.cuda.get_device_name(device),
        "sentences": args.sentences,
        "beam": args.beam,
        "alpha": args.alpha,
        "batch_size": args.batch_size,
        **asdict(result),
    }
    print(
        f"{args.sentences} sentences, beam {args.beam}: batched {result.batched_seconds:.1f} s, "
        f"per sentence {result.per_sentence_seconds:.1f} s, {result.speedup:.1f}× faster "
        f"(CPU time {result.batched_cpu_seconds:.1f} s vs {result.per_sentence_cpu_seconds:.1f} s, "
        f"{result.cpu_speedup:.1f}×); "
        f"same tokens: {result.same_tokens}, max |Δscore| {result.max_score_difference:.2e}"
    )
    path = write_results(
        args.name,
        "batched beam search vs a per-sentence loop (target: ≥ 5× faster, same outputs)",
        [row],
        note=(
            "one torch thread; the two searches alternate batch by batch; *_seconds = wall "
            "clock, *_cpu_seconds = time.process_time; shared machine: " + load
        ),
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
