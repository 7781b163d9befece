"""Transcript playback: a recorded chat read from JSON lines and played through the live
use cases, on its own clock."""
