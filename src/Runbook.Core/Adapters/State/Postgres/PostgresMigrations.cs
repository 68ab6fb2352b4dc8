using System.Data;

namespace Runbook.Adapters.State.Postgres;

/// <summary>
/// The SQLite migrations of <see cref="StateStore"/> (StateStore.Schema.cs), mirrored for PostgreSQL one for one, at the
/// same index (entry i is schema version i + 1 on both). A new SQLite migration is mirrored by appending its entry here.
/// Times stay ISO 8601 text as on SQLite, so both backends read and write the same values; integers that hold a UID,
/// UIDVALIDITY or size are BIGINT (they do not fit a signed 32-bit INTEGER).
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Workers share one database: each holds this advisory lock while it migrates.</summary>
    private const long MigrationLockKey = 0x52756e626f6f6b; // "Runbook"

    public static readonly string[] Scripts =
    [
        // 1 (SQLite 1): meta, steps, checkpoints, approvals, the append-only journal.
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE steps (
            id TEXT PRIMARY KEY, position INTEGER NOT NULL, uses TEXT NOT NULL, fingerprint TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            first_started_at TEXT, started_at TEXT, finished_at TEXT, updated_at TEXT NOT NULL,
            wait_until TEXT, wait_reason TEXT, error TEXT, outputs TEXT);
        CREATE TABLE checkpoints (
            step_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (step_id, key));
        CREATE TABLE approvals (
            step_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL);
        CREATE TABLE journal (
            seq BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, step_id TEXT, event TEXT NOT NULL,
            message TEXT NOT NULL, detail TEXT);
        CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the journal is append-only'; END $$;
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();
        CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal FOR EACH ROW EXECUTE FUNCTION journal_append_only();
        """,
        // 2 (SQLite 2): the copy ledger per account, and each per-account step's outcome per account.
        """
        CREATE TABLE copy_ledger (
            account TEXT NOT NULL, source_folder TEXT NOT NULL, source_uidvalidity BIGINT NOT NULL, source_id TEXT NOT NULL,
            identity TEXT NOT NULL, size BIGINT NOT NULL,
            destination_folder TEXT NOT NULL, destination_uidvalidity BIGINT NOT NULL, destination_uid BIGINT NOT NULL,
            how TEXT NOT NULL, step_id TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (account, source_folder, source_uidvalidity, source_id));
        CREATE TABLE step_accounts (
            step_id TEXT NOT NULL, account TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
            error TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (step_id, account));
        """,
        // 3 (SQLite 3): messages the new server refused or altered.
        """
        CREATE TABLE message_exceptions (
            id TEXT PRIMARY KEY, account TEXT NOT NULL, source_folder TEXT NOT NULL, source_uidvalidity BIGINT NOT NULL,
            source_id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, size BIGINT NOT NULL, location TEXT,
            step_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,
            accepted_by TEXT, accepted_at TEXT, accept_reason TEXT);
        CREATE INDEX message_exceptions_account ON message_exceptions (account);
        """,
        // 4 (SQLite 4): per account and source folder, what the last completed pass saw (the fast pass).
        """
        CREATE TABLE folder_states (
            account TEXT NOT NULL, source_folder TEXT NOT NULL,
            uidvalidity BIGINT NOT NULL, uidnext BIGINT NOT NULL, messages INTEGER NOT NULL, highest_modseq BIGINT,
            destination_folder TEXT NOT NULL, destination_uidvalidity BIGINT NOT NULL, destination_uidnext BIGINT NOT NULL,
            destination_messages INTEGER NOT NULL, present INTEGER NOT NULL, deleted INTEGER NOT NULL, step_id TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (account, source_folder));
        """,
        // 5 (SQLite 5): the next SQLite migration is mirrored here.
    ];

    /// <summary>
    /// PostgreSQL, shared by workers: read committed (every write is an upsert or a keyed update, so concurrent
    /// workers never need a retry for a serialisation failure), named <c>@</c> parameters, an advisory lock while migrating.
    /// </summary>
    public static readonly StoreDialect Dialect = new()
    {
        Name = "postgres",
        Migrations = Scripts,
        Isolation = IsolationLevel.ReadCommitted,
        RelaxInside = "SET LOCAL synchronous_commit = off",
        AtParameters = true,
        MigrationLock = $"SELECT pg_advisory_lock({MigrationLockKey})",
        MigrationUnlock = $"SELECT pg_advisory_unlock({MigrationLockKey})",
    };
}
