"""Near-duplicate minutes: character shingles, a one-permutation MinHash sketch, LSH banding.

Pure Python and fast enough without numpy: each shingle is hashed once (integer mixing, stable
across processes), and the sketch keeps the minimum per bin. The sketch is made when a record is
saved, so a whole-year scan reads only sketches, buckets them by band and compares candidates."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

SHINGLE = 4  # characters
BINS = 32
BANDS = 8  # bands of BINS // BANDS bins; near-identical minutes (≥ 0.8) share a band almost surely
ROWS = BINS // BANDS
EMPTY = (1 << 59) - 1
MASK = (1 << 64) - 1
MIN_CHARS = 60  # minutes shorter than this are not compared: too little to call a copy
_NOISE = re.compile(r"[\s\u3000，。、；：！？“”‘’（）《》,.;:!?\"'()\-—·]+")


def normalise(text: str) -> str:
    return _NOISE.sub("", text or "")


def _shingle_hashes(text: str) -> set[int]:
    """One 64-bit hash per shingle of SHINGLE characters: the shingle's UTF-32 bytes as an integer,
    multiplied by an odd constant, high half kept (stable across processes, unlike ``hash``)."""
    raw = text.encode("utf-32-le")
    width = 4 * SHINGLE
    as_int = int.from_bytes
    return {(as_int(raw[i:i + width], "little") * 0x9E3779B97F4A7C15 >> 64) & MASK
            for i in range(0, len(raw) - width + 4, 4)}


def sketch_values(text: str) -> list[int] | None:
    clean = normalise(text)
    if len(clean) < MIN_CHARS:
        return None
    mins = [EMPTY] * BINS
    for h in _shingle_hashes(clean):
        b = h & (BINS - 1)
        v = h >> 5
        if v < mins[b]:
            mins[b] = v
    return mins


def sketch(text: str) -> str:
    """The stored form: BINS values in hex, or '' for minutes too short to compare."""
    values = sketch_values(text)
    return "" if values is None else "".join(f"{v:015x}" for v in values)


def parse(stored: str) -> tuple[int, ...] | None:
    if not stored:
        return None
    return tuple(int(stored[i:i + 15], 16) for i in range(0, 15 * BINS, 15))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets: the share of bins with the same minimum."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != EMPTY or y != EMPTY]
    if not pairs:
        return 0.0
    return sum(1 for x, y in pairs if x == y) / len(pairs)


def exact_similarity(text_a: str, text_b: str) -> float:
    a, b = _shingle_hashes(normalise(text_a)), _shingle_hashes(normalise(text_b))
    return len(a & b) / len(a | b) if a and b else 0.0


def candidate_pairs(sketches: Iterable[tuple[int, tuple[int, ...]]]) -> set[tuple[int, int]]:
    """Pairs of ids sharing at least one band (LSH): a bucket per band value."""
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for key, values in sketches:
        for band in range(BANDS):
            chunk = values[band * ROWS:(band + 1) * ROWS]
            if EMPTY in chunk:
                continue
            buckets[(band, *chunk)].append(key)
    pairs: set[tuple[int, int]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        if len(ids) > 200:  # boiler-plate shared by very many: compare neighbours only
            ids = sorted(ids)
            pairs.update((ids[i], ids[i + 1]) for i in range(len(ids) - 1))
            continue
        ids = sorted(ids)
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                pairs.add((x, y))
    return pairs


def similar_pairs(sketches: dict[int, tuple[int, ...]], threshold: float) -> list[tuple[int, int, float]]:
    out = []
    for a, b in candidate_pairs(sketches.items()):
        score = similarity(sketches[a], sketches[b])
        if score >= threshold:
            out.append((a, b, score))
    return sorted(out)
