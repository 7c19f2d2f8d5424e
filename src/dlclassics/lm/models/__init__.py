"""The neural rungs of the language-model ladder, by ``--model`` name.

=============  ===================================================  ==========================
name           model                                                module
=============  ===================================================  ==========================
maxent         log-linear, hashed n-gram indicator features          :mod:`.maxent`
nnlm           Bengio et al. 2003: concat embeddings → tanh → softmax :mod:`.nnlm`
rnn            Elman RNN (tanh)                                      :mod:`.rnn`
lstm           LSTM                                                  :mod:`.rnn`
gru            GRU                                                   :mod:`.rnn`
rnnme          Elman RNN + maxent direct connections (Mikolov 2011)  :mod:`.rnnme`
transformer    decoder-only, pre-norm, causal self-attention         :mod:`.transformer`
=============  ===================================================  ==========================

Every model follows :class:`~dlclassics.lm.models.base.LanguageModel`; build one with
``MODELS[name](config, vocab_size)``.
"""

from __future__ import annotations

from collections.abc import Callable

from dlclassics.lm.models.base import LanguageModel, LMModelConfig, OutputLayer, State
from dlclassics.registry import Registry

__all__ = ["MODELS", "LMModelConfig", "LanguageModel", "OutputLayer", "State", "build_model"]

Builder = Callable[[LMModelConfig, int], LanguageModel]


def _maxent(config: LMModelConfig, V: int) -> LanguageModel:
    from dlclassics.lm.models.maxent import MaxEntLM

    return MaxEntLM(config, V)


def _nnlm(config: LMModelConfig, V: int) -> LanguageModel:
    from dlclassics.lm.models.nnlm import NNLM

    return NNLM(config, V)


def _rnnme(config: LMModelConfig, V: int) -> LanguageModel:
    from dlclassics.lm.models.rnnme import RNNMaxEntLM

    return RNNMaxEntLM(config, V)


def _recurrent(kind: str) -> Builder:
    def build(config: LMModelConfig, V: int) -> LanguageModel:
        from dlclassics.lm.models.rnn import RecurrentLM

        return RecurrentLM(kind, config, V)  # type: ignore[arg-type]

    return build


def _transformer(config: LMModelConfig, V: int) -> LanguageModel:
    from dlclassics.lm.models.transformer import TransformerLM

    return TransformerLM(config, V)


MODELS: Registry[Builder] = Registry("language model")
MODELS.add("maxent", _maxent)
MODELS.add("nnlm", _nnlm)
MODELS.add("rnn", _recurrent("rnn"))
MODELS.add("lstm", _recurrent("lstm"))
MODELS.add("gru", _recurrent("gru"))
MODELS.add("rnnme", _rnnme)
MODELS.add("transformer", _transformer)


def build_model(name: str, config: LMModelConfig, vocab_size: int) -> LanguageModel:
    """The untrained ``name`` model over a vocabulary of ``vocab_size`` ids."""
    return MODELS[name](config, vocab_size)
