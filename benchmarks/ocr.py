"""CRNN + CTC against Tesseract 5 on the very same rendered test lines (English, Chinese).

Targets: English CER ≤ 1.0 % clean and ≤ 2.0 % augmented, Chinese CER ≤ 3.0 % clean;
our CER ≤ Tesseract's in each condition, more lines per second on 2 cores; beam + LM ≤
greedy CER. Chinese, measured on 200 test lines after the ``--preset zh`` run of 4,000
steps (3,911 CPU-s on one thread, best val CER 1.40 % at step 3,200), with λ and β tuned on
all 200 validation lines (``--run zh=runs/ocr-zh --lines 200 --tune-lines 200 --threads
2``): clean CER 1.61 % greedy and beam, 1.87 % beam + LM — the 3.0 % target is met (the
earlier 2,000-step schedule resumed to 3,500 stopped at 3.10 / 3.03 %); augmented 3.61 %
greedy, 2.39 % beam + LM. Beam + LM ≤ greedy is met on augmented lines and NOT on clean
ones: the character trigram, tuned to λ = 0.5 on validation lines where it helped (1.51 %),
costs 0.26 points on the clean test lines (4 characters of 1,550), once the
recogniser itself errs this rarely. 8 of the 200 test lines hold characters outside the
3,027-character set, which no decoder can read. Tesseract ``chi_sim`` on the same 200
lines: CER 7.03 % clean and 17.94 % augmented, so ours ≤ Tesseract's is met for Chinese in
both conditions (not for English: Tesseract reads our clean English lines without error),
and ours reads more lines per second (15–56 against 0.2–1.3 on a machine loaded by other
jobs).

    python benchmarks/ocr.py --run en=runs/ocr-en --run zh=runs/ocr-zh --lines 200

For each trained run and condition (clean, augmented) the first ``--lines`` test lines of the
run are drawn once; our recogniser reads them with best-path decoding, prefix beam search
and beam search fused with the character n-gram model (λ and β tuned on validation lines
of the same condition), and Tesseract reads them through pytesseract (``--psm 7``: one text
line; ``eng`` or ``chi_sim``), each image scaled 2× and given a 10-pixel paper border as its
documentation advises for small text. Tesseract's spaces between Chinese characters are
removed before scoring. Throughput is lines per second including decoding, with torch on
``--threads`` threads (batches of 32 lines) and Tesseract limited to the same number of
OpenMP threads (one process per line, as pytesseract calls it). The machine is shared, so
speeds are indicative; the rows record it. Tesseract is a benchmark peer only (the ``bench``
extra and ``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from _common import update_results
from dlclassics.ocr.commands import Decoder, Recogniser, test_images
from dlclassics.ocr.metrics import cer, wer

TESSERACT_LANG = {"en": "eng", "zh": "chi_sim"}
BENCHMARK = "CRNN + CTC (ours) vs Tesseract 5 on rendered lines of real text; shared 2-core machine"


def tesseract_read(images: list[np.ndarray], lang: str) -> tuple[list[str], float]:
    import pytesseract
    from PIL import Image, ImageOps

    out = []
    start = time.perf_counter()
    for image in images:
        im = Image.fromarray(image)
        im = im.resize((im.width * 2, im.height * 2), Image.Resampling.BICUBIC)
        im = ImageOps.expand(im, border=10, fill=int(np.median(image)))
        text = pytesseract.image_to_string(im, lang=TESSERACT_LANG[lang], config="--psm 7")
        text = " ".join(text.split())
        out.append(text.replace(" ", "") if lang == "zh" else text)
    return out, time.perf_counter() - start


def ours_read(
    rec: Recogniser, images: list[np.ndarray], decoder: Decoder
) -> tuple[list[str], float]:
    start = time.perf_counter()
    hyps = [rec.decode(lp, decoder) for lp in rec.log_probs(images)]
    return hyps, time.perf_counter() - start


def row(
    lang: str,
    impl: str,
    decoder: str,
    condition: str,
    refs: list[str],
    hyps: list[str],
    seconds: float,
    **extra: Any,
) -> dict[str, Any]:
    r = {
        "lang": lang,
        "impl": impl,
        "decoder": decoder,
        "condition": condition,
        "cer": round(cer(refs, hyps), 5),
        "wer": round(wer(refs, hyps), 5),
        "lines": len(refs),
        "lines_per_sec": round(len(refs) / seconds, 2),
        **extra,
    }
    print(r, flush=True)
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", action="append", required=True, help="LANG=RUN_DIR")
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--tune-lines", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-tesseract", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.environ["OMP_THREAD_LIMIT"] = str(args.threads)
    rows = []
    for spec in args.run:
        lang, run_dir = spec.split("=", 1)
        rec = Recogniser.load(Path(run_dir))
        assert rec.run.lang == lang, f"{run_dir} is a {rec.run.lang} run"
        rec.use_lm()
        for condition in ("clean", "augmented"):
            refs, images = test_images(rec.run, "test", condition, args.lines)
            unknown = sum(not rec.charset.covers(r) for r in refs)
            decoders: tuple[Decoder, ...] = ("greedy", "beam", "beam+lm")
            for decoder in decoders:
                extra: dict[str, Any] = {"lines_with_unknown_chars": unknown}
                if decoder == "beam+lm":
                    v_refs, v_images = test_images(rec.run, "val", condition, args.tune_lines)
                    extra["fusion"] = rec.tune_fusion(rec.log_probs(v_images), v_refs)
                hyps, seconds = ours_read(rec, images, decoder)
                rows.append(
                    row(lang, "dlclassics", decoder, condition, refs, hyps, seconds, **extra)
                )
            if not args.no_tesseract:
                hyps, seconds = tesseract_read(images, lang)
                rows.append(row(lang, "tesseract", "-", condition, refs, hyps, seconds))
            update_results("ocr", BENCHMARK, rows, key="lang")  # after each condition


if __name__ == "__main__":
    main()
