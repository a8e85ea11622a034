#!/usr/bin/python3
"""The PyTorch side of `./build.sh bench train --compare-pytorch`.

An exact PyTorch copy of the project's AAVAE network for one bench configuration (same layers, shapes, parameter
count; printed so both sides can be compared), and the same training step: batched per-sample augmentations
(random resized crop + flip through affine_grid/grid_sample, brightness/contrast jitter in a random order,
normalization), encoder, projection head, reparameterized sample, BatchNorm-free resize-conv decoder, Gaussian
likelihood summed over pixels, backward, Adam.

Run by the C# bench as a child process that waits for commands on stdin, so that the two sides alternate rounds in
one invocation (machines of this kind differ up to 2x, so only side-by-side ratios count):
    params                 -> "params N"
    round VARIANT STEPS    -> "round VARIANT SECONDS"   (VARIANT: fp32, fp32-cl, bf16, bf16-cl)
    embed VARIANT BATCHES  -> "embed VARIANT SECONDS"   (the encoder's eval-mode forward under inference_mode on
                              normalized batches; VARIANT as above, or fp32-cl-frozen: traced, frozen and
                              optimize_for_inference, which folds BatchNorm into the convolutions as the ONNX export
                              does)
    profile VARIANT STEPS  -> "profile VARIANT KIND=PERCENT ..." (torch.profiler over STEPS training steps: self CPU
                              time by kind of operation; the kernels are libtorch's, the ones TorchSharp calls too)
    quit
Needs PyTorch 2.x: Debian 13's python3-torch (`apt-get install -t trixie python3-torch python3-sympy`), run with
/usr/bin/python3. The model's layer list mirrors src/AavaeMlNet.Core/Model; keep them in step.
"""
import argparse
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or in_planes != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


BLOCKS = {"ResNet18": [2, 2, 2, 2], "ResNet34": [3, 4, 6, 3], "ResNet50": [3, 4, 6, 3]}


class Encoder(nn.Module):
    def __init__(self, channels, depth, stem, width, expand_features=None):
        super().__init__()
        block = Bottleneck if depth == "ResNet50" else BasicBlock
        if stem in ("Stl", "ImageNet"):
            self.conv1 = nn.Conv2d(channels, width, 7, 2, 3, bias=False)
        else:
            self.conv1 = nn.Conv2d(channels, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.maxpool = nn.MaxPool2d(3, 2, 1) if stem == "ImageNet" else None
        self.in_planes = width
        counts = BLOCKS[depth]
        last_stride = 1 if stem == "Small" else 2
        self.layer1 = self._stage(block, width, counts[0], 1)
        self.layer2 = self._stage(block, width * 2, counts[1], 2)
        self.layer3 = self._stage(block, width * 4, counts[2], 2)
        self.layer4 = self._stage(block, width * 8, counts[3], last_stride)
        self.expand = None
        if expand_features:
            self.expand = nn.Sequential(nn.Conv2d(self.in_planes, expand_features, 1, bias=False),
                                        nn.BatchNorm2d(expand_features), nn.ReLU())
            self.in_planes = expand_features
        self.feature_dim = self.in_planes

    def _stage(self, block, planes, count, stride):
        layers = []
        for i in range(count):
            layers.append(block(self.in_planes, planes, stride if i == 0 else 1))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            x = self.maxpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        if self.expand is not None:
            x = self.expand(x)
        return x.mean(dim=(2, 3))


class DecoderBlock(nn.Module):
    def __init__(self, in_planes, planes, bottleneck):
        super().__init__()
        if bottleneck:
            self.conv1 = nn.Conv2d(in_planes, planes, 1)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1)
            self.conv3 = nn.Conv2d(planes, planes * 4, 1)
            self.out_planes = planes * 4
        else:
            self.conv1 = nn.Conv2d(in_planes, in_planes, 3, padding=1)
            self.conv2 = nn.Conv2d(in_planes, planes, 3, padding=1)
            self.conv3 = None
            self.out_planes = planes
        self.shortcut = nn.Conv2d(in_planes, self.out_planes, 1) if in_planes != self.out_planes else None

    def forward(self, x, size):
        resize = tuple(x.shape[2:]) != tuple(size)

        def up(t):
            return F.interpolate(t, size=size, mode="nearest") if resize else t

        out = F.relu(self.conv1(x))
        out = self.conv2(up(out))
        if self.conv3 is not None:
            out = self.conv3(F.relu(out))
        identity = up(x)
        if self.shortcut is not None:
            identity = self.shortcut(identity)
        return F.relu(out + identity)


def resize(x, size):
    return x if tuple(x.shape[2:]) == tuple(size) else F.interpolate(x, size=size, mode="nearest")


class Decoder(nn.Module):
    def __init__(self, channels, height, width_px, depth, stem, width, latent, feature_dim, decoder_blocks=0):
        super().__init__()
        bottleneck = depth == "ResNet50"
        expansion = 4 if bottleneck else 1
        counts = [decoder_blocks] * 4 if decoder_blocks else BLOCKS[depth]
        self.feature_dim = feature_dim
        self.fc1 = nn.Linear(latent, feature_dim)
        self.fc2 = nn.Linear(feature_dim, feature_dim)
        in_planes = width * 8 * expansion
        self.conv1 = nn.Conv2d(feature_dim // 16, in_planes, 1)
        self.stages = nn.ModuleList()
        for planes, count in ((width * 4, counts[3]), (width * 2, counts[2]), (width, counts[1]), (width, counts[0])):
            stage = nn.ModuleList()
            for _ in range(count):
                blk = DecoderBlock(in_planes, planes, bottleneck)
                stage.append(blk)
                in_planes = blk.out_planes
            self.stages.append(stage)
        self.conv2 = nn.Conv2d(in_planes, width, 3, padding=1)
        self.conv3 = nn.Conv2d(width, channels, 3, padding=1)
        h, w = height, width_px
        factor = {"Stl": 16, "ImageNet": 32}.get(stem, 8)
        self.sizes = [(-(-h // (factor >> k)), -(-w // (factor >> k))) for k in range(4)]
        self.penultimate = (-(-h // 2), -(-w // 2)) if factor > 8 else (h, w)
        self.output = (h, w)

    def forward(self, z):
        x = F.relu(self.fc2(F.relu(self.fc1(z))))
        x = self.conv1(x.view(-1, self.feature_dim // 16, 4, 4))
        for stage, size in zip(self.stages, self.sizes):
            for blk in stage:
                x = blk(x, size)
        x = F.relu(self.conv2(resize(x, self.penultimate)))
        return self.conv3(resize(x, self.output))


class Aavae(nn.Module):
    def __init__(self, channels, height, width_px, depth, stem, width_multiplier, latent, expand_features=None,
                 decoder_blocks=0):
        super().__init__()
        width = max(4, int(round(64 * width_multiplier)))
        self.encoder = Encoder(channels, depth, stem, width, expand_features)
        h = self.encoder.feature_dim
        self.fc = nn.Linear(h, h)
        self.bn = nn.BatchNorm1d(h)
        self.mu = nn.Linear(h, latent, bias=False)
        self.logvar = nn.Linear(h, latent, bias=False)
        self.decoder = Decoder(channels, height, width_px, depth, stem, width, latent, h, decoder_blocks)
        self.log_scale = nn.Parameter(torch.zeros(1), requires_grad=False)

    def loss(self, view, target):
        hidden = F.relu(self.bn(self.fc(self.encoder(view))))
        mu, logvar = self.mu(hidden).float(), self.logvar(hidden).float()
        z = mu + (torch.exp(logvar / 2) + 1e-6) * torch.randn_like(mu)
        reconstruction = self.decoder(z).float()
        per_pixel = 0.5 * (target - reconstruction) ** 2 * torch.exp(-self.log_scale) + 0.5 * self.log_scale \
            + 0.5 * math.log(2 * math.pi)
        return per_pixel.flatten(1).sum(1).mean()


def augment(images, mean, std, jitter_strength, generator):
    """Per-sample crop (scale 0.08..1, ratio 3/4..4/3) + flip, brightness/contrast jitter (p 0.8), normalize."""
    n, _, h, w = images.shape
    scale = 0.08 + 0.92 * torch.rand(n, generator=generator)
    log_ratio = math.log(3 / 4) + (math.log(4 / 3) - math.log(3 / 4)) * torch.rand(n, generator=generator)
    ratio = torch.exp(log_ratio)
    cw = torch.sqrt(scale * ratio).clamp(max=1.0)
    ch = torch.sqrt(scale / ratio).clamp(max=1.0)
    cx = (torch.rand(n, generator=generator) * 2 - 1) * (1 - cw)
    cy = (torch.rand(n, generator=generator) * 2 - 1) * (1 - ch)
    flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 2], theta[:, 1, 1], theta[:, 1, 2] = cw * flip, cx, ch, cy
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    x = F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=False)
    spread = 0.8 * jitter_strength
    brightness = (1 - spread + 2 * spread * torch.rand(n, 1, 1, 1, generator=generator))
    contrast = (1 - spread + 2 * spread * torch.rand(n, 1, 1, 1, generator=generator))
    brightness_first = torch.rand(n, 1, 1, 1, generator=generator) < 0.5
    apply = torch.rand(n, 1, 1, 1, generator=generator) < 0.8

    def adjust_brightness(t):
        return (t * brightness).clamp(0, 1)

    def adjust_contrast(t):
        gray = t.mean(dim=(1, 2, 3), keepdim=True)
        return (contrast * t + (1 - contrast) * gray).clamp(0, 1)

    a = adjust_contrast(adjust_brightness(x))
    b = adjust_brightness(adjust_contrast(x))
    x = torch.where(apply, torch.where(brightness_first, a, b), x)
    return (x - mean) / std


# Kinds of operation for the profile: by the step's scope (the views, Adam), else by the aten name (forward and
# backward alike), first match wins.
SCOPES = ("augmentation", "optimizer")
KINDS = [
    ("convolution", ("conv", "mkldnn_convolution")),
    ("batchnorm", ("batch_norm",)),
    ("activation", ("relu", "threshold")),
    ("cast/layout copy", ("aten::to", "_to_copy", "copy_", "contiguous", "clone", "empty_like", "as_strided")),
    ("upsampling", ("upsample",)),
    ("loss and head", ("linear", "addmm", "mm", "exp", "pow", "mean", "sum", "sub", "mul", "add", "div", "log")),
]


def kind_of(event):
    parent = event
    while parent is not None:
        if parent.name in SCOPES:
            return parent.name
        parent = parent.cpu_parent
    name = event.name.lower()
    return next((k for k, words in KINDS if any(w in name for w in words)), "other")


def profile(step, variant, steps):
    from torch.profiler import ProfilerActivity, profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step(variant)
    totals = {}
    for event in prof.events():
        if event.name in SCOPES:
            continue  # a scope's own time is its children's
        kind = kind_of(event)
        totals[kind] = totals.get(kind, 0.0) + event.self_cpu_time_total
    whole = sum(totals.values()) or 1.0
    return " ".join(f"{k.replace(' ', '_')}={100 * v / whole:.1f}" for k, v in
                    sorted(totals.items(), key=lambda kv: -kv[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--depth", required=True, choices=sorted(BLOCKS))
    parser.add_argument("--stem", required=True, choices=["Cifar", "Stl", "ImageNet", "Small"])
    parser.add_argument("--width-multiplier", type=float, required=True)
    parser.add_argument("--latent", type=int, required=True)
    parser.add_argument("--expand-features", type=int, default=None)
    parser.add_argument("--decoder-blocks", type=int, default=0)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--mean", type=float, nargs="+", required=True)
    parser.add_argument("--std", type=float, nargs="+", required=True)
    parser.add_argument("--jitter-strength", type=float, default=0.5)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Aavae(args.channels, args.height, args.width, args.depth, args.stem, args.width_multiplier, args.latent,
                  args.expand_features, args.decoder_blocks)
    model.train()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    generator = torch.Generator().manual_seed(1)
    images = torch.rand(args.batch, args.channels, args.height, args.width, generator=generator)
    mean = torch.tensor(args.mean).view(1, -1, 1, 1)
    std = torch.tensor(args.std).view(1, -1, 1, 1)
    target = (images - mean) / std

    def step(variant):
        channels_last = variant.endswith("-cl")
        with torch.profiler.record_function("augmentation"):
            view = augment(images, mean, std, args.jitter_strength, generator)
        goal = target
        if channels_last:
            view = view.contiguous(memory_format=torch.channels_last)
            goal = goal.contiguous(memory_format=torch.channels_last)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=variant.startswith("bf16")):
            loss = model.loss(view, goal)
        loss.backward()
        with torch.profiler.record_function("optimizer"):
            optimizer.step()
            optimizer.zero_grad()

    frozen = {}

    def embed(variant, batches):
        encoder = model.encoder.eval()
        channels_last = "-cl" in variant
        batch = target.contiguous(memory_format=torch.channels_last) if channels_last else target.contiguous()
        with torch.inference_mode():
            if variant.endswith("-frozen"):
                if variant not in frozen:
                    traced = torch.jit.trace(encoder.to(memory_format=torch.channels_last), batch)
                    frozen[variant] = torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))
                run = frozen[variant]
            else:
                run = encoder
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=variant.startswith("bf16")):
                for _ in range(2):
                    run(batch)
                start = time.perf_counter()
                for _ in range(batches):
                    run(batch)
                elapsed = time.perf_counter() - start
        encoder.train()
        return elapsed

    layout = [None]

    def use_layout(variant):
        """Puts the model's weights in the variant's memory format (channels-last for "-cl" variants)."""
        wanted = torch.channels_last if "-cl" in variant else torch.contiguous_format
        if layout[0] != wanted:
            model.to(memory_format=wanted)
            layout[0] = wanted
    print(f"ready torch {torch.__version__} threads {torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "params":
            # Trainable and frozen alike: the C# side counts every parameter the same way.
            print(f"params {sum(p.numel() for p in model.parameters())}", flush=True)
        elif words[0] == "profile":
            variant, steps = words[1], int(words[2])
            use_layout(variant)
            step(variant)
            print(f"profile {variant} {profile(step, variant, steps)}", flush=True)
        elif words[0] == "embed":
            variant, batches = words[1], int(words[2])
            use_layout(variant)
            print(f"embed {variant} {embed(variant, batches):.6f}", flush=True)
        elif words[0] == "round":
            variant, steps = words[1], int(words[2])
            use_layout(variant)
            for _ in range(2):
                step(variant)
            start = time.perf_counter()
            for _ in range(steps):
                step(variant)
            print(f"round {variant} {time.perf_counter() - start:.6f}", flush=True)
        else:
            print(f"error unknown command {words[0]}", flush=True)


if __name__ == "__main__":
    main()
