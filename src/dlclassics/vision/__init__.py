"""Vision ops from scratch, in NumPy float64: convolution, pooling, edge filters, receptive fields.

Course notes 003 (Convolutional neural networks) and 004 §三 (卷积神经网络). One module per concept:

=======================  ====================================================================
:mod:`.shapes`           output size ⌊(n + 2p − f)/s⌋ + 1, "same"/"valid" padding (004 §三.5)
:mod:`.conv`             conv2d forward/backward, loops and im2col; convolution vs
                         cross-correlation (003 卷积运算(数学意义), 三维卷积; 004 §三.2–3, 6)
:mod:`.windows`          the sliding-window view and its adjoint, shared by conv and pooling
:mod:`.pool`             max and average pooling, forward/backward (004 §三.7)
:mod:`.pointwise`        1×1 convolution = a linear layer at every pixel; the Inception
                         bottleneck's cost (003 1×1卷积层的作用, inception module)
:mod:`.filters`          vertical/horizontal/Sobel/Scharr edge filters and a picture of their
                         responses on real images (003 卷积运算可以检测图像边缘)
:mod:`.receptive_field`  receptive field, jump and start of a stack of layers; stacked 3×3 vs
                         one big kernel; parameter sharing vs fully connected (004 §三.9, 5.2, 6)
:mod:`.models`           LeNet, VGG, Inception, ResNet-20 and a small ViT (torch modules)
:mod:`.depth`            every layer's feature maps; the images that excite a channel (§三.3–4)
:mod:`.export`           a trained net's penultimate features as a table for ``dlc classic``
=======================  ====================================================================

Every from-scratch op is tested equal, values and gradients, to ``torch.nn.functional``.

>>> import numpy as np
>>> from dlclassics.vision import conv2d, conv2d_backward
>>> x, w = np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3))      # 2 images, 3 → 4 channels
>>> y = conv2d(x, w, np.zeros(4), padding="same")             # (2, 4, 5, 5)
>>> float(y[0, 0, 2, 2]), float(y[0, 0, 0, 0])                # 27 taps inside; 12 at a corner
(27.0, 12.0)
>>> dx, dw, db = conv2d_backward(np.ones_like(y), x, w, padding="same")
>>> dx.shape, dw.shape, db.tolist()
((2, 3, 5, 5), (4, 3, 3, 3), [50.0, 50.0, 50.0, 50.0])
"""

from dlclassics.commands import Family, Group
from dlclassics.vision.conv import (
    Conv2dGrads,
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv2d_naive_backward,
    convolve2d,
    cross_correlate2d,
    flip_kernel,
    im2col,
)
from dlclassics.vision.filters import EDGE_KERNELS, detect_edges, edge_kernel, edge_picture
from dlclassics.vision.pointwise import bottleneck_table, conv1x1, conv_cost
from dlclassics.vision.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from dlclassics.vision.receptive_field import (
    LayerSpec,
    ReceptiveField,
    parameter_sharing_table,
    receptive_fields,
    small_kernels_table,
)
from dlclassics.vision.shapes import (
    Padding,
    conv2d_output_shape,
    conv_output_size,
    resolve_padding,
    same_padding,
)

__all__ = [
    "EDGE_KERNELS",
    "Conv2dGrads",
    "LayerSpec",
    "Padding",
    "ReceptiveField",
    "avg_pool2d",
    "avg_pool2d_backward",
    "bottleneck_table",
    "col2im",
    "conv1x1",
    "conv2d",
    "conv2d_backward",
    "conv2d_naive",
    "conv2d_naive_backward",
    "conv2d_output_shape",
    "conv_cost",
    "conv_output_size",
    "convolve2d",
    "cross_correlate2d",
    "detect_edges",
    "edge_kernel",
    "edge_picture",
    "flip_kernel",
    "im2col",
    "max_pool2d",
    "max_pool2d_backward",
    "parameter_sharing_table",
    "receptive_fields",
    "resolve_padding",
    "same_padding",
    "small_kernels_table",
]


FAMILY = Family(
    "vision",
    groups=(
        Group(
            "vision",
            {
                "train": "train a CNN (lenet, vgg, inception, resnet) or a ViT on images",
                "eval": "test accuracy and confusion matrix of a trained CNN",
                "filters": "first-layer filters and feature maps of a CNN (or edge filters)",
                "receptive-field": "receptive field per layer, or stacked 3×3 convs vs one kernel",
                "transfer": "pretrain, freeze, fine-tune on few labels: frozen/tuned/scratch",
                "export-features": "penultimate features of a trained CNN, every image (a table)",
                "layers": "every layer's feature maps for one image; top images per channel",
            },
        ),
    ),
    tour=True,
)
