"""One module per stage; each has run(ctx) -> list of results."""
