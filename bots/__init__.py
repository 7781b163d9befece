"""Chat side: platform-neutral message types, the live pipeline, adapters and the outbox sender."""
