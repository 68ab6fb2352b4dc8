using Npgsql;
using Runbook.Adapters.State;
using Runbook.Adapters.State.Postgres;
using Runbook.Lab;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Support;

/// <summary>
/// The state backends store tests run over: SQLite in a scratch file, PostgreSQL in a fresh database of the lab's
/// server (the lab is brought up on first use; the database is dropped afterwards).
/// </summary>
internal static class StoreBackends
{
    private static readonly Lazy<Task<LabEnvironment>> Lab = new(async () =>
    {
        var root = LabEnvironment.FindRepositoryRoot(AppContext.BaseDirectory);
        await LabFixture.RunLabScriptAsync(root, "up");
        return LabEnvironment.Load(Path.Combine(root, ".lab", "lab.json"));
    });

    public static TheoryData<string> All() => new("sqlite", "postgres");

    public static async Task<LabPostgres> PostgresAsync() => (await Lab.Value).Postgres;

    /// <summary>A new, empty database on the lab's PostgreSQL; its connection string.</summary>
    public static async Task<string> NewDatabaseAsync(string prefix = "t")
    {
        var pg = await PostgresAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var admin = new NpgsqlConnection(pg.ConnectionString());
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return pg.ConnectionString(name);
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var pg = await PostgresAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var admin = new NpgsqlConnection(pg.ConnectionString());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // FORCE may not end a server's own process (an autovacuum worker) for a role without pg_signal_backend:
                // seen once in a full run; such a worker is done within moments, so the drop is tried again.
                await Task.Delay(250);
            }
        }
    }

    public static async Task<TestStore> OpenAsync(string backend, TimeProvider time)
    {
        if (backend == "sqlite")
        {
            var dir = new TempDir();
            return new TestStore(await StateStore.OpenAsync(Path.Combine(dir.Path, "s.db"), time, CancellationToken.None), null, dir);
        }

        var connection = await NewDatabaseAsync();
        var store = await StateStore.AttachAsync(await PostgresConnector.OpenAsync(connection, CancellationToken.None),
            PostgresMigrations.Dialect, PostgresConnector.Describe(connection), readOnly: false, time, CancellationToken.None);
        return new TestStore(store, connection, null);
    }
}

/// <summary>A store open on one backend, and what to clean up after it.</summary>
internal sealed class TestStore(StateStore store, string? connectionString, TempDir? dir) : IAsyncDisposable
{
    public StateStore Store => store;

    /// <summary>The PostgreSQL database's connection string; null for SQLite.</summary>
    public string? ConnectionString => connectionString;

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync();
        dir?.Dispose();
        if (connectionString is not null)
        {
            await StoreBackends.DropDatabaseAsync(connectionString);
        }
    }
}
