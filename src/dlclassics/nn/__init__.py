"""Shared neural-network blocks written from scratch: attention, positional encodings, masks,
Transformer layers and RNN cells. The language models and seq2seq import them; neither copies them.
"""
