using System.Data;
using System.Data.Common;

namespace Runbook.Adapters.State;

internal sealed partial class StateStore
{
    /// <summary>Runs a script as it is (no parameters, no marker rewriting): pragmas and migrations.</summary>
    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbCommand Command(string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = _dialect.Sql(sql);
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = _dialect.Parameter(name);
            parameter.Value = value ?? DBNull.Value;
            if (value is null && sql.Contains($"{name} IS NULL", StringComparison.Ordinal))
            {
                // PostgreSQL cannot infer the type of an untyped null compared with nothing ("$a IS NULL OR account = $a");
                // elsewhere an untyped null takes its column's type.
                parameter.DbType = DbType.String;
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>New values for parameters of a command made by <see cref="Command"/> (same names, same types), to run it again.</summary>
    private void Set(DbCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters[_dialect.Parameter(name)].Value = value;
        }
    }

    private async Task<int> WriteAsync(DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction: on SQLite an immediate one (the write lock is taken up front, so it
    /// never fails half way on a busy database); on PostgreSQL read committed, every write being one upsert or keyed update.
    /// A <paramref name="relaxed"/> one is not synced to disk by its own commit (see <see cref="StoreDialect.RelaxBefore"/>).
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken, bool relaxed = false)
    {
        EnsureWritable();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (relaxed && _dialect.RelaxBefore is { } before) await ExecuteAsync(before, cancellationToken);
            try
            {
                await using var transaction = await _connection.BeginTransactionAsync(_dialect.Isolation, cancellationToken);
                if (relaxed && _dialect.RelaxInside is { } inside) await ExecuteAsync(inside, cancellationToken, transaction);
                var result = await work(transaction);
                // Commit is not cancellable: once the work is done, the record of it must land.
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            finally
            {
                if (relaxed && _dialect.RelaxAfter is { } after) await ExecuteAsync(after, CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task InTransactionAsync(Func<DbTransaction, Task> work, CancellationToken cancellationToken, bool relaxed = false) =>
        InTransactionAsync(async t => { await work(t); return true; }, cancellationToken, relaxed);

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, null, parameters);
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

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.Parse(reader.GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static string? Format(DateTimeOffset? time) => time?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
