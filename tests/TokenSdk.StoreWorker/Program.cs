// Drives a FileTokenStore from a separate process and reports every acknowledged operation on stdout, one line
// each, flushed before the next operation starts:
//   chaos  <dir> <seed>          add and delete as fast as possible until killed: "ADD <clientId> <token>", "DEL <clientId>"
//   add    <dir> <count>         add <count> tokens, then exit:                   "ADD <clientId> <token>"
//   delete <dir> <clientId>      delete one token, then exit:                     "DEL <clientId> True|False"
//   expect-gone <dir> <token>    verify until the token fails (other processes' deletion), then exit: "GONE <milliseconds>"
//   use    <dir> <token>         verify the token with last-use tracking, write the times, then exit: "USED True|False"
//   role-put <dir> <org> <roleId> <name> <version>
//                                add (version 1) or update a run-time role, then exit: "ROLE <status> <stored version or 0>"
//   role-delete <dir> <org> <roleId>
//                                delete a run-time role, then exit:               "ROLE <status> <token count>"
//   add-with-roles <dir> <org> [--after <file>] <roleId>...
//                                print "SEES <roleId> True|False" for each role (this process's snapshot), wait for <file>
//                                to exist when given, then add one token holding each role, in order, and exit:
//                                "ADD <roleId> <clientId> <token>", or "ROLE-DELETED <roleId>" when the store refused it
// "--refresh-ms <n>" anywhere sets the store's refresh interval (500 ms by default).
using System.Diagnostics;
using System.Globalization;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

var arguments = new List<string>(args);
var storeOptions = new FileTokenStoreOptions();
int refreshAt = arguments.IndexOf("--refresh-ms");
if (refreshAt >= 0 && refreshAt + 1 < arguments.Count)
{
    storeOptions.RefreshInterval = TimeSpan.FromMilliseconds(int.Parse(arguments[refreshAt + 1], CultureInfo.InvariantCulture));
    arguments.RemoveRange(refreshAt, 2);
}

args = [.. arguments];
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TokenSdk.StoreWorker chaos|add|delete|expect-gone|use|role-put|role-delete|add-with-roles <dir> [arg...]");
    return 2;
}

storeOptions.Directory = args[1];
using var store = new FileTokenStore(storeOptions);
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

    case "role-put":
    {
        long version = long.Parse(args[5], CultureInfo.InvariantCulture);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var role = new StoredRole(args[3], args[2], args[4], ["db.read", $"db.write.v{version}"], [], $"Version {version}, written by a worker.", now, now, "store-worker", version);
        RoleStoreResult result = version == 1 ? await store.AddRoleAsync(role) : await store.UpdateRoleAsync(role);
        output.WriteLine($"ROLE {result.Status} {result.Role?.Version ?? 0}");
        return 0;
    }

    case "role-delete":
    {
        RoleStoreResult result = await store.DeleteRoleAsync(args[2], args[3]);
        output.WriteLine($"ROLE {result.Status} {result.TokenCount}");
        return 0;
    }

    case "add-with-roles":
    {
        string organization = args[2];
        int first = 3;
        string? after = null;
        if (args.Length > 4 && args[3] == "--after")
        {
            after = args[4];
            first = 5;
        }

        string[] roleIds = args[first..];
        foreach (string roleId in roleIds)
        {
            output.WriteLine($"SEES {roleId} {store.Roles.TryGet(roleId, out _)}");
        }

        while (after is not null && !File.Exists(after))
        {
            await Task.Delay(5);
        }

        foreach (string roleId in roleIds)
        {
            IssuedToken issued = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteServiceAccount) { OrganizationId = organization });
            var record = new StoredToken(issued.Record.ClientId, issued.Record.OrganizationId, [roleId], issued.Record.Verifier, issued.Record.CreatedAt);
            try
            {
                if (await store.TryAddAsync(record))
                {
                    output.WriteLine($"ADD {roleId} {record.ClientId} {issued.Details.Token}");
                }
            }
            catch (RoleDeletedException ex)
            {
                output.WriteLine($"ROLE-DELETED {ex.RoleId}");
            }
        }

        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
