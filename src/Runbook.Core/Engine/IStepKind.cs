namespace Runbook.Engine;

/// <summary>
/// A kind of step (<c>mail.backup</c>, <c>dns.lower_ttl</c>, ...). The engine calls <see cref="PreviewAsync"/> for
/// <c>runbook plan</c> and <see cref="ApplyAsync"/> for <c>runbook apply</c>; one instance serves every step of its kind.
/// </summary>
internal interface IStepKind
{
    /// <summary>The name plans use in <c>uses:</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Top-level sections of the expanded plan (e.g. <c>accounts</c>, <c>servers</c>, <c>dns</c>) this kind reads.
    /// They are part of the step's fingerprint, so editing them makes the step run again.
    /// </summary>
    IReadOnlyList<string> PlanSections => [];

    /// <summary>
    /// How the kind treats the plan's accounts. With any scope but <see cref="Accounts.AccountScope.None"/>, the
    /// <c>accounts</c> section is left out of the step's fingerprint: adding an account does not redo the others.
    /// </summary>
    Accounts.AccountScope Accounts => Engine.Accounts.AccountScope.None;

    /// <summary>
    /// The dry run: what apply would do, found with read-only probes. Must not write anywhere: no server writes, no DNS
    /// updates, no mail; <see cref="StepContext.State"/> is read-only here and throws on writes.
    /// </summary>
    Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Does the work. Must be idempotent: it may be called again after a crash at any point, after a wait, or after a
    /// reset, and must then only do what is still missing (check the destination, use checkpoints as a shortcut).
    /// Expected failures are returned as <see cref="StepOutcome.Failed"/>; cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken);
}
