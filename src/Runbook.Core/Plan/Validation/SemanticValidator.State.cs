using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

internal sealed partial class SemanticValidator
{
    /// <summary>postgres needs a connection and has no file; sqlite has no connection string.</summary>
    private void CheckState()
    {
        if (Obj(plan["state"]) is not { } state) return;
        var postgres = Str(state["backend"]) == "postgres";
        if (postgres && state["connection"] is null)
            ErrorAtKey("state.backend", "backend postgres needs a connection: add connection: { env: RUNBOOK_PG } (the variable holds the connection string)");
        if (postgres && state["path"] is not null)
            ErrorAtKey("state.path", "path names a SQLite file; with backend postgres the state is in the database of state.connection");
        if (!postgres && state["connection"] is not null)
            ErrorAtKey("state.connection", "connection is for backend postgres; add backend: postgres or remove it");
    }
}
