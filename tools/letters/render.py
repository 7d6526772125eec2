"""Renders the letter sets to PNG images in docs/img/ for looking at the data.

    pip install matplotlib && python3 tools/letters/render.py

Every trajectory is drawn in the model's frame (y up) with its colour running from dark
(start) to light (end) and its start point marked with a red dot, so the pen's order and
direction can be checked by eye.
"""

import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cm  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
LETTERS = list("abcdeghlmnopqrsuvwyz")


def load(name):
    return json.loads((ROOT / "data" / name).read_text())


def draw(ax, traj, lw=2.0, alpha=1.0, dot=True):
    segs = [[traj[i], traj[i + 1]] for i in range(len(traj) - 1)]
    colours = [cm.viridis(i / (len(segs) - 1) * 0.9) for i in range(len(segs))]
    ax.add_collection(LineCollection(segs, colors=colours, linewidths=lw, alpha=alpha))
    if dot:
        ax.plot(*traj[0], "o", color="red", ms=5, zorder=5)


def tidy(ax, lim):
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def training(train):
    fig, axes = plt.subplots(2, 10, figsize=(20, 4.6))
    for ax, label, traj in zip(axes.flat, train["labels"], train["trajectories"]):
        ax.axhline(0, color="0.85", lw=0.8)
        ax.axvline(0, color="0.85", lw=0.8)
        draw(ax, traj)
        tidy(ax, 2.6)
        ax.set_title(label, fontsize=14)
    fig.suptitle(
        "data/letters.json — Hershey Script 1 in the model frame "
        "(red dot = common start; dark → light = pen direction; grey cross = origin)"
    )
    fig.tight_layout()
    fig.savefig(OUT / "letters-training.png", dpi=70)
    plt.close(fig)


def all_styles(train, held):
    fonts = ["hershey_script_1"] + sorted(set(held["sources"]), key=held["sources"].index)
    rows = [(l, s, t) for l, s, t in zip(train["labels"], train["sources"], train["trajectories"])]
    rows += list(zip(held["labels"], held["sources"], held["trajectories"]))
    fig, axes = plt.subplots(len(LETTERS), len(fonts), figsize=(1.45 * len(fonts), 1.45 * 20))
    for ax in axes.flat:
        tidy(ax, 3.0)
        ax.axis("off")
    for label, font, traj in rows:
        ax = axes[LETTERS.index(label), fonts.index(font)]
        ax.axis("on")
        draw(ax, traj, lw=1.4)
    for j, f in enumerate(fonts):
        axes[0, j].set_title(f.replace("hershey_", "H ").replace("ems_", "").replace("_", " "),
                             fontsize=8)
    for i, l in enumerate(LETTERS):
        axes[i, 0].set_ylabel(l, fontsize=14, rotation=0, labelpad=12)
    fig.suptitle("every style of every letter (blank = left out); red dot = start", y=0.997)
    fig.tight_layout()
    fig.savefig(OUT / "letters-all-styles.png", dpi=55)
    plt.close(fig)


def overlays(train, held, letters):
    fig, axes = plt.subplots(1, len(letters), figsize=(4 * len(letters), 4.3))
    for ax, letter in zip(axes, letters):
        ax.axhline(0, color="0.85", lw=0.8)
        ax.axvline(0, color="0.85", lw=0.8)
        for l, t in zip(held["labels"], held["trajectories"]):
            if l == letter:
                draw(ax, t, lw=1.0, alpha=0.55, dot=False)
        t = train["trajectories"][train["labels"].index(letter)]
        ax.plot(*zip(*t), color="black", lw=2.5, ls="--")
        ax.plot(*t[0], "o", color="red", ms=7, zorder=5)
        n = held["labels"].count(letter)
        tidy(ax, 3.2)
        ax.set_title(f"{letter}: training (black dashed) + {n} held-out", fontsize=11)
    fig.tight_layout()
    fig.savefig(OUT / "letters-overlay.png", dpi=70)
    plt.close(fig)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    train = load("letters.json")
    held = load("letters-heldout.json")
    training(train)
    all_styles(train, held)
    overlays(train, held, list("aegosy"))
    print("wrote", ", ".join(p.name for p in sorted(OUT.glob("letters-*.png"))))


if __name__ == "__main__":
    main()
