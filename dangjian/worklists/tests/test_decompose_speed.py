"""Speed: a 10,000-character speech (the figure of issue 4 is ≤ 1 s; printed, not asserted)."""

import time

from dangjian.worklists.decompose import benchmark_decompose, decompose
from dangjian.worklists.decompose.bench import sample_speech


def test_a_generated_10000_character_speech(capsys):
    text = sample_speech(10_000)
    assert len(text) >= 10_000
    started = time.perf_counter()
    result = decompose(text, source="generated.txt")
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n分解 {len(text)} 字讲话用时 {elapsed * 1000:.0f} ms，{len(result['items'])} 条事项")
    assert len(result["outline"]) >= 3
    assert {i["kind"] for i in result["items"]} == {"problem", "task", "responsibility"}
    assert not any("会员" in n["text"] for n in result["outline"])


def test_benchmark_function_prints_and_returns_the_time(capsys):
    seconds = benchmark_decompose(chars=10_000, repeat=1)
    assert seconds > 0
    assert "分解" in capsys.readouterr().out
