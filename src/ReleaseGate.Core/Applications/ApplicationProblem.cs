namespace ReleaseGate.Core.Applications;

/// <summary>
/// What is wrong with one field of an application, in both languages the team reads; the field is named
/// in camelCase as the applications file spells it ("" for the whole form).
/// </summary>
public readonly record struct ApplicationProblem(string Field, string Message, string MessageZh)
{
    public string MessageIn(System.Globalization.CultureInfo culture) =>
        culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? MessageZh : Message;
}
