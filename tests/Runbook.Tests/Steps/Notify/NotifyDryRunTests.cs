using System.Text.Json.Nodes;
using MimeKit;
using Runbook.Steps.Notify;
using Runbook.Tests.Steps.Mail;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Notify;

public sealed class NotifyDryRunTests
{
    [Fact]
    public async Task Given_a_dry_run_When_previewed_Then_each_message_is_an_eml_file_and_nothing_is_sent_or_stored()
    {
        using var directory = new TempDirectory();
        var statePath = Path.Combine(directory.Path, "plan.runbook.db");
        var submitter = new RecordingSubmitter();
        var state = new FakeStepState();
        var plan = NotifyTestPlans.Plan(["alice@acme.test", "bob@acme.test"], statePath: statePath);
        var context = NotifyTestPlans.Context(plan, new JsonObject { ["template"] = "client_settings", ["language"] = "ja" }, state, NotifyTestPlans.Clock(), dryRun: true, statePath);

        var preview = await new NotifyStep(submitter, new NotifyRetry(1)).PreviewAsync(context, CancellationToken.None);

        var folder = Path.Combine(directory.Path, "notifications", "tell");
        Assert.Equal([Path.Combine(folder, "alice@acme.test.eml"), Path.Combine(folder, "bob@acme.test.eml")], Directory.GetFiles(folder).Order(StringComparer.Ordinal));
        Assert.Equal([folder[..folder.LastIndexOf('/')]], Directory.GetDirectories(directory.Path));
        Assert.Contains("would send 2 message(s)", preview.Summary, StringComparison.Ordinal);
        Assert.Equal(0, submitter.Attempts);
        Assert.Empty(state.Checkpoints);
        Assert.Empty(state.Journal);
        var alice = await MimeMessage.LoadAsync(Path.Combine(folder, "alice@acme.test.eml"));
        Assert.Equal("【新しいメール設定のご案内】alice@acme.test", alice.Subject);
        Assert.Contains("ユーザー名：alice@acme.test", alice.TextBody, StringComparison.Ordinal);
    }
}
