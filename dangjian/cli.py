"""The ``dangjian`` console command: Django's management commands under the platform's name.

``dangjian demo-data --scale county`` is ``manage.py demo_data --scale county``: hyphens in the
first word become underscores so that commands read the way the README writes them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "dangjian"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
