import type { PoolClient } from 'pg';

/** Where the store keeps its tables, beside whatever else the database holds. */
export const SCHEMA = 'omnichannel';
/** The channel every committed group of appends is announced on (see `append_group`). */
export const NOTIFY_CHANNEL = 'omnichannel_events';

/**
 * Advisory lock keys (one 64-bit namespace per database, shared with any other application in it):
 * fixed, arbitrary values unlikely to be chosen by anyone else.
 */
export const MIGRATION_LOCK = 7_305_112_018_001;
export const APPEND_LOCK = 7_305_112_018_002;

/**
 * The schema's history: step n brings version n-1 to n. Steps are only ever added; an applied
 * step is never edited (a database at version n has run exactly these statements).
 */
const MIGRATIONS: readonly string[] = [
  // 1: the events table, its position sequence and the append function.
  `
  CREATE SEQUENCE ${SCHEMA}.event_position AS bigint CACHE 1;
  CREATE TABLE ${SCHEMA}.events (
    position    bigint      PRIMARY KEY DEFAULT nextval('${SCHEMA}.event_position'),
    stream_id   text        NOT NULL,
    revision    integer     NOT NULL,
    event_id    text        NOT NULL,
    type        text        NOT NULL,
    data        text        NOT NULL,
    metadata    text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
    CONSTRAINT events_event_id UNIQUE (event_id)
  );
  ALTER SEQUENCE ${SCHEMA}.event_position OWNED BY ${SCHEMA}.events.position;

  -- One group of appends, in one transaction (one round trip). Every append runs in its own
  -- subtransaction (the BEGIN ... EXCEPTION block), so a conflict rolls back that append alone.
  -- The advisory lock makes groups take positions and commit one after the other, so positions
  -- become visible in order (docs/postgres.md, "Ordering"). Outcomes, one per append:
  -- {"p": position, "r": {stream: revision}} | {"w": [stream, expected, actual]} | {"e": [sqlstate, message, constraint]}.
  CREATE FUNCTION ${SCHEMA}.append_group(appends json) RETURNS json
  LANGUAGE plpgsql AS $fn$
  DECLARE
    one json;
    request json;
    outcomes json[] := ARRAY[]::json[];
    stream text;
    expected text;
    current_revision integer;
    last_position bigint;
    revisions jsonb;
    any_written boolean := false;
    state text;
    message text;
    violated text;
  BEGIN
    PERFORM pg_advisory_xact_lock(${APPEND_LOCK});
    FOR one IN SELECT value FROM json_array_elements(appends) LOOP
      BEGIN
        last_position := NULL;
        revisions := '{}';
        FOR request IN SELECT value FROM json_array_elements(one) LOOP
          stream := request->>'s';
          expected := request->>'e';
          SELECT max(revision) INTO current_revision FROM ${SCHEMA}.events WHERE stream_id = stream;
          IF expected <> 'any' AND expected IS DISTINCT FROM coalesce(current_revision::text, 'no_stream') THEN
            RAISE EXCEPTION USING ERRCODE = 'OC409', MESSAGE = json_build_array(stream, expected, current_revision)::text;
          END IF;
          IF json_array_length(request->'v') > 0 THEN
            WITH inserted AS (
              INSERT INTO ${SCHEMA}.events (stream_id, revision, event_id, type, data, metadata, recorded_at)
              SELECT stream, coalesce(current_revision, -1) + e.n, e.v->>0, e.v->>1, e.v->>2, e.v->>3, now()
              FROM json_array_elements(request->'v') WITH ORDINALITY AS e(v, n)
              ORDER BY e.n
              RETURNING position, revision
            )
            SELECT max(position), max(revision) INTO last_position, current_revision FROM inserted;
            revisions := revisions || jsonb_build_object(stream, current_revision);
          END IF;
        END LOOP;
        IF last_position IS NULL THEN
          SELECT coalesce(max(position), 0) INTO last_position FROM ${SCHEMA}.events;
        ELSE
          any_written := true;
        END IF;
        outcomes := outcomes || json_build_object('p', last_position, 'r', revisions);
      EXCEPTION
        WHEN SQLSTATE 'OC409' THEN
          GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
          outcomes := outcomes || json_build_object('w', message::json);
        WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, violated = CONSTRAINT_NAME;
          outcomes := outcomes || json_build_object('e', json_build_array(state, message, violated));
      END;
    END LOOP;
    IF any_written THEN
      PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
    END IF;
    RETURN array_to_json(outcomes);
  END
  $fn$;
  `,
];

/** The version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema to `SCHEMA_VERSION`, idempotently. The transaction-scoped advisory lock makes
 * instances starting at once take turns: the first migrates, the others then find the version
 * current and do nothing (without it, two `CREATE ... IF NOT EXISTS` can still collide in the
 * catalogue). A database already newer than this code is refused rather than misread.
 */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_version (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         version   integer NOT NULL
       )`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_version`);
    const version = rows[0]?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the PostgreSQL event store's schema is at version ${version}, newer than this code's (${SCHEMA_VERSION})`,
      );
    }
    for (let step = version; step < SCHEMA_VERSION; step++) await client.query(MIGRATIONS[step]);
    await client.query(
      `INSERT INTO ${SCHEMA}.schema_version (version) VALUES ($1)
       ON CONFLICT (singleton) DO UPDATE SET version = excluded.version`,
      [SCHEMA_VERSION],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
