"""Bundled demo catalog and chat, replayed by `vitrine demo`."""
