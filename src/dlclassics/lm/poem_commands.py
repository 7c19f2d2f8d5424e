"""``dlc poem``: Tang quatrains from a character LM, the form enforced while decoding.

    dlc lm train --model lstm --data tang-poems --level char --run-dir runs/tang
    dlc poem --run-dir runs/tang --form 5x4                     # 五言绝句
    dlc poem --run-dir runs/tang --form 7x4 --acrostic 春夏秋冬   # 七言藏头诗
    dlc poem --run-dir runs/tang --n 5 --seed 3 --temperature 0.7

Each poem prints as its four lines. The constraints (line length, line-end punctuation,
acrostic heads) are :mod:`dlclassics.lm.constrained`'s; any character-level run of
``dlc lm train`` works, a run on ``tang-poems`` writes poems worth reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch

from dlclassics.commands import Command
from dlclassics.errors import ConfigError
from dlclassics.lm.commands import load_trained
from dlclassics.lm.constrained import FORMS, compose
from dlclassics.registry import Registry


@dataclass(frozen=True, kw_only=True)
class PoemConfig:
    run_dir: Path = Path("runs/tang")  # a character-level `dlc lm train` run (tang-poems)
    form: Literal["5x4", "7x4"] = "5x4"  # four lines of five or of seven characters
    acrostic: str = ""  # head characters, one per line (藏头诗), e.g. 春夏秋冬
    n: int = 1  # poems to write
    temperature: float = 0.8  # < 1 sharpens the model's distribution; 0 = greedy
    top_k: int | None = None  # keep the k most probable allowed characters
    top_p: float | None = 0.9  # keep the smallest set of allowed characters with this mass
    seed: int = 0  # the sampling generator's seed: same seed, same poems
    which: Literal["best", "last"] = "best"  # weights with the best val loss, or the latest


def write_poems(config: PoemConfig) -> list[str]:
    """The poems of ``config``, each as one string (lines joined, punctuation kept)."""
    form = FORMS[config.form]
    run, vocab, task = load_trained(config.run_dir, config.which)
    if run.level != "char":
        raise ConfigError(
            f"{config.run_dir} holds a {run.level}-level model; poems need a character-level "
            "run (dlc lm train --data tang-poems --level char)"
        )
    generator = torch.Generator().manual_seed(config.seed)
    return compose(
        task.model,
        vocab,
        form,
        n=config.n,
        generator=generator,
        acrostic=config.acrostic,
        temperature=config.temperature,
        top_k=config.top_k,
        top_p=config.top_p,
    )


def lines(poem: str, chars: int) -> list[str]:
    """A poem string as its lines (each ``chars`` characters and its punctuation)."""
    return [poem[i : i + chars + 1] for i in range(0, len(poem), chars + 1)]


def poem_command(config: PoemConfig) -> int:
    poems = write_poems(config)
    chars = FORMS[config.form].chars
    print("\n\n".join("\n".join(lines(poem, chars)) for poem in poems))
    return 0


COMMANDS: Registry[Command] = Registry("poem command")
COMMANDS.add("", Command(config=PoemConfig, run=poem_command))
