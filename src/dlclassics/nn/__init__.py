"""Shared neural-network blocks written from scratch: attention, positional encodings, masks,
Transformer layers and RNN cells. The language models and seq2seq import them; neither copies them.

Each block keeps torch's parameter names, so ``ours.load_state_dict(torch_module.state_dict())``
turns the torch module into an exact oracle (tests in ``tests/nn/``, float64).

=====================  ===================================================================
:mod:`.masks`          ``causal_mask``, ``padding_mask``; True = may attend (001 §7, §8)
:mod:`.attention`      softmax(QKᵀ/√d)V, ``MultiHeadAttention`` ≡ ``nn.MultiheadAttention``,
                       ``KVCache`` for incremental decoding (001 §7)
:mod:`.positional`     sinusoidal and learned positional encodings (001 §7, 为A'添加位置信息)
:mod:`.alignment`      Bahdanau additive and Luong dot/general/concat scores, context vector
                       (002/003 Attention: RNN decoders over source words or image cells)
:mod:`.transformer`    pre-norm encoder / decoder layers, GPT-style causal block (001 §7, §8)
:mod:`.rnn`            Elman RNN, LSTM, GRU cells and multi-layer layers ≡ ``nn.RNN`` …
                       (002 循环神经网络, 长短时记忆单元)
:mod:`.conv`           ``conv_bn_relu``: the conv → batch norm → ReLU block of the CNNs (004 §三)
=====================  ===================================================================
"""
