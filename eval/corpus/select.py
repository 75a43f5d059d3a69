"""Selection rule and split of the extraction corpus (see README.md beside this file).

Run from the directory that holds the repository and ``shared/`` (``/work``)::

    main/.venv/bin/python main/eval/corpus/select.py main

It rewrites ``eval/corpus/selected.txt``, ``eval/corpus/splits/{train,dev,test}.txt``,
``eval/corpus/splits/test.sha256`` and ``eval/corpus/assignments.txt`` in the repository
given as the argument (default ``main``). Everything is derived from file names, file
lengths, one regular expression and SHA-256 of fixed strings: the output is the same on
every machine that holds the same ``shared/data/texts``. The standard library only.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

TEXTS = "shared/data/texts"
MAX_CHARS = 25_000
ARCHIVE_CONFLICT = 160
ARCHIVE_OTHER = 140
DOUBLE_EVERY = 10
SPLITS = (("train", 0.60), ("dev", 0.75), ("test", 1.0))
TOPIC = re.compile(
    r"\b(ceasefire|cease-fire|truce|hostilities|hostages?|peace|wars?|conflicts?|humanitarian)\b",
    re.I,
)
DEV_SETS = ("eval/dev", "eval/dev-un", "eval/dev-quotes")


def key(salt: str, path: str) -> str:
    return hashlib.sha256(f"{salt}\n{path}".encode()).hexdigest()


def stem(path: str) -> str:
    """The document's identity: its archive file name, whichever folder holds the copy."""
    name = Path(path).name.rsplit(".", 1)[0]
    if "/whitehouse/" in path and "/archive/" not in path:
        # <folder>_<YYYY-MM>_<archive name>.md
        name = name.split("_", 2)[-1]
    return name


def chars(root: Path, path: str) -> int:
    return len((root / path).read_text(encoding="utf-8"))


def dev_stems(repo: Path) -> set[str]:
    stems = {
        gold.name[: -len(".gold.json")]
        for folder in DEV_SETS
        for gold in (repo / folder).glob("*.gold.json")
    }
    if len(stems) != 73:
        raise SystemExit(f"{repo}: expected the 73 documents of eval/dev*, found {len(stems)}")
    return stems


def listing(root: Path, folder: str, suffix: str) -> list[str]:
    paths = [
        p.relative_to(root).as_posix()
        for p in (root / folder).rglob(f"*{suffix}")
        if p.is_file() and p.name not in {"README.md", "LICENSE", "UNGDC_README.txt"}
    ]
    return sorted(paths, key=lambda p: p.encode())


def select(root: Path, repo: Path) -> dict[str, list[str]]:
    """The selected paths (relative to ``root``), by source, each in C-locale order."""
    dev = dev_stems(repo)

    def keep(path: str) -> bool:
        return stem(path) not in dev and chars(root, path) <= MAX_CHARS

    small = [
        p
        for folder in ("whitehouse/armenia_azerbaijan", "whitehouse/ceasefire_truce")
        for p in listing(root, f"{TEXTS}/{folder}", ".md")
    ]
    chosen = {
        "whitehouse/armenia_azerbaijan+ceasefire_truce": [p for p in small if keep(p)],
        "un_general_debate": [
            p for p in listing(root, f"{TEXTS}/un_general_debate", ".txt") if keep(p)
        ],
        "azernews": [p for p in listing(root, f"{TEXTS}/azernews/txt", ".txt") if keep(p)],
    }
    copies = {stem(p) for p in small}
    archive = [
        p
        for p in listing(root, f"{TEXTS}/whitehouse/archive", ".md")
        if stem(p) not in copies and keep(p)
    ]
    conflict = [p for p in archive if TOPIC.search((root / p).read_text(encoding="utf-8"))]
    other = [p for p in archive if p not in set(conflict)]
    by_key = lambda p: key("abide-corpus-v1", p)  # noqa: E731
    chosen["whitehouse/archive (topic)"] = sorted(
        sorted(conflict, key=by_key)[:ARCHIVE_CONFLICT], key=lambda p: p.encode()
    )
    chosen["whitehouse/archive (no topic)"] = sorted(
        sorted(other, key=by_key)[:ARCHIVE_OTHER], key=lambda p: p.encode()
    )
    print(
        f"candidates: small folders {len(small)}, archive after exclusions {len(archive)}"
        f" (topic {len(conflict)}, no topic {len(other)})",
        file=sys.stderr,
    )
    chosen["_candidates"] = [str(len(small) + len(archive))]
    return chosen


def split_of(path: str) -> str:
    value = int(key("abide-corpus-split-v1", path)[:8], 16) / 16**8
    return next(name for name, bound in SPLITS if value < bound)


def assignment_order(splits: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Interleave the splits so that every prefix holds them in their overall proportions."""
    queues = {
        name: sorted(paths, key=lambda p: key("abide-corpus-order-v1", p))
        for name, paths in splits.items()
    }
    total = sum(len(q) for q in queues.values())
    taken = dict.fromkeys(queues, 0)
    order: list[tuple[str, str]] = []
    for n in range(1, total + 1):
        name = max(
            (s for s in queues if taken[s] < len(queues[s])),
            key=lambda s: (n * len(queues[s]) / total - taken[s], s),
        )
        order.append((name, queues[name][taken[name]]))
        taken[name] += 1
    return order


def build(root: Path, repo: Path) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The selected paths, the splits and the lines of ``assignments.txt``.

    Amended before any modelling: the two small White House folders can hold one document
    twice (one copy had gone to train, the other to test). A document is kept at its first
    rank only; its later copies leave the selection and the splits, and their ranks stay
    unused, so that every other document keeps its rank, its split and its annotators."""
    chosen = select(root, repo)
    chosen.pop("_candidates")
    everything = sorted({p for paths in chosen.values() for p in paths}, key=lambda p: p.encode())
    splits: dict[str, list[str]] = {name: [] for name, _ in SPLITS}
    for p in everything:
        splits[split_of(p)].append(p)
    order = assignment_order(splits)
    seen: set[str] = set()
    copies: set[str] = set()
    for _, path in order:
        if stem(path) in seen:
            copies.add(path)
        seen.add(stem(path))
    selected = [p for p in everything if p not in copies]
    splits = {name: [p for p in paths if p not in copies] for name, paths in splits.items()}
    lines = ["# rank\tsplit\tannotation\tpath\n"]
    for rank, (name, path) in enumerate(order, start=1):
        if path not in copies:
            double = "double" if rank % DOUBLE_EVERY == 0 else "single"
            lines.append(f"{rank}\t{name}\t{double}\t{path}\n")
    return selected, splits, lines


def main(argv: list[str]) -> None:
    repo = Path(argv[1] if len(argv) > 1 else "main")
    selected, splits, lines = build(Path("."), repo)
    out = repo / "eval/corpus"
    (out / "splits").mkdir(parents=True, exist_ok=True)
    (out / "selected.txt").write_text("".join(f"{p}\n" for p in selected))
    for name, paths in splits.items():
        (out / "splits" / f"{name}.txt").write_text("".join(f"{p}\n" for p in paths))
    digest = hashlib.sha256((out / "splits/test.txt").read_bytes()).hexdigest()
    (out / "splits/test.sha256").write_text(f"{digest}  test.txt\n")
    (out / "assignments.txt").write_text("".join(lines))
    print(f"selected\t{len(selected)}")
    for name, paths in splits.items():
        print(f"{name}\t{len(paths)}")


if __name__ == "__main__":
    main(sys.argv)
