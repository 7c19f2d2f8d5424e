"""Image captioning with attention over image regions (note 002 one-to-many tasks; note 001 §7
text↔image cross-attention).

2×2 scenes of Fashion-MNIST items (:mod:`.scenes`, with a test split of item/place
combinations never seen in training), described by a small grammar in English and Chinese
(:mod:`.grammar`); a CNN encodes one vector per grid cell and a decoder attends over the cells
while it writes — a GRU with Bahdanau's additive attention or a Transformer decoder with
cross-attention (:mod:`.models`); scored by BLEU, exact match and whether the attention peak
sits on the item a word names (:mod:`.metrics`).
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "caption",
    groups=(
        Group(
            "caption",
            {
                "train": "train a captioner of 2×2 Fashion-MNIST scenes (GRU or Transformer)",
                "eval": "BLEU, exact match and attention hit on unseen item/place combinations",
                "describe": "caption one 56×56 scene image and draw its attention per word",
            },
        ),
    ),
    tour=True,
)
