"""Sequence classification: sentiment, spam, topic.

Note 002 (the many-to-one RNN task) and note 003 (transferring word vectors to a small task).

Declares its FAMILY once its commands exist (see :mod:`dlclassics.commands`).
"""
