namespace Runbook.Plan.Model;

/// <summary>A mailbox to move, with its login on each server.</summary>
public sealed record AccountDefinition
{
    public required string Email { get; init; }
    public required Credential Old { get; init; }
    public required Credential New { get; init; }
    public IReadOnlyList<string> Groups { get; init; } = [];
    public SourceLocation? Location { get; init; }
}

public sealed record Credential
{
    public required string User { get; init; }
    public required SecretReference Password { get; init; }
}

/// <summary>Where a secret lives. The value is resolved only when needed and never printed.</summary>
public sealed record SecretReference
{
    public string? Env { get; init; }
    public string? File { get; init; }

    public override string ToString() => Env is not null ? $"env:{Env}" : $"file:{File}";
}
