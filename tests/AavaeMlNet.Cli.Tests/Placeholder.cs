namespace AavaeMlNet.Cli.Tests;
