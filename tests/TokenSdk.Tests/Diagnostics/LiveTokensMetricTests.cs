using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenSdk.Credentials;
using TokenSdk.Diagnostics;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Tests.TestSupport;

namespace TokenSdk.Tests.Diagnostics;

[Collection(nameof(MetricsCollection))]
public class LiveTokensMetricTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LiveTokens_AddsAndDeletesInTwoStores_ReportsTheSumPerOrganization()
    {
        using var collector = new MetricCollector<long>(null, TokenSdkMetrics.MeterName, "tokensdk.tokens.live");
        (string acme, string globex) = (UniqueOrganization("acme"), UniqueOrganization("globex"));
        using var directory = new TemporaryDirectory();
        var memory = new TokenFixture(store: new InMemoryTokenStore());
        using var fileStore = new FileTokenStore(new FileTokenStoreOptions { Directory = directory.Path }, new FakeTimeProvider());
        var file = new TokenFixture(store: fileStore);
        GeneratedToken acmeInMemory = await memory.IssueAsync(organizationId: acme);
        await memory.IssueAsync(organizationId: acme);
        await file.IssueAsync(organizationId: acme);
        GeneratedToken globexInFile = await file.IssueAsync(organizationId: globex);
        IReadOnlyDictionary<string, long> afterAdds = Observe(collector, acme, globex);

        await memory.Store.DeleteAsync(acmeInMemory.ClientId, Ct);
        await fileStore.DeleteAsync(globexInFile.ClientId, Ct);
        IReadOnlyDictionary<string, long> afterDeletes = Observe(collector, acme, globex);

        fileStore.Dispose();
        IReadOnlyDictionary<string, long> afterFileStoreDisposed = Observe(collector, acme, globex);

        Assert.Equal(new Dictionary<string, long> { [acme] = 3, [globex] = 1 }, afterAdds);
        Assert.Equal(new Dictionary<string, long> { [acme] = 2, [globex] = 0 }, afterDeletes);
        Assert.Equal(new Dictionary<string, long> { [acme] = 1 }, afterFileStoreDisposed);
        Assert.IsType<ObservableUpDownCounter<long>>(collector.Instrument);
        Assert.Equal("{token}", collector.Instrument!.Unit);
        GC.KeepAlive(memory);
    }

    [Fact]
    public async Task LiveTokens_ExpiredTokenNotYetDeleted_IsStillCounted()
    {
        using var collector = new MetricCollector<long>(null, TokenSdkMetrics.MeterName, "tokensdk.tokens.live");
        string acme = UniqueOrganization("acme");
        var time = new FakeTimeProvider();
        var fixture = new TokenFixture(timeProvider: time, store: new InMemoryTokenStore());
        await fixture.IssueAsync(organizationId: acme, expiresAt: time.GetUtcNow().AddMinutes(1));

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, Observe(collector, acme)[acme]);
        GC.KeepAlive(fixture);
    }

    [Fact]
    public async Task LiveTokens_StoreNoLongerReferenced_StopsBeingCountedOnceCollected()
    {
        using var collector = new MetricCollector<long>(null, TokenSdkMetrics.MeterName, "tokensdk.tokens.live");
        string acme = UniqueOrganization("acme");
        long whileReferenced = await AddToAStoreThenDropItAsync(collector, acme);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(1, whileReferenced);
        Assert.Empty(Observe(collector, acme));
    }

    [Fact]
    public async Task LiveTokens_FileStoreReloadsAfterAnotherInstanceCompacted_CountsOnlyTheNewImage()
    {
        using var collector = new MetricCollector<long>(null, TokenSdkMetrics.MeterName, "tokensdk.tokens.live");
        string acme = UniqueOrganization("acme");
        using var directory = new TemporaryDirectory();
        var options = new FileTokenStoreOptions { Directory = directory.Path, AutoCompact = false };
        using var compacting = new FileTokenStore(options, new FakeTimeProvider());
        using var reloading = new FileTokenStore(options, new FakeTimeProvider());
        var issuing = new TokenFixture(store: compacting);
        for (int i = 0; i < 3; i++)
        {
            await issuing.IssueAsync(organizationId: acme);
        }

        // The second instance catches up (3 tokens, then its own 4th); the first catches up and compacts (4); the second's
        // next write reads the new log afresh (5). Were its old image still counted, the sum would be 4 + 5 + 4.
        await new TokenFixture(store: reloading).IssueAsync(organizationId: acme);
        long beforeCompaction = Observe(collector, acme)[acme];
        await compacting.CompactAsync(Ct);
        await new TokenFixture(store: reloading).IssueAsync(organizationId: acme);

        Assert.Equal(3 + 4, beforeCompaction);
        Assert.Equal(4 + 5, Observe(collector, acme)[acme]);
        Assert.Equal(5, reloading.Count);
    }

    [Fact]
    public void LiveTokens_TableRegisteredLater_CountedFromThen()
    {
        using var collector = new MetricCollector<long>(null, TokenSdkMetrics.MeterName, "tokensdk.tokens.live");
        string acme = UniqueOrganization("acme");
        var table = new TokenTable(reported: false);
        IssuedToken issued = new TokenGenerator().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = acme });
        Assert.True(table.TryAdd(issued.Record));
        IReadOnlyDictionary<string, long> beforeRegistration = Observe(collector, acme);

        LiveTokenTables.Register(table);
        IReadOnlyDictionary<string, long> registered = Observe(collector, acme);
        LiveTokenTables.Unregister(table);

        Assert.Empty(beforeRegistration);
        Assert.Equal(1, registered[acme]);
        Assert.Empty(Observe(collector, acme));
    }

    private static string UniqueOrganization(string name) => name + "-" + Guid.NewGuid().ToString("N")[..12];

    // The latest observation of each of the given organizations (other tests' stores report their own).
    private static IReadOnlyDictionary<string, long> Observe(MetricCollector<long> collector, params string[] organizations)
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue(TokenSdkMetrics.OrganizationTag, out object? organization) && organizations.Contains(organization as string))
            .ToDictionary(m => (string)m.Tags[TokenSdkMetrics.OrganizationTag]!, m => m.Value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<long> AddToAStoreThenDropItAsync(MetricCollector<long> collector, string organization)
    {
        var fixture = new TokenFixture(store: new InMemoryTokenStore());
        await fixture.IssueAsync(organizationId: organization);
        return Observe(collector, organization)[organization];
    }
}
