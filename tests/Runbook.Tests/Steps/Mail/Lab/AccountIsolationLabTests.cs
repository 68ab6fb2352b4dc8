using System.Net.Sockets;
using System.Text;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;

namespace Runbook.Tests.Steps.Mail.Lab;

/// <summary>One account's trouble never stops the others: real `runbook apply`, eight POP3 accounts on the lab's old server.</summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class AccountIsolationLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_eight_accounts_one_with_a_wrong_password_and_one_held_in_use_When_migrated_Then_seven_finish_the_step_fails_naming_one_and_the_fix_copies_only_it()
    {
        var lab = new MailLab(fixture.Lab);
        var logins = Enumerable.Range(0, 8).Select(i => lab.NewLogin($"iso{i}")).ToList();
        foreach (var (login, i) in logins.Select((l, i) => (l, i)))
        {
            await MailLabMessages.SeedAsync(lab.Old("imap"), login, "INBOX",
                [.. Enumerable.Range(0, 3).Select(n => MailLabMessages.Item(MailLabMessages.Crlf($"account {i} message {n}", $"iso{i}-{n}@old.test")))]);
        }

        var (wrong, busy) = (logins[2], logins[5]);
        const string steps = "  - { id: migrate, uses: mail.migrate, with: { source: pop3, concurrency: 4 } }";
        using var plan = new LabPlan(lab, [.. logins.Select(l => l.User)], steps);
        plan.SetOldPassword(wrong.User, "not-the-password");
        plan.Write([.. logins.Select(l => l.User)], steps);

        // A phone polling the busy account holds its POP3 mailbox lock for a few seconds.
        await using (var phone = await Pop3Holder.LoginAsync(lab.Port("old", "pop3"), busy.User, busy.Password))
        {
            Assert.StartsWith("-ERR [IN-USE]", await Pop3Holder.TryLoginAsync(lab.Port("old", "pop3"), busy.User, busy.Password), StringComparison.Ordinal);
            var run = RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await phone.QuitAsync();
            var (code, output) = await run;

            Assert.True(code == 1, output);
            Assert.Contains("1 of 8 account(s) FAILED", output, StringComparison.Ordinal);
            Assert.Contains($"{wrong.User}: ", output, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", output, StringComparison.Ordinal);
        }

        foreach (var login in logins)
        {
            var inbox = (await MailboxSnapshot.ReadAsync("127.0.0.1", lab.Port("new", "imap"), login.User, login.Password, CancellationToken.None))["INBOX"];
            Assert.Equal(login == wrong ? 0 : 3, inbox.Count);
        }

        plan.SetOldPassword(wrong.User, lab.Password);
        var (fixedCode, fixedOutput) = await RunbookProcess.RunAsync(plan.Folder, "apply", plan.PlanPath);

        Assert.True(fixedCode == 0, fixedOutput);
        Assert.Contains("copied 3 messages", fixedOutput, StringComparison.Ordinal);
        Assert.Contains("for 1 accounts", fixedOutput, StringComparison.Ordinal);
    }

    /// <summary>A POP3 client that logs in and stays, holding the mailbox (the lab's old server allows one session per mailbox).</summary>
    private sealed class Pop3Holder : IAsyncDisposable
    {
        private readonly TcpClient _client;
        private readonly StreamReader _reader;
        private readonly Stream _stream;

        private Pop3Holder(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
            _reader = new StreamReader(_stream, Encoding.ASCII);
        }

        public static async Task<Pop3Holder> LoginAsync(int port, string user, string password)
        {
            var holder = await ConnectAsync(port);
            Assert.StartsWith("+OK", await holder.LoginAsync(user, password), StringComparison.Ordinal);
            return holder;
        }

        /// <summary>The reply to PASS of a second session.</summary>
        public static async Task<string> TryLoginAsync(int port, string user, string password)
        {
            await using var other = await ConnectAsync(port);
            return await other.LoginAsync(user, password);
        }

        public async Task QuitAsync() => await SendAsync("QUIT");

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _stream.DisposeAsync();
        }

        private static async Task<Pop3Holder> ConnectAsync(int port)
        {
            var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var holder = new Pop3Holder(client);
            await holder._reader.ReadLineAsync();
            return holder;
        }

        private async Task<string> LoginAsync(string user, string password)
        {
            await SendAsync($"USER {user}");
            return await SendAsync($"PASS {password}");
        }

        private async Task<string> SendAsync(string line)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            return await _reader.ReadLineAsync() ?? "";
        }
    }
}
