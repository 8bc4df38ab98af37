"""The reporting line stored as a materialised path, kept by the database itself.

`User.reporting_path` is "/" followed by the ids from the top of the line down to the person,
each followed by "/": the CIO (id 2) is "/2/", a head below them "/2/5/", a lead "/2/5/23/".
Everyone below a manager is then one indexed prefix range (`people.selectors.subtree`), and
"does A manage B" is one row (B's path holds "/A/"). Cost: a subtree is an index range scan,
O(log n + k) for k people below; moving a manager rewrites the k paths below them.

Triggers keep it (on PostgreSQL and SQLite alike), so every way a manager changes — the
admin, CSV import, SCIM, `QuerySet.update`, bulk writes, fixtures — keeps the paths right
without any code remembering to: the path a program writes is ignored and recomputed from the
manager's. `install(connection)` is idempotent; the migration that adds the column runs it and
`people.apps` runs it again after every migrate, because SQLite drops a table's triggers when a
migration rebuilds the table.
"""

POSTGRESQL = [
    # Row by row, from the manager's path (depth 1: a statement of the program; deeper: the
    # cascade below, whose paths are already right).
    """
    CREATE OR REPLACE FUNCTION people_user_reporting_path() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF pg_trigger_depth() > 1 THEN
            RETURN NEW;
        END IF;
        NEW.reporting_path := COALESCE(
            NULLIF((SELECT m.reporting_path FROM people_user m WHERE m.id = NEW.manager_id), ''),
            '/'
        ) || NEW.id || '/';
        RETURN NEW;
    END $$
    """,
    # A changed path carries everyone below along (the pattern is a literal, so the
    # text_pattern_ops index serves it).
    """
    CREATE OR REPLACE FUNCTION people_user_reporting_cascade() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF pg_trigger_depth() > 1 OR OLD.reporting_path = ''
           OR OLD.reporting_path = NEW.reporting_path THEN
            RETURN NULL;
        END IF;
        EXECUTE format(
            'UPDATE people_user SET reporting_path = %L || substr(reporting_path, %s) '
            'WHERE reporting_path LIKE %L AND id <> %s',
            NEW.reporting_path, length(OLD.reporting_path) + 1, OLD.reporting_path || '%', NEW.id
        );
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS people_user_reporting_path_set ON people_user",
    """
    CREATE TRIGGER people_user_reporting_path_set
    BEFORE INSERT OR UPDATE OF manager_id, reporting_path ON people_user
    FOR EACH ROW EXECUTE FUNCTION people_user_reporting_path()
    """,
    "DROP TRIGGER IF EXISTS people_user_reporting_path_cascade ON people_user",
    """
    CREATE TRIGGER people_user_reporting_path_cascade
    AFTER UPDATE OF manager_id, reporting_path ON people_user
    FOR EACH ROW EXECUTE FUNCTION people_user_reporting_cascade()
    """,
]

_SQLITE_OWN_PATH = """
    UPDATE people_user SET reporting_path = COALESCE(
        NULLIF((SELECT m.reporting_path FROM people_user m WHERE m.id = NEW.manager_id), ''), '/'
    ) || NEW.id || '/'
    WHERE id = NEW.id;
"""

# SQLite can't change NEW in a trigger: it rewrites the row after the write instead (its
# triggers don't fire each other, recursive_triggers being off).
SQLITE = [
    "DROP TRIGGER IF EXISTS people_user_reporting_path_insert",
    f"""
    CREATE TRIGGER people_user_reporting_path_insert AFTER INSERT ON people_user
    BEGIN {_SQLITE_OWN_PATH} END
    """,
    "DROP TRIGGER IF EXISTS people_user_reporting_path_update",
    f"""
    CREATE TRIGGER people_user_reporting_path_update
    AFTER UPDATE OF manager_id, reporting_path ON people_user
    BEGIN
        {_SQLITE_OWN_PATH}
        UPDATE people_user
        SET reporting_path = (SELECT n.reporting_path FROM people_user n WHERE n.id = NEW.id)
            || substr(reporting_path, length(OLD.reporting_path) + 1)
        WHERE OLD.reporting_path <> ''
          AND OLD.reporting_path <> (SELECT n.reporting_path FROM people_user n WHERE n.id = NEW.id)
          AND reporting_path LIKE OLD.reporting_path || '%'
          AND id <> NEW.id;
    END
    """,
]


def install(connection) -> None:
    """(Re)create the triggers on this connection's database: idempotent."""
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def backfill(connection) -> None:
    """Write every path, top of the line first: each level's paths are computed (by the
    triggers) from the level above, already written. One statement per level."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_user SET reporting_path = '' WHERE manager_id IS NULL")
        level = "SELECT id FROM people_user WHERE manager_id IS NULL"
        for _ in range(1000):  # deeper than any organisation; a cycle can't loop forever
            cursor.execute(
                f"UPDATE people_user SET reporting_path = '' WHERE manager_id IN ({level})"
            )
            if cursor.rowcount == 0:
                break
            level = f"SELECT id FROM people_user WHERE manager_id IN ({level})"
