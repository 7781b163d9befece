"""Vitrine: live-stream chat comments become reservations, carts and paid orders."""

__version__ = "0.1.0"
