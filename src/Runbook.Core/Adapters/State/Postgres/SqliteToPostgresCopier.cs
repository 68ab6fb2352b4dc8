using Microsoft.Data.Sqlite;
using Npgsql;
using Runbook.Errors;

namespace Runbook.Adapters.State.Postgres;

/// <summary>
/// Moves a plan's SQLite state into an empty PostgreSQL state, table by table and row by row, in one PostgreSQL
/// transaction (all or nothing). The tables and columns are read from the SQLite file, so a table added by a later
/// migration (mirrored in <see cref="PostgresMigrations"/>) is copied without a change here. Journal sequence numbers
/// are kept, so <c>runbook log</c> reads the same before and after.
/// </summary>
internal static class SqliteToPostgresCopier
{
    /// <summary>Rows copied per table.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CopyAsync(string sqlitePath, string connectionString, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(sqlitePath))
        {
            throw new UsageException($"there is no SQLite state to move: {sqlitePath} does not exist");
        }

        // Under the SQLite state's own lock (no apply may write while it is copied), brought to this build's schema.
        var sqlite = new SqliteStateBackend();
        await using (var session = await sqlite.OpenForApplyAsync(sqlitePath, "runbook state migrate", time, cancellationToken))
        {
            await using (await StateStore.AttachAsync(await PostgresConnector.OpenAsync(connectionString, cancellationToken), PostgresMigrations.Dialect,
                PostgresConnector.Describe(connectionString), readOnly: false, time, cancellationToken))
            {
                // Migrated (and closed) first: the copy then runs on a connection of its own, in one transaction.
            }

            return await CopyTablesAsync(sqlitePath, connectionString, cancellationToken);
        }
    }

    private static async Task<Dictionary<string, long>> CopyTablesAsync(string sqlitePath, string connectionString, CancellationToken cancellationToken)
    {
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await source.OpenAsync(cancellationToken);
        await using var target = await PostgresConnector.OpenAsync(connectionString, cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("SELECT (SELECT COUNT(*) FROM steps) + (SELECT COUNT(*) FROM journal)", target, transaction))
        {
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                throw new UsageException($"the state database {PostgresConnector.Describe(connectionString)} is not empty; move a SQLite state only into a new database");
            }
        }

        var copied = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await TablesAsync(source, cancellationToken))
        {
            copied[table] = await CopyTableAsync(source, target, transaction, table, cancellationToken);
        }

        await using (var sequence = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('journal', 'seq'), GREATEST((SELECT MAX(seq) FROM journal), 1))", target, transaction))
        {
            await sequence.ExecuteScalarAsync(cancellationToken);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return copied;
    }

    private static async Task<List<string>> TablesAsync(SqliteConnection source, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<long> CopyTableAsync(SqliteConnection source, NpgsqlConnection target, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var select = source.CreateCommand();
        select.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var insert = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"${i + 1}"))})";
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(insert, target, transaction);
            for (var i = 0; i < columns.Count; i++)
            {
                // SQLite hands back long and string; PostgreSQL assigns a bigint to an INTEGER column itself.
                command.Parameters.Add(reader.IsDBNull(i) ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter { Value = reader.GetValue(i) });
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
            rows++;
        }

        return rows;
    }
}
