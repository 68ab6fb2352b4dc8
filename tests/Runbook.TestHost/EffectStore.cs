using Microsoft.Data.Sqlite;

namespace Runbook.TestHost;

/// <summary>
/// The test kinds' "destination": a SQLite file of effects keyed by step and unit, plus a log of every write made.
/// The kind checks it before writing, as a real migration checks the new server; the log shows any double write.
/// </summary>
internal sealed class EffectStore(string path)
{
    public bool Contains(string key)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var connection = Open(SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM effects WHERE key = $k";
        command.Parameters.AddWithValue("$k", key);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>Writes the effect unless it is there; true when it wrote. One transaction: the effect and its log line.</summary>
    public bool WriteOnce(string key)
    {
        using var connection = Open(SqliteOpenMode.ReadWriteCreate);
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS effects (key TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, pid INTEGER NOT NULL);
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COUNT(*) FROM effects WHERE key = $k";
        command.Parameters.AddWithValue("$k", key);
        if ((long)command.ExecuteScalar()! > 0)
        {
            return false;
        }

        command.CommandText = "INSERT INTO effects (key) VALUES ($k); INSERT INTO writes (key, pid) VALUES ($k, $pid);";
        command.Parameters.AddWithValue("$pid", Environment.ProcessId);
        command.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    private SqliteConnection Open(SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
