"""Which snapshots tell the same story: word-shingle containment plus shared figures and names.

A rewrite changes words but keeps the figures, the names and some phrasing, so
each signal is measured separately and combined. Scores are compared with the
corpus's own baseline (the median pair), not with a fixed threshold alone.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import statistics
import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass
from itertools import combinations
from pathlib import Path

from build_tools.cache_files import read_json, write_json
from build_tools.snapshots import normalize

SHINGLE = 4
_WORD = re.compile(r"[a-z0-9$']+")
_FIGURE = re.compile(r"\$?\d[\d,.]*\d(?:\s(?:billion|million|trillion|percent))?|\$?\d(?:\s(?:billion|million))?")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b")
WEIGHTS = (0.5, 0.25, 0.25)  # shingles, figures, names
FLAG_RATIO = 3.0
FLAG_MINIMUM = 0.15
SAMPLE = 2000  # pairs used to estimate the baseline in a large corpus
RARE = 20  # a shingle shared by more snapshots than this is boilerplate, not evidence


@dataclass(frozen=True)
class Features:
    shingles: frozenset[str]  # word 4-grams, joined by spaces
    figures: frozenset[str]
    names: frozenset[str]


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    score: float
    containment: float
    figures: float
    names: float


SAMPLE_MODULUS = 4  # keep the shingles whose first word hashes to 0 mod this: the same words in every text


def _keep(word: str) -> bool:
    return zlib.crc32(word.encode()) % SAMPLE_MODULUS == 0


def features(text: str) -> Features:
    """A text's evidence: a content-defined sample of its word 4-grams (the same 4-gram is kept or
    dropped in every text, so shared passages stay visible at a quarter of the cost), its figures
    and its multi-word names."""
    folded = normalize(text)
    words = _WORD.findall(folded.lower())
    shingles = frozenset(" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1) if _keep(words[i]))
    figures = frozenset(f.rstrip(".,") for f in _FIGURE.findall(folded))
    names = frozenset(_NAME.findall(folded))
    return Features(shingles, figures, names)


CACHE_VERSION = f"v2-{SHINGLE}-{SAMPLE_MODULUS}"


def cached_features(sha256: str, text: str, cache_dir: Path | None) -> Features:
    """`features(text)`, kept as JSON under `cache_dir` by the snapshot's hash. Snapshots never change
    (a changed file has another hash), so an entry never goes stale; a damaged one is recomputed."""
    if cache_dir is None:
        return features(text)
    path = cache_dir / f"similarity-{CACHE_VERSION}" / f"{sha256}.json"
    data = read_json(path)
    try:
        return Features(frozenset(data["shingles"]), frozenset(data["figures"]), frozenset(data["names"]))
    except (KeyError, TypeError, AttributeError):  # absent (None) or damaged
        pass
    found = features(text)
    write_json(path, {"shingles": sorted(found.shingles), "figures": sorted(found.figures),
                      "names": sorted(found.names)})
    return found


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def compare(first: str, a: Features, second: str, b: Features) -> Pair:
    containment = _containment(a.shingles, b.shingles)
    figures = _jaccard(a.figures, b.figures)
    names = _jaccard(a.names, b.names)
    score = WEIGHTS[0] * containment + WEIGHTS[1] * figures + WEIGHTS[2] * names
    return Pair(first, second, round(score, 4), round(containment, 4), round(figures, 4), round(names, 4))


def rank(texts: Mapping[str, str]) -> list[Pair]:
    """Every pair of texts, most similar first (ties broken by ids, so the order is stable)."""
    found = {key: features(text) for key, text in texts.items()}
    pairs = [compare(a, found[a], b, found[b]) for a, b in combinations(sorted(found), 2)]
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def baseline(pairs: list[Pair]) -> float:
    return statistics.median(p.score for p in pairs) if pairs else 0.0


def is_suspicious(pair: Pair, base: float) -> bool:
    """Far above the corpus baseline: likely a rewrite or republication."""
    return pair.score >= max(FLAG_MINIMUM, FLAG_RATIO * base)


def suspicious_pairs(texts: Mapping[str, str], found: Mapping[str, Features] | None = None) -> tuple[list[Pair], float]:
    """Pairs far above the baseline, without comparing every pair of a large corpus.

    Candidates are pairs that share a rare word shingle (found through an inverted
    index); the baseline is the median of a fixed, seeded sample of all pairs.
    """
    found = dict(sorted((found or {key: features(text) for key, text in texts.items()}).items()))
    keys = list(found)
    all_pairs = len(keys) * (len(keys) - 1) // 2
    if all_pairs <= SAMPLE:
        sample = list(combinations(keys, 2))
    else:
        rng = random.Random(0)
        sample = [tuple(sorted(rng.sample(keys, 2))) for _ in range(SAMPLE)]  # type: ignore[misc]
    base = statistics.median(compare(a, found[a], b, found[b]).score for a, b in sample) if sample else 0.0
    pairs = [compare(a, found[a], b, found[b]) for a, b in sorted(_candidates(found))]
    flagged = [p for p in pairs if is_suspicious(p, base)]
    return sorted(flagged, key=lambda p: (-p.score, p.first, p.second)), base


def cached_suspicious_pairs(snapshots: Mapping[str, str], text_of: Callable[[str], str],
                            cache_dir: Path | None) -> tuple[list[Pair], float]:
    """`suspicious_pairs` of the snapshots (source id → snapshot hash), kept under `cache_dir` by
    those ids and hashes: a lint where no source's snapshot changed reads one small file."""
    key = hashlib.sha256(json.dumps(sorted(snapshots.items())).encode()).hexdigest()
    path = cache_dir / f"similarity-{CACHE_VERSION}" / f"pairs-{key}.json" if cache_dir else None
    if path is not None:
        data = read_json(path)
        try:
            return [Pair(*row) for row in data["pairs"]], float(data["base"])
        except (ValueError, KeyError, TypeError):  # absent (None) or damaged
            pass
    found = {sid: cached_features(sha, text_of(sha), cache_dir) for sid, sha in snapshots.items()}
    pairs, base = suspicious_pairs({}, found)
    if path is not None:
        write_json(path, {"pairs": [list(astuple(p)) for p in pairs], "base": base})
    return pairs, base


def _candidates(found: Mapping[str, Features]) -> set[tuple[str, str]]:
    postings: dict[str, list[str]] = defaultdict(list)
    for key, feats in found.items():
        for shingle in feats.shingles:
            postings[shingle].append(key)
    pairs: set[tuple[str, str]] = set()
    for keys in postings.values():
        if 1 < len(keys) <= RARE:
            pairs.update(combinations(sorted(keys), 2))
    return pairs
