#!/usr/bin/env python3
"""An independent PyTorch implementation of PC-RNN-HC-A, written from docs/design.md §1-§3, to check
the Rust core against (tests/reference_fixture.rs) and to measure it against the seed's method
(scripts/fidelity.sh, benchmarks).

Subcommands
  fixture   float64, a small seeded network: writes tests/reference/fixture.json (one generation
            pass, its gradients by autograd, 10 steps of torch's Adam, and one retrieval trial
            with sigma_r = 0 started near the memories and one started far from them, with
            the exact prior, and the far one again with the seed's prior arithmetic).
  train     the seed's training: torch.manual_seed(S), the seed's initialisation (same draws in
            the same order), float32, all sequences in one batch, torch.optim.Adam (lr 0.03,
            weight decay 1e-4), loss = mean(e^2). Prints the final loss and the wall time.
            --init pcrnn draws the initial weights from pcrnn's own random stream instead (the
            very weights `pcrnn train --seed S` starts from); with --dtype float64 this follows
            pcrnn's run, which separates the effect of the initialisation from the arithmetic.
  retrieve  the seed's training (or a pcrnn model file with --model), then the seed's retrieval
            experiment: every target x 4 random starts c ~ N(0, I), 1000 trials, each trial one
            inference pass followed, as in the seed, by an alpha_x = 0 pass that measures the
            error (--no-trial-errors skips it). Prior arithmetic: the seed's (float32, 1e-40
            floor) unless --prior exact. Readout: nearest memory per run; best of starts = the
            start whose final c regenerates its target best (pure generation pass).

Runs on one thread unless --threads says otherwise.

JSON output (--json: the last line of stdout is one object; these keys are stable)
  train:    final_loss (the loss of the last iteration, before its update), iters,
            seconds (wall time of the training loop alone), cpu_seconds (its CPU time),
            sequences, seed, dtype, init, threads
  retrieve: accuracy_per_start (share of all runs whose final c is nearest a memory of their
            target's label), accuracy_best_of_starts, accuracy_by_start (one share per start
            index), targets, starts, trials, seconds and cpu_seconds (the retrieval alone,
            without training or readout), predictions (best-of-starts label per target),
            labels, prior, trial_errors, seed, dtype, init, threads, model ("seed S (I init),
            N iterations" or the file), final_loss, train_seconds and train_cpu_seconds (null
            with --model)

Examples
  python3 tests/reference/reference.py fixture
  python3 tests/reference/reference.py train --data data/letters.json --iters 1000 --seed 0 --json
  python3 tests/reference/reference.py retrieve --data data/letters.json --seed 0 --targets 1 --json
"""

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


# ---------------------------------------------------------------------------------------------
# The model (§1). Batches hold one sequence per row, as in the seed: h is B x n_h, c is B x n_c.


@dataclass
class Network:
    w_o: torch.Tensor  # n_x x n_h
    b_o: torch.Tensor  # n_x
    w_c: torch.Tensor  # n_h x n_c
    w_r: torch.Tensor  # n_h x n_h
    b_r: torch.Tensor  # n_h
    h0: torch.Tensor  # n_h, shared by every sequence, not trained
    tau: float

    def trained(self):
        """The tensors Adam updates (h0 is not one of them, as in the seed)."""
        return [self.w_o, self.b_o, self.w_c, self.w_r, self.b_r]


@dataclass
class Rates:
    alpha_x: float = 0.0
    alpha_h: float = 0.0
    alpha_c: float = 0.0
    sigma_r: float = 0.0


GENERATION = Rates()


def init_network(n_c, n_h, n_x, tau, randn):
    """§1: W_o ~ N/n_h, b_o ~ N/10, W_c ~ N/n_c, W_r ~ N/n_h, b_r ~ N/10, h0 ~ N (in this order),
    with randn(*shape) giving standard normal numbers."""
    return Network(
        w_o=randn(n_x, n_h) / n_h,
        b_o=randn(n_x) / 10,
        w_c=randn(n_h, n_c) / n_c,
        w_r=randn(n_h, n_h) / n_h,
        b_r=randn(n_h) / 10,
        h0=randn(n_h),
        tau=tau,
    )


@dataclass
class Prior:
    """The Gaussian-mixture prior on c: one component per memory mu_k (rows of `mus`)."""

    mus: torch.Tensor  # K x n_c
    sigma_c: float
    form: str  # "exact" (log-sum-exp) or "seed" (float32 exponentials with a 1e-40 floor)

    def weights(self, diff):
        """w_k = softmax_k(-|c - mu_k|^2 / (2 sigma_c^2)), one row per sequence (B x K), given
        diff = c - mu_k (B x K x n_c)."""
        logits = -(diff**2).sum(-1) / (2 * self.sigma_c**2)
        if self.form == "exact":
            return torch.exp(logits - torch.logsumexp(logits, dim=1, keepdim=True))
        # The seed's arithmetic: far from every mu all exponentials underflow to 0, the floor
        # makes the weights uniform, and the pull goes to the centroid of the memories.
        floored = 1e-40 + torch.exp(logits.float())
        return (floored / floored.sum(dim=1, keepdim=True)).to(diff.dtype)

    def pull(self, c):
        """g(c) = -sum_k w_k (c - mu_k) / (2 sigma_c^2)."""
        diff = c[:, None, :] - self.mus[None, :, :]
        return -(self.weights(diff)[:, :, None] * diff).sum(1) / (2 * self.sigma_c**2)


def step(net, h, c, x_t, rates, prior=None):
    """One time step of §1 for a batch; returns the new h and c, the prediction and its error."""
    h_prior = (1 - 1 / net.tau) * h + (1 / net.tau) * (
        torch.tanh(h) @ net.w_r.T + c @ net.w_c.T + net.b_r
    )
    tanh_prior = torch.tanh(h_prior)
    x_pred = tanh_prior @ net.w_o.T + net.b_o
    e = x_pred - x_t
    if rates.alpha_x > 0:  # bottom-up inference
        h_post = h_prior - rates.alpha_x * (1 - tanh_prior**2) * (e @ net.w_o)
        e_h = h_prior - h_post
        c = c - rates.alpha_h * (e_h @ net.w_c)
        # Noise scaled by the norm of each sequence's own e_h (drawn even when sigma_r = 0,
        # as the seed does, so the random stream does not depend on sigma_r).
        c = c + rates.sigma_r * e_h.norm(dim=1, keepdim=True) * torch.randn_like(c)
        h = h_post
    else:
        h = h_prior
    if rates.alpha_c > 0 and prior is not None:
        c = c + rates.alpha_c * prior.pull(c)
    return h, c, x_pred, e


def run_pass(net, c, targets, rates=GENERATION, prior=None):
    """One full pass over targets (T x B x n_x) from h0: per-step predictions, errors and c."""
    h = net.h0.expand(targets.shape[1], -1)
    x_preds, errors, causes = [], [], []
    for x_t in targets:
        h, c, x_pred, e = step(net, h, c, x_t, rates, prior)
        x_preds.append(x_pred)
        errors.append(e)
        causes.append(c)
    return torch.stack(x_preds), torch.stack(errors), torch.stack(causes)


def generation_loss(net, causes, targets):
    """§2: loss = mean of e^2 over time, batch and output dimension, in pure generation."""
    _, errors, _ = run_pass(net, causes, targets)
    return (errors**2).mean()


# ---------------------------------------------------------------------------------------------
# Training (§2) and retrieval (§3) as in the seed.


class Stopwatch:
    """Wall and CPU seconds since creation (CPU time is the steadier figure on a busy machine)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def load_data(path, dtype):
    """Labels and the trajectories as a T x P x 2 tensor (time first, as the passes read them)."""
    data = json.loads(Path(path).read_text())
    trajectories = torch.tensor(data["trajectories"], dtype=torch.float64)
    return data["labels"], trajectories.transpose(0, 1).to(dtype)


class PcrnnStream:
    """The random stream of src/noise.rs: PCG-64 MCG seeded as rand_core's seed_from_u64 does,
    then Box-Muller. With it `--init pcrnn` starts from the very weights `pcrnn train --seed S`
    draws, which separates the effect of the initialisation from that of the arithmetic."""

    MULTIPLIER = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645

    def __init__(self, seed):
        words, state = [], seed
        for _ in range(4):  # the 16 seed bytes are four PCG32 outputs of the u64 seed
            state = (state * 0x5851_F42D_4C95_7F2D + 0xA176_54E4_6FBE_17F3) % 2**64
            xorshifted, rot = (((state >> 18) ^ state) >> 27) % 2**32, state >> 59
            words.append(((xorshifted >> rot) | (xorshifted << (32 - rot))) % 2**32)
        self.state = sum(w << (32 * i) for i, w in enumerate(words)) | 1
        self.spare = None

    def next_u64(self):
        self.state = self.state * self.MULTIPLIER % 2**128
        xsl, rot = ((self.state >> 64) ^ self.state) % 2**64, self.state >> 122
        return ((xsl >> rot) | (xsl << (64 - rot))) % 2**64

    def normal(self):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        radius = math.sqrt(-2 * math.log(((self.next_u64() >> 11) + 1) * 2.0**-53))
        angle = 2 * math.pi * ((self.next_u64() >> 11) + 1) * 2.0**-53
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)

    def randn(self, dtype):
        """A randn(*shape) filling row by row, as src/network.rs does."""
        def randn(*shape):
            numbers = [self.normal() for _ in range(math.prod(shape))]
            return torch.tensor(numbers, dtype=torch.float64).reshape(shape).to(dtype)
        return randn


def seed_training(targets, seed, iters, dtype, init="torch", n_h=50):
    """The seed's run: its draws in its order (network, h0, then c ~ N * 0.01), its Adam.
    init "pcrnn" draws the same numbers from pcrnn's stream instead of torch's."""
    if init == "pcrnn":
        randn = PcrnnStream(seed).randn(dtype)
    else:
        torch.manual_seed(seed)
        randn = lambda *shape: torch.randn(*shape, dtype=dtype)
    net = init_network(n_c=2, n_h=n_h, n_x=2, tau=50.0, randn=randn)
    causes = randn(targets.shape[1], 2) * 0.01
    trained = net.trained() + [causes]
    for tensor in trained:
        tensor.requires_grad_(True)
    opt = torch.optim.Adam(trained, lr=0.03, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
    losses = []
    clock = Stopwatch()
    for _ in range(iters):
        opt.zero_grad()
        loss = generation_loss(net, causes, targets)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    seconds = clock.read()
    for tensor in trained:
        tensor.requires_grad_(False)
    return net, causes, losses, seconds


def load_model(path, dtype):
    """A pcrnn model file (src/formats.rs): the network, the memories and their labels."""
    model = json.loads(Path(path).read_text())
    p = model["params"]

    def t(v):
        return torch.tensor(v, dtype=dtype)

    net = Network(t(p["w_o"]), t(p["b_o"]), t(p["w_c"]), t(p["w_r"]), t(p["b_r"]), t(p["h0"]),
                  float(model["tau"]))
    return net, t(model["memories"]["causes"]), model["memories"]["labels"]


SEED_RECALL = dict(alpha_x=0.1, alpha_h=0.019, alpha_c=0.0085, sigma_c=0.096, sigma_r=2.6)


@torch.no_grad()
def seed_retrieval(net, prior, targets, starts, trials, trial_errors=True):
    """The seed's experiment: every target from `starts` random causes; a trial is one inference
    pass from h0, going on from the c the last trial ended with. Returns the final causes, run
    j = start * P + target (the seed's `repeat(1, starts, 1)`), and the (wall, CPU) seconds."""
    rates = Rates(SEED_RECALL["alpha_x"], SEED_RECALL["alpha_h"], SEED_RECALL["alpha_c"],
                  SEED_RECALL["sigma_r"])
    # The seed measures the error after every trial with alpha_x = 0 (its prior still on).
    measuring = Rates(alpha_c=SEED_RECALL["alpha_c"])
    x = targets.repeat(1, starts, 1)
    c = torch.randn(x.shape[1], prior.mus.shape[1], dtype=x.dtype)
    path = torch.zeros(trials, *c.shape, dtype=c.dtype)
    errors = torch.zeros(trials, x.shape[1], dtype=c.dtype)
    clock = Stopwatch()
    for i in range(trials):
        _, _, causes = run_pass(net, c, x, rates, prior)
        c = causes[-1]
        path[i] = c
        if trial_errors:
            _, e, _ = run_pass(net, c, x, measuring, prior)
            errors[i] = e.norm(dim=2).mean(dim=0)
    return c, clock.read()


@torch.no_grad()
def readout(net, mus, mu_labels, targets, labels, c, starts):
    """Nearest memory per run; per target the start whose c regenerates it best (alpha = 0)."""
    n_targets = targets.shape[1]
    nearest = torch.cdist(c, mus).argmin(dim=1).tolist()
    recalled = [mu_labels[k] for k in nearest]
    right = [recalled[j] == labels[j % n_targets] for j in range(len(recalled))]
    _, errors, _ = run_pass(net, c, targets.repeat(1, starts, 1))
    error = errors.norm(dim=2).mean(dim=0).reshape(starts, n_targets)
    best = error.argmin(dim=0).tolist()
    predictions = [recalled[s * n_targets + k] for k, s in enumerate(best)]
    return {
        "accuracy_per_start": sum(right) / len(right),
        "accuracy_best_of_starts": sum(p == l for p, l in zip(predictions, labels)) / n_targets,
        "accuracy_by_start": [sum(right[s * n_targets:(s + 1) * n_targets]) / n_targets
                              for s in range(starts)],
        "predictions": predictions,
    }


# ---------------------------------------------------------------------------------------------
# Commands.


def emit(result, as_json, text):
    print(json.dumps(result) if as_json else text)


def cmd_train(args):
    dtype = getattr(torch, args.dtype)
    labels, targets = load_data(args.data, dtype)
    _, _, losses, (seconds, cpu) = seed_training(targets, args.seed, args.iters, dtype,
                                                 args.init)
    result = {"final_loss": losses[-1], "iters": len(losses), "seconds": seconds,
              "cpu_seconds": cpu,
              "sequences": len(labels), "seed": args.seed, "dtype": args.dtype, "init": args.init,
              "threads": torch.get_num_threads()}
    emit(result, args.json, f"trained {len(losses)} iterations on {len(labels)} sequences in "
                            f"{seconds:.2f} s: final loss {losses[-1]:.5f}")


def cmd_retrieve(args):
    dtype = getattr(torch, args.dtype)
    labels, targets = load_data(args.data, dtype)
    final_loss, train = None, (None, None)
    if args.model:
        net, mus, mu_labels = load_model(args.model, dtype)
        source = str(args.model)
    else:
        net, mus, losses, train = seed_training(targets, args.seed, args.iters, dtype,
                                                args.init)
        mu_labels, final_loss = labels, losses[-1]
        source = f"seed {args.seed} ({args.init} init), {args.iters} iterations"
    targets, labels = targets[:, :args.targets], labels[:args.targets]
    prior = Prior(mus, SEED_RECALL["sigma_c"], args.prior)
    torch.manual_seed(args.seed)
    c, (seconds, cpu) = seed_retrieval(net, prior, targets, args.starts, args.trials,
                                not args.no_trial_errors)
    result = readout(net, mus, mu_labels, targets, labels, c, args.starts)
    result.update({"targets": len(labels), "starts": args.starts, "trials": args.trials,
                   "seconds": seconds, "cpu_seconds": cpu, "labels": labels, "prior": args.prior,
                   "trial_errors": not args.no_trial_errors, "seed": args.seed,
                   "dtype": args.dtype, "init": args.init, "threads": torch.get_num_threads(),
                   "model": source,
                   "final_loss": final_loss, "train_seconds": train[0],
                   "train_cpu_seconds": train[1]})
    emit(result, args.json,
         f"{len(labels)} targets x {args.starts} starts x {args.trials} trials in {seconds:.2f} s"
         f" ({source}): {100 * result['accuracy_per_start']:.1f} % of starts recalled, "
         f"{100 * result['accuracy_best_of_starts']:.1f} % best of starts "
         f"(by start: {', '.join(f'{100 * a:.0f} %' for a in result['accuracy_by_start'])})")


# The fixture: a small float64 network, sized so the JSON stays small (tens of KB).
FIXTURE_LETTERS = ["a", "p", "s"]
FIXTURE_EVERY = 2  # every 2nd point: 30 steps
FIXTURE_N_H = 10
FIXTURE_TAU = 10.0  # shorter than the seed's 50 so the recurrence weighs in over 30 steps
FIXTURE_SEED = 20240611
FIXTURE_ADAM = dict(lr=0.03, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
FIXTURE_ADAM_STEPS = 10


def rows(t):
    return t.detach().tolist()


def retrieval_block(net, targets, mus, c_start, form="exact"):
    """One retrieval trial with the seed's rates but sigma_r = 0."""
    rates = Rates(SEED_RECALL["alpha_x"], SEED_RECALL["alpha_h"], SEED_RECALL["alpha_c"], 0.0)
    prior = Prior(mus, SEED_RECALL["sigma_c"], form)
    with torch.no_grad():
        x_preds, _, causes = run_pass(net, c_start, targets, rates, prior)
    return {**SEED_RECALL, "sigma_r": 0.0, "prior": form, "mus": rows(mus),
            "c_start": rows(c_start), "x_pred": rows(x_preds.transpose(0, 1)),
            "c_steps": rows(causes), "c_end": rows(causes[-1])}


def cmd_fixture(args):
    dtype = torch.float64
    labels, letters = load_data(args.data, dtype)
    targets = letters[::FIXTURE_EVERY, [labels.index(l) for l in FIXTURE_LETTERS]]
    gen = torch.Generator().manual_seed(FIXTURE_SEED)
    net = init_network(2, FIXTURE_N_H, 2, FIXTURE_TAU,
                       lambda *shape: torch.randn(*shape, dtype=dtype, generator=gen))
    # Causes spread wider than the seed's N * 0.01, so the memories are apart for the prior.
    causes = torch.randn(len(FIXTURE_LETTERS), 2, dtype=dtype, generator=gen) * 0.5
    near = causes[[1, 2, 0]] + 0.1 * torch.randn(causes.shape, dtype=dtype, generator=gen)
    direction = torch.randn(causes.shape, dtype=dtype, generator=gen)
    far = 4 * direction / direction.norm(dim=1, keepdim=True)

    # One generation pass and its gradients (autograd, not by hand).
    trained = [t.clone().requires_grad_(True) for t in net.trained() + [causes]]
    fresh = Network(*trained[:5], net.h0, net.tau)
    x_preds, errors, _ = run_pass(fresh, trained[5], targets)
    loss = (errors**2).mean()
    loss.backward()
    names = ["w_o", "b_o", "w_c", "w_r", "b_r", "c"]
    gradients = {n: rows(t.grad) for n, t in zip(names, trained)}

    # Ten Adam steps from the same start, with torch's own Adam (coupled weight decay).
    trained = [t.clone().requires_grad_(True) for t in net.trained() + [causes]]
    fresh = Network(*trained[:5], net.h0, net.tau)
    opt = torch.optim.Adam(trained, **FIXTURE_ADAM)
    losses = []
    for _ in range(FIXTURE_ADAM_STEPS):
        opt.zero_grad()
        step_loss = generation_loss(fresh, trained[5], targets)
        losses.append(step_loss.item())
        step_loss.backward()
        opt.step()
    loss_after = generation_loss(fresh, trained[5], targets).item()

    fixture = {
        "about": "written by tests/reference/reference.py fixture; "
                 "read by tests/reference_fixture.rs",
        "dims": {"n_c": 2, "n_h": FIXTURE_N_H, "n_x": 2},
        "tau": FIXTURE_TAU,
        "params": {**{n: rows(t) for n, t in zip(names[:5], net.trained())},
                   "h0": rows(net.h0), "c": rows(causes)},
        "targets": rows(targets.transpose(0, 1)),
        "generation": {"x_pred": rows(x_preds.transpose(0, 1)), "loss": loss.item()},
        "gradients": gradients,
        "adam": {**FIXTURE_ADAM, "steps": FIXTURE_ADAM_STEPS, "losses": losses,
                 "loss_after": loss_after,
                 "params_after": {n: rows(t) for n, t in zip(names, trained)}},
        "retrieval": retrieval_block(net, targets, causes, near),
        "retrieval_far": retrieval_block(net, targets, causes, far),
        "retrieval_far_seed_prior": retrieval_block(net, targets, causes, far, "seed"),
    }
    Path(args.out).write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({Path(args.out).stat().st_size // 1024} KB)")


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    sub = parser.add_subparsers(dest="command", required=True)

    fixture = sub.add_parser("fixture", help="write the float64 fixture for the Rust test")
    fixture.add_argument("--data", default=ROOT / "data" / "letters.json")
    fixture.add_argument("--out", default=HERE / "fixture.json")
    fixture.set_defaults(run=cmd_fixture)

    for name, run, about in [("train", cmd_train, "the seed's training"),
                             ("retrieve", cmd_retrieve, "the seed's retrieval experiment")]:
        p = sub.add_parser(name, help=about)
        p.add_argument("--data", required=True, help="data-set JSON (labels, trajectories)")
        p.add_argument("--iters", type=positive, default=1000, help="training iterations")
        p.add_argument("--seed", type=int, default=0, help="torch.manual_seed for init and noise")
        p.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                       help="the seed computes in float32")
        p.add_argument("--init", choices=["torch", "pcrnn"], default="torch",
                       help="initial weights from torch.manual_seed (the seed's) or from "
                            "pcrnn's stream (the weights pcrnn train --seed draws)")
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.set_defaults(run=run)
    retrieve = sub.choices["retrieve"]
    retrieve.add_argument("--model", help="a pcrnn model JSON instead of training")
    retrieve.add_argument("--targets", type=positive, default=None, help="only the first N targets")
    retrieve.add_argument("--starts", type=positive, default=4)
    retrieve.add_argument("--trials", type=positive, default=1000)
    retrieve.add_argument("--prior", choices=["seed", "exact"], default="seed",
                          help="the mixture weights' arithmetic (default: the seed's)")
    retrieve.add_argument("--no-trial-errors", action="store_true",
                          help="skip the seed's error pass after every trial")

    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        args.run(args)
    except (OSError, ValueError, KeyError, IndexError) as e:
        sys.exit(f"reference.py: {e}")


if __name__ == "__main__":
    main()
