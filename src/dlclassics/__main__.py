"""``python -m dlclassics`` is the same as ``dlc``."""

from dlclassics.cli import main

raise SystemExit(main())
