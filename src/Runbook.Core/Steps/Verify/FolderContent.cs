using Runbook.Adapters.Mail;

namespace Runbook.Steps.Verify;

/// <summary>
/// One folder as read for verification: its UIDVALIDITY and index always, and with content every message's facts.
/// <see cref="Exists"/> is false for a mapped destination folder the server does not have (every message then missing).
/// </summary>
internal sealed record FolderContent(string Name, bool Exists, uint UidValidity, IReadOnlyList<MessageRef> Index, IReadOnlyList<MessageFacts> Messages)
{
    public static FolderContent Absent(string name) => new(name, false, 0, [], []);

    public int Count => Index.Count;
}
