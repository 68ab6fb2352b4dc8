using System.Data;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    // Append only: a released version's script never changes; a new schema is a new entry. Each entry is mirrored, at the
    // same index, in Postgres/PostgresMigrations.cs (a test fails while the two lists differ in length).
    internal static readonly string[] Migrations =
    [
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
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, step_id TEXT, event TEXT NOT NULL,
            message TEXT NOT NULL, detail TEXT);
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        """,
        // 2: the copy ledger belongs to the account, not to a step (no step reset or plan sync deletes it), and each
        // per-account step keeps every account's outcome with the account's own fingerprint.
        """
        CREATE TABLE copy_ledger (
            account TEXT NOT NULL, source_folder TEXT NOT NULL, source_uidvalidity INTEGER NOT NULL, source_id TEXT NOT NULL,
            identity TEXT NOT NULL, size INTEGER NOT NULL,
            destination_folder TEXT NOT NULL, destination_uidvalidity INTEGER NOT NULL, destination_uid INTEGER NOT NULL,
            how TEXT NOT NULL, step_id TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (account, source_folder, source_uidvalidity, source_id));
        CREATE TABLE step_accounts (
            step_id TEXT NOT NULL, account TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
            error TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (step_id, account));
        """,
        // 3: messages the new server refused or altered, per account like the ledger, until resolved or accepted.
        """
        CREATE TABLE message_exceptions (
            id TEXT PRIMARY KEY, account TEXT NOT NULL, source_folder TEXT NOT NULL, source_uidvalidity INTEGER NOT NULL,
            source_id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, size INTEGER NOT NULL, location TEXT,
            step_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,
            accepted_by TEXT, accepted_at TEXT, accept_reason TEXT);
        CREATE INDEX message_exceptions_account ON message_exceptions (account);
        """,
        // 4: per account and source folder, what the last completed pass saw (STATUS before listing), so a pass skips
        // a folder that did not change and reads only UIDs above uidnext in one that grew. Belongs to the account, like the ledger.
        """
        CREATE TABLE folder_states (
            account TEXT NOT NULL, source_folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL, messages INTEGER NOT NULL, highest_modseq INTEGER,
            destination_folder TEXT NOT NULL, destination_uidvalidity INTEGER NOT NULL, destination_uidnext INTEGER NOT NULL,
            destination_messages INTEGER NOT NULL, present INTEGER NOT NULL, deleted INTEGER NOT NULL, step_id TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (account, source_folder));
        """,
    ];

    /// <summary>SQLite, one file per plan. Declared after <see cref="Migrations"/>: static fields initialise in text order.</summary>
    public static readonly StoreDialect SqliteDialect = new()
    {
        Name = "sqlite", Migrations = Migrations, Isolation = IsolationLevel.Serializable,
        RelaxBefore = "PRAGMA synchronous=NORMAL", RelaxAfter = "PRAGMA synchronous=FULL",
    };

    /// <summary>The schema version this build writes.</summary>
    public static int SchemaVersion => Migrations.Length;

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_dialect.MigrationLock is { } take)
        {
            await ExecuteAsync(take, cancellationToken);
        }

        try
        {
            await MigrateLockedAsync(cancellationToken);
        }
        finally
        {
            if (_dialect.MigrationUnlock is { } release)
            {
                await ExecuteAsync(release, CancellationToken.None);
            }
        }
    }

    private async Task MigrateLockedAsync(CancellationToken cancellationToken)
    {
        var migrations = _dialect.Migrations;
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", cancellationToken);
        var applied = (await QueryAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", r => r.GetInt32(0), cancellationToken))[0];
        if (applied > migrations.Count)
        {
            throw new Errors.UsageException($"the state database {Path} was written by a newer runbook (schema {applied}, this one knows {migrations.Count})");
        }

        for (var version = applied + 1; version <= migrations.Count; version++)
        {
            var script = migrations[version - 1];
            await InTransactionAsync(async t =>
            {
                await ExecuteAsync(script, cancellationToken, t);
                await WriteAsync(t, "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at)", cancellationToken, ("$v", version), ("$at", Now()));
            }, cancellationToken);
        }
    }
}
