namespace TokenSdk.Management;

/// <summary>What happened, in the audit trail.</summary>
public enum TokenAuditEventKind
{
    /// <summary>A token was generated.</summary>
    Generated = 1,

    /// <summary>A token was deleted.</summary>
    Deleted = 2,

    /// <summary>A token was replaced by a new one (<see cref="TokenAuditEvent.RelatedClientId"/>).</summary>
    Rotated = 3,

    /// <summary>An operation was refused (permission, escalation, organization or deletion policy).</summary>
    Denied = 4,

    /// <summary>A token's deletion was scheduled (the grace period of a rotation).</summary>
    DeletionScheduled = 5,

    /// <summary>A custom role was created (<see cref="TokenAuditEvent.RoleId"/>; its name and policy in <see cref="TokenAuditEvent.Detail"/>).</summary>
    RoleCreated = 6,

    /// <summary>A custom role was changed (what changed in <see cref="TokenAuditEvent.Detail"/>); it applies at once to every token holding it.</summary>
    RoleUpdated = 7,

    /// <summary>A custom role was deleted.</summary>
    RoleDeleted = 8,
}

/// <summary>One entry of the audit trail: who did what to which token or role, when and why. Never holds a secret.</summary>
public sealed class TokenAuditEvent
{
    /// <summary>Gets what happened.</summary>
    public required TokenAuditEventKind Kind { get; init; }

    /// <summary>Gets when it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Gets who acted (a user or client id), or <c>tokensdk</c> for scheduled work.</summary>
    public required string ActorId { get; init; }

    /// <summary>Gets the organization concerned.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the operation (<c>generate</c>, <c>list</c>, <c>get</c>, <c>delete</c>, <c>rotate</c>, <c>expire</c>, <c>create-role</c>, <c>update-role</c>, <c>delete-role</c>, ...).</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the token concerned, if any.</summary>
    public string? ClientId { get; init; }

    /// <summary>Gets the role concerned, if any.</summary>
    public string? RoleId { get; init; }

    /// <summary>Gets why a token was deleted.</summary>
    public DeletionReason? Reason { get; init; }

    /// <summary>Gets the other token of a rotation (the new one for the old, and the reverse).</summary>
    public string? RelatedClientId { get; init; }

    /// <summary>Gets when a scheduled deletion takes effect.</summary>
    public DateTimeOffset? EffectiveAt { get; init; }

    /// <summary>Gets more detail, for example the reason of a denial and the missing permission.</summary>
    public string? Detail { get; init; }

    /// <summary>Returns a one-line description.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{OccurredAt:O} {Kind} {Operation} by {ActorId} in {OrganizationId}" +
        (ClientId is null ? "" : $" client {ClientId}") +
        (RoleId is null ? "" : $" role {RoleId}") +
        (Reason is null ? "" : $" reason {Reason}") +
        (RelatedClientId is null ? "" : $" related {RelatedClientId}") +
        (EffectiveAt is null ? "" : $" effective {EffectiveAt:O}") +
        (Detail is null ? "" : $": {Detail}");
}
