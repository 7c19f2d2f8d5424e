"""dlclassics — classic deep learning, runnable and verified.

Every model of the course notes (``../shared/seeds``: 001–004) as a small module that
states its formula, trains on real data through ``dlc`` and is tested against a
trusted reference (torch, scikit-learn, gensim, kenlm, sacrebleu).
"""

__version__ = "0.1.0"
