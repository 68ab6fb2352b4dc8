using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Runbook.Adapters.State;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.State;

public sealed class StateStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Given_no_state_When_opened_Then_the_file_is_private_to_the_user_in_WAL_mode_with_the_schema_version_recorded()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "s.db");

        await using var store = await StateStore.OpenAsync(path, _time, CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + "-wal"));
        await using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; ";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT MAX(version) FROM schema_migrations";
        Assert.Equal((long)StateStore.SchemaVersion, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Given_a_ledger_batch_written_without_its_own_sync_When_it_is_done_Then_the_connection_syncs_every_commit_again()
    {
        using var dir = new TempDirectory();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "s.db")};Pooling=False");
        await connection.OpenAsync();
        await using var store = await StateStore.AttachAsync(connection, StateStore.SqliteDialect, "s.db", readOnly: false, _time, CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL";
        await command.ExecuteNonQueryAsync();

        await store.WriteLedgerAsync("migrate", [new LedgerEntry
        {
            Account = "a@acme.test", SourceFolder = "INBOX", SourceUidValidity = 1, SourceId = "1", Identity = "sha:1", Size = 10,
            DestinationFolder = "INBOX", DestinationUidValidity = 1, DestinationUid = 1, How = LedgerHow.Copied,
        }], CancellationToken.None);

        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!); // FULL: the journal, the steps and the next pass's writes stay synced
        Assert.Single(await store.ReadLedgerAsync("a@acme.test", CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_journal_When_something_tries_to_rewrite_it_Then_sqlite_refuses()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "s.db");
        await using (var store = await StateStore.OpenAsync(path, _time, CancellationToken.None))
        {
            await store.AppendJournalAsync(null, "note", "first", null, CancellationToken.None);
        }

        await using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "UPDATE journal SET message = 'forged'";

        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_checkpoints_with_wildcard_characters_When_read_by_prefix_Then_only_true_prefixes_match(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        await store.SyncPlanAsync("p", "h", [new PlannedStep("m", 0, "x", "f")], [], "test", CancellationToken.None);
        await store.SetCheckpointAsync("m", "a_b/INBOX", "10", CancellationToken.None);
        await store.SetCheckpointAsync("m", "axb/INBOX", "20", CancellationToken.None);
        await store.SetCheckpointAsync("m", "a_b/INBOX", "11", CancellationToken.None);

        var found = await store.GetCheckpointsAsync("m", "a_b/", CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["a_b/INBOX"] = "11" }, found);
    }

    [Theory]
    [MemberData(nameof(StoreBackends.All), MemberType = typeof(StoreBackends))]
    public async Task Given_transitions_When_a_step_runs_and_finishes_Then_each_is_journaled_with_the_injected_time(string backend)
    {
        await using var opened = await StoreBackends.OpenAsync(backend, _time);
        var store = opened.Store;
        await store.SyncPlanAsync("p", "h", [new PlannedStep("m", 0, "x", "f")], [], "recorded", CancellationToken.None);

        await store.MarkRunningAsync("m", "started", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(3));
        await store.MarkDoneAsync("m", new() { ["n"] = 1 }, "done", CancellationToken.None);

        var step = (await store.GetStepsAsync(CancellationToken.None))["m"];
        Assert.Equal((StepStatus.Done, 1, _time.GetUtcNow(), """{"n":1}"""), (step.Status, step.Attempts, step.FinishedAt!.Value, step.Outputs!.ToJsonString()));
        Assert.Equal(["plan", "started", "done"], (await store.ReadJournalAsync(CancellationToken.None)).Select(e => e.Event));
    }

    [Fact]
    public async Task Given_folder_states_When_written_twice_and_reopened_Then_the_latest_per_folder_is_read_back_with_a_null_modseq_kept_null()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "s.db");
        FolderState State(string folder, uint uidNext, ulong? modseq) => new()
        {
            Account = "a@x", SourceFolder = folder, UidValidity = 7, UidNext = uidNext, Messages = (int)uidNext - 1, HighestModSeq = modseq,
            DestinationFolder = "INBOX", DestinationUidValidity = 9, DestinationUidNext = 12, DestinationMessages = 11, Present = 10, Deleted = 1,
        };

        await using (var store = await StateStore.OpenAsync(path, _time, CancellationToken.None))
        {
            await store.WriteFolderStatesAsync("m", [State("INBOX", 5, 40), State("INBOX.Sent", 3, null)], CancellationToken.None);
            await store.WriteFolderStatesAsync("d", [State("INBOX", 8, ulong.MaxValue >> 1)], CancellationToken.None);
        }

        await using var reopened = await StateStore.OpenAsync(path, _time, CancellationToken.None);
        var states = (await reopened.ReadFolderStatesAsync("a@x", CancellationToken.None)).OrderBy(s => s.SourceFolder, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("INBOX", 8u, (ulong?)(ulong.MaxValue >> 1), "d"), ("INBOX.Sent", 3u, null, "m")],
            states.Select(s => (s.SourceFolder, s.UidNext, s.HighestModSeq, s.StepId)));
        Assert.Equal(State("INBOX", 8, ulong.MaxValue >> 1) with { StepId = "d", At = _time.GetUtcNow() }, states[0]);
        Assert.Empty(await reopened.ReadFolderStatesAsync("b@x", CancellationToken.None));
    }
}
