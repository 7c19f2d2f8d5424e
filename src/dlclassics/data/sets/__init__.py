"""One module per data set; importing this package registers them all in ``DATASETS``.

Each module defines its :class:`~dlclassics.data.catalog.Dataset` (sources, checksums,
splits, converter) and the streaming reader functions for it.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
