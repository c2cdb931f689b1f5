namespace ReleaseGate.Registry.Tests;

public class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1:5001/orders-api:1.4.2", "127.0.0.1:5001", "orders-api", "1.4.2", null)]
    [InlineData("127.0.0.1:5001/demo/web:v1", "127.0.0.1:5001", "demo/web", "v1", null)]
    [InlineData("127.0.0.1:5001/demo/web", "127.0.0.1:5001", "demo/web", null, null)]
    [InlineData("localhost/app:latest", "localhost", "app", "latest", null)]
    [InlineData("registry.example.com/team/sub/app_x.y__z-w:1.0_rc-1", "registry.example.com", "team/sub/app_x.y__z-w", "1.0_rc-1", null)]
    [InlineData("localhost:5000/a--b:V1", "localhost:5000", "a--b", "V1", null)]
    [InlineData("127.0.0.1:5001/demo/web@sha256:" + Hex, "127.0.0.1:5001", "demo/web", null, "sha256:" + Hex)]
    [InlineData("127.0.0.1:5001/demo/web:v2@sha256:" + Hex, "127.0.0.1:5001", "demo/web", "v2", "sha256:" + Hex)]
    [InlineData("My-Registry.example.com:443/x:_tag", "My-Registry.example.com:443", "x", "_tag", null)]
    public void Parses_valid_references(string text, string registry, string repository, string? tag, string? digest)
    {
        Assert.True(ImageReference.TryParse(text, out var reference, out var error), error);
        Assert.Null(error);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal($"{registry}/{repository}", reference.RepositoryReference);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("nginx:1.25", "does not name a registry host")]
    [InlineData("library/nginx:1.25", "does not name a registry host")]
    [InlineData("127.0.0.1:5001", "does not name a registry host")]
    [InlineData("127.0.0.1:5001/", "names no repository")]
    [InlineData("127.0.0.1:5001/Orders-API:1.0", "upper-case")]
    [InlineData("127.0.0.1:5001/demo//web:1.0", "empty path component")]
    [InlineData("127.0.0.1:5001/demo/web/:1.0", "empty path component")]
    [InlineData("127.0.0.1:5001/-web:1.0", "path component '-web'")]
    [InlineData("127.0.0.1:5001/web.:1.0", "path component 'web.'")]
    [InlineData("127.0.0.1:5001/we___b:1.0", "path component 'we___b'")]
    [InlineData("127.0.0.1:5001/web:", "tag in '127.0.0.1:5001/web:' is empty")]
    [InlineData("127.0.0.1:5001/web:.hidden", "tag '.hidden'")]
    [InlineData("127.0.0.1:5001/web:-x", "tag '-x'")]
    [InlineData("127.0.0.1:5001/web:a/b", "path component 'web:a'")]
    [InlineData("127.0.0.1:5001/web@sha256:abc", "digest 'sha256:abc'")]
    [InlineData("127.0.0.1:5001/web@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "digest")]
    [InlineData("127.0.0.1:5001/web@md5:0123456789abcdef0123456789abcdef", "digest 'md5:")]
    [InlineData("bad_host.example.com/web:1", "registry host 'bad_host.example.com'")]
    [InlineData("127.0.0.1:5001/web:1 2", "white space")]
    public void Rejects_invalid_references_with_a_sentence_naming_the_problem(string text, string expected)
    {
        Assert.False(ImageReference.TryParse(text, out var reference, out var error));
        Assert.Null(reference);
        Assert.Contains(expected, error);
        Assert.EndsWith(".", error);
    }

    [Fact]
    public void Rejects_tags_longer_than_128_characters()
    {
        Assert.True(ImageReference.TryParse("localhost/app:" + new string('a', 128), out _, out _));
        Assert.False(ImageReference.TryParse("localhost/app:" + new string('a', 129), out _, out var error));
        Assert.Contains("1 to 128", error);
    }
}
