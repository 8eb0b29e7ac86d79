using NSubstitute;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Management;

public class TokenManagerExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAllAsync_MoreThanOnePage_ReturnsEveryTokenOfTheOrganizationInOrder()
    {
        using var fixture = new ManagementFixture();
        var generated = new List<GeneratedToken>();
        for (int i = 0; i < 1_050; i++)
        {
            generated.Add(await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser));
        }

        await fixture.GenerateAsync(DefaultRoles.ReadOnlyUser, ManagementFixture.Admin(organizationId: "other"));

        ManagementResult<IReadOnlyList<TokenInfo>> result = await fixture.Manager.ListAllAsync(ManagementFixture.Admin(), Ct);

        Assert.True(result.Succeeded);
        Assert.Equal(
            generated.Select(g => g.ClientId).Order(StringComparer.Ordinal),
            result.Value!.Select(t => t.ClientId));
    }

    [Fact]
    public async Task ListAllAsync_CallerWithoutRead_ReturnsTheFailure()
    {
        using var fixture = new ManagementFixture();

        ManagementResult<IReadOnlyList<TokenInfo>> result = await fixture.Manager.ListAllAsync(
            ManagementFixture.Caller("bob", DefaultRoles.ReadOnlyUser), Ct);

        Assert.Equal(ManagementStatus.PermissionDenied, result.Status);
        Assert.Equal(Permissions.OrgTokenRead, result.MissingPermission);
    }

    [Fact]
    public async Task ListAllAsync_StopsAfterTheLastPage()
    {
        var manager = Substitute.For<ITokenManager>();
        TokenCaller caller = ManagementFixture.Admin();
        manager.ListAsync(caller, Arg.Any<TokenListOptions>(), Arg.Any<CancellationToken>())
            .Returns(ManagementResult<TokenPage>.Ok(new TokenPage([], nextAfter: null)));

        ManagementResult<IReadOnlyList<TokenInfo>> result = await manager.ListAllAsync(caller, Ct);

        Assert.Empty(result.Value!);
        await manager.Received(1).ListAsync(caller, Arg.Is<TokenListOptions>(o => o.After == null), Arg.Any<CancellationToken>());
    }
}
