namespace Runbook.Plan.Model;

/// <summary>A mail host (the plan's <c>servers.old</c> or <c>servers.new</c>) with its protocol endpoints.</summary>
public sealed record ServerDefinition
{
    public required string Name { get; init; }
    public Endpoint? Imap { get; init; }
    public Endpoint? Pop3 { get; init; }
    public Endpoint? Smtp { get; init; }
    /// <summary>
    /// <c>smtp.login</c>: the mailbox Runbook's own mail (notify, notifications) is submitted as. Without it, only a
    /// sender that is a plan account can send, with that account's new login; nothing falls back to another account.
    /// </summary>
    public Credential? SmtpLogin { get; init; }
    /// <summary>Per-server cap on simultaneous connections.</summary>
    public int MaxConnections { get; init; } = 8;
}

public enum TransportSecurity { Tls, StartTls, None }

public sealed record Endpoint
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public TransportSecurity Security { get; init; } = TransportSecurity.Tls;
    public TlsOptions Tls { get; init; } = new();
}

/// <summary>Certificate verification; on by default, an exception must be explicit and carries a reason.</summary>
public sealed record TlsOptions
{
    public bool Verify { get; init; } = true;
    /// <summary>Extra CA certificate (PEM) to trust, e.g. a private CA.</summary>
    public string? CaFile { get; init; }
    /// <summary>Why verification is off; shown in the report.</summary>
    public string? InsecureReason { get; init; }
}
