using System.Text.Json;
using Runbook.Engine;

namespace Runbook.Steps.Mail;

/// <summary>Keeps copy checkpoints in the step's state (one SQLite transaction per save), keyed <c>account/source -> destination</c>.</summary>
internal sealed class StateCheckpointStore(IStepState state) : IMailCheckpointStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<MailCheckpoint?> LoadAsync(string account, string unit, CancellationToken cancellationToken)
    {
        var text = await state.GetCheckpointAsync(Key(account, unit), cancellationToken);
        try
        {
            return text is null ? null : JsonSerializer.Deserialize<MailCheckpoint>(text, Json);
        }
        catch (JsonException)
        {
            // A checkpoint is only a shortcut: an unreadable one means a full scan, never a wrong skip.
            return null;
        }
    }

    public Task SaveAsync(string account, string unit, MailCheckpoint checkpoint, CancellationToken cancellationToken) =>
        state.SetCheckpointAsync(Key(account, unit), JsonSerializer.Serialize(checkpoint, Json), cancellationToken);

    private static string Key(string account, string unit) => account + "/" + unit;
}
