using System.Data;
using System.Text.RegularExpressions;

namespace Runbook.Adapters.State;

/// <summary>
/// What differs between the databases <see cref="StateStore"/> runs on: the migration scripts, the parameter marker,
/// the isolation of a write and how concurrent migrators are kept apart. The queries themselves are shared SQL.
/// </summary>
internal sealed partial class StoreDialect
{
    public required string Name { get; init; }

    /// <summary>Migration <c>i</c> is schema version <c>i + 1</c> on every backend: the same numbering, mirrored scripts.</summary>
    public required IReadOnlyList<string> Migrations { get; init; }

    public required IsolationLevel Isolation { get; init; }

    /// <summary>The queries are written with <c>$name</c> (SQLite's marker); PostgreSQL (Npgsql) wants <c>@name</c>.</summary>
    public bool AtParameters { get; init; }

    /// <summary>Run before and after migrating, so two processes opening a new database do not both create its tables.</summary>
    public string? MigrationLock { get; init; }

    public string? MigrationUnlock { get; init; }

    /// <summary>
    /// A write that may be lost to a power cut or an OS crash (never to a killed process, never half, and made durable
    /// by the next ordinary commit, which syncs everything before it): run before its transaction and after it
    /// (SQLite: a WAL commit without its fsync), or inside it (PostgreSQL: <c>SET LOCAL synchronous_commit</c>).
    /// </summary>
    public string? RelaxBefore { get; init; }

    public string? RelaxAfter { get; init; }

    public string? RelaxInside { get; init; }

    public string Sql(string sql) => AtParameters ? Marker().Replace(sql, "@$1") : sql;

    public string Parameter(string name) => AtParameters && name.StartsWith('$') ? "@" + name[1..] : name;

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Marker();
}
