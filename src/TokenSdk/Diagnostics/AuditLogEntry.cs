using System.Collections;
using System.Globalization;
using System.Text;
using TokenSdk.Management;

namespace TokenSdk.Diagnostics;

/// <summary>
/// The state of one audit log entry: every field of the event as a structured value (<see langword="null"/> when the
/// event has none), and a message that shows only the fields that have a value.
/// </summary>
/// <remarks>
/// Written by hand rather than with <c>[LoggerMessage]</c>, whose fixed template prints every placeholder whether or
/// not it has a value ("reason , related client , effective ."); ASP.NET Core builds the state of its request log
/// entries by hand for the same reason. <c>{OriginalFormat}</c> names only the placeholders the message shows.
/// </remarks>
internal sealed class AuditLogEntry : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _values = [];
    private readonly StringBuilder _template = new();
    private readonly StringBuilder _message = new();
    private readonly string _text;

    public AuditLogEntry(TokenAuditEvent auditEvent)
    {
        if (auditEvent.Kind == TokenAuditEventKind.Denied)
        {
            WriteDenied(auditEvent);
        }
        else
        {
            WriteChange(auditEvent);
        }

        _values.Add(new("{OriginalFormat}", _template.ToString()));
        _text = _message.ToString();
    }

    /// <summary>Formats the entry: its message.</summary>
    public static Func<AuditLogEntry, Exception?, string> Format { get; } = static (entry, _) => entry._text;

    public int Count => _values.Count;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text;

    // "Token audit: Rotated (rotate) by alice in organization acme; client X, role Y, related client Z, effective T."
    private void WriteChange(TokenAuditEvent e)
    {
        Text("Token audit: ");
        Value("Kind", e.Kind);
        Text(" (");
        Value("Operation", e.Operation);
        Text(") by ");
        Value("ActorId", e.ActorId);
        Text(" in organization ");
        Value("OrganizationId", e.OrganizationId);
        string separator = "; ";
        Optional(ref separator, "client ", "ClientId", e.ClientId);
        Optional(ref separator, "role ", "RoleId", e.RoleId);
        Optional(ref separator, "reason ", "Reason", e.Reason);
        Optional(ref separator, "related client ", "RelatedClientId", e.RelatedClientId);
        Optional(ref separator, "effective ", "EffectiveAt", e.EffectiveAt);
        Text(".");
    }

    // "Token audit: generate by dora in organization acme denied (role R): Caller 'dora' cannot ..."
    private void WriteDenied(TokenAuditEvent e)
    {
        Text("Token audit: ");
        Value("Operation", e.Operation);
        Text(" by ");
        Value("ActorId", e.ActorId);
        Text(" in organization ");
        Value("OrganizationId", e.OrganizationId);
        Text(" denied");
        string separator = " (";
        Optional(ref separator, "client ", "ClientId", e.ClientId);
        Optional(ref separator, "role ", "RoleId", e.RoleId);
        if (separator != " (")
        {
            Text(")");
        }

        if (e.Detail is null)
        {
            _values.Add(new("Detail", null));
            Text(".");
        }
        else
        {
            Text(": ");
            Value("Detail", e.Detail);
        }
    }

    private void Optional(ref string separator, string label, string name, object? value)
    {
        if (value is null)
        {
            _values.Add(new(name, null));
            return;
        }

        Text(separator);
        Text(label);
        Value(name, value);
        separator = ", ";
    }

    private void Text(string text)
    {
        _template.Append(text);
        _message.Append(text);
    }

    private void Value(string name, object value)
    {
        _values.Add(new(name, value));
        _template.Append('{').Append(name).Append('}');
        _message.Append(value is DateTimeOffset time ? time.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture));
    }
}
