"""Data: a registry of real data sets, fetched, verified and cached; readers; tokenizers.

>>> from dlclassics.data import DATASETS, fetch, load_images, list_datasets   # doctest: +SKIP
>>> [row["name"] for row in list_datasets()][:3]                             # doctest: +SKIP
['fashion-mnist', 'mnist', 'mnist-5k']
>>> fetch("fashion-mnist")  # upstream first, then the Debian package     # doctest: +SKIP
>>> x, y = load_images("fashion-mnist", "train")  # uint8 (55000, 28, 28)  # doctest: +SKIP

Every data set lives in its own module under :mod:`dlclassics.data.sets` (sources with
sha256, fixed documented splits, a converter to the cached format, readers); importing this
package registers them all. Heavy or optional dependencies (jieba, torch) are imported only
when used.
"""

from dlclassics.commands import Family, Group
from dlclassics.data import sets as _sets  # noqa: F401  (registers every data set)
from dlclassics.data.cache import dataset_dir, is_cached
from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.demand import require
from dlclassics.data.fetch import fetch, info, list_datasets
from dlclassics.data.images import load_images
from dlclassics.data.tokenize import TOKENIZERS
from dlclassics.data.tokenize import TOKENIZERS as tokenizers
from dlclassics.data.vocab import Vocab

__all__ = [
    "DATASETS",
    "TOKENIZERS",
    "Dataset",
    "Source",
    "Vocab",
    "dataset_dir",
    "fetch",
    "info",
    "is_cached",
    "list_datasets",
    "load_images",
    "require",
    "tokenizers",
]


FAMILY = Family(
    "data",
    groups=(
        Group(
            "data",
            {
                "list": "list the registered data sets",
                "fetch": "download, verify and cache data sets",
                "info": "splits, counts and a sample of a data set",
            },
        ),
    ),
    tour=False,
)
