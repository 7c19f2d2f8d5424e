"""Text recognition: CRNN, convolutional features → bidirectional RNN → CTC (note 001).

Declares its FAMILY once its commands exist (see :mod:`dlclassics.commands`).
"""
