"""``dlc translate``: translate text with a trained run (arguments, ``--file`` or stdin).

    dlc translate --run-dir runs/mt "in the beginning god created the heavens and the earth"
    echo "i see ." | dlc translate --run-dir runs/mt-fr --beam 5 --n-best 3

The decoding lives in :mod:`dlclassics.seq2seq.translate`; this module reads, calls, prints.
"""

from __future__ import annotations

import sys

from dlclassics.commands import Command
from dlclassics.errors import ConfigError, DataError
from dlclassics.registry import Registry
from dlclassics.seq2seq.translate import TranslateConfig, Translator, translate_lines


def _input_lines(config: TranslateConfig) -> list[str]:
    if config.text and config.file is not None:
        raise ConfigError("give the text as arguments or --file, not both")
    if config.text:
        return [line for text in config.text for line in text.splitlines() or [""]]
    if config.file is not None:
        try:
            return config.file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise DataError(f"{config.file} does not exist; pass a text file with --file") from None
        except UnicodeDecodeError:
            raise DataError(f"{config.file} is not UTF-8 text; convert it first") from None
        except IsADirectoryError:
            raise DataError(f"{config.file} is a directory; pass a text file") from None
    if sys.stdin is None or sys.stdin.isatty():
        raise ConfigError('nothing to translate: give "text", --file FILE, or pipe lines to stdin')
    try:
        return sys.stdin.read().splitlines()
    except UnicodeDecodeError:
        raise DataError("stdin is not UTF-8 text") from None


def translate_command(config: TranslateConfig) -> int:
    lines = _input_lines(config)
    if not any(line.strip() for line in lines):
        raise DataError("nothing to translate: the input is empty (or only blank lines)")
    translator = Translator.load(config.run_dir, which=config.which, device=config.device)
    results = translate_lines(translator, lines, config)
    out = []
    for n, nbest in enumerate(results):
        if config.n_best == 1:
            out.append(nbest[0][0] if nbest else "")
        else:
            out.extend(f"{n} ||| {text} ||| {score:.4f}" for text, score in nbest or [("", 0.0)])
    sys.stdout.write("".join(line + "\n" for line in out))
    return 0


COMMANDS: Registry[Command] = Registry("translate command")
COMMANDS.add("", Command(config=TranslateConfig, run=translate_command))
