"""Corpus BLEU and chrF with sacreBLEU, and how our token lists become text for them.

BLEU (Papineni et al. 2002), over the whole test set:

    BLEU = BP · exp(Σ_{n=1..4} ¼ log p_n),   BP = min(1, exp(1 − r / c)),

p_n the clipped n-gram precision, c and r the hypothesis and reference lengths in tokens.
chrF (Popović 2015) is the character n-gram F-score (n ≤ 6, β = 2): it gives credit for a
right stem with a wrong ending, which matters for Spanish morphology. Both come from
sacreBLEU (Post 2018) with its *signature* (``nrefs:1|case:lc|eff:no|tok:13a|…``), the
string that says exactly how a number was computed, so numbers can be compared across
papers and runs. Scores are in [0, 100].

**Detokenization policy.** sacreBLEU scores *detokenized* text with its own tokenizer
(13a, the WMT standard), so a score does not depend on how we tokenized. Our models emit
word tokens (:class:`dlclassics.data.tokenize.EnglishWords`: words, numbers and every
punctuation mark alone); :func:`detokenize` joins them with spaces and then re-attaches
punctuation by its side, the way the Bible texts print it:

* no space before ``. , ; : ! ? ) ] } ” ’ » % …`` (closing marks);
* no space after ``( [ { “ ‘ « ¿ ¡`` (opening marks);
* no space on either side of ``- – — /`` (``well-known``, ``said—and``);
* a straight double quote ``"`` opens and closes alternately.

The *references* are the raw target sentences of the split, untouched. When the model's
tokenizer folds case (it cannot produce capitals), BLEU and chrF are computed
case-insensitively (``lowercase=True``: ``case:lc`` in the signature), otherwise cased;
the choice is in the signature either way. The rules touch only spacing, which chrF
ignores (``space:no``) and 13a mostly re-splits; they matter for hyphens and dashes, which
13a keeps inside a token.

>>> detokenize(["¿", "quién", "es", "él", "?", "—", "dijo", "."])
'¿quién es él?—dijo.'
>>> scores = corpus_scores(["the cat sat ."], ["The cat sat."], lowercase=True)
>>> round(scores.bleu, 6), scores.bleu_signature.split("|")[1]
(100.0, 'case:lc')

**Is a difference real?** Two systems' BLEU on one test set differ by chance too. The paired
bootstrap (Koehn 2004) resamples the test sentences with replacement (the same sample for
both systems), rescores both on each of 1,000 samples, and reports a p-value with each
system's 95 % confidence interval: :func:`paired_bootstrap`, sacreBLEU's implementation
(``sacrebleu --paired-bs``; fixed seed 12345). Its p-value is the share of samples whose
absolute difference, centred on the samples' mean, exceeds the observed absolute difference:
small means the gap is unlikely to be chance; its sign is the delta's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from dlclassics.errors import DataError

__all__ = ["Scores", "corpus_scores", "detokenize", "paired_bootstrap"]

CLOSING = frozenset(".,;:!?)]}”’»%…")  # attach to the token on their left
OPENING = frozenset("([{“‘«¿¡")  # attach to the token on their right
JOINING = frozenset("-–—/")  # attach on both sides


def detokenize(tokens: Sequence[str]) -> str:
    """Word tokens → text, re-attaching punctuation (the policy in the module docstring)."""
    text: list[str] = []
    glue_next = True  # no space before the first token
    quote_open = False
    for token in tokens:
        if token == '"':
            closing = quote_open
            quote_open = not quote_open
        else:
            closing = token in CLOSING or token in JOINING
        if text and not glue_next and not closing:
            text.append(" ")
        text.append(token)
        glue_next = token in OPENING or token in JOINING or (token == '"' and quote_open)
    return "".join(text)


@dataclass(frozen=True)
class Scores:
    bleu: float  # corpus BLEU, 0–100
    chrf: float  # corpus chrF (β = 2), 0–100
    bleu_signature: str  # sacreBLEU's description of how BLEU was computed
    chrf_signature: str
    bleu_detail: str  # n-gram precisions, brevity penalty, lengths

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence[str], *, lowercase: bool
) -> Scores:
    """sacreBLEU corpus BLEU and chrF of detokenized hypotheses against one reference each."""
    from sacrebleu.metrics import BLEU, CHRF

    if len(hypotheses) != len(references):
        raise DataError(
            f"{len(hypotheses)} hypotheses but {len(references)} references; "
            "score one translation per reference sentence"
        )
    if not hypotheses:
        raise DataError("no sentences to score; the split (or --limit) is empty")
    bleu = BLEU(lowercase=lowercase)
    chrf = CHRF(lowercase=lowercase)
    refs = [list(references)]
    bleu_score = bleu.corpus_score(list(hypotheses), refs)
    chrf_score = chrf.corpus_score(list(hypotheses), refs)
    return Scores(
        bleu=float(bleu_score.score),
        chrf=float(chrf_score.score),
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        bleu_detail=str(bleu_score),
    )


def paired_bootstrap(
    baseline: Sequence[str],
    system: Sequence[str],
    references: Sequence[str],
    *,
    lowercase: bool,
    samples: int = 1000,
) -> dict[str, float | int]:
    """BLEU of ``system`` against ``baseline`` with the paired bootstrap's p-value (module doc).

    Returns ``baseline_bleu``, ``system_bleu``, ``delta`` (system − baseline), ``p_value`` (small:
    the difference is unlikely to be chance) and each system's ``…_ci95`` half-width, in BLEU
    points, and the number of ``samples``.
    """
    from sacrebleu.metrics import BLEU
    from sacrebleu.significance import PairedTest, Result

    if not len(baseline) == len(system) == len(references):
        raise DataError(
            f"{len(baseline)} baseline and {len(system)} system hypotheses for "
            f"{len(references)} references; both systems must translate every sentence"
        )
    if not references:
        raise DataError("no sentences to compare")
    test = PairedTest(
        [("baseline", list(baseline)), ("system", list(system))],
        {"BLEU": BLEU(lowercase=lowercase)},
        [list(references)],
        test_type="bs",
        n_samples=samples,
    )
    base, other = test()[1]["BLEU"]
    assert isinstance(base, Result) and isinstance(other, Result)  # the list holds no names
    assert other.p_value is not None and base.ci is not None and other.ci is not None
    return {
        "baseline_bleu": round(float(base.score), 2),
        "system_bleu": round(float(other.score), 2),
        "delta": round(float(other.score - base.score), 2),
        "p_value": round(float(other.p_value), 4),
        "baseline_ci95": round(float(base.ci), 2),
        "system_ci95": round(float(other.ci), 2),
        "samples": samples,
    }
