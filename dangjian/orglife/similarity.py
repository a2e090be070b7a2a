"""Near-duplicate minutes: character shingles, a one-permutation MinHash sketch, LSH banding.

Pure Python and fast enough without numpy: each shingle is hashed once (integer mixing, stable
across processes), and the sketch keeps the minimum per bin. The sketch is made when a record is
saved, so a whole-year scan reads only sketches, buckets them by band and compares candidates."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

SHINGLE = 4  # characters
BINS = 64
# 8 bands of 8 bins: a pair at similarity 0.9 shares a band with probability 0.99, at 0.8 with 0.77,
# while pairs sharing only boiler-plate (0.3) almost never do — few candidates to compare.
BANDS = 8
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
        v = h >> 6
        if v < mins[b]:
            mins[b] = v
    return mins


def sketch(text: str) -> str:
    """The stored form: BINS values in hex, or '' for minutes too short to compare."""
    values = sketch_values(text)
    return "" if values is None else "".join(f"{v:015x}" for v in values)


def parse(stored: str) -> tuple[int, ...] | None:
    if len(stored) != 15 * BINS:
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
            buckets[(band, *values[band * ROWS:(band + 1) * ROWS])].append(key)
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


# -- on the stored form: no parsing, bands are substrings -------------------------------------------

_WIDTH = 15
_EMPTY_HEX = f"{EMPTY:015x}"
STORED_LENGTH = _WIDTH * BINS


def stored_similarity(a: str, b: str) -> float:
    same = total = 0
    for i in range(0, _WIDTH * BINS, _WIDTH):
        x, y = a[i:i + _WIDTH], b[i:i + _WIDTH]
        if x == _EMPTY_HEX and y == _EMPTY_HEX:
            continue
        total += 1
        same += x == y
    return same / total if total else 0.0


def similar_stored(sketches: dict[int, str], threshold: float) -> list[tuple[int, int, float]]:
    """Like ``similar_pairs`` but on stored sketches: a band is a substring, so bucketing a whole
    year's records needs no parsing; only candidate pairs are compared."""
    buckets: dict[str, list[int]] = defaultdict(list)
    step = _WIDTH * ROWS
    # a sketch of another length was made with other settings: not comparable, left out
    sketches = {k: v for k, v in sketches.items() if len(v) == STORED_LENGTH}
    for key, stored in sketches.items():
        for band in range(BANDS):
            buckets[f"{band}{stored[band * step:(band + 1) * step]}"].append(key)
    pairs: set[tuple[int, int]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        ids.sort()
        if len(ids) > 200:
            pairs.update(zip(ids, ids[1:], strict=False))
        else:
            pairs.update((x, y) for i, x in enumerate(ids) for y in ids[i + 1:])
    out = []
    for a, b in pairs:
        score = stored_similarity(sketches[a], sketches[b])
        if score >= threshold:
            out.append((a, b, score))
    return sorted(out)


def similar_to(stored: str, others: Iterable[tuple[int, str]], threshold: float) -> list[tuple[int, float]]:
    """The records among ``others`` whose minutes are near-identical to one record's (saving one)."""
    if len(stored) != STORED_LENGTH:
        return []
    step = _WIDTH * ROWS
    bands = [stored[b * step:(b + 1) * step] for b in range(BANDS)]
    out = []
    for key, other in others:
        if len(other) == STORED_LENGTH and any(other[b * step:(b + 1) * step] == band for b, band in enumerate(bands)):
            score = stored_similarity(stored, other)
            if score >= threshold:
                out.append((key, score))
    return out


def band_keys(stored: str) -> list[int]:
    """The sketch's bands as signed 64-bit integers (the band's number mixed in), for the indexed
    band table: records sharing a key are candidate copies. Empty for sketches not comparable."""
    if len(stored) != STORED_LENGTH:
        return []
    step = _WIDTH * ROWS
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(f"{band}:{stored[band * step:(band + 1) * step]}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys
