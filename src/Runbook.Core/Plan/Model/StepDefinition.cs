using System.Text.Json.Nodes;

namespace Runbook.Plan.Model;

/// <summary>One entry of the plan's ordered <c>steps</c> list.</summary>
public sealed record StepDefinition
{
    /// <summary>Stable id; state is keyed by it across runs.</summary>
    public required string Id { get; init; }

    /// <summary>The step kind, e.g. <c>mail.migrate</c>.</summary>
    public required string Uses { get; init; }

    public string? Description { get; init; }

    /// <summary>The kind's parameters (the YAML <c>with:</c> mapping), already schema-checked.</summary>
    public JsonObject With { get; init; } = [];

    /// <summary>Name of a window in <see cref="RunbookPlan.Windows"/> the step may only run inside.</summary>
    public string? Window { get; init; }

    /// <summary>True when a person must run <c>runbook approve</c> before the step runs.</summary>
    public bool Approval { get; init; }

    /// <summary>Ids of earlier steps that must have succeeded (gates).</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    public RetryPolicy Retry { get; init; } = new();
    public TimeSpan? Timeout { get; init; }

    /// <summary>Where the step sits in the plan file, for messages.</summary>
    public SourceLocation? Location { get; init; }
}

public sealed record RetryPolicy
{
    public int Attempts { get; init; } = 1;
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A position in a plan file (1-based line and column).</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
