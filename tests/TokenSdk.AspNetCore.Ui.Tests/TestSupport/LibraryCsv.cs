using System.Reflection;
using System.Text;
using TokenSdk.Credentials;

namespace TokenSdk.AspNetCore.Ui.Tests.TestSupport;

/// <summary>
/// What the library's own <see cref="GeneratedToken.ToCsv"/> writes for given details. A GeneratedToken is made only by
/// the generator, so the test builds one through its internal constructor: the comparison is with the library's code,
/// not with a copy of its format.
/// </summary>
internal static class LibraryCsv
{
    public static byte[] For(string clientId, string secret, string token, string[] roleIds, string[] roleNames)
    {
        ConstructorInfo constructor = typeof(GeneratedToken).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic).Single();
        var details = (GeneratedToken)constructor.Invoke(
        [
            clientId, secret, token, roleIds, roleNames, "org", DateTimeOffset.UnixEpoch, null, null, TokenFormatKind.Astra,
        ]);
        return Encoding.UTF8.GetBytes(details.ToCsv());
    }
}
