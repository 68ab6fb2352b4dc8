using Npgsql;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class PostgresLabTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_running_lab_When_connecting_with_the_lab_password_Then_its_postgres_answers()
    {
        var pg = fixture.Lab.Postgres;
        await using var connection = new NpgsqlConnection(pg.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user, current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(("runbook", "runbook"), (reader.GetString(0), reader.GetString(1)));
        Assert.Equal("127.0.0.1", pg.Host);
    }

    [Fact]
    public async Task Given_running_lab_When_connecting_with_a_wrong_password_Then_the_login_is_refused()
    {
        await using var connection = new NpgsqlConnection(fixture.Lab.Postgres.ConnectionString(password: "wrong"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }
}
