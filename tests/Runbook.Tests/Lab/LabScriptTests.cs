using Runbook.Lab;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class LabScriptTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_running_lab_When_up_runs_again_Then_it_keeps_the_same_servers_and_ports()
    {
        var root = LabEnvironment.FindRepositoryRoot(AppContext.BaseDirectory);

        await LabFixture.RunLabScriptAsync(root, "up");
        var after = LabEnvironment.Load(Path.Combine(root, ".lab", "lab.json"));

        Assert.Equal(fixture.Lab.Id, after.Id);
        Assert.Equal(fixture.Lab.Old.Imap, after.Old.Imap);
        Assert.Equal(fixture.Lab.Dns.Tsig, after.Dns.Tsig);
    }

    [Fact]
    public async Task Given_running_lab_When_asking_status_Then_every_server_is_reported_up()
    {
        var root = LabEnvironment.FindRepositoryRoot(AppContext.BaseDirectory);

        // Throws with the script's output when any server is down (status exits non-zero).
        await LabFixture.RunLabScriptAsync(root, "status");

        Assert.True(File.Exists(Path.Combine(root, ".lab", "pids", "postfix.pid")));
    }
}
