using System.Globalization;
using System.Reflection;
using TokenSdk.AspNetCore.Management;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>Every error id the management API can answer is in docs/management.md's table, with its status.</summary>
public class ManagementErrorDocumentationTests
{
    public static TheoryData<int, int> Errors()
    {
        var data = new TheoryData<int, int>();
        foreach (FieldInfo field in typeof(ManagementError).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is ManagementError error)
            {
                data.Add(error.Id, error.Status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorId_IsDocumentedWithItsStatus(int id, int status)
    {
        string docs = File.ReadAllText(Path.Combine(BuiltProgram.RepositoryRoot, "docs", "management.md"));

        Assert.Contains($"| {id.ToString(CultureInfo.InvariantCulture)} | {status.ToString(CultureInfo.InvariantCulture)} |", docs, StringComparison.Ordinal);
    }
}
