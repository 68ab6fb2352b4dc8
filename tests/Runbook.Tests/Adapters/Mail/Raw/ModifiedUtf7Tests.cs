using Runbook.Adapters.Mail.Raw;

namespace Runbook.Tests.Adapters.Mail.Raw;

public sealed class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("Cartório", "Cart&APM-rio")]
    [InlineData("送信済みアイテム", "&kAFP4W4IMH8wojCkMMYw4A-")]
    [InlineData("下書き", "&Tgtm+DBN-")]
    [InlineData("迷惑メール", "&j,dg0TDhMPww6w-")]
    [InlineData("A&B", "A&-B")]
    [InlineData("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    public void Given_a_name_When_encoded_and_decoded_Then_it_matches_rfc3501(string name, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(name));
        Assert.Equal(name, ModifiedUtf7.Decode(encoded));
    }

    [Fact]
    public void Given_an_unterminated_shift_When_decoded_Then_format_error()
    {
        Assert.Throws<FormatException>(() => ModifiedUtf7.Decode("Cart&APM"));
    }
}
