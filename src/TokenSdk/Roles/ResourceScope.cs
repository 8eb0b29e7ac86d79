using System.Diagnostics.CodeAnalysis;

namespace TokenSdk.Roles;

/// <summary>
/// A resource, or a set of resources, in the hierarchy organization &gt; database &gt; keyspace &gt; table,
/// written as a DRN: <c>drn:astra:org:&lt;org&gt;[:db:&lt;db&gt;[:keyspace:&lt;ks&gt;[:table:&lt;table&gt;]]]</c>.
/// </summary>
/// <remarks>
/// <para>A segment of <c>*</c> matches any name at that level. A scope that stops at a level covers everything
/// beneath it: <c>drn:astra:org:acme:db:orders</c> covers every keyspace and table of database <c>orders</c>.
/// A scope never covers a resource above its own level: a keyspace-scoped role does not grant a database-level
/// action on the whole database.</para>
/// <para>Instances are immutable and compare by value (ordinal, case-sensitive).</para>
/// </remarks>
public sealed class ResourceScope : IEquatable<ResourceScope>
{
    private const string Prefix = "drn:astra:";

    /// <summary>The wildcard segment.</summary>
    public const string Wildcard = "*";

    private static readonly string[] s_levelNames = ["org", "db", "keyspace", "table"];

    private ResourceScope(string organization, string? database, string? keyspace, string? table)
    {
        Organization = organization;
        Database = database;
        Keyspace = keyspace;
        Table = table;
    }

    /// <summary>Gets a scope that covers every resource of every organization (<c>drn:astra:org:*</c>).</summary>
    public static ResourceScope All { get; } = new(Wildcard, null, null, null);

    /// <summary>Gets the organization segment (a name or <c>*</c>).</summary>
    public string Organization { get; }

    /// <summary>Gets the database segment, or <see langword="null"/> when the scope stops at the organization.</summary>
    public string? Database { get; }

    /// <summary>Gets the keyspace segment, or <see langword="null"/> when the scope stops above keyspaces.</summary>
    public string? Keyspace { get; }

    /// <summary>Gets the table segment, or <see langword="null"/> when the scope stops above tables.</summary>
    public string? Table { get; }

    /// <summary>Gets how many levels the scope names: 1 (organization) to 4 (table).</summary>
    public int Depth => Table is not null ? 4 : Keyspace is not null ? 3 : Database is not null ? 2 : 1;

    /// <summary>Creates a scope for an organization.</summary>
    /// <param name="organization">The organization id or <c>*</c>.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException">A segment is empty or contains <c>:</c> or whitespace.</exception>
    public static ResourceScope ForOrganization(string organization) => Create(organization, null, null, null);

    /// <summary>Creates a scope for a database.</summary>
    /// <param name="organization">The organization id or <c>*</c>.</param>
    /// <param name="database">The database id or <c>*</c>.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException">A segment is empty or contains <c>:</c> or whitespace.</exception>
    public static ResourceScope ForDatabase(string organization, string database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return Create(organization, database, null, null);
    }

    /// <summary>Creates a scope for a keyspace.</summary>
    /// <param name="organization">The organization id or <c>*</c>.</param>
    /// <param name="database">The database id or <c>*</c>.</param>
    /// <param name="keyspace">The keyspace name or <c>*</c>.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException">A segment is empty or contains <c>:</c> or whitespace.</exception>
    public static ResourceScope ForKeyspace(string organization, string database, string keyspace)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyspace);
        return Create(organization, database, keyspace, null);
    }

    /// <summary>Creates a scope for a table.</summary>
    /// <param name="organization">The organization id or <c>*</c>.</param>
    /// <param name="database">The database id or <c>*</c>.</param>
    /// <param name="keyspace">The keyspace name or <c>*</c>.</param>
    /// <param name="table">The table name or <c>*</c>.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentException">A segment is empty or contains <c>:</c> or whitespace.</exception>
    public static ResourceScope ForTable(string organization, string database, string keyspace, string table)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(table);
        return Create(organization, database, keyspace, table);
    }

    /// <summary>Parses a DRN such as <c>drn:astra:org:acme:db:orders:keyspace:*</c>.</summary>
    /// <param name="text">The DRN.</param>
    /// <returns>The scope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a well-formed DRN; the message says why.</exception>
    public static ResourceScope Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out ResourceScope? scope, out string? error)
            ? scope
            : throw new FormatException($"'{text}' is not a valid resource: {error} Expected 'drn:astra:org:<org>[:db:<db>[:keyspace:<keyspace>[:table:<table>]]]'.");
    }

    /// <summary>Tries to parse a DRN.</summary>
    /// <param name="text">The DRN.</param>
    /// <param name="scope">The scope when parsing succeeded.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a well-formed DRN.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ResourceScope? scope) =>
        TryParse(text, out scope, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out ResourceScope? scope, [NotNullWhen(false)] out string? error)
    {
        scope = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "it does not start with 'drn:astra:'.";
            return false;
        }

        string[] parts = text[Prefix.Length..].Split(':');
        if (parts.Length is not (2 or 4 or 6 or 8))
        {
            error = "it must hold 1 to 4 '<level>:<name>' pairs.";
            return false;
        }

        var segments = new string?[4];
        for (int level = 0; level < parts.Length / 2; level++)
        {
            if (!string.Equals(parts[level * 2], s_levelNames[level], StringComparison.Ordinal))
            {
                error = $"level {level + 1} must be '{s_levelNames[level]}'.";
                return false;
            }

            string name = parts[(level * 2) + 1];
            if (!IsValidSegment(name))
            {
                error = $"the {s_levelNames[level]} name is empty, longer than 128 characters, or contains ':', whitespace or control characters.";
                return false;
            }

            segments[level] = name;
        }

        scope = new ResourceScope(segments[0]!, segments[1], segments[2], segments[3]);
        error = null;
        return true;
    }

    /// <summary>
    /// Returns whether this scope covers <paramref name="resource"/>: every level this scope names is present in
    /// <paramref name="resource"/> and equal to it or <c>*</c>.
    /// </summary>
    /// <param name="resource">The resource being accessed.</param>
    /// <returns><see langword="true"/> when the resource lies within this scope.</returns>
    public bool Covers(ResourceScope resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Matches(Organization, resource.Organization)
            && (Database is null || Matches(Database, resource.Database))
            && (Keyspace is null || Matches(Keyspace, resource.Keyspace))
            && (Table is null || Matches(Table, resource.Table));
    }

    private static bool Matches(string pattern, string? value) =>
        value is not null && (pattern == Wildcard || string.Equals(pattern, value, StringComparison.Ordinal));

    /// <inheritdoc/>
    public bool Equals(ResourceScope? other) =>
        other is not null
        && string.Equals(Organization, other.Organization, StringComparison.Ordinal)
        && string.Equals(Database, other.Database, StringComparison.Ordinal)
        && string.Equals(Keyspace, other.Keyspace, StringComparison.Ordinal)
        && string.Equals(Table, other.Table, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ResourceScope);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Organization, Database, Keyspace, Table);

    /// <summary>Returns the DRN form, for example <c>drn:astra:org:acme:db:orders</c>.</summary>
    /// <returns>The DRN.</returns>
    public override string ToString() =>
        Prefix + "org:" + Organization
        + (Database is null ? "" : ":db:" + Database)
        + (Keyspace is null ? "" : ":keyspace:" + Keyspace)
        + (Table is null ? "" : ":table:" + Table);

    private static ResourceScope Create(string organization, string? database, string? keyspace, string? table)
    {
        ArgumentNullException.ThrowIfNull(organization);
        ThrowIfInvalidSegment(organization, nameof(organization));
        if (database is not null)
        {
            ThrowIfInvalidSegment(database, nameof(database));
        }

        if (keyspace is not null)
        {
            ThrowIfInvalidSegment(keyspace, nameof(keyspace));
        }

        if (table is not null)
        {
            ThrowIfInvalidSegment(table, nameof(table));
        }

        return new ResourceScope(organization, database, keyspace, table);
    }

    private static void ThrowIfInvalidSegment(string segment, string paramName)
    {
        if (!IsValidSegment(segment))
        {
            throw new ArgumentException($"A resource {paramName} name must be 1 to 128 characters without ':' or whitespace, or '*'.", paramName);
        }
    }

    private static bool IsValidSegment(string segment)
    {
        if (segment.Length is 0 or > 128)
        {
            return false;
        }

        foreach (char c in segment)
        {
            if (c == ':' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
