using Runbook.Cli.Commands;
using Runbook.Engine.Workers;
using Runbook.Errors;

namespace Runbook.Tests.Engine.Workers;

public sealed class WorkerOptionsTests
{
    [Fact]
    public void Given_many_addresses_When_sharded_in_four_Then_each_lands_in_one_shard_the_same_every_time_whatever_its_case()
    {
        var emails = Enumerable.Range(0, 200).Select(i => $"user{i}@acme.test").ToList();

        var shards = emails.Select(e => Shard.Of(e, 4)).ToList();

        Assert.Equal(shards, emails.Select(e => Shard.Of(e.ToUpperInvariant(), 4)));
        Assert.All(Enumerable.Range(0, 4), i => Assert.InRange(shards.Count(s => s == i), 20, 80));
        Assert.All(emails, e => Assert.Single(Enumerable.Range(0, 4), i => new Shard(i, 4).Owns(e)));
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    public void Given_a_shard_text_When_parsed_Then_index_and_count_are_read(string text, int index, int count)
    {
        Assert.Equal(new Shard(index, count), Shard.Parse(text));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Given_a_bad_shard_When_given_Then_it_is_a_usage_error(string text)
    {
        Assert.Throws<UsageException>(() => WorkerMode.From(worker: false, text, 30, _ => null));
    }

    [Fact]
    public void Given_a_kubernetes_indexed_job_When_a_worker_starts_Then_its_shard_comes_from_the_job_index()
    {
        var environment = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "2", ["JOB_COMPLETIONS"] = "4" };

        var options = WorkerMode.From(worker: true, null, 30, environment.GetValueOrDefault);

        Assert.Equal(new Shard(2, 4), options!.Shard);
        Assert.Null(WorkerMode.From(worker: false, null, 30, environment.GetValueOrDefault));
        Assert.Null(WorkerMode.From(worker: true, null, 30, _ => null)!.Shard);
    }
}
