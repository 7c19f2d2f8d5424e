"""Training: one step-based trainer for every model, with exact resume and no pickle.

A model joins by being an ``nn.Module`` with ``training_step(batch) -> StepOutput`` and
``evaluation_step(batch) -> EvalOutput`` (:class:`Task`). The :class:`Trainer` owns the
rest: batching (:mod:`.batches`), optimizer and learning-rate schedule (:mod:`.schedule`),
gradient clipping, evaluation, best-checkpoint tracking and early stopping, metrics
(:mod:`.metrics`), the progress bar (:mod:`.progress`), checkpoints (:mod:`.checkpoint`) and
data-parallel runs under ``torchrun`` (:mod:`.distributed`)::

    from dlclassics.train import Trainer, TrainerConfig, load_weights, read_run_config

    result = Trainer(task, TrainerConfig(max_steps=500), "runs/demo",
                     train_data=train, val_data=val, run_config=cfg_dict).fit()
    # interrupted? Trainer(task, TrainerConfig(max_steps=500), "runs/demo", ...).fit(resume=True)
    cfg_dict = read_run_config("runs/demo")    # rebuild the model from it, then
    load_weights(model, "runs/demo", "best")   # returns best.json (step, metrics, configs)
"""

from dlclassics.train.batches import to_device
from dlclassics.train.checkpoint import (
    load_weights,
    read_run_config,
    read_trainer_config,
)
from dlclassics.train.config import TrainerConfig
from dlclassics.train.metrics import read_metrics
from dlclassics.train.schedule import lr_at
from dlclassics.train.task import EvalOutput, FitResult, StepOutput, Task
from dlclassics.train.trainer import Trainer

__all__ = [
    "EvalOutput",
    "FitResult",
    "StepOutput",
    "Task",
    "Trainer",
    "TrainerConfig",
    "load_weights",
    "lr_at",
    "read_metrics",
    "read_run_config",
    "read_trainer_config",
    "to_device",
]
