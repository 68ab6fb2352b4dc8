using System.Net.Sockets;
using Npgsql;
using Runbook.Errors;

namespace Runbook.Adapters.State.Postgres;

/// <summary>
/// Opens connections to the state database and says why one failed in the house's terms: unreachable (retryable,
/// exit 69) or refused credentials (exit 77). Messages name host, port and database, never the connection string.
/// </summary>
internal static class PostgresConnector
{
    /// <summary>"postgres://host:port/database": how messages and <c>status</c> name the state.</summary>
    public static string Describe(string connectionString)
    {
        var b = Parse(connectionString);
        return $"postgres://{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = Parse(connectionString);
        // Each worker keeps one connection for its store and one for its claims: no pool to size or drain.
        builder.Pooling = false;
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 10;
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (Translate(ex, Describe(connectionString)) is { } translated)
        {
            await connection.DisposeAsync();
            throw translated;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The exception's message may quote the string, password included.
            throw new UsageException("the state connection string is not a valid PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...)");
        }
    }

    private static RunbookException? Translate(Exception ex, string where) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } pg =>
            new AuthenticationFailedException($"the state database {where} refused the login: {pg.MessageText}", ex),
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } pg =>
            new UsageException($"the state database {where} does not exist: {pg.MessageText} (create it, or name another in the connection string)"),
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } or NpgsqlException { IsTransient: true } =>
            new ServerUnreachableException($"the state database {where} is unreachable: {ex.InnerException?.Message ?? ex.Message}", ex),
        _ => null,
    };
}
