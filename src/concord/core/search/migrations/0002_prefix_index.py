"""An index of the start of every title word and code, for queries too short for trigrams.

SQLite: an FTS5 table ``search_prefix`` over ``search_searchentry``'s title and codes (external
content: it stores only the index), tokenized into words with the 1- and 2-character prefix indexes,
so ``"qx" *`` finds the entries with a title word or a code word starting with "qx" without reading
every entry. Triggers keep it in step with ``search_searchentry`` in the same statement, whatever
writes the entries (the facade, a bulk loader). Letters, digits and combining marks are word
characters (Thai and Khmer vowels and signs are combining marks: a Thai or Khmer word stays one
word); everything else separates words. The engine re-checks the exact rule on what it finds.

Note: Django rebuilds a SQLite table to alter it, which drops its triggers. A later migration that
alters SearchEntry must re-run ``create_prefix_index`` (test_engine checks the triggers exist).

PostgreSQL: the GIN trigram index over ``document`` already serves ``document ILIKE 'qx%'`` and
``ILIKE '% qx%'`` (pg_trgm pads the start of a word: "  q", " qx"). What it cannot do is stop early:
it finds every match before the first row is read. A B-tree over ``lower(title)`` finds the names
that *start* with the query (the best ranked) in order and stops after the first few hundred, so
neither a common two-letter query nor a common word makes the engine rank thousands of names.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_prefix USING fts5(title, codes, content = 'search_searchentry',"
    " content_rowid = 'id', tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\","
    " prefix = '1 2')",
    "CREATE TRIGGER search_prefix_insert AFTER INSERT ON search_searchentry BEGIN"
    " INSERT INTO search_prefix (rowid, title, codes) VALUES (new.id, new.title, new.codes); END",
    "CREATE TRIGGER search_prefix_delete AFTER DELETE ON search_searchentry BEGIN"
    " INSERT INTO search_prefix (search_prefix, rowid, title, codes)"
    " VALUES ('delete', old.id, old.title, old.codes); END",
    "CREATE TRIGGER search_prefix_update AFTER UPDATE OF id, title, codes ON search_searchentry BEGIN"
    " INSERT INTO search_prefix (search_prefix, rowid, title, codes)"
    " VALUES ('delete', old.id, old.title, old.codes);"
    " INSERT INTO search_prefix (rowid, title, codes) VALUES (new.id, new.title, new.codes); END",
    "INSERT INTO search_prefix (search_prefix) VALUES ('rebuild')",  # the entries already there
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_prefix_insert",
    "DROP TRIGGER IF EXISTS search_prefix_delete",
    "DROP TRIGGER IF EXISTS search_prefix_update",
    "DROP TABLE IF EXISTS search_prefix",
]


POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS search_entry_title_prefix"
    " ON search_searchentry (lower(title) text_pattern_ops)"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS search_entry_title_prefix"


def create_prefix_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop_prefix_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_prefix_index, drop_prefix_index),
    ]
