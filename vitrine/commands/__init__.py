"""Long-running CLI commands (replay, demo), kept out of the thin `vitrine.cli` module."""
