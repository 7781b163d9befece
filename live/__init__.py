"""The application layer: the use cases of a live session, platform-neutral."""
