"""``python -m dangjian.core.pgcheck URL [--create]``: exit 0 when the PostgreSQL server named by
the URL answers within two seconds; with ``--create``, first create the database if it is missing.
Used by ``make test`` (is PostgreSQL there?) and ``make bench`` (a scratch database)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def _connect(url: str, **kwargs):
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2, **kwargs)


def answers(url: str) -> bool:
    try:
        with _connect(url):
            return True
    except psycopg.Error:
        return False


def create_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with _connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    url = argv[0]
    if "--create" in argv[1:]:
        create_database(url)
    return 0 if answers(url) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
