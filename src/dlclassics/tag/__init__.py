"""Sequence labelling: POS tagging, word segmentation, NER.

Note 002 (the synced many-to-many RNN task; the maximum-entropy classifier) and the CRF.

Declares its FAMILY once its commands exist (see :mod:`dlclassics.commands`).
"""
