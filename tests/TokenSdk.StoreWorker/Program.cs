// Drives a FileTokenStore from a separate process and reports every acknowledged operation on stdout, one line
// each, flushed before the next operation starts:
//   chaos  <dir> <seed>          add and delete as fast as possible until killed: "ADD <clientId> <token>", "DEL <clientId>"
//   add    <dir> <count>         add <count> tokens, then exit:                   "ADD <clientId> <token>"
//   delete <dir> <clientId>      delete one token, then exit:                     "DEL <clientId> True|False"
//   expect-gone <dir> <token>    verify until the token fails (other processes' deletion), then exit: "GONE <milliseconds>"
//   use    <dir> <token>         verify the token with last-use tracking, write the times, then exit: "USED True|False"
using System.Diagnostics;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TokenSdk.StoreWorker chaos|add|delete|expect-gone|use <dir> [arg]");
    return 2;
}

using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = args[1] });
var generator = new TokenGenerator();
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
output.WriteLine("READY");

switch (args[0])
{
    case "chaos":
    {
        var random = new Random(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        var live = new List<string>();
        while (true)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                int index = random.Next(live.Count);
                string clientId = live[index];
                live.RemoveAt(index);
                if (await store.DeleteAsync(clientId))
                {
                    output.WriteLine($"DEL {clientId}");
                }
            }
            else
            {
                IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteServiceAccount));
                if (await store.TryAddAsync(issued.Record))
                {
                    live.Add(issued.Record.ClientId);
                    output.WriteLine($"ADD {issued.Record.ClientId} {issued.Details.Token}");
                }
            }
        }
    }

    case "add":
    {
        int count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < count; i++)
        {
            IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteServiceAccount));
            if (await store.TryAddAsync(issued.Record))
            {
                output.WriteLine($"ADD {issued.Record.ClientId} {issued.Details.Token}");
            }
        }

        return 0;
    }

    case "delete":
        output.WriteLine($"DEL {args[2]} {await store.DeleteAsync(args[2])}");
        return 0;

    case "expect-gone":
    {
        var verifier = new TokenVerifier(store, new RoleCatalog());
        var clock = Stopwatch.StartNew();
        while ((await verifier.VerifyAsync(args[2])).IsValid)
        {
            await Task.Delay(5);
        }

        output.WriteLine($"GONE {clock.ElapsedMilliseconds}");
        return 0;
    }

    case "use":
    {
        // As a service does: verification marks the token, the tracker writes the mark to the store's tokens.usage.
        await using var usage = new TokenSdk.Usage.TokenUsageTracker(store);
        var verifier = new TokenVerifier(store, new RoleCatalog(), usage: usage);
        bool valid = (await verifier.VerifyAsync(args[2])).IsValid;
        await usage.FlushAsync();
        output.WriteLine($"USED {valid}");
        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
