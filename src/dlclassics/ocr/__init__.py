"""Text recognition: CRNN, convolutional features → bidirectional RNN → CTC (note 001).

Lines of real text (Brown, State of the Union; People's Daily) drawn with real fonts
(:mod:`dlclassics.ocr.render`), a CRNN (:mod:`.model`) trained with a from-scratch CTC loss
(:mod:`.ctc`), decoded greedily or by prefix beam search fused with a character n-gram
model from :mod:`dlclassics.ngram` (:mod:`.decode`, :mod:`.lm`).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "ocr",
    groups=(
        Group(
            "ocr",
            {
                "render": "draw text lines of real text with real fonts (clean or augmented)",
                "train": "train a CRNN with CTC on rendered English or Chinese lines",
                "eval": "character and word error rates of a trained CRNN on test lines",
                "read": "recognise line images; --plot shows which columns emit which character",
            },
        ),
    ),
    tour=True,
)
