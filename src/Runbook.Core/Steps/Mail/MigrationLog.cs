namespace Runbook.Steps.Mail;

/// <summary>What one account's pass ran into, plus a running total for progress output.</summary>
internal sealed class MigrationLog(IProgress<CopyProgress>? progress = null)
{
    public List<MessageRejection> Rejections { get; } = [];
    public List<MessageAlteration> Alterations { get; } = [];
    public List<MessageRepaired> Repairs { get; } = [];
    public List<DroppedKeywords> Dropped { get; } = [];

    public void Report(long bytes, int messages)
    {
        if (messages > 0)
        {
            progress?.Report(new CopyProgress(messages, bytes));
        }
    }
}

/// <summary>Messages and bytes stored by one batch.</summary>
internal readonly record struct CopyProgress(int Messages, long Bytes);
