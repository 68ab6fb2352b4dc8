namespace Runbook.Tests.Support;

/// <summary>A small valid plan to vary in tests (by replacing a line or appending steps).</summary>
internal static class TestPlans
{
    public const string Minimal = """
        runbook: 1
        name: test
        timezone: Europe/Berlin
        servers:
          old: { imap: { host: 127.0.0.1, port: 1143, security: none } }
          new: { imap: { host: 127.0.0.1 } }
        accounts:
          - email: alice@acme.test
            old: { user: alice, password: { env: ALICE_OLD } }
            new: { user: alice, password: { file: secrets/alice } }
            groups: [test]
        backup:
          targets: [{ id: local, path: backup }]
        steps:
          - { id: backup, uses: mail.backup }
          - { id: migrate, uses: mail.migrate, retry: { attempts: 3, backoff: 1m }, timeout: 1h30m }

        """;

    /// <summary>Everything but <c>steps:</c> (and <c>windows:</c>) of a plan for the test kinds, which need no accounts.</summary>
    public const string EngineHeader = """
        runbook: 1
        name: acme
        timezone: Asia/Tokyo
        servers:
          old: { imap: { host: 127.0.0.1, port: 1143, security: none } }
          new: { imap: { host: 127.0.0.1, port: 2143, security: none } }
        accounts: []

        """;
}
