"""Export word vectors for the TensorBoard Embedding Projector (PCA, t-SNE, UMAP in a browser).

The projector reads three small text files, which we write directly — no TensorFlow or
TensorBoard import needed:

* ``tensors.tsv`` — one vector a line, values separated by tabs;
* ``metadata.tsv`` — the labels, one a line in the same order: the word alone, or with a
  header line ``word<TAB>count`` when the corpus counts are known (the projector's rule:
  a header only when there is more than one column);
* ``projector_config.pbtxt`` — points TensorBoard at the two files.

View them with ``tensorboard --logdir DIR`` (Projector tab), or load ``tensors.tsv`` and
``metadata.tsv`` at projector.tensorflow.org ("Load").

>>> import numpy as np, tempfile, pathlib
>>> from dlclassics.embeddings.keyed import KeyedVectors
>>> kv = KeyedVectors(["国王", "王后"], np.eye(2, dtype=np.float32))
>>> out = export_projector(kv, pathlib.Path(tempfile.mkdtemp()))
>>> sorted(p.name for p in out.iterdir())
['metadata.tsv', 'projector_config.pbtxt', 'tensors.tsv']
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import DataError
from dlclassics.io import write_text

TENSORS = "tensors.tsv"
METADATA = "metadata.tsv"
CONFIG = "projector_config.pbtxt"


def export_projector(
    kv: KeyedVectors, out_dir: Path, *, top_n: int | None = 10_000, name: str = "word vectors"
) -> Path:
    """Write the ``top_n`` most frequent words (all for None) as projector files in ``out_dir``.

    The projector stays responsive up to about 10,000 points, hence the default.
    """
    kv = kv if top_n is None else kv.restrict(top_n)
    for word in kv.words:
        if "\t" in word or "\n" in word:
            raise DataError(f"word {word!r} contains a tab or newline; a TSV cannot hold it")
    buffer = io.StringIO()
    np.savetxt(buffer, kv.vectors, fmt="%.6g", delimiter="\t")
    write_text(out_dir / TENSORS, buffer.getvalue())
    if kv.counts is None:
        metadata = "".join(f"{w}\n" for w in kv.words)
    else:
        rows = zip(kv.words, kv.counts.tolist(), strict=True)
        metadata = "word\tcount\n" + "".join(f"{w}\t{c}\n" for w, c in rows)
    write_text(out_dir / METADATA, metadata)
    config = (
        "embeddings {\n"
        f"  tensor_name: {json.dumps(name, ensure_ascii=False)}\n"
        f'  tensor_path: "{TENSORS}"\n'
        f'  metadata_path: "{METADATA}"\n'
        "}\n"
    )
    write_text(out_dir / CONFIG, config)
    return out_dir
