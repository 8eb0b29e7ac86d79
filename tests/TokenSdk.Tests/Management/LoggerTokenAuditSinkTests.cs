using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenSdk.Management;

namespace TokenSdk.Tests.Management;

public partial class LoggerTokenAuditSinkTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_GeneratedEvent_NamesOnlyClientAndRole()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Generated, "generate", clientId: "ClientAAAAAAAAAAAAAAAAAA", roleId: "read-only-user"));

        Assert.Equal("Token audit: Generated (generate) by alice in organization acme; client ClientAAAAAAAAAAAAAAAAAA, role read-only-user.", record.Message);
        AssertNoEmptyPlaceholder(record.Message);
        Assert.Equal(2001, record.Id.Id);
        Assert.Equal("Audit", record.Id.Name);
        Assert.Equal(LogLevel.Information, record.Level);
    }

    [Fact]
    public async Task WriteAsync_EveryFieldSet_ShowsEveryValue()
    {
        DateTimeOffset effective = s_now.AddHours(1);
        FakeLogRecord record = await WriteAsync(Event(
            TokenAuditEventKind.DeletionScheduled,
            "rotate",
            clientId: "OldAAAAAAAAAAAAAAAAAAAAA",
            roleId: "read-write-user",
            reason: DeletionReason.Rotated,
            relatedClientId: "NewAAAAAAAAAAAAAAAAAAAAA",
            effectiveAt: effective));

        Assert.Equal(
            "Token audit: DeletionScheduled (rotate) by alice in organization acme; client OldAAAAAAAAAAAAAAAAAAAAA, role read-write-user, "
            + "reason Rotated, related client NewAAAAAAAAAAAAAAAAAAAAA, effective 2026-03-02T10:30:00.0000000+00:00.",
            record.Message);
    }

    [Fact]
    public async Task WriteAsync_DeletedEvent_NamesClientRoleAndReasonOnly()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Deleted, "delete", clientId: "ClientAAAAAAAAAAAAAAAAAA", roleId: "ui-view-only", reason: DeletionReason.Compromised));

        Assert.Equal("Token audit: Deleted (delete) by alice in organization acme; client ClientAAAAAAAAAAAAAAAAAA, role ui-view-only, reason Compromised.", record.Message);
        AssertNoEmptyPlaceholder(record.Message);
    }

    [Fact]
    public async Task WriteAsync_NoOptionalField_EndsAfterTheOrganization()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Deleted, "expire"));

        Assert.Equal("Token audit: Deleted (expire) by alice in organization acme.", record.Message);
    }

    [Fact]
    public async Task WriteAsync_AnyEvent_KeepsEveryFieldStructured()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Deleted, "delete", clientId: "ClientAAAAAAAAAAAAAAAAAA", reason: DeletionReason.Other));

        Assert.Equal("Deleted", record.GetStructuredStateValue("Kind"));
        Assert.Equal("alice", record.GetStructuredStateValue("ActorId"));
        Assert.Equal("ClientAAAAAAAAAAAAAAAAAA", record.GetStructuredStateValue("ClientId"));
        Assert.Equal("Other", record.GetStructuredStateValue("Reason"));
        Assert.Contains(record.StructuredState!, kv => kv.Key == "RoleId" && kv.Value is null);
        Assert.Equal(
            "Token audit: {Kind} ({Operation}) by {ActorId} in organization {OrganizationId}; client {ClientId}, reason {Reason}.",
            record.GetStructuredStateValue("{OriginalFormat}"));
    }

    [Fact]
    public async Task WriteAsync_DeniedWithRoleAndDetail_NamesThemAsAWarning()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Denied, "generate", roleId: "organization-administrator", detail: "Caller 'alice' cannot create it."));

        Assert.Equal("Token audit: generate by alice in organization acme denied (role organization-administrator): Caller 'alice' cannot create it.", record.Message);
        Assert.Equal(2002, record.Id.Id);
        Assert.Equal("AuditDenied", record.Id.Name);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("Caller 'alice' cannot create it.", record.GetStructuredStateValue("Detail"));
    }

    [Fact]
    public async Task WriteAsync_DeniedWithoutClientRoleOrDetail_HasNoEmptyPlaceholder()
    {
        FakeLogRecord record = await WriteAsync(Event(TokenAuditEventKind.Denied, "list"));

        Assert.Equal("Token audit: list by alice in organization acme denied.", record.Message);
        AssertNoEmptyPlaceholder(record.Message);
    }

    [Fact]
    public async Task WriteAsync_LoggingDisabled_WritesNothing()
    {
        var collector = new FakeLogCollector();
        using var factory = new LoggerFactory([new FakeLoggerProvider(collector)], new LoggerFilterOptions { MinLevel = LogLevel.Error });
        var sink = new LoggerTokenAuditSink(factory);

        await sink.WriteAsync(Event(TokenAuditEventKind.Denied, "list"), Ct);

        Assert.Equal(0, collector.Count);
    }

    private static TokenAuditEvent Event(
        TokenAuditEventKind kind,
        string operation,
        string? clientId = null,
        string? roleId = null,
        DeletionReason? reason = null,
        string? relatedClientId = null,
        DateTimeOffset? effectiveAt = null,
        string? detail = null) => new()
    {
        Kind = kind,
        Operation = operation,
        OccurredAt = s_now,
        ActorId = "alice",
        OrganizationId = "acme",
        ClientId = clientId,
        RoleId = roleId,
        Reason = reason,
        RelatedClientId = relatedClientId,
        EffectiveAt = effectiveAt,
        Detail = detail,
    };

    private static async Task<FakeLogRecord> WriteAsync(TokenAuditEvent auditEvent)
    {
        var collector = new FakeLogCollector();
        using var factory = new LoggerFactory([new FakeLoggerProvider(collector)]);
        var sink = new LoggerTokenAuditSink(factory);

        await sink.WriteAsync(auditEvent, Ct);

        FakeLogRecord record = Assert.Single(collector.GetSnapshot());
        Assert.Equal("TokenSdk.Audit", record.Category);
        return record;
    }

    // A label with nothing after it: "reason ,", "related client .", "client )", "effective ".
    private static void AssertNoEmptyPlaceholder(string message) =>
        Assert.DoesNotMatch(EmptyPlaceholder(), message);

    [GeneratedRegex(@"(client|role|reason|effective) ?[,.;):]|(client|role|reason|effective) $")]
    private static partial Regex EmptyPlaceholder();
}
