"""Sequence to sequence: encoder–decoder with teacher forcing, attention, beam search, BLEU.

Course notes 002 and 003 (机器翻译, seq2seq, attention, beam search) and 001 (Transformer).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "seq2seq",
    groups=(
        Group(
            "seq2seq",
            {
                "train": "train a translator (GRU/LSTM, Bahdanau/Luong attention, Transformer)",
                "eval": "BLEU and chrF of a translator (greedy or beam), examples, heatmaps",
            },
        ),
        Group(
            "translate",
            {
                "": "translate text with a trained seq2seq run (arguments, --file or stdin)",
            },
        ),
    ),
    tour=True,
)
