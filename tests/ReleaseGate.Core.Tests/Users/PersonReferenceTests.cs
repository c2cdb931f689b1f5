using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Tests;

/// <summary>How a submitter or commit author, as Jenkins sends it, is read: git's "Name &lt;email&gt;", an e-mail, a user name.</summary>
public class PersonReferenceTests
{
    [Theory]
    [InlineData("Li Lei <li.lei@example.com>", "li.lei@example.com", null)]
    [InlineData("  \"Lei, Li\"   < Li.Lei@Example.com >  ", "Li.Lei@Example.com", null)]
    [InlineData("<qa@example.com>", "qa@example.com", null)]
    [InlineData(" qa@example.com ", "qa@example.com", null)]
    [InlineData("dev-by-name", null, "dev-by-name")]
    [InlineData("  Dev By Name  ", null, "Dev By Name")]
    [InlineData("jenkins <>", null, "jenkins")]
    [InlineData("a <b> c", null, "a <b> c")]
    public void Reads_git_authors_bare_emails_and_user_names(string text, string? email, string? userName)
    {
        var person = PersonReference.Parse(text);

        Assert.Equal(email, person.Email);
        Assert.Equal(userName, person.UserName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" <> ")]
    public void Nothing_names_nobody(string? text)
    {
        var person = PersonReference.Parse(text);

        Assert.True(person.IsEmpty);
        Assert.False(person.Names("", ""));
        Assert.False(person.Names(null, null));
    }

    [Theory]
    [InlineData("QA One <QA1@Example.COM>")]
    [InlineData("qa1@example.com")]
    [InlineData(" QA1@EXAMPLE.com\t")]
    [InlineData("qa-one")]
    [InlineData("QA-ONE")]
    public void Names_the_account_whatever_the_case_and_surrounding_spaces(string text) =>
        Assert.True(PersonReference.Parse(text).Names("qa-one", "qa1@example.com"));

    [Theory]
    [InlineData("qa-one <someone.else@example.com>")] // the name of a git author decides nothing, its e-mail does
    [InlineData("qa1@example.org")]
    [InlineData("qa-one2")]
    [InlineData("qa1")]
    public void Does_not_name_another_account(string text) =>
        Assert.False(PersonReference.Parse(text).Names("qa-one", "qa1@example.com"));

    [Fact]
    public void An_email_names_an_account_whose_user_name_is_that_email() =>
        Assert.True(PersonReference.Parse("Qa <qa@example.com>").Names("QA@example.com", null));
}
