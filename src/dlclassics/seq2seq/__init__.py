"""Sequence to sequence: encoder–decoder with teacher forcing, attention, beam search, BLEU.

Course notes 002 and 003 (机器翻译, seq2seq, attention, beam search) and 001 (Transformer).
"""
