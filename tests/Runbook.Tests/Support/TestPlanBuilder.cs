using System.Text.Json.Nodes;
using Runbook.Plan.Model;

namespace Runbook.Tests.Support;

/// <summary>Builds valid plans in C# (no loader involved): steps, windows, time zone.</summary>
internal sealed class TestPlanBuilder
{
    private readonly List<StepDefinition> _steps = [];
    private readonly Dictionary<string, WindowDefinition> _windows = [];
    private string _timezone = "Asia/Tokyo";
    private JsonObject _accounts = [];
    private List<AccountDefinition> _accountList = [];

    public TestPlanBuilder(string directory) => Directory = directory;

    public string Directory { get; }

    public string StatePath => Path.Combine(Directory, "plan.runbook.db");

    public TestPlanBuilder Timezone(string zone)
    {
        _timezone = zone;
        return this;
    }

    public TestPlanBuilder Step(string id, string uses = "test.effect", int units = 3, Func<StepDefinition, StepDefinition>? change = null)
    {
        var step = new StepDefinition { Id = id, Uses = uses, With = new JsonObject { ["units"] = units } };
        _steps.Add(change is null ? step : change(step));
        return this;
    }

    public TestPlanBuilder Window(WindowDefinition window)
    {
        _windows[window.Name] = window;
        return this;
    }

    /// <summary>Something in a plan section outside the steps (here: accounts), to test fingerprints over sections.</summary>
    public TestPlanBuilder Accounts(JsonObject accounts)
    {
        _accounts = accounts;
        return this;
    }

    /// <summary>Real accounts (email, and the login on both servers), for per-account step kinds.</summary>
    public TestPlanBuilder AccountList(params (string Email, string User)[] accounts)
    {
        _accountList = [.. accounts.Select(a => new AccountDefinition
        {
            Email = a.Email,
            Old = new Credential { User = a.User, Password = new SecretReference { Env = "OLD" } },
            New = new Credential { User = a.User, Password = new SecretReference { Env = "NEW" } },
        })];
        _accounts = new JsonObject([.. accounts.Select(a => KeyValuePair.Create(a.Email, (JsonNode?)a.User))]);
        return this;
    }

    public RunbookPlan Build()
    {
        var expanded = new JsonObject { ["name"] = "test", ["accounts"] = _accounts.DeepClone(), ["steps"] = _steps.Count };
        return new RunbookPlan
        {
            Name = "test",
            Timezone = _timezone,
            SourcePath = Path.Combine(Directory, "plan.yaml"),
            // Any text that changes with the steps works as a hash for the engine; the loader computes the real one.
            Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
                string.Join("|", _steps.Select(s => s.Id + s.Uses + s.With.ToJsonString() + s.Window + s.Approval)) + _accounts.ToJsonString()))),
            Expanded = expanded,
            Servers = new Dictionary<string, ServerDefinition>(),
            Accounts = _accountList,
            Windows = _windows,
            Steps = [.. _steps],
        };
    }
}

/// <summary>A fresh directory per test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "runbook-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the OS cleans /tmp.
        }
    }
}
