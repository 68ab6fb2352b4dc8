using MimeKit;
using Runbook.Engine;

namespace Runbook.Steps.Notify;

/// <summary>Where <c>runbook plan</c> puts the mail it would send: .eml files a person can open in any mail client.</summary>
internal static class NotifyPreviewFiles
{
    /// <summary><c>PLAN-DIR/notifications/STEP</c> beside the state file (or the plan), the only thing a dry run writes.</summary>
    public static string Folder(StepContext context)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(context.StatePath ?? context.Plan.SourcePath))!;
        return Path.Combine(root, "notifications", context.Step.Id);
    }

    public static async Task<string> WriteAsync(string folder, string key, MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var name = string.Concat(key.Select(c => char.IsLetterOrDigit(c) || c is '@' or '.' or '-' or '_' ? c : '_'));
        var path = Path.Combine(folder, $"{name}.eml");
        await message.WriteToAsync(path, cancellationToken);
        return path;
    }
}
