using Npgsql;
using Runbook.Engine.Workers;

namespace Runbook.Adapters.State.Postgres;

/// <summary>
/// <see cref="IWorkQueue"/> on the plan's PostgreSQL state: a claim is <c>SELECT … FOR UPDATE SKIP LOCKED</c> of one
/// open item whose lease is free or ran out, so concurrent workers never wait on each other's rows and never hold the
/// same item. Lease times are the database's clock (<c>now()</c>), the one clock every worker on every machine shares.
/// The table is the workers' coordination, not the state model: it is not one of the mirrored migrations.
/// </summary>
internal sealed class PostgresWorkQueue : IWorkQueue
{
    private const long TableLockKey = 0x52756e626f6f6d;
    private readonly NpgsqlConnection _connection;
    private readonly TimeSpan _lease;
    // One connection, used by the worker's main flow and its lease renewal: one command at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private PostgresWorkQueue(NpgsqlConnection connection, string workerId, TimeSpan lease)
    {
        _connection = connection;
        WorkerId = workerId;
        _lease = lease;
    }

    public string WorkerId { get; }

    public static async Task<PostgresWorkQueue> OpenAsync(string connectionString, string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var queue = new PostgresWorkQueue(await PostgresConnector.OpenAsync(connectionString, cancellationToken), workerId, lease);
        try
        {
            await queue.ExclusiveAsync(() => queue.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS work_items (
                    key TEXT NOT NULL, account TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', holder TEXT,
                    lease_until TIMESTAMPTZ, attempts INTEGER NOT NULL DEFAULT 0, error TEXT,
                    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (key, account))
                """, [], cancellationToken), cancellationToken);
            return queue;
        }
        catch
        {
            await queue.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every item, for <c>status</c>: read only, and empty where no worker ever ran (no table is created).</summary>
    public static async Task<IReadOnlyList<WorkItem>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        var queue = new PostgresWorkQueue(await PostgresConnector.OpenAsync(connectionString, cancellationToken), "status", TimeSpan.Zero);
        await using (queue)
        {
            var exists = await queue.QueryAsync("SELECT to_regclass('work_items') IS NOT NULL", r => r.GetBoolean(0), [], cancellationToken);
            return exists[0] ? await queue.ListAsync(null, cancellationToken) : [];
        }
    }

    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await ExecuteAsync($"SELECT pg_advisory_lock({TableLockKey})", [], cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            await ExecuteAsync($"SELECT pg_advisory_unlock({TableLockKey})", [], CancellationToken.None);
        }
    }

    public Task SeedAsync(string key, IReadOnlyCollection<string> accounts, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO work_items (key, account) SELECT @k, unnest(@a) ON CONFLICT DO NOTHING",
            [new("k", key), new("a", accounts.ToArray())], cancellationToken);

    public async Task<WorkClaim?> ClaimAsync(string key, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("""
            WITH c AS (
                SELECT key, account, holder FROM work_items
                WHERE key = @k AND status = 'open' AND account = ANY(@a) AND (holder IS NULL OR holder = @w OR lease_until < now())
                ORDER BY account LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE work_items w SET holder = @w, lease_until = now() + @lease, attempts = w.attempts + 1, updated_at = now()
            FROM c WHERE w.key = c.key AND w.account = c.account
            RETURNING w.account, c.holder, w.attempts
            """, r => new WorkClaim(key, r.GetString(0), r.IsDBNull(1) || r.GetString(1) == WorkerId ? null : r.GetString(1), r.GetInt32(2)),
            [new("k", key), new("a", allowed.ToArray()), new("w", WorkerId), new("lease", _lease)], cancellationToken);
        return rows.FirstOrDefault();
    }

    public async Task<bool> RenewAsync(string key, string account, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE work_items SET lease_until = now() + @lease WHERE key = @k AND account = @a AND holder = @w AND status = 'open'",
            [new("k", key), new("a", account), new("w", WorkerId), new("lease", _lease)], cancellationToken) == 1;

    public Task FinishAsync(string key, string account, string status, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            UPDATE work_items SET status = @s, error = @e, updated_at = now(),
            holder = CASE WHEN @s = 'open' THEN NULL ELSE holder END, lease_until = NULL WHERE key = @k AND account = @a
            """, [new("k", key), new("a", account), new("s", status), new("e", (object?)error ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }], cancellationToken);

    public async Task<bool> OnceAsync(string key, string marker, CancellationToken cancellationToken) =>
        await ExecuteAsync("INSERT INTO work_items (key, account, status, holder) VALUES (@k, @m, 'marker', @w) ON CONFLICT DO NOTHING",
            [new("k", key), new("m", marker), new("w", WorkerId)], cancellationToken) == 1;

    public async Task<IReadOnlyList<WorkItem>> ListAsync(string? key, CancellationToken cancellationToken) =>
        await QueryAsync("""
            SELECT key, account, status, holder, lease_until, attempts, error, updated_at FROM work_items
            WHERE (@k::text IS NULL OR key = @k) AND status <> 'marker' ORDER BY key, account
            """, r => new WorkItem(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7)),
            [new("k", (object?)key ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    private async Task<int> ExecuteAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }
}
