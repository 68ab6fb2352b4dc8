using Runbook.Cli;

return await RunbookApp.RunAsync(args, TimeProvider.System, CancellationToken.None);
