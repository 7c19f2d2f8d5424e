"""Sequence labelling: POS tagging, word segmentation, NER (note 002; the CRF).

Note 002's synced many-to-many RNN task — one output per input token — and its
maximum-entropy classifier, on Brown and People's Daily POS, People's Daily segmentation as
BMES tagging and WNUT-16 named entities: a maximum-entropy tagger, a BiLSTM, a BiLSTM with a
character CNN and a BiLSTM-CRF whose CRF is written from scratch (:mod:`.crf`).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "tag",
    groups=(
        Group(
            "tag",
            {
                "train": "train a tagger (MEMM, BiLSTM, BiLSTM-char, BiLSTM-CRF) on POS, "
                "segmentation or NER data",
                "eval": "accuracy (POS), entity F1 (NER) or word F1 (segmentation) of a run",
                "predict": "tag sentences (one a line) with a trained run",
            },
        ),
    ),
    tour=True,
)
