"""``dangjian decompose FILE [--format json|xlsx|docx] [--output PATH]``: a speech or work plan
(.txt or .docx) into a draft of problem, task and responsibility items."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from dangjian.worklists.decompose import DecomposeError, decompose_file
from dangjian.worklists.decompose.export import write_docx, write_xlsx
from dangjian.worklists.decompose.readers import MAX_FILE_BYTES, os_reason

WRITERS = {"xlsx": write_xlsx, "docx": write_docx}


class Command(BaseCommand):
    help = "把讲话、方案等文件（.txt/.docx）分解为问题清单、任务清单、责任清单草稿"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要分解的文件（.txt 或 .docx）；“-” 表示从标准输入读取")
        parser.add_argument("--format", choices=["json", "xlsx", "docx"], default="json", help="输出格式，默认 json")
        parser.add_argument("--output", help="输出文件；json 可省略（输出到屏幕），xlsx/docx 必须指定")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if fmt != "json" and not output:
            raise CommandError(f"输出 {fmt} 时必须用 --output 指定输出文件")
        result = self._decompose(options["file"])
        if fmt == "json":
            self._write_json(result, output)
        else:
            try:
                WRITERS[fmt](result, output)
            except OSError as exc:
                raise CommandError(f"无法写入“{output}”：{os_reason(exc)}")
            counts = {kind: sum(1 for i in result["items"] if i["kind"] == kind)
                      for kind in ("problem", "task", "responsibility")}
            self.stderr.write(f"已写入 {output}：问题 {counts['problem']} 项，任务 {counts['task']} 项，"
                              f"责任 {counts['responsibility']} 项")

    def _decompose(self, name: str) -> dict:
        try:
            if name == "-":
                return decompose_file(sys.stdin.buffer.read(MAX_FILE_BYTES + 1))
            return decompose_file(name)
        except DecomposeError as exc:
            raise CommandError(str(exc))

    def _write_json(self, result: dict, output: str | None) -> None:
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if not output:
            self.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as exc:
            raise CommandError(f"无法写入“{output}”：{os_reason(exc)}")
