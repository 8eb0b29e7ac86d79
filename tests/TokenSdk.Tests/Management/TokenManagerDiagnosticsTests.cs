using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Tests.TestSupport;

namespace TokenSdk.Tests.Management;

public class TokenManagerDiagnosticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullScenario_LogsResultsAndExceptions_HoldNoSecretTokenOrHashPart()
    {
        // Arrange: every log of the generator, verifier, manager and audit sink goes to one collector.
        ITokenAuditSink throwing = Substitute.For<ITokenAuditSink>();
        throwing.WriteAsync(Arg.Any<TokenAuditEvent>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new InvalidOperationException("audit store down"));
        using var fixture = new ManagementFixture(extraAuditSinks: [throwing]);
        TokenCaller alice = ManagementFixture.Admin();
        TokenCaller reader = ManagementFixture.Caller("rita", DefaultRoles.ReadOnlyUser);
        TokenCaller dba = ManagementFixture.Caller("dora", DefaultRoles.DatabaseAdministrator);
        TokenCaller stranger = ManagementFixture.Admin("globex", "gary");
        var issued = new List<GeneratedToken>();
        var results = new List<ManagementResult>();

        async Task<GeneratedToken> Issue(Task<ManagementResult<GeneratedToken>> operation)
        {
            ManagementResult<GeneratedToken> result = await operation;
            results.Add(result);
            issued.Add(result.GetValueOrThrow());
            return result.Value!;
        }

        // Act: a day in the life of an organization.
        GeneratedToken manager = await Issue(fixture.Manager.GenerateAsync(alice, DefaultRoles.OrganizationAdministrator.Id, cancellationToken: Ct));
        GeneratedToken astra = await Issue(fixture.Manager.GenerateAsync(
            alice, DefaultRoles.ReadWriteUser.Id, new TokenGenerateOptions { Format = TokenFormatKind.Astra, Description = "legacy client" }, Ct));
        GeneratedToken checksummed = await Issue(fixture.Manager.GenerateAsync(alice, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct));
        GeneratedToken dbaMade = await Issue(fixture.Manager.GenerateAsync(dba, DefaultRoles.ReadOnlyServiceAccount.Id, cancellationToken: Ct));

        results.Add(await fixture.Manager.ListAsync(alice, cancellationToken: Ct));
        results.Add(await fixture.Manager.GetAsync(alice, astra.ClientId, Ct));
        foreach (GeneratedToken token in issued.ToArray())
        {
            await fixture.Verifier.VerifyAsync(token.Token, Ct);
            await fixture.Verifier.VerifyAsync(token.Token[..^1] + (token.Token[^1] == 'a' ? 'b' : 'a'), Ct);
            await fixture.Verifier.VerifyAsync(token.Token[..^3], Ct);
            await fixture.Verifier.VerifyAsync("Bearer " + token.Token, Ct);
            await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret, Ct);
            await fixture.Verifier.VerifyClientSecretAsync(token.ClientId, token.Secret[..^1], Ct);
        }

        GeneratedToken rotatedAtOnce = await Issue(fixture.Manager.RotateAsync(alice, checksummed.ClientId, cancellationToken: Ct));
        GeneratedToken rotatedWithGrace = await Issue(fixture.Manager.RotateAsync(
            alice, astra.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromHours(1) }, Ct));
        fixture.Time.Advance(TimeSpan.FromHours(1));
        await fixture.Verifier.VerifyAsync(astra.Token, Ct);
        await fixture.Verifier.VerifyAsync(checksummed.Token, Ct);

        results.Add(await fixture.Manager.GenerateAsync(reader, DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct));
        results.Add(await fixture.Manager.DeleteAsync(reader, dbaMade.ClientId, DeletionReason.Compromised, Ct));
        results.Add(await fixture.Manager.GenerateAsync(dba, DefaultRoles.OrganizationAdministrator.Id, cancellationToken: Ct));
        results.Add(await fixture.Manager.RotateAsync(dba, manager.ClientId, cancellationToken: Ct));
        results.Add(await fixture.Manager.GetAsync(stranger, manager.ClientId, Ct));
        results.Add(await fixture.Manager.DeleteAsync(stranger, manager.ClientId, DeletionReason.Compromised, Ct));
        results.Add(await fixture.Manager.DeleteAsync(alice, manager.ClientId, DeletionReason.Compromised, Ct));
        results.Add(await fixture.Manager.DeleteAsync(alice, dbaMade.ClientId, DeletionReason.Unspecified, Ct));
        results.Add(await fixture.Manager.DeleteAsync(alice, dbaMade.ClientId, DeletionReason.Compromised, Ct));
        results.Add(await fixture.Manager.RotateAsync(alice, rotatedAtOnce.ClientId, new TokenRotateOptions { GracePeriod = TimeSpan.FromDays(400) }, Ct));
        results.Add(await fixture.Manager.ListAsync(alice, new TokenListOptions { Limit = 0 }, Ct));
        await fixture.Verifier.VerifyAsync(dbaMade.Token, Ct);
        var exceptions = results.Where(r => !r.Succeeded).Select(r => Record.Exception(r.ThrowIfFailed)).ToList();

        // Assert: the scenario was logged at every level, and nothing logged holds credential material.
        IReadOnlyList<FakeLogRecord> records = fixture.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 1101 && r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Id.Id == 1001 && r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Id.Id == 2001);
        Assert.Contains(records, r => r.Id.Id == 2002);
        Assert.Contains(records, r => r.Id.Id == 2101);
        Assert.Contains(results, r => r.Status == ManagementStatus.LockoutPrevented);
        Assert.Contains(results, r => r.Status == ManagementStatus.EscalationDenied);
        Assert.All(exceptions, e => Assert.IsType<TokenManagementException>(e));
        Assert.Equal(6, issued.Count);

        var texts = new List<(string Where, string Text)>();
        foreach (FakeLogRecord record in records)
        {
            texts.Add(($"log {record.Id}", record.Message));
            texts.AddRange((record.StructuredState ?? []).Select(kv => ($"log {record.Id} {kv.Key}", kv.Value ?? "")));
            texts.Add(($"log {record.Id} exception", record.Exception?.ToString() ?? ""));
        }

        texts.AddRange(results.Select(r => ("result", (r.Message ?? "") + " " + r)));
        texts.AddRange(exceptions.Select(e => ("exception", e!.ToString())));
        texts.AddRange(fixture.Audit.Events.Select(e => ("audit", e.ToString())));
        texts.AddRange(issued.Select(t => ("GeneratedToken.ToString", t.ToString())));
        Assert.True(texts.Count > 100, $"Only {texts.Count} texts were captured.");

        foreach (GeneratedToken token in issued)
        {
            string hexOfT = ManagementFixture.HexOfT(token);
            Assert.Contains(hexOfT, token.Token, StringComparison.Ordinal);
            foreach ((string where, string text) in texts)
            {
                Assert.False(text.Contains(token.Token, StringComparison.Ordinal), $"{where} holds a whole token: {text}");
                Assert.False(text.Contains(token.Token[..^4], StringComparison.Ordinal), $"{where} holds a token: {text}");
                Assert.False(ContainsWindow(text, token.Secret, 12), $"{where} holds part of a secret: {text}");
                Assert.False(ContainsWindow(text, hexOfT, 12), $"{where} holds part of the hex of T: {text}");
            }
        }
    }

    [Theory]
    [InlineData("get")]
    [InlineData("denied-delete")]
    [InlineData("generate-role")]
    public async Task TokenPastedWhereIdIsExpected_ResultAndLogsHoldNoPartOfIt(string operation)
    {
        // A user pasting the token into the "client id" (or role) field is a common slip; echoing the input back
        // must not put token material into result messages or the audit log.
        using var fixture = new ManagementFixture();
        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        TokenCaller admin = ManagementFixture.Admin();

        ManagementResult result = operation switch
        {
            "get" => await fixture.Manager.GetAsync(admin, token.Token, Ct),
            "denied-delete" => await fixture.Manager.DeleteAsync(ManagementFixture.Caller("rita", DefaultRoles.ReadOnlyUser), token.Token, DeletionReason.Compromised, Ct),
            "generate-role" => await fixture.Manager.GenerateAsync(admin, token.Token, cancellationToken: Ct),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        Assert.False(result.Succeeded);
        string hexOfT = ManagementFixture.HexOfT(token);
        var texts = new List<string> { result.Message!, Record.Exception(result.ThrowIfFailed)!.Message };
        texts.AddRange(fixture.Audit.Events.Select(e => e.ToString()));
        texts.AddRange(fixture.Logs.GetSnapshot().SelectMany(r => (r.StructuredState ?? []).Select(kv => kv.Value ?? "").Append(r.Message)));
        Assert.All(texts, text => Assert.False(ContainsWindow(text, hexOfT, 12), $"Part of the token's hash part is echoed: {text}"));
    }

    [Fact]
    public async Task Metrics_GeneratedDeletedAndVerifications_AreRecordedOnTheMeterOfTheGivenFactory()
    {
        using var meterFactory = new TestMeterFactory();
        using var generated = new MetricCollector<long>(meterFactory, "TokenSdk", "tokensdk.tokens.generated");
        using var deleted = new MetricCollector<long>(meterFactory, "TokenSdk", "tokensdk.tokens.deleted");
        using var verifications = new MetricCollector<double>(meterFactory, "TokenSdk", "tokensdk.verification.duration");
        using var fixture = new ManagementFixture(meterFactory: meterFactory);
        GeneratedToken compromised = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);
        GeneratedToken rotated = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser);

        await fixture.VerifyAsync(compromised.Token);
        await fixture.Manager.DeleteAsync(ManagementFixture.Admin(), compromised.ClientId, DeletionReason.Compromised, Ct);
        await fixture.Manager.RotateAsync(ManagementFixture.Admin(), rotated.ClientId, cancellationToken: Ct);
        await fixture.VerifyAsync(compromised.Token);
        await fixture.VerifyAsync("not a token");

        IReadOnlyList<CollectedMeasurement<long>> generatedValues = generated.GetMeasurementSnapshot();
        Assert.Equal(3, generatedValues.Count);
        Assert.All(generatedValues, m => Assert.Equal(1, m.Value));
        Assert.Equal("{token}", generated.Instrument!.Unit);
        Assert.Equal(["compromised", "rotated"], deleted.GetMeasurementSnapshot().Select(m => Tag(m, "tokensdk.deletion.reason")));
        Assert.All(deleted.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        Assert.Equal(
            [null, "unknown_client", "malformed"],
            verifications.GetMeasurementSnapshot().Select(m => m.Tags.GetValueOrDefault("error.type") as string));
    }

    [Fact]
    public async Task Activities_ManagementOperations_AreTracedOnSourceTokenSdk()
    {
        string actor = "tracer-" + Guid.NewGuid().ToString("N");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "TokenSdk",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("tokensdk.actor") as string == actor)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var fixture = new ManagementFixture();
        TokenCaller caller = ManagementFixture.Admin(id: actor);

        GeneratedToken token = await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, caller);
        await fixture.Manager.ListAsync(caller, cancellationToken: Ct);
        await fixture.Manager.GetAsync(caller, token.ClientId, Ct);
        GeneratedToken next = (await fixture.Manager.RotateAsync(caller, token.ClientId, cancellationToken: Ct)).GetValueOrThrow();
        await fixture.Manager.DeleteAsync(caller, next.ClientId, DeletionReason.NoLongerNeeded, Ct);
        await fixture.Manager.DeleteAsync(caller, next.ClientId, DeletionReason.NoLongerNeeded, Ct);

        Activity[] activities = [.. stopped];
        Assert.Equal(
            ["tokensdk.token.generate", "tokensdk.token.list", "tokensdk.token.get", "tokensdk.token.rotate", "tokensdk.token.delete", "tokensdk.token.delete"],
            activities.Select(a => a.OperationName));
        Assert.All(activities, a => Assert.Equal("acme", a.GetTagItem("tokensdk.organization")));
        Assert.Equal(token.ClientId, activities[0].GetTagItem("tokensdk.client_id"));
        Assert.Equal(next.ClientId, activities[3].GetTagItem("tokensdk.client_id"));
        Assert.All(activities[..5], a =>
        {
            Assert.Equal("Succeeded", a.GetTagItem("tokensdk.status"));
            Assert.NotEqual(ActivityStatusCode.Error, a.Status);
        });
        Assert.Equal("NotFound", activities[5].GetTagItem("tokensdk.status"));
        Assert.Equal(ActivityStatusCode.Error, activities[5].Status);
    }

    private static string? Tag(CollectedMeasurement<long> measurement, string name) =>
        measurement.Tags.TryGetValue(name, out object? value) ? value as string : null;

    private static bool ContainsWindow(string text, string secret, int width)
    {
        for (int i = 0; i + width <= secret.Length; i++)
        {
            if (text.Contains(secret.AsSpan(i, width), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
