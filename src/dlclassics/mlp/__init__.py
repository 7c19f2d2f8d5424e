"""The multilayer perceptron on real images (notes 004: MLP, ReLU, He init, dropout, momentum)."""
