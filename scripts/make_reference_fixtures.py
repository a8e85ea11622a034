#!/usr/bin/env python3
"""Writes the reference-format fixtures of the PyTorch import/export tests.

The networks below are written from the module names and tensor shapes of the paper's public implementation
(Lightning-Universe/paper-AAVAE, src/vae.py and src/models/{resnet,projection,decoder}.py at the final commit,
the code behind the published checkpoints): `encoder.*` (a ResNet with `first_conv3x3` / `remove_first_maxpool`),
`projection.first_layer.{0,1}`, `projection.mu`, `projection.logvar`, `decoder.*` and `log_scale`. Only the
widths are scaled down (base width 4 instead of 64) so that every file stays far below 1 MB.

Written files (tests/AavaeMlNet.Core.Tests/PyTorch/Fixtures):
  reference_r18_cifar.ckpt   Lightning-style checkpoint: state_dict, hyper_parameters (an AttributeDict),
                             optimizer and scheduler states, callback state keyed by a callback class.
  reference_r50_stl.pt       plain torch.save(state_dict) of a ResNet-50 with the STL-10 stem, without decoder.*.
  reference_outputs.pt       fixed normalized inputs and the expected backbone features and mu (eval mode).
  unsafe.ckpt                a checkpoint holding a pickled call of os.system: the importer must refuse it.

Regenerate (Debian 13's python3-torch, PyTorch 2.6; scripts/ensure-pytorch.sh installs it):
  /usr/bin/python3 scripts/make_reference_fixtures.py [output-directory]
Check an exported file against the reference module layout:
  /usr/bin/python3 scripts/make_reference_fixtures.py --check-export FILE --arch r18|r50
"""
import collections
import os
import sys
import types

import torch
from torch import nn
import torch.nn.functional as F

WIDTH = 4  # the reference uses 64 * widen


class EncoderBlock(nn.Module):
    """Basic (two 3x3) or bottleneck (1x1, 3x3 with the stride, 1x1 to 4x) block with BatchNorm."""

    def __init__(self, inplanes, planes, stride, bottleneck):
        super().__init__()
        self.bottleneck = bottleneck
        out = planes * 4 if bottleneck else planes
        if bottleneck:
            self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(out)
        else:
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != out:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        if self.bottleneck:
            y = F.relu(self.bn2(self.conv2(y)))
            y = self.bn3(self.conv3(y))
        else:
            y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class Encoder(nn.Module):
    def __init__(self, blocks, bottleneck, first_conv3x3, remove_first_maxpool):
        super().__init__()
        if first_conv3x3:
            self.conv1 = nn.Conv2d(3, WIDTH, 3, 1, 1, bias=False)
        else:
            self.conv1 = nn.Conv2d(3, WIDTH, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(WIDTH)
        self.maxpool = nn.MaxPool2d(1, 1) if remove_first_maxpool else nn.MaxPool2d(3, 2, 1)
        inplanes = WIDTH
        for index, (count, stride) in enumerate(zip(blocks, (1, 2, 2, 2))):
            planes = WIDTH << index
            layer = []
            for i in range(count):
                layer.append(EncoderBlock(inplanes, planes, stride if i == 0 else 1, bottleneck))
                inplanes = planes * 4 if bottleneck else planes
            setattr(self, f"layer{index + 1}", nn.Sequential(*layer))

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


class Projection(nn.Module):
    def __init__(self, h_dim, latent_dim):
        super().__init__()
        self.first_layer = nn.Sequential(nn.Linear(h_dim, h_dim), nn.BatchNorm1d(h_dim), nn.ReLU())
        self.mu = nn.Linear(h_dim, latent_dim, bias=False)
        self.logvar = nn.Linear(h_dim, latent_dim, bias=False)

    def forward(self, x):
        x = self.first_layer(x)
        return self.mu(x), self.logvar(x)


class DecoderBlock(nn.Module):
    """The reference decoder's block names: conv1, conv2 (, conv3) and an `upsample` shortcut whose conv is
    entry 1 when the stage resizes (entry 0 is the parameter-free interpolation)."""

    def __init__(self, inplanes, planes, bottleneck, first):
        super().__init__()
        out = planes * 4 if bottleneck else planes
        if bottleneck:
            self.conv1 = nn.Conv2d(inplanes, planes, 1)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1)
            self.conv3 = nn.Conv2d(planes, out, 1)
        else:
            self.conv1 = nn.Conv2d(inplanes, planes, 3, padding=1)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1)
        self.upsample = nn.Sequential(nn.Identity(), nn.Conv2d(inplanes, out, 1)) if first else None


class Decoder(nn.Module):
    """Parameters only (names and shapes of the reference decoder); this project does not import it."""

    def __init__(self, blocks, bottleneck, h_dim, latent_dim):
        super().__init__()
        self.linear_projection1 = nn.Linear(latent_dim, h_dim)
        self.linear_projection2 = nn.Linear(h_dim, h_dim)
        self.conv1 = nn.Conv2d(h_dim // 16, h_dim, 1)
        inplanes, planes = h_dim, 8 * WIDTH
        for index, count in enumerate(blocks):
            planes //= 2
            layer = []
            for i in range(count):
                layer.append(DecoderBlock(inplanes, planes, bottleneck, i == 0))
                inplanes = planes * 4 if bottleneck else planes
            setattr(self, f"layer{index + 1}", nn.Sequential(*layer))
        self.conv2 = nn.Conv2d(inplanes, WIDTH, 3, padding=1)
        self.final_conv = nn.Conv2d(WIDTH, 3, 3, padding=1)


class Vae(nn.Module):
    def __init__(self, arch, first_conv3x3, remove_first_maxpool, latent_dim):
        super().__init__()
        bottleneck = arch == "r50"
        blocks = [3, 4, 6, 3] if bottleneck else [2, 2, 2, 2]
        h_dim = WIDTH * 8 * (4 if bottleneck else 1)
        self.encoder = Encoder(blocks, bottleneck, first_conv3x3, remove_first_maxpool)
        self.decoder = Decoder(list(reversed(blocks)), bottleneck, h_dim, latent_dim)
        self.projection = Projection(h_dim, latent_dim)
        self.log_scale = nn.Parameter(torch.tensor([0.0]))
        self.log_scale.requires_grad = False


def randomize(model, generator):
    """Random weights and BatchNorm statistics, so that eval-mode outputs exercise every tensor."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                tensor.fill_(7)
            elif name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif name == "log_scale":
                tensor.fill_(-0.25)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.3)


def fake_class(module, name, base=object):
    """A class that pickles under another module's name, as Lightning's own classes would."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
    cls = type(name, (base,), {"__module__": module, "__qualname__": name})
    setattr(sys.modules[module], name, cls)
    return cls


def hyper_parameters(attribute_dict):
    """The reference VAE's save_hyperparameters() keys for a CIFAR-10 run (src/vae.py), at fixture size."""
    values = dict(
        input_height=32, num_samples=45000, gpus=1, batch_size=256, kl_coeff=0.0, h_dim=WIDTH * 8, latent_dim=16,
        optimizer="adam", learning_rate=2.5e-4, encoder_name="resnet18", decoder_name="decoder18",
        first_conv3x3=True, remove_first_maxpool=True, dataset="cifar10", max_epochs=3200, warmup_epochs=10,
        cosine_decay=0, linear_decay=0, learn_scale=0, log_scale=0.0, val_samples=16, weight_decay=0.0,
        exclude_bn_bias=False, online_ft=True, seed=0, denoising=True, fp16=False, data_path=".",
        num_workers=8, gaussian_blur=False, jitter_strength=0.5, ckpt_path="",
    )
    result = attribute_dict()
    result.update(values)
    return result


def lightning_checkpoint(model):
    attribute_dict = fake_class("pytorch_lightning.utilities.parsing", "AttributeDict", dict)
    model_checkpoint = fake_class("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint")
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad][:2], lr=2.5e-4)
    optimizer.zero_grad()
    for p in optimizer.param_groups[0]["params"]:
        p.grad = torch.ones_like(p)
    optimizer.step()
    return {
        "epoch": 3199,
        "global_step": 562400,
        "pytorch-lightning_version": "1.4.0dev",
        "state_dict": model.state_dict(),
        "callbacks": {model_checkpoint: {"monitor": None, "best_model_score": None, "best_model_path": "",
                                         "current_score": None, "dirpath": "lightning_logs/version_0/checkpoints"}},
        "optimizer_states": [optimizer.state_dict()],
        "lr_schedulers": [{"base_lrs": [2.5e-4], "last_epoch": 562400, "_step_count": 562401, "verbose": False,
                           "_get_lr_called_within_step": False, "_last_lr": [2.5e-4], "lr_lambdas": [None]}],
        "hparams_name": "kwargs",
        "hyper_parameters": hyper_parameters(attribute_dict),
    }


class Unsafe:
    def __reduce__(self):
        return (os.system, ("echo the importer ran pickled code",))


def expected(model, inputs):
    model.eval()
    with torch.no_grad():
        features = model.encoder(inputs)
        mu, logvar = model.projection(features)
    return features, mu, logvar


def main(directory):
    os.makedirs(directory, exist_ok=True)
    generator = torch.Generator().manual_seed(2021)
    r18 = Vae("r18", first_conv3x3=True, remove_first_maxpool=True, latent_dim=16)
    r50 = Vae("r50", first_conv3x3=False, remove_first_maxpool=True, latent_dim=8)
    randomize(r18, generator)
    randomize(r50, generator)
    torch.save(lightning_checkpoint(r18), os.path.join(directory, "reference_r18_cifar.ckpt"))
    # The ResNet-50 file leaves out the decoder (as a state_dict of encoder and head only would) to stay small.
    encoder_only = collections.OrderedDict((k, v) for k, v in r50.state_dict().items() if not k.startswith("decoder."))
    torch.save(encoder_only, os.path.join(directory, "reference_r50_stl.pt"))

    outputs = collections.OrderedDict()
    for name, model in (("r18", r18), ("r50", r50)):
        inputs = torch.randn(3, 3, 32, 32, generator=generator)
        features, mu, logvar = expected(model, inputs)
        outputs[f"{name}.input"] = inputs
        outputs[f"{name}.features"] = features
        outputs[f"{name}.mu"] = mu
        outputs[f"{name}.logvar"] = logvar
    torch.save(outputs, os.path.join(directory, "reference_outputs.pt"))
    torch.save({"state_dict": {"log_scale": torch.zeros(1)}, "payload": Unsafe()},
               os.path.join(directory, "unsafe.ckpt"))
    for name in sorted(os.listdir(directory)):
        print(f"{name}: {os.path.getsize(os.path.join(directory, name)):,} bytes")


def check_export(path, arch):
    """Loads an exported state_dict into the reference layout: strict except for the decoder, which is not exported."""
    stem = dict(first_conv3x3=True, remove_first_maxpool=True) if arch == "r18" else \
        dict(first_conv3x3=False, remove_first_maxpool=True)
    model = Vae(arch, latent_dim=16 if arch == "r18" else 8, **stem)
    state = torch.load(path, weights_only=True)
    result = model.load_state_dict(state, strict=False)
    unexpected = list(result.unexpected_keys)
    not_decoder = [k for k in result.missing_keys if not k.startswith("decoder.")]
    if unexpected or not_decoder:
        raise SystemExit(f"unexpected {unexpected}, missing outside the decoder {not_decoder}")
    print(f"{path}: {len(state)} tensors load into the reference layout; "
          f"{len(result.missing_keys)} decoder keys left as they were")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check-export":
        check_export(sys.argv[2], sys.argv[4] if len(sys.argv) > 4 else "r18")
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        default = os.path.join(here, "..", "tests", "AavaeMlNet.Core.Tests", "PyTorch", "Fixtures")
        main(sys.argv[1] if len(sys.argv) > 1 else default)
