namespace Runbook.Engine.Accounts;

/// <summary>How a step kind treats the plan's accounts.</summary>
internal enum AccountScope
{
    /// <summary>Accounts are one plan section among others: editing them changes the step's fingerprint.</summary>
    None,

    /// <summary>
    /// Done once per account (preflight, migrate): every account's outcome is kept with the account's own fingerprint,
    /// adding an account reopens a done step for that account alone, and a changed account runs again by itself.
    /// </summary>
    EachOnce,

    /// <summary>Every run covers every selected account (delta sync): adding one joins the next pass without resetting the step.</summary>
    EveryPass,
}
