"""``dlc seq2seq``: train a translator, evaluate it (BLEU/chrF, beam search, heatmaps).

dlc seq2seq train --pair en-es --model gru-bahdanau --run-dir runs/s2s   # Bible en→es
dlc seq2seq train --preset quick                                        # Tatoeba en→fr, ~15 CPU-s
dlc seq2seq train --resume runs/s2s --max-steps 4000            # continue, bit-exact
dlc seq2seq eval --run-dir runs/s2s --beam 5 --alpha 0.6                # test BLEU and chrF
"""

from __future__ import annotations

from dlclassics.commands import Command
from dlclassics.registry import Registry
from dlclassics.seq2seq.evaluate import EVAL_COMMAND
from dlclassics.seq2seq.run import PRESETS, TRAIN

COMMANDS: Registry[Command] = Registry("seq2seq command")
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add("eval", EVAL_COMMAND)  # owned by the decoding side (evaluate.py)
