using Runbook.Plan;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

public sealed class ImportAndCsvTests
{
    [Fact]
    public void Given_a_template_with_a_file_secret_When_imported_from_another_folder_Then_the_path_is_relative_to_the_plan()
    {
        using var dir = new TempDir();
        dir.Write("templates/base.yaml", "dns:\n  zone: acme.test\n  update:\n    provider: rfc2136\n    server: { host: 127.0.0.1 }\n    key: { name: k, secret: { file: keys/tsig } }\n");
        var plan = dir.Write("plan.yaml", "imports: [templates/base.yaml]\n" + TestPlans.Minimal);

        var result = new PlanLoader().Load(plan);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(Path.Combine("templates", "keys", "tsig"), result.Plan!.Dns!.Key!.Secret.File);
        Assert.Equal(53, result.Plan.Dns.UpdateServer!.Port);
    }

    [Fact]
    public void Given_a_template_list_When_the_plan_sets_the_same_list_Then_the_plan_replaces_it_whole()
    {
        using var dir = new TempDir();
        dir.Write("base.yaml", "folders:\n  exclude: ['^Trash$', '^Junk$']\n  special_use: false\n");
        var plan = dir.Write("plan.yaml", "imports: [base.yaml]\nfolders:\n  exclude: ['^Spam$']\n" + TestPlans.Minimal);

        var folders = new PlanLoader().Load(plan).Plan!.Folders;

        Assert.Equal(["^Spam$"], folders.Exclude);
        Assert.False(folders.SpecialUse);
    }

    [Fact]
    public void Given_a_csv_with_quotes_and_groups_When_loaded_Then_each_row_becomes_an_account()
    {
        using var dir = new TempDir();
        dir.Write("accounts.csv", "# exported from the old panel\nemail,old_user,old_password,new_user,new_password,groups\n\"bob@acme.test\",\"bob, jr\",env:BOB_OLD,bob,file:pw/bob,test; sales\n");
        var plan = dir.Write("plan.yaml", TestPlans.Minimal.Replace("accounts:\n", "accounts:\n  - { csv: accounts.csv }\n", StringComparison.Ordinal));

        var result = new PlanLoader().Load(plan);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        var bob = result.Plan!.Accounts.Single(a => a.Email == "bob@acme.test");
        Assert.Equal("bob, jr", bob.Old.User);
        Assert.Equal("BOB_OLD", bob.Old.Password.Env);
        Assert.Equal(Path.Combine("pw", "bob"), bob.New.Password.File);
        Assert.Equal(["test", "sales"], bob.Groups);
        Assert.Equal(3, bob.Location!.Line);
    }

    [Fact]
    public void Given_two_thousand_csv_accounts_When_one_row_is_bad_Then_the_error_points_at_that_csv_line()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(1, 2000).Select(i => i == 1500
            ? $"user{i}acme.test,u{i},env:OLD_{i},u{i},env:NEW_{i},"
            : $"user{i}@acme.test,u{i},env:OLD_{i},u{i},env:NEW_{i},{(i % 10 == 0 ? "test" : "")}");
        dir.Write("big.csv", "email,old_user,old_password,new_user,new_password,groups\n" + string.Join("\n", rows) + "\n");
        var plan = dir.Write("plan.yaml", TestPlans.Minimal.Replace("accounts:\n", "accounts:\n  - { csv: big.csv }\n", StringComparison.Ordinal));

        var result = new PlanLoader().Load(plan);

        var error = Assert.Single(result.Diagnostics);
        Assert.EndsWith("big.csv", error.File, StringComparison.Ordinal);
        Assert.Equal((1501, 1), (error.Line, error.Column));
        Assert.Equal("accounts[1499].email", error.Path);
    }
}
