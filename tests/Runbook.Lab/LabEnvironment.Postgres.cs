using System.Text.Json;

namespace Runbook.Lab;

/// <summary>The lab's PostgreSQL (lab/postgres.sh): the role may create databases, so each test makes its own.</summary>
internal sealed record LabPostgres(string Host, int Port, string User, string Password, string Database)
{
    /// <summary>An Npgsql connection string for <paramref name="database"/> (the lab's own database by default).</summary>
    public string ConnectionString(string? database = null, string? password = null) =>
        $"Host={Host};Port={Port};Username={User};Password={password ?? Password};Database={database ?? Database};Pooling=false;Timeout=10";
}

internal sealed partial record LabEnvironment
{
    private LabPostgres? postgres;

    /// <summary>Read apart from the rest of lab.json: its "postgres" entry is written by lab/postgres.sh.</summary>
    public LabPostgres Postgres => postgres ??= ReadPostgres(Path.Combine(Root, "lab.json"));

    private static LabPostgres ReadPostgres(string labJson)
    {
        using var stream = File.OpenRead(labJson);
        using var document = JsonDocument.Parse(stream);
        if (!document.RootElement.TryGetProperty("postgres", out var entry))
        {
            throw new InvalidDataException($"{labJson} has no postgres entry: run lab/lab.sh down, then up");
        }

        return entry.Deserialize<LabPostgres>(JsonOptions) ?? throw new InvalidDataException($"{labJson}: postgres is empty");
    }
}
