"""The command line: `survey` and its groups of commands."""
