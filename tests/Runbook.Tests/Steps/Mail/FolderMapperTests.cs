using Runbook.Adapters.Mail;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail;

public sealed class FolderMapperTests
{
    private static readonly MailNamespace Courier = new("INBOX", '.');
    private static readonly MailNamespace Modern = new("", '/');

    private static readonly SourceFolder[] ModernSpecial =
    [
        new("INBOX", '/', true, null),
        new("Sent", '/', true, "Sent"),
        new("Drafts", '/', true, "Drafts"),
        new("Trash", '/', true, "Trash"),
        new("Junk", '/', true, "Junk"),
    ];

    private static FolderMap Map(FolderMapping? rules, SourceFolder[]? destination, params string[] sources) =>
        FolderMapper.Map([.. sources.Select(s => new SourceFolder(s, '.', true, null))], Courier, destination ?? ModernSpecial, Modern, rules ?? new());

    private static string Target(FolderMap map, string source) => map.Routes.Single(r => r.Source == source).Destination;

    [Fact]
    public void Given_a_courier_layout_When_mapped_Then_prefix_and_separator_are_translated()
    {
        var map = Map(null, null, "INBOX", "INBOX.Sent", "INBOX.取引先", "INBOX.取引先.2024", "INBOX.a.b.c");

        Assert.True(map.IsValid, string.Join("; ", map.Problems));
        Assert.Equal("INBOX", Target(map, "INBOX"));
        Assert.Equal("Sent", Target(map, "INBOX.Sent"));
        Assert.Equal("取引先", Target(map, "INBOX.取引先"));
        Assert.Equal("取引先/2024", Target(map, "INBOX.取引先.2024"));
        Assert.Equal("a/b/c", Target(map, "INBOX.a.b.c"));
    }

    [Theory]
    [InlineData("INBOX.送信済みアイテム", "Sent")]
    [InlineData("INBOX.送信済み", "Sent")]
    [InlineData("INBOX.Sent Items", "Sent")]
    [InlineData("INBOX.下書き", "Drafts")]
    [InlineData("INBOX.ごみ箱", "Trash")]
    [InlineData("INBOX.ゴミ箱", "Trash")]
    [InlineData("INBOX.削除済みアイテム", "Trash")]
    [InlineData("INBOX.Deleted Messages", "Trash")]
    [InlineData("INBOX.迷惑メール", "Junk")]
    [InlineData("INBOX.Junk E-mail", "Junk")]
    [InlineData("INBOX.spam", "Junk")]
    public void Given_a_known_localized_name_When_mapped_Then_it_lands_in_the_destination_special_use_folder(string source, string expected)
    {
        var map = Map(null, null, "INBOX", source);

        var route = map.Routes.Single(r => r.Source == source);
        Assert.Equal(expected, route.Destination);
        Assert.Equal(RouteReason.SpecialUse, route.Reason);
    }

    [Fact]
    public void Given_destination_special_use_under_another_name_When_mapped_Then_flag_wins_and_children_follow()
    {
        SourceFolder[] destination = [new("INBOX", '/', true, null), new("Sent Messages", '/', true, "\\Sent")];
        SourceFolder[] source = [new("INBOX", '.', true, null), new("INBOX.Outbox-Copy", '.', true, "Sent"), new("INBOX.Outbox-Copy.2023", '.', true, null)];

        var map = FolderMapper.Map(source, Courier, destination, Modern, new FolderMapping());

        Assert.Equal("Sent Messages", Target(map, "INBOX.Outbox-Copy"));
        Assert.Equal("Sent Messages/2023", Target(map, "INBOX.Outbox-Copy.2023"));
    }

    [Fact]
    public void Given_no_special_use_on_the_destination_When_mapped_Then_the_translated_name_is_kept()
    {
        var map = Map(null, [new("INBOX", '/', true, null)], "INBOX", "INBOX.迷惑メール");

        Assert.Equal("迷惑メール", Target(map, "INBOX.迷惑メール"));
    }

    [Fact]
    public void Given_special_use_mapping_off_When_mapped_Then_names_are_only_translated()
    {
        var map = Map(new FolderMapping { SpecialUse = false }, null, "INBOX", "INBOX.送信済みアイテム");

        Assert.Equal("送信済みアイテム", Target(map, "INBOX.送信済みアイテム"));
    }

    [Fact]
    public void Given_map_rename_and_exclude_When_mapped_Then_each_applies()
    {
        var rules = new FolderMapping
        {
            Map = new Dictionary<string, string> { ["INBOX.Old Stuff"] = "Archive/Old" },
            Rename = [new FolderRename("^Projects/(.*)$", "Work/$1")],
            Exclude = ["^INBOX\\.Tmp(\\..*)?$"],
        };

        var map = Map(rules, null, "INBOX", "INBOX.Old Stuff", "INBOX.Projects.2024", "INBOX.Tmp", "INBOX.Tmp.x");

        Assert.Equal("Archive/Old", Target(map, "INBOX.Old Stuff"));
        Assert.Equal("Work/2024", Target(map, "INBOX.Projects.2024"));
        Assert.Equal(["INBOX.Tmp", "INBOX.Tmp.x"], map.Excluded);
        Assert.DoesNotContain(map.Routes, r => r.Source.StartsWith("INBOX.Tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_two_sources_of_one_special_use_role_When_mapped_Then_the_merge_is_allowed()
    {
        var map = Map(null, null, "INBOX", "INBOX.Sent", "INBOX.送信済みアイテム");

        Assert.True(map.IsValid);
        Assert.Equal(2, map.ByDestination().Single(g => g.Key == "Sent").Count());
    }

    [Fact]
    public void Given_two_automatic_translations_meeting_When_mapped_Then_a_collision_is_reported()
    {
        SourceFolder[] source = [new("INBOX", '.', true, null), new("INBOX.Projects", '.', true, null), new("Projects", '.', true, null)];

        var map = FolderMapper.Map(source, Courier, ModernSpecial, Modern, new FolderMapping());

        var problem = Assert.Single(map.Problems);
        Assert.Contains("'INBOX.Projects'", problem, StringComparison.Ordinal);
        Assert.Contains("'Projects'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_explicit_map_into_an_existing_folder_When_mapped_Then_the_merge_is_intended()
    {
        var rules = new FolderMapping { Map = new Dictionary<string, string> { ["INBOX.Inbox-Old"] = "INBOX" } };

        var map = Map(rules, null, "INBOX", "INBOX.Inbox-Old");

        Assert.True(map.IsValid);
        Assert.Equal("INBOX", Target(map, "INBOX.Inbox-Old"));
    }

    [Fact]
    public void Given_a_slash_inside_a_dotted_name_or_a_bad_pattern_When_mapped_Then_problems_are_returned_not_thrown()
    {
        var map = Map(new FolderMapping { Exclude = ["("] }, null, "INBOX", "INBOX.a/b");

        Assert.Equal(2, map.Problems.Count);
        Assert.DoesNotContain(map.Routes, r => r.Source == "INBOX.a/b");
    }

    [Fact]
    public void Given_a_listing_without_inbox_When_mapped_Then_inbox_is_still_copied()
    {
        var map = Map(null, null, "INBOX.Sent");

        Assert.Equal("INBOX", Target(map, "INBOX"));
    }
}
