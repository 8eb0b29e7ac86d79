using TokenSdk.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
