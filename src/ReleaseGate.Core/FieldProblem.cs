namespace ReleaseGate.Core;

/// <summary>
/// What is wrong with one field of a form, in both languages the team reads; "" names the whole form.
/// Application fields are named in camelCase as the applications file spells them.
/// </summary>
public readonly record struct FieldProblem(string Field, string Message, string MessageZh)
{
    public string MessageIn(System.Globalization.CultureInfo culture) =>
        culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? MessageZh : Message;
}
