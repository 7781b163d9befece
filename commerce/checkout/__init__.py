"""Checkout providers behind one port: the embedded local checkout and Stripe Checkout."""
