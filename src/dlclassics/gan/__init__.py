"""Generative adversarial networks: the generator–discriminator minimax game (note 004 §五).

Declares its FAMILY once its commands exist (see :mod:`dlclassics.commands`).
"""
