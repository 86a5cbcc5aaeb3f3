#!/usr/bin/env python3
"""Chapter 5's VAE in PyTorch, to time against the Rust crate on the same machine.

The same model (784-H-L-H-784, ReLU, a Bernoulli decoder on grey pixels: binary
cross-entropy summed over the pixels, plus the analytic KL), the same batch size, the same
Adam (learning rate 1e-3, betas 0.9 and 0.999, eps 1e-8) and the same loss summed over the
batch, on the same IDX files. The images are read with NumPy and kept in memory as one
float tensor; each batch is indexed out of it (no DataLoader), as the Rust crate gathers
its batches. The initial weights and the random draws differ (PyTorch's generator), so the
losses agree only as two seeds of one model do. `--depth 2 --activation tanh --hidden 200
--latent-dim 50 --batch-size 20 --binarize dynamic` is chapter 7's network and training.

    pip install torch numpy
    python3 vae_torch.py --data-dir ../../../data/mnist --epochs 10 --threads 2

It prints one line per epoch (seconds of training, test loss in nats per image); with
--json, a last line holding every figure as JSON, which `cargo bench -p ch05-training --
--compare` reads. Only argparse is imported before the options are parsed, so --help works
without NumPy or PyTorch.
"""

import argparse
import gzip
import json
import os
import sys
import time

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# Sub-folders where torchvision keeps the same files.
LAYOUTS = ("", "MNIST/raw", "FashionMNIST/raw")


def parse_options(argv=None):
    p = argparse.ArgumentParser(
        description="Chapter 5's VAE in PyTorch: seconds per epoch and test loss on MNIST."
    )
    p.add_argument("--data-dir", default=os.environ.get("MNIST_DIR", "data/mnist"),
                   help="folder with the four IDX files, raw or .gz (default: $MNIST_DIR, "
                        "else data/mnist)")
    p.add_argument("--epochs", type=int, default=10, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=128, help="images per Adam step")
    p.add_argument("--hidden", type=int, default=400, help="width of both hidden layers")
    p.add_argument("--latent-dim", type=int, default=20, help="dimension of z")
    p.add_argument("--depth", type=int, default=1,
                   help="hidden layers in the encoder, and again in the decoder (chapter 7's "
                        "network, after Burda et al.: 2)")
    p.add_argument("--activation", choices=("relu", "tanh"), default="relu",
                   help="the hidden layers' nonlinearity (chapter 7's: tanh)")
    p.add_argument("--binarize", choices=("none", "dynamic"), default="none",
                   help="dynamic: each training pixel drawn as ink with probability equal to "
                        "its grey level, afresh every time a batch uses it (chapter 7)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=1, help="torch.manual_seed")
    p.add_argument("--limit", type=int, default=None,
                   help="train on the first N training images only")
    p.add_argument("--warmup", type=int, default=50,
                   help="untimed steps of a throwaway copy of the model first (PyTorch's "
                        "first steps are slow: libraries load, buffers are allocated)")
    p.add_argument("--no-test", action="store_true",
                   help="skip the test-set evaluation (timing runs)")
    p.add_argument("--json", action="store_true",
                   help="end with one line of JSON holding every figure")
    args = p.parse_args(argv)
    for name in ("epochs", "batch_size", "hidden", "latent_dim", "depth", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if not args.lr > 0:
        p.error("--lr must be a positive number")
    if args.warmup < 0:
        p.error("--warmup must be at least 0")
    if args.limit is not None and args.limit < 1:
        p.error("--limit must be at least 1")
    return args


def find(folder, name):
    """The path of `name` (raw, else .gz) in `folder` or a torchvision sub-folder."""
    for sub in LAYOUTS:
        for candidate in (os.path.join(folder, sub, name), os.path.join(folder, sub, name + ".gz")):
            if os.path.isfile(candidate):
                return candidate
    sys.exit(f"{folder}: no {name} (raw or .gz), nor in its MNIST/raw sub-folder")


def read_idx(path, np, dims):
    """An IDX file of unsigned bytes with `dims` dimensions, its header checked."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    header = 4 + 4 * dims
    if len(data) < header:
        sys.exit(f"{path}: {len(data)} bytes, shorter than an IDX header")
    if data[0:2] != b"\0\0" or data[2] != 0x08 or data[3] != dims:
        sys.exit(f"{path}: not an IDX file of unsigned bytes with {dims} dimension(s)")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    count = 1
    for s in shape:
        count *= s
    if len(data) != header + count:
        sys.exit(f"{path}: the header promises {count} bytes of data, the file holds "
                 f"{len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load(folder, np, torch):
    """Train and test images as float tensors in [0, 1], one image per row."""
    splits = {}
    for split, (images, labels) in FILES.items():
        x = read_idx(find(folder, images), np, 3)
        y = read_idx(find(folder, labels), np, 1)
        if len(x) != len(y):
            sys.exit(f"{folder}: {len(x)} {split} images but {len(y)} labels")
        x = x.reshape(len(x), -1).astype(np.float32) / np.float32(255.0)
        splits[split] = torch.from_numpy(x)
    return splits["train"], splits["test"]


def build(torch, inputs, args):
    nn = torch.nn
    hidden, latent = args.hidden, args.latent_dim
    act = nn.Tanh if args.activation == "tanh" else nn.ReLU

    def stack(first):
        """`first` -> hidden, then depth - 1 more hidden layers, each followed by `act`."""
        layers = []
        for i in range(args.depth):
            layers += [nn.Linear(first if i == 0 else hidden, hidden), act()]
        return nn.Sequential(*layers)

    class Vae(nn.Module):
        """784-H(xdepth)-(mu, logvar) and L-H(xdepth)-784 logits: chapter 4's network, or
        chapter 7's deeper one."""

        def __init__(self):
            super().__init__()
            self.encoder = stack(inputs)
            self.mu = nn.Linear(hidden, latent)
            self.logvar = nn.Linear(hidden, latent)
            self.decoder = nn.Sequential(stack(latent), nn.Linear(hidden, inputs))

        def forward(self, x):
            h = self.encoder(x)
            mu, logvar = self.mu(h), self.logvar(h)
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            return self.decoder(z), mu, logvar

    return Vae()


def loss_terms(torch, logits, x, mu, logvar):
    """Summed over the batch: the cross-entropy of the pixels (from the logits, stably, as
    chapter 4 computes it) and KL(q(z|x) || N(0, I))."""
    recon = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return recon, kl


def adam(torch, model, lr):
    return torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)


def train_steps(torch, model, optimizer, train, b, binarize, steps=None):
    """One epoch (or its first `steps` batches) of Adam over shuffled batches; returns the
    summed loss."""
    model.train()
    total = 0.0
    for step, idx in enumerate(torch.randperm(len(train)).split(b)):
        if steps is not None and step == steps:
            break
        x = train[idx]
        if binarize == "dynamic":
            x = torch.bernoulli(x)
        optimizer.zero_grad()
        logits, mu, logvar = model(x)
        recon, kl = loss_terms(torch, logits, x, mu, logvar)
        loss = recon + kl
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total


def main(argv=None):
    args = parse_options(argv)
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, test = load(args.data_dir, np, torch)
    if args.binarize == "dynamic":
        test = torch.bernoulli(test)  # the test set is drawn once, as chapter 7 does
    if args.limit is not None:
        train = train[: args.limit]
    n, b = len(train), args.batch_size
    if args.warmup:
        throwaway = build(torch, train.shape[1], args)
        train_steps(torch, throwaway, adam(torch, throwaway, args.lr), train, b, args.binarize,
                    args.warmup)
    torch.manual_seed(args.seed)
    model = build(torch, train.shape[1], args)
    optimizer = adam(torch, model, args.lr)
    epochs = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {n} training images, "
          f"batch {b}, model {train.shape[1]}-{args.hidden}x{args.depth}-{args.latent_dim} "
          f"{args.activation}, binarize {args.binarize}", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        total = train_steps(torch, model, optimizer, train, b, args.binarize)
        seconds = time.perf_counter() - start
        record = {"epoch": epoch, "seconds": seconds, "train_loss": total / n}
        if not args.no_test:
            with torch.no_grad():
                recon_sum = kl_sum = 0.0
                for x in test.split(b):
                    logits, mu, logvar = model(x)
                    recon, kl = loss_terms(torch, logits, x, mu, logvar)
                    recon_sum += recon.item()
                    kl_sum += kl.item()
            record["test_loss"] = (recon_sum + kl_sum) / len(test)
        epochs.append(record)
        test_text = f"{record['test_loss']:9.2f}" if "test_loss" in record else "        -"
        print(f"epoch {epoch:3d}  {seconds:7.3f} s  train {record['train_loss']:8.2f}  "
              f"test {test_text}", flush=True)
    if args.json:
        import resource  # Linux and macOS: the peak resident memory of this process

        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({
            "peak_mib": peak_kib / 1024.0,
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "batch_size": b,
            "hidden": args.hidden,
            "latent_dim": args.latent_dim,
            "depth": args.depth,
            "activation": args.activation,
            "binarize": args.binarize,
            "images": n,
            "warmup_steps": args.warmup,
            "epochs": epochs,
        }))


if __name__ == "__main__":
    main()
