"""Child script of test_trainer_ddp: trains the tiny task alone or under ``torchrun``.

python -m torch.distributed.run --standalone --nproc_per_node=2 trainer_ddp_child.py RUN_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from tinytask import make_data, make_task

from dlclassics.train import FitResult, Trainer, TrainerConfig
from dlclassics.train.distributed import shutdown

CONFIG = TrainerConfig(
    max_steps=30, batch_size=32, lr=1e-2, eval_every=10, log_every=10, checkpoint_every=10,
    progress=False,
)  # fmt: skip


def main(run_dir: Path) -> FitResult:
    torch.set_num_threads(1)
    task = make_task(dropout=0.0)  # no dropout: ranks draw different masks than one process
    trainer = Trainer(task, CONFIG, run_dir, train_data=make_data(256), val_data=make_data(101, 1))
    result = trainer.fit()
    shutdown()
    return result


if __name__ == "__main__":
    main(Path(sys.argv[1]))
