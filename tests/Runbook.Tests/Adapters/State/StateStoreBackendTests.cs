using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Runbook.Adapters.State;
using Runbook.Adapters.State.Postgres;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.State;

/// <summary>The state model behaves the same on SQLite and PostgreSQL: every theory runs on both.</summary>
public sealed class StateStoreBackendTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Given_the_sqlite_migrations_Then_each_has_its_postgres_mirror_at_the_same_version()
    {
        Assert.Equal(StateStore.Migrations.Length, PostgresMigrations.Scripts.Length);
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_ledger_entries_with_the_largest_uids_When_written_twice_Then_they_read_back_once_each(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        var entry = Entry("a@acme.test", "m1", uint.MaxValue);

        await store.WriteLedgerAsync("migrate", [entry, Entry("a@acme.test", "m2", 7)], None);
        await store.WriteLedgerAsync("migrate", [entry with { DestinationUid = 9 }], None);

        var read = (await store.ReadLedgerAsync("a@acme.test", None)).OrderBy(e => e.SourceId).ToList();
        Assert.Equal([("m1", uint.MaxValue, 9u), ("m2", 7u, 7u)], read.Select(e => (e.SourceId, e.SourceUidValidity, e.DestinationUid)));
        Assert.Equal(2, (await store.CountLedgerAsync(None))["a@acme.test"]);
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_a_refused_message_When_later_copied_and_another_accepted_Then_exceptions_show_both(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        var refused = new MessageException { Account = "a@acme.test", SourceFolder = "INBOX", SourceUidValidity = 5, SourceId = "m1", Kind = ExceptionKind.Refused, Reason = "too big", Size = 10 };
        var altered = refused with { SourceId = "m2", Kind = ExceptionKind.Altered, Reason = "changed", Where = "INBOX/3" };

        await store.WriteExceptionsAsync("migrate", [refused, altered], None);
        await store.WriteLedgerAsync("migrate", [Entry("a@acme.test", "m1", 5)], None);
        Assert.True(await store.AcceptExceptionAsync(altered.Id, "ops", "fine", None));
        Assert.False(await store.AcceptExceptionAsync("nope", "ops", "fine", None));

        var all = await store.ReadExceptionsAsync(null, None);
        Assert.Equal([("m1", true, (string?)null), ("m2", false, "ops")], all.OrderBy(e => e.SourceId).Select(e => (e.SourceId, e.ResolvedAt is not null, e.AcceptedBy)));
        Assert.Empty(await store.ReadExceptionsAsync("b@acme.test", None));
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_account_outcomes_and_an_approval_When_the_step_is_reopened_Then_forgotten_accounts_go_and_the_step_is_pending(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        await store.SyncPlanAsync("p", "h", [new PlannedStep("m", 0, "mail.migrate", "f"), new PlannedStep("d", 1, "dns.switch_mx", "g")], [], "plan", None);
        await store.SetStepAccountAsync("m", "a@acme.test", "fa", true, null, None);
        await store.SetStepAccountAsync("m", "b@acme.test", "fb", false, "boom", None);
        await store.MarkRunningAsync("m", "go", None);
        await store.MarkDoneAsync("m", new(), "done", None);
        await store.ApproveAsync("d", "g", "ops", None);

        await store.ReopenAsync("m", ["b@acme.test"], "b changed", None);

        Assert.Equal(["a@acme.test"], (await store.GetStepAccountsAsync("m", None)).Select(a => a.Account));
        Assert.Equal(StepStatus.Pending, (await store.GetStepsAsync(None))["m"].Status);
        Assert.Equal("ops", (await store.GetApprovalAsync("d", None))!.ApprovedBy);
        Assert.Equal("h", await store.GetMetaAsync("plan_hash", None));
        Assert.Equal(["plan", "started", "done", "approved", "reopened"], (await store.ReadJournalAsync(None)).Select(e => e.Event));
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_a_waiting_step_When_the_plan_drops_it_and_resets_another_Then_only_the_kept_one_remains_fresh(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        await store.SyncPlanAsync("p", "h1", [new PlannedStep("a", 0, "x", "f"), new PlannedStep("b", 1, "x", "f")], [], "plan", None);
        await store.MarkWaitingAsync("a", _time.GetUtcNow().AddHours(1), "window", None);
        await store.SetCheckpointAsync("b", "k", "v", None);
        await store.MarkFailedAsync("b", "boom", retryable: true, None);

        await store.SyncPlanAsync("p", "h2", [new PlannedStep("b", 0, "x", "f2")], ["b"], "plan changed", None);

        var steps = await store.GetStepsAsync(None);
        Assert.Equal(["b"], steps.Keys);
        Assert.Equal((StepStatus.Pending, 0, (string?)null), (steps["b"].Status, steps["b"].Attempts, steps["b"].Error));
        Assert.Null(await store.GetCheckpointAsync("b", "k", None));
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_folder_states_When_written_twice_Then_the_latest_per_folder_is_read_back_with_a_null_modseq_kept_null(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        FolderState State(string folder, uint uidNext, ulong? modseq) => new()
        {
            Account = "a@x", SourceFolder = folder, UidValidity = uint.MaxValue, UidNext = uidNext, Messages = (int)uidNext - 1, HighestModSeq = modseq,
            DestinationFolder = "INBOX", DestinationUidValidity = 9, DestinationUidNext = 12, DestinationMessages = 11, Present = 10, Deleted = 1,
        };

        await store.WriteFolderStatesAsync("m", [State("INBOX", 5, 40), State("INBOX.Sent", 3, null)], None);
        await store.WriteFolderStatesAsync("d", [State("INBOX", 8, ulong.MaxValue >> 1)], None);

        var states = (await store.ReadFolderStatesAsync("a@x", None)).OrderBy(s => s.SourceFolder, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("INBOX", 8u, (ulong?)(ulong.MaxValue >> 1), "d"), ("INBOX.Sent", 3u, null, "m")],
            states.Select(s => (s.SourceFolder, s.UidNext, s.HighestModSeq, s.StepId)));
        Assert.Equal(State("INBOX", 8, ulong.MaxValue >> 1) with { StepId = "d", At = _time.GetUtcNow() }, states[0]);
    }

    [Fact]
    public async Task Given_a_postgres_journal_When_something_tries_to_rewrite_it_Then_postgres_refuses()
    {
        await using var opened = await StoreBackends.OpenAsync("postgres", _time);
        await opened.Store.AppendJournalAsync(null, "note", "first", null, None);
        await using var raw = new NpgsqlConnection(opened.ConnectionString);
        await raw.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE journal SET message = 'forged'", raw);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_new_postgres_database_When_four_workers_open_it_at_once_Then_it_is_migrated_once()
    {
        var connection = await StoreBackends.NewDatabaseAsync();
        try
        {
            var backend = new PostgresStateBackend(_ => ValueTask.FromResult(connection), workers: true);
            var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => backend.OpenForApplyAsync("", "apply", _time, None)));
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            await using var raw = new NpgsqlConnection(connection);
            await raw.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT COUNT(*), MAX(version) FROM schema_migrations", raw);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(((long)StateStore.SchemaVersion, StateStore.SchemaVersion), (reader.GetInt64(0), reader.GetInt32(1)));
        }
        finally
        {
            await StoreBackends.DropDatabaseAsync(connection);
        }
    }

    private static LedgerEntry Entry(string account, string id, uint uid) => new()
    {
        Account = account, SourceFolder = "INBOX", SourceUidValidity = uid, SourceId = id, Identity = "sha:" + id, Size = 10,
        DestinationFolder = "INBOX", DestinationUidValidity = uid, DestinationUid = uid, How = LedgerHow.Copied,
    };
}
