using Runbook.Cli;

using var interrupts = new Interrupts(Console.Error);
return await RunbookApp.RunAsync(args, TimeProvider.System, interrupts.Token);
