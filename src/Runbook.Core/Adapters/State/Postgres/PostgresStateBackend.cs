using Npgsql;
using Runbook.Engine;
using Runbook.Engine.Workers;
using Runbook.Errors;

namespace Runbook.Adapters.State.Postgres;

/// <summary>
/// The state in a PostgreSQL database, shared by every worker of a plan. The connection string is a secret: it is
/// resolved when the state is opened, and never printed. Without <paramref name="workers"/>, an apply holds an
/// advisory lock for its lifetime (one apply at a time, as with SQLite); workers share the state and coordinate
/// through row claims instead. The state path is ignored: the connection names the database.
/// </summary>
internal sealed class PostgresStateBackend(Func<CancellationToken, ValueTask<string>> connectionString, bool workers = false) : IWorkerStateBackend
{
    private const long ApplyLockKey = 0x52756e626f6f6c; // one below the migration lock's key

    public async Task<StateSession> OpenForApplyAsync(string path, string command, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await connectionString(cancellationToken);
        IDisposable lease = workers ? NoLease.Instance : await AcquireApplyLockAsync(connection, cancellationToken);
        try
        {
            var store = await StateStore.AttachAsync(
                await PostgresConnector.OpenAsync(connection, cancellationToken), PostgresMigrations.Dialect,
                PostgresConnector.Describe(connection), readOnly: false, time, cancellationToken);
            return new StateSession(store, lease, null);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public async Task<IWorkQueue> OpenWorkQueueAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken) =>
        await PostgresWorkQueue.OpenAsync(await connectionString(cancellationToken), workerId, lease, cancellationToken);

    public async Task<IReadOnlyList<WorkItem>> ReadWorkAsync(CancellationToken cancellationToken) =>
        await PostgresWorkQueue.ReadAsync(await connectionString(cancellationToken), cancellationToken);

    public async Task<IStateStore?> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await connectionString(cancellationToken);
        var open = await PostgresConnector.OpenAsync(connection, cancellationToken);
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", open))
        {
            if (!(bool)(await probe.ExecuteScalarAsync(cancellationToken))!)
            {
                // Nothing was ever applied: like a missing SQLite file, no state (and nothing created).
                await open.DisposeAsync();
                return null;
            }
        }

        return await StateStore.AttachAsync(open, PostgresMigrations.Dialect, PostgresConnector.Describe(connection), readOnly: true, time, cancellationToken);
    }

    /// <summary>A session-level advisory lock on a connection of its own: released when the lease (the connection) closes, or the process dies.</summary>
    private static async Task<IDisposable> AcquireApplyLockAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = await PostgresConnector.OpenAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({ApplyLockKey})", connection);
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            return connection;
        }

        await connection.DisposeAsync();
        throw new StateLockedException($"another runbook apply holds the state {PostgresConnector.Describe(connectionString)} (run workers with --worker to share it)");
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
