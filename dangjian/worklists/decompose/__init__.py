"""The document decomposer of issue 4: a speech or work plan (.txt, .docx or pasted text) into a draft
of problem, task and responsibility items. Pure Python, no database.

    from dangjian.worklists.decompose import decompose, decompose_file, DecomposeError

``decompose(text, source="")`` and ``decompose_file(path_or_bytes, filename="")`` return
``{"title", "noise", "outline", "items", "filtered", "preamble", "closing"}`` (README 文档分解);
``org_names`` adds the scope's organisation names to the owner vocabulary.
"""

from .bench import benchmark_decompose
from .errors import DecomposeError
from .pipeline import decompose, decompose_file

__all__ = ["DecomposeError", "benchmark_decompose", "decompose", "decompose_file"]
