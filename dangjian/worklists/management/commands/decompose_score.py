"""``dangjian decompose_score [DIR] [--details]``: the decomposer scored on a corpus of real texts with
hand-written expectations (by default the one kept with the tests): per text and in total, title,
outline accuracy, item precision and recall."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.worklists.decompose.score import score_corpus

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = "用语料库（真实文本 + 人工标注的预期结果）评测文档分解：标题、提纲准确率、清单条目的精确率和召回率"

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(DEFAULT_CORPUS), help="语料目录（.txt 与同名 .json）")
        parser.add_argument("--details", action="store_true", help="列出每篇漏掉的和多出的条目")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"语料目录“{directory}”不存在")
        score = score_corpus(directory)
        if not score.texts:
            raise CommandError(f"语料目录“{directory}”中没有 .json 预期结果")
        write = self.stdout.write
        write(f"{'文本':<28}标题  提纲      条目（命中/预期/产出）")
        for text in score.texts:
            write(f"{text.name:<30}{'✓' if text.title_ok else '✗'}   "
                  f"{text.outline_found}/{text.outline_total:<8}{text.items_found}/{text.items_expected}/{text.items_produced}")
            if options["details"]:
                for kind, point in text.missed:
                    write(f"    漏  {kind}: {point}")
                for kind, title in text.unexpected:
                    write(f"    多  {kind}: {title[:60]}")
        write(f"共 {len(score.texts)} 篇：标题正确 {score.titles_right}/{len(score.texts)}，"
              f"提纲准确率 {percent(score.outline_accuracy)}，"
              f"条目精确率 {percent(score.precision)}，召回率 {percent(score.recall)}")
