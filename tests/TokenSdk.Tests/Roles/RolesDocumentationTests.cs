using System.Text;
using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

/// <summary>Keeps <c>docs/roles.md</c> in step with <see cref="DefaultRoles"/>: the role table there is generated from code.</summary>
public class RolesDocumentationTests
{
    internal const string TableStart = "<!-- BEGIN generated role table: RolesDocumentationTests.RenderRoleTable(DefaultRoles.All) -->";
    internal const string TableEnd = "<!-- END generated role table -->";

    [Fact]
    public void RolesDoc_RoleTable_ContainsTableRenderedFromDefaultRoles()
    {
        // Arrange
        string expected = RenderRoleTable(DefaultRoles.All);

        // Act
        string doc = ReadRolesDoc();

        // Assert
        Assert.Contains(expected, doc, StringComparison.Ordinal);
    }

    [Fact]
    public void RolesDoc_GeneratedSection_IsExactlyTheRenderedTable()
    {
        // Arrange
        string expected = RenderRoleTable(DefaultRoles.All);
        string doc = ReadRolesDoc();

        // Act
        int start = doc.IndexOf(TableStart, StringComparison.Ordinal);
        int end = doc.IndexOf(TableEnd, StringComparison.Ordinal);

        // Assert
        Assert.True(start >= 0, $"docs/roles.md lacks the marker '{TableStart}'.");
        Assert.True(end > start, $"docs/roles.md lacks the marker '{TableEnd}' after the start marker.");
        string generated = doc[(start + TableStart.Length)..end].Trim('\n');
        Assert.Equal(expected.TrimEnd('\n'), generated);
    }

    [Fact]
    public void RenderRoleTable_DefaultRoles_HasHeaderAndOneRowPerRole()
    {
        // Act
        string[] lines = RenderRoleTable(DefaultRoles.All).TrimEnd('\n').Split('\n');

        // Assert
        Assert.Equal(2 + DefaultRoles.All.Count, lines.Length);
        Assert.Equal("| Role | Id | Permissions |", lines[0]);
        Assert.StartsWith("| Billing Administrator | `billing-administrator` | `org-billing-read`, `org-billing-write`, `org-read` |", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public void RolesDoc_Headings_CoverEveryTopic()
    {
        // Act
        string doc = ReadRolesDoc();

        // Assert
        Assert.StartsWith("# Roles and permissions", doc, StringComparison.Ordinal);
        Assert.Contains("## Default roles and custom roles", doc, StringComparison.Ordinal);
        Assert.Contains("## Resource scopes", doc, StringComparison.Ordinal);
        Assert.Contains("## Adding custom roles in code", doc, StringComparison.Ordinal);
        Assert.Contains("## Adding custom roles through configuration", doc, StringComparison.Ordinal);
        Assert.Contains("## Custom roles created at run time", doc, StringComparison.Ordinal);
        Assert.Contains("## Roles that change at run time: IRoleSource", doc, StringComparison.Ordinal);
        Assert.Contains("## Permissions of the default roles", doc, StringComparison.Ordinal);
    }

    /// <summary>
    /// Renders one Markdown row per role: name, id, then its permissions sorted ordinally, each in backticks and
    /// separated by commas.
    /// </summary>
    internal static string RenderRoleTable(IEnumerable<Role> roles)
    {
        var table = new StringBuilder();
        table.Append("| Role | Id | Permissions |\n");
        table.Append("| --- | --- | --- |\n");
        foreach (Role role in roles)
        {
            string permissions = string.Join(", ", role.Permissions.Order(StringComparer.Ordinal).Select(p => $"`{p}`"));
            table.Append($"| {role.Name} | `{role.Id}` | {permissions} |\n");
        }

        return table.ToString();
    }

    private static string ReadRolesDoc()
    {
        string path = Path.Combine(BuiltProgram.RepositoryRoot, "docs", "roles.md");
        return File.ReadAllText(path).ReplaceLineEndings("\n");
    }
}
