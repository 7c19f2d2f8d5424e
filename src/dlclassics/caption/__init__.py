"""Image captioning with attention over image regions.

Note 002 (one-to-many RNN tasks) and note 001 §7 (text↔image cross-attention).

Declares its FAMILY once its commands exist (see :mod:`dlclassics.commands`).
"""
