"""Exit 0 when the PostgreSQL server of a DATABASE_URL answers (used by `make test`)."""

import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"] or None,
        dbname="postgres", connect_timeout=3,
    ).close()
except psycopg.Error:
    sys.exit(1)
