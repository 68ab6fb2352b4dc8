using System.Data.Common;
using Runbook.Engine;
using Microsoft.Data.Sqlite;

namespace Runbook.Adapters.State;

/// <summary>
/// The state database: steps, checkpoints, approvals and the append-only journal in one SQLite file (WAL, mode 0600),
/// or in a PostgreSQL database shared by workers (<see cref="Postgres.PostgresStateBackend"/>): the same SQL, with the
/// differences in a <see cref="StoreDialect"/>. Every write is one transaction; rows are updated in place, never rewritten wholesale.
/// </summary>
internal sealed partial class StateStore : IStateStore
{
    private readonly DbConnection _connection;
    private readonly StoreDialect _dialect;
    private readonly TimeProvider _time;
    // Step kinds may write checkpoints from parallel tasks; one connection serves them one at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private StateStore(DbConnection connection, StoreDialect dialect, TimeProvider time, string path, bool readOnly)
    {
        _connection = connection;
        _dialect = dialect;
        _time = time;
        Path = path;
        ReadOnly = readOnly;
    }

    public string Path { get; }

    /// <summary>True for <c>runbook plan</c> and other readers: every write throws.</summary>
    public bool ReadOnly { get; }

    /// <summary>Opens (creating if needed, private to the user) and migrates the state database.</summary>
    public static async Task<StateStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        CreatePrivateFile(path);
        var connection = await ConnectAsync(path, SqliteOpenMode.ReadWrite, cancellationToken);
        var store = new StateStore(connection, SqliteDialect, time, path, readOnly: false);
        try
        {
            // FULL: a transition that returned survives a power cut, not only a crash of this process.
            await store.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;", cancellationToken);
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            // A state written by a newer runbook, or Ctrl+C: the caller gets no store to dispose.
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens an existing state database for reading only; null when there is none (nothing was ever applied).</summary>
    public static async Task<StateStore?> OpenReadOnlyAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // A reader of a WAL database normally creates -wal and -shm files. With no -wal file, every commit is in the
        // database file itself, so it is read as immutable and nothing is created. With one (an apply is running, or
        // one was killed), the reader shares the writer's files, which exist already.
        var immutable = !File.Exists(path + "-wal");
        var source = immutable ? new Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri + "?immutable=1" : path;
        var connection = await ConnectAsync(source, SqliteOpenMode.ReadOnly, cancellationToken);
        var store = new StateStore(connection, SqliteDialect, time, path, readOnly: true);
        await store.ExecuteAsync("PRAGMA busy_timeout=10000;", cancellationToken);
        return store;
    }

    /// <summary>
    /// Takes an open connection to another database (PostgreSQL), migrates it unless <paramref name="readOnly"/>, and owns
    /// it from then on. <paramref name="name"/> is what messages call the state (never the connection string).
    /// </summary>
    public static async Task<StateStore> AttachAsync(DbConnection connection, StoreDialect dialect, string name, bool readOnly, TimeProvider time, CancellationToken cancellationToken)
    {
        var store = new StateStore(connection, dialect, time, name, readOnly);
        try
        {
            if (!readOnly)
            {
                await store.MigrateAsync(cancellationToken);
            }

            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static async Task<SqliteConnection> ConnectAsync(string dataSource, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    private static void CreatePrivateFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        // Created 0600 before SQLite sees it: SQLite gives its -wal and -shm files the database file's mode.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; fine.
        }
    }

    private string Now() => _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private void EnsureWritable()
    {
        if (ReadOnly)
        {
            throw new Engine.DryRunWriteException("the state is open read-only (dry run); nothing may be written");
        }
    }
}
