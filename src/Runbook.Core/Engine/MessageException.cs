using System.Security.Cryptography;
using System.Text;

namespace Runbook.Engine;

/// <summary>What went wrong with one message: the new server refused it, or stored other bytes than were sent.</summary>
internal enum ExceptionKind { Refused, Altered }

/// <summary>
/// A message that did not arrive as it was. It stays open until it is resolved (a later pass copied it) or a person
/// accepts it with a reason (<c>runbook accept</c>); while any is open, a finished run exits 4 and decommission refuses.
/// </summary>
internal sealed record MessageException
{
    public required string Account { get; init; }
    public required string SourceFolder { get; init; }
    public required uint SourceUidValidity { get; init; }
    public required string SourceId { get; init; }
    public required ExceptionKind Kind { get; init; }
    /// <summary>The server's reply, or what changed ("stored 1,204 bytes, sent 1,208; first difference at byte 57 (header)").</summary>
    public required string Reason { get; init; }
    public long Size { get; init; }
    /// <summary>Where the altered copy is (folder and UID on the new server) and which software stored it.</summary>
    public string? Where { get; init; }
    public string StepId { get; init; } = "";
    public DateTimeOffset FirstSeen { get; init; }
    public DateTimeOffset LastSeen { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? AcceptedBy { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public string? AcceptReason { get; init; }

    /// <summary>The short id people type (<c>runbook accept … --message ID</c>): stable for the message.</summary>
    public string Id => IdOf(Account, SourceFolder, SourceUidValidity, SourceId);

    public bool Open => ResolvedAt is null && AcceptedBy is null;

    public static string IdOf(string account, string folder, uint uidValidity, string sourceId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{account.ToLowerInvariant()}\n{folder}\n{uidValidity}\n{sourceId}")))[..10];
}
