"""Tang quatrains from a character LM: how often is the form kept, with and without constraints?

Trains a character LSTM on ``tang-poems`` for a fixed CPU budget (``dlc lm train --cpu-budget``),
then draws ``--poems`` poems per form (5x4, 7x4) three ways and counts the well-formed ones
(``dlclassics.lm.constrained.well_formed``: exactly four lines of 5 or 7 CJK characters,
``，`` after lines 1 and 3 and ``。`` after lines 2 and 4):

* ``constrained``: ``dlc poem``'s decoding (the form enforced at every step);
* ``constrained acrostic``: the same with the heads 春夏秋冬 forced (well-formed *and* heads);
* ``free``: plain sampling after ``</s>`` with the same temperature and top-p, cut at the end
  of the poem; ``free_first_4_lines`` is the looser count of samples whose first four lines
  (up to the 4th line-end mark) have the form, whatever follows.

No tonal (平仄) or rhyme check is reported: an honest one needs a Middle Chinese rhyme table
(e.g. the 平水韻 groups), which no package available here ships; modern Mandarin finals are
not Tang rhymes.

    python benchmarks/poem.py --cpu-budget 300 --poems 200
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import torch

from _common import write_results
from dlclassics.config import replace
from dlclassics.lm.commands import LMTrainConfig, load_trained, train
from dlclassics.lm.constrained import FORMS, PoemForm, compose, sample_free, well_formed

LINE_END = re.compile(r"[，。？！；]")
ACROSTIC = "春夏秋冬"


def first_lines_ok(text: str, form: PoemForm) -> bool:
    """Whether the text up to its 4th line-end mark is the form (what follows is ignored)."""
    ends = [m.end() for m in LINE_END.finditer(text)]
    return len(ends) >= form.lines and well_formed(text[: ends[form.lines - 1]], form)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-budget", type=float, default=300.0, help="training CPU seconds")
    parser.add_argument("--poems", type=int, default=200, help="poems per form and method")
    parser.add_argument("--run-dir", type=Path, default=Path("runs/bench-poem"))
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-p", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    base = LMTrainConfig()
    config = replace(
        base,
        model="lstm",
        data="tang-poems",
        level="char",
        run_dir=args.run_dir,
        cpu_budget=args.cpu_budget,
        trainer=replace(base.trainer, progress=False, seed=args.seed),
    )
    if not (args.run_dir / "best.safetensors").is_file():
        train(config)
    run, vocab, task = load_trained(args.run_dir)
    sampling = {"temperature": args.temperature, "top_p": args.top_p}
    rows = []
    for name, form in FORMS.items():
        g = torch.Generator().manual_seed(args.seed)
        n = args.poems
        constrained = compose(task.model, vocab, form, n=n, generator=g, **sampling)
        acrostic = compose(task.model, vocab, form, n=n, generator=g, acrostic=ACROSTIC, **sampling)
        free = sample_free(
            task.model, vocab, n=n, max_new_tokens=4 * (form.chars + 1) + 40, generator=g,
            **sampling,
        )  # fmt: skip
        rows.append(
            {
                "task": name,
                "form": name,
                "poems": n,
                "constrained_well_formed": sum(well_formed(p, form) for p in constrained) / n,
                "acrostic_well_formed": sum(well_formed(p, form, ACROSTIC) for p in acrostic) / n,
                "free_well_formed": sum(well_formed(p, form) for p in free) / n,
                "free_first_4_lines": sum(first_lines_ok(p, form) for p in free) / n,
                "example_constrained": constrained[0],
                "example_acrostic": acrostic[0],
                "example_free": free[0],
            }
        )
        print(rows[-1])
    steps = run.trainer.max_steps
    path = write_results(
        "poem",
        "well-formed Tang quatrains from a character LSTM: constrained vs free decoding",
        rows,
        model=f"lstm on tang-poems (char), {steps} steps for a {args.cpu_budget:.0f} CPU-s budget",
        sampling=sampling,
        note="2-core machine shared with other jobs; no tonal or rhyme check (see the script)",
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
