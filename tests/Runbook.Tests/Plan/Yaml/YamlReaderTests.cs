using Runbook.Plan.Validation;
using Runbook.Plan.Yaml;

namespace Runbook.Tests.Plan.Yaml;

public sealed class YamlReaderTests
{
    private static (YamlMapping? Root, Diagnostics Diagnostics) Read(string text)
    {
        var diagnostics = new Diagnostics();
        return (YamlReader.Read("t.yaml", text, diagnostics) as YamlMapping, diagnostics);
    }

    private static object? ValueOf(YamlMapping root, string key) => ((YamlScalar)root.Find(key)!.Value).Value;

    [Fact]
    public void Given_plain_scalars_When_read_Then_they_are_typed_by_the_yaml_1_2_core_schema()
    {
        var (root, diagnostics) = Read("a: yes\nb: on\nc: 22:00\nd: 42\ne: 0x1F\nf: true\ng: ~\nh: 1.5\ni: '42'\nj: !!str 7\nk: 0o17\n");

        Assert.Empty(diagnostics.Items);
        Assert.Equal("yes", ValueOf(root!, "a"));
        Assert.Equal("on", ValueOf(root!, "b"));
        Assert.Equal("22:00", ValueOf(root!, "c"));
        Assert.Equal(42L, ValueOf(root!, "d"));
        Assert.Equal(31L, ValueOf(root!, "e"));
        Assert.Equal(true, ValueOf(root!, "f"));
        Assert.Null(ValueOf(root!, "g"));
        Assert.Equal(1.5, ValueOf(root!, "h"));
        Assert.Equal("42", ValueOf(root!, "i"));
        Assert.Equal("7", ValueOf(root!, "j"));
        Assert.Equal(15L, ValueOf(root!, "k"));
    }

    [Fact]
    public void Given_nested_values_When_read_Then_keys_and_values_keep_their_line_and_column()
    {
        var (root, _) = Read("servers:\n  old:\n    port: 993\n");

        var old = ((YamlMapping)root!.Find("servers")!.Value).Find("old")!;
        var port = ((YamlMapping)old.Value).Find("port")!;
        Assert.Equal((2, 3), (old.KeyLocation.Line, old.KeyLocation.Column));
        Assert.Equal((3, 5), (port.KeyLocation.Line, port.KeyLocation.Column));
        Assert.Equal((3, 11), (port.Value.Location.Line, port.Value.Location.Column));
    }

    [Fact]
    public void Given_an_alias_When_read_Then_it_stands_for_the_anchored_value()
    {
        var (root, diagnostics) = Read("a: &x { host: h }\nb: *x\n");

        Assert.Empty(diagnostics.Items);
        Assert.Same(root!.Find("a")!.Value, root.Find("b")!.Value);
    }

    [Fact]
    public void Given_a_duplicate_key_When_read_Then_it_is_an_error_at_the_second_key_and_the_first_value_stays()
    {
        var (root, diagnostics) = Read("name: a\nname: b\n");

        var error = Assert.Single(diagnostics.Items);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Equal("a", ValueOf(root!, "name"));
    }
}
