using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Management;

/// <summary>The results the manager returns, and their exception form for callers who prefer exceptions.</summary>
public class TokenManagerResultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThrowIfFailed_DeniedResult_ThrowsExceptionWithStatusPermissionAndMessage()
    {
        using var fixture = new ManagementFixture();
        ManagementResult<GeneratedToken> denied = await fixture.Manager.GenerateAsync(
            ManagementFixture.Caller("rita", DefaultRoles.ReadOnlyUser), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);

        TokenManagementException error = Assert.Throws<TokenManagementException>(denied.ThrowIfFailed);

        Assert.Equal(ManagementStatus.PermissionDenied, error.Status);
        Assert.Equal(Permissions.OrgTokenWrite, error.MissingPermission);
        Assert.Equal(denied.Message, error.Message);
        Assert.Contains(Permissions.OrgTokenWrite, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetValueOrThrow_FailedResult_ThrowsWithTheResultsStatus()
    {
        using var fixture = new ManagementFixture();
        ManagementResult<TokenInfo> missing = await fixture.Manager.GetAsync(ManagementFixture.Admin(), "ABCDEFGHIJKLMNOPQRSTUVWX", Ct);

        TokenManagementException error = Assert.Throws<TokenManagementException>(() => missing.GetValueOrThrow());

        Assert.Equal(ManagementStatus.NotFound, error.Status);
        Assert.Null(error.MissingPermission);
        Assert.Equal(missing.Message, error.Message);
    }

    [Fact]
    public async Task GetValueOrThrow_SucceededResult_ReturnsTheValue()
    {
        using var fixture = new ManagementFixture();
        ManagementResult<GeneratedToken> generated = await fixture.Manager.GenerateAsync(ManagementFixture.Admin(), DefaultRoles.ReadOnlyUser.Id, cancellationToken: Ct);

        GeneratedToken value = generated.GetValueOrThrow();

        Assert.Same(generated.Value, value);
        Assert.Null(Record.Exception(generated.ThrowIfFailed));
        Assert.Null(generated.Message);
        Assert.Equal("Succeeded", generated.ToString());
    }

    [Fact]
    public void Success_ThrowIfFailed_DoesNotThrow()
    {
        ManagementResult success = ManagementResult.Success;

        Exception? error = Record.Exception(success.ThrowIfFailed);

        Assert.Null(error);
        Assert.True(success.Succeeded);
        Assert.Equal(ManagementStatus.Succeeded, success.Status);
    }

    [Fact]
    public void Failed_WithSucceededStatus_Throws()
    {
        ArgumentException untyped = Assert.Throws<ArgumentException>(() => ManagementResult.Failed(ManagementStatus.Succeeded, "oops"));
        ArgumentException typed = Assert.Throws<ArgumentException>(() => ManagementResult<TokenInfo>.Failed(ManagementStatus.Succeeded, "oops"));

        Assert.Equal("status", untyped.ParamName);
        Assert.Equal("status", typed.ParamName);
    }

    [Fact]
    public void Failed_NullMessage_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ManagementResult.Failed(ManagementStatus.NotFound, null!));
    }

    [Fact]
    public void From_FailedResult_KeepsStatusMessageAndPermission()
    {
        ManagementResult failure = ManagementResult.Failed(ManagementStatus.EscalationDenied, "Not yours to give.", Permissions.OrgBillingWrite);

        ManagementResult<TokenPage> typed = ManagementResult<TokenPage>.From(failure);

        Assert.Equal(ManagementStatus.EscalationDenied, typed.Status);
        Assert.Equal("Not yours to give.", typed.Message);
        Assert.Equal(Permissions.OrgBillingWrite, typed.MissingPermission);
        Assert.Null(typed.Value);
        Assert.Equal("EscalationDenied: Not yours to give.", typed.ToString());
    }

    [Fact]
    public void From_SucceededResult_Throws()
    {
        Assert.Throws<ArgumentException>(() => ManagementResult<TokenPage>.From(ManagementResult.Success));
    }

    [Fact]
    public void Ok_NullValue_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ManagementResult<TokenPage>.Ok(null!));
    }

    [Fact]
    public void TokenManagementException_NullResult_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new TokenManagementException(null!));
    }
}
