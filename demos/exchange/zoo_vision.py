"""Vision team's model zoo: the CNNs that grew up next to `VisionNet`, and their configs.

Written over time by different people, as team code is: a net for quick ablations built
from the team's conv-bn-relu helper, a v2 of `VisionNet` (copied and adapted), a small
ResNet and a depthwise-separable student for distillation. Plain PyTorch: nothing here
knows about glove_lab. The configs reuse the recipe types of `team_vision`.
"""

from __future__ import annotations

import torch
from torch import nn

from exchange.team_vision import SGD, CosineSchedule, RandomFlip, RandomShift, Recipe


def conv_bn_relu(in_channels: int, out_channels: int, stride: int = 1) -> nn.Sequential:
    """3x3 convolution, batch norm and ReLU: the team's basic unit."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class TinyCNN(nn.Module):
    """Three conv-bn-relu units, two of them strided, and global average pooling."""

    def __init__(self, num_classes: int = 10, width: int = 8) -> None:
        super().__init__()
        self.body = nn.Sequential(
            conv_bn_relu(3, width),
            conv_bn_relu(width, 2 * width, stride=2),
            conv_bn_relu(2 * width, 4 * width, stride=2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4 * width, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.body(images)).flatten(1))


class VisionNetV2(nn.Module):
    """`VisionNet` with a third stage and a global-pooling head (copied, then adapted)."""

    def __init__(self, num_classes: int = 10, width: int = 16) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.Conv2d(2 * width, 2 * width, 3, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(2 * width, 4 * width, 3, padding=1, bias=False),
            nn.BatchNorm2d(4 * width),
            nn.ReLU(inplace=True),
        )
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(4 * width, num_classes),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(images))


class BasicBlock(nn.Module):
    """ResNet basic block: two 3x3 convolutions and a shortcut (1x1 when the shape changes)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class ResNet8(nn.Module):
    """A CIFAR-style ResNet, shrunk: a stem, three basic blocks, global average pooling."""

    def __init__(self, num_classes: int = 10, width: int = 16) -> None:
        super().__init__()
        self.stem = conv_bn_relu(3, width)
        self.blocks = nn.Sequential(
            BasicBlock(width, width),
            BasicBlock(width, 2 * width, stride=2),
            BasicBlock(2 * width, 4 * width, stride=2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * width, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pool(self.blocks(self.stem(images))).flatten(1))


class DepthwiseSeparable(nn.Module):
    """MobileNet unit: a depthwise 3x3 and a pointwise 1x1 convolution, each with BN and ReLU."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.depthwise = nn.Sequential(
            nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1,
                      groups=in_channels, bias=False),
            nn.BatchNorm2d(in_channels),
            nn.ReLU(inplace=True),
        )
        self.pointwise = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class StudentCNN(nn.Module):
    """Distillation student for on-device use: a strided stem, depthwise-separable units."""

    def __init__(self, num_classes: int = 10, width: int = 8) -> None:
        super().__init__()
        self.stem = conv_bn_relu(3, width, stride=2)
        self.units = nn.Sequential(
            DepthwiseSeparable(width, 2 * width),
            DepthwiseSeparable(2 * width, 4 * width, stride=2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4 * width, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.units(self.stem(images))).flatten(1))


# -- experiment configs ----------------------------------------------------------------------


def quick_recipe() -> Recipe:
    """Short runs for ablations (TinyCNN)."""
    return Recipe(
        augment=(RandomFlip(p=0.5),),
        optimizer=SGD(lr=0.1, momentum=0.9, weight_decay=5e-4),
        schedule=CosineSchedule(total_steps=50),
        steps=50,
    )


def long_recipe() -> Recipe:
    """The full schedule behind the reported numbers (VisionNetV2, ResNet8)."""
    return Recipe(
        augment=(RandomFlip(p=0.5), RandomShift(pixels=4)),
        optimizer=SGD(lr=0.05, momentum=0.9, weight_decay=5e-4),
        schedule=CosineSchedule(total_steps=2000),
        batch_size=64,
        steps=2000,
    )


def student_recipe() -> Recipe:
    """Distilling into StudentCNN: lighter augmentation, less weight decay."""
    return Recipe(
        augment=(RandomFlip(p=0.5),),
        optimizer=SGD(lr=0.02, momentum=0.9, weight_decay=1e-4),
        schedule=CosineSchedule(total_steps=1000),
        steps=1000,
    )


MODELS = {"tiny": TinyCNN, "v2": VisionNetV2, "resnet8": ResNet8, "student": StudentCNN}
RECIPES = {"quick": quick_recipe, "long": long_recipe, "student": student_recipe}
