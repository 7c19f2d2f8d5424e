"""The LM ladder's last two rungs: character level (bits per character) and Chinese words.

Targets: a char LSTM and a char Transformer on English (State of the Union) and on the Tang
poems, bits per character on the held-out split at a budget of 10 CPU minutes per model, with
samples; and interpolated Kneser-Ney vs an LSTM on People's Daily words (test perplexity).

    python benchmarks/lm_char.py --run lstm-sotu --budget 600     # one run: train + score
    python benchmarks/lm_char.py --collect                        # KN row + runs → JSON

Each ``--run`` writes ``runs/lm_char/<run>/row.json`` (runs train in parallel processes);
``--collect`` scores the KN trigram on People's Daily and writes
``benchmarks/results/lm_char.json`` (character rows) and ``benchmarks/results/lm_zh.json``
(People's Daily word rows).

Data (:mod:`dlclassics.lm.data`, every split the data set's documented one; ``dlc data
info``): State of the Union — addresses split 80/10/10 % per party (stratified, seed 0);
characters of each address, words joined by one space, case kept; 96 train characters.
Tang poems — poems split 90/5/5 % (seed 0), traditional characters incl. punctuation; 9,408
train characters (adaptive softmax). Each unit ends in ``</s>``, which is scored as one
character; a character unseen in train is ``<unk>`` and scored. bpc = log2 perplexity over
every character of the whole val or test split (:func:`~dlclassics.lm.evaluate.token_log_probs`,
the stream read as 64 parallel pieces). People's Daily — PKU segmentation, sentences split
80/10/10 % (seed 0); one vocabulary for KN and LSTM: train words seen >= 4 times + ``<unk>``
+ ``</s>``; perplexity over words + one ``</s>`` per sentence (kenlm's convention; both
count the same tokens, asserted).

Budget: the targets' 10 minutes of CPU per model: ``--budget 600`` seconds of process CPU
time per run (in each row; two runs at a time on the 2-core machine, nothing else running),
through ``dlc lm train --cpu-budget`` (max_steps = budget / timed CPU seconds per step;
Adam, cosine schedule, clipping 1.0, torch on 1 thread). ``train_cpu_seconds`` is the process
CPU time of the whole ``train`` call (calibration + training + one validation pass),
``train_seconds`` its wall time under contention (not comparable across rows).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

import torch

from _common import write_results
from dlclassics.config import replace, to_dict
from dlclassics.io import write_json
from dlclassics.lm.commands import (
    LMSampleConfig,
    LMTrainConfig,
    eval_warmup,
    eval_window,
    load_trained,
    sample,
    train,
)
from dlclassics.lm.data import Level, load_corpus, units
from dlclassics.lm.evaluate import (
    StreamScore,
    fit_mixture,
    mix,
    ngram_log_probs,
    token_log_probs,
)
from dlclassics.lm.models import LMModelConfig
from dlclassics.ngram import count_ngrams, estimate

RUNS = Path("runs/lm_char")
EVAL_ROWS = 64  # parallel pieces of a split's stream when scoring it
CHAR_BUDGET = 600.0  # process CPU seconds per character run (the targets' 10 minutes)
WORD_BUDGET = 600.0  # process CPU seconds of the People's Daily LSTM

_LSTM_CHAR = LMModelConfig(embed=64, hidden=512, dropout=0.0, bptt=64, softmax="full")
_TRANSFORMER_CHAR = LMModelConfig(
    embed=192, heads=4, ff=768, layers=3, context=128, bptt=128, dropout=0.0, softmax="full"
)


_LSTM_TANG = replace(_LSTM_CHAR, embed=128, softmax="adaptive")  # 9,408 characters
_TRANSFORMER_TANG = replace(_TRANSFORMER_CHAR, softmax="adaptive")
_LSTM_WORD = LMModelConfig(embed=256, hidden=256, dropout=0.2, bptt=32)  # the Brown LSTM's

# run -> (model, data, level, architecture, windows per step, peak lr)
SETTINGS: dict[str, tuple[str, str, Level, LMModelConfig, int, float]] = {
    "lstm-sotu": ("lstm", "sotu", "char", _LSTM_CHAR, 32, 3e-3),
    "transformer-sotu": ("transformer", "sotu", "char", _TRANSFORMER_CHAR, 16, 2e-3),
    "lstm-tang": ("lstm", "tang-poems", "char", _LSTM_TANG, 32, 3e-3),
    "transformer-tang": ("transformer", "tang-poems", "char", _TRANSFORMER_TANG, 16, 2e-3),
    "lstm-peoples-daily": ("lstm", "peoples-daily", "word", _LSTM_WORD, 64, 2e-3),
}
NAMES = {"lstm": "LSTM (1 layer)", "transformer": "Transformer (decoder-only, 3 layers)"}
# data -> (prompt, seed) of the generated samples (temperature 0.8)
PROMPTS = {
    "sotu": [("Fellow-Citizens of the Senate", 1), ("The economy ", 2), ("We must ", 3)],
    "tang-poems": [("", 1), ("春", 2), ("月", 3)],
    "peoples-daily": [("", 1), ("中国", 2)],
}


def run_model(name: str, budget: float, seed: int) -> list[dict[str, Any]]:
    model, data, level, arch, batch, lr = SETTINGS[name]
    run_dir = RUNS / name
    if run_dir.exists():
        shutil.rmtree(run_dir)  # a fresh run each time
    base = LMTrainConfig()
    config = LMTrainConfig(
        model=model,  # type: ignore[arg-type]
        data=data,
        level=level,
        run_dir=run_dir,
        cpu_budget=budget,
        arch=arch,
        trainer=replace(
            base.trainer, batch_size=batch, lr=lr, seed=seed, eval_every=10**9, progress=False
        ),
    )
    cpu, wall = time.process_time(), time.perf_counter()
    train(config)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    run, vocab, task = load_trained(run_dir, "best")
    corpus = load_corpus(data, level, vocab=vocab, splits=("val", "test"))
    log_probs = {
        split: token_log_probs(
            task.model,
            corpus.streams[split],
            rows=EVAL_ROWS,
            window=eval_window(task.model),
            warmup=eval_warmup(task),
            pad_id=vocab.eos_id,
        )
        for split in ("val", "test")
    }
    scores = {split: StreamScore.of(lp) for split, lp in log_probs.items()}
    samples = [
        {
            "prompt": prompt,
            "seed": s,
            "text": sample(
                LMSampleConfig(
                    run_dir=run_dir,
                    prompt=prompt,
                    max_new_tokens=160 if level == "char" else 40,
                    temperature=0.8,
                    seed=s,
                )
            ),
        }
        for prompt, s in PROMPTS[data]
    ]
    row: dict[str, Any] = {
        "model": NAMES[model],
        "data": data,
        "level": level,
        "params": sum(p.numel() for p in task.parameters()),
        "vocab": len(vocab),
        "valid_tokens": scores["val"].tokens,
        "test_tokens": scores["test"].tokens,
        "train_cpu_seconds": round(cpu, 1),
        "train_seconds": round(wall, 1),
        "cpu_budget": budget,
        "steps": run.trainer.max_steps,
        "tokens_seen": run.trainer.max_steps * batch * arch.bptt,
        "settings": {"run": name, "arch": to_dict(arch), "batch": batch, "lr": lr},
        "samples": samples,
    }
    if level == "char":
        row["valid_bpc"] = round(scores["val"].bits_per_token, 4)
        row["test_bpc"] = round(scores["test"].bits_per_token, 4)
    else:
        row["valid_ppl"] = round(scores["val"].perplexity, 2)
        row["test_ppl"] = round(scores["test"].perplexity, 2)
    for split, lp in log_probs.items():
        torch.save(lp, run_dir / f"log_probs_{split}.pt")
    write_json(run_dir / "row.json", row)
    return [row]


def zh_rows() -> list[dict[str, Any]]:
    """Interpolated KN trigram on People's Daily, then the LSTM and their mixture."""
    vocab = load_corpus("peoples-daily", "word", splits=()).vocab  # the LSTM's rule
    data = {split: units("peoples-daily", split, "word") for split in ("train", "val", "test")}
    start = time.process_time()
    lm = estimate(count_ngrams(data["train"], 3, vocab), "kn")
    seconds = time.process_time() - start
    kn = {s: torch.from_numpy(ngram_log_probs(lm, data[s])) for s in ("val", "test")}
    kn_score = {s: StreamScore.of(kn[s]) for s in kn}
    assert abs(kn_score["test"].perplexity - lm.score(data["test"]).perplexity) < 1e-6 * (
        kn_score["test"].perplexity
    )
    rows: list[dict[str, Any]] = [
        {
            "model": "interpolated KN trigram",
            "data": "peoples-daily",
            "level": "word",
            "order": 3,
            "params": lm.params,
            "vocab": len(vocab),
            "valid_ppl": round(kn_score["val"].perplexity, 2),
            "test_ppl": round(kn_score["test"].perplexity, 2),
            "train_cpu_seconds": round(seconds, 2),
            "valid_tokens": kn_score["val"].tokens,
            "test_tokens": kn_score["test"].tokens,
        }
    ]
    run_dir = RUNS / "lstm-peoples-daily"
    if (run_dir / "row.json").is_file():
        lstm = json.loads((run_dir / "row.json").read_text())
        assert lstm["vocab"] == len(vocab)
        lstm["order"] = None
        neural = {s: torch.load(run_dir / f"log_probs_{s}.pt") for s in ("val", "test")}
        for s in neural:  # the two conventions count the same tokens
            assert len(neural[s]) == len(kn[s]), (s, len(neural[s]), len(kn[s]))
        lam = fit_mixture(neural["val"], kn["val"])
        mixed = {s: StreamScore.of(mix(neural[s], kn[s], lam)) for s in neural}
        rows.append(lstm)
        rows.append(
            {
                "model": "LSTM + interpolated KN trigram (mixture)",
                "data": "peoples-daily",
                "level": "word",
                "order": None,
                "params": lstm["params"] + lm.params,
                "valid_ppl": round(mixed["val"].perplexity, 2),
                "test_ppl": round(mixed["test"].perplexity, 2),
                "settings": {"lambda_neural": round(lam, 4), "note": "λ fitted by EM on val"},
            }
        )
    return rows


def _command(row: dict[str, Any]) -> str:
    run, budget = row["settings"]["run"], row["cpu_budget"]
    return f"python benchmarks/lm_char.py --run {run} --budget {budget:g}"


def collect() -> list[Path]:
    char_rows = [
        json.loads((RUNS / name / "row.json").read_text())
        for name, (_, _, level, *_) in SETTINGS.items()
        if level == "char" and (RUNS / name / "row.json").is_file()
    ]
    common = {
        "budget_note": "the targets' 10 CPU minutes per model: cpu_budget = 600 seconds of "
        "process CPU time in each row (max_steps from a timing of the model's steps); torch "
        "1 thread, two runs at a time. No model here has converged",
        "machine_note": "2 cores, two runs at a time and nothing else: train_seconds (wall) "
        "includes the final validation pass and some contention",
    }
    char_path = write_results(
        "lm_char",
        "Character-level LMs: bits per character of a char LSTM and a char Transformer on "
        "State of the Union (English) and the Tang poems, at a fixed CPU budget",
        char_rows,
        commands=[*map(_command, char_rows), "python benchmarks/lm_char.py --collect"],
        settings={
            "data": {
                "sotu": "State of the Union, addresses split 80/10/10 % per party (stratified, "
                "seed 0): 189 / 22 / 22 addresses; characters, words joined by one space",
                "tang-poems": "Complete Tang Poems, poems split 90/5/5 % (seed 0): 51,839 / "
                "2,880 / 2,880 poems; characters incl. punctuation (traditional script)",
            },
            "bpc": "log2 perplexity over every character of the whole split, one </s> per "
            "unit (address or poem) counted as a character; characters unseen in train are "
            "<unk> and scored",
            "samples": "dlc lm sample equivalent: temperature 0.8, seed per sample, best weights",
            **common,
        },
        anchors={
            "note": "published char-LM figures use other corpora and far larger budgets: "
            "enwik8/text8 ~1.1–1.4 bpc (Graves 2013; Karpathy's char-rnn), 1-layer LSTMs on "
            "small English corpora ~1.5–2 bpc after hours of training",
        },
    )
    zh = zh_rows()
    zh_path = write_results(
        "lm_zh",
        "Chinese word-level LM on People's Daily (PKU segmentation): interpolated KN "
        "trigram vs LSTM, test perplexity on one vocabulary",
        zh,
        commands=[*map(_command, zh[1:2]), "python benchmarks/lm_char.py --collect"],
        settings={
            "data": "People's Daily Jan 1998, PKU segmentation; sentences split 80/10/10 % "
            "(seed 0): 15,588 / 1,948 / 1,948",
            "vocabulary": "train words seen >= 4 times + <unk> + </s> (the neural softmax also "
            "over the unused <pad>, <bos>), the same ids for both models",
            "perplexity": "exp(-mean ln p) over words + one </s> per sentence; <unk> scored as "
            "a word; <s> not scored (kenlm's convention); the LSTM reads the text as one "
            "stream, so it may use context from earlier sentences",
            **common,
        },
    )
    return [char_path, zh_path]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", choices=list(SETTINGS), help="train and score one model")
    parser.add_argument("--collect", action="store_true", help="KN row + runs -> JSON")
    parser.add_argument("--budget", type=float, default=None, help="CPU seconds per run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.run:
        level = SETTINGS[args.run][2]
        budget = args.budget or (CHAR_BUDGET if level == "char" else WORD_BUDGET)
        print(json.dumps(run_model(args.run, budget, args.seed), ensure_ascii=False))
    if args.collect:
        for path in collect():
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
