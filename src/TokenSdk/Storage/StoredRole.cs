namespace TokenSdk.Storage;

/// <summary>
/// What a store keeps of a role created at run time (through the management API, the CLI or code): its id, the
/// organization it belongs to, its name and policy (description, permissions, resources), and who changed it last.
/// Immutable: a change is a new record with the next <see cref="Version"/>.
/// </summary>
/// <remarks>
/// <para>A store checks only the shape of a record (lengths, counts, no control characters). Whether a permission is
/// known to the host and a resource parses as a DRN is decided by the management layer before a record is written;
/// a record that fails those checks when read back (written by a newer release, say) resolves to no role, so tokens
/// holding it fail verification rather than get a role they were not meant to.</para>
/// <para>Roles configured in code or configuration, and the default roles, are never stored: they are read-only.</para>
/// </remarks>
public sealed class StoredRole
{
    /// <summary>The most permissions a role may hold.</summary>
    public const int MaxPermissions = 128;

    /// <summary>The most resources a role may be limited to.</summary>
    public const int MaxResources = 64;

    /// <summary>The longest resource (DRN) text.</summary>
    public const int MaxResourceLength = 512;

    /// <summary>The longest description.</summary>
    public const int MaxDescriptionLength = 1000;

    /// <summary>The longest <see cref="UpdatedBy"/>.</summary>
    public const int MaxActorLength = 256;

    /// <summary>Creates a record.</summary>
    /// <param name="id">The role id tokens refer to: 1 to 64 ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, starting with a letter or digit.</param>
    /// <param name="organizationId">The organization the role belongs to; only its tokens can hold the role.</param>
    /// <param name="name">The display name: 1 to 100 characters, no control characters or surrounding whitespace.</param>
    /// <param name="permissions">The permissions the role grants: at most <see cref="MaxPermissions"/>, none repeated.</param>
    /// <param name="resources">The resources (DRNs) the permissions apply to; empty for every resource of the organization.</param>
    /// <param name="description">The description; <see langword="null"/> for none.</param>
    /// <param name="createdAt">When the role was created.</param>
    /// <param name="updatedAt">When the role was last changed (its creation, at first).</param>
    /// <param name="updatedBy">Who changed it last (a user or client id).</param>
    /// <param name="version">The change count: 1 when created, one more on each update.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An argument is malformed; the message names it.</exception>
    public StoredRole(
        string id,
        string organizationId,
        string name,
        IEnumerable<string> permissions,
        IEnumerable<string> resources,
        string? description,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        string updatedBy,
        long version)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(updatedBy);
        if (!Identifiers.IsValid(id))
        {
            throw new ArgumentException($"The role id is invalid: use {Identifiers.Rule}.", nameof(id));
        }

        if (!Identifiers.IsValid(organizationId))
        {
            throw new ArgumentException($"The organization id is invalid: use {Identifiers.Rule}.", nameof(organizationId));
        }

        if (!Identifiers.IsValidRoleName(name))
        {
            throw new ArgumentException("The role name is invalid: use 1 to 100 characters without control characters or surrounding whitespace.", nameof(name));
        }

        if (description is { Length: > MaxDescriptionLength } || (description is not null && HasControl(description, allowLineBreaks: true)))
        {
            throw new ArgumentException($"The role description is longer than {MaxDescriptionLength} characters or holds control characters.", nameof(description));
        }

        if (updatedBy.Length is 0 or > MaxActorLength || HasControl(updatedBy, allowLineBreaks: false))
        {
            throw new ArgumentException($"The actor id is empty, longer than {MaxActorLength} characters, or holds control characters.", nameof(updatedBy));
        }

        if (version < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "A role's version starts at 1.");
        }

        Permissions = CheckList(permissions, MaxPermissions, 64, StringComparer.Ordinal, "permission", nameof(permissions));
        Resources = CheckList(resources, MaxResources, MaxResourceLength, StringComparer.OrdinalIgnoreCase, "resource", nameof(resources));
        Id = id;
        OrganizationId = organizationId;
        Name = name;
        Description = description ?? string.Empty;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        Version = version;
    }

    /// <summary>Gets the role id tokens refer to.</summary>
    public string Id { get; }

    /// <summary>Gets the organization the role belongs to.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the display name, unique in its organization (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Gets the description, or an empty string.</summary>
    public string Description { get; }

    /// <summary>Gets the permissions the role grants, in the order given.</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>Gets the resources (DRNs) the permissions apply to; empty for every resource of the organization.</summary>
    public IReadOnlyList<string> Resources { get; }

    /// <summary>Gets when the role was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets when the role was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>Gets who changed the role last.</summary>
    public string UpdatedBy { get; }

    /// <summary>Gets the change count: 1 when created, one more on each update.</summary>
    public long Version { get; }

    /// <summary>This record under the stored spelling of its id (ids compare case-insensitively; a store keeps the first spelling).</summary>
    internal StoredRole WithId(string id) =>
        string.Equals(id, Id, StringComparison.Ordinal)
            ? this
            : new StoredRole(id, OrganizationId, Name, Permissions, Resources, Description, CreatedAt, UpdatedAt, UpdatedBy, Version);

    /// <summary>Returns the name, id, organization and version (never more: a policy can be long).</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"{Name} ({Id}, organization {OrganizationId}, version {Version})";

    private static string[] CheckList(IEnumerable<string> values, int maximumCount, int maximumLength, StringComparer comparer, string what, string parameter)
    {
        var seen = new HashSet<string>(comparer);
        List<string> list = [];
        foreach (string? value in values)
        {
            if (string.IsNullOrEmpty(value) || value.Length > maximumLength || HasControl(value, allowLineBreaks: false) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            {
                throw new ArgumentException($"A {what} is empty, longer than {maximumLength} characters, or holds control characters or surrounding whitespace.", parameter);
            }

            if (!seen.Add(value))
            {
                throw new ArgumentException($"The {what} '{value}' is given twice.", parameter);
            }

            list.Add(value);
            if (list.Count > maximumCount)
            {
                throw new ArgumentException($"A role holds at most {maximumCount} {what}s.", parameter);
            }
        }

        return [.. list];
    }

    private static bool HasControl(string value, bool allowLineBreaks)
    {
        foreach (char c in value)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'))
            {
                return true;
            }
        }

        return false;
    }
}
