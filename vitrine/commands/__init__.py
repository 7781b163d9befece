"""The CLI commands' work (parse, moderate, replay, demo), kept out of the thin `vitrine.cli`."""
